//! Distributions of durations (SIM5): how long a chatbot dwell, a customer's patience or an
//! agent's handling lasts.
//!
//! Scenario files write a distribution as a one-key map naming its family; every duration is a
//! number of seconds or a string with units (`90s`, `10m`, `1h30m`, `1.5h`, `2d`):
//!
//! ```yaml
//! constant: 10m                      # or {constant: 600}
//! exponential: {mean: 10m}
//! uniform: {min: 1m, max: 5m}
//! lognormal: {mean: 5m, sd: 2m}      # mean and standard deviation of the distribution itself
//! gamma: {shape: 2.0, mean: 10m}
//! erlang: {k: 3, mean: 10m}
//! empirical: {values: [30s, 1m, 5m], weights: [0.2, 0.5, 0.3]}   # weights optional (equal)
//! ```
//!
//! Parameters are validated while parsing, so a [`Distribution`] that exists is always valid
//! and sampling cannot fail. Each family keeps its `rand_distr` sampler, built once at
//! construction, so a draw allocates nothing.
//!
//! Determinism: a draw is a pure function of the generator's state. How many words of the
//! generator a draw consumes depends on the family (`constant` none, `uniform` one,
//! `exponential`, `lognormal` and `gamma` usually one or two — they use rejection or ziggurat
//! methods), which is why each concern has its own stream (see [`super::rng`]). The samplers
//! call `ln`/`exp` from the platform's math library, so bit-identical draws are guaranteed for
//! the same target and toolchain; across operating systems a last-bit difference is possible.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use rand::Rng;
use rand::RngExt;
use rand::distr::Distribution as _;
use rand::distr::Uniform as UniformSampler;
use rand::distr::weighted::WeightedIndex;
use rand_distr::{Exp, Gamma as GammaSampler, LogNormal as LogNormalSampler};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// Why a distribution, a duration or a weighted choice was rejected.
///
/// The messages name the family and the parameter and say what was expected, because they are
/// shown verbatim to the author of a scenario file (serde prefixes the location).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DistError {
    /// A duration string or number that is not a duration.
    #[error(
        "invalid duration `{input}`: {reason}; expected a non-negative number of seconds or a \
         string such as `90s`, `10m`, `1h30m`, `1.5h`, `2d`"
    )]
    Duration {
        /// What was written.
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A parameter out of its range.
    #[error("{dist}: `{param}` must be {expected}, got {value}")]
    Param {
        /// Family (`exponential`, …).
        dist: &'static str,
        /// Parameter name as written in YAML.
        param: &'static str,
        /// The condition it must meet.
        expected: &'static str,
        /// The value given.
        value: f64,
    },
    /// `uniform` with `min > max`.
    #[error("uniform: `min` ({min} s) must be <= `max` ({max} s)")]
    Range {
        /// Lower bound given.
        min: f64,
        /// Upper bound given.
        max: f64,
    },
    /// `erlang` with `k = 0`.
    #[error("erlang: `k` must be an integer >= 1, got {k}")]
    ErlangK {
        /// The `k` given.
        k: u32,
    },
    /// No values or items to choose from.
    #[error("{what}: needs at least one {item}")]
    Empty {
        /// `empirical` or `choice`.
        what: &'static str,
        /// What was missing (`value`, `item`).
        item: &'static str,
    },
    /// `weights` and `values` of different lengths.
    #[error(
        "{what}: {weights} weights given for {values} values; give one weight per value, in \
         the same order, or omit `weights` for equal weights"
    )]
    WeightCount {
        /// `empirical`.
        what: &'static str,
        /// Number of values.
        values: usize,
        /// Number of weights.
        weights: usize,
    },
    /// A negative, infinite or NaN weight.
    #[error("{what}: the weight of {item} must be a finite number >= 0, got {value}")]
    Weight {
        /// `empirical` or `choice`.
        what: &'static str,
        /// Which item (`value #2`, `` `billing` ``).
        item: String,
        /// The weight given.
        value: f64,
    },
    /// All weights zero.
    #[error("{what}: the weights must have a positive sum (at least one weight > 0)")]
    WeightSum {
        /// `empirical` or `choice`.
        what: &'static str,
    },
}

// ---------------------------------------------------------------------------------------------
// Durations
// ---------------------------------------------------------------------------------------------

/// A finite, non-negative duration in seconds, as written in scenario files: either a number
/// of seconds (`600`, `2.5`) or a string of `<number><unit>` parts with units `d`, `h`, `m`, `s`,
/// largest first, each at most once (`"90s"`, `"10m"`, `"1h30m"`, `"1.5h"`, `"1d 2h"`).
///
/// Kept as `f64` so that fractional means (`2.5`) survive; whole-second rounding happens only
/// when a sample is turned into simulator time ([`Distribution::sample_secs`]).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct DurationSecs(f64);

impl DurationSecs {
    /// A duration of `secs` seconds; rejects negative, infinite and NaN values.
    pub fn new(secs: f64) -> Result<DurationSecs, DistError> {
        if secs.is_finite() && secs >= 0.0 {
            // `-0.0` is normalised so that it prints and compares as `0`.
            Ok(DurationSecs(secs + 0.0))
        } else {
            Err(DistError::Duration {
                input: secs.to_string(),
                reason: "a duration must be a finite number >= 0".to_string(),
            })
        }
    }

    /// Parses `"1h30m"`-style strings (see the type's documentation).
    pub fn parse(input: &str) -> Result<DurationSecs, DistError> {
        parse_duration(input)
            .and_then(|secs| if secs.is_finite() { Ok(secs) } else { Err("the value is too large".to_string()) })
            .map(DurationSecs)
            .map_err(|reason| DistError::Duration { input: input.to_string(), reason })
    }

    /// The duration in seconds.
    pub fn secs(self) -> f64 {
        self.0
    }
}

impl FromStr for DurationSecs {
    type Err = DistError;
    fn from_str(s: &str) -> Result<DurationSecs, DistError> {
        DurationSecs::parse(s)
    }
}

impl From<DurationSecs> for f64 {
    fn from(d: DurationSecs) -> f64 {
        d.0
    }
}

