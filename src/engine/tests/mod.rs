//! Engine unit tests, one behaviour per test, named by rule id (ARCHITECTURE habit 9). Driven
//! through the `testkit` harness, which checks the SIM6 invariants after every event and at the
//! end of every test. Dates: 2026-11-23 is a Monday; default hours are weekdays 09:00–18:00.

#![allow(clippy::type_complexity)] // test tables are tuples on purpose

mod backlog;
mod calendar_edges;
mod distribution;
mod invariants;
mod messages;
mod rejections;
mod rules_bctml;
mod s3_transitions;
mod sim4;
mod transfers;
mod waiting_paths;

/// What every test file uses.
mod prelude {
    pub use crate::engine::calendar::{DayHours, DayOverride};
    pub use crate::engine::effect::*;
    pub use crate::engine::event::*;
    pub use crate::engine::room::*;
    pub use crate::engine::settings::*;
    pub use crate::engine::testkit::*;
    pub use crate::engine::{AccountId, Auth, CategoryId, ChannelId, Role, RoomState};

    /// §13 message kinds by rule id.
    pub const M1: MessageKind = MessageKind::Greeting;
    pub const M2: MessageKind = MessageKind::Title;
    pub const M3: MessageKind = MessageKind::QueueNotice;
    pub const M4: MessageKind = MessageKind::Unavailable;
    pub const M5: MessageKind = MessageKind::AfterHours;
    pub const M6: MessageKind = MessageKind::AgentClose;
    pub const M7: MessageKind = MessageKind::AutoClose;
    pub const M8: MessageKind = MessageKind::AutoReply;
    pub const M9: MessageKind = MessageKind::BusyTime;
    pub const M10: MessageKind = MessageKind::ProfilePrompt;

    /// A site with the chatbot on (X1).
    pub fn bot(agents: usize) -> Site {
        Site::new(agents).settings(|s| s.chatbot.enabled = true)
    }

    /// X18/X19 grid durations.
    pub fn grid(m: i64) -> GridDuration {
        GridDuration::new(mins(m)).unwrap()
    }

    /// State changes in `fx`: (room, from, to).
    pub fn state_changes(fx: &[Effect]) -> Vec<(u64, Option<RoomState>, RoomState)> {
        fx.iter()
            .filter_map(|e| match *e {
                Effect::StateChanged { room, from, to } => Some((room.0, from, to)),
                _ => None,
            })
            .collect()
    }
}
