//! The trace schema (docs/REPLAY.md): one row per exogenous event of SIM2, its columns, the
//! event names, and the error a bad trace gets.
//!
//! Every column but `at` and `event` is optional in a file; a row needs only the columns its
//! event uses, and a missing column reads as empty (null) in every row.

use std::fmt;

use crate::engine::time::{Date, Time, from_naive_datetime};
use crate::engine::{Event, TimeOfDay};

/// The columns of a trace, in the order the recorder writes them.
pub const COLUMNS: [&str; 16] = [
    "at",
    "event",
    "room",
    "customer",
    "account",
    "channel",
    "category",
    "profile",
    "to",
    "actor",
    "rooms",
    "date",
    "value",
    "patch",
    "rejected",
    "after_timers",
];

/// Columns a trace must have.
pub const REQUIRED: [&str; 2] = ["at", "event"];

/// Column indices, for the decoder.
pub mod col {
    pub const AT: usize = 0;
    pub const EVENT: usize = 1;
    pub const ROOM: usize = 2;
    pub const CUSTOMER: usize = 3;
    pub const ACCOUNT: usize = 4;
    pub const CHANNEL: usize = 5;
    pub const CATEGORY: usize = 6;
    pub const PROFILE: usize = 7;
    pub const TO: usize = 8;
    pub const ACTOR: usize = 9;
    pub const ROOMS: usize = 10;
    pub const DATE: usize = 11;
    pub const VALUE: usize = 12;
    pub const PATCH: usize = 13;
    pub const REJECTED: usize = 14;
    pub const AFTER_TIMERS: usize = 15;
}

/// Columns holding whole numbers (Int64 / UInt64 / UInt32 in Parquet); the others hold text.
pub fn is_integer_column(i: usize) -> bool {
    matches!(i, col::ROOM | col::CUSTOMER | col::AFTER_TIMERS)
}

/// The SIM2 event names in snake_case, as `Event::name` spells them.
pub const EVENT_NAMES: [&str; 28] = [
    "room_created",
    "customer_message",
    "connect_request",
    "hotkey_reclick",
    "customer_close",
    "agent_login",
    "agent_logout",
    "break_start",
    "break_end",
    "meal_start",
    "meal_end",
    "agent_message",
    "agent_close",
    "hold_set",
    "hold_release",
    "agent_pick",
    "transfer",
    "auto_reply_set",
    "manager_assign",
    "manager_close",
    "manager_block",
    "unblock",
    "category_change",
    "customer_info_change",
    "day_status_set",
    "holiday_set",
    "account_change",
    "settings_changed",
];

/// Indices into [`EVENT_NAMES`] (the decoder dispatches on them).
#[allow(missing_docs)]
pub mod ev {
    pub const ROOM_CREATED: usize = 0;
    pub const CUSTOMER_MESSAGE: usize = 1;
    pub const CONNECT_REQUEST: usize = 2;
    pub const HOTKEY_RECLICK: usize = 3;
    pub const CUSTOMER_CLOSE: usize = 4;
    pub const AGENT_LOGIN: usize = 5;
    pub const AGENT_LOGOUT: usize = 6;
    pub const BREAK_START: usize = 7;
    pub const BREAK_END: usize = 8;
    pub const MEAL_START: usize = 9;
    pub const MEAL_END: usize = 10;
    pub const AGENT_MESSAGE: usize = 11;
    pub const AGENT_CLOSE: usize = 12;
    pub const HOLD_SET: usize = 13;
    pub const HOLD_RELEASE: usize = 14;
    pub const AGENT_PICK: usize = 15;
    pub const TRANSFER: usize = 16;
    pub const AUTO_REPLY_SET: usize = 17;
    pub const MANAGER_ASSIGN: usize = 18;
    pub const MANAGER_CLOSE: usize = 19;
    pub const MANAGER_BLOCK: usize = 20;
    pub const UNBLOCK: usize = 21;
    pub const CATEGORY_CHANGE: usize = 22;
    pub const CUSTOMER_INFO_CHANGE: usize = 23;
    pub const DAY_STATUS_SET: usize = 24;
    pub const HOLIDAY_SET: usize = 25;
    pub const ACCOUNT_CHANGE: usize = 26;
    pub const SETTINGS_CHANGED: usize = 27;
}

/// Customer-side events: what a `customers` replay takes from the trace.
pub fn is_customer_side(event: &Event) -> bool {
    matches!(
        event,
        Event::RoomCreated { .. }
            | Event::CustomerMessage { .. }
            | Event::ConnectRequest { .. }
            | Event::HotkeyReclick { .. }
            | Event::CustomerClose { .. }
    )
}

/// One decoded trace row.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceRow {
    /// Row number in the file, 1-based, header excluded.
    pub row: u64,
    /// Virtual time.
    pub at: Time,
    /// The engine input. An agent action whose `account` (or a transfer whose `actor`) is empty
    /// carries [`OWNER`]: the room's owner when the row is replayed.
    pub event: Event,
    /// The rule with which the engine rejected this input when it was recorded.
    pub rejected: Option<Box<str>>,
    /// For a row the workload scheduled while the engine's own timers of its instant were
    /// running: how many engine timers ran after the previous row before this one.
    pub after_timers: Option<u32>,
    /// settings_changed: the patch to merge over the settings current at the row (None when the
    /// patch replaces the settings, or for other events).
    pub settings_patch: Option<Box<serde_yaml::Value>>,
}

