//! Company working time and the per-account availability calendar (§5, rules H1–H9).
//!
//! * [`WorkingHours`] holds the weekly hours of the three day types (H1, X2; default OPEN-05:
//!   weekdays 09:00–18:00, Saturday and Sunday off).
//! * [`Calendar`] adds the company day overrides (E5: full-day holidays and changed hours) and the
//!   collective meal window (X5, H6, OPEN-07) and answers "is `t` working time?" (H3) and "where
//!   does the current working period start and end?" (H8, SIM3 calendar timers).
//! * [`AccountDays`] is one account's day schedule (E4, H4): unavailable dates and break windows,
//!   which make the account unavailable whatever the break-intake setting says (H9).
//!
//! Conventions every function here follows:
//! * Every window is half-open, `[start, end)` (OPEN-84): on a 09:00–18:00 day 09:00:00 is working
//!   time and 18:00:00 is not. A date covers `[D 00:00:00, D+1 00:00:00)`.
//! * An overnight window (`end_next_day`) belongs to the date it starts on; its part after midnight
//!   is the *spill-over* into the next date (H2). A spill-over that meets the next date's own window
//!   merges with it (OPEN-29, union).
//! * A full-day holiday on D makes every instant of D non-working: D's own window, D's spill-over
//!   into D+1, and the previous date's spill-over into D are all cancelled (H3, OPEN-30). Changed
//!   hours replace the date's weekly window (E5) and leave the previous date's spill-over alone.
//! * A working period is a maximal continuous stretch of working time (H8): consecutive all-day
//!   dates and overnight spill-overs form one period, so [`Calendar::working_span`] gives
//!   `period_start` as its `from`.
//!
//! The engine is pure (D5): nothing here reads a clock, allocates on the hot paths
//! ([`Calendar::is_working`], [`Calendar::in_meal`], [`AccountDays::blocked`]) or panics on odd
//! input (negative or extreme times, dates far away, hand-built windows that parsing would reject):
//! day arithmetic runs on `i64` day numbers with saturating time arithmetic, and malformed windows
//! are read as empty or clipped to 24 h.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use chrono::Weekday;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::time::{DAY, Date, Time, TimeOfDay};

/// How far working/meal spans are searched in each direction (the `working_span` contract):
/// beyond it a span ends at the bound, which callers treat as "no boundary in sight".
const SEARCH_DAYS: i64 = 400;

// ---------------------------------------------------------------------------------------------
// Day arithmetic on i64 day numbers (never overflows, unlike `Date(i32)` at its extremes).
// ---------------------------------------------------------------------------------------------

/// Day number (days since 1970-01-01) of instant `t` (D2).
#[inline]
fn day_of(t: Time) -> i64 {
    t.div_euclid(DAY)
}

/// Seconds since midnight of instant `t`, in `0..DAY`.
#[inline]
fn second_of_day(t: Time) -> i64 {
    t.rem_euclid(DAY)
}

/// The `Date` of a day number, if it fits `Date`'s range (no override can exist otherwise).
#[inline]
fn date_of_day(day: i64) -> Option<Date> {
    i32::try_from(day).ok().map(Date)
}

/// Index into the weekly table: 0 weekday (Mon–Fri), 1 Saturday, 2 Sunday (H1).
#[inline]
fn day_type(day: i64) -> usize {
    // The weekday depends only on the day number modulo 7, and `rem_euclid(7)` is in 0..7, so
    // the cast is exact and `Date::weekday` gives the same answer as for the full day number.
    match Date(day.rem_euclid(7) as i32).weekday() {
        Weekday::Sat => 1,
        Weekday::Sun => 2,
        _ => 0,
    }
}

// ---------------------------------------------------------------------------------------------
// DayHours (X2, H1)
// ---------------------------------------------------------------------------------------------

/// One day type's hours (X2, H1).
///
/// YAML: `off` | `{all_day: true}` | `{start: "09:00", end: "18:00", end_next_day: false}`
/// (`end_next_day` optional, default false). A window is half-open `[start, end)` (OPEN-84); with
/// `end_next_day` the end is on the next date and `end <= start` (H2; `end == start` is a 24-hour
/// window).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayHours {
    /// 휴무: no working time of its own.
    Off,
    /// 하루종일: the whole date, `[00:00, next 00:00)`.
    AllDay,
    /// `[start, end)`, with `end` on the next date when `end_next_day` (익일).
    Window {
        /// First working instant.
        start: TimeOfDay,
        /// First non-working instant (24:00 allowed without `end_next_day`).
        end: TimeOfDay,
        /// The end is on the next date (H2).
        end_next_day: bool,
    },
}

impl DayHours {
    /// The working interval in seconds from the date's midnight, `[a, b)` with `0 <= a < DAY` and
    /// `a < b <= a + DAY` (b > DAY means a spill-over into the next date, H2); `None` when off.
    ///
    /// Parsing rejects malformed windows; a hand-built one is read leniently so nothing panics:
    /// a start at or after 24:00 or a same-day end not after the start is empty, an end past 24:00
    /// is clipped to 24:00, and an overnight end after the start is clipped to 24 h.
    #[inline]
    fn interval(self) -> Option<(i64, i64)> {
        match self {
            DayHours::Off => None,
            DayHours::AllDay => Some((0, DAY)),
            DayHours::Window { start, end, end_next_day } => {
                let (s, e) = (start.secs(), end.secs().min(DAY));
                if s >= DAY {
                    None
                } else if end_next_day {
                    Some((s, DAY + e.min(s)))
                } else if e > s {
                    Some((s, e))
                } else {
                    None
                }
            }
        }
    }

    /// Parse-time validation of a window (X2, H1, H2), with a hint on how to write it right.
    fn check_window(start: TimeOfDay, end: TimeOfDay, end_next_day: bool) -> Result<DayHours, String> {
        if start.secs() >= DAY {
            return Err(format!(
                "invalid working hours: start {start} is not a time of day; expected a start from 00:00 \
                 to 23:59:59 (a window starting at midnight starts at 00:00)"
            ));
        }
        if end_next_day {
            if end > start {
                return Err(format!(
                    "invalid working hours {start}–next-day {end}: with `end_next_day: true` the end must \
                     be at or before the start ({start}), otherwise the window would be longer than 24 h; \
                     expected for example `{{start: \"22:00\", end: \"06:00\", end_next_day: true}}`; if the \
                     window ends on the same day, remove `end_next_day`"
                ));
            }
        } else if end <= start {
            return Err(format!(
                "invalid working hours {start}–{end}: expected start < end on the same day (end may be \
                 24:00); for a window that runs past midnight add `end_next_day: true` (for example \
                 `{{start: \"22:00\", end: \"06:00\", end_next_day: true}}`), for the whole day write \
                 `{{all_day: true}}`"
            ));
        }
        Ok(DayHours::Window { start, end, end_next_day })
    }
}

/// The keys a day-hours map may have.
const DAY_HOURS_KEYS: &str = "`all_day`, `start`, `end`, `end_next_day`";
/// What a day-hours value may be, for error messages.
const DAY_HOURS_EXPECTED: &str = "`off`, `{all_day: true}` or `{start: HH:MM, end: HH:MM}` \
     (add `end_next_day: true` when the end is on the next day)";

