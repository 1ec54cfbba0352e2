//! The YAML scenario model: typed once, with defaults in one place (ARCHITECTURE habit 8).
//!
//! Every struct rejects unknown keys. Engine settings are the engine's own [`Settings`] type, so
//! the spec's defaults (§3) live in exactly one place. Distributions, arrival profiles and the
//! other workload parameters are the simulator's types.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::engine::account::{Auth, Role};
use crate::engine::calendar::{DayHours, TimeWindow};
use crate::engine::catalog::ChannelKind;
use crate::engine::settings::Settings;
use crate::engine::time::{Date, Duration, TimeOfDay};
use crate::sim::arrivals::RateProfile;
use crate::sim::dist::Distribution;

/// A whole scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Short name; reports go to `reports/<name>/`.
    pub name: String,
    /// What the scenario shows and which rule IDs it exercises.
    #[serde(default)]
    pub description: String,
    /// Seed of every random stream (overridden by `--seed`).
    #[serde(default)]
    pub seed: u64,
    /// Local start date-time, `YYYY-MM-DDTHH:MM:SS` (or `YYYY-MM-DD` for midnight).
    pub start: LocalDateTime,
    /// How long to simulate.
    pub horizon: Duration,
    /// Statistics ignore rooms created before `start + warm_up`.
    #[serde(default)]
    pub warm_up: Duration,
    /// Fixed UTC offset of the site's local time, `+09:00` (Korea Standard Time) by default.
    #[serde(default = "default_utc_offset")]
    pub utc_offset: String,
    /// E1 site id.
    #[serde(default = "default_site_id")]
    pub site_id: String,
    /// Service level: the share of requests assigned within this time is reported.
    #[serde(default = "default_service_level")]
    pub service_level: Duration,
    /// Engine settings (§3); omitted keys take the spec's defaults.
    #[serde(default)]
    pub settings: Settings,
    /// Channels (E6). Default: one web chat v1 channel `web`.
    #[serde(default = "default_channels")]
    pub channels: Vec<ChannelSpec>,
    /// Category tree (E7). Default: the sample tree.
    #[serde(default)]
    pub categories: Vec<MajorSpec>,
    /// Accounts (E2), one by one.
    #[serde(default)]
    pub accounts: Vec<AccountEntry>,
    /// Teams: groups of identical accounts declared with a count.
    #[serde(default)]
    pub teams: Vec<TeamSpec>,
    /// Named shift patterns referenced by accounts and teams.
    #[serde(default)]
    pub shifts: BTreeMap<String, ShiftSpec>,
    /// E5: holidays and changed hours.
    #[serde(default)]
    pub holidays: Vec<HolidaySpec>,
    /// E4: day statuses.
    #[serde(default)]
    pub day_status: Vec<DayStatusSpec>,
    /// The generated workload (SIM2, SIM5).
    #[serde(default)]
    pub workload: WorkloadSpec,
    /// Events at fixed times.
    #[serde(default)]
    pub scripted: Vec<ScriptedEvent>,
    /// Reporting options.
    #[serde(default)]
    pub report: ReportSpec,
    /// How long a closed room stays in the engine, so that scripted actions on ended rooms
    /// (block, category change; S3.31, S3.32) can still reach it. Memory grows with the rooms
    /// closed within this time, so keep it short for long, busy runs. Default 1h.
    #[serde(default = "default_retention")]
    pub closed_room_retention: Duration,
    /// Checks run by `consult-sim check` and `cargo test`.
    #[serde(default)]
    pub expect: Vec<crate::check::Expectation>,
    /// Named overrides for what-if comparisons.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub variants: BTreeMap<String, serde_yaml::Value>,
}

fn default_utc_offset() -> String {
    "+09:00".into()
}
fn default_site_id() -> String {
    "SITE".into()
}
fn default_retention() -> Duration {
    Duration::hours(1)
}
fn default_service_level() -> Duration {
    Duration::minutes(2)
}
fn default_channels() -> Vec<ChannelSpec> {
    vec![ChannelSpec { id: "web".into(), kind: ChannelKind::WebChatV1 }]
}

