//! Events to trace cells and back: ids become names (account ids, channel ids, `Major/Middle`
//! categories, room and customer numbers) so that a trace reads on its own and replays against
//! any scenario that declares the same names.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::schema::{EVENT_NAMES, OWNER, col, ev, parse_at, parse_date};
use crate::engine::calendar::{DayHours, TimeWindow};
use crate::engine::time::Time;
use crate::engine::{
    AccountId, AccountPatch, Auth, BlockTarget, CategoryId, ChannelId, CustomerId, DayOverride, DayStatus, Engine,
    Event, ProfileOutcome, Role, RoomId, Settings,
};

/// A fast hash for short names (8 bytes a step; names are few and known, so no DoS concern).
#[derive(Default, Clone, Copy)]
pub struct NameHasher(u64);

impl Hasher for NameHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        let mut tail = 0u64;
        for (i, b) in chunks.remainder().iter().enumerate() {
            tail |= (*b as u64) << (8 * i);
        }
        self.0 = (self.0.rotate_left(5) ^ tail ^ bytes.len() as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    #[inline]
    fn write_u8(&mut self, _: u8) {}
}

/// Names to ids.
pub type NameMap<V> = HashMap<String, V, BuildHasherDefault<NameHasher>>;

/// The names a trace uses, resolved once from the engine (scenario) it replays into.
#[derive(Debug, Clone)]
pub struct Names {
    /// Account ids, by index.
    pub accounts: Vec<String>,
    account_ix: NameMap<AccountId>,
    /// Channel ids, by index.
    pub channels: Vec<String>,
    channel_ix: NameMap<ChannelId>,
    /// `Major/Middle`, by index.
    pub categories: Vec<String>,
    category_ix: NameMap<CategoryId>,
    event_ix: NameMap<usize>,
    /// The Admin (default actor of manager actions).
    pub admin: AccountId,
    /// The scenario start (`at` = seconds since it).
    pub start: Time,
    /// The scenario's settings (checks settings patches while reading).
    pub settings: Settings,
}

impl Names {
    /// The names of an engine's accounts and catalog.
    pub fn of(engine: &Engine, start: Time) -> Names {
        let accounts: Vec<String> = engine.accounts().iter().map(|a| a.id.clone()).collect();
        let channels: Vec<String> = engine.catalog().channels.iter().map(|c| c.id.clone()).collect();
        let categories: Vec<String> = engine.catalog().categories.iter().map(|c| c.path()).collect();
        Names {
            account_ix: accounts.iter().enumerate().map(|(i, a)| (a.clone(), AccountId(i as u32))).collect(),
            channel_ix: channels.iter().enumerate().map(|(i, c)| (c.clone(), ChannelId(i as u16))).collect(),
            category_ix: categories.iter().enumerate().map(|(i, c)| (c.clone(), CategoryId(i as u32))).collect(),
            event_ix: EVENT_NAMES.iter().enumerate().map(|(i, e)| (e.to_string(), i)).collect(),
            accounts,
            channels,
            categories,
            admin: engine.admin(),
            start,
            settings: engine.settings().clone(),
        }
    }

    fn account_name(&self, a: AccountId) -> Option<u32> {
        ((a.0 as usize) < self.accounts.len()).then_some(a.0)
    }
}

/// One row's cells as the recorder keeps them (names stay indices until a batch is written).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cells {
    /// Seconds since the scenario start.
    pub at: i64,
    /// Event name.
    pub event: &'static str,
    /// Room number.
    pub room: Option<u64>,
    /// Customer number.
    pub customer: Option<u64>,
    /// Account index.
    pub account: Option<u32>,
    /// Channel index.
    pub channel: Option<u16>,
    /// Category index.
    pub category: Option<u32>,
    /// `entered` / `not_entered`.
    pub profile: Option<&'static str>,
    /// Target account index.
    pub to: Option<u32>,
    /// Actor account index.
    pub actor: Option<u32>,
    /// Room numbers separated by spaces.
    pub rooms: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    /// A keyword (`on`, `off`, `available`, `holiday`, `replace` …).
    pub value: Option<&'static str>,
    /// A YAML (JSON) document.
    pub patch: Option<String>,
    /// The rule of the engine's rejection.
    pub rejected: Option<&'static str>,
    /// Engine timers between the previous row and this one, for rows scheduled late.
    pub after_timers: Option<u32>,
}

fn profile_str(p: ProfileOutcome) -> &'static str {
    match p {
        ProfileOutcome::Entered => "entered",
        ProfileOutcome::NotEntered => "not_entered",
    }
}

fn rooms_str(rooms: &[RoomId]) -> String {
    rooms.iter().map(|r| r.0.to_string()).collect::<Vec<_>>().join(" ")
}

