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

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::engine::{Event, Time, Timer};

/// What the queue holds.
#[derive(Debug, Clone)]
pub enum Item {
    /// An event for the engine, with the workload's tag (checked by `Workload::admit`).
    Event(Event, u32),
    /// A workload wake-up with its token.
    Wake(u64),
}

#[derive(Debug)]
struct Entry {
    at: Time,
    phase: u8,
    sub: u64,
    seq: u64,
    item: Item,
}

impl Entry {
    #[inline]
    fn key(&self) -> (Time, u8, u64, u64) {
        (self.at, self.phase, self.sub, self.seq)
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap is a max-heap: reverse for earliest-first.
        other.key().cmp(&self.key())
    }
}

/// The future-event list.
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Entry>,
    seq: u64,
}

impl EventQueue {
    /// An empty queue.
    pub fn new() -> EventQueue {
        EventQueue { heap: BinaryHeap::with_capacity(1024), seq: 0 }
    }

    /// Schedules an engine event (exogenous or timer) at `at`.
    #[inline]
    pub fn push_event(&mut self, at: Time, event: Event, tag: u32) {
        let (phase, sub) = match &event {
            Event::Timer(t) => (t.phase(), t.sub_order()),
            e => (e.phase(), 0),
        };
        self.seq += 1;
        self.heap.push(Entry { at, phase, sub, seq: self.seq, item: Item::Event(event, tag) });
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
        self.heap.push(Entry { at, phase: 0, sub: 0, seq: self.seq, item: Item::Wake(token) });
    }

    /// Removes the next item.
    #[inline]
    pub fn pop(&mut self) -> Option<(Time, Item)> {
        self.heap.pop().map(|e| (e.at, e.item))
    }

    /// Time of the next item.
    #[inline]
    pub fn peek_time(&self) -> Option<Time> {
        self.heap.peek().map(|e| e.at)
    }

    /// Items waiting.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether empty.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
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