/// Shows whole-second durations in the compact unit form (`1h30m`, `45s`, `0s`), others as
/// fractional seconds (`2.5s`); the output parses back to the same value.
impl fmt::Display for DurationSecs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        if v.fract() != 0.0 || v >= 9.0e15 {
            return write!(f, "{v}s");
        }
        // Whole and below 2^53: exact as an integer.
        let mut rest = v as u64;
        if rest == 0 {
            return f.write_str("0s");
        }
        for (unit, len) in [("d", 86_400u64), ("h", 3_600), ("m", 60), ("s", 1)] {
            let n = rest / len;
            if n > 0 {
                write!(f, "{n}{unit}")?;
                rest %= len;
            }
        }
        Ok(())
    }
}

/// Parses the unit form; returns the reason on failure (the caller adds the input).
fn parse_duration(input: &str) -> Result<f64, String> {
    let mut rest = input.trim();
    if rest.is_empty() {
        return Err("the string is empty".to_string());
    }
    let mut total = 0.0f64;
    // Rank of the previous unit (d = 0 … s = 3), to enforce "largest first, at most once".
    let mut last_rank: Option<u8> = None;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let (num_text, after) = rest.split_at(num_len);
        if num_text.is_empty() {
            return Err(format!("expected a number at `{rest}`"));
        }
        let num: f64 = num_text.parse().map_err(|_| format!("`{num_text}` is not a number"))?;
        let after = after.trim_start();
        let unit_len = after.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        let (rank, scale) = match unit {
            "d" => (0u8, 86_400.0),
            "h" => (1, 3_600.0),
            "m" => (2, 60.0),
            "s" => (3, 1.0),
            "" => {
                return Err(format!(
                    "`{num_text}` has no unit (write `{num_text}s`, or a plain number without \
                     quotes for seconds)"
                ));
            }
            other => return Err(format!("unknown unit `{other}` (use d, h, m or s)")),
        };
        if last_rank.is_some_and(|last| rank <= last) {
            return Err("units must appear at most once, largest first (like `1h30m`)".to_string());
        }
        last_rank = Some(rank);
        total += num * scale;
        rest = after.trim_start();
    }
    Ok(total)
}

/// Accepts a number of seconds or a duration string.
impl<'de> Deserialize<'de> for DurationSecs {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<DurationSecs, D::Error> {
        struct DurationVisitor;

        impl Visitor<'_> for DurationVisitor {
            type Value = DurationSecs;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a duration: a non-negative number of seconds or a string such as \"90s\", \
                     \"10m\", \"1h30m\"",
                )
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DurationSecs, E> {
                DurationSecs::new(v as f64).map_err(E::custom)
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DurationSecs, E> {
                DurationSecs::new(v as f64).map_err(E::custom)
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<DurationSecs, E> {
                DurationSecs::new(v).map_err(E::custom)
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<DurationSecs, E> {
                DurationSecs::parse(v).map_err(E::custom)
            }
        }

        deserializer.deserialize_any(DurationVisitor)
    }
}

/// Writes a number of seconds (an integer when whole), the form every reader accepts.
impl Serialize for DurationSecs {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        if v.fract() == 0.0 && v < 9.0e15 { serializer.serialize_u64(v as u64) } else { serializer.serialize_f64(v) }
    }
}

impl JsonSchema for DurationSecs {
    fn schema_name() -> Cow<'static, str> {
        "DurationSecs".into()
    }

    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::DurationSecs").into()
    }

    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A duration: a non-negative number of seconds, or a string of \
                            <number><unit> parts with units d, h, m, s, largest first \
                            (\"90s\", \"10m\", \"1h30m\", \"1.5h\").",
            "anyOf": [
                { "type": "number", "minimum": 0 },
                {
                    "type": "string",
                    "pattern": "^\\s*((\\d+(\\.\\d*)?|\\.\\d+)\\s*[dhms]\\s*)+$"
                }
            ]
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Families
// ---------------------------------------------------------------------------------------------

/// Checks a positive, finite parameter.
fn positive(dist: &'static str, param: &'static str, value: f64) -> Result<f64, DistError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(DistError::Param { dist, param, expected: "a finite number > 0", value })
    }
}

/// Checks a non-negative, finite duration parameter.
fn non_negative(dist: &'static str, param: &'static str, value: f64) -> Result<f64, DistError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value + 0.0)
    } else {
        Err(DistError::Param { dist, param, expected: "a finite number of seconds >= 0", value })
    }
}

/// `constant: <duration>` — always the same value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(from = "DurationSecs", into = "DurationSecs")]
pub struct Constant {
    value: f64,
}

impl Constant {
    /// Always `value` seconds (finite, >= 0).
    pub fn new(value: f64) -> Result<Constant, DistError> {
        Ok(Constant { value: non_negative("constant", "value", value)? })
    }

    /// The value in seconds.
    pub fn value(&self) -> f64 {
        self.value
    }
}

impl From<DurationSecs> for Constant {
    fn from(d: DurationSecs) -> Constant {
        Constant { value: d.secs() }
    }
}

impl From<Constant> for DurationSecs {
    fn from(c: Constant) -> DurationSecs {
        DurationSecs(c.value)
    }
}

/// What `exponential:` holds.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ExponentialSpec {
    /// Mean (> 0).
    mean: DurationSecs,
}

/// `exponential: {mean}` — memoryless; the usual model of a time until an unplanned event.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "ExponentialSpec", into = "ExponentialSpec")]
pub struct Exponential {
    mean: f64,
    sampler: Exp<f64>,
}

impl Exponential {
    /// Exponential with the given mean in seconds (> 0).
    pub fn new(mean: f64) -> Result<Exponential, DistError> {
        let mean = positive("exponential", "mean", mean)?;
        let sampler = Exp::new(1.0 / mean).map_err(|_| DistError::Param {
            dist: "exponential",
            param: "mean",
            expected: "a finite number > 0",
            value: mean,
        })?;
        Ok(Exponential { mean, sampler })
    }

    /// Mean in seconds.
    pub fn mean(&self) -> f64 {
        self.mean
    }
}

impl TryFrom<ExponentialSpec> for Exponential {
    type Error = DistError;
    fn try_from(s: ExponentialSpec) -> Result<Exponential, DistError> {
        Exponential::new(s.mean.secs())
    }
}

impl From<Exponential> for ExponentialSpec {
    fn from(d: Exponential) -> ExponentialSpec {
        ExponentialSpec { mean: DurationSecs(d.mean) }
    }
}

