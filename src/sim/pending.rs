//! The order of pending entries in the future-event list: a timing wheel of one-second slots for
//! the next [`WHEEL`] seconds, and a 4-ary heap for anything later.
//!
//! A simulation almost always schedules into the near future (a reply in the same second, a
//! close in ten minutes, the next arrival in seconds), and pops in time order. So:
//! - an entry due within the wheel's span goes into the unsorted slot of its second (a push is
//!   a vector push and a bit set); one due later waits in the heap and moves into its slot when
//!   the wheel reaches it;
//! - the second being drained is the *run*: its entries sorted by their full key, read from a
//!   cursor. Entries scheduled into that same second while it drains (a reply at +0, the batch
//!   of the instant) are inserted in key order behind the cursor;
//! - the next non-empty second is found with the slots' occupancy bits.
//!
//! Keys are unique (the order part carries a sequence number or a timer's sub-order), so the pop
//! sequence is exactly the one a single heap over the same keys gives: the structure changes
//! speed, never order. Push and pop are O(1) for the near future, instead of O(log n) sifts
//! through a heap of every pending event (a thousand in a year-long 200-agent run).

/// Seconds covered by the wheel (a bit over an hour).
pub const WHEEL: usize = 4096;

/// A pending entry: its order key split in two words (time; phase and order) and the slot of
/// its item. The derived order compares `hi`, then `lo` (then `slot`, never reached: keys are
/// unique).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    /// The time word of the key.
    pub hi: u64,
    /// Phase and order.
    pub lo: u64,
    /// Slot of the item.
    pub slot: u32,
}

impl Entry {
    /// An entry for a packed key.
    #[inline]
    pub fn new(key: u128, slot: u32) -> Entry {
        Entry { hi: (key >> 64) as u64, lo: key as u64, slot }
    }

    #[inline]
    fn key(&self) -> u128 {
        ((self.hi as u128) << 64) | self.lo as u128
    }

    /// Whether `self` comes before `other`, as one 128-bit compare.
    #[inline]
    fn before(&self, other: &Entry) -> bool {
        self.key() < other.key()
    }
}

/// A 4-ary min-heap: half the depth of a binary heap, and the four children of a node sit next
/// to each other in memory. Holds the entries due beyond the wheel.
#[derive(Debug, Default, Clone)]
struct Heap {
    v: Vec<Entry>,
}

impl Heap {
    fn push(&mut self, e: Entry) {
        let mut i = self.v.len();
        self.v.push(e);
        while i > 0 {
            let p = (i - 1) / 4;
            let parent = self.v[p];
            if !e.before(&parent) {
                break;
            }
            self.v[i] = parent;
            i = p;
        }
        self.v[i] = e;
    }

    fn pop(&mut self) -> Option<Entry> {
        let last = self.v.pop()?;
        let Some(&top) = self.v.first() else { return Some(last) };
        let n = self.v.len();
        let mut i = 0;
        loop {
            let c = 4 * i + 1;
            if c >= n {
                break;
            }
            let kids = &self.v[c..(c + 4).min(n)];
            let mut m = 0;
            for j in 1..kids.len() {
                if kids[j].before(&kids[m]) {
                    m = j;
                }
            }
            let child = kids[m];
            if !child.before(&last) {
                break;
            }
            self.v[i] = child;
            i = c + m;
        }
        self.v[i] = last;
        Some(top)
    }

    fn peek(&self) -> Option<&Entry> {
        self.v.first()
    }
}

/// Pending entries in key order.
#[derive(Debug, Clone)]
pub struct Pending {
    /// The second being drained, sorted by key; `run[head..]` are still pending.
    run: Vec<Entry>,
    head: usize,
    /// The time word of the run (and the wheel's origin): slots hold times in
    /// `cur + 1 .. cur + WHEEL`, each at index `time % WHEEL`.
    cur: u64,
    slots: Vec<Vec<Entry>>,
    /// Occupancy bit of each slot.
    bits: Vec<u64>,
    /// Entries due at `cur + WHEEL` or later.
    far: Heap,
    len: usize,
}

impl Default for Pending {
    fn default() -> Pending {
        Pending {
            run: Vec::new(),
            head: 0,
            cur: 0,
            slots: vec![Vec::new(); WHEEL],
            bits: vec![0; WHEEL / 64],
            far: Heap::default(),
            len: 0,
        }
    }
}

impl Pending {
    /// Entries pending.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// No entry pending.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds an entry.
    #[inline]
    pub fn push(&mut self, e: Entry) {
        self.len += 1;
        if e.hi <= self.cur {
            // The second being drained (or, never in a simulation, an earlier one, which a heap
            // would also give first): in key order among what is left of the run.
            let rest = &self.run[self.head..];
            let at = self.head + rest.partition_point(|x| x.before(&e));
            self.run.insert(at, e);
        } else if e.hi - self.cur < WHEEL as u64 {
            self.put_in_slot(e);
        } else {
            self.far.push(e);
        }
    }

    #[inline]
    fn put_in_slot(&mut self, e: Entry) {
        let i = (e.hi % WHEEL as u64) as usize;
        self.slots[i].push(e);
        self.bits[i / 64] |= 1 << (i % 64);
    }

    /// The next entry, without removing it.
    #[inline]
    pub fn peek(&mut self) -> Option<&Entry> {
        if self.head == self.run.len() && !self.advance() {
            return None;
        }
        self.run.get(self.head)
    }

