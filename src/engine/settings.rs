//! The settings catalogue (X1–X25) with the spec's defaults.
//!
//! Every setting can change at run time through `SettingsChanged` (SIM2); the engine receives
//! the whole new value and works out what changed. Values whose domain is a grid (the backlog
//! start delay, auto-close durations) are validated while they are parsed, so a bad value is
//! reported with its file, line and column by the scenario loader, never silently clamped (§3).
//!
//! Designation lists (X13, X14) name accounts, categories and channels by their scenario ids;
//! the engine resolves them when the settings are applied and rejects unknown names.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::calendar::{TimeWindow, WorkingHours};
use super::time::{DAY, Duration, MINUTE};

/// A Y / N setting (the product writes them so). YAML accepts `Y`, `N`, `yes`, `no`, `true`, `false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum YesNo {
    /// Y
    #[default]
    Y,
    /// N
    N,
}

impl YesNo {
    /// True for Y.
    #[inline]
    pub fn yes(self) -> bool {
        self == YesNo::Y
    }
}

impl Serialize for YesNo {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(if self.yes() { "Y" } else { "N" })
    }
}

impl<'de> Deserialize<'de> for YesNo {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = YesNo;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "Y or N")
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<YesNo, E> {
                Ok(if v { YesNo::Y } else { YesNo::N })
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<YesNo, E> {
                match v.trim().to_ascii_lowercase().as_str() {
                    "y" | "yes" | "true" => Ok(YesNo::Y),
                    "n" | "no" | "false" => Ok(YesNo::N),
                    _ => Err(E::custom(format!("invalid value `{v}`: expected Y or N"))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for YesNo {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "YesNo".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "anyOf": [{"enum": ["Y", "N", "y", "n", "yes", "no"]}, {"type": "boolean"}],
            "description": "Y or N"
        })
    }
}

/// A duration on the auto-close grid: 10 minutes to 6 d 23 h 50 min in 10-minute steps
/// (X19, BL3; OPEN-15 applies the same grid to X18).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct GridDuration(pub Duration);

impl GridDuration {
    /// Checks a duration against the grid.
    pub fn new(d: Duration) -> Result<GridDuration, String> {
        let s = d.secs();
        let max = 6 * DAY + 23 * 3600 + 50 * MINUTE;
        if s < 10 * MINUTE || s > max || s % (10 * MINUTE) != 0 {
            return Err(format!(
                "invalid auto-close duration `{d}`: expected 10m to 6d23h50m in 10-minute steps (hint: 10m, 1h, 2d, 6d23h50m)"
            ));
        }
        Ok(GridDuration(d))
    }
}

impl<'de> Deserialize<'de> for GridDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Duration::deserialize(d)?;
        GridDuration::new(v).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for GridDuration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "GridDuration".into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        Duration::json_schema(g)
    }
}

/// The backlog start delay in minutes: 0, 10, 20, 30, 40, 50 or 60 (X16, OPEN-14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct StartDelay(pub u32);

impl<'de> Deserialize<'de> for StartDelay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = u32::deserialize(d)?;
        if v > 60 || v % 10 != 0 {
            return Err(serde::de::Error::custom(format!(
                "invalid backlog start delay `{v}`: expected 0, 10, 20, 30, 40, 50 or 60 (minutes)"
            )));
        }
        Ok(StartDelay(v))
    }
}

impl JsonSchema for StartDelay {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "StartDelay".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"enum": [0, 10, 20, 30, 40, 50, 60]})
    }
}

/// Days before an unassigned waiting room closes: 1 to 7 (X17).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct CloseDays(pub u32);

impl<'de> Deserialize<'de> for CloseDays {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = u32::deserialize(d)?;
        if !(1..=7).contains(&v) {
            return Err(serde::de::Error::custom(format!("invalid unassigned auto-close days `{v}`: expected 1 to 7")));
        }
        Ok(CloseDays(v))
    }
}

impl JsonSchema for CloseDays {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CloseDays".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "integer", "minimum": 1, "maximum": 7})
    }
}

/// A capacity limit, at least 1 (X8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Capacity(pub u32);

impl<'de> Deserialize<'de> for Capacity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = u32::deserialize(d)?;
        if v == 0 {
            return Err(serde::de::Error::custom("invalid capacity `0`: expected an integer of at least 1"));
        }
        Ok(Capacity(v))
    }
}

