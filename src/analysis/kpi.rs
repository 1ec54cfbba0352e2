//! The key performance indicators that replications, comparisons, staffing searches and the
//! Erlang baselines talk about, computed from one run.
//!
//! Definitions (rooms created inside the measurement window, i.e. after the warm-up):
//! * a **request** is a room that asked for an agent; requests still Waiting at the horizon are
//!   left out (their outcome is unknown), censored rooms that were already assigned stay in;
//! * **P(wait)** is the share of requests that entered Waiting (found no agent free);
//! * the **wait** is the assignment latency (request → first assignment) of the served ones;
//! * the **service level** is the share of requests assigned within the scenario's
//!   `service_level` target (an abandonment is a miss);
//! * **abandonment** is the share of requests closed without ever being assigned.

use crate::engine::Time;
use crate::stats::{Histogram, RoomRecord, RoomSink, Stats};

/// How a KPI's values are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A count.
    Count,
    /// A share in [0, 1], shown as a percentage.
    Share,
    /// Seconds.
    Seconds,
    /// A number of rooms (time average).
    Rooms,
}

/// One KPI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kpi {
    /// Key used on the command line and in files (`p90_assign`).
    pub key: &'static str,
    /// Label in tables.
    pub label: &'static str,
    /// Unit.
    pub unit: Unit,
}

/// Index of each KPI in [`KPIS`].
pub mod k {
    /// Requests.
    pub const REQUESTS: usize = 0;
    /// P(wait).
    pub const P_WAIT: usize = 1;
    /// Mean wait of the served.
    pub const MEAN_WAIT: usize = 2;
    /// Median wait.
    pub const P50: usize = 3;
    /// 90th percentile of the wait.
    pub const P90: usize = 4;
    /// 99th percentile of the wait.
    pub const P99: usize = 5;
    /// Service level.
    pub const SERVICE_LEVEL: usize = 6;
    /// Abandonment.
    pub const ABANDONMENT: usize = 7;
    /// Mean number Waiting.
    pub const MEAN_QUEUE: usize = 8;
    /// Mean number of rooms with an agent.
    pub const MEAN_BUSY: usize = 9;
    /// Mean first-reply latency.
    pub const MEAN_FIRST_REPLY: usize = 10;
}

/// Every KPI, in table order.
pub const KPIS: [Kpi; 11] = [
    Kpi { key: "requests", label: "requests", unit: Unit::Count },
    Kpi { key: "p_wait", label: "P(wait > 0)", unit: Unit::Share },
    Kpi { key: "mean_assign", label: "mean wait (served)", unit: Unit::Seconds },
    Kpi { key: "p50_assign", label: "p50 wait (served)", unit: Unit::Seconds },
    Kpi { key: "p90_assign", label: "p90 wait (served)", unit: Unit::Seconds },
    Kpi { key: "p99_assign", label: "p99 wait (served)", unit: Unit::Seconds },
    Kpi { key: "service_level", label: "service level", unit: Unit::Share },
    Kpi { key: "abandonment", label: "abandonment", unit: Unit::Share },
    Kpi { key: "mean_queue", label: "mean Waiting rooms", unit: Unit::Rooms },
    Kpi { key: "mean_busy", label: "mean rooms with an agent", unit: Unit::Rooms },
    Kpi { key: "mean_first_reply", label: "mean first reply (served)", unit: Unit::Seconds },
];

/// Number of KPIs.
pub const N_KPIS: usize = KPIS.len();

/// The index of a KPI by key (also accepts a few aliases: `sl`, `abandon`, `mean_wait`).
pub fn kpi_index(key: &str) -> Option<usize> {
    let key = match key {
        "sl" => "service_level",
        "abandon" | "abandoned" => "abandonment",
        "mean_wait" | "wait" => "mean_assign",
        "p50" => "p50_assign",
        "p90" => "p90_assign",
        "p99" => "p99_assign",
        k => k,
    };
    KPIS.iter().position(|k| k.key == key)
}

/// Formats a value of a KPI.
pub fn fmt_value(unit: Unit, v: f64) -> String {
    if v.is_nan() {
        return "-".into();
    }
    match unit {
        Unit::Count => format!("{v:.0}"),
        Unit::Share => format!("{:.2}%", 100.0 * v),
        Unit::Seconds => format!("{v:.1} s"),
        Unit::Rooms => format!("{v:.3}"),
    }
}

/// The factor from a KPI's value to its chart axis: shares are drawn as percentages.
pub fn chart_scale(unit: Unit) -> f64 {
    if unit == Unit::Share { 100.0 } else { 1.0 }
}