/// What `uniform:` holds.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct UniformSpec {
    /// Lower bound.
    min: DurationSecs,
    /// Upper bound (>= `min`).
    max: DurationSecs,
}

/// `uniform: {min, max}` — every value in `[min, max]` equally likely.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "UniformSpec", into = "UniformSpec")]
pub struct Uniform {
    min: f64,
    max: f64,
    sampler: UniformSampler<f64>,
}

impl Uniform {
    /// Uniform on `[min, max]` seconds (`0 <= min <= max`, finite; `min == max` is allowed
    /// and always gives that value).
    pub fn new(min: f64, max: f64) -> Result<Uniform, DistError> {
        let min = non_negative("uniform", "min", min)?;
        let max = non_negative("uniform", "max", max)?;
        if min > max {
            return Err(DistError::Range { min, max });
        }
        let sampler = UniformSampler::new_inclusive(min, max).map_err(|_| DistError::Range { min, max })?;
        Ok(Uniform { min, max, sampler })
    }

    /// Lower bound in seconds.
    pub fn min(&self) -> f64 {
        self.min
    }

    /// Upper bound in seconds.
    pub fn max(&self) -> f64 {
        self.max
    }
}

impl TryFrom<UniformSpec> for Uniform {
    type Error = DistError;
    fn try_from(s: UniformSpec) -> Result<Uniform, DistError> {
        Uniform::new(s.min.secs(), s.max.secs())
    }
}

impl From<Uniform> for UniformSpec {
    fn from(d: Uniform) -> UniformSpec {
        UniformSpec { min: DurationSecs(d.min), max: DurationSecs(d.max) }
    }
}

/// What `lognormal:` holds.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct LogNormalSpec {
    /// Mean of the distribution itself (> 0), not of its logarithm.
    mean: DurationSecs,
    /// Standard deviation of the distribution itself (> 0).
    sd: DurationSecs,
}

/// `lognormal: {mean, sd}` — right-skewed with a long tail; a common fit for handling times.
///
/// Written with the mean `m` and standard deviation `s` of the durations themselves, because
/// those are what a help desk measures; the underlying normal's parameters are
/// `σ² = ln(1 + s²/m²)` and `μ = ln m − σ²/2`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "LogNormalSpec", into = "LogNormalSpec")]
pub struct LogNormal {
    mean: f64,
    sd: f64,
    mu: f64,
    sigma: f64,
    sampler: LogNormalSampler<f64>,
}

impl LogNormal {
    /// Log-normal with the given mean and standard deviation in seconds (both > 0).
    pub fn new(mean: f64, sd: f64) -> Result<LogNormal, DistError> {
        let mean = positive("lognormal", "mean", mean)?;
        let sd = positive("lognormal", "sd", sd)?;
        let cv = sd / mean;
        // ln_1p keeps precision for small coefficients of variation.
        let sigma2 = (cv * cv).ln_1p();
        let sigma = sigma2.sqrt();
        let mu = mean.ln() - sigma2 / 2.0;
        let invalid = || DistError::Param {
            dist: "lognormal",
            param: "sd",
            expected: "a finite number > 0 not vastly larger than `mean`",
            value: sd,
        };
        if !(sigma.is_finite() && sigma > 0.0 && mu.is_finite()) {
            return Err(invalid());
        }
        let sampler = LogNormalSampler::new(mu, sigma).map_err(|_| invalid())?;
        Ok(LogNormal { mean, sd, mu, sigma, sampler })
    }

    /// Mean in seconds.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// Standard deviation in seconds.
    pub fn sd(&self) -> f64 {
        self.sd
    }

    /// μ, the mean of the logarithm.
    pub fn mu(&self) -> f64 {
        self.mu
    }

    /// σ, the standard deviation of the logarithm.
    pub fn sigma(&self) -> f64 {
        self.sigma
    }
}

impl TryFrom<LogNormalSpec> for LogNormal {
    type Error = DistError;
    fn try_from(s: LogNormalSpec) -> Result<LogNormal, DistError> {
        LogNormal::new(s.mean.secs(), s.sd.secs())
    }
}

impl From<LogNormal> for LogNormalSpec {
    fn from(d: LogNormal) -> LogNormalSpec {
        LogNormalSpec { mean: DurationSecs(d.mean), sd: DurationSecs(d.sd) }
    }
}

/// What `gamma:` holds.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct GammaSpec {
    /// Shape k (> 0): 1 is exponential; larger is less variable (CV = 1/√k).
    shape: f64,
    /// Mean (> 0); the scale is `mean / shape`.
    mean: DurationSecs,
}

/// `gamma: {shape, mean}` — written with the mean rather than the scale so that changing the
/// variability (shape) keeps the workload's mean.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "GammaSpec", into = "GammaSpec")]
pub struct Gamma {
    shape: f64,
    mean: f64,
    sampler: GammaSampler<f64>,
}

impl Gamma {
    /// Gamma with the given shape (> 0) and mean in seconds (> 0).
    pub fn new(shape: f64, mean: f64) -> Result<Gamma, DistError> {
        let shape = positive("gamma", "shape", shape)?;
        let mean = positive("gamma", "mean", mean)?;
        let sampler = gamma_sampler("gamma", shape, mean)?;
        Ok(Gamma { shape, mean, sampler })
    }

    /// Shape.
    pub fn shape(&self) -> f64 {
        self.shape
    }

    /// Mean in seconds.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// Scale (`mean / shape`) in seconds.
    pub fn scale(&self) -> f64 {
        self.mean / self.shape
    }
}

/// A gamma sampler with the given shape and mean (both already checked > 0).
fn gamma_sampler(dist: &'static str, shape: f64, mean: f64) -> Result<GammaSampler<f64>, DistError> {
    let scale = mean / shape;
    let invalid = || DistError::Param {
        dist,
        param: "mean",
        expected: "a finite number > 0 with a finite positive `mean / shape`",
        value: mean,
    };
    if !(scale.is_finite() && scale > 0.0) {
        return Err(invalid());
    }
    GammaSampler::new(shape, scale).map_err(|_| invalid())
}

impl TryFrom<GammaSpec> for Gamma {
    type Error = DistError;
    fn try_from(s: GammaSpec) -> Result<Gamma, DistError> {
        Gamma::new(s.shape, s.mean.secs())
    }
}

impl From<Gamma> for GammaSpec {
    fn from(d: Gamma) -> GammaSpec {
        GammaSpec { shape: d.shape, mean: DurationSecs(d.mean) }
    }
}

