//! The least-load order of a pool's eligible accounts (A4, A10) as an indexed 4-ary min-heap.
//!
//! The pool needs three things: the first account in (load, last automatic assignment, order)
//! order, adding an account that became eligible, and removing or re-keying one whose load or
//! reasons changed. Every assignment and every close changes one account's key, so these run
//! once or twice per room. An ordered tree set does each in a remove plus an insert (two
//! descents and node rebalancing); this heap keeps each account's slot, so a change is one sift
//! along a path of at most log4(n) entries, and the first account is the root.
//!
//! Keys are packed into one `u128` with the same order as the [`LoadKey`] tuple, so a comparison
//! is a single integer compare.

use super::distribute::LoadKey;

/// No slot: the account is not in the heap.
const ABSENT: u32 = u32::MAX;

/// Packs a key: load (32 bits), last assignment (64 bits, offset so that `i64::MIN` sorts
/// first), account order (32 bits).
#[inline]
fn pack(k: LoadKey) -> u128 {
    ((k.load as u128) << 96) | (((k.last as u64) ^ (1 << 63)) as u128) << 32 | k.id as u128
}

/// The account order (id) of a packed key.
#[inline]
fn id_of(key: u128) -> u32 {
    key as u32
}

/// Eligible accounts of one pool in least-load order.
#[derive(Debug, Clone, Default)]
pub struct LeastLoad {
    heap: Vec<u128>,
    /// Slot of each account in `heap` (index: account id), `ABSENT` when not eligible here.
    slot: Vec<u32>,
}

impl LeastLoad {
    /// The first account (A10 order), if any.
    #[inline]
    pub fn first(&self) -> Option<u32> {
        self.heap.first().map(|&k| id_of(k))
    }

    /// Number of accounts held.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// No account held.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Whether the account is held.
    pub fn contains(&self, id: u32) -> bool {
        self.slot.get(id as usize).is_some_and(|&s| s != ABSENT)
    }

    /// Adds the account with `key`, or moves it to `key` if it is held already.
    #[inline]
    pub fn set(&mut self, key: LoadKey) {
        let id = key.id as usize;
        if id >= self.slot.len() {
            self.slot.resize(id + 1, ABSENT);
        }
        let packed = pack(key);
        match self.slot[id] {
            ABSENT => {
                let i = self.heap.len();
                self.heap.push(packed);
                self.sift_up(i);
            }
            s => {
                let i = s as usize;
                let old = std::mem::replace(&mut self.heap[i], packed);
                if packed < old {
                    self.sift_up(i);
                } else {
                    self.sift_down(i);
                }
            }
        }
    }

    /// Removes the account if it is held.
    #[inline]
    pub fn remove(&mut self, id: u32) {
        let Some(&s) = self.slot.get(id as usize) else { return };
        if s == ABSENT {
            return;
        }
        self.slot[id as usize] = ABSENT;
        let i = s as usize;
        let Some(last) = self.heap.pop() else { return };
        if i == self.heap.len() {
            return; // it was the last entry
        }
        let old = std::mem::replace(&mut self.heap[i], last);
        if last < old {
            self.sift_up(i);
        } else {
            self.sift_down(i);
        }
    }

    /// Moves the entry at `i` towards the root while it is smaller than its parent.
    fn sift_up(&mut self, mut i: usize) {
        let key = self.heap[i];
        while i > 0 {
            let parent = (i - 1) / 4;
            let p = self.heap[parent];
            if p <= key {
                break;
            }
            self.place(i, p);
            i = parent;
        }
        self.place(i, key);
    }

    /// Moves the entry at `i` towards the leaves while a child is smaller.
    fn sift_down(&mut self, mut i: usize) {
        let key = self.heap[i];
        let n = self.heap.len();
        loop {
            let first = 4 * i + 1;
            if first >= n {
                break;
            }
            let children = &self.heap[first..(first + 4).min(n)];
            let (mut m, mut min) = (0, children[0]);
            for (j, &c) in children.iter().enumerate().skip(1) {
                if c < min {
                    (m, min) = (j, c);
                }
            }
            if min >= key {
                break;
            }
            self.place(i, min);
            i = first + m;
        }
        self.place(i, key);
    }

    /// Writes `key` into slot `i` and records the slot of its account.
    #[inline]
    fn place(&mut self, i: usize, key: u128) {
        self.heap[i] = key;
        self.slot[id_of(key) as usize] = i as u32;
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn key(load: u32, last: i64, id: u32) -> LoadKey {
        LoadKey { load, last, id }
    }

    /// A10: the packed order is the tuple order (load, then last assignment with never-assigned
    /// first, then account order).
    #[test]
    fn a10_packed_keys_keep_the_tuple_order() {
        let keys = [
            key(0, i64::MIN, 3),
            key(0, -5, 1),
            key(0, 0, 0),
            key(0, 7, 2),
            key(1, i64::MIN, 0),
            key(1, 100, 0),
            key(2, -1, 9),
        ];
        for w in keys.windows(2) {
            assert!(w[0] < w[1] && pack(w[0]) < pack(w[1]), "{:?} before {:?}", w[0], w[1]);
        }
    }

    /// A4/A10: after any sequence of sets and removes, the first account is the one an ordered
    /// set of the same keys puts first (checked against `BTreeSet` on a seeded random sequence).
    #[test]
    fn a4_first_matches_an_ordered_set_through_random_changes() {
        let mut heap = LeastLoad::default();
        let mut reference: BTreeSet<LoadKey> = BTreeSet::new();
        let mut current: Vec<Option<LoadKey>> = vec![None; 40];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for step in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let id = (x % 40) as u32;
            if let Some(old) = current[id as usize].take() {
                reference.remove(&old);
            }
            if x.is_multiple_of(5) {
                heap.remove(id);
            } else {
                let k = key(((x >> 8) % 4) as u32, ((x >> 16) % 50) as i64 - 25, id);
                heap.set(k);
                reference.insert(k);
                current[id as usize] = Some(k);
            }
            assert_eq!(heap.first(), reference.first().map(|k| k.id), "step {step}");
            assert_eq!(heap.len(), reference.len());
            assert_eq!(heap.contains(id), current[id as usize].is_some());
        }
    }
}
