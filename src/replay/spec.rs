//! How a scenario asks for a replay: `workload: { replay: FILE }`, or the long form with the side
//! and the transforms (docs/REPLAY.md). The command line's `--replay*` options build the same.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::scenario::model::LocalDateTime;

/// `workload.replay`: a trace file, or the file with options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ReplaySpec {
    /// Path of a trace (relative to the scenario file), replayed whole (`side: all`).
    File(String),
    /// A trace with options.
    Options(ReplayOptions),
}

/// Which events the trace drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Every exogenous event comes from the trace (strict: a rejected input is a bad trace).
    #[default]
    All,
    /// Only customer-side events (rooms, requests, messages, closes) come from the trace; the
    /// agent side (rosters, replies, handling, closes, manager actions) comes from the scenario's
    /// workload model.
    Customers,
}

/// The long form of `workload.replay`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplayOptions {
    /// Trace file (`.csv` or `.parquet`), relative to the scenario file.
    pub file: String,
    /// `all` (default) or `customers`.
    #[serde(default)]
    pub side: Side,
    /// Traffic scale: below 1 keeps each room with that probability (thinning), above 1 adds
    /// shifted copies of the rooms (superposition). Seeded by the run seed. Default 1.
    #[serde(default = "one")]
    pub scale: f64,
    /// Moves every row by this much, e.g. `1d`, `-2h` (default none).
    #[serde(default)]
    pub shift: Option<String>,
    /// Keep only rooms created on these channels (default: all).
    #[serde(default)]
    pub channels: Vec<String>,
    /// Keep only rooms whose category (`Major/Middle`, at creation or request) is one of these.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Keep only rooms created at or after this local date-time (before the shift).
    #[serde(default)]
    pub from: Option<LocalDateTime>,
    /// Keep only rooms created before this local date-time (before the shift).
    #[serde(default)]
    pub until: Option<LocalDateTime>,
    /// How messages name the file (the path as the user gave it on the command line).
    #[serde(skip)]
    #[schemars(skip)]
    pub shown_as: Option<String>,
}

fn one() -> f64 {
    1.0
}

impl ReplaySpec {
    /// The options, the short form expanded.
    pub fn options(&self) -> ReplayOptions {
        match self {
            ReplaySpec::File(f) => ReplayOptions {
                file: f.clone(),
                side: Side::All,
                scale: 1.0,
                shift: None,
                channels: Vec::new(),
                categories: Vec::new(),
                from: None,
                until: None,
                shown_as: None,
            },
            ReplaySpec::Options(o) => o.clone(),
        }
    }
}

impl ReplayOptions {
    /// The trace path: relative paths are relative to the scenario file's folder.
    pub fn path(&self, scenario_path: &str) -> PathBuf {
        let p = Path::new(&self.file);
        if p.is_absolute() {
            return p.to_path_buf();
        }
        match Path::new(scenario_path).parent() {
            Some(d) => d.join(p),
            None => p.to_path_buf(),
        }
    }

    /// Whether any transform changes the recorded stream.
    pub fn transforms(&self) -> bool {
        self.scale != 1.0
            || self.shift_secs().ok().flatten().is_some_and(|s| s != 0)
            || !self.channels.is_empty()
            || !self.categories.is_empty()
            || self.from.is_some()
            || self.until.is_some()
    }

    /// The shift in seconds.
    pub fn shift_secs(&self) -> Result<Option<i64>, String> {
        match &self.shift {
            None => Ok(None),
            Some(s) => parse_signed_duration(s).map(Some),
        }
    }
}

/// `1h30m`, `-1d`, `+90s`, `3600`.
pub fn parse_signed_duration(s: &str) -> Result<i64, String> {
    let t = s.trim();
    let (sign, rest) = match t.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, t.strip_prefix('+').unwrap_or(t)),
    };
    crate::engine::Duration::parse(rest)
        .map(|d| sign * d.secs())
        .map_err(|_| format!("invalid shift `{s}`: expected a duration such as 1d, -2h, 90m or 1h30m"))
}