impl<'de> Deserialize<'de> for DayHours {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DayHours;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "working hours for a day type: {DAY_HOURS_EXPECTED}")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<DayHours, E> {
                let t = v.trim();
                if t.eq_ignore_ascii_case("off") {
                    return Ok(DayHours::Off);
                }
                let hint = match t.to_ascii_lowercase().as_str() {
                    "all_day" | "all day" | "allday" | "24h" | "on" | "work" => {
                        "; for a working day of 24 h write `{all_day: true}`"
                    }
                    _ => "",
                };
                Err(E::custom(format!("invalid working hours `{v}`: expected {DAY_HOURS_EXPECTED}{hint}")))
            }

            fn visit_bool<E: de::Error>(self, v: bool) -> Result<DayHours, E> {
                Err(E::custom(format!(
                    "invalid working hours `{v}`: expected {DAY_HOURS_EXPECTED}; a non-working day is written `off`"
                )))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DayHours, A::Error> {
                let mut all_day: Option<bool> = None;
                let mut start: Option<TimeOfDay> = None;
                let mut end: Option<TimeOfDay> = None;
                let mut end_next_day: Option<bool> = None;
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    match key.as_ref() {
                        "all_day" => {
                            if all_day.is_some() {
                                return Err(de::Error::duplicate_field("all_day"));
                            }
                            all_day = Some(map.next_value()?);
                        }
                        "start" => {
                            if start.is_some() {
                                return Err(de::Error::duplicate_field("start"));
                            }
                            start = Some(map.next_value()?);
                        }
                        "end" => {
                            if end.is_some() {
                                return Err(de::Error::duplicate_field("end"));
                            }
                            end = Some(map.next_value()?);
                        }
                        "end_next_day" => {
                            if end_next_day.is_some() {
                                return Err(de::Error::duplicate_field("end_next_day"));
                            }
                            end_next_day = Some(map.next_value()?);
                        }
                        other => {
                            return Err(de::Error::custom(format!(
                                "unknown key `{other}` in working hours: allowed keys are {DAY_HOURS_KEYS}; \
                                 expected {DAY_HOURS_EXPECTED}"
                            )));
                        }
                    }
                }
                match all_day {
                    Some(false) => Err(de::Error::custom(
                        "invalid working hours `{all_day: false}`: expected `{all_day: true}` for a 24-hour \
                         working day; for a non-working day write `off`",
                    )),
                    Some(true) if start.is_some() || end.is_some() || end_next_day.is_some() => Err(de::Error::custom(
                        "invalid working hours: `all_day: true` cannot be combined with `start`, `end` or \
                             `end_next_day`; expected either `{all_day: true}` or `{start: HH:MM, end: HH:MM}`",
                    )),
                    Some(true) => Ok(DayHours::AllDay),
                    None => match (start, end) {
                        (Some(s), Some(e)) => {
                            DayHours::check_window(s, e, end_next_day.unwrap_or(false)).map_err(de::Error::custom)
                        }
                        (s, _) => {
                            let missing = if s.is_none() { "start" } else { "end" };
                            Err(de::Error::custom(format!(
                                "invalid working hours: missing `{missing}`; a window needs both `start` and \
                                 `end`, for example `{{start: \"09:00\", end: \"18:00\"}}`; expected {DAY_HOURS_EXPECTED}"
                            )))
                        }
                    },
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for DayHours {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            DayHours::Off => s.serialize_str("off"),
            DayHours::AllDay => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("all_day", &true)?;
                m.end()
            }
            DayHours::Window { start, end, end_next_day } => {
                let mut m = s.serialize_map(Some(if end_next_day { 3 } else { 2 }))?;
                m.serialize_entry("start", &start)?;
                m.serialize_entry("end", &end)?;
                if end_next_day {
                    m.serialize_entry("end_next_day", &true)?;
                }
                m.end()
            }
        }
    }
}

impl JsonSchema for DayHours {
    fn schema_name() -> Cow<'static, str> {
        "DayHours".into()
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let tod = g.subschema_for::<TimeOfDay>();
        // `json_schema!` unwraps the conversion of a JSON *object* literal into a `Schema`, which
        // cannot fail for an object.
        schemars::json_schema!({
            "description": "Working hours of one day type (X2, H1): `off`, `{all_day: true}`, or a half-open window [start, end); with `end_next_day: true` the end is on the next day and at or before the start (H2).",
            "oneOf": [
                { "type": "string", "const": "off", "description": "Not a working day." },
                {
                    "type": "object",
                    "properties": { "all_day": { "const": true } },
                    "required": ["all_day"],
                    "additionalProperties": false,
                    "description": "Working all day, 00:00 to next 00:00."
                },
                {
                    "type": "object",
                    "properties": {
                        "start": tod,
                        "end": tod,
                        "end_next_day": { "type": "boolean", "default": false }
                    },
                    "required": ["start", "end"],
                    "additionalProperties": false,
                    "description": "Working from start (included) to end (excluded)."
                }
            ]
        })
    }
}

// ---------------------------------------------------------------------------------------------
// WorkingHours (X2), DayOverride (E5), TimeWindow (OPEN-84)
// ---------------------------------------------------------------------------------------------

/// Weekly working hours (X2, H1). The default is OPEN-05: weekdays 09:00–18:00, Saturday and
/// Sunday off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct WorkingHours {
    /// Monday to Friday.
    pub weekday: DayHours,
    /// Saturday.
    pub saturday: DayHours,
    /// Sunday.
    pub sunday: DayHours,
}

impl Default for WorkingHours {
    fn default() -> Self {
        WorkingHours {
            weekday: DayHours::Window { start: TimeOfDay::hm(9, 0), end: TimeOfDay::hm(18, 0), end_next_day: false },
            saturday: DayHours::Off,
            sunday: DayHours::Off,
        }
    }
}

impl WorkingHours {
    /// The normalised weekly intervals, indexed by [`day_type`].
    fn intervals(&self) -> [Option<(i64, i64)>; 3] {
        [self.weekday.interval(), self.saturday.interval(), self.sunday.interval()]
    }
}

/// E5: a company day override for one date: a full-day holiday (휴무일), or changed hours
/// replacing that date's weekly window (which may be off, all day or an overnight window).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayOverride {
    /// Every instant of the date is non-working, the previous date's spill-over included (H3, OPEN-30).
    Holiday,
    /// Replaces the date's weekly window (E5, H3).
    Hours(DayHours),
}

/// A same-day half-open window `[start, end)` (OPEN-84), `start < end`; YAML
/// `{start: "12:00", end: "13:00"}`. Used for the collective meal window (X5, H6) and the break
/// windows of a day schedule (E4, H4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "TimeWindowRaw")]
pub struct TimeWindow {
    /// First instant inside the window.
    pub start: TimeOfDay,
    /// First instant after the window (24:00 allowed).
    pub end: TimeOfDay,
}

/// The unvalidated form of a [`TimeWindow`] as it is written. serde reads a `TimeWindow` through
/// it, so schemars publishes this struct's schema, under the name `TimeWindow`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "TimeWindow")]
struct TimeWindowRaw {
    /// First instant inside the window.
    start: TimeOfDay,
    /// First instant after the window (24:00 allowed).
    end: TimeOfDay,
}

impl TryFrom<TimeWindowRaw> for TimeWindow {
    type Error = String;

    fn try_from(r: TimeWindowRaw) -> Result<TimeWindow, String> {
        if r.start < r.end {
            Ok(TimeWindow { start: r.start, end: r.end })
        } else {
            Err(format!(
                "invalid time window {}–{}: expected start < end on the same day, for example \
                 `{{start: \"12:00\", end: \"13:00\"}}` (the window is [start, end); it cannot run past \
                 midnight, the latest end is 24:00)",
                r.start, r.end
            ))
        }
    }
}