/// The cells of an exogenous event. `names` gives the number of accounts (indices past it, such as
/// the unresolved owner of a scripted agent action, are written empty).
pub fn encode(at: Time, event: &Event, names: &Names) -> Cells {
    let acc = |a: AccountId| names.account_name(a);
    let mut c = Cells { at: at - names.start, event: event.name(), ..Cells::default() };
    match event {
        Event::RoomCreated { room, customer, channel, category, profile } => {
            c.room = Some(room.0);
            c.customer = Some(customer.0);
            c.channel = Some(channel.0);
            c.category = category.map(|x| x.0);
            c.profile = Some(profile_str(*profile));
        }
        Event::CustomerMessage { room } | Event::CustomerClose { room } => c.room = Some(room.0),
        Event::ConnectRequest { room, category, profile } => {
            c.room = Some(room.0);
            c.category = category.map(|x| x.0);
            c.profile = Some(profile_str(*profile));
        }
        Event::HotkeyReclick { room, profile } => {
            c.room = Some(room.0);
            c.profile = Some(profile_str(*profile));
        }
        Event::AgentLogin { account }
        | Event::AgentLogout { account }
        | Event::BreakStart { account }
        | Event::BreakEnd { account }
        | Event::MealStart { account }
        | Event::MealEnd { account } => c.account = acc(*account),
        Event::AgentMessage { room, account }
        | Event::AgentClose { room, account }
        | Event::HoldSet { room, account }
        | Event::HoldRelease { room, account } => {
            c.room = Some(room.0);
            c.account = acc(*account);
        }
        Event::AgentPick { account, rooms } => {
            c.account = acc(*account);
            c.rooms = Some(rooms_str(rooms));
        }
        Event::Transfer { room, to, actor } | Event::ManagerAssign { room, to, actor } => {
            c.room = Some(room.0);
            c.to = acc(*to);
            c.actor = acc(*actor);
        }
        Event::AutoReplySet { account, on } => {
            c.account = acc(*account);
            c.value = Some(if *on { "on" } else { "off" });
        }
        Event::ManagerClose { room, actor } => {
            c.room = Some(room.0);
            c.actor = acc(*actor);
        }
        Event::ManagerBlock { target, actor } => {
            match target {
                BlockTarget::Room(r) => c.room = Some(r.0),
                BlockTarget::Customer(cu) => c.customer = Some(cu.0),
            }
            c.actor = acc(*actor);
        }
        Event::Unblock { customer, actor } => {
            c.customer = Some(customer.0);
            c.actor = acc(*actor);
        }
        Event::CategoryChange { rooms, category, actor } => {
            c.rooms = Some(rooms_str(rooms));
            c.category = Some(category.0);
            c.actor = acc(*actor);
        }
        Event::CustomerInfoChange { customer, entered, actor } => {
            c.customer = Some(customer.0);
            c.profile = Some(if *entered { "entered" } else { "not_entered" });
            c.actor = acc(*actor);
        }
        Event::DayStatusSet { account, date, status, actor } => {
            c.account = acc(*account);
            c.date = Some(date.to_string());
            c.value = Some(if status.available { "available" } else { "unavailable" });
            if !status.breaks.is_empty() {
                c.patch = serde_json::to_string(&status.breaks).ok();
            }
            c.actor = acc(*actor);
        }
        Event::HolidaySet { date, day } => {
            c.date = Some(date.to_string());
            match day {
                None => c.value = Some("clear"),
                Some(DayOverride::Holiday) => c.value = Some("holiday"),
                Some(DayOverride::Hours(h)) => {
                    c.value = Some("hours");
                    c.patch = serde_json::to_string(h).ok();
                }
            }
        }
        Event::AccountChange { account, patch } => {
            c.account = acc(*account);
            let mut m = serde_json::Map::new();
            if let Some(n) = &patch.name {
                m.insert("name".into(), n.clone().into());
            }
            if let Some(r) = patch.role {
                m.insert("role".into(), r.as_str().into());
            }
            if let Some(x) = patch.consults {
                m.insert("consults".into(), x.into());
            }
            if let Some(a) = patch.auth {
                m.insert("auth".into(), serde_json::to_value(a).unwrap_or_default());
            }
            if let Some(rm) = patch.responsible_manager {
                let name = names.accounts.get(rm.idx()).cloned().map(serde_json::Value::from);
                m.insert("responsible_manager".into(), name.unwrap_or_default());
            }
            if let Some(cap) = patch.max_override {
                m.insert("capacity".into(), cap.map(serde_json::Value::from).unwrap_or_default());
            }
            c.patch = Some(serde_json::Value::Object(m).to_string());
        }
        Event::SettingsChanged(s) => {
            c.value = Some("replace");
            c.patch = serde_json::to_string(&**s).ok();
        }
        Event::Timer(_) => {}
    }
    c
}

/// One cell as read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    /// Empty / null / no such column.
    Null,
    /// Text.
    Str(&'a str),
    /// A whole number (integer Parquet columns).
    Int(i64),
}

