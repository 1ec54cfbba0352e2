//! Virtual time (D1, D2).
//!
//! The engine never reads a wall clock. A [`Time`] is a whole number of seconds since
//! 1970-01-01 00:00:00 **local civil time** of the site (Korea Standard Time by default; the
//! offset only matters at the edges, when a time is printed with its zone). Because the count
//! is local, the calendar date and the time of day are plain integer arithmetic: no time-zone
//! lookup ever runs inside the engine.

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Seconds since 1970-01-01 00:00:00 local civil time (D1, OPEN-01).
pub type Time = i64;

/// Seconds in one day (D2: durations in days are exact multiples of 24 h).
pub const DAY: i64 = 86_400;
/// Seconds in one hour.
pub const HOUR: i64 = 3_600;
/// Seconds in one minute.
pub const MINUTE: i64 = 60;

/// A local calendar date, as days since 1970-01-01 (D2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Date(pub i32);

impl Date {
    /// The date of instant `t`.
    #[inline]
    pub fn of(t: Time) -> Date {
        Date(t.div_euclid(DAY) as i32)
    }
    /// The first instant of this date, 00:00:00.
    #[inline]
    pub fn start(self) -> Time {
        self.0 as i64 * DAY
    }
    /// The next date.
    #[inline]
    pub fn next(self) -> Date {
        Date(self.0 + 1)
    }
    /// The previous date.
    #[inline]
    pub fn prev(self) -> Date {
        Date(self.0 - 1)
    }
    /// Day of the week. 1970-01-01 was a Thursday.
    #[inline]
    pub fn weekday(self) -> Weekday {
        // 0 = Monday .. 6 = Sunday
        let idx = (self.0 as i64 + 3).rem_euclid(7);
        match idx {
            0 => Weekday::Mon,
            1 => Weekday::Tue,
            2 => Weekday::Wed,
            3 => Weekday::Thu,
            4 => Weekday::Fri,
            5 => Weekday::Sat,
            _ => Weekday::Sun,
        }
    }
    /// Converts from a chrono date.
    pub fn from_naive(d: NaiveDate) -> Date {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("1970-01-01 is a valid date");
        Date((d - epoch).num_days() as i32)
    }
    /// Converts to a chrono date.
    pub fn to_naive(self) -> NaiveDate {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("1970-01-01 is a valid date");
        epoch + chrono::Duration::days(self.0 as i64)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_naive().format("%Y-%m-%d"))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map(Date::from_naive).map_err(|_| {
            serde::de::Error::custom(format!("invalid date `{s}`: expected YYYY-MM-DD, for example 2026-12-01"))
        })
    }
}

impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A local calendar date, YYYY-MM-DD"
        })
    }
}

/// Converts a local date-time to virtual time.
pub fn from_naive_datetime(dt: NaiveDateTime) -> Time {
    Date::from_naive(dt.date()).start() + dt.time().num_seconds_from_midnight() as i64
}

/// Converts virtual time to a local date-time.
pub fn to_naive_datetime(t: Time) -> NaiveDateTime {
    let d = Date::of(t).to_naive();
    let secs = t.rem_euclid(DAY) as u32;
    d.and_hms_opt(secs / 3600, (secs / 60) % 60, secs % 60).expect("seconds of day are below 86400")
}

use chrono::Timelike;

/// Formats a virtual time as `YYYY-MM-DD HH:MM:SS` (local).
pub fn format_time(t: Time) -> String {
    to_naive_datetime(t).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// A time of day, seconds since local midnight, 0..=86400 (86400 only as an end written `24:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TimeOfDay(pub u32);

impl TimeOfDay {
    /// From hours and minutes.
    pub const fn hm(h: u32, m: u32) -> TimeOfDay {
        TimeOfDay(h * 3600 + m * 60)
    }
    /// Seconds since midnight.
    pub fn secs(self) -> i64 {
        self.0 as i64
    }
    /// Parses `HH:MM` or `HH:MM:SS` (00:00 to 24:00).
    pub fn parse(s: &str) -> Result<TimeOfDay, String> {
        let bad = || format!("invalid time of day `{s}`: expected HH:MM or HH:MM:SS, for example 09:00");
        let parts: Vec<&str> = s.trim().split(':').collect();
        if parts.len() < 2 || parts.len() > 3 {
            return Err(bad());
        }
        let mut nums = [0u32; 3];
        for (i, p) in parts.iter().enumerate() {
            if p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            nums[i] = p.parse().map_err(|_| bad())?;
        }
        let (h, m, sec) = (nums[0], nums[1], nums[2]);
        if m > 59 || sec > 59 || h > 24 || (h == 24 && (m > 0 || sec > 0)) {
            return Err(bad());
        }
        Ok(TimeOfDay(h * 3600 + m * 60 + sec))
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = (self.0 / 3600, (self.0 / 60) % 60, self.0 % 60);
        if s == 0 { write!(f, "{h:02}:{m:02}") } else { write!(f, "{h:02}:{m:02}:{s:02}") }
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        TimeOfDay::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for TimeOfDay {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TimeOfDay".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?$",
            "description": "A local time of day, HH:MM or HH:MM:SS"
        })
    }
}

