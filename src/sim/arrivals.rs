//! Arrivals of new chats (SIM5): a non-homogeneous Poisson process whose rate follows an
//! hour-of-week profile.
//!
//! Scenario files give the rate in arrivals per hour, either constant or as a weekly profile:
//!
//! ```yaml
//! rate_per_hour: 30                 # constant
//! # or
//! profile:
//!   weekday: [0,0,0,0,0,0,0,2,10,30,40,35,20,35,40,35,30,20,10,8,6,4,2,1]  # hours 0..23, Mon–Fri
//!   saturday: [ ... 24 numbers ... ]   # optional, default all zero
//!   sunday:   [ ... 24 numbers ... ]   # optional, default all zero
//!   scale: 1.0                         # optional multiplier (default 1)
//! # or, for a profile that differs between weekdays (also what serialising such a profile
//! # writes):
//! hour_of_week: [ ... 168 numbers, Monday 00:00 first ... ]
//! ```
//!
//! The rate is piecewise constant on local clock hours. Arrival times are drawn *exactly* by
//! inverting the cumulative rate (one `Exp(1)` draw per arrival, no thinning), so the number
//! of random draws per arrival does not depend on the rates: a what-if that doubles the
//! afternoon rate leaves the morning's arrivals where they were.

use std::borrow::Cow;
use std::fmt;

use rand::Rng;
use rand::distr::Distribution as _;
use rand_distr::Exp1;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// Hours in a week.
pub const HOURS_PER_WEEK: usize = 168;
/// Seconds in an hour.
const HOUR: i64 = 3_600;
/// Seconds in a day.
const DAY: i64 = 86_400;
/// How far [`ArrivalProcess::next_after`] searches before concluding that no arrival will
/// come: two leap years of hours. A profile whose whole week is zero is detected at once.
pub const MAX_SEARCH_HOURS: i64 = 2 * 366 * 24;

/// The weekday of local time `t`, 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
pub fn weekday(t: i64) -> u32 {
    // rem_euclid(7) is in 0..7, so the cast is lossless.
    (t.div_euclid(DAY) + 3).rem_euclid(7) as u32
}

/// The hour of the week of local time `t`, 0 = Monday 00:00–01:00 … 167 = Sunday 23:00.
pub fn hour_of_week(t: i64) -> usize {
    hour_index(t.div_euclid(HOUR))
}

/// The hour of the week of the absolute hour number `h` (hours since 1970-01-01 00:00, a
/// Thursday, i.e. hour 72 of its week).
fn hour_index(h: i64) -> usize {
    // rem_euclid(168) is in 0..168, so the cast is lossless.
    (h.rem_euclid(HOURS_PER_WEEK as i64) + 72).rem_euclid(HOURS_PER_WEEK as i64) as usize
}

/// Why a rate profile was rejected. Shown verbatim to the author of a scenario file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ArrivalError {
    /// A day with other than 24 hourly rates, or a week with other than 168.
    #[error("{field}: expected exactly {expected} hourly rates ({hint}), got {got}")]
    Length {
        /// Where (`profile.weekday`, …).
        field: &'static str,
        /// 24 or 168.
        expected: usize,
        /// What the rates stand for.
        hint: &'static str,
        /// How many were given.
        got: usize,
    },
    /// A negative, infinite or NaN rate.
    #[error("{field}: arrival rates must be finite numbers >= 0 (arrivals per hour), got {value}")]
    Rate {
        /// Where (`profile.weekday[7]`, `rate_per_hour`, …).
        field: String,
        /// The value given.
        value: f64,
    },
    /// A negative, infinite or NaN scale.
    #[error("profile.scale: must be a finite number >= 0, got {0}")]
    Scale(f64),
}

/// Arrival rates (per hour) for each hour of the week, Monday 00:00 first.
///
/// Deserialised from `rate_per_hour: r`, `profile: {weekday, saturday, sunday, scale}` or
/// `hour_of_week: [168 numbers]`; every rate is finite and >= 0. Serialises to the shortest of
/// those forms that reproduces the rates exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct RateProfile {
    rates: [f64; HOURS_PER_WEEK],
}