impl JsonSchema for Capacity {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Capacity".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "integer", "minimum": 1})
    }
}

/// All site settings (§3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// X1, X22.
    pub chatbot: ChatbotSettings,
    /// X2.
    pub working_hours: WorkingHours,
    /// X3, X4, X6, X9.
    pub intake: IntakeSettings,
    /// X5.
    pub meal: MealSettings,
    /// X7, X8.
    pub capacity: CapacitySettings,
    /// X10–X14.
    pub distribution: DistributionSettings,
    /// X15–X17.
    pub backlog: BacklogSettings,
    /// X18, X19.
    pub auto_close: AutoCloseSettings,
    /// X20.
    pub profile_bot: ProfileBotSettings,
    /// X21, X25.
    pub messages: MessageSettings,
    /// X23.
    pub plan: Plan,
}

/// X1, X22.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ChatbotSettings {
    /// X1 `chatbot.enabled`: rooms start in the chatbot (default off, OPEN-04).
    pub enabled: bool,
    /// X22 `chatbot.idle_close`: close chatbot rooms idle this long (default off, OPEN-18).
    pub idle_close: Option<Duration>,
}

/// The intake switches (X3, X4, X6, X9).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct IntakeSettings {
    /// X3: accept requests outside working time into Waiting (W1). Default Y.
    pub after_hours: YesNo,
    /// X4: accounts on break stay eligible. Default N (OPEN-06).
    pub during_break: YesNo,
    /// X6: accounts stay eligible inside the collective meal window. Default N (OPEN-06).
    pub during_meal: YesNo,
    /// X9: requests blocked only by capacity wait (W4) instead of being rejected. Default Y (OPEN-09).
    pub over_capacity: YesNo,
}

impl Default for IntakeSettings {
    fn default() -> Self {
        IntakeSettings { after_hours: YesNo::Y, during_break: YesNo::N, during_meal: YesNo::N, over_capacity: YesNo::Y }
    }
}

/// X5.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields, default)]
pub struct MealSettings {
    /// The collective meal window, applied on every working date (H6, OPEN-07). Default none.
    pub collective_window: Option<TimeWindow>,
}

/// X7, X8.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CapacitySettings {
    /// X7: limit rooms per account. Default off.
    pub enabled: bool,
    /// X8: the site-wide limit; accounts may override it. Default 10 (OPEN-08).
    pub max_per_agent: Capacity,
}

impl Default for CapacitySettings {
    fn default() -> Self {
        CapacitySettings { enabled: false, max_per_agent: Capacity(10) }
    }
}

/// X10: the distribution method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// A4 (상담건 기준 균등 배분).
    #[default]
    LeastLoad,
    /// A5 (순차적 균등 배분).
    Sequential,
    /// A6 (상담 분류별 상담원 지정배분).
    ByCategory,
    /// A7 (채널별 상담사 지정배분).
    ByChannel,
    /// A8 (수동배분).
    Manual,
    /// A9 (하이브리드).
    Hybrid,
}

impl Method {
    /// The method as written in scenario files.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::LeastLoad => "least_load",
            Method::Sequential => "sequential",
            Method::ByCategory => "by_category",
            Method::ByChannel => "by_channel",
            Method::Manual => "manual",
            Method::Hybrid => "hybrid",
        }
    }
}

/// X11: the automatic methods hybrid may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum AutoMethod {
    /// A4.
    #[default]
    LeastLoad,
    /// A5.
    Sequential,
    /// A6.
    ByCategory,
    /// A7.
    ByChannel,
}

impl AutoMethod {
    /// The same method as a [`Method`].
    pub fn as_method(self) -> Method {
        match self {
            AutoMethod::LeastLoad => Method::LeastLoad,
            AutoMethod::Sequential => Method::Sequential,
            AutoMethod::ByCategory => Method::ByCategory,
            AutoMethod::ByChannel => Method::ByChannel,
        }
    }
}

/// X12: distribution scope (배분대상).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// All agents able to receive consultations; login not required (A15).
    #[default]
    AllAble,
    /// Only logged-in agents (A1.4).
    LoggedInAble,
}

/// X10–X14.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields, default)]
pub struct DistributionSettings {
    /// X10.
    pub method: Method,
    /// X11.
    pub hybrid_auto_method: AutoMethod,
    /// X12.
    pub scope: Scope,
    /// X13: middle category (`Major/Middle`) → designated account ids.
    pub by_category: BTreeMap<String, Vec<String>>,
    /// X14: channel id → designated account ids.
    pub by_channel: BTreeMap<String, Vec<String>>,
}

