//! The future-event list: one total order over pending events (ARCHITECTURE habit 4), kept by
//! a timing wheel for the next hour and a heap beyond it (`pending.rs`).
//!
//! Key: (time, SIM4 phase, sub-order, sequence number).
//! 1. Earlier virtual time first.
//! 2. At one instant, SIM4 phases: 0 calendar boundaries (and workload wake-ups), 1 settings,
//!    accounts, holidays and day statuses, 2 presence, 3 room events, 4 room timers, 5 the batch.
//! 3. Inside a phase, the sub-order: for calendar timers the SIM4 order (ends before starts,
//!    rollover, starts and the gate), for room timers (room id, kind); 0 for exogenous events.
//! 4. Then the sequence number: exogenous events keep the order they were scheduled in
//!    (workload sequence order, SIM4 phase 3).

use super::pending::{Entry, Pending};
use crate::engine::{Event, Time, Timer};

/// What the queue holds.
#[derive(Debug, Clone)]
pub enum Item {
    /// An event for the engine, with the workload's tag (checked by `Workload::admit`).
    Event(Event, u32),
    /// A workload wake-up with its token.
    Wake(u64),
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
    pending: Pending,
    items: Vec<Option<Item>>,
    free: Vec<u32>,
    seq: u64,
}

impl EventQueue {
    /// An empty queue.
    pub fn new() -> EventQueue {
        EventQueue { pending: Pending::default(), items: Vec::with_capacity(1024), free: Vec::new(), seq: 0 }
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
        self.pending.push(Entry::new(key, slot));
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
        let e = self.pending.pop()?;
        let item = self.items[e.slot as usize].take()?;
        self.free.push(e.slot);
        Some((unpack_time(e.hi), item))
    }

    /// Time of the next item.
    #[inline]
    pub fn peek_time(&mut self) -> Option<Time> {
        self.pending.peek().map(|e| unpack_time(e.hi))
    }

    /// Items waiting.
    pub fn len(&self) -> usize {
        self.pending.len()
    }

    /// Whether empty.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
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