/// Arrow arrays of the trace's text and integer columns.
pub type StrArray = <polars::prelude::StringType as polars::prelude::PolarsDataType>::Array;
/// Any arrow array (polars names arrow's `Array` trait only through `ArrayRef`).
type DynArray = <polars::prelude::ArrayRef as std::ops::Deref>::Target;
/// See [`StrArray`].
pub type IntArray = <polars::prelude::Int64Type as polars::prelude::PolarsDataType>::Array;

/// One column of a batch, ready for row access.
pub enum ColData<'a> {
    /// Not in the file.
    Missing,
    /// Text.
    Str(&'a StrArray),
    /// Text whose cells were resolved once per distinct value (see [`Coded`]).
    Coded(Coded<'a>),
    /// Whole numbers, read from the array's slice.
    Int {
        /// The array (its validity).
        array: &'a IntArray,
        /// Its values.
        values: &'a [i64],
        /// Whether no cell is null.
        all_valid: bool,
    },
}

impl<'a> ColData<'a> {
    /// A column of whole numbers.
    pub fn int(array: &'a IntArray) -> ColData<'a> {
        ColData::Int {
            array,
            values: array.values().as_slice(),
            all_valid: array.validity().is_none_or(|v| v.unset_bits() == 0),
        }
    }

    #[inline]
    fn cell(&self, i: usize) -> Cell<'a> {
        match self {
            ColData::Missing => Cell::Null,
            ColData::Str(a) | ColData::Coded(Coded { text: a, .. }) => a.get(i).map(Cell::Str).unwrap_or(Cell::Null),
            ColData::Int { array, values, all_valid } => {
                if *all_valid || array.validity().is_none_or(|v| v.get_bit(i)) {
                    Cell::Int(values[i])
                } else {
                    Cell::Null
                }
            }
        }
    }

    #[inline]
    fn is_null(&self, i: usize) -> bool {
        match self {
            ColData::Missing => true,
            ColData::Str(a) | ColData::Coded(Coded { text: a, .. }) => a.get(i).is_none(),
            ColData::Int { array, all_valid, .. } => !*all_valid && array.validity().is_some_and(|v| !v.get_bit(i)),
        }
    }

    /// The resolved code of a cell, when its column is coded and the cell resolved.
    #[inline]
    fn code(&self, i: usize) -> Option<u32> {
        match self {
            ColData::Coded(c) => c.codes.get(i).copied().filter(|&k| k != CODE_UNRESOLVED),
            _ => None,
        }
    }
}

/// Code of an empty cell (null, or only white space).
pub const CODE_EMPTY: u32 = u32::MAX;
/// Code of a cell that did not resolve (an unknown name): the row's decoding reads its text and
/// reports it.
pub const CODE_UNRESOLVED: u32 = u32::MAX - 1;

/// A text column of names (events, accounts, channels, categories, profiles) resolved once per
/// distinct cell of a batch instead of once per row. A Parquet dictionary page decodes into
/// string views that share the dictionary's bytes, so every row holding one dictionary entry has
/// the identical 16-byte view; short names (≤ 12 bytes) are held in the view itself. A view is
/// therefore resolved once, and each row costs one probe of a small table keyed by its view.
pub struct Coded<'a> {
    text: &'a StrArray,
    /// Per row: the resolved id, [`CODE_EMPTY`] or [`CODE_UNRESOLVED`].
    codes: Vec<u32>,
}

/// How a coded column's names resolve.
#[derive(Clone, Copy)]
pub enum NameKind {
    /// `event`: the index in [`EVENT_NAMES`].
    Event,
    /// `account`, `to`, `actor`.
    Account,
    /// `channel`.
    Channel,
    /// `category`.
    Category,
    /// `profile`: 0 entered, 1 not entered.
    Profile,
}

impl NameKind {
    /// The coded columns.
    pub fn of_column(c: usize) -> Option<NameKind> {
        match c {
            col::EVENT => Some(NameKind::Event),
            col::ACCOUNT | col::TO | col::ACTOR => Some(NameKind::Account),
            col::CHANNEL => Some(NameKind::Channel),
            col::CATEGORY => Some(NameKind::Category),
            col::PROFILE => Some(NameKind::Profile),
            _ => None,
        }
    }

    /// The code of one cell's text, as the row decoding would read it.
    fn resolve(self, cell: &str, names: &Names) -> u32 {
        let t = trim(cell);
        if t.is_empty() {
            return CODE_EMPTY;
        }
        let id = match self {
            NameKind::Event => names.event_ix.get(t).map(|&i| i as u32),
            NameKind::Account => names.account_ix.get(t).map(|a| a.0),
            NameKind::Channel => names.channel_ix.get(t).map(|c| u32::from(c.0)),
            NameKind::Category => names.category_ix.get(t).map(|c| c.0),
            NameKind::Profile => match t {
                "entered" => Some(0),
                "not_entered" => Some(1),
                _ => None,
            },
        };
        id.unwrap_or(CODE_UNRESOLVED)
    }
}