    /// Removes the next entry.
    #[inline]
    pub fn pop(&mut self) -> Option<Entry> {
        if self.head == self.run.len() && !self.advance() {
            return None;
        }
        let e = *self.run.get(self.head)?;
        self.head += 1;
        self.len -= 1;
        Some(e)
    }

    /// Loads the next non-empty second into the run; false when nothing is pending.
    fn advance(&mut self) -> bool {
        self.run.clear();
        self.head = 0;
        let wheel_next = self.next_occupied();
        let far_next = self.far.peek().map(|e| e.hi);
        let next = match (wheel_next, far_next) {
            (Some(w), Some(f)) => w.min(f),
            (Some(w), None) => w,
            (None, Some(f)) => f,
            (None, None) => return false,
        };
        self.cur = next;
        // Heap entries the wheel now covers move into their slots (the run's own second too).
        while let Some(e) = self.far.peek().copied() {
            if e.hi - self.cur >= WHEEL as u64 {
                break;
            }
            self.far.pop();
            self.put_in_slot(e);
        }
        let i = (next % WHEEL as u64) as usize;
        std::mem::swap(&mut self.run, &mut self.slots[i]);
        self.bits[i / 64] &= !(1 << (i % 64));
        self.run.sort_unstable_by_key(Entry::key);
        !self.run.is_empty()
    }

    /// The time word of the first occupied slot after `cur`, scanning the bits circularly.
    fn next_occupied(&self) -> Option<u64> {
        let start = ((self.cur + 1) % WHEEL as u64) as usize;
        let words = self.bits.len();
        let (w0, b0) = (start / 64, start % 64);
        // The first word from bit b0, then the following words, then the first word's low bits.
        let first = self.bits[w0] & (!0u64 << b0);
        let found = if first != 0 {
            Some(w0 * 64 + first.trailing_zeros() as usize)
        } else {
            (1..=words).find_map(|k| {
                let w = (w0 + k) % words;
                let mut bits = self.bits[w];
                if k == words {
                    bits &= !(!0u64 << b0); // back at the first word: only the bits before b0
                }
                (bits != 0).then(|| w * 64 + bits.trailing_zeros() as usize)
            })
        }?;
        let ahead = (found + WHEEL - start) % WHEEL;
        Some(self.cur + 1 + ahead as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(hi: u64, lo: u64) -> u128 {
        ((hi as u128) << 64) | lo as u128
    }

    /// The pop order is the key order whatever the mix of near, far and same-second pushes,
    /// checked against a sorted reference on a seeded random schedule that pops as it goes.
    #[test]
    fn sim4_pops_follow_the_key_order_like_one_heap() {
        let mut p = Pending::default();
        let mut reference: std::collections::BTreeSet<u128> = Default::default();
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut now = 1_000_000u64;
        let mut seq = 0;
        for step in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if !x.is_multiple_of(3) || reference.is_empty() {
                let ahead = match x % 10 {
                    0..=2 => 0,                             // the current second
                    3..=6 => (x >> 8) % 600,                // minutes
                    7 | 8 => (x >> 8) % (3 * WHEEL as u64), // around the wheel's edge
                    _ => (x >> 8) % 1_000_000,              // days ahead
                };
                seq += 1;
                let k = key(now + ahead, ((x >> 40) % 6) << 61 | seq);
                reference.insert(k);
                p.push(Entry::new(k, seq as u32));
            } else {
                let e = p.pop().expect("an entry is pending");
                let want = reference.pop_first().expect("the reference agrees");
                assert_eq!(e.key(), want, "step {step}");
                now = e.hi;
            }
            assert_eq!(p.len(), reference.len());
        }
        while let Some(e) = p.pop() {
            assert_eq!(Some(e.key()), reference.pop_first());
        }
        assert!(reference.is_empty());
    }

    /// An entry pushed into the second being drained with a smaller key than what is left (a
    /// lower SIM4 phase) comes out next, as from a heap.
    #[test]
    fn sim4_a_lower_phase_pushed_into_the_current_second_comes_next() {
        let mut p = Pending::default();
        p.push(Entry::new(key(10, 3 << 61 | 1), 1));
        p.push(Entry::new(key(10, 5 << 61 | 2), 2));
        assert_eq!(p.pop().map(|e| e.slot), Some(1));
        p.push(Entry::new(key(10, 4 << 61 | 3), 3));
        p.push(Entry::new(key(10, 5 << 61 | 4), 4));
        let order: Vec<u32> = std::iter::from_fn(|| p.pop().map(|e| e.slot)).collect();
        assert_eq!(order, vec![3, 2, 4]);
    }

    /// A far entry and a wheel entry: the earlier comes first, whichever structure holds it.
    #[test]
    fn far_entries_move_into_the_wheel_in_time() {
        let mut p = Pending::default();
        let far = WHEEL as u64 * 5 + 7;
        p.push(Entry::new(key(far, 1), 1));
        p.push(Entry::new(key(far + 1, 2), 2));
        p.push(Entry::new(key(3, 3), 3));
        p.push(Entry::new(key(far, 0), 4));
        let order: Vec<u32> = std::iter::from_fn(|| p.pop().map(|e| e.slot)).collect();
        assert_eq!(order, vec![3, 4, 1, 2]);
    }
}