impl RateProfile {
    /// The same rate at every hour.
    pub fn constant(rate_per_hour: f64) -> Result<RateProfile, ArrivalError> {
        let r = check_rate(rate_per_hour, || "rate_per_hour".to_string())?;
        Ok(RateProfile { rates: [r; HOURS_PER_WEEK] })
    }

    /// Monday–Friday share `weekday`; Saturday and Sunday default to zero; every rate is
    /// multiplied by `scale`. Each day needs exactly 24 rates (hours 0..23).
    pub fn weekly(
        weekday: &[f64],
        saturday: Option<&[f64]>,
        sunday: Option<&[f64]>,
        scale: f64,
    ) -> Result<RateProfile, ArrivalError> {
        if !(scale.is_finite() && scale >= 0.0) {
            return Err(ArrivalError::Scale(scale));
        }
        let zero = [0.0; 24];
        let weekday = check_day("profile.weekday", weekday)?;
        let saturday = match saturday {
            Some(d) => check_day("profile.saturday", d)?,
            None => zero,
        };
        let sunday = match sunday {
            Some(d) => check_day("profile.sunday", d)?,
            None => zero,
        };
        let mut rates = [0.0; HOURS_PER_WEEK];
        for (day, chunk) in rates.chunks_exact_mut(24).enumerate() {
            let src = match day {
                5 => &saturday,
                6 => &sunday,
                _ => &weekday,
            };
            for (hour, (dst, &r)) in chunk.iter_mut().zip(src).enumerate() {
                // Finite rates times a finite scale can still overflow to infinity.
                *dst =
                    check_rate(r * scale, || format!("profile: hour {hour} of day {day} (0 = Monday) times `scale`"))?;
            }
        }
        RateProfile::from_hour_of_week(rates)
    }

    /// Rates for the 168 hours of the week, Monday 00:00 first.
    pub fn from_hour_of_week(rates: [f64; HOURS_PER_WEEK]) -> Result<RateProfile, ArrivalError> {
        for (i, &r) in rates.iter().enumerate() {
            check_rate(r, || format!("hour_of_week[{i}]"))?;
        }
        // `+ 0.0` turns -0.0 into 0.0 so equal profiles compare and serialise alike.
        Ok(RateProfile { rates: rates.map(|r| r + 0.0) })
    }

    /// The 168 hourly rates, Monday 00:00 first.
    pub fn rates(&self) -> &[f64; HOURS_PER_WEEK] {
        &self.rates
    }

    /// The rate (arrivals per hour) in force at local time `t`.
    pub fn rate_at(&self, t: i64) -> f64 {
        self.rates[hour_of_week(t)]
    }

    /// Expected arrivals in a whole week.
    pub fn weekly_total(&self) -> f64 {
        self.rates.iter().sum()
    }

    /// Whether no arrival can ever happen.
    pub fn is_zero(&self) -> bool {
        self.rates.iter().all(|&r| r == 0.0)
    }

    /// The expected number of arrivals in `[from, to)` (the integral of the rate); 0 when
    /// `to <= from`. Whole weeks are counted with [`RateProfile::weekly_total`], so this takes
    /// at most about 170 steps however long the interval.
    pub fn mean_count(&self, from: i64, to: i64) -> f64 {
        if to <= from {
            return 0.0;
        }
        let (h0, h1) = (from.div_euclid(HOUR), to.div_euclid(HOUR));
        let rate = |h: i64| self.rates[hour_index(h)];
        if h0 == h1 {
            return rate(h0) * (to - from) as f64 / HOUR as f64;
        }
        let mut total = rate(h0) * (HOUR - from.rem_euclid(HOUR)) as f64 / HOUR as f64;
        // Whole hours h0+1 .. h1-1.
        let full = h1 - h0 - 1;
        let weeks = full / HOURS_PER_WEEK as i64;
        total += weeks as f64 * self.weekly_total();
        let first = h0 + 1 + weeks * HOURS_PER_WEEK as i64;
        for h in first..h1 {
            total += rate(h);
        }
        total + rate(h1) * to.rem_euclid(HOUR) as f64 / HOUR as f64
    }
}