/// Distinct views remembered per column and batch; past this, cells resolve one by one (a plain
/// encoded column of long, all-different names).
const MEMO_SLOTS: usize = 1024;

impl<'a> Coded<'a> {
    /// Resolves a batch's text column.
    pub fn new(text: &'a StrArray, kind: NameKind, names: &Names) -> Coded<'a> {
        let views = text.views();
        let mut memo: Vec<(u128, u32)> = vec![(0, CODE_UNRESOLVED); MEMO_SLOTS];
        let mut used = 0usize;
        let mut codes = Vec::with_capacity(views.len());
        // Rows often repeat the row before (a run of one event, one channel): no probe for them.
        let mut last: Option<(u128, u32)> = None;
        // The validity is a method of arrow's `Array` trait, reached through polars' `ArrayRef`.
        let validity = (text as &DynArray).validity();
        let valid = |i: usize| validity.is_none_or(|v| v.get_bit(i));
        for (i, view) in views.iter().enumerate() {
            // A null cell's view is whatever the writer left there: never resolved, never remembered.
            if !valid(i) {
                codes.push(CODE_EMPTY);
                continue;
            }
            let key = view.as_u128();
            let code = match last {
                Some((k, code)) if k == key => code,
                _ => {
                    let slot = memo_slot(key);
                    match memo[slot] {
                        // A slot holds a key with its code; CODE_UNRESOLVED marks a free slot.
                        (k, code) if k == key && code != CODE_UNRESOLVED => code,
                        (_, CODE_UNRESOLVED) if used < MEMO_SLOTS / 2 => {
                            let code = kind.resolve(text.value(i), names);
                            if code != CODE_UNRESOLVED {
                                memo[slot] = (key, code);
                                used += 1;
                            }
                            code
                        }
                        _ => kind.resolve(text.value(i), names),
                    }
                }
            };
            last = Some((key, code));
            codes.push(code);
        }
        Coded { text, codes }
    }
}

impl Coded<'_> {
    /// Per row: the resolved id, [`CODE_EMPTY`] or [`CODE_UNRESOLVED`].
    pub fn codes(&self) -> &[u32] {
        &self.codes
    }
}

/// A view's slot in the memo (the view's bytes mixed, then the top bits).
#[inline]
fn memo_slot(key: u128) -> usize {
    let mixed = ((key as u64) ^ ((key >> 64) as u64).rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> (64 - MEMO_SLOTS.trailing_zeros())) as usize
}

/// A row while it is decoded: cells are read from the batch's arrays only when the event needs
/// them. Errors name the column.
pub struct RowView<'a> {
    /// The batch's columns, by [`super::schema::COLUMNS`] index.
    pub cols: &'a [ColData<'a>],
    /// Index in the batch.
    pub index: usize,
    /// Row number in the file.
    pub row: u64,
    /// Columns of the batch that hold at least one value (bit per column).
    pub live: u16,
}

/// A decoding error: column (None = the row) and message.
pub type CellError = (Option<usize>, String);

fn err<T>(c: usize, m: impl Into<String>) -> Result<T, CellError> {
    Err((Some(c), m.into()))
}