/// What `erlang:` holds.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ErlangSpec {
    /// Number of exponential phases (>= 1).
    #[schemars(range(min = 1))]
    k: u32,
    /// Mean of the whole (> 0); each phase has mean `mean / k`.
    mean: DurationSecs,
}

/// `erlang: {k, mean}` — the sum of `k` exponential phases; a gamma with integer shape.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "ErlangSpec", into = "ErlangSpec")]
pub struct Erlang {
    k: u32,
    mean: f64,
    sampler: GammaSampler<f64>,
}

impl Erlang {
    /// Erlang with `k >= 1` phases and the given mean in seconds (> 0).
    pub fn new(k: u32, mean: f64) -> Result<Erlang, DistError> {
        if k == 0 {
            return Err(DistError::ErlangK { k });
        }
        let mean = positive("erlang", "mean", mean)?;
        let sampler = gamma_sampler("erlang", f64::from(k), mean)?;
        Ok(Erlang { k, mean, sampler })
    }

    /// Number of phases.
    pub fn k(&self) -> u32 {
        self.k
    }

    /// Mean in seconds.
    pub fn mean(&self) -> f64 {
        self.mean
    }
}

impl TryFrom<ErlangSpec> for Erlang {
    type Error = DistError;
    fn try_from(s: ErlangSpec) -> Result<Erlang, DistError> {
        Erlang::new(s.k, s.mean.secs())
    }
}

impl From<Erlang> for ErlangSpec {
    fn from(d: Erlang) -> ErlangSpec {
        ErlangSpec { k: d.k, mean: DurationSecs(d.mean) }
    }
}

/// What `empirical:` holds.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct EmpiricalSpec {
    /// The possible durations (at least one).
    #[schemars(length(min = 1))]
    values: Vec<DurationSecs>,
    /// One non-negative weight per value, with a positive sum; omitted = equal weights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    weights: Option<Vec<f64>>,
}

/// `empirical: {values, weights}` — a discrete choice among observed durations (no
/// interpolation), for replaying a measured histogram.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "EmpiricalSpec", into = "EmpiricalSpec")]
pub struct Empirical {
    values: Vec<f64>,
    weights: Option<Vec<f64>>,
    mean: f64,
    index: WeightedIndex<f64>,
}

impl Empirical {
    /// A choice among `values` (seconds, finite, >= 0) with optional `weights` (one per value,
    /// finite, >= 0, positive sum; `None` = equal weights).
    pub fn new(values: Vec<f64>, weights: Option<Vec<f64>>) -> Result<Empirical, DistError> {
        const WHAT: &str = "empirical";
        if values.is_empty() {
            return Err(DistError::Empty { what: WHAT, item: "value" });
        }
        for &v in &values {
            non_negative(WHAT, "values", v)?;
        }
        let values: Vec<f64> = values.into_iter().map(|v| v + 0.0).collect();
        let effective = match &weights {
            Some(w) => {
                if w.len() != values.len() {
                    return Err(DistError::WeightCount { what: WHAT, values: values.len(), weights: w.len() });
                }
                w.clone()
            }
            None => vec![1.0; values.len()],
        };
        let index = weighted_index(WHAT, &effective, |i| format!("value #{}", i + 1))?;
        let total: f64 = effective.iter().sum();
        let mean = values.iter().zip(&effective).map(|(v, w)| v * w).sum::<f64>() / total;
        Ok(Empirical { values, weights, mean, index })
    }

    /// The values in seconds.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The weights as given (`None` = equal).
    pub fn weights(&self) -> Option<&[f64]> {
        self.weights.as_deref()
    }
}

impl TryFrom<EmpiricalSpec> for Empirical {
    type Error = DistError;
    fn try_from(s: EmpiricalSpec) -> Result<Empirical, DistError> {
        Empirical::new(s.values.into_iter().map(DurationSecs::secs).collect(), s.weights)
    }
}

impl From<Empirical> for EmpiricalSpec {
    fn from(d: Empirical) -> EmpiricalSpec {
        EmpiricalSpec { values: d.values.into_iter().map(DurationSecs).collect(), weights: d.weights }
    }
}

/// Validates weights (finite, >= 0, positive sum) and builds the sampler; `name(i)` names the
/// `i`-th item in error messages.
fn weighted_index(
    what: &'static str,
    weights: &[f64],
    name: impl Fn(usize) -> String,
) -> Result<WeightedIndex<f64>, DistError> {
    if weights.is_empty() {
        return Err(DistError::Empty { what, item: "item" });
    }
    for (i, &w) in weights.iter().enumerate() {
        if !(w.is_finite() && w >= 0.0) {
            return Err(DistError::Weight { what, item: name(i), value: w });
        }
    }
    let total: f64 = weights.iter().sum();
    if !(total.is_finite() && total > 0.0) {
        return Err(DistError::WeightSum { what });
    }
    WeightedIndex::new(weights.iter().copied()).map_err(|_| DistError::WeightSum { what })
}

// ---------------------------------------------------------------------------------------------
// The distribution
// ---------------------------------------------------------------------------------------------

/// A distribution of durations (seconds): a map with one key naming the family, such as
/// `exponential: {mean: 10m}`.
// Every value of this type is valid, so sampling never fails and never allocates.
//
// Serde's "externally tagged" shape, but (de)serialised by hand (below) rather than derived:
// `yaml_serde` reads and writes derived enums as YAML tags (`!exponential {mean: 600}`) and
// rejects one-key maps; by hand, the same one-key map works in YAML and JSON alike. The
// JsonSchema derive still describes exactly that shape.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Distribution {
    /// Always the same duration: `constant: 10m`.
    Constant(Constant),
    /// Exponential: `exponential: {mean: 10m}`.
    Exponential(Exponential),
    /// Uniform on `[min, max]`: `uniform: {min: 1m, max: 5m}`.
    Uniform(Uniform),
    /// Log-normal by its own mean and standard deviation: `lognormal: {mean: 5m, sd: 2m}`.
    LogNormal(LogNormal),
    /// Gamma by shape and mean: `gamma: {shape: 2.0, mean: 10m}`.
    Gamma(Gamma),
    /// Erlang (sum of k exponential phases): `erlang: {k: 3, mean: 10m}`.
    Erlang(Erlang),
    /// Discrete choice among durations: `empirical: {values: [30s, 1m], weights: [0.4, 0.6]}`.
    Empirical(Empirical),
}