/// Checks one rate; `field` names it in the error.
fn check_rate(r: f64, field: impl FnOnce() -> String) -> Result<f64, ArrivalError> {
    if r.is_finite() && r >= 0.0 { Ok(r) } else { Err(ArrivalError::Rate { field: field(), value: r }) }
}

/// Checks one day's 24 rates.
fn check_day(field: &'static str, day: &[f64]) -> Result<[f64; 24], ArrivalError> {
    let out: [f64; 24] = day.try_into().map_err(|_| ArrivalError::Length {
        field,
        expected: 24,
        hint: "hours 0..23",
        got: day.len(),
    })?;
    for (i, &r) in out.iter().enumerate() {
        check_rate(r, || format!("{field}[{i}]"))?;
    }
    Ok(out)
}

/// Arrival rates (arrivals per hour): a map with exactly one of `rate_per_hour`, `profile` or
/// `hour_of_week`.
// Read and written by hand (below) rather than derived, because `yaml_serde` reads and writes
// derived enums as YAML tags (`!profile`) and rejects one-key maps. The JsonSchema derive
// describes the one-key-map shape.
#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
enum RateSpec {
    /// The same rate (arrivals per hour) at every hour of the week.
    RatePerHour(#[schemars(range(min = 0))] f64),
    /// Hourly rates for weekdays, Saturday and Sunday.
    Profile(WeeklySpec),
    /// 168 hourly rates, Monday 00:00 first.
    HourOfWeek(#[schemars(length(equal = 168), inner(range(min = 0)))] Vec<f64>),
}

/// `profile:` — hourly rates (arrivals per hour) by kind of day.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "WeeklyRates")]
struct WeeklySpec {
    /// Monday to Friday, hours 0..23 (24 numbers).
    #[schemars(length(equal = 24), inner(range(min = 0)))]
    weekday: Vec<f64>,
    /// Saturday, hours 0..23 (24 numbers); default all zero.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(equal = 24), inner(range(min = 0)))]
    saturday: Option<Vec<f64>>,
    /// Sunday, hours 0..23 (24 numbers); default all zero.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(equal = 24), inner(range(min = 0)))]
    sunday: Option<Vec<f64>>,
    /// Multiplier of every rate; default 1.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    #[schemars(range(min = 0))]
    scale: f64,
}

fn one() -> f64 {
    1.0
}

fn is_one(x: &f64) -> bool {
    *x == 1.0
}

/// The keys of [`RateSpec`], for error messages.
const FORMS: [&str; 3] = ["rate_per_hour", "profile", "hour_of_week"];

/// Reads the one-key map form and validates the rates inside the map, so that errors carry
/// the document position.
struct RateProfileVisitor;

impl<'de> Visitor<'de> for RateProfileVisitor {
    type Value = RateProfile;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "arrival rates: a map with exactly one of `rate_per_hour: <arrivals per hour>`, \
             `profile: {weekday, saturday, sunday, scale}` or `hour_of_week: [168 numbers]`",
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RateProfile, A::Error> {
        let Some(form) = map.next_key::<String>()? else {
            return Err(de::Error::custom("empty map: give one of `rate_per_hour`, `profile` or `hour_of_week`"));
        };
        let spec = match form.as_str() {
            "rate_per_hour" => RateSpec::RatePerHour(map.next_value()?),
            "profile" => RateSpec::Profile(map.next_value()?),
            "hour_of_week" => RateSpec::HourOfWeek(map.next_value()?),
            other => return Err(de::Error::unknown_variant(other, &FORMS)),
        };
        if let Some(extra) = map.next_key::<String>()? {
            return Err(de::Error::custom(format_args!(
                "give exactly one of `rate_per_hour`, `profile` or `hour_of_week`; found \
                 `{form}` and `{extra}`"
            )));
        }
        RateProfile::try_from(spec).map_err(de::Error::custom)
    }
}

impl Serialize for RateSpec {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        match self {
            RateSpec::RatePerHour(r) => map.serialize_entry(FORMS[0], r)?,
            RateSpec::Profile(w) => map.serialize_entry(FORMS[1], w)?,
            RateSpec::HourOfWeek(v) => map.serialize_entry(FORMS[2], v)?,
        }
        map.end()
    }
}

/// Accepts `rate_per_hour`, `profile` or `hour_of_week` (see the module documentation) and
/// validates the rates.
impl<'de> Deserialize<'de> for RateProfile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RateProfile, D::Error> {
        deserializer.deserialize_map(RateProfileVisitor)
    }
}