/// A local date-time written `YYYY-MM-DDTHH:MM[:SS]` or `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocalDateTime(pub chrono::NaiveDateTime);

impl Serialize for LocalDateTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.format("%Y-%m-%dT%H:%M:%S"))
    }
}

impl<'de> Deserialize<'de> for LocalDateTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        LocalDateTime::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl LocalDateTime {
    /// Parses the accepted forms.
    pub fn parse(s: &str) -> Result<LocalDateTime, String> {
        let t = s.trim();
        for f in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
            if let Ok(dt) = chrono::NaiveDateTime::parse_from_str(t, f) {
                return Ok(LocalDateTime(dt));
            }
        }
        if let Ok(d) = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            return Ok(LocalDateTime(d.and_time(chrono::NaiveTime::MIN)));
        }
        Err(format!(
            "invalid date-time `{s}`: expected YYYY-MM-DDTHH:MM:SS (local time), for example 2026-11-23T09:00:00"
        ))
    }
}

impl JsonSchema for LocalDateTime {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LocalDateTime".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?$",
            "description": "Local date-time YYYY-MM-DDTHH:MM:SS"
        })
    }
}

/// E6.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelSpec {
    /// Id used in settings, workload mixes and traces.
    pub id: String,
    /// Kind.
    pub kind: ChannelKind,
}

/// E7: one major category with its middles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MajorSpec {
    /// 대분류 name (≤ 15 characters).
    pub major: String,
    /// 중분류 names (≤ 15 characters each).
    pub middles: Vec<String>,
}

/// E2: one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountEntry {
    /// Id.
    pub id: String,
    /// Role.
    pub role: Role,
    /// Display name (default: the id).
    #[serde(default)]
    pub name: Option<String>,
    /// Responsible manager id (agents; default the admin).
    #[serde(default)]
    pub manager: Option<String>,
    /// 상담여부 (default true, OPEN-89).
    #[serde(default = "yes")]
    pub consults: bool,
    /// Authentication (default active).
    #[serde(default)]
    pub auth: Auth,
    /// X8 per-account capacity override.
    #[serde(default)]
    pub capacity: Option<u32>,
    /// M8 personal auto-reply on.
    #[serde(default)]
    pub auto_reply: bool,
    /// X24.
    #[serde(default)]
    pub admin_view: bool,
    /// Shift pattern name (`shifts:`); without one the account never logs in unless
    /// `logged_in` is set.
    #[serde(default)]
    pub shift: Option<String>,
    /// Logged in at the start (OPEN-89 default false).
    #[serde(default)]
    pub logged_in: bool,
}

fn yes() -> bool {
    true
}

/// A team: `count` accounts named `<prefix>-01` … with the same attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamSpec {
    /// Id prefix.
    pub prefix: String,
    /// How many.
    pub count: u32,
    /// Role (default agent).
    #[serde(default = "agent_role")]
    pub role: Role,
    /// Responsible manager id.
    #[serde(default)]
    pub manager: Option<String>,
    /// X8 per-account override.
    #[serde(default)]
    pub capacity: Option<u32>,
    /// M8.
    #[serde(default)]
    pub auto_reply: bool,
    /// Shift pattern name.
    #[serde(default)]
    pub shift: Option<String>,
    /// Logged in at the start.
    #[serde(default)]
    pub logged_in: bool,
}

fn agent_role() -> Role {
    Role::Agent
}

/// Weekdays a shift works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

/// A recurring roster: login/logout, breaks and an individual meal (H7, SIM5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftSpec {
    /// Days worked (default Monday to Friday).
    #[serde(default = "weekdays")]
    pub days: Vec<Weekday>,
    /// Login time.
    pub login: TimeOfDay,
    /// Logout time (the next day when earlier than login).
    pub logout: TimeOfDay,
    /// Breaks (휴식중 toggles).
    #[serde(default)]
    pub breaks: Vec<BreakSpec>,
    /// Individual meal window (개별 식사시간).
    #[serde(default)]
    pub meal: Option<TimeWindow>,
    /// Each person's login, logout and break starts are shifted by a draw from this (seconds;
    /// may be negative for symmetric spreads — a `uniform: {min, max}` of durations is not
    /// negative, so the draw is centred: value − mean).
    #[serde(default)]
    pub jitter: Option<Distribution>,
}