impl<'a> RowView<'a> {
    /// One cell.
    #[inline]
    pub fn cell(&self, c: usize) -> Cell<'a> {
        self.cols[c].cell(self.index)
    }

    /// The resolved code of a coded column's cell (None: read its text).
    #[inline]
    fn code(&self, c: usize) -> Option<u32> {
        self.cols[c].code(self.index)
    }

    /// A coded cell as an id: Some(None) when empty, None when it must be read as text.
    #[inline]
    fn coded<T>(&self, c: usize, id: impl FnOnce(u32) -> T) -> Option<Option<T>> {
        self.code(c).map(|k| (k != CODE_EMPTY).then(|| id(k)))
    }

    #[inline]
    fn text(&self, c: usize) -> Option<&'a str> {
        match self.cell(c) {
            Cell::Str(s) => {
                let t = trim(s);
                if t.is_empty() { None } else { Some(t) }
            }
            _ => None,
        }
    }

    #[inline]
    fn present(&self, c: usize) -> bool {
        if let Some(k) = self.code(c) {
            return k != CODE_EMPTY;
        }
        if self.cols[c].is_null(self.index) {
            return false;
        }
        match self.cell(c) {
            Cell::Null => false,
            Cell::Str(s) => !trim(s).is_empty(),
            Cell::Int(_) => true,
        }
    }

    fn need<T>(&self, c: usize, event: &str, what: &str, v: Result<Option<T>, CellError>) -> Result<T, CellError> {
        match v? {
            Some(x) => Ok(x),
            None => err(c, format!("{event} needs {what}, but the cell is empty")),
        }
    }

    fn number(&self, c: usize, what: &str) -> Result<Option<u64>, CellError> {
        match self.cell(c) {
            Cell::Null => Ok(None),
            Cell::Int(n) if n >= 0 => Ok(Some(n as u64)),
            Cell::Int(n) => err(c, format!("`{n}` is not a {what}: expected a whole number ≥ 0")),
            Cell::Str(s) if s.trim().is_empty() => Ok(None),
            Cell::Str(s) => match s.trim().parse::<u64>() {
                Ok(n) => Ok(Some(n)),
                Err(_) => err(c, format!("`{s}` is not a {what}: expected a whole number ≥ 0")),
            },
        }
    }

    /// `at`.
    pub fn at(&self, start: Time) -> Result<Time, CellError> {
        match self.cell(col::AT) {
            Cell::Null => err(col::AT, format!("the time is empty: {}", super::schema::AT_EXPECTED)),
            Cell::Int(n) => start.checked_add(n).ok_or_else(|| (Some(col::AT), format!("`{n}` is out of range"))),
            Cell::Str(s) if s.trim().is_empty() => {
                err(col::AT, format!("the time is empty: {}", super::schema::AT_EXPECTED))
            }
            Cell::Str(s) => parse_at(s, start).map_err(|m| (Some(col::AT), m)),
        }
    }

    fn room(&self, c: usize) -> Result<Option<RoomId>, CellError> {
        Ok(self.number(c, "room number")?.map(RoomId))
    }

    fn customer(&self) -> Result<Option<CustomerId>, CellError> {
        Ok(self.number(col::CUSTOMER, "customer number")?.map(CustomerId))
    }

    fn account(&self, c: usize, names: &Names) -> Result<Option<AccountId>, CellError> {
        if let Some(a) = self.coded(c, AccountId) {
            return Ok(a);
        }
        let Some(s) = self.text(c) else { return Ok(None) };
        match names.account_ix.get(s) {
            Some(a) => Ok(Some(*a)),
            None => {
                let mut known: Vec<&str> = names.accounts.iter().map(String::as_str).take(12).collect();
                if names.accounts.len() > 12 {
                    known.push("…");
                }
                err(c, format!("unknown account `{s}`: expected an account id of the scenario ({})", known.join(", ")))
            }
        }
    }

    fn channel(&self, names: &Names) -> Result<Option<ChannelId>, CellError> {
        // A resolved code came from a channel index, which fits u16.
        if let Some(ch) = self.coded(col::CHANNEL, |k| ChannelId(k as u16)) {
            return Ok(ch);
        }
        let Some(s) = self.text(col::CHANNEL) else { return Ok(None) };
        names.channel_ix.get(s).copied().map(Some).ok_or_else(|| {
            (
                Some(col::CHANNEL),
                format!("unknown channel `{s}`: expected a channel id of the scenario ({})", names.channels.join(", ")),
            )
        })
    }

    fn category(&self, names: &Names) -> Result<Option<CategoryId>, CellError> {
        if let Some(c) = self.coded(col::CATEGORY, CategoryId) {
            return Ok(c);
        }
        let Some(s) = self.text(col::CATEGORY) else { return Ok(None) };
        names.category_ix.get(s).copied().map(Some).ok_or_else(|| {
            let mut known: Vec<&str> = names.categories.iter().map(String::as_str).take(8).collect();
            if names.categories.len() > 8 {
                known.push("…");
            }
            (
                Some(col::CATEGORY),
                format!("unknown category `{s}`: expected `Major/Middle` of the scenario ({})", known.join(", ")),
            )
        })
    }

    fn profile(&self) -> Result<Option<ProfileOutcome>, CellError> {
        let coded = |k| if k == 0 { ProfileOutcome::Entered } else { ProfileOutcome::NotEntered };
        if let Some(p) = self.coded(col::PROFILE, coded) {
            return Ok(p);
        }
        match self.text(col::PROFILE) {
            None => Ok(None),
            Some("entered") => Ok(Some(ProfileOutcome::Entered)),
            Some("not_entered") => Ok(Some(ProfileOutcome::NotEntered)),
            Some(s) => err(col::PROFILE, format!("`{s}` is not a profile outcome: expected entered or not_entered")),
        }
    }

    fn rooms(&self) -> Result<Option<Vec<RoomId>>, CellError> {
        if let Some(s) = self.text(col::ROOMS) {
            let mut v = Vec::new();
            for part in s.split(|c: char| c.is_whitespace() || c == ';' || c == ',').filter(|p| !p.is_empty()) {
                match part.parse::<u64>() {
                    Ok(n) => v.push(RoomId(n)),
                    Err(_) => {
                        return err(
                            col::ROOMS,
                            format!("`{part}` is not a room number: expected room numbers separated by spaces"),
                        );
                    }
                }
            }
            return Ok(Some(v));
        }
        Ok(self.room(col::ROOM)?.map(|r| vec![r]))
    }

    fn keyword(&self, c: usize, event: &str, allowed: &[&'static str]) -> Result<Option<&'static str>, CellError> {
        let Some(s) = self.text(c) else { return Ok(None) };
        match allowed.iter().find(|k| **k == s) {
            Some(k) => Ok(Some(*k)),
            None => err(c, format!("`{s}` is not a {event} value: expected {}", allowed.join(" or "))),
        }
    }

    fn yaml(&self, c: usize) -> Result<Option<serde_yaml::Value>, CellError> {
        let Some(s) = self.text(c) else { return Ok(None) };
        serde_yaml::from_str::<serde_yaml::Value>(s)
            .map(Some)
            .map_err(|e| (Some(c), format!("cannot read the patch as YAML: {e}")))
    }
}

/// Trims only when a cell starts or ends with white space (the usual cell does not).
#[inline]
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(b)) if !a.is_ascii_whitespace() && !b.is_ascii_whitespace() => s,
        _ => s.trim(),
    }
}