/// Writes the shortest form that reproduces the rates exactly.
impl Serialize for RateProfile {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        RateSpec::from(self.clone()).serialize(serializer)
    }
}

impl TryFrom<RateSpec> for RateProfile {
    type Error = ArrivalError;
    fn try_from(spec: RateSpec) -> Result<RateProfile, ArrivalError> {
        match spec {
            RateSpec::RatePerHour(r) => RateProfile::constant(r),
            RateSpec::Profile(w) => {
                RateProfile::weekly(&w.weekday, w.saturday.as_deref(), w.sunday.as_deref(), w.scale)
            }
            RateSpec::HourOfWeek(v) => {
                let rates: [f64; HOURS_PER_WEEK] = v.as_slice().try_into().map_err(|_| ArrivalError::Length {
                    field: "hour_of_week",
                    expected: HOURS_PER_WEEK,
                    hint: "Monday 00:00 first",
                    got: v.len(),
                })?;
                RateProfile::from_hour_of_week(rates)
            }
        }
    }
}

impl From<RateProfile> for RateSpec {
    /// The shortest exact form: constant, else weekdays-alike, else all 168 hours.
    fn from(p: RateProfile) -> RateSpec {
        let r = &p.rates;
        if r.iter().all(|&x| x == r[0]) {
            return RateSpec::RatePerHour(r[0]);
        }
        let day = |d: usize| &r[d * 24..(d + 1) * 24];
        if (1..5).all(|d| day(d) == day(0)) {
            let weekend = |d: usize| {
                let s = day(d);
                if s.iter().all(|&x| x == 0.0) { None } else { Some(s.to_vec()) }
            };
            return RateSpec::Profile(WeeklySpec {
                weekday: day(0).to_vec(),
                saturday: weekend(5),
                sunday: weekend(6),
                scale: 1.0,
            });
        }
        RateSpec::HourOfWeek(r.to_vec())
    }
}

impl JsonSchema for RateProfile {
    fn schema_name() -> Cow<'static, str> {
        "RateProfile".into()
    }

    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::RateProfile").into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        RateSpec::json_schema(generator)
    }
}

/// A non-homogeneous Poisson arrival process over local time.
///
/// Keeps the exact (real-valued) position of the last arrival, so that reporting arrivals in
/// whole seconds does not bias the rate: the next gap is measured from the exact instant, not
/// from the rounded-down second that was returned.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrivalProcess {
    profile: RateProfile,
    /// Expected arrivals per week (cached).
    week_total: f64,
    /// Hours since 1970-01-01 00:00 of the exact position.
    hour: i64,
    /// Seconds into `hour` of the exact position, in `[0, 3600)`. Split from `hour` so that
    /// precision does not depend on how far from 1970 the simulation runs.
    frac: f64,
}

impl ArrivalProcess {
    /// The process with rates `profile`, positioned at local time `t0` (the first arrival
    /// comes at or after it).
    pub fn new(profile: RateProfile, t0: i64) -> ArrivalProcess {
        let week_total = profile.weekly_total();
        ArrivalProcess { profile, week_total, hour: t0.div_euclid(HOUR), frac: t0.rem_euclid(HOUR) as f64 }
    }