/// A length of virtual time in whole seconds. Written in YAML as `90s`, `10m`, `1h30m`,
/// `6d23h50m` or a bare number of seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration(pub i64);

impl Duration {
    /// Whole seconds.
    pub const fn secs(self) -> i64 {
        self.0
    }
    /// From minutes.
    pub const fn minutes(m: i64) -> Duration {
        Duration(m * MINUTE)
    }
    /// From hours.
    pub const fn hours(h: i64) -> Duration {
        Duration(h * HOUR)
    }
    /// From days.
    pub const fn days(d: i64) -> Duration {
        Duration(d * DAY)
    }
    /// Parses `1d2h3m4s` style text (any subset of units, in that order) or plain seconds.
    pub fn parse(s: &str) -> Result<Duration, String> {
        let t = s.trim();
        let bad = || {
            format!(
                "invalid duration `{s}`: expected a number with units d, h, m, s (for example 90s, 10m, 1h30m, 6d23h50m)"
            )
        };
        if t.is_empty() {
            return Err(bad());
        }
        if t.bytes().all(|b| b.is_ascii_digit()) {
            return t.parse::<i64>().map(Duration).map_err(|_| bad());
        }
        let mut total: i64 = 0;
        let mut num: Option<i64> = None;
        let mut last_rank = 0;
        for c in t.chars() {
            if c.is_ascii_digit() {
                let d = c as i64 - '0' as i64;
                num = Some(num.unwrap_or(0).checked_mul(10).and_then(|v| v.checked_add(d)).ok_or_else(bad)?);
                continue;
            }
            if c.is_whitespace() {
                continue;
            }
            let (unit, rank) = match c {
                'd' => (DAY, 1),
                'h' => (HOUR, 2),
                'm' => (MINUTE, 3),
                's' => (1, 4),
                _ => return Err(bad()),
            };
            if rank <= last_rank {
                return Err(bad());
            }
            last_rank = rank;
            let n = num.take().ok_or_else(bad)?;
            total = n.checked_mul(unit).and_then(|v| total.checked_add(v)).ok_or_else(bad)?;
        }
        if num.is_some() {
            return Err(bad());
        }
        Ok(Duration(total))
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = self.0;
        if s == 0 {
            return write!(f, "0s");
        }
        if s < 0 {
            write!(f, "-")?;
            s = -s;
        }
        let (d, h, m, sec) = (s / DAY, (s % DAY) / HOUR, (s % HOUR) / MINUTE, s % MINUTE);
        if d > 0 {
            write!(f, "{d}d")?;
        }
        if h > 0 {
            write!(f, "{h}h")?;
        }
        if m > 0 {
            write!(f, "{m}m")?;
        }
        if sec > 0 {
            write!(f, "{sec}s")?;
        }
        Ok(())
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Duration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "a duration such as 90s, 10m, 1h30m or a number of seconds")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Duration, E> {
                Ok(Duration(v as i64))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Duration, E> {
                if v < 0 {
                    return Err(E::custom("a duration cannot be negative"));
                }
                Ok(Duration(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Duration, E> {
                Duration::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

impl schemars::JsonSchema for Duration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "anyOf": [
                {"type": "string", "pattern": "^\\s*([0-9]+d)?\\s*([0-9]+h)?\\s*([0-9]+m)?\\s*([0-9]+s)?\\s*$"},
                {"type": "integer", "minimum": 0}
            ],
            "description": "A duration: 90s, 10m, 1h30m, 6d23h50m, or whole seconds"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn d2_dates_and_weekdays() {
        let d = Date::from_naive(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap());
        assert_eq!(d.weekday(), Weekday::Tue);
        assert_eq!(d.to_string(), "2026-11-24");
        assert_eq!(Date::of(d.start() + DAY - 1), d);
        assert_eq!(Date::of(d.start() - 1), d.prev());
        assert_eq!(Date(0).weekday(), Weekday::Thu);
        assert_eq!(Date(-1).weekday(), Weekday::Wed);
    }

    #[test]
    fn durations_parse_and_print() {
        assert_eq!(Duration::parse("90s").unwrap(), Duration(90));
        assert_eq!(Duration::parse("1h30m").unwrap(), Duration(5400));
        assert_eq!(Duration::parse("6d23h50m").unwrap(), Duration(6 * DAY + 23 * HOUR + 50 * MINUTE));
        assert_eq!(Duration::parse("120").unwrap(), Duration(120));
        assert!(Duration::parse("10x").is_err());
        assert!(Duration::parse("10m1h").is_err());
        assert!(Duration::parse("m").is_err());
        assert_eq!(Duration(5400).to_string(), "1h30m");
    }

    #[test]
    fn times_of_day_parse() {
        assert_eq!(TimeOfDay::parse("09:00").unwrap(), TimeOfDay::hm(9, 0));
        assert_eq!(TimeOfDay::parse("24:00").unwrap().0, 86_400);
        assert!(TimeOfDay::parse("25:00").is_err());
        assert!(TimeOfDay::parse("9").is_err());
        assert_eq!(TimeOfDay::hm(18, 30).to_string(), "18:30");
    }
}