fn weekdays() -> Vec<Weekday> {
    vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]
}

/// One break in a shift.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BreakSpec {
    /// Start time.
    pub at: TimeOfDay,
    /// Length.
    pub length: Duration,
}

/// E5: a holiday (no `hours`) or changed hours for a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidaySpec {
    /// Date.
    pub date: Date,
    /// Changed hours; omitted = full-day holiday.
    #[serde(default)]
    pub hours: Option<DayHours>,
}

/// E4: one account's status for one date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DayStatusSpec {
    /// Account id (or a team prefix followed by `*`, e.g. `agent-*`).
    pub account: String,
    /// Date.
    pub date: Date,
    /// Available (default true).
    #[serde(default = "yes")]
    pub available: bool,
    /// Break windows on that date.
    #[serde(default)]
    pub breaks: Vec<TimeWindow>,
}

/// Weighted choice written as a map `label: weight`.
pub type Mix = BTreeMap<String, f64>;

/// The generated workload (SIM5). Every concern draws from its own seeded stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields, default)]
pub struct WorkloadSpec {
    /// Arrivals of new rooms (non-homogeneous Poisson). None = no generated arrivals.
    pub arrivals: Option<RateProfile>,
    /// Channel mix (channel id → weight). Default: all channels equally.
    pub channels: Mix,
    /// Category mix (`Major/Middle` → weight) of the chat URL / hotkey category. Default: none
    /// given (the first category).
    pub categories: Mix,
    /// Chatbot behaviour when `chatbot.enabled`.
    pub chatbot: ChatbotBehaviour,
    /// Share of requests whose customer enters the profile-bot fields (OPEN-77). Default 1.
    pub profile_entered: Option<f64>,
    /// Customer behaviour while Waiting.
    pub waiting: WaitingBehaviour,
    /// Agent and conversation behaviour after assignment.
    pub conversation: ConversationBehaviour,
    /// Managers' manual assignment of Waiting rooms (A13).
    pub manager_assign: Option<ManagerAssignBehaviour>,
    /// Agents picking Waiting rooms under manual / hybrid (A14).
    pub picking: Option<PickBehaviour>,
    /// Replay a recorded trace instead of generating the workload: a file (`.csv` / `.parquet`,
    /// relative to the scenario file), or `{file, side, scale, shift, channels, categories, from,
    /// until}` (see docs/REPLAY.md).
    pub replay: Option<crate::replay::ReplaySpec>,
}

/// Chatbot dwell and outcome (SIM5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ChatbotBehaviour {
    /// Time in the chatbot before the customer decides.
    pub dwell: Distribution,
    /// Share of chatbot rooms that ask for an agent; the rest close in the chatbot.
    pub request_share: f64,
}

impl Default for ChatbotBehaviour {
    fn default() -> Self {
        ChatbotBehaviour { dwell: Distribution::constant_secs(60.0), request_share: 1.0 }
    }
}

/// Customer behaviour in Waiting (SIM5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields, default)]
pub struct WaitingBehaviour {
    /// Patience: the customer closes after this long in Waiting. None = infinitely patient.
    pub patience: Option<Distribution>,
    /// Time between customer messages while waiting. None = silent.
    pub message_every: Option<Distribution>,
    /// Time until the customer re-clicks the hotkey (chatbot rooms). None = never.
    pub reclick_after: Option<Distribution>,
}

/// Conversation after assignment (SIM5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ConversationBehaviour {
    /// Delay from assignment to the owner's first reply. None = the owner never replies.
    pub first_reply: Option<Distribution>,
    /// Total handling time from the first reply to the close.
    pub handling: Distribution,
    /// Messages exchanged during handling (each side), spread evenly.
    pub exchanges: u32,
    /// Who closes (`agent`, `customer`): weights.
    pub closed_by: Mix,
    /// Share of rooms the owner holds (C9) for a while during handling.
    pub hold_share: f64,
    /// Share of rooms transferred once during handling (T).
    pub transfer_share: f64,
}