    /// The rate profile.
    pub fn profile(&self) -> &RateProfile {
        &self.profile
    }

    /// The exact position (the last arrival, or the start) rounded down to whole seconds.
    pub fn position(&self) -> i64 {
        whole_secs(self.hour, self.frac)
    }

    /// The expected number of arrivals in `[from, to)`: see [`RateProfile::mean_count`].
    pub fn mean_count(&self, from: i64, to: i64) -> f64 {
        self.profile.mean_count(from, to)
    }

    /// The next arrival at or after `t`, in whole seconds.
    ///
    /// `t` is the previous arrival as returned (or the start). The gap is drawn from the later
    /// of the process's exact position and `t`: when `t` is the value this returned last, that
    /// is the exact position, so successive calls form one Poisson process; a `t` beyond it
    /// restarts the process at `t` (Poisson processes are memoryless, so this is exact too);
    /// an earlier `t` is ignored, because the process never goes back.
    ///
    /// One `Exp(1)` draw `E` is taken and the cumulative rate is walked hour by hour from the
    /// start, subtracting `rate × length` until `E` is used up (whole weeks at once when `E`
    /// exceeds a week's expected count); the arrival is that instant, returned rounded down to
    /// a whole second and never earlier than `t`. Several arrivals may share a second.
    ///
    /// Returns `None` when no arrival comes within [`MAX_SEARCH_HOURS`] (always for an
    /// all-zero profile, which takes no draw); the position then moves to the end of the
    /// searched span.
    pub fn next_after<R: Rng + ?Sized>(&mut self, t: i64, rng: &mut R) -> Option<i64> {
        let (mut hour, mut frac) = (t.div_euclid(HOUR), t.rem_euclid(HOUR) as f64);
        if (hour, frac) < (self.hour, self.frac) {
            (hour, frac) = (self.hour, self.frac);
        }
        let limit = hour.saturating_add(MAX_SEARCH_HOURS);
        if self.week_total <= 0.0 {
            (self.hour, self.frac) = (limit, 0.0);
            return None;
        }
        let mut e: f64 = Exp1.sample(rng);
        loop {
            if hour >= limit {
                (self.hour, self.frac) = (limit, 0.0);
                return None;
            }
            let rate = self.profile.rates[hour_index(hour)];
            if rate > 0.0 {
                let remaining = HOUR as f64 - frac;
                let mass = rate * remaining / HOUR as f64;
                if e <= mass {
                    frac += e * HOUR as f64 / rate;
                    if frac >= HOUR as f64 {
                        // Rounding put the instant on the hour boundary.
                        (hour, frac) = (hour + 1, 0.0);
                    }
                    break;
                }
                e -= mass;
            }
            (hour, frac) = (hour + 1, 0.0);
            if e > self.week_total {
                // Skip whole weeks, leaving between one and two weeks' worth of `e` so that the
                // remainder stays positive despite rounding.
                let weeks = (e / self.week_total).floor() - 1.0;
                if weeks >= 1.0 {
                    let span = weeks * HOURS_PER_WEEK as f64;
                    if span >= (limit - hour) as f64 {
                        (self.hour, self.frac) = (limit, 0.0);
                        return None;
                    }
                    // span < limit - hour <= MAX_SEARCH_HOURS, so the cast is exact.
                    hour += span as i64;
                    e -= weeks * self.week_total;
                }
            }
        }
        (self.hour, self.frac) = (hour, frac);
        Some(whole_secs(hour, frac).max(t))
    }

    /// The next arrival after the process's own position (the last arrival or the start):
    /// `next_after(self.position(), rng)`.
    pub fn next_arrival<R: Rng + ?Sized>(&mut self, rng: &mut R) -> Option<i64> {
        self.next_after(self.position(), rng)
    }
}