impl TimeWindow {
    /// `[a, b)` in seconds from midnight, `0 <= a < b <= DAY`; `None` for a hand-built empty or
    /// inverted window (parsing rejects those), so it never matches anything.
    #[inline]
    fn interval(self) -> Option<(i64, i64)> {
        let (a, b) = (self.start.secs(), self.end.secs().min(DAY));
        (a < b).then_some((a, b))
    }

    /// Whether second-of-day `s` lies in `[start, end)` (OPEN-84).
    #[inline]
    fn contains_second(self, s: i64) -> bool {
        matches!(self.interval(), Some((a, b)) if a <= s && s < b)
    }
}

/// A stretch of time around an instant on which a predicate is constant: `value` holds on
/// `[from, until)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// The predicate's value on the whole stretch.
    pub value: bool,
    /// First instant of the stretch (for working time: the period start, H8).
    pub from: Time,
    /// First instant after the stretch.
    pub until: Time,
}

// ---------------------------------------------------------------------------------------------
// Per-day segments and the generic span search
// ---------------------------------------------------------------------------------------------

/// Where a predicate holds within one date: at most two sorted, disjoint, non-touching
/// half-open intervals in seconds from midnight, inside `[0, DAY]`.
#[derive(Debug, Clone, Copy, Default)]
struct Segs {
    iv: [(i64, i64); 2],
    len: usize,
}

impl Segs {
    /// One interval, or none when it is empty.
    fn one(iv: Option<(i64, i64)>) -> Segs {
        let mut s = Segs::default();
        if let Some((a, b)) = iv
            && a < b
        {
            s.iv[0] = (a, b);
            s.len = 1;
        }
        s
    }

    /// A spill-over `[0, p)` and the date's own window `[a, b)` (clipped to the date), merged when
    /// they meet (OPEN-29).
    fn spill_and_own(p: i64, own: Option<(i64, i64)>) -> Segs {
        let own = own.map(|(a, b)| (a, b.min(DAY))).filter(|&(a, b)| a < b);
        match (p > 0, own) {
            (false, own) => Segs::one(own),
            (true, None) => Segs::one(Some((0, p))),
            (true, Some((a, b))) if a <= p => Segs::one(Some((0, p.max(b)))),
            (true, Some(o)) => Segs { iv: [(0, p), o], len: 2 },
        }
    }

    fn as_slice(&self) -> &[(i64, i64)] {
        &self.iv[..self.len]
    }

    fn contains(&self, x: i64) -> bool {
        self.as_slice().iter().any(|&(a, b)| a <= x && x < b)
    }

    /// The first second `y` in `(x, DAY)` at which the predicate stops being `value`, if any.
    fn next_change(&self, x: i64, value: bool) -> Option<i64> {
        let segs = self.as_slice();
        if value {
            segs.iter().find(|&&(a, b)| a <= x && x < b).map(|&(_, b)| b).filter(|&b| b < DAY)
        } else {
            segs.iter().find(|&&(a, _)| a > x).map(|&(a, _)| a)
        }
    }

    /// The least second `y` in `(0, x]` such that the predicate is `value` on all of `[y, x]`,
    /// when the stretch does not reach back to midnight.
    fn prev_change(&self, x: i64, value: bool) -> Option<i64> {
        let segs = self.as_slice();
        if value {
            segs.iter().find(|&&(a, b)| a <= x && x < b).map(|&(a, _)| a).filter(|&a| a > 0)
        } else {
            segs.iter().rev().find(|&&(_, b)| b <= x).map(|&(_, b)| b)
        }
    }
}

/// The maximal stretch around `t` on which the predicate described day by day by `segs` is
/// constant, searched at most [`SEARCH_DAYS`] each way; a stretch reaching the bound ends there.
fn span_by_days(t: Time, segs: impl Fn(i64) -> Segs) -> Span {
    let lo = t.saturating_sub(SEARCH_DAYS * DAY);
    let hi = t.saturating_add(SEARCH_DAYS * DAY);
    let day0 = day_of(t);
    let x0 = second_of_day(t);
    let segs0 = segs(day0);
    let value = segs0.contains(x0);
    // The instant at second `y` of day `day`, computed from `t` so that it stays exact wherever it
    // is representable (`day - day0` is within ±401, so the offset cannot overflow).
    let instant = |day: i64, y: i64| t.saturating_add((day - day0) * DAY + (y - x0));

    // Forward: the first instant after t where the value changes.
    let until = {
        let (mut day, mut x, mut cur) = (day0, x0, segs0);
        loop {
            if let Some(y) = cur.next_change(x, value) {
                break instant(day, y).min(hi);
            }
            day += 1;
            let ds = instant(day, 0);
            if ds >= hi {
                break hi;
            }
            cur = segs(day);
            if cur.contains(0) != value {
                break ds;
            }
            x = 0;
        }
    };

    // Backward: the first instant of the stretch that contains t.
    let from = {
        let (mut day, mut x, mut cur) = (day0, x0, segs0);
        loop {
            if let Some(y) = cur.prev_change(x, value) {
                break instant(day, y).max(lo);
            }
            let ds = instant(day, 0);
            if ds <= lo {
                break lo;
            }
            day -= 1;
            cur = segs(day);
            if cur.contains(DAY - 1) != value {
                break ds;
            }
            x = DAY - 1;
        }
    };

    Span { value, from, until }
}

// ---------------------------------------------------------------------------------------------
// Calendar (H1–H3, H6, H8)
// ---------------------------------------------------------------------------------------------

/// Company working time (H1–H3, H6, H8): weekly hours, day overrides (E5) and the collective meal
/// window (X5).
#[derive(Debug, Clone)]
pub struct Calendar {
    hours: WorkingHours,
    /// `hours` normalised (cache; kept in step by `new` and `set_hours`).
    week: [Option<(i64, i64)>; 3],
    overrides: BTreeMap<Date, DayOverride>,
    meal: Option<TimeWindow>,
}

impl Calendar {
    /// A calendar with the given weekly hours and collective meal window, and no overrides.
    pub fn new(hours: WorkingHours, meal: Option<TimeWindow>) -> Calendar {
        let week = hours.intervals();
        Calendar { hours, week, overrides: BTreeMap::new(), meal }
    }

    /// The weekly hours (X2).
    pub fn hours(&self) -> &WorkingHours {
        &self.hours
    }

    /// Replaces the weekly hours (X2 changed by `SettingsChanged`).
    pub fn set_hours(&mut self, hours: WorkingHours) {
        self.week = hours.intervals();
        self.hours = hours;
    }

    /// The collective meal window (X5).
    pub fn meal(&self) -> Option<TimeWindow> {
        self.meal
    }

    /// Replaces the collective meal window (X5).
    pub fn set_meal(&mut self, meal: Option<TimeWindow>) {
        self.meal = meal;
    }

    /// Sets (`Some`) or removes (`None`) the override of one date (E5, `HolidaySet`).
    pub fn set_override(&mut self, date: Date, ov: Option<DayOverride>) {
        match ov {
            Some(o) => {
                self.overrides.insert(date, o);
            }
            None => {
                self.overrides.remove(&date);
            }
        }
    }

    /// The override of one date, if any (E5).
    pub fn override_on(&self, date: Date) -> Option<DayOverride> {
        self.overrides.get(&date).copied()
    }