/// The family names as written in YAML, in the variants' order.
pub const FAMILIES: [&str; 7] = ["constant", "exponential", "uniform", "lognormal", "gamma", "erlang", "empirical"];

impl<'de> Deserialize<'de> for Distribution {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Distribution, D::Error> {
        deserializer.deserialize_map(DistributionVisitor)
    }
}

/// Reads the one-key map form of [`Distribution`].
struct DistributionVisitor;

impl<'de> Visitor<'de> for DistributionVisitor {
    type Value = Distribution;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "a distribution: a map with one key naming the family, such as \
             `exponential: {mean: 10m}` (constant, exponential, uniform, lognormal, gamma, \
             erlang or empirical)",
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Distribution, A::Error> {
        let Some(family) = map.next_key::<String>()? else {
            return Err(de::Error::custom(
                "empty map: a distribution needs one key naming its family (constant, \
                 exponential, uniform, lognormal, gamma, erlang or empirical)",
            ));
        };
        let d = match family.as_str() {
            "constant" => Distribution::Constant(map.next_value()?),
            "exponential" => Distribution::Exponential(map.next_value()?),
            "uniform" => Distribution::Uniform(map.next_value()?),
            "lognormal" => Distribution::LogNormal(map.next_value()?),
            "gamma" => Distribution::Gamma(map.next_value()?),
            "erlang" => Distribution::Erlang(map.next_value()?),
            "empirical" => Distribution::Empirical(map.next_value()?),
            other => return Err(de::Error::unknown_variant(other, &FAMILIES)),
        };
        if let Some(extra) = map.next_key::<String>()? {
            return Err(de::Error::custom(format_args!(
                "a distribution is a map with exactly one key, its family; found `{family}` \
                 and `{extra}`"
            )));
        }
        Ok(d)
    }
}

/// Writes the one-key map form, durations as numbers of seconds.
impl Serialize for Distribution {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        let family = self.family();
        match self {
            Distribution::Constant(d) => map.serialize_entry(family, d)?,
            Distribution::Exponential(d) => map.serialize_entry(family, d)?,
            Distribution::Uniform(d) => map.serialize_entry(family, d)?,
            Distribution::LogNormal(d) => map.serialize_entry(family, d)?,
            Distribution::Gamma(d) => map.serialize_entry(family, d)?,
            Distribution::Erlang(d) => map.serialize_entry(family, d)?,
            Distribution::Empirical(d) => map.serialize_entry(family, d)?,
        }
        map.end()
    }
}

impl Distribution {
    /// Always `secs` seconds. For defaults written in code: a negative or NaN `secs` becomes 0
    /// and an infinite one the largest finite `f64`, so this cannot fail; use
    /// [`Constant::new`] to validate a value instead.
    pub fn constant_secs(secs: f64) -> Distribution {
        let v = if secs.is_nan() { 0.0 } else { secs.clamp(0.0, f64::MAX) };
        Distribution::Constant(Constant { value: v + 0.0 })
    }

    /// Exponential with mean `mean` seconds. For defaults written in code: a mean that is not
    /// a finite number > 0 gives [`Distribution::constant_secs`]`(mean)` (the limit as the mean
    /// goes to 0, or a clamped constant), so this cannot fail; use [`Exponential::new`] to
    /// validate a value instead.
    pub fn exponential_secs(mean: f64) -> Distribution {
        match Exponential::new(mean) {
            Ok(e) => Distribution::Exponential(e),
            Err(_) => Distribution::constant_secs(mean),
        }
    }

    /// The family's name as written in YAML.
    pub fn family(&self) -> &'static str {
        let i = match self {
            Distribution::Constant(_) => 0,
            Distribution::Exponential(_) => 1,
            Distribution::Uniform(_) => 2,
            Distribution::LogNormal(_) => 3,
            Distribution::Gamma(_) => 4,
            Distribution::Erlang(_) => 5,
            Distribution::Empirical(_) => 6,
        };
        FAMILIES[i]
    }

    /// One draw in seconds (finite and >= 0).
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = match self {
            Distribution::Constant(d) => d.value,
            Distribution::Exponential(d) => d.sampler.sample(rng),
            Distribution::Uniform(d) => d.sampler.sample(rng),
            Distribution::LogNormal(d) => d.sampler.sample(rng),
            Distribution::Gamma(d) => d.sampler.sample(rng),
            Distribution::Erlang(d) => d.sampler.sample(rng),
            Distribution::Empirical(d) => d.values[d.index.sample(rng)],
        };
        // Guards the contract against float edge cases (NaN compares false, so it maps to 0).
        if x > 0.0 { x.min(f64::MAX) } else { 0.0 }
    }

    /// One draw in whole seconds, for simulator time: the `f64` draw rounded half up
    /// (`x.round()`, which for `x >= 0` rounds halves up: 0.5 → 1, 1.49 → 1), saturating at
    /// `i64::MAX`. Always >= 0.
    ///
    /// Rounding to nearest rather than truncating keeps the mean of the whole-second values
    /// within ±0.5 s of [`Distribution::mean`] instead of biasing it down by ~0.5 s.
    pub fn sample_secs<R: Rng + ?Sized>(&self, rng: &mut R) -> i64 {
        // `as` saturates for values beyond i64::MAX.
        self.sample(rng).round() as i64
    }

    /// The distribution's mean in seconds (exact, not estimated).
    pub fn mean(&self) -> f64 {
        match self {
            Distribution::Constant(d) => d.value,
            Distribution::Exponential(d) => d.mean,
            Distribution::Uniform(d) => d.min + (d.max - d.min) / 2.0,
            Distribution::LogNormal(d) => d.mean,
            Distribution::Gamma(d) => d.mean,
            Distribution::Erlang(d) => d.mean,
            Distribution::Empirical(d) => d.mean,
        }
    }
}

impl From<Constant> for Distribution {
    fn from(d: Constant) -> Distribution {
        Distribution::Constant(d)
    }
}

impl From<Exponential> for Distribution {
    fn from(d: Exponential) -> Distribution {
        Distribution::Exponential(d)
    }
}

impl From<Uniform> for Distribution {
    fn from(d: Uniform) -> Distribution {
        Distribution::Uniform(d)
    }
}

