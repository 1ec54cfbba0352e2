//! The future-event list: a binary heap with one total order (ARCHITECTURE habit 4).
//!
//! Key: (time, SIM4 phase, sub-order, sequence number).
//! 1. Earlier virtual time first.
//! 2. At one instant, SIM4 phases: 0 calendar boundaries (and workload wake-ups), 1 settings,
//!    accounts, holidays and day statuses, 2 presence, 3 room events, 4 room timers, 5 the batch.
//! 3. Inside a phase, the sub-order: for calendar timers the SIM4 order (ends before starts,
//!    rollover, starts and the gate), for room timers (room id, kind); 0 for exogenous events.
//! 4. Then the sequence number: exogenous events keep the order they were scheduled in
//!    (workload sequence order, SIM4 phase 3).

use crate::engine::{Event, Time, Timer};

/// What the queue holds.
#[derive(Debug, Clone)]
pub enum Item {
    /// An event for the engine, with the workload's tag (checked by `Workload::admit`).
    Event(Event, u32),
    /// A workload wake-up with its token.
    Wake(u64),
}

/// A heap entry: the order key split in two words (time; phase and order) and the slot of its
/// item. 24 bytes (a `u128` key would align the entry to 32), so that a sift moves little
/// memory; the items wait in a slab. The derived order compares `hi`, then `lo`: the key order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    hi: u64,
    lo: u64,
    slot: u32,
}

impl Entry {
    #[inline]
    fn new(key: u128, slot: u32) -> Entry {
        Entry { hi: (key >> 64) as u64, lo: key as u64, slot }
    }

    /// Whether `self` comes before `other` (keys are unique: the order part holds a sequence
    /// number or a timer's sub-order, so the slot never decides).
    #[inline]
    fn before(&self, other: &Entry) -> bool {
        // As one 128-bit compare: cheaper than the tuple's two.
        (((self.hi as u128) << 64) | self.lo as u128) < (((other.hi as u128) << 64) | other.lo as u128)
    }
}

/// A 4-ary min-heap on the keys: half the depth of a binary heap, and the four children of a
/// node sit next to each other in memory.
///
/// Popping leaves a hole at the root instead of sifting the last entry down at once: handling
/// an event usually schedules another (the next arrival, a reply, a close), and that push then
/// fills the hole with one sift down — one sift for the pair instead of two. A pop or a peek
/// that finds the hole fills it with the last entry first.
#[derive(Debug, Default)]
struct Heap {
    v: Vec<Entry>,
    /// `v[0]` was popped and is waiting to be filled.
    hole: bool,
}

impl Heap {
    #[inline]
    fn push(&mut self, e: Entry) {
        if self.hole {
            self.hole = false;
            self.sift_down(e);
            return;
        }
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

    #[inline]
    fn pop(&mut self) -> Option<Entry> {
        self.fill_hole();
        let &top = self.v.first()?;
        if self.v.len() == 1 {
            self.v.clear();
        } else {
            self.hole = true;
        }
        Some(top)
    }

    /// Fills a hole at the root with the last entry.
    #[inline]
    fn fill_hole(&mut self) {
        if !self.hole {
            return;
        }
        self.hole = false;
        // A hole is only left when at least two entries were held, so one remains after this.
        if let Some(last) = self.v.pop() {
            self.sift_down(last);
        }
    }

    /// Places `e` at the root (whose entry is gone) and moves it down to its place.
    #[inline]
    fn sift_down(&mut self, e: Entry) {
        let n = self.v.len();
        let mut i = 0;
        loop {
            let c = 4 * i + 1;
            if c >= n {
                break;
            }
            // One bounds check for the children, then compares only.
            let kids = &self.v[c..(c + 4).min(n)];
            let mut m = 0;
            for j in 1..kids.len() {
                if kids[j].before(&kids[m]) {
                    m = j;
                }
            }
            let child = kids[m];
            if !child.before(&e) {
                break;
            }
            self.v[i] = child;
            i = c + m;
        }
        if n == 0 {
            self.v.push(e);
        } else {
            self.v[i] = e;
        }
    }

    #[inline]
    fn peek(&mut self) -> Option<&Entry> {
        self.fill_hole();
        self.v.first()
    }

    fn len(&self) -> usize {
        self.v.len() - self.hole as usize
    }
}

/// Calendar timers sort after the workload's wake-ups of their instant (phase 0).
const CALENDAR_BIAS: u64 = 1 << 60;

/// Packs (time, phase, order) into one integer with the same order as the tuple:
/// 64 bits of time (offset so that negative times sort first), 3 bits of phase, 61 bits of
/// order. The order is the sequence number for exogenous events and wake-ups (FIFO within an
/// instant and phase), and the SIM4 sub-order for timers (room id and kind for room timers).
#[inline]
fn pack(at: Time, phase: u8, order: u64) -> u128 {
    let t = (at as u64) ^ (1 << 63);
    ((t as u128) << 64) | ((phase as u128 & 7) << 61) | (order as u128 & ((1u128 << 61) - 1))
}

/// The time of a key's high word.
#[inline]
fn unpack_time(hi: u64) -> Time {
    (hi ^ (1 << 63)) as Time
}

/// The future-event list.
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: Heap,
    items: Vec<Option<Item>>,
    free: Vec<u32>,
    seq: u64,
}