    /// The overrides of the day before `day` and of `day`, in one tree search.
    #[inline]
    fn overrides_around(&self, day: i64) -> (Option<DayOverride>, Option<DayOverride>) {
        if self.overrides.is_empty() {
            return (None, None);
        }
        match (date_of_day(day - 1), date_of_day(day)) {
            (Some(p), Some(d)) => {
                let (mut prev, mut cur) = (None, None);
                for (k, v) in self.overrides.range(p..=d) {
                    if *k == p {
                        prev = Some(*v);
                    } else {
                        cur = Some(*v);
                    }
                }
                (prev, cur)
            }
            (None, Some(d)) => (None, self.override_on(d)),
            (Some(p), None) => (self.override_on(p), None),
            (None, None) => (None, None),
        }
    }

    /// The override of one day number (none outside `Date`'s range).
    #[inline]
    fn override_of_day(&self, day: i64) -> Option<DayOverride> {
        if self.overrides.is_empty() {
            return None;
        }
        date_of_day(day).and_then(|d| self.override_on(d))
    }

    /// A date's own window after its override (E5, H3): `[a, b)` from its midnight, `b > DAY` for
    /// a spill-over (H2); `None` when off or a holiday.
    #[inline]
    fn own_window(&self, day: i64, ov: Option<DayOverride>) -> Option<(i64, i64)> {
        match ov {
            Some(DayOverride::Holiday) => None,
            Some(DayOverride::Hours(h)) => h.interval(),
            None => self.week[day_type(day)],
        }
    }

    /// Where working time lies within day `day` (H2, H3, OPEN-29, OPEN-30).
    fn working_segs(&self, day: i64) -> Segs {
        let (ov_prev, ov_day) = self.overrides_around(day);
        if ov_day == Some(DayOverride::Holiday) {
            return Segs::default(); // OPEN-30: the whole date, spill-over included
        }
        let spill = self.own_window(day - 1, ov_prev).map_or(0, |(_, b)| b - DAY);
        Segs::spill_and_own(spill, self.own_window(day, ov_day))
    }

    /// H3: `t` is working time — inside its own date's window or the previous date's spill-over,
    /// after overrides; never on a holiday (OPEN-30). Half-open (OPEN-84).
    pub fn is_working(&self, t: Time) -> bool {
        let day = day_of(t);
        let s = second_of_day(t);
        let (ov_prev, ov_day) = self.overrides_around(day);
        if ov_day == Some(DayOverride::Holiday) {
            return false;
        }
        if let Some((a, b)) = self.own_window(day, ov_day)
            && a <= s
            && s < b
        {
            return true;
        }
        // H2: the previous date's window running past midnight; `b - DAY` is its end on this date.
        matches!(self.own_window(day - 1, ov_prev), Some((_, b)) if s < b - DAY)
    }

    /// The maximal stretch around `t` on which [`Calendar::is_working`] is constant. When working,
    /// `from` is the working period start (H8: consecutive all-day dates and overnight spill-overs
    /// merge into one period; OPEN-29 union). Searched at most 400 days back and forward; beyond
    /// that `from = t - 400 days` or `until = t + 400 days` ("no boundary in sight").
    pub fn working_span(&self, t: Time) -> Span {
        span_by_days(t, |day| self.working_segs(day))
    }

    /// Whether day `day` has working time of its own (H6, OPEN-07).
    #[inline]
    fn is_working_day(&self, day: i64) -> bool {
        self.own_window(day, self.override_of_day(day)).is_some()
    }

    /// H6: `t` is inside the collective meal window `[start, end)` (OPEN-84) on a working date
    /// (OPEN-07). False when no meal window is set.
    pub fn in_meal(&self, t: Time) -> bool {
        match self.meal {
            // The window test is cheap; the override lookup runs only inside the window.
            Some(w) if w.contains_second(second_of_day(t)) => self.is_working_day(day_of(t)),
            _ => false,
        }
    }

    /// The stretch around `t` on which [`Calendar::in_meal`] is constant (same 400-day bounds as
    /// [`Calendar::working_span`]).
    pub fn meal_span(&self, t: Time) -> Span {
        let Some(w) = self.meal.and_then(TimeWindow::interval) else {
            return Span {
                value: false,
                from: t.saturating_sub(SEARCH_DAYS * DAY),
                until: t.saturating_add(SEARCH_DAYS * DAY),
            };
        };
        span_by_days(t, |day| if self.is_working_day(day) { Segs::one(Some(w)) } else { Segs::default() })
    }

    /// Whether date `d` has working time of its own: its weekly window after overrides is not
    /// off and it is not a holiday (H6, OPEN-07). A spill-over from the previous date alone does
    /// not make `d` a working date.
    pub fn is_working_date(&self, d: Date) -> bool {
        self.own_window(i64::from(d.0), self.override_on(d)).is_some()
    }
}

// ---------------------------------------------------------------------------------------------
// Per-account day schedule (E4, H4, H9)
// ---------------------------------------------------------------------------------------------

/// E4/H4: one account's status for one date: available (default true) and break windows on that
/// date (each half-open, OPEN-84).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct DayStatus {
    /// 상담가능 (true) / 상담불가 (false) for the whole date.
    pub available: bool,
    /// 휴식시간: windows on this date in which the account is unavailable (H9).
    pub breaks: Vec<TimeWindow>,
}

impl Default for DayStatus {
    /// H4 defaults: available, no break windows.
    fn default() -> Self {
        DayStatus { available: true, breaks: Vec::new() }
    }
}

/// H4: one account's day schedule; dates with no entry are available with no breaks.
#[derive(Debug, Clone, Default)]
pub struct AccountDays {
    days: BTreeMap<Date, DayStatus>,
}

impl AccountDays {
    /// Sets the status of one date (`DayStatusSet`, H4).
    pub fn set(&mut self, date: Date, status: DayStatus) {
        self.days.insert(date, status);
    }

    /// The status set for one date, if any.
    pub fn get(&self, date: Date) -> Option<&DayStatus> {
        self.days.get(&date)
    }

    /// The status of the date of `t`.
    #[inline]
    fn status_at(&self, t: Time) -> Option<&DayStatus> {
        if self.days.is_empty() {
            return None;
        }
        date_of_day(day_of(t)).and_then(|d| self.days.get(&d))
    }

    /// `t` falls on a date set unavailable, or inside one of that date's break windows
    /// (H4, H9; half-open, OPEN-84).
    pub fn blocked(&self, t: Time) -> bool {
        match self.status_at(t) {
            None => false,
            Some(st) if !st.available => true,
            Some(st) => {
                let s = second_of_day(t);
                st.breaks.iter().any(|w| w.contains_second(s))
            }
        }
    }

    /// The stretch around `t` on which [`AccountDays::blocked`] is constant, bounded to the date
    /// of `t` (`from >= date start`, `until <= next date start`; callers re-evaluate at midnight).
    /// Overlapping or touching break windows merge.
    pub fn blocked_span(&self, t: Time) -> Span {
        let s = second_of_day(t);
        // Date bounds computed from `t` (exact wherever representable, saturating at the extremes).
        let (ds, de) = (t.saturating_sub(s), t.saturating_add(DAY - s));
        let whole = |value| Span { value, from: ds, until: de };
        let Some(st) = self.status_at(t) else {
            return whole(false);
        };
        if !st.available {
            return whole(true);
        }
        let ivs = || st.breaks.iter().filter_map(|w| w.interval());
        let value = ivs().any(|(a, b)| a <= s && s < b);
        let (from, until) = if value {
            // Grow [from, until) over every window that overlaps or touches it until stable;
            // break lists are short, so the quadratic worst case does not matter.
            let (mut from, mut until) = (s, s + 1);
            loop {
                let mut grew = false;
                for (a, b) in ivs() {
                    if a <= until && b >= from && (a < from || b > until) {
                        from = from.min(a);
                        until = until.max(b);
                        grew = true;
                    }
                }
                if !grew {
                    break (from, until);
                }
            }
        } else {
            // s is in no window: every window lies wholly before or wholly after it.
            let from = ivs().map(|(_, b)| b).filter(|&b| b <= s).max().unwrap_or(0);
            let until = ivs().map(|(a, _)| a).filter(|&a| a > s).min().unwrap_or(DAY);
            (from, until)
        };
        Span { value, from: t.saturating_add(from - s), until: t.saturating_add(until - s).min(de) }
    }
}