impl Default for ConversationBehaviour {
    fn default() -> Self {
        ConversationBehaviour {
            first_reply: Some(Distribution::constant_secs(30.0)),
            handling: Distribution::exponential_secs(600.0),
            exchanges: 0,
            closed_by: BTreeMap::from([("agent".to_string(), 1.0)]),
            hold_share: 0.0,
            transfer_share: 0.0,
        }
    }
}

/// Managers assigning Waiting rooms by hand (A13, B9).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManagerAssignBehaviour {
    /// Acting manager (default the admin).
    #[serde(default)]
    pub actor: Option<String>,
    /// How often the manager looks at the Waiting list (during working time).
    pub every: Duration,
    /// At most this many rooms per look (oldest first, to the least-loaded available account).
    #[serde(default = "ten")]
    pub batch: u32,
}

fn ten() -> u32 {
    10
}

/// Agents picking Waiting rooms (A14).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PickBehaviour {
    /// How often each logged-in agent looks at the waiting list.
    pub every: Duration,
    /// An agent picks only while its load is below this.
    #[serde(default = "three")]
    pub below_load: u32,
}

fn three() -> u32 {
    3
}

/// An event at a fixed time. (No `deny_unknown_fields` here: serde cannot combine it with
/// `flatten`; the flattened action rejects unknown keys itself.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScriptedEvent {
    /// When (local date-time), or an offset from the start (`at_offset`).
    #[serde(default)]
    pub at: Option<LocalDateTime>,
    /// Offset from the scenario start.
    #[serde(default)]
    pub after: Option<Duration>,
    /// What happens.
    #[serde(flatten)]
    pub action: ScriptedAction,
}

