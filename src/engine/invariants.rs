//! SIM6: the invariants I1–I14, checked after every event in tests and debug builds.
//!
//! `check_event` looks at the rooms an event touched and at the event's effects, so the cost is
//! proportional to the effects, not to the number of rooms; `check_all` walks everything and is
//! meant for the end of a test. A violation names the invariant, the rule behind it, the room
//! and the virtual time; the simulation adds the seed.

use std::fmt;

use super::Engine;
use super::effect::{Effect, MessageKind};
use super::event::Event;
use super::room::{AssignPath, AutoClose, CloseType, Owner, Room, RoomId, RoomState};
use super::time::{DAY, Time, format_time};
use super::waiting::Bucket;

/// A broken invariant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// I1–I14.
    pub invariant: &'static str,
    /// The rule the invariant protects.
    pub rule: &'static str,
    /// The room, if one.
    pub room: Option<RoomId>,
    /// Virtual time.
    pub at: Time,
    /// What was seen.
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invariant {} (rule {}) violated at {}", self.invariant, self.rule, format_time(self.at))?;
        if let Some(r) = self.room {
            write!(f, ", room {}", r.0)?;
        }
        write!(f, ": {}", self.detail)
    }
}

impl std::error::Error for Violation {}

fn v(invariant: &'static str, rule: &'static str, room: Option<RoomId>, at: Time, detail: String) -> Violation {
    Violation { invariant, rule, room, at, detail }
}