/// What a decoded row carries besides its event.
#[derive(Debug, Default)]
pub struct Extra {
    /// settings_changed with a patch to merge at the time of the row.
    pub settings_patch: Option<Box<serde_yaml::Value>>,
}

/// Decodes one row's event.
pub fn decode(v: &RowView<'_>, names: &Names) -> Result<(Event, Extra), CellError> {
    // The event's index (resolved once per distinct cell of the batch, else by one hash lookup);
    // the match below dispatches on it.
    let (kind, raw) = match v.code(col::EVENT) {
        Some(k) if k != CODE_EMPTY => (Some(k as usize), EVENT_NAMES.get(k as usize).copied().unwrap_or_default()),
        _ => {
            let Some(raw) = v.text(col::EVENT) else {
                return err(col::EVENT, format!("the event is empty: expected one of {}", EVENT_NAMES.join(", ")));
            };
            (names.event_ix.get(raw).copied(), raw)
        }
    };
    let name: &str = kind.map(|i| EVENT_NAMES[i]).unwrap_or(raw);
    let mut extra = Extra::default();
    let room = |what: &str| v.need(col::ROOM, name, what, v.room(col::ROOM));
    let account = || v.need(col::ACCOUNT, name, "an account", v.account(col::ACCOUNT, names));
    let owner_or = |c: usize| -> Result<AccountId, CellError> { Ok(v.account(c, names)?.unwrap_or(OWNER)) };
    let admin_or = || -> Result<AccountId, CellError> { Ok(v.account(col::ACTOR, names)?.unwrap_or(names.admin)) };
    let event = match kind {
        Some(ev::ROOM_CREATED) => {
            let room = room("a room number")?;
            Event::RoomCreated {
                room,
                customer: v.customer()?.unwrap_or(CustomerId(room.0)),
                channel: v.channel(names)?.unwrap_or(ChannelId(0)),
                category: v.category(names)?,
                profile: v.profile()?.unwrap_or_default(),
            }
        }
        Some(ev::CUSTOMER_MESSAGE) => Event::CustomerMessage { room: room("a room")? },
        Some(ev::CUSTOMER_CLOSE) => Event::CustomerClose { room: room("a room")? },
        Some(ev::CONNECT_REQUEST) => Event::ConnectRequest {
            room: room("a room")?,
            category: v.category(names)?,
            profile: v.profile()?.unwrap_or_default(),
        },
        Some(ev::HOTKEY_RECLICK) => {
            Event::HotkeyReclick { room: room("a room")?, profile: v.profile()?.unwrap_or_default() }
        }
        Some(ev::AGENT_LOGIN) => Event::AgentLogin { account: account()? },
        Some(ev::AGENT_LOGOUT) => Event::AgentLogout { account: account()? },
        Some(ev::BREAK_START) => Event::BreakStart { account: account()? },
        Some(ev::BREAK_END) => Event::BreakEnd { account: account()? },
        Some(ev::MEAL_START) => Event::MealStart { account: account()? },
        Some(ev::MEAL_END) => Event::MealEnd { account: account()? },
        Some(ev::AGENT_MESSAGE) => Event::AgentMessage { room: room("a room")?, account: owner_or(col::ACCOUNT)? },
        Some(ev::AGENT_CLOSE) => Event::AgentClose { room: room("a room")?, account: owner_or(col::ACCOUNT)? },
        Some(ev::HOLD_SET) => Event::HoldSet { room: room("a room")?, account: owner_or(col::ACCOUNT)? },
        Some(ev::HOLD_RELEASE) => Event::HoldRelease { room: room("a room")?, account: owner_or(col::ACCOUNT)? },
        Some(ev::AGENT_PICK) => {
            Event::AgentPick { account: account()?, rooms: v.need(col::ROOMS, name, "rooms (or a room)", v.rooms())? }
        }
        Some(ev::TRANSFER) => Event::Transfer {
            room: room("a room")?,
            to: v.need(col::TO, name, "a target account", v.account(col::TO, names))?,
            actor: owner_or(col::ACTOR)?,
        },
        Some(ev::AUTO_REPLY_SET) => Event::AutoReplySet {
            account: account()?,
            on: v.need(col::VALUE, name, "on or off", v.keyword(col::VALUE, name, &["on", "off"]))? == "on",
        },
        Some(ev::MANAGER_ASSIGN) => Event::ManagerAssign {
            room: room("a room")?,
            to: v.need(col::TO, name, "a target account", v.account(col::TO, names))?,
            actor: admin_or()?,
        },
        Some(ev::MANAGER_CLOSE) => Event::ManagerClose { room: room("a room")?, actor: admin_or()? },
        Some(ev::MANAGER_BLOCK) => {
            let target = match (v.room(col::ROOM)?, v.customer()?) {
                (Some(r), None) => BlockTarget::Room(r),
                (None, Some(c)) => BlockTarget::Customer(c),
                (Some(_), Some(_)) => {
                    return err(col::CUSTOMER, "manager_block takes a room or a customer, not both");
                }
                (None, None) => return err(col::ROOM, "manager_block needs a room or a customer, but both are empty"),
            };
            Event::ManagerBlock { target, actor: admin_or()? }
        }
        Some(ev::UNBLOCK) => {
            Event::Unblock { customer: v.need(col::CUSTOMER, name, "a customer", v.customer())?, actor: admin_or()? }
        }
        Some(ev::CATEGORY_CHANGE) => Event::CategoryChange {
            rooms: v.need(col::ROOMS, name, "rooms (or a room)", v.rooms())?,
            category: v.need(col::CATEGORY, name, "a category", v.category(names))?,
            actor: admin_or()?,
        },
        Some(ev::CUSTOMER_INFO_CHANGE) => Event::CustomerInfoChange {
            customer: v.need(col::CUSTOMER, name, "a customer", v.customer())?,
            entered: v.need(col::PROFILE, name, "entered or not_entered", v.profile())? == ProfileOutcome::Entered,
            actor: admin_or()?,
        },
        Some(ev::DAY_STATUS_SET) => {
            let account = account()?;
            let date = v.need(col::DATE, name, "a date", date_cell(v))?;
            let available = v.need(
                col::VALUE,
                name,
                "available or unavailable",
                v.keyword(col::VALUE, name, &["available", "unavailable"]),
            )? == "available";
            let breaks: Vec<TimeWindow> = match v.yaml(col::PATCH)? {
                None => Vec::new(),
                Some(y) => serde_yaml::from_value(y).map_err(|e| {
                    (
                        Some(col::PATCH),
                        format!("cannot read the break windows: {e}; expected a list such as [{{start: \"12:00\", end: \"13:00\"}}]"),
                    )
                })?,
            };
            Event::DayStatusSet { account, date, status: DayStatus { available, breaks }, actor: admin_or()? }
        }
        Some(ev::HOLIDAY_SET) => {
            let date = v.need(col::DATE, name, "a date", date_cell(v))?;
            let what = v.need(
                col::VALUE,
                name,
                "holiday, hours or clear",
                v.keyword(col::VALUE, name, &["holiday", "hours", "clear"]),
            )?;
            let day = match what {
                "holiday" => Some(DayOverride::Holiday),
                "clear" => None,
                _ => {
                    let y = v.need(col::PATCH, name, "the hours (patch)", v.yaml(col::PATCH))?;
                    let h: DayHours = serde_yaml::from_value(y)
                        .map_err(|e| (Some(col::PATCH), format!("cannot read the hours: {e}")))?;
                    Some(DayOverride::Hours(h))
                }
            };
            Event::HolidaySet { date, day }
        }
        Some(ev::ACCOUNT_CHANGE) => {
            let account = account()?;
            let y = v.need(col::PATCH, name, "a patch of account fields", v.yaml(col::PATCH))?;
            Event::AccountChange { account, patch: account_patch(&y, names)? }
        }
        Some(ev::SETTINGS_CHANGED) => {
            let y = v.need(col::PATCH, name, "a patch of settings", v.yaml(col::PATCH))?;
            let replace = v.keyword(col::VALUE, name, &["replace", "merge"])? == Some("replace");
            let settings = if replace {
                serde_yaml::from_value::<Settings>(y)
                    .map_err(|e| (Some(col::PATCH), format!("invalid settings: {e}")))?
            } else {
                if !y.is_mapping() {
                    return err(col::PATCH, "the settings patch must be a mapping of §3 keys");
                }
                let s = crate::sim::workload::merge_settings(&names.settings, &y).map_err(|e| (Some(col::PATCH), e))?;
                extra.settings_patch = Some(Box::new(y));
                s
            };
            Event::SettingsChanged(Box::new(settings))
        }
        _ => {
            return err(col::EVENT, format!("unknown event `{raw}`: expected one of {}", EVENT_NAMES.join(", ")));
        }
    };
    // A column the event does not use must be empty: a value there is a sign of a misplaced cell.
    // Only the batch's columns that hold any value are looked at.
    let used = kind.map(|k| USED[k]).unwrap_or(0);
    let mut check = v.live & !used & CHECKED;
    while check != 0 {
        let c = check.trailing_zeros() as usize;
        check &= check - 1;
        if v.present(c) {
            return err(c, format!("{name} does not use this column; leave it empty"));
        }
    }
    Ok((event, extra))
}