impl DistributionSettings {
    /// The automatic method in effect: the method itself, or hybrid's auto method (A2.4);
    /// `None` under manual.
    pub fn auto_method(&self) -> Option<Method> {
        match self.method {
            Method::Manual => None,
            Method::Hybrid => Some(self.hybrid_auto_method.as_method()),
            m => Some(m),
        }
    }
}

/// X15.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum BacklogMode {
    /// Bulk auto-assign waiting rooms when consultation is available (B1 ON).
    #[default]
    Auto,
    /// Waiting rooms wait for a manager or a pick (B1 OFF).
    Manual,
}

/// X15–X17.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields, default)]
pub struct BacklogSettings {
    /// X15. Default auto (OPEN-13).
    pub mode: BacklogMode,
    /// X16. Default 0.
    pub start_delay_min: StartDelay,
    /// X17: close rooms unassigned this many days (backlog manual only, B10). Default none.
    pub unassigned_auto_close_days: Option<CloseDays>,
}

/// X18, X19.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields, default)]
pub struct AutoCloseSettings {
    /// X18: close when the customer does not answer the owner's message (C7). Default off.
    pub customer_no_reply: Option<GridDuration>,
    /// X19: close when the owner does not answer (C7). Default off.
    pub agent_delay: Option<GridDuration>,
}

/// X20 `profile_bot.on_missing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum OnMissing {
    /// Proceed as if the profile were entered (OPEN-16).
    #[default]
    AssignNormally,
    /// Keep the room waiting without assigning (W8).
    KeepWaiting,
}

/// X20.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ProfileBotSettings {
    /// Default off.
    pub enabled: bool,
    /// Profile fields asked for. Default name, phone.
    pub fields: Vec<String>,
    /// What happens when the customer does not enter them. Default assign_normally (OPEN-16).
    pub on_missing: OnMissing,
}

impl Default for ProfileBotSettings {
    fn default() -> Self {
        ProfileBotSettings {
            enabled: false,
            fields: vec!["name".into(), "phone".into()],
            on_missing: OnMissing::AssignNormally,
        }
    }
}

/// One automatic message kind's switch and text (X21).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageSetting {
    /// Whether the message is sent.
    pub enabled: bool,
    /// The text; placeholders such as `[counselor_name]` are filled at send time.
    #[serde(default)]
    pub text: String,
}

impl MessageSetting {
    fn on(text: &str) -> Self {
        MessageSetting { enabled: true, text: text.into() }
    }
    fn off(text: &str) -> Self {
        MessageSetting { enabled: false, text: text.into() }
    }
}

/// X21, X25. Defaults per OPEN-17.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct MessageSettings {
    /// M1.
    pub greeting: MessageSetting,
    /// M2.
    pub title: MessageSetting,
    /// M3.
    pub queue_notice: MessageSetting,
    /// M4.
    pub unavailable: MessageSetting,
    /// M5.
    pub after_hours: MessageSetting,
    /// M6.
    pub agent_close: MessageSetting,
    /// M7.
    pub auto_close: MessageSetting,
    /// M9.
    pub busy_time: MessageSetting,
    /// X25: on a successful re-click also send M1–M3 (default off, OPEN-24).
    pub greeting_on_reclick: bool,
}

impl Default for MessageSettings {
    fn default() -> Self {
        MessageSettings {
            greeting: MessageSetting::on("Hello, this is [counselor_name]. How can I help you?"),
            title: MessageSetting::on("[category_name] > [division_name]"),
            queue_notice: MessageSetting::on("There are [count] consultations ahead of you."),
            unavailable: MessageSetting::on("No agent is available right now. Please wait."),
            after_hours: MessageSetting::on("We are outside working hours. We will answer as soon as we are back."),
            agent_close: MessageSetting::on("The consultation has ended. Thank you."),
            auto_close: MessageSetting::off("The consultation was closed automatically."),
            busy_time: MessageSetting::off("We are busy right now; answers may take longer."),
            greeting_on_reclick: false,
        }
    }
}

/// X23.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    /// Starter.
    #[default]
    Starter,
    /// Team.
    Team,
    /// Pro.
    Pro,
}