impl From<LogNormal> for Distribution {
    fn from(d: LogNormal) -> Distribution {
        Distribution::LogNormal(d)
    }
}

impl From<Gamma> for Distribution {
    fn from(d: Gamma) -> Distribution {
        Distribution::Gamma(d)
    }
}

impl From<Erlang> for Distribution {
    fn from(d: Erlang) -> Distribution {
        Distribution::Erlang(d)
    }
}

impl From<Empirical> for Distribution {
    fn from(d: Empirical) -> Distribution {
        Distribution::Empirical(d)
    }
}

// ---------------------------------------------------------------------------------------------
// Bernoulli and weighted choice
// ---------------------------------------------------------------------------------------------

/// `true` with probability `p`.
///
/// Always consumes exactly one `u64` of the generator whatever `p` is (so a share changing from
/// 0 to 0.1 does not shift the stream's later draws), and never panics: `p <= 0` or NaN is
/// never true, `p >= 1` always. The draw is a uniform `f64` in `[0, 1)` with 53 random bits.
pub fn bernoulli<R: Rng + ?Sized>(rng: &mut R, p: f64) -> bool {
    rng.random::<f64>() < p
}

/// A weighted choice among items, e.g. the channel of a new room.
///
/// The items keep the order they were given in (a `BTreeMap` gives sorted labels), which fixes
/// which item each random number maps to: a `HashMap`'s order would make results depend on the
/// process. Sampling consumes one uniform draw (even with a single item) and allocates nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice<T> {
    items: Vec<T>,
    weights: Vec<f64>,
    index: WeightedIndex<f64>,
}

impl<T> Choice<T> {
    /// A choice among `items` with their weights (finite, >= 0, positive sum; at least one
    /// item). Weights need not sum to 1.
    pub fn new(items: Vec<(T, f64)>) -> Result<Choice<T>, DistError> {
        let (items, weights): (Vec<T>, Vec<f64>) = items.into_iter().unzip();
        let index = weighted_index("choice", &weights, |i| format!("item #{}", i + 1))?;
        Ok(Choice { items, weights, index })
    }

    /// Draws an item.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> &T {
        &self.items[self.index.sample(rng)]
    }

    /// Draws an item's position in [`Choice::items`].
    pub fn sample_index<R: Rng + ?Sized>(&self, rng: &mut R) -> usize {
        self.index.sample(rng)
    }

    /// The items, in order.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The weights as given, in the items' order.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// The probability of the `i`-th item (0 when out of range).
    pub fn probability(&self, i: usize) -> f64 {
        let total: f64 = self.weights.iter().sum();
        self.weights.get(i).map_or(0.0, |w| w / total)
    }
}

impl Choice<String> {
    /// A choice among labels, in the map's (sorted) order; errors name the label.
    pub fn from_map(map: BTreeMap<String, f64>) -> Result<Choice<String>, DistError> {
        let weights: Vec<f64> = map.values().copied().collect();
        let labels: Vec<&String> = map.keys().collect();
        let index = weighted_index("choice", &weights, |i| {
            labels.get(i).map_or_else(|| format!("item #{}", i + 1), |l| format!("`{l}`"))
        })?;
        Ok(Choice { items: map.into_keys().collect(), weights, index })
    }
}

impl TryFrom<BTreeMap<String, f64>> for Choice<String> {
    type Error = DistError;
    fn try_from(map: BTreeMap<String, f64>) -> Result<Choice<String>, DistError> {
        Choice::from_map(map)
    }
}

/// Written as a map `label: weight`.
impl<'de> Deserialize<'de> for Choice<String> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Choice<String>, D::Error> {
        let map = BTreeMap::<String, f64>::deserialize(deserializer)?;
        Choice::from_map(map).map_err(de::Error::custom)
    }
}

/// Written as a map `label: weight`, in the items' order.
impl Serialize for Choice<String> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.items.iter().zip(&self.weights))
    }
}