impl EventQueue {
    /// An empty queue.
    pub fn new() -> EventQueue {
        EventQueue {
            heap: Heap { v: Vec::with_capacity(1024), hole: false },
            items: Vec::with_capacity(1024),
            free: Vec::new(),
            seq: 0,
        }
    }

    #[inline]
    fn put(&mut self, key: u128, item: Item) {
        let slot = match self.free.pop() {
            Some(s) => {
                self.items[s as usize] = Some(item);
                s
            }
            None => {
                self.items.push(Some(item));
                (self.items.len() - 1) as u32
            }
        };
        self.heap.push(Entry::new(key, slot));
    }

    /// Schedules an engine event (exogenous or timer) at `at`.
    #[inline]
    pub fn push_event(&mut self, at: Time, event: Event, tag: u32) {
        self.seq += 1;
        let key = match &event {
            Event::Timer(t) => {
                let phase = t.phase();
                let sub = if phase == 0 { CALENDAR_BIAS + t.sub_order() } else { t.sub_order() };
                pack(at, phase, sub)
            }
            e => pack(at, e.phase(), self.seq),
        };
        self.put(key, Item::Event(event, tag));
    }

    /// Schedules an engine timer.
    #[inline]
    pub fn push_timer(&mut self, at: Time, timer: Timer) {
        self.push_event(at, Event::Timer(timer), 0);
    }

    /// Schedules a workload wake-up; it runs before every engine event of its instant.
    #[inline]
    pub fn push_wake(&mut self, at: Time, token: u64) {
        self.seq += 1;
        self.put(pack(at, 0, self.seq), Item::Wake(token));
    }

    /// Removes the next item.
    #[inline]
    pub fn pop(&mut self) -> Option<(Time, Item)> {
        let e = self.heap.pop()?;
        let item = self.items[e.slot as usize].take()?;
        self.free.push(e.slot);
        Some((unpack_time(e.hi), item))
    }

    /// Time of the next item.
    #[inline]
    pub fn peek_time(&mut self) -> Option<Time> {
        self.heap.peek().map(|e| unpack_time(e.hi))
    }

    /// Items waiting.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether empty.
    pub fn is_empty(&self) -> bool {
        self.heap.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{AccountId, RoomId, RoomTimer};

    #[test]
    fn sim4_phases_order_one_instant() {
        let mut q = EventQueue::new();
        q.push_timer(10, Timer::Batch);
        q.push_timer(10, Timer::Room(RoomId(2), RoomTimer::NoReply));
        q.push_event(10, Event::CustomerMessage { room: RoomId(2) }, 0);
        q.push_event(10, Event::AgentLogin { account: AccountId(0) }, 0);
        q.push_timer(10, Timer::GateOpen);
        q.push_timer(10, Timer::WorkingEdge);
        q.push_event(9, Event::CustomerClose { room: RoomId(1) }, 0);
        let order: Vec<String> = std::iter::from_fn(|| q.pop())
            .map(|(t, i)| match i {
                Item::Event(e, _) => format!("{t}:{}:{:?}", e.name(), e.phase()),
                Item::Wake(_) => "wake".into(),
            })
            .collect();
        assert_eq!(
            order,
            vec![
                "9:customer_close:3",
                "10:timer:0",
                "10:timer:0",
                "10:agent_login:2",
                "10:customer_message:3",
                "10:timer:4",
                "10:timer:5"
            ]
        );
    }

    #[test]
    fn keys_order_like_tuples_including_negative_times() {
        let keys = [pack(-5, 3, 9), pack(-5, 4, 0), pack(0, 0, 1), pack(0, 0, CALENDAR_BIAS), pack(7, 2, 3)];
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(unpack_time((pack(-5, 3, 9) >> 64) as u64), -5);
        assert_eq!(unpack_time((pack(1_795_424_400, 5, 0) >> 64) as u64), 1_795_424_400);
    }

    #[test]
    fn the_heap_pops_in_key_order() {
        let mut q = EventQueue::new();
        let mut x: u64 = 12345;
        let mut times = vec![];
        for i in 0..2000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let t = (x % 500) as i64;
            times.push(t);
            q.push_event(t, Event::CustomerMessage { room: RoomId(i) }, 0);
            if i % 3 == 0 {
                let (tp, _) = q.pop().unwrap();
                times.retain({
                    let mut removed = false;
                    move |v| {
                        if !removed && *v == tp {
                            removed = true;
                            false
                        } else {
                            true
                        }
                    }
                });
                assert!(times.iter().all(|v| *v >= tp), "popped {tp} while a smaller time waits");
            }
        }
        let mut last = i64::MIN;
        while let Some((t, _)) = q.pop() {
            assert!(t >= last);
            last = t;
        }
    }

    #[test]
    fn wakes_come_before_calendar_timers_of_their_instant() {
        let mut q = EventQueue::new();
        q.push_timer(10, Timer::WorkingEdge);
        q.push_wake(10, 7);
        assert!(matches!(q.pop(), Some((10, Item::Wake(7)))));
    }

    #[test]
    fn sim4_same_phase_keeps_schedule_order() {
        let mut q = EventQueue::new();
        for r in [5u64, 3, 9] {
            q.push_event(1, Event::CustomerMessage { room: RoomId(r) }, 0);
        }
        let rooms: Vec<u64> = std::iter::from_fn(|| q.pop())
            .filter_map(|(_, i)| match i {
                Item::Event(e, _) => e.room().map(|r| r.0),
                _ => None,
            })
            .collect();
        assert_eq!(rooms, vec![5, 3, 9]);
    }
}