/// Checks the invariants that one event could have broken.
pub fn check_event(engine: &Engine, event: &Event, effects: &[Effect]) -> Result<(), Violation> {
    let at = engine.now();
    let t = engine.totals();
    let sum: u64 = t.per_state.iter().sum();
    if sum != t.created {
        return Err(v("I1", "S1", None, at, format!("{} rooms created but {sum} in states", t.created)));
    }
    for e in effects {
        match *e {
            Effect::StateChanged { room, from, to } => {
                if let Some(f) = from
                    && f.is_terminal()
                {
                    return Err(v("I10", "S5", Some(room), at, format!("left terminal state {f:?} for {to:?}")));
                }
                if let Some(r) = engine.room(room) {
                    check_room(engine, r)?;
                }
            }
            Effect::Assigned { room, account, path } => {
                let Some(r) = engine.room(room) else { continue };
                let automatic = matches!(path, AssignPath::Immediate | AssignPath::Batch | AssignPath::Reclick);
                if automatic {
                    let s = engine.settings();
                    let load = engine.accounts()[account.idx()].load;
                    if s.capacity.enabled && load > engine.max_per_agent(account) {
                        return Err(v("I3", "A11", Some(room), at, format!("account load {load} over its limit")));
                    }
                    if !engine.is_working_now() {
                        return Err(v(
                            "I4",
                            "A1.2",
                            Some(room),
                            at,
                            "automatic assignment outside working time".into(),
                        ));
                    }
                    if path == AssignPath::Batch && at < engine.gate_time() {
                        return Err(v(
                            "I4",
                            "B4",
                            Some(room),
                            at,
                            "batch assignment inside the backlog start delay".into(),
                        ));
                    }
                    if r.profile_hold {
                        return Err(v(
                            "I6",
                            "W8",
                            Some(room),
                            at,
                            "a profile-held room was assigned automatically".into(),
                        ));
                    }
                    if let Some(pool) = Some(engine.pool_of(r))
                        && !engine.pools().is_member(pool, account)
                    {
                        return Err(v("I12", "A6", Some(room), at, "assigned outside its designated list".into()));
                    }
                }
                if path == AssignPath::Batch {
                    if at - r.last_customer_activity_at > 7 * DAY {
                        return Err(v(
                            "I7",
                            "B5",
                            Some(room),
                            at,
                            "batch assigned a room silent for over 7 days".into(),
                        ));
                    }
                    let greeted = effects.iter().any(|e| {
                        matches!(e, Effect::Message { room: m, kind, .. }
                            if *m == room && matches!(kind, MessageKind::Greeting | MessageKind::Title | MessageKind::QueueNotice))
                    });
                    if greeted {
                        return Err(v(
                            "I8",
                            "B7",
                            Some(room),
                            at,
                            "greeting, title or queue notice on a batch assignment".into(),
                        ));
                    }
                }
                if matches!(event, Event::CustomerMessage { .. }) {
                    return Err(v("I14", "B11", Some(room), at, "a customer message produced an assignment".into()));
                }
            }
            Effect::Closed {
                room, close_type: CloseType::Auto(AutoClose::NoReply | AutoClose::AgentDelay), ..
            } if engine.room(room).is_some_and(|r| r.closed_while_held) => {
                return Err(v("I11", "C9", Some(room), at, "a held room was auto-closed".into()));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Checks one room's own invariants (I2, I5, I9, I13) and its place in the Waiting queues.
pub fn check_room(engine: &Engine, r: &Room) -> Result<(), Violation> {
    let at = engine.now();
    let robot_state = matches!(
        r.state,
        RoomState::ChatbotInProgress | RoomState::ChatbotEnded | RoomState::Waiting | RoomState::Rejected
    );
    let never_assigned_closed = r.state.is_terminal() && r.first_assigned_at.is_none();
    let should_be_robot = robot_state || never_assigned_closed;
    if should_be_robot != (r.owner == Owner::Robot) {
        return Err(v("I2", "S1", Some(r.id), at, format!("state {:?} with owner {:?}", r.state, r.owner)));
    }
    if r.state == RoomState::Waiting {
        if r.request_at.is_none() || r.waiting_since.is_none() || r.wait_code.is_none() {
            return Err(v(
                "I5",
                "§7",
                Some(r.id),
                at,
                "a Waiting room lacks request_at, waiting_since or wait_code".into(),
            ));
        }
        if r.queue == Bucket::None {
            return Err(v("I5", "B6", Some(r.id), at, "a Waiting room is in no queue".into()));
        }
    } else if r.queue != Bucket::None {
        return Err(v("I1", "B6", Some(r.id), at, format!("a {:?} room is still queued", r.state)));
    }
    if r.state == RoomState::InProgress && r.agent_messages == 0 {
        return Err(v("I9", "S1", Some(r.id), at, "InProgress without a human agent message".into()));
    }
    if r.state == RoomState::Received && r.agent_messages > 0 {
        return Err(v("I9", "S1", Some(r.id), at, "Received after a human agent message".into()));
    }
    let mut chain = vec![("created_at", Some(r.created_at)), ("request_at", r.request_at)];
    chain.push(("waiting_since/assigned_at", r.waiting_since.or(r.first_assigned_at)));
    chain.push(("closed_at", r.closed_at));
    let mut prev: Option<(&str, Time)> = None;
    for (name, t) in chain {
        if let Some(t) = t {
            if let Some((pn, pt)) = prev
                && t < pt
            {
                return Err(v("I13", "E9", Some(r.id), at, format!("{name} {t} is before {pn} {pt}")));
            }
            prev = Some((name, t));
        }
    }
    if let (Some(w), Some(a)) = (r.waiting_since, r.first_assigned_at)
        && a < w
    {
        return Err(v("I13", "E9", Some(r.id), at, "assigned before entering Waiting".into()));
    }
    Ok(())
}

/// Walks every room and account: I1, I2, I5, I9, I13 on every room; loads and queue counts
/// consistent with the rooms (A11).
pub fn check_all(engine: &Engine) -> Result<(), Violation> {
    let at = engine.now();
    let mut load = vec![0u32; engine.accounts().len()];
    let mut waiting = 0usize;
    for r in engine.rooms_sorted() {
        check_room(engine, r)?;
        if r.state.is_assigned()
            && let Owner::Account(a) = r.owner
        {
            load[a.idx()] += 1;
        }
        if r.state == RoomState::Waiting {
            waiting += 1;
        }
    }
    for (i, acc) in engine.accounts().iter().enumerate() {
        if acc.load != load[i] {
            return Err(v(
                "I3",
                "A11",
                None,
                at,
                format!("account {} load {} but owns {} open rooms", acc.id, acc.load, load[i]),
            ));
        }
    }
    if waiting != engine.waiting_count() {
        return Err(v(
            "I1",
            "Q2",
            None,
            at,
            format!("{waiting} Waiting rooms but the queues hold {}", engine.waiting_count()),
        ));
    }
    Ok(())
}