/// What a scripted event does. Account lists accept ids, `team-prefix-*` patterns or `all`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "event", rename_all = "snake_case", deny_unknown_fields)]
pub enum ScriptedAction {
    /// Accounts log in.
    AgentLogin {
        /// Accounts.
        accounts: Vec<String>,
    },
    /// Accounts log out.
    AgentLogout {
        /// Accounts.
        accounts: Vec<String>,
    },
    /// Accounts start a break.
    BreakStart {
        /// Accounts.
        accounts: Vec<String>,
    },
    /// Accounts end a break.
    BreakEnd {
        /// Accounts.
        accounts: Vec<String>,
    },
    /// Accounts start an individual meal.
    MealStart {
        /// Accounts.
        accounts: Vec<String>,
    },
    /// Accounts end an individual meal.
    MealEnd {
        /// Accounts.
        accounts: Vec<String>,
    },
    /// A room opens (a scripted customer). `room` names it for later events and expectations.
    RoomCreated {
        /// Room label.
        room: String,
        /// Channel id (default the first).
        #[serde(default)]
        channel: Option<String>,
        /// `Major/Middle`.
        #[serde(default)]
        category: Option<String>,
        /// Customer label (default: the room label).
        #[serde(default)]
        customer: Option<String>,
        /// Profile entered (default true).
        #[serde(default = "yes")]
        profile_entered: bool,
    },
    /// The customer asks for an agent.
    ConnectRequest {
        /// Room label.
        room: String,
        /// Hotkey category.
        #[serde(default)]
        category: Option<String>,
        /// Profile entered (default true).
        #[serde(default = "yes")]
        profile_entered: bool,
    },
    /// The customer re-clicks.
    HotkeyReclick {
        /// Room label.
        room: String,
        /// Profile entered (default true).
        #[serde(default = "yes")]
        profile_entered: bool,
    },
    /// A customer message.
    CustomerMessage {
        /// Room label.
        room: String,
    },
    /// The customer closes.
    CustomerClose {
        /// Room label.
        room: String,
    },
    /// The owner replies.
    AgentMessage {
        /// Room label.
        room: String,
    },
    /// The owner closes.
    AgentClose {
        /// Room label.
        room: String,
    },
    /// Hold set by the owner.
    HoldSet {
        /// Room label.
        room: String,
    },
    /// Hold released by the owner.
    HoldRelease {
        /// Room label.
        room: String,
    },
    /// An account picks rooms.
    AgentPick {
        /// Picker.
        account: String,
        /// Room labels.
        rooms: Vec<String>,
    },
    /// Change agent.
    Transfer {
        /// Room label.
        room: String,
        /// New owner.
        to: String,
        /// Actor (default the owner).
        #[serde(default)]
        actor: Option<String>,
    },
    /// Manual assignment.
    ManagerAssign {
        /// Room label.
        room: String,
        /// Target account.
        to: String,
        /// Actor (default the admin).
        #[serde(default)]
        actor: Option<String>,
    },
    /// Manager close.
    ManagerClose {
        /// Room label.
        room: String,
        /// Actor (default the admin).
        #[serde(default)]
        actor: Option<String>,
    },
    /// Block from a room.
    ManagerBlock {
        /// Room label.
        room: String,
        /// Actor (default the admin).
        #[serde(default)]
        actor: Option<String>,
    },
    /// Customer info entered by a manager.
    CustomerInfoChange {
        /// Customer label.
        customer: String,
        /// Whether the configured fields are now entered.
        #[serde(default = "yes")]
        entered: bool,
    },
    /// Auto-reply switch.
    AutoReplySet {
        /// Accounts.
        accounts: Vec<String>,
        /// On or off.
        on: bool,
    },
    /// Day status for accounts.
    DayStatusSet {
        /// Accounts.
        accounts: Vec<String>,
        /// Date (default: the date of the event).
        #[serde(default)]
        date: Option<Date>,
        /// Available.
        #[serde(default = "yes")]
        available: bool,
        /// Break windows.
        #[serde(default)]
        breaks: Vec<TimeWindow>,
    },
    /// Holiday or changed hours.
    HolidaySet {
        /// Date.
        date: Date,
        /// Changed hours; omitted = holiday.
        #[serde(default)]
        hours: Option<DayHours>,
    },
    /// Account change.
    AccountChange {
        /// Accounts.
        accounts: Vec<String>,
        /// 상담여부.
        #[serde(default)]
        consults: Option<bool>,
        /// Authentication.
        #[serde(default)]
        auth: Option<Auth>,
        /// Capacity override.
        #[serde(default)]
        capacity: Option<u32>,
    },
    /// Settings change: a partial settings document merged over the current settings.
    SettingsChanged {
        /// Partial settings (same keys as `settings:`).
        #[schemars(with = "serde_json::Value")]
        patch: serde_yaml::Value,
    },
}

/// Reporting options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ReportSpec {
    /// Step of the queue-length time series.
    pub queue_step: Duration,
    /// Write one row per room.
    pub rooms: bool,
    /// Which tables get a CSV copy beside their Parquet file.
    pub csv: CsvPolicy,
}

impl Default for ReportSpec {
    fn default() -> Self {
        ReportSpec { queue_step: Duration::minutes(1), rooms: true, csv: CsvPolicy::Auto }
    }
}

/// Rows a spreadsheet holds below its header (Excel and LibreOffice Calc: 1,048,576 rows).
pub const SPREADSHEET_ROWS: u64 = 1_048_575;

/// Which report tables are also written as CSV (Parquet is always written).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CsvPolicy {
    /// Tables that fit a spreadsheet (at most 1,048,575 rows); larger ones (the rooms and audit
    /// tables of a long run: gigabytes of text no spreadsheet opens) are Parquet only.
    #[default]
    Auto,
    /// Every table, whatever its size.
    Always,
    /// No CSV at all.
    Never,
}

impl CsvPolicy {
    /// The most rows a table may have and keep its CSV copy (None: no CSV).
    pub fn max_rows(self) -> Option<u64> {
        match self {
            CsvPolicy::Auto => Some(SPREADSHEET_ROWS),
            CsvPolicy::Always => Some(u64::MAX),
            CsvPolicy::Never => None,
        }
    }

    /// Whether a table of `rows` rows gets its CSV copy.
    pub fn allows(self, rows: u64) -> bool {
        self.max_rows().is_some_and(|max| rows <= max)
    }
}
