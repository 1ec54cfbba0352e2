//! Streaming statistics of a run (SIM7): counters, time-weighted state counts, and exact
//! latency distributions. Memory grows with the rooms open at once and with the number of
//! distinct latency values (whole seconds), never with the number of rooms simulated.

pub mod histogram;
pub mod summary;

use crate::engine::{
    AssignPath, CloseType, Effect, Engine, Event, MessageKind, RejectCause, Rejection, Room, RoomState, Time, WaitCode,
};
use crate::sim::Observer;
pub use histogram::Histogram;
pub use summary::Summary;

/// Open states tracked over time, in report order.
pub const OPEN_STATES: [RoomState; 4] =
    [RoomState::ChatbotInProgress, RoomState::Waiting, RoomState::Received, RoomState::InProgress];

/// A time-weighted integral of a count, updated only when the count changes.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TimeWeighted {
    /// Current value.
    pub value: i64,
    /// ∫ value dt over the observed window.
    pub integral: i128,
    /// Largest value held inside the window.
    pub max: i64,
    /// When `value` was set.
    since: Time,
}

impl TimeWeighted {
    /// Accounts for the time the current value held until `at` (only the part at or after
    /// `from`, the start of the measurement window).
    #[inline]
    fn settle(&mut self, at: Time, from: Time) {
        let lo = self.since.max(from);
        if at > lo {
            self.integral += self.value as i128 * (at - lo) as i128;
            if self.value > self.max {
                self.max = self.value;
            }
        }
        self.since = at;
    }
    /// The count changes to `v` at `at`.
    #[inline]
    fn set(&mut self, v: i64, at: Time, from: Time) {
        if v == self.value {
            return;
        }
        self.settle(at, from);
        self.value = v;
    }
    /// Mean over a window of `len` seconds.
    pub fn mean(&self, len: i64) -> f64 {
        if len <= 0 { 0.0 } else { self.integral as f64 / len as f64 }
    }
}

/// A finished (or censored) room, as SIM7 reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct RoomRecord {
    /// Room.
    pub room: u64,
    /// Channel index.
    pub channel: u16,
    /// Category index.
    pub category: u32,
    /// Created.
    pub created_at: Time,
    /// First request.
    pub request_at: Option<Time>,
    /// Waiting entry.
    pub waiting_since: Option<Time>,
    /// Wait code.
    pub wait_code: Option<WaitCode>,
    /// First assignment.
    pub assigned_at: Option<Time>,
    /// Path of the first assignment.
    pub assign_path: Option<AssignPath>,
    /// First human reply.
    pub first_reply_at: Option<Time>,
    /// Close.
    pub closed_at: Option<Time>,
    /// Close type.
    pub close_type: Option<CloseType>,
    /// Final state.
    pub state: RoomState,
    /// Final owner's account index (None = Robot).
    pub owner: Option<u32>,
    /// Still open at the horizon.
    pub censored: bool,
}

impl RoomRecord {
    /// Extracts the record of a room.
    pub fn of(r: &Room, censored: bool) -> RoomRecord {
        RoomRecord {
            room: r.id.0,
            channel: r.channel.0,
            category: r.category.0,
            created_at: r.created_at,
            request_at: r.request_at,
            waiting_since: r.waiting_since,
            wait_code: r.wait_code,
            assigned_at: r.first_assigned_at,
            assign_path: r.first_assign_path,
            first_reply_at: r.first_agent_reply_at,
            closed_at: r.closed_at,
            close_type: r.close_type,
            state: r.state,
            owner: r.owner.account().map(|a| a.0),
            censored,
        }
    }
}

/// Receives every finished room (per-room tables stream from here).
pub trait RoomSink {
    /// One room.
    fn room(&mut self, record: &RoomRecord);
}

impl RoomSink for () {
    fn room(&mut self, _: &RoomRecord) {}
}

/// The statistics observer.
#[derive(Debug, Clone)]
pub struct Stats<S: RoomSink = ()> {
    /// Start of the measurement window (start + warm-up).
    pub from: Time,
    /// Service-level target, seconds.
    pub sl_target: i64,
    last_t: Time,
    start: Time,
    end: Time,
    /// Time-weighted count per open state (OPEN_STATES order).
    pub states: [TimeWeighted; 4],
    /// Time-weighted count of Waiting rooms per wait code.
    pub waiting_by_code: [TimeWeighted; 12],
    /// Entries into Waiting per code (rooms created in the window).
    pub wait_entries: [u64; 12],
    /// Requests rejected by A2, per cause.
    pub rejections: [u64; 2],
    /// Blocked customers' attempts to open rooms.
    pub blocked_attempts: u64,
    /// Messages per kind.
    pub messages: [u64; 10],
    /// Closes per type (rooms in the window).
    pub closes: [u64; 7],
    /// Rooms per final state (rooms in the window; open ones are censored).
    pub final_states: [u64; 7],
    /// Rooms created in the window.
    pub rooms: u64,
    /// Rooms still open at the horizon.
    pub censored: u64,
    /// Requests made (rooms with `request_at`).
    pub requests: u64,
    /// Requests assigned within the target.
    pub within_target: u64,
    /// Assignment latency (request → first assignment), seconds.
    pub assign_latency: Histogram,
    /// Assignment latency by path.
    pub assign_latency_by_path: [Histogram; 5],
    /// First-reply latency (request → first human reply), seconds.
    pub first_reply_latency: Histogram,
    /// Audit entries.
    pub audit_entries: u64,
    /// Where finished rooms go.
    pub sink: S,
}