fn date_cell(v: &RowView<'_>) -> Result<Option<crate::engine::Date>, CellError> {
    match v.text(col::DATE) {
        None => Ok(None),
        Some(s) => parse_date(s).map(Some).map_err(|m| (Some(col::DATE), m)),
    }
}

/// Columns that must be empty when their event does not use them (all but at, event, rejected,
/// after_timers).
const CHECKED: u16 = ((1 << col::REJECTED) - 1) & !((1 << col::AT) | (1 << col::EVENT));

/// [`used_columns`] of each event, as bit masks, by event index.
static USED: std::sync::LazyLock<[u16; EVENT_NAMES.len()]> = std::sync::LazyLock::new(|| {
    let mut m = [0u16; EVENT_NAMES.len()];
    for (i, name) in EVENT_NAMES.iter().enumerate() {
        for c in used_columns(name) {
            m[i] |= 1 << c;
        }
    }
    m
});

/// The columns each event reads (besides at, event, rejected, after_timers).
fn used_columns(name: &str) -> &'static [usize] {
    use col::*;
    match name {
        "room_created" => &[ROOM, CUSTOMER, CHANNEL, CATEGORY, PROFILE],
        "customer_message" | "customer_close" => &[ROOM],
        "connect_request" => &[ROOM, CATEGORY, PROFILE],
        "hotkey_reclick" => &[ROOM, PROFILE],
        "agent_login" | "agent_logout" | "break_start" | "break_end" | "meal_start" | "meal_end" => &[ACCOUNT],
        "agent_message" | "agent_close" | "hold_set" | "hold_release" => &[ROOM, ACCOUNT],
        "agent_pick" => &[ACCOUNT, ROOMS, ROOM],
        "transfer" | "manager_assign" => &[ROOM, TO, ACTOR],
        "auto_reply_set" => &[ACCOUNT, VALUE],
        "manager_close" => &[ROOM, ACTOR],
        "manager_block" => &[ROOM, CUSTOMER, ACTOR],
        "unblock" => &[CUSTOMER, ACTOR],
        "category_change" => &[ROOMS, ROOM, CATEGORY, ACTOR],
        "customer_info_change" => &[CUSTOMER, PROFILE, ACTOR],
        "day_status_set" => &[ACCOUNT, DATE, VALUE, PATCH, ACTOR],
        "holiday_set" => &[DATE, VALUE, PATCH],
        "account_change" => &[ACCOUNT, PATCH],
        "settings_changed" => &[PATCH, VALUE],
        _ => &[],
    }
}