/// Formats a ± half-width of a KPI.
pub fn fmt_half(unit: Unit, h: f64) -> String {
    if h.is_nan() {
        return "-".into();
    }
    match unit {
        Unit::Count => format!("± {h:.1}"),
        Unit::Share => format!("± {:.2}%", 100.0 * h),
        Unit::Seconds => format!("± {h:.1} s"),
        Unit::Rooms => format!("± {h:.3}"),
    }
}

/// Per-block tallies (blocks = hours of the day) that a staffing search per shift block needs.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Requests with a known outcome.
    pub requests: u64,
    /// Of which entered Waiting.
    pub waited: u64,
    /// Of which were assigned within the target.
    pub within: u64,
    /// Of which were closed unassigned.
    pub abandoned: u64,
    /// Assignment latency of the served.
    pub latency: Histogram,
}

impl Tally {
    /// Adds another tally.
    pub fn add(&mut self, other: &Tally) {
        self.requests += other.requests;
        self.waited += other.waited;
        self.within += other.within;
        self.abandoned += other.abandoned;
        self.latency.merge(&other.latency);
    }
}

/// A room sink that tallies requests by hour of the (local) day of the request.
#[derive(Debug, Clone)]
pub struct KpiSink {
    /// Service-level target, seconds.
    pub sl_target: i64,
    /// One tally per hour of the day.
    pub hours: Vec<Tally>,
    /// First-reply latency of the served.
    pub first_reply: Histogram,
}

impl KpiSink {
    /// A sink for a target.
    pub fn new(sl_target: i64) -> KpiSink {
        KpiSink { sl_target, hours: vec![Tally::default(); 24], first_reply: Histogram::default() }
    }

    /// All hours together.
    pub fn total(&self) -> Tally {
        let mut t = Tally::default();
        for h in &self.hours {
            t.add(h);
        }
        t
    }
}

/// The hour of the day of local time `t`.
pub fn hour_of_day(t: Time) -> usize {
    (t.rem_euclid(86_400) / 3_600) as usize
}

impl RoomSink for KpiSink {
    fn room(&mut self, r: &RoomRecord) {
        let Some(req) = r.request_at else { return };
        if r.censored && r.assigned_at.is_none() {
            return; // still Waiting (or never reached an agent) at the horizon: outcome unknown
        }
        let t = &mut self.hours[hour_of_day(req)];
        t.requests += 1;
        if r.waiting_since.is_some() {
            t.waited += 1;
        }
        match r.assigned_at {
            Some(a) => {
                let lat = a - req;
                t.latency.record(lat);
                if lat <= self.sl_target {
                    t.within += 1;
                }
                if let Some(f) = r.first_reply_at {
                    self.first_reply.record(f - req);
                }
            }
            None => t.abandoned += 1,
        }
    }
}

/// KPI values of one run, in [`KPIS`] order (NaN = undefined, e.g. no request).
pub type KpiValues = [f64; N_KPIS];

fn share(n: u64, d: u64) -> f64 {
    if d == 0 { f64::NAN } else { n as f64 / d as f64 }
}

/// KPI values of a tally (the time-weighted ones are NaN: they have no per-block meaning).
pub fn tally_values(t: &Tally) -> KpiValues {
    let mut v = [f64::NAN; N_KPIS];
    let h = &t.latency;
    v[k::REQUESTS] = t.requests as f64;
    v[k::P_WAIT] = share(t.waited, t.requests);
    v[k::MEAN_WAIT] = h.mean().unwrap_or(f64::NAN);
    v[k::P50] = h.quantile(0.5).unwrap_or(f64::NAN);
    v[k::P90] = h.quantile(0.9).unwrap_or(f64::NAN);
    v[k::P99] = h.quantile(0.99).unwrap_or(f64::NAN);
    v[k::SERVICE_LEVEL] = share(t.within, t.requests);
    v[k::ABANDONMENT] = share(t.abandoned, t.requests);
    v
}

/// KPI values of a run.
pub fn values(stats: &Stats<KpiSink>) -> KpiValues {
    let sink = &stats.sink;
    let mut v = tally_values(&sink.total());
    let w = stats.window();
    // OPEN_STATES order: ChatbotInProgress, Waiting, Received, InProgress.
    v[k::MEAN_QUEUE] = stats.states[1].mean(w);
    v[k::MEAN_BUSY] = stats.states[2].mean(w) + stats.states[3].mean(w);
    v[k::MEAN_FIRST_REPLY] = sink.first_reply.mean().unwrap_or(f64::NAN);
    v
}