#[cfg(test)]
mod tests {
    use super::super::time::{HOUR, MINUTE};
    use super::*;
    use chrono::NaiveDate;

    // 2026-11-23 is a Monday; the week runs to Sunday 2026-11-29.
    fn date(y: i32, m: u32, d: u32) -> Date {
        Date::from_naive(NaiveDate::from_ymd_opt(y, m, d).unwrap())
    }
    fn nov(d: u32) -> Date {
        date(2026, 11, d)
    }
    fn at(d: Date, h: i64, m: i64, s: i64) -> Time {
        d.start() + h * HOUR + m * MINUTE + s
    }
    fn tod(s: &str) -> TimeOfDay {
        TimeOfDay::parse(s).unwrap()
    }
    fn win(start: &str, end: &str) -> DayHours {
        DayHours::Window { start: tod(start), end: tod(end), end_next_day: false }
    }
    fn night(start: &str, end: &str) -> DayHours {
        DayHours::Window { start: tod(start), end: tod(end), end_next_day: true }
    }
    fn tw(start: &str, end: &str) -> TimeWindow {
        TimeWindow { start: tod(start), end: tod(end) }
    }
    fn week(weekday: DayHours, saturday: DayHours, sunday: DayHours) -> Calendar {
        Calendar::new(WorkingHours { weekday, saturday, sunday }, None)
    }
    fn span(value: bool, from: Time, until: Time) -> Span {
        Span { value, from, until }
    }

    #[test]
    fn d2_test_week_is_monday_to_sunday() {
        assert_eq!(nov(23).weekday(), Weekday::Mon);
        assert_eq!(nov(27).weekday(), Weekday::Fri);
        assert_eq!(nov(28).weekday(), Weekday::Sat);
        assert_eq!(nov(29).weekday(), Weekday::Sun);
    }

    #[test]
    fn open05_default_hours_weekdays_nine_to_six_weekends_off() {
        let cal = Calendar::new(WorkingHours::default(), None);
        for d in 23..=27 {
            assert!(cal.is_working(at(nov(d), 12, 0, 0)), "weekday {d}");
            assert!(cal.is_working_date(nov(d)));
        }
        for d in [28, 29] {
            assert!(!cal.is_working(at(nov(d), 12, 0, 0)), "weekend {d}");
            assert!(!cal.is_working_date(nov(d)));
        }
    }

    #[test]
    fn open84_window_is_half_open() {
        let cal = Calendar::new(WorkingHours::default(), None);
        let mon = nov(23);
        assert!(!cal.is_working(at(mon, 8, 59, 59)));
        assert!(cal.is_working(at(mon, 9, 0, 0)));
        assert!(cal.is_working(at(mon, 17, 59, 59)));
        assert!(!cal.is_working(at(mon, 18, 0, 0)));
    }

    #[test]
    fn open84_window_ending_at_24_00() {
        let cal = week(win("18:00", "24:00"), DayHours::Off, DayHours::Off);
        let mon = nov(23);
        assert!(cal.is_working(at(mon, 23, 59, 59)));
        assert!(!cal.is_working(nov(24).start())); // Tuesday's own window starts at 18:00
        assert_eq!(cal.working_span(at(mon, 20, 0, 0)), span(true, at(mon, 18, 0, 0), nov(24).start()));
    }

    #[test]
    fn h1_day_type_from_date_weekday() {
        let cal = week(win("09:00", "10:00"), win("11:00", "12:00"), win("13:00", "14:00"));
        for d in 23..=27 {
            assert!(cal.is_working(at(nov(d), 9, 30, 0)));
            assert!(!cal.is_working(at(nov(d), 11, 30, 0)));
        }
        assert!(cal.is_working(at(nov(28), 11, 30, 0)) && !cal.is_working(at(nov(28), 9, 30, 0)));
        assert!(cal.is_working(at(nov(29), 13, 30, 0)) && !cal.is_working(at(nov(29), 11, 30, 0)));
    }

    #[test]
    fn h1_all_day_covers_midnight_to_midnight() {
        let cal = week(DayHours::Off, DayHours::AllDay, DayHours::Off);
        assert!(!cal.is_working(nov(28).start() - 1));
        assert!(cal.is_working(nov(28).start()));
        assert!(cal.is_working(nov(29).start() - 1));
        assert!(!cal.is_working(nov(29).start()));
    }

    #[test]
    fn h2_friday_overnight_spills_into_off_saturday() {
        let cal = week(night("10:00", "03:00"), DayHours::Off, DayHours::Off);
        let (fri, sat) = (nov(27), nov(28));
        assert!(cal.is_working(at(fri, 23, 59, 59)));
        assert!(cal.is_working(at(sat, 1, 0, 0)));
        assert!(cal.is_working(at(sat, 2, 59, 59)));
        assert!(!cal.is_working(at(sat, 3, 0, 0)));
        // The spill-over belongs to Friday: Saturday is not a working date of its own (H6).
        assert!(!cal.is_working_date(sat));
        // Sunday is off, so nothing spills into Monday.
        assert!(!cal.is_working(at(nov(30), 1, 0, 0)));
        // One period from Friday 10:00 to Saturday 03:00 (H8).
        assert_eq!(cal.working_span(at(sat, 1, 0, 0)), span(true, at(fri, 10, 0, 0), at(sat, 3, 0, 0)));
        // Thursday's spill-over into Friday is its own period, ending at 03:00.
        assert_eq!(cal.working_span(at(fri, 2, 0, 0)), span(true, at(nov(26), 10, 0, 0), at(fri, 3, 0, 0)));
        assert_eq!(cal.working_span(at(fri, 5, 0, 0)), span(false, at(fri, 3, 0, 0), at(fri, 10, 0, 0)));
    }

    #[test]
    fn h2_overnight_end_equal_to_start_is_24_hours() {
        let cal = week(DayHours::Off, DayHours::Off, DayHours::Off);
        let mut cal = cal;
        cal.set_override(nov(25), Some(DayOverride::Hours(night("10:00", "10:00"))));
        assert!(!cal.is_working(at(nov(25), 9, 59, 59)));
        assert!(cal.is_working(at(nov(25), 10, 0, 0)));
        assert!(cal.is_working(at(nov(26), 9, 59, 59)));
        assert!(!cal.is_working(at(nov(26), 10, 0, 0)));
        assert_eq!(cal.working_span(at(nov(26), 0, 0, 0)), span(true, at(nov(25), 10, 0, 0), at(nov(26), 10, 0, 0)));
    }