/// The `run` command's replay options (they override the scenario's `workload.replay`).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ReplayArgs {
    /// Drive the run from a recorded trace (.csv or .parquet) instead of the generated workload;
    /// settings, accounts and calendar still come from the scenario (docs/REPLAY.md).
    #[arg(long, value_name = "FILE")]
    pub replay: Option<PathBuf>,
    /// Which events the trace drives: `all` (strict) or `customers` (agents from the scenario's model).
    #[arg(long, value_enum, value_name = "SIDE")]
    pub replay_side: Option<Side>,
    /// Traffic scale: below 1 thins rooms, above 1 adds seeded shifted copies.
    #[arg(long, value_name = "K")]
    pub replay_scale: Option<f64>,
    /// Moves every row by a duration (1d, -2h, 90m).
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
    pub replay_shift: Option<String>,
    /// Keep only rooms created on this channel (repeatable).
    #[arg(long = "replay-channel", value_name = "CHANNEL")]
    pub replay_channels: Vec<String>,
    /// Keep only rooms created in this `Major/Middle` category (repeatable).
    #[arg(long = "replay-category", value_name = "CATEGORY")]
    pub replay_categories: Vec<String>,
    /// Keep only rooms created at or after this local date-time.
    #[arg(long, value_name = "DATETIME")]
    pub replay_from: Option<String>,
    /// Keep only rooms created before this local date-time.
    #[arg(long, value_name = "DATETIME")]
    pub replay_until: Option<String>,
}

impl ReplayArgs {
    /// Whether any option is given.
    pub fn any(&self) -> bool {
        self.replay.is_some()
            || self.replay_side.is_some()
            || self.replay_scale.is_some()
            || self.replay_shift.is_some()
            || !self.replay_channels.is_empty()
            || !self.replay_categories.is_empty()
            || self.replay_from.is_some()
            || self.replay_until.is_some()
    }

    /// Applies the options to a scenario's `workload.replay` (a `--replay` path is relative to the
    /// current folder).
    pub fn apply(&self, sc: &mut crate::scenario::Scenario) -> Result<(), String> {
        if !self.any() {
            return Ok(());
        }
        let mut o = match (&self.replay, &sc.file.workload.replay) {
            (Some(p), existing) => {
                let abs = std::path::absolute(p).map_err(|e| format!("--replay {}: {e}", p.display()))?;
                let mut o =
                    existing.as_ref().map(|r| r.options()).unwrap_or_else(|| ReplaySpec::File(String::new()).options());
                o.file = abs.display().to_string();
                o.shown_as = Some(p.display().to_string());
                o
            }
            (None, Some(r)) => {
                let mut o = r.options();
                o.shown_as = Some(o.path(&sc.path).display().to_string());
                o.file = std::path::absolute(o.path(&sc.path)).map_err(|e| e.to_string())?.display().to_string();
                o
            }
            (None, None) => {
                return Err(
                    "the --replay-* options need a trace: give --replay FILE or `workload: { replay: FILE }`".into()
                );
            }
        };
        if let Some(s) = self.replay_side {
            o.side = s;
        }
        if let Some(k) = self.replay_scale {
            o.scale = k;
        }
        if let Some(s) = &self.replay_shift {
            parse_signed_duration(s).map_err(|e| format!("--replay-shift: {e}"))?;
            o.shift = Some(s.clone());
        }
        if !self.replay_channels.is_empty() {
            o.channels = self.replay_channels.clone();
        }
        if !self.replay_categories.is_empty() {
            o.categories = self.replay_categories.clone();
        }
        if let Some(s) = &self.replay_from {
            o.from = Some(LocalDateTime::parse(s).map_err(|e| format!("--replay-from: {e}"))?);
        }
        if let Some(s) = &self.replay_until {
            o.until = Some(LocalDateTime::parse(s).map_err(|e| format!("--replay-until: {e}"))?);
        }
        sc.file.workload.replay = Some(ReplaySpec::Options(o));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_short_form_is_a_file_replayed_whole() {
        let s: ReplaySpec = serde_yaml::from_str("trace.csv").unwrap();
        assert_eq!(s.options().side, Side::All);
        assert!(!s.options().transforms());
        let s: ReplaySpec = serde_yaml::from_str("{file: t.csv, side: customers, scale: 0.5}").unwrap();
        assert_eq!(s.options().side, Side::Customers);
        assert!(s.options().transforms());
    }

    #[test]
    fn shifts_may_be_negative() {
        assert_eq!(parse_signed_duration("-1d"), Ok(-86_400));
        assert_eq!(parse_signed_duration("1h30m"), Ok(5_400));
        assert!(parse_signed_duration("soon").is_err());
    }
}