/// `hour` hours plus `frac` seconds, rounded down to whole seconds (saturating).
fn whole_secs(hour: i64, frac: f64) -> i64 {
    // 0 <= frac < 3600, so the cast is exact after floor().
    hour.saturating_mul(HOUR).saturating_add(frac.floor() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    /// 2024-01-01 00:00 (a Monday), in seconds since 1970-01-01 00:00.
    const MON: i64 = 19_723 * DAY;

    const WEEKDAY: &str = "[0,0,0,0,0,0,0,2,10,30,40,35,20,35,40,35,30,20,10,8,6,4,2,1]";

    fn parse(s: &str) -> Result<RateProfile, String> {
        serde_yaml::from_str::<RateProfile>(s).map_err(|e| e.to_string())
    }

    fn arrivals(p: &RateProfile, from: i64, to: i64, seed: u64) -> Vec<i64> {
        let mut proc = ArrivalProcess::new(p.clone(), from);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut out = Vec::new();
        let mut t = from;
        while let Some(a) = proc.next_after(t, &mut rng) {
            if a >= to {
                break;
            }
            assert!(a >= t);
            out.push(a);
            t = a;
        }
        out
    }

    #[test]
    fn calendar_helpers() {
        assert_eq!(weekday(0), 3); // Thursday
        assert_eq!(weekday(MON), 0);
        assert_eq!(weekday(MON - 1), 6); // Sunday 23:59:59
        assert_eq!(weekday(-1), 2); // 1969-12-31, a Wednesday
        assert_eq!(hour_of_week(0), 72);
        assert_eq!(hour_of_week(MON), 0);
        assert_eq!(hour_of_week(MON + 5 * DAY + 13 * HOUR + 59), 5 * 24 + 13);
        assert_eq!(hour_of_week(MON - 1), 167);
        assert_eq!(hour_of_week(-1), 71);
    }

    #[test]
    fn yaml_forms() {
        let p = parse("rate_per_hour: 30").unwrap();
        assert!(p.rates().iter().all(|&r| r == 30.0));

        let p = parse(&format!("profile:\n  weekday: {WEEKDAY}\n  scale: 2\n")).unwrap();
        assert_eq!(p.rate_at(MON + 9 * HOUR), 60.0);
        assert_eq!(p.rate_at(MON + 4 * DAY + 10 * HOUR + 30), 80.0); // Friday
        assert_eq!(p.rate_at(MON + 5 * DAY + 10 * HOUR), 0.0); // Saturday default
        assert_eq!(p.weekly_total(), 5.0 * 2.0 * 328.0);

        let sat = "[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,5]";
        let p = parse(&format!("profile: {{weekday: {WEEKDAY}, saturday: {sat}}}")).unwrap();
        assert_eq!(p.rate_at(MON + 5 * DAY + 23 * HOUR), 5.0);
        assert_eq!(p.rate_at(MON + 6 * DAY + 23 * HOUR), 0.0);

        let week: Vec<String> = (0..168).map(|i| i.to_string()).collect();
        let p = parse(&format!("hour_of_week: [{}]", week.join(","))).unwrap();
        assert_eq!(p.rate_at(MON + 3 * HOUR), 3.0);
    }

    #[test]
    fn yaml_errors_are_clear() {
        let short = "[1,2,3]";
        let cases = [
            (
                format!("profile: {{weekday: {short}}}"),
                "profile.weekday: expected exactly 24 hourly rates (hours 0..23), got 3",
            ),
            (format!("profile: {{weekday: {WEEKDAY}, sunday: {short}}}"), "profile.sunday: expected exactly 24"),
            (
                "profile: {weekday: [0,0,0,0,0,0,0,-2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}".to_string(),
                "profile.weekday[7]: arrival rates must be finite numbers >= 0 (arrivals per hour), got -2",
            ),
            (
                format!("profile: {{weekday: {WEEKDAY}, scale: -1}}"),
                "profile.scale: must be a finite number >= 0, got -1",
            ),
            (format!("profile: {{weekday: {WEEKDAY}, holiday: {WEEKDAY}}}"), "unknown field `holiday`"),
            ("profile: {saturday: [1]}".to_string(), "missing field `weekday`"),
            ("rate_per_hour: -3".to_string(), "rate_per_hour: arrival rates must be finite numbers >= 0"),
            ("rate_per_hour: .nan".to_string(), "rate_per_hour: arrival rates must be finite"),
            ("per_hour: 3".to_string(), "unknown variant `per_hour`"),
            (
                "hour_of_week: [1, 2]".to_string(),
                "hour_of_week: expected exactly 168 hourly rates (Monday 00:00 first), got 2",
            ),
        ];
        for (input, want) in cases {
            let got = parse(&input).unwrap_err();
            assert!(got.contains(want), "{input}\n  got:  {got}\n  want: {want}");
        }
        // Two forms at once.
        assert!(parse(&format!("rate_per_hour: 3\nprofile: {{weekday: {WEEKDAY}}}")).is_err());
    }

    #[test]
    fn serialize_round_trips_in_shortest_form() {
        let c = parse("rate_per_hour: 12.5").unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), r#"{"rate_per_hour":12.5}"#);
        let w = parse(&format!("profile: {{weekday: {WEEKDAY}, scale: 0.5}}")).unwrap();
        let json = serde_json::to_string(&w).unwrap();
        assert!(json.starts_with(r#"{"profile":{"weekday":[0.0,"#), "{json}");
        assert!(!json.contains("saturday") && !json.contains("scale"), "{json}");
        let mut rates = [1.0; HOURS_PER_WEEK];
        rates[30] = 7.0;
        let h = RateProfile::from_hour_of_week(rates).unwrap();
        assert!(serde_json::to_string(&h).unwrap().starts_with(r#"{"hour_of_week":"#));
        for p in [c, w, h] {
            let yaml = serde_yaml::to_string(&p).unwrap();
            assert_eq!(serde_yaml::from_str::<RateProfile>(&yaml).unwrap(), p, "{yaml}");
        }
    }

    #[test]
    fn constant_rate_count_matches() {
        // 3600/h = one per second on average: 100 h gives 360 000 ± 600 (1 sd).
        let p = RateProfile::constant(3600.0).unwrap();
        let n = arrivals(&p, MON, MON + 100 * HOUR, 1).len() as f64;
        assert!((n - 360_000.0).abs() < 3_000.0, "{n}");
        assert_eq!(p.mean_count(MON, MON + 100 * HOUR), 360_000.0);
    }

    #[test]
    fn gaps_are_exponential() {
        // Mean gap and the share of gaps above the mean match Exp(rate).
        let p = RateProfile::constant(60.0).unwrap(); // one a minute
        let a = arrivals(&p, MON, MON + 2_000 * HOUR, 2);
        let gaps: Vec<f64> = a.windows(2).map(|w| (w[1] - w[0]) as f64).collect();
        let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
        assert!((mean - 60.0).abs() < 1.0, "{mean}");
        let above = gaps.iter().filter(|&&g| g > 60.0).count() as f64 / gaps.len() as f64;
        assert!((above - (-1.0f64).exp()).abs() < 0.01, "{above}");
    }

    #[test]
    fn zero_hours_get_no_arrivals() {
        let p = parse(&format!("profile: {{weekday: {WEEKDAY}}}")).unwrap();
        let a = arrivals(&p, MON, MON + 4 * 7 * DAY, 3);
        assert!(!a.is_empty());
        for &t in &a {
            assert!(p.rate_at(t) > 0.0, "arrival at a zero-rate hour: {t}");
            assert!(weekday(t) < 5, "arrival on a weekend: {t}");
            assert!((7..24).contains(&(t.rem_euclid(DAY) / HOUR)), "arrival before 07:00: {t}");
        }
    }

    #[test]
    fn mean_count_matches_empirical_count() {
        let p = parse(&format!(
            "profile: {{weekday: {WEEKDAY}, saturday: [3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3]}}"
        ))
        .unwrap();
        // Odd bounds, so partial hours at both ends are exercised.
        let (from, to) = (MON + 2 * DAY + 9 * HOUR + 1234, MON + 30 * DAY + 17 * HOUR + 99);
        let expected = p.mean_count(from, to);
        let got = arrivals(&p, from, to, 4).len() as f64;
        assert!((got - expected).abs() < 4.0 * expected.sqrt(), "{got} vs {expected}");
        // By parts equals the whole; a day's count is the profile's day sum.
        let mid = MON + 11 * DAY + 3 * HOUR + 7;
        let parts = p.mean_count(from, mid) + p.mean_count(mid, to);
        assert!((parts - expected).abs() < 1e-6);
        assert_eq!(p.mean_count(MON, MON + DAY), 328.0);
        assert_eq!(p.mean_count(MON + 5 * DAY, MON + 6 * DAY), 72.0);
        assert_eq!(p.mean_count(MON + 9 * HOUR, MON + 9 * HOUR + 1800), 15.0);
        assert_eq!(p.mean_count(to, from), 0.0);
        // Long spans use whole weeks and agree with summing days.
        let weeks = p.mean_count(MON + 3 * HOUR, MON + 3 * HOUR + 52 * 7 * DAY);
        assert!((weeks - 52.0 * p.weekly_total()).abs() < 1e-6);
    }

    #[test]
    fn sparse_rates_skip_weeks_correctly() {
        // One arrival a week on average, all in one hour: counts over ten years.
        let mut rates = [0.0; HOURS_PER_WEEK];
        rates[100] = 1.0;
        let p = RateProfile::from_hour_of_week(rates).unwrap();
        let to = MON + 520 * 7 * DAY;
        let a = arrivals(&p, MON, to, 5);
        assert!(a.iter().all(|&t| hour_of_week(t) == 100));
        assert!((a.len() as f64 - 520.0).abs() < 4.0 * 520f64.sqrt(), "{}", a.len());
    }

    #[test]
    fn all_zero_profile_gives_none_without_drawing() {
        let p = RateProfile::constant(0.0).unwrap();
        let mut proc = ArrivalProcess::new(p, MON);
        let mut rng = ChaCha8Rng::seed_from_u64(6);
        let before = rng.clone();
        assert_eq!(proc.next_after(MON, &mut rng), None);
        assert_eq!(rng, before);
        assert_eq!(proc.position(), MON + MAX_SEARCH_HOURS * HOUR);
    }

    #[test]
    fn restarts_at_a_later_t_and_never_goes_back() {
        let p = RateProfile::constant(10.0).unwrap();
        let mut proc = ArrivalProcess::new(p, MON);
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let later = MON + 10 * DAY;
        let a = proc.next_after(later, &mut rng).unwrap();
        assert!(a >= later);
        let b = proc.next_after(MON, &mut rng).unwrap();
        assert!(b >= a);
    }

    #[test]
    fn golden_sequence() {
        // Pinned: a change means every scenario's arrivals move.
        let p = parse(&format!("profile: {{weekday: {WEEKDAY}}}")).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(42);
        let mut proc = ArrivalProcess::new(p, MON);
        let mut got = Vec::new();
        let mut t = MON;
        for _ in 0..8 {
            t = proc.next_after(t, &mut rng).unwrap();
            got.push(t - MON);
        }
        assert_eq!(got, GOLDEN);
    }

    const GOLDEN: [i64; 8] = [26_776, 28_933, 29_167, 29_696, 29_812, 29_884, 30_350, 30_819];

    #[test]
    fn schema_has_the_three_forms() {
        let text = serde_json::to_string(&schemars::schema_for!(RateProfile)).unwrap();
        for key in ["rate_per_hour", "profile", "hour_of_week", "weekday", "saturday", "scale"] {
            assert!(text.contains(key), "{key} missing: {text}");
        }
    }
}