    #[test]
    fn open29_spill_over_overlapping_next_window_is_union() {
        // Tuesday changed to 20:00–next-day 10:00; Wednesday keeps 09:00–18:00.
        let mut cal = Calendar::new(WorkingHours::default(), None);
        let (tue, wed) = (nov(24), nov(25));
        cal.set_override(tue, Some(DayOverride::Hours(night("20:00", "10:00"))));
        let expected = span(true, at(tue, 20, 0, 0), at(wed, 18, 0, 0));
        for t in [
            at(tue, 20, 0, 0),
            at(wed, 0, 0, 0),
            at(wed, 8, 59, 59),
            at(wed, 9, 30, 0),
            at(wed, 10, 0, 0),
            at(wed, 17, 59, 59),
        ] {
            assert!(cal.is_working(t));
            assert_eq!(cal.working_span(t), expected, "at {t}");
        }
        assert!(!cal.is_working(at(wed, 18, 0, 0)));
        // Tuesday's own 09:00–18:00 is replaced.
        assert!(!cal.is_working(at(tue, 12, 0, 0)));
    }

    #[test]
    fn open29_every_weekday_overnight_window_meets_next_window() {
        // 20:00–next 10:00 every weekday: Mon 20:00 to Sat 10:00 is one period (Fri spills into Sat).
        let cal = week(night("20:00", "10:00"), DayHours::Off, DayHours::Off);
        assert!(!cal.is_working(at(nov(23), 12, 0, 0)));
        assert_eq!(cal.working_span(at(nov(25), 12, 0, 0)), span(false, at(nov(25), 10, 0, 0), at(nov(25), 20, 0, 0)));
        assert_eq!(cal.working_span(at(nov(26), 3, 0, 0)), span(true, at(nov(25), 20, 0, 0), at(nov(26), 10, 0, 0)));
    }

    #[test]
    fn h3_holiday_cancels_own_window_and_its_spill_over() {
        let mut cal = week(night("10:00", "03:00"), DayHours::Off, DayHours::Off);
        let (thu, fri, sat) = (nov(26), nov(27), nov(28));
        cal.set_override(fri, Some(DayOverride::Holiday));
        assert!(!cal.is_working(at(fri, 12, 0, 0)));
        assert!(!cal.is_working(at(sat, 1, 0, 0)), "Friday's spill-over is cancelled");
        assert!(!cal.is_working_date(fri));
        // OPEN-30: Thursday's spill-over into the holiday is cancelled too.
        assert!(cal.is_working(at(thu, 23, 59, 59)));
        assert!(!cal.is_working(at(fri, 1, 0, 0)));
        assert_eq!(cal.working_span(at(thu, 23, 0, 0)), span(true, at(thu, 10, 0, 0), fri.start()));
        // The whole holiday and the off weekend form one non-working stretch up to Monday 00:00...
        // ...where nothing spills (Sunday off), so up to Monday 10:00.
        assert_eq!(cal.working_span(at(fri, 12, 0, 0)), span(false, fri.start(), at(nov(30), 10, 0, 0)));
    }

    #[test]
    fn open30_holiday_cancels_previous_dates_spill_over() {
        let mut cal = week(night("10:00", "03:00"), DayHours::Off, DayHours::Off);
        let (fri, sat) = (nov(27), nov(28));
        cal.set_override(sat, Some(DayOverride::Holiday));
        assert!(cal.is_working(at(fri, 23, 59, 59)));
        assert!(!cal.is_working(sat.start()));
        assert!(!cal.is_working(at(sat, 1, 0, 0)));
        assert_eq!(cal.working_span(at(fri, 12, 0, 0)), span(true, at(fri, 10, 0, 0), sat.start()));
        // Removing the override restores the spill-over.
        cal.set_override(sat, None);
        assert_eq!(cal.override_on(sat), None);
        assert!(cal.is_working(at(sat, 1, 0, 0)));
    }

    #[test]
    fn h3_public_holidays_are_working_days_unless_registered() {
        // 2026-12-25 (Friday) is a public holiday, but nothing is registered.
        let cal = Calendar::new(WorkingHours::default(), None);
        assert!(cal.is_working(at(date(2026, 12, 25), 10, 0, 0)));
    }

    #[test]
    fn e5_changed_hours_replace_weekly_window() {
        let mut cal = Calendar::new(WorkingHours::default(), None);
        let (wed, sat, sun, mon) = (nov(25), nov(28), nov(29), nov(30));
        cal.set_override(wed, Some(DayOverride::Hours(win("13:00", "15:00"))));
        assert_eq!(cal.override_on(wed), Some(DayOverride::Hours(win("13:00", "15:00"))));
        assert!(!cal.is_working(at(wed, 10, 0, 0)));
        assert!(cal.is_working(at(wed, 13, 0, 0)));
        assert!(!cal.is_working(at(wed, 15, 0, 0)));
        assert_eq!(cal.working_span(at(wed, 14, 0, 0)), span(true, at(wed, 13, 0, 0), at(wed, 15, 0, 0)));
        // Off on a weekday.
        cal.set_override(wed, Some(DayOverride::Hours(DayHours::Off)));
        assert!(!cal.is_working(at(wed, 13, 0, 0)));
        assert!(!cal.is_working_date(wed));
        // All day on an off Saturday; an overnight window on Sunday spilling into Monday.
        cal.set_override(sat, Some(DayOverride::Hours(DayHours::AllDay)));
        cal.set_override(sun, Some(DayOverride::Hours(night("22:00", "06:00"))));
        assert!(cal.is_working(sat.start()));
        assert!(cal.is_working_date(sat) && cal.is_working_date(sun));
        assert!(cal.is_working(at(mon, 5, 59, 59)));
        assert!(!cal.is_working(at(mon, 6, 0, 0)));
        assert_eq!(cal.working_span(at(sat, 12, 0, 0)), span(true, sat.start(), sun.start()));
        assert_eq!(cal.working_span(at(mon, 3, 0, 0)), span(true, at(sun, 22, 0, 0), at(mon, 6, 0, 0)));
        assert_eq!(cal.working_span(at(mon, 9, 0, 0)), span(true, at(mon, 9, 0, 0), at(mon, 18, 0, 0)));
        // Changed hours on a date do not cancel the previous date's spill-over (only a holiday does).
        cal.set_override(mon, Some(DayOverride::Hours(win("12:00", "13:00"))));
        assert!(cal.is_working(at(mon, 5, 0, 0)));
        assert!(!cal.is_working(at(mon, 9, 0, 0)));
    }

    #[test]
    fn h8_nine_to_six_day_is_one_period() {
        let cal = Calendar::new(WorkingHours::default(), None);
        let (mon, fri) = (nov(23), nov(27));
        assert_eq!(cal.working_span(at(mon, 12, 0, 0)), span(true, at(mon, 9, 0, 0), at(mon, 18, 0, 0)));
        assert_eq!(cal.working_span(at(mon, 9, 0, 0)).from, at(mon, 9, 0, 0));
        assert_eq!(cal.working_span(at(mon, 18, 0, 0)), span(false, at(mon, 18, 0, 0), at(nov(24), 9, 0, 0)));
        assert_eq!(cal.working_span(at(fri, 20, 0, 0)), span(false, at(fri, 18, 0, 0), at(nov(30), 9, 0, 0)));
    }

    #[test]
    fn h8_consecutive_all_day_dates_form_one_period() {
        let cal = week(DayHours::AllDay, DayHours::Off, DayHours::Off);
        let expected = span(true, nov(23).start(), nov(28).start());
        assert_eq!(cal.working_span(at(nov(25), 12, 0, 0)), expected);
        assert_eq!(cal.working_span(nov(23).start()), expected);
        assert_eq!(cal.working_span(nov(28).start() - 1), expected);
        assert_eq!(cal.working_span(nov(28).start()), span(false, nov(28).start(), nov(30).start()));
    }