impl JsonSchema for Choice<String> {
    fn schema_name() -> Cow<'static, str> {
        "Choice".into()
    }

    fn schema_id() -> Cow<'static, str> {
        concat!(module_path!(), "::Choice<String>").into()
    }

    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A weighted choice: a map label → weight (finite, >= 0, positive sum).",
            "type": "object",
            "minProperties": 1,
            "additionalProperties": { "type": "number", "minimum": 0 }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn yaml(s: &str) -> Result<Distribution, String> {
        serde_yaml::from_str::<Distribution>(s).map_err(|e| e.to_string())
    }

    fn ok(s: &str) -> Distribution {
        match yaml(s) {
            Ok(d) => d,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    fn err(s: &str) -> String {
        match yaml(s) {
            Ok(d) => panic!("{s} parsed as {d:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn durations_parse() {
        let p = |s: &str| DurationSecs::parse(s).map(DurationSecs::secs);
        assert_eq!(p("90s"), Ok(90.0));
        assert_eq!(p("10m"), Ok(600.0));
        assert_eq!(p("1h30m"), Ok(5400.0));
        assert_eq!(p("1h 30m 5s"), Ok(5405.0));
        assert_eq!(p("1.5h"), Ok(5400.0));
        assert_eq!(p("2d"), Ok(172_800.0));
        assert_eq!(p(" 0s "), Ok(0.0));
        assert_eq!(p(".5m"), Ok(30.0));
        for bad in ["", "10", "10x", "1ms", "m", "30m1h", "1h1h", "-5s", "1..5s", "1e3s", "5 s x"] {
            assert!(p(bad).is_err(), "{bad:?} should be rejected");
        }
        let e = DurationSecs::parse("10x").unwrap_err().to_string();
        assert!(e.contains("unknown unit `x`"), "{e}");
        let e = DurationSecs::parse("10").unwrap_err().to_string();
        assert!(e.contains("has no unit"), "{e}");
    }

    #[test]
    fn durations_deserialize_from_numbers_and_strings() {
        let d = |s: &str| serde_yaml::from_str::<DurationSecs>(s).map(DurationSecs::secs);
        assert_eq!(d("600").ok(), Some(600.0));
        assert_eq!(d("2.5").ok(), Some(2.5));
        assert_eq!(d("10m").ok(), Some(600.0));
        assert_eq!(d("\"1h30m\"").ok(), Some(5400.0));
        let e = d("-1").unwrap_err().to_string();
        assert!(e.contains(">= 0"), "{e}");
        assert!(d(".nan").is_err());
        assert!(d(".inf").is_err());
        assert!(d("[1]").is_err());
    }

    #[test]
    fn durations_display_and_serialize_round_trip() {
        for (secs, shown) in [(0.0, "0s"), (45.0, "45s"), (5400.0, "1h30m"), (90_061.0, "1d1h1m1s"), (2.5, "2.5s")] {
            let d = DurationSecs::new(secs).unwrap();
            assert_eq!(d.to_string(), shown);
            assert_eq!(DurationSecs::parse(shown).unwrap(), d);
        }
        assert_eq!(serde_json::to_string(&DurationSecs::new(600.0).unwrap()).unwrap(), "600");
        assert_eq!(serde_json::to_string(&DurationSecs::new(2.5).unwrap()).unwrap(), "2.5");
    }

    #[test]
    fn all_yaml_forms_parse() {
        assert_eq!(ok("constant: 10m").mean(), 600.0);
        assert_eq!(ok("{constant: 600}").mean(), 600.0);
        assert_eq!(ok("exponential: {mean: 10m}").mean(), 600.0);
        assert_eq!(ok("uniform: {min: 1m, max: 5m}").mean(), 180.0);
        assert_eq!(ok("uniform: {min: 1m, max: 1m}").mean(), 60.0);
        assert_eq!(ok("lognormal: {mean: 5m, sd: 2m}").mean(), 300.0);
        assert_eq!(ok("gamma: {shape: 2.0, mean: 10m}").mean(), 600.0);
        assert_eq!(ok("erlang: {k: 3, mean: 10m}").mean(), 600.0);
        let e = ok("empirical: {values: [30s, 1m, 5m], weights: [0.2, 0.5, 0.3]}");
        assert!((e.mean() - (6.0 + 30.0 + 90.0)).abs() < 1e-9);
        assert_eq!(ok("empirical: {values: [30s, 90s]}").mean(), 60.0);
        let block = "exponential:\n  mean: 1h30m\n";
        assert_eq!(ok(block).mean(), 5400.0);
    }

    #[test]
    fn parse_errors_are_clear() {
        let cases = [
            ("exponential: {mean: 0}", "exponential: `mean` must be a finite number > 0, got 0"),
            ("exponential: {mean: -5}", "must be a finite number >= 0"),
            ("uniform: {min: 5m, max: 1m}", "uniform: `min` (300 s) must be <= `max` (60 s)"),
            ("lognormal: {mean: 5m, sd: 0}", "lognormal: `sd` must be a finite number > 0, got 0"),
            ("gamma: {shape: 0, mean: 10m}", "gamma: `shape` must be a finite number > 0, got 0"),
            ("gamma: {shape: -1.5, mean: 10m}", "gamma: `shape` must be a finite number > 0, got -1.5"),
            ("erlang: {k: 0, mean: 10m}", "erlang: `k` must be an integer >= 1, got 0"),
            ("erlang: {k: 1.5, mean: 10m}", "expected u32"),
            ("empirical: {values: []}", "empirical: needs at least one value"),
            ("empirical: {values: [1m, 2m], weights: [1]}", "1 weights given for 2 values"),
            (
                "empirical: {values: [1m, 2m], weights: [1, -1]}",
                "the weight of value #2 must be a finite number >= 0, got -1",
            ),
            ("empirical: {values: [1m, 2m], weights: [0, 0]}", "positive sum"),
            ("exponential: {mean: 10m, sd: 1m}", "unknown field `sd`"),
            ("exponential: {}", "missing field `mean`"),
            ("normal: {mean: 10m}", "unknown variant `normal`"),
            ("constant: 10x", "unknown unit `x`"),
        ];
        for (input, want) in cases {
            let got = err(input);
            assert!(got.contains(want), "{input}\n  got:  {got}\n  want: {want}");
        }
    }

    #[test]
    fn serialize_round_trips() {
        for s in [
            "constant: 600",
            "exponential: {mean: 600}",
            "uniform: {min: 60, max: 300}",
            "lognormal: {mean: 300, sd: 120}",
            "gamma: {shape: 2.5, mean: 600}",
            "erlang: {k: 3, mean: 600}",
            "empirical: {values: [30, 60], weights: [1.0, 3.0]}",
            "empirical: {values: [30, 60.5]}",
        ] {
            let d = ok(s);
            let back: Distribution = serde_yaml::from_str(&serde_yaml::to_string(&d).unwrap()).unwrap();
            assert_eq!(back, d, "{s}");
            let json = serde_json::to_string(&d).unwrap();
            let back: Distribution = serde_json::from_str(&json).unwrap();
            assert_eq!(back, d, "{json}");
        }
        assert_eq!(
            serde_json::to_string(&ok("erlang: {k: 3, mean: 10m}")).unwrap(),
            r#"{"erlang":{"k":3,"mean":600}}"#
        );
        assert_eq!(serde_json::to_string(&ok("constant: 1m")).unwrap(), r#"{"constant":60}"#);
    }

    /// Sample mean over 100k draws against the exact mean: within 4 standard errors.
    fn check_mean(d: &Distribution, sd: f64) {
        let mut rng = ChaCha8Rng::seed_from_u64(12345);
        let n = 100_000;
        let mut sum = 0.0;
        for _ in 0..n {
            let x = d.sample(&mut rng);
            assert!(x >= 0.0 && x.is_finite());
            sum += x;
        }
        let m = sum / n as f64;
        let tol = 4.0 * sd / (n as f64).sqrt() + 1e-9;
        assert!((m - d.mean()).abs() <= tol, "{d:?}: sample mean {m}, mean {}, tol {tol}", d.mean());
    }

    #[test]
    fn sample_means_match() {
        check_mean(&ok("constant: 10m"), 0.0);
        check_mean(&ok("exponential: {mean: 10m}"), 600.0);
        check_mean(&ok("uniform: {min: 1m, max: 5m}"), 240.0 / 12f64.sqrt());
        check_mean(&ok("lognormal: {mean: 5m, sd: 2m}"), 120.0);
        check_mean(&ok("gamma: {shape: 2.0, mean: 10m}"), 600.0 / 2f64.sqrt());
        check_mean(&ok("gamma: {shape: 0.5, mean: 10m}"), 600.0 / 0.5f64.sqrt());
        check_mean(&ok("erlang: {k: 3, mean: 10m}"), 600.0 / 3f64.sqrt());
        check_mean(&ok("empirical: {values: [30s, 1m, 5m], weights: [0.2, 0.5, 0.3]}"), 120.0);
    }

    #[test]
    fn lognormal_sd_matches() {
        let d = ok("lognormal: {mean: 5m, sd: 2m}");
        let mut rng = ChaCha8Rng::seed_from_u64(99);
        let xs: Vec<f64> = (0..100_000).map(|_| d.sample(&mut rng)).collect();
        let m = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (xs.len() - 1) as f64;
        assert!((var.sqrt() - 120.0).abs() < 3.0, "sd {}", var.sqrt());
    }

    #[test]
    fn sample_secs_rounds_half_up() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        assert_eq!(Distribution::constant_secs(0.5).sample_secs(&mut rng), 1);
        assert_eq!(Distribution::constant_secs(1.49).sample_secs(&mut rng), 1);
        assert_eq!(Distribution::constant_secs(2.5).sample_secs(&mut rng), 3);
        assert_eq!(Distribution::constant_secs(0.0).sample_secs(&mut rng), 0);
        assert_eq!(Distribution::constant_secs(f64::INFINITY).sample_secs(&mut rng), i64::MAX);
    }

    #[test]
    fn infallible_constructors_clamp() {
        assert_eq!(Distribution::constant_secs(-3.0).mean(), 0.0);
        assert_eq!(Distribution::constant_secs(f64::NAN).mean(), 0.0);
        assert_eq!(Distribution::exponential_secs(600.0).family(), "exponential");
        assert_eq!(Distribution::exponential_secs(0.0), Distribution::constant_secs(0.0));
    }

    #[test]
    fn golden_first_draws() {
        // Pinned: a change means rand/rand_distr changed an algorithm and results will move.
        let cases = [
            ("exponential: {mean: 10m}", GOLDEN[0]),
            ("uniform: {min: 1m, max: 5m}", GOLDEN[1]),
            ("lognormal: {mean: 5m, sd: 2m}", GOLDEN[2]),
            ("gamma: {shape: 2.0, mean: 10m}", GOLDEN[3]),
            ("erlang: {k: 3, mean: 10m}", GOLDEN[4]),
            ("empirical: {values: [30s, 1m, 5m], weights: [0.2, 0.5, 0.3]}", GOLDEN[5]),
        ];
        for (s, want) in cases {
            let mut rng = ChaCha8Rng::seed_from_u64(2024);
            let got: Vec<i64> = (0..3).map(|_| ok(s).sample_secs(&mut rng)).collect();
            assert_eq!(got, want, "{s}");
        }
    }

    const GOLDEN: [[i64; 3]; 6] =
        [[88, 878, 444], [100, 296, 225], [213, 475, 330], [276, 690, 658], [337, 690, 664], [30, 300, 60]];

    #[test]
    fn bernoulli_edges_and_rate() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        assert!((0..1000).all(|_| !bernoulli(&mut rng, 0.0)));
        assert!((0..1000).all(|_| bernoulli(&mut rng, 1.0)));
        assert!((0..100).all(|_| !bernoulli(&mut rng, f64::NAN)));
        assert!((0..100).all(|_| bernoulli(&mut rng, 7.0)));
        let hits = (0..100_000).filter(|_| bernoulli(&mut rng, 0.3)).count();
        assert!((hits as f64 - 30_000.0).abs() < 4.0 * (100_000.0f64 * 0.21).sqrt());
        // One draw per call whatever p is.
        let mut a = ChaCha8Rng::seed_from_u64(6);
        let mut b = ChaCha8Rng::seed_from_u64(6);
        bernoulli(&mut a, 0.0);
        bernoulli(&mut b, 0.9);
        assert_eq!(a.next_u64(), b.next_u64());
    }

    #[test]
    fn choice_samples_by_weight_and_validates() {
        let map = BTreeMap::from([("b".to_string(), 3.0), ("a".to_string(), 1.0), ("z".to_string(), 0.0)]);
        let c = Choice::from_map(map).unwrap();
        assert_eq!(c.items(), ["a", "b", "z"]);
        assert_eq!(c.probability(1), 0.75);
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut counts = BTreeMap::new();
        for _ in 0..40_000 {
            *counts.entry(c.sample(&mut rng).clone()).or_insert(0u32) += 1;
        }
        assert_eq!(counts.get("z"), None);
        let b = f64::from(counts["b"]);
        assert!((b - 30_000.0).abs() < 400.0, "{counts:?}");

        let v = Choice::new(vec![(true, 1.0), (false, 1.0)]).unwrap();
        assert_eq!(v.items(), [true, false]);
        let e = Choice::<u8>::new(vec![]).unwrap_err().to_string();
        assert_eq!(e, "choice: needs at least one item");
        let e = Choice::new(vec![(1, 0.0), (2, 0.0)]).unwrap_err().to_string();
        assert!(e.contains("positive sum"), "{e}");
        let e = Choice::from_map(BTreeMap::from([("agent".to_string(), -1.0)])).unwrap_err().to_string();
        assert_eq!(e, "choice: the weight of `agent` must be a finite number >= 0, got -1");
        let e = Choice::new(vec![(1, f64::INFINITY)]).unwrap_err().to_string();
        assert!(e.contains("finite"), "{e}");
    }

    #[test]
    fn choice_serde() {
        let c: Choice<String> = serde_yaml::from_str("{agent: 3, customer: 1}").unwrap();
        assert_eq!(c.items(), ["agent", "customer"]);
        assert_eq!(serde_json::to_string(&c).unwrap(), r#"{"agent":3.0,"customer":1.0}"#);
        let e = serde_yaml::from_str::<Choice<String>>("{agent: 0}").unwrap_err().to_string();
        assert!(e.contains("positive sum"), "{e}");
    }

    #[test]
    fn schema_lists_every_family() {
        let schema = schemars::schema_for!(Distribution);
        let text = serde_json::to_string(&schema).unwrap();
        for family in ["constant", "exponential", "uniform", "lognormal", "gamma", "erlang", "empirical"] {
            assert!(text.contains(&format!("\"{family}\"")), "{family} missing from {text}");
        }
        assert!(text.contains("DurationSecs"));
        assert!(text.contains("additionalProperties"));
    }
}