/// "The room's owner at the time" in agent actions (as the generator's scripted events).
pub const OWNER: crate::engine::AccountId = crate::engine::AccountId(u32::MAX);

/// Where in a trace something is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceError {
    /// The trace file.
    pub file: String,
    /// Row, 1-based, header excluded (None: the whole file or its header).
    pub row: Option<u64>,
    /// Column (None: the whole row or file).
    pub column: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl TraceError {
    /// An error about the whole file.
    pub fn file(file: &str, message: impl Into<String>) -> TraceError {
        TraceError { file: file.to_string(), row: None, column: None, message: message.into() }
    }
    /// An error about the header.
    pub fn header(file: &str, column: &str, message: impl Into<String>) -> TraceError {
        TraceError { file: file.to_string(), row: None, column: Some(column.to_string()), message: message.into() }
    }
    /// An error about one cell.
    pub fn cell(file: &str, row: u64, column: &str, message: impl Into<String>) -> TraceError {
        TraceError { file: file.to_string(), row: Some(row), column: Some(column.to_string()), message: message.into() }
    }
    /// An error about one row.
    pub fn row(file: &str, row: u64, message: impl Into<String>) -> TraceError {
        TraceError { file: file.to_string(), row: Some(row), column: None, message: message.into() }
    }
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        match (self.row, &self.column) {
            (Some(r), Some(c)) => write!(f, ": row {r}, column `{c}`")?,
            (Some(r), None) => write!(f, ": row {r}")?,
            (None, Some(c)) => write!(f, ": header, column `{c}`")?,
            (None, None) => {}
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for TraceError {}

/// What `at` may be, for messages.
pub const AT_EXPECTED: &str =
    "expected whole seconds since the scenario start (e.g. 3600) or a local date-time (e.g. 2026-11-23T10:15:00)";

/// Parses a text `at`: whole seconds since `start`, or a local date-time `YYYY-MM-DDTHH:MM:SS`
/// (a space instead of `T` is accepted; no offset: times are the site's local civil time).
pub fn parse_at(s: &str, start: Time) -> Result<Time, String> {
    let t = s.trim();
    if let Ok(n) = t.parse::<i64>() {
        return start.checked_add(n).ok_or_else(|| format!("`{s}` is out of range"));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(t, fmt) {
            return Ok(from_naive_datetime(dt));
        }
    }
    if chrono::DateTime::parse_from_rfc3339(t).is_ok() {
        return Err(format!(
            "`{s}` carries a UTC offset; traces use the site's local civil time: write it without the offset \
             (e.g. 2026-11-23T10:15:00)"
        ));
    }
    Err(format!("`{s}` is not a time: {AT_EXPECTED}"))
}

/// Parses a date `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<Date, String> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map(Date::from_naive)
        .map_err(|_| format!("`{s}` is not a date: expected YYYY-MM-DD (e.g. 2026-11-23)"))
}

/// `HH:MM` for messages and hours.
pub fn time_of_day(s: &str) -> Result<TimeOfDay, String> {
    TimeOfDay::parse(s)
}

/// Stateless per-key hash for seeded transforms: independent of the order rows are read in.
pub fn mix(seed: u64, concern: &str, a: u64, b: u64) -> u64 {
    let mut state = seed ^ crate::sim::rng::fnv1a64(concern.as_bytes());
    let _ = crate::sim::rng::splitmix64(&mut state);
    state ^= a.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let _ = crate::sim::rng::splitmix64(&mut state);
    state ^= b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    crate::sim::rng::splitmix64(&mut state)
}

/// A uniform draw in [0, 1) from a hash.
pub fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_name_is_the_engine_name() {
        // The names are the engine's: a trace written today reads tomorrow.
        assert_eq!(EVENT_NAMES.len(), 28);
        assert!(EVENT_NAMES.contains(&Event::CustomerMessage { room: crate::engine::RoomId(1) }.name()));
        let mut sorted = EVENT_NAMES.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), EVENT_NAMES.len());
    }

    #[test]
    fn at_reads_seconds_and_local_date_times() {
        let start = from_naive_datetime(
            chrono::NaiveDateTime::parse_from_str("2026-11-23T00:00:00", "%Y-%m-%dT%H:%M:%S").unwrap(),
        );
        assert_eq!(parse_at("3600", start), Ok(start + 3600));
        assert_eq!(parse_at("2026-11-23T01:00:00", start), Ok(start + 3600));
        assert_eq!(parse_at("2026-11-23 01:00:00", start), Ok(start + 3600));
        assert!(parse_at("2026-11-23T01:00:00+09:00", start).unwrap_err().contains("UTC offset"));
        assert!(parse_at("soon", start).unwrap_err().contains("expected whole seconds"));
    }

    #[test]
    fn mix_is_stable_and_spreads() {
        assert_eq!(mix(1, "x", 2, 3), mix(1, "x", 2, 3));
        assert_ne!(mix(1, "x", 2, 3), mix(1, "x", 3, 3));
        let mean: f64 = (0..10_000u64).map(|i| unit(mix(7, "scale", i, 0))).sum::<f64>() / 10_000.0;
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
    }
}
