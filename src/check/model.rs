//! The `expect:` section of scenario files: assertions a run must satisfy, each naming the rule
//! it proves. A subject (what is measured) and a comparison (`equals` with an optional
//! `tolerance`, `at_least`, `at_most`).
//!
//! ```yaml
//! expect:
//!   - {rule: W1, wait_code: W1, equals: 3}                       # entries into Waiting per code
//!   - {rule: C3, close_type: customer, at_least: 1}
//!   - {rule: M5, message: after_hours, equals: 3}
//!   - {rule: A2, rejections: after_hours, equals: 2}             # after_hours | over_capacity | any
//!   - {rule: OPEN-91, blocked_attempts: true, equals: 1}
//!   - {rule: SIM7, latency: assignment, stat: p90, at_most: 2m}  # count|mean|p50|p90|p95|p99|max
//!   - {rule: SIM7, service_level: true, at_least: 0.8}
//!   - {rule: SIM7, rooms: created, equals: 12}                   # created|censored|<final state>
//!   - {rule: W1, queue: waiting, at: 2026-11-23T08:59:59, equals: 3}
//!   - {rule: B3, queue: waiting, from: 2026-11-23T09:00:00, to: 2026-11-23T12:00:00, stat: max, at_most: 0}
//!   - {rule: W1, room: r1, at: 2026-11-23T08:00:00, state: waiting, owner: robot, wait_code: W1}
//!   - {rule: L1, audit: batch_reassign, trigger: work_start, equals: 3}
//!   - {rule: B13, rejected_inputs: B13, equals: 1}                # inputs refused (D6), by rule or `any`
//! ```

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use crate::engine::time::Duration;
use crate::scenario::model::LocalDateTime;

/// A number, or a duration (`2m`) read as seconds.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct Value(#[schemars(with = "serde_json::Value")] pub f64);

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Value;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "a number or a duration such as 90s or 2m")
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
                Ok(Value(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
                Ok(Value(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
                Ok(Value(v as f64))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
                if let Ok(x) = v.trim().parse::<f64>() {
                    return Ok(Value(x));
                }
                Duration::parse(v).map(|d| Value(d.secs() as f64)).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// One expectation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// The rule ID this expectation proves (printed when it fails).
    pub rule: String,
    /// Free text shown with the result.
    #[serde(default)]
    pub note: Option<String>,
    /// Subject: entries into Waiting with this code (W1…W8, WM, W7C, W3I, W-MIX); with `room`, the
    /// room's code.
    #[serde(default)]
    pub wait_code: Option<String>,
    /// Subject: closes of this type (customer, agent, manager, auto_no_reply, auto_agent_delay,
    /// auto_unassigned, auto_chatbot_idle).
    #[serde(default)]
    pub close_type: Option<String>,
    /// Subject: messages of this kind (greeting … or M1 … M10).
    #[serde(default)]
    pub message: Option<String>,
    /// Subject: requests rejected by A2 (after_hours, over_capacity, any).
    #[serde(default)]
    pub rejections: Option<String>,
    /// Subject: blocked customers' attempts to open rooms.
    #[serde(default)]
    pub blocked_attempts: Option<bool>,
    /// Subject: input events the engine refused (D6), counted by the rule the refusal names
    /// (`C4`, `B13`, `S3.30`, …) or all of them with `any`.
    #[serde(default)]
    pub rejected_inputs: Option<String>,
    /// Subject: latency (assignment, first_reply) with `stat`.
    #[serde(default)]
    pub latency: Option<String>,
    /// Subject: assignment path for `latency` (immediate, batch, manual, pick, reclick).
    #[serde(default)]
    pub path: Option<String>,
    /// Subject: the share of requests assigned within the scenario's service level.
    #[serde(default)]
    pub service_level: Option<bool>,
    /// Subject: room counts (created, censored, or a final state such as consultation_ended).
    #[serde(default)]
    pub rooms: Option<String>,
    /// Subject: rooms in a state (chatbot_in_progress, waiting, received, in_progress) or Waiting
    /// rooms with a code, at `at` or over `from`..`to` with `stat` (max, mean).
    #[serde(default)]
    pub queue: Option<String>,
    /// Subject: audit entries of a kind (batch_reassign, auto_assign, manual_assign, pick, …).
    #[serde(default)]
    pub audit: Option<String>,
    /// With `audit`: only entries with this batch trigger.
    #[serde(default)]
    pub trigger: Option<String>,
    /// Subject: a scripted room (label), checked at `at`.
    #[serde(default)]
    pub room: Option<String>,
    /// With `room`: expected state.
    #[serde(default)]
    pub state: Option<String>,
    /// With `room`: expected owner (`robot` or an account id).
    #[serde(default)]
    pub owner: Option<String>,
    /// With `room`: expected close type.
    #[serde(default)]
    pub closed_as: Option<String>,
    /// An instant (after every event of that instant).
    #[serde(default)]
    pub at: Option<LocalDateTime>,
    /// Window start.
    #[serde(default)]
    pub from: Option<LocalDateTime>,
    /// Window end.
    #[serde(default)]
    pub to: Option<LocalDateTime>,
    /// Statistic: count, mean, p50, p90, p95, p99, max (latency); max, mean (queue windows).
    #[serde(default)]
    pub stat: Option<String>,
    /// Expected value.
    #[serde(default)]
    pub equals: Option<Value>,
    /// Allowed difference for `equals` (statistical checks).
    #[serde(default)]
    pub tolerance: Option<Value>,
    /// Lower bound (inclusive).
    #[serde(default)]
    pub at_least: Option<Value>,
    /// Upper bound (inclusive).
    #[serde(default)]
    pub at_most: Option<Value>,
}