    #[test]
    fn h8_spill_over_merges_with_all_day_next_date() {
        let mut cal = Calendar::new(WorkingHours::default(), None);
        cal.set_override(nov(27), Some(DayOverride::Hours(night("20:00", "06:00"))));
        cal.set_override(nov(28), Some(DayOverride::Hours(DayHours::AllDay)));
        assert_eq!(cal.working_span(at(nov(28), 12, 0, 0)), span(true, at(nov(27), 20, 0, 0), nov(29).start()));
    }

    #[test]
    fn h8_working_span_is_bounded_at_400_days() {
        let t = at(nov(25), 12, 0, 0);
        let always = week(DayHours::AllDay, DayHours::AllDay, DayHours::AllDay);
        assert_eq!(always.working_span(t), span(true, t - 400 * DAY, t + 400 * DAY));
        let never = week(DayHours::Off, DayHours::Off, DayHours::Off);
        assert_eq!(never.working_span(t), span(false, t - 400 * DAY, t + 400 * DAY));
        // A boundary just inside the bound is found, one just outside is not.
        let mut cal = week(DayHours::Off, DayHours::Off, DayHours::Off);
        let near = Date(nov(25).0 + 399);
        cal.set_override(near, Some(DayOverride::Hours(DayHours::AllDay)));
        assert_eq!(cal.working_span(t).until, near.start());
        let mut cal = week(DayHours::Off, DayHours::Off, DayHours::Off);
        cal.set_override(Date(nov(25).0 + 401), Some(DayOverride::Hours(DayHours::AllDay)));
        assert_eq!(cal.working_span(t).until, t + 400 * DAY);
    }

    #[test]
    fn h6_meal_window_only_on_working_dates() {
        let mut cal = Calendar::new(WorkingHours::default(), Some(tw("12:00", "13:00")));
        let (mon, wed, fri, sat) = (nov(23), nov(25), nov(27), nov(28));
        assert!(!cal.in_meal(at(mon, 11, 59, 59)));
        assert!(cal.in_meal(at(mon, 12, 0, 0)));
        assert!(cal.in_meal(at(mon, 12, 59, 59)));
        assert!(!cal.in_meal(at(mon, 13, 0, 0)));
        assert!(!cal.in_meal(at(sat, 12, 30, 0)), "Saturday is off");
        cal.set_override(wed, Some(DayOverride::Holiday));
        assert!(!cal.in_meal(at(wed, 12, 30, 0)), "holiday");
        cal.set_override(sat, Some(DayOverride::Hours(DayHours::AllDay)));
        assert!(cal.in_meal(at(sat, 12, 30, 0)), "Saturday changed to a working date");
        // The window applies on a working date even outside its working hours (OPEN-07 says
        // working *dates*); the engine combines it with is_working where it matters.
        cal.set_override(wed, Some(DayOverride::Hours(win("14:00", "18:00"))));
        assert!(cal.in_meal(at(wed, 12, 30, 0)));
        // Spans: inside, between windows, across the weekend and a holiday.
        cal.set_override(wed, None);
        cal.set_override(sat, None);
        assert_eq!(cal.meal_span(at(mon, 12, 30, 0)), span(true, at(mon, 12, 0, 0), at(mon, 13, 0, 0)));
        assert_eq!(cal.meal_span(at(mon, 14, 0, 0)), span(false, at(mon, 13, 0, 0), at(nov(24), 12, 0, 0)));
        assert_eq!(cal.meal_span(at(fri, 14, 0, 0)), span(false, at(fri, 13, 0, 0), at(nov(30), 12, 0, 0)));
        cal.set_override(nov(30), Some(DayOverride::Holiday));
        assert_eq!(cal.meal_span(at(fri, 14, 0, 0)).until, at(date(2026, 12, 1), 12, 0, 0));
        // Set and clear the window.
        assert_eq!(cal.meal(), Some(tw("12:00", "13:00")));
        cal.set_meal(None);
        assert!(!cal.in_meal(at(mon, 12, 30, 0)));
        let t = at(mon, 12, 30, 0);
        assert_eq!(cal.meal_span(t), span(false, t - 400 * DAY, t + 400 * DAY));
    }

    #[test]
    fn h6_meal_on_spill_over_only_date_does_not_apply() {
        let cal = Calendar::new(
            WorkingHours { weekday: night("14:00", "13:00"), saturday: DayHours::Off, sunday: DayHours::Off },
            Some(tw("12:00", "13:00")),
        );
        let sat = nov(28);
        assert!(cal.is_working(at(sat, 12, 30, 0)), "Friday spills until 13:00");
        assert!(!cal.in_meal(at(sat, 12, 30, 0)), "Saturday is not a working date of its own");
        assert!(cal.in_meal(at(nov(27), 12, 30, 0)));
    }

    #[test]
    fn set_hours_replaces_weekly_hours() {
        let mut cal = Calendar::new(WorkingHours::default(), None);
        let t = at(nov(28), 12, 0, 0);
        assert!(!cal.is_working(t));
        let hours = WorkingHours { saturday: DayHours::AllDay, ..WorkingHours::default() };
        cal.set_hours(hours.clone());
        assert_eq!(cal.hours(), &hours);
        assert!(cal.is_working(t));
    }

    #[test]
    fn h4_dates_without_entry_are_available() {
        let days = AccountDays::default();
        let t = at(nov(23), 12, 0, 0);
        assert!(!days.blocked(t));
        assert_eq!(days.get(nov(23)), None);
        assert_eq!(days.blocked_span(t), span(false, nov(23).start(), nov(24).start()));
        assert_eq!(DayStatus::default(), DayStatus { available: true, breaks: vec![] });
    }

    #[test]
    fn h4_unavailable_date_blocks_whole_date() {
        let mut days = AccountDays::default();
        days.set(nov(24), DayStatus { available: false, breaks: vec![] });
        assert!(!days.blocked(nov(24).start() - 1));
        assert!(days.blocked(nov(24).start()));
        assert!(days.blocked(nov(25).start() - 1));
        assert!(!days.blocked(nov(25).start()));
        assert_eq!(days.blocked_span(at(nov(24), 8, 0, 0)), span(true, nov(24).start(), nov(25).start()));
        assert_eq!(days.get(nov(24)).map(|s| s.available), Some(false));
    }

    #[test]
    fn h9_break_windows_are_half_open() {
        let mut days = AccountDays::default();
        let d = nov(24);
        days.set(d, DayStatus { available: true, breaks: vec![tw("15:00", "15:30"), tw("10:00", "10:15")] });
        assert!(!days.blocked(at(d, 9, 59, 59)));
        assert!(days.blocked(at(d, 10, 0, 0)));
        assert!(days.blocked(at(d, 10, 14, 59)));
        assert!(!days.blocked(at(d, 10, 15, 0)));
        assert!(days.blocked(at(d, 15, 0, 0)));
        assert!(!days.blocked(at(d, 15, 30, 0)));
        // Other dates are unaffected.
        assert!(!days.blocked(at(nov(25), 10, 0, 0)));
        assert_eq!(days.blocked_span(at(d, 10, 5, 0)), span(true, at(d, 10, 0, 0), at(d, 10, 15, 0)));
        assert_eq!(days.blocked_span(at(d, 12, 0, 0)), span(false, at(d, 10, 15, 0), at(d, 15, 0, 0)));
        assert_eq!(days.blocked_span(at(d, 1, 0, 0)), span(false, d.start(), at(d, 10, 0, 0)));
        assert_eq!(days.blocked_span(at(d, 20, 0, 0)), span(false, at(d, 15, 30, 0), nov(25).start()));
    }