impl Stats<()> {
    /// Statistics without a per-room sink.
    pub fn new(from: Time, sl_target: i64) -> Stats<()> {
        Stats::with_sink(from, sl_target, ())
    }
}

impl<S: RoomSink> Stats<S> {
    /// Statistics that stream each finished room to `sink`.
    pub fn with_sink(from: Time, sl_target: i64, sink: S) -> Stats<S> {
        Stats {
            from,
            sl_target,
            last_t: from,
            start: Time::MIN,
            end: from,
            states: Default::default(),
            waiting_by_code: Default::default(),
            wait_entries: [0; 12],
            rejections: [0; 2],
            blocked_attempts: 0,
            messages: [0; 10],
            closes: [0; 7],
            final_states: [0; 7],
            rooms: 0,
            censored: 0,
            requests: 0,
            within_target: 0,
            assign_latency: Histogram::default(),
            assign_latency_by_path: Default::default(),
            first_reply_latency: Histogram::default(),
            audit_entries: 0,
            sink,
        }
    }

    /// Length of the measurement window.
    pub fn window(&self) -> i64 {
        (self.end - self.from).max(0)
    }

    /// Whether a room counts (created in the measurement window). Without a warm-up every room
    /// counts and the lookup is skipped (the hot path of a run).
    #[inline]
    fn counts(&self, engine: &Engine, room: crate::engine::RoomId) -> bool {
        self.start >= self.from || engine.room(room).is_some_and(|r| r.created_at >= self.from)
    }

    fn finish_room(&mut self, r: &Room, censored: bool) {
        if r.created_at < self.from {
            return;
        }
        self.rooms += 1;
        self.final_states[r.state.index()] += 1;
        if censored {
            self.censored += 1;
        }
        if let Some(ct) = r.close_type {
            self.closes[ct.index()] += 1;
        }
        if let Some(req) = r.request_at {
            self.requests += 1;
            if let Some(a) = r.first_assigned_at {
                let lat = a - req;
                self.assign_latency.record(lat);
                if let Some(p) = r.first_assign_path {
                    self.assign_latency_by_path[p.index()].record(lat);
                }
                if lat <= self.sl_target {
                    self.within_target += 1;
                }
            }
            if let Some(f) = r.first_agent_reply_at {
                self.first_reply_latency.record(f - req);
            }
        }
        self.sink.room(&RoomRecord::of(r, censored));
    }
}

impl<S: RoomSink> Observer for Stats<S> {
    fn start(&mut self, at: Time, _engine: &Engine) {
        self.last_t = at;
        self.start = at;
        for s in self.states.iter_mut().chain(self.waiting_by_code.iter_mut()) {
            s.since = at;
        }
    }

    fn observe(
        &mut self,
        at: Time,
        _event: &Event,
        _outcome: &Result<(), Rejection>,
        effects: &[Effect],
        engine: &Engine,
    ) {
        self.last_t = at;
        let window = self.from;
        let in_window = at >= window;
        let mut states_changed = false;
        for e in effects {
            match *e {
                Effect::StateChanged { room, from, to } => {
                    states_changed = true;
                    if from == Some(RoomState::Waiting)
                        && let Some(code) = engine.room(room).and_then(|r| r.wait_code)
                    {
                        let w = &mut self.waiting_by_code[code.index()];
                        w.set(w.value - 1, at, window);
                    }
                    if to == RoomState::Rejected
                        && let Some(r) = engine.room(room)
                    {
                        self.finish_room(r, false);
                    }
                }
                Effect::WaitEntered { room, code } => {
                    let w = &mut self.waiting_by_code[code.index()];
                    w.set(w.value + 1, at, window);
                    if self.counts(engine, room) {
                        self.wait_entries[code.index()] += 1;
                    }
                }
                Effect::RequestRejected { room, cause } if self.counts(engine, room) => {
                    let i = match cause {
                        RejectCause::AfterHours => 0,
                        RejectCause::OverCapacity => 1,
                    };
                    self.rejections[i] += 1;
                }
                Effect::BlockedAttempt { .. } if in_window => {
                    self.blocked_attempts += 1;
                }
                Effect::Message { room, kind, .. } if self.counts(engine, room) => {
                    self.messages[kind.index()] += 1;
                }
                Effect::Closed { room, .. } => {
                    if let Some(r) = engine.room(room) {
                        self.finish_room(r, false);
                    }
                }
                Effect::Audit(_) if in_window => {
                    self.audit_entries += 1;
                }
                _ => {}
            }
        }
        if states_changed {
            let per = &engine.totals().per_state;
            for (i, s) in OPEN_STATES.iter().enumerate() {
                self.states[i].set(per[s.index()] as i64, at, window);
            }
        }
    }

    fn finish(&mut self, end: Time, engine: &Engine) {
        self.last_t = end;
        self.end = end;
        let from = self.from;
        for s in self.states.iter_mut().chain(self.waiting_by_code.iter_mut()) {
            s.settle(end, from);
        }
        // SIM7: rooms still open at the horizon are reported as censored, never dropped.
        for r in engine.rooms_sorted() {
            if !r.state.is_terminal() {
                self.finish_room(r, true);
            }
        }
    }
}

/// Counts messages of one kind (convenience for reports and tests).
pub fn message_index(kind: MessageKind) -> usize {
    kind.index()
}