fn account_patch(y: &serde_yaml::Value, names: &Names) -> Result<AccountPatch, CellError> {
    let bad = |m: String| (Some(col::PATCH), m);
    let Some(m) = y.as_mapping() else {
        return Err(bad(
            "the account patch must be a mapping (name, role, consults, auth, responsible_manager, capacity)".into(),
        ));
    };
    let mut p = AccountPatch::default();
    for (k, val) in m {
        let key = k.as_str().unwrap_or_default();
        match key {
            "name" => p.name = Some(val.as_str().ok_or_else(|| bad("`name` must be text".into()))?.to_string()),
            "role" => {
                p.role = Some(
                    serde_yaml::from_value::<Role>(val.clone())
                        .map_err(|_| bad("`role` must be admin, manager or agent".into()))?,
                )
            }
            "consults" => {
                p.consults = Some(val.as_bool().ok_or_else(|| bad("`consults` must be true or false".into()))?)
            }
            "auth" => {
                p.auth = Some(
                    serde_yaml::from_value::<Auth>(val.clone())
                        .map_err(|_| bad("`auth` must be active, revoked or deleted".into()))?,
                )
            }
            "responsible_manager" => {
                let s = val.as_str().ok_or_else(|| bad("`responsible_manager` must be an account id".into()))?;
                let a = names
                    .account_ix
                    .get(s)
                    .ok_or_else(|| bad(format!("unknown account `{s}` in responsible_manager")))?;
                p.responsible_manager = Some(*a);
            }
            "capacity" => {
                p.max_override = Some(if val.is_null() {
                    None
                } else {
                    Some(
                        val.as_u64()
                            .and_then(|n| u32::try_from(n).ok())
                            .ok_or_else(|| bad("`capacity` must be a whole number or null".into()))?,
                    )
                })
            }
            other => {
                return Err(bad(format!(
                    "unknown account field `{other}`: expected name, role, consults, auth, responsible_manager or capacity"
                )));
            }
        }
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_survive_the_json_patch() {
        let s = Settings::default();
        let text = serde_json::to_string(&s).unwrap();
        let back: Settings = serde_yaml::from_str(&text).unwrap();
        assert_eq!(s, back);
    }
}