    #[test]
    fn h9_overlapping_and_touching_breaks_merge_within_the_date() {
        let mut days = AccountDays::default();
        let d = nov(24);
        days.set(
            d,
            DayStatus {
                available: true,
                breaks: vec![tw("11:00", "12:00"), tw("10:00", "10:30"), tw("10:30", "11:15"), tw("23:00", "24:00")],
            },
        );
        assert_eq!(days.blocked_span(at(d, 10, 40, 0)), span(true, at(d, 10, 0, 0), at(d, 12, 0, 0)));
        assert_eq!(days.blocked_span(at(d, 11, 59, 59)), span(true, at(d, 10, 0, 0), at(d, 12, 0, 0)));
        // A break ending at 24:00 ends at the next date's start.
        assert_eq!(days.blocked_span(at(d, 23, 30, 0)), span(true, at(d, 23, 0, 0), nov(25).start()));
        assert!(!days.blocked(nov(25).start()));
    }

    #[test]
    fn json_schemas_generate() {
        let s = schemars::schema_for!(WorkingHours).to_value().to_string();
        assert!(s.contains("oneOf") && s.contains("end_next_day") && s.contains("all_day"), "{s}");
        let s = schemars::schema_for!(DayStatus).to_value().to_string();
        assert!(s.contains("breaks") && s.contains("additionalProperties"), "{s}");
        let s = schemars::schema_for!(TimeWindow).to_value().to_string();
        assert!(s.contains("additionalProperties"), "{s}");
    }

    #[test]
    fn d6_never_panics_on_extreme_inputs() {
        let mut cal = Calendar::new(
            WorkingHours {
                // Hand-built windows that parsing would reject.
                weekday: DayHours::Window { start: TimeOfDay(u32::MAX), end: TimeOfDay(0), end_next_day: true },
                saturday: DayHours::Window { start: TimeOfDay(3_600), end: TimeOfDay(u32::MAX), end_next_day: true },
                sunday: DayHours::Window { start: TimeOfDay(7_200), end: TimeOfDay(u32::MAX), end_next_day: false },
            },
            Some(TimeWindow { start: TimeOfDay(u32::MAX), end: TimeOfDay(0) }),
        );
        cal.set_override(Date(i32::MIN), Some(DayOverride::Hours(night("22:00", "06:00"))));
        cal.set_override(Date(i32::MAX), Some(DayOverride::Hours(DayHours::AllDay)));
        cal.set_override(Date(-1), Some(DayOverride::Holiday));
        let mut days = AccountDays::default();
        days.set(Date(i32::MIN), DayStatus { available: true, breaks: vec![tw("00:00", "24:00")] });
        days.set(
            Date(-3),
            DayStatus { available: true, breaks: vec![TimeWindow { start: TimeOfDay(9), end: TimeOfDay(3) }] },
        );
        let times = [
            i64::MIN,
            i64::MIN + 1,
            i64::MAX,
            i64::MAX - 1,
            -1,
            0,
            -3 * DAY + 5,
            Date(i32::MIN).start(),
            Date(i32::MIN).start() - 1,
            Date(i32::MAX).start(),
            Date(i32::MAX).start() + DAY,
        ];
        for t in times {
            let _ = cal.is_working(t);
            let w = cal.working_span(t);
            assert!(w.from <= t && t <= w.until);
            let _ = cal.in_meal(t);
            let m = cal.meal_span(t);
            assert!(m.from <= t && t <= m.until);
            let _ = days.blocked(t);
            let b = days.blocked_span(t);
            assert!(b.from <= t && t <= b.until);
        }
        for d in [Date(i32::MIN), Date(i32::MAX), Date(-1)] {
            let _ = cal.is_working_date(d);
        }
        // The Saturday window is clipped to 24 h, the Sunday one to 24:00; the weekday one is empty.
        assert!(cal.is_working(at(nov(29), 0, 59, 59)) && !cal.is_working(at(nov(29), 1, 0, 0)));
        assert!(cal.is_working(at(nov(29), 23, 59, 59)));
        assert!(!cal.is_working(at(nov(25), 12, 0, 0)));
    }

    #[test]
    fn d2_dates_before_1970_work() {
        // 1969-12-31 is a Wednesday (Date(-1)); negative times use floor division.
        let cal = Calendar::new(WorkingHours::default(), None);
        assert_eq!(Date(-1).weekday(), Weekday::Wed);
        assert!(cal.is_working(-DAY + 10 * HOUR));
        assert!(!cal.is_working(-1));
        assert_eq!(cal.working_span(-DAY + 10 * HOUR), span(true, -DAY + 9 * HOUR, -DAY + 18 * HOUR));
    }

    /// A small deterministic generator for the brute-force check below.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, n: u64) -> u64 {
            self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 33) % n
        }
        fn hours(&mut self) -> DayHours {
            let q = |g: &mut Lcg| TimeOfDay(g.next(97) as u32 * 900); // quarter hours, 00:00..=24:00
            match self.next(6) {
                0 => DayHours::Off,
                1 => DayHours::AllDay,
                2 | 3 => loop {
                    let (s, e) = (q(self), q(self));
                    if let Ok(h) = DayHours::check_window(s, e, false) {
                        break h;
                    }
                },
                _ => loop {
                    let (s, e) = (q(self), q(self));
                    if let Ok(h) = DayHours::check_window(s, e, true) {
                        break h;
                    }
                },
            }
        }
    }

    /// H3/H8 cross-check: working_span agrees with is_working evaluated second by second at its
    /// edges, on random weekly hours and overrides.
    #[test]
    fn h8_working_span_agrees_with_is_working() {
        let mut g = Lcg(7);
        let base = nov(2);
        for _ in 0..60 {
            let mut cal = Calendar::new(
                WorkingHours { weekday: g.hours(), saturday: g.hours(), sunday: g.hours() },
                Some(tw("12:00", "13:00")),
            );
            for _ in 0..g.next(12) {
                let d = Date(base.0 + g.next(35) as i32);
                let ov = if g.next(3) == 0 { DayOverride::Holiday } else { DayOverride::Hours(g.hours()) };
                cal.set_override(d, Some(ov));
            }
            let mut t = base.start() + 7 * DAY;
            while t < base.start() + 28 * DAY {
                for (s, f) in [
                    (cal.working_span(t), &(|c: &Calendar, x| c.is_working(x)) as &dyn Fn(&Calendar, Time) -> bool),
                    (cal.meal_span(t), &|c: &Calendar, x| c.in_meal(x)),
                ] {
                    assert_eq!(s.value, f(&cal, t));
                    assert!(s.from <= t && t < s.until, "{s:?} at {t}");
                    assert_eq!(f(&cal, s.from), s.value);
                    assert_eq!(f(&cal, s.until - 1), s.value);
                    if s.from > t - 400 * DAY {
                        assert_ne!(f(&cal, s.from - 1), s.value, "{s:?} at {t}");
                    }
                    if s.until < t + 400 * DAY {
                        assert_ne!(f(&cal, s.until), s.value, "{s:?} at {t}");
                    }
                    // Constant in between, sampled every 15 minutes.
                    let mut x = s.from;
                    while x < s.until.min(base.start() + 35 * DAY) {
                        assert_eq!(f(&cal, x), s.value, "{s:?} at {x}");
                        x += 900;
                    }
                }
                t += 900 * (1 + g.next(8) as i64) + g.next(2) as i64;
            }
        }
    }
}
