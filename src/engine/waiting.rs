//! The Waiting rooms (상담대기), kept in FIFO order of (`waiting_since`, room id) (B6, OPEN-52).
//!
//! SIM8: one queue per designated pool (and one for the general pool), so a batch drains each
//! pool without re-sorting and without scanning rooms no eligible account could take. Rooms that
//! no batch may assign are kept aside: `held` for `profile_hold` (W8, OPEN-49) and `stale` for
//! rooms whose customer has been silent more than 7 days (B5); both return to their queue when
//! the reason goes away.

use std::collections::BTreeSet;

use super::distribute::PoolId;
use super::room::RoomId;
use super::time::Time;

/// Where a room sits while Waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Bucket {
    /// Not Waiting.
    #[default]
    None,
    /// In the FIFO of a pool.
    Queue(PoolId),
    /// Aside: `profile_hold`.
    Held,
    /// Aside: customer silent more than 7 days at the last batch (B5).
    Stale,
}

/// FIFO key: (waiting_since, room id).
pub type Key = (Time, RoomId);

/// All Waiting rooms.
#[derive(Debug, Clone, Default)]
pub struct WaitingRooms {
    /// One FIFO per pool.
    pub queues: Vec<BTreeSet<Key>>,
    /// Profile-held rooms.
    pub held: BTreeSet<Key>,
    /// Stale rooms.
    pub stale: BTreeSet<Key>,
    /// Rooms in Waiting, all buckets.
    pub count: usize,
}

impl WaitingRooms {
    /// Makes sure there is a queue for every pool.
    pub fn resize(&mut self, pools: usize) {
        if self.queues.len() < pools {
            self.queues.resize_with(pools, BTreeSet::new);
        }
    }

    /// Puts a room into a bucket.
    pub fn insert(&mut self, bucket: Bucket, key: Key) {
        let set = match bucket {
            Bucket::None => return,
            Bucket::Queue(p) => {
                self.resize(p as usize + 1);
                &mut self.queues[p as usize]
            }
            Bucket::Held => &mut self.held,
            Bucket::Stale => &mut self.stale,
        };
        if set.insert(key) {
            self.count += 1;
        }
    }

    /// Takes a room out of its bucket.
    pub fn remove(&mut self, bucket: Bucket, key: Key) {
        let set = match bucket {
            Bucket::None => return,
            Bucket::Queue(p) => match self.queues.get_mut(p as usize) {
                Some(q) => q,
                None => return,
            },
            Bucket::Held => &mut self.held,
            Bucket::Stale => &mut self.stale,
        };
        if set.remove(&key) {
            self.count -= 1;
        }
    }

    /// Every Waiting room in B6 order (for rebuilding queues and for M3 positions).
    pub fn all_sorted(&self) -> Vec<Key> {
        let mut v: Vec<Key> = self.queues.iter().flatten().copied().collect();
        v.extend(self.held.iter().copied());
        v.extend(self.stale.iter().copied());
        v.sort_unstable();
        v
    }

    /// M3 at WM entry (OPEN-88): 1-based rank of `key` (already inserted) among all Waiting
    /// rooms in B6 order. A new room is nearly always last, so counting the rooms *behind* it is
    /// O(log n) in practice.
    pub fn position(&self, key: Key) -> u32 {
        use std::ops::Bound::{Excluded, Unbounded};
        let behind: usize = self
            .queues
            .iter()
            .chain([&self.held, &self.stale])
            .map(|s| s.range((Excluded(key), Unbounded)).count())
            .sum();
        (self.count - behind) as u32
    }

    /// Empties every bucket.
    pub fn clear(&mut self) {
        for q in &mut self.queues {
            q.clear();
        }
        self.held.clear();
        self.stale.clear();
        self.count = 0;
    }
}
