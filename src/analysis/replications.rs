//! Replications: N independent runs of one scenario (seeds `derive_seed(seed, i)`), run in
//! parallel with rayon and collected in replication order, so every figure is identical
//! whatever the number of threads.

use rayon::prelude::*;

use super::ci::{Estimate, paired};
use super::kpi::{self, KPIS, KpiSink, KpiValues, N_KPIS};
use crate::engine::{Effect, Engine, Event, Rejection, RoomState, Time};
use crate::run::{RunError, RunSettings, run_observed, run_with_sink};
use crate::scenario::Scenario;
use crate::sim::Observer;
use crate::sim::rng::derive_seed;

/// One replication's result.
#[derive(Debug, Clone)]
pub struct Replication {
    /// Index 0..N.
    pub index: u64,
    /// Seed it ran with.
    pub seed: u64,
    /// KPI values.
    pub values: KpiValues,
    /// Per-hour tallies (staffing by block).
    pub sink: KpiSink,
    /// Rooms created in the window.
    pub rooms: u64,
    /// Events processed.
    pub events: u64,
}

/// How to replicate.
#[derive(Debug, Clone, Copy)]
pub struct ReplicationSettings {
    /// How many replications.
    pub replications: u64,
    /// Base seed (None = the scenario's).
    pub seed: Option<u64>,
    /// Check invariants after every event (slow; tests).
    pub check_invariants: bool,
}

impl ReplicationSettings {
    /// `n` replications from the scenario's seed, without invariant checks.
    pub fn new(n: u64) -> ReplicationSettings {
        ReplicationSettings { replications: n, seed: None, check_invariants: false }
    }

    /// The seed of replication `i`.
    pub fn seed_of(&self, sc: &Scenario, i: u64) -> u64 {
        derive_seed(self.seed.unwrap_or(sc.file.seed), i)
    }
}

/// Runs replication `i` of a scenario.
pub fn run_one(sc: &Scenario, rs: &ReplicationSettings, i: u64) -> Result<Replication, RunError> {
    let seed = rs.seed_of(sc, i);
    let sink = KpiSink::new(sc.file.service_level.secs());
    let out = run_with_sink(sc, RunSettings { seed: Some(seed), check_invariants: rs.check_invariants }, sink)?;
    Ok(replication_of(i, seed, out))
}

/// Runs replication `i` and samples its Waiting rooms every `report.queue_step` in the same run
/// (a sweep task keeps both, so a merge of shards can draw the queue overlay without re-running).
pub fn run_one_with_queue(
    sc: &Scenario,
    rs: &ReplicationSettings,
    i: u64,
) -> Result<(Replication, Vec<(Time, u32)>), RunError> {
    let seed = rs.seed_of(sc, i);
    let sink = KpiSink::new(sc.file.service_level.secs());
    let step = sc.file.report.queue_step.secs();
    let settings = RunSettings { seed: Some(seed), check_invariants: rs.check_invariants };
    let (out, sampler) = run_observed(sc, settings, sink, |_| Ok(QueueSampler::new(step)))?;
    Ok((replication_of(i, seed, out), sampler.samples))
}

fn replication_of(index: u64, seed: u64, out: crate::run::RunOutput<KpiSink>) -> Replication {
    Replication {
        index,
        seed,
        values: kpi::values(&out.stats),
        rooms: out.stats.rooms,
        events: out.counters.events,
        sink: out.stats.sink,
    }
}

/// Runs every replication in parallel (on the current rayon pool); results in index order.
pub fn replicate(sc: &Scenario, rs: &ReplicationSettings) -> Result<Vec<Replication>, RunError> {
    (0..rs.replications).into_par_iter().map(|i| run_one(sc, rs, i)).collect()
}

/// The values of one KPI across replications.
pub fn column(reps: &[Replication], kpi: usize) -> Vec<f64> {
    reps.iter().map(|r| r.values[kpi]).collect()
}

/// Mean and 95 % CI of every KPI.
pub fn estimates(reps: &[Replication]) -> [Estimate; N_KPIS] {
    std::array::from_fn(|i| Estimate::of(&column(reps, i)))
}

/// Mean and 95 % CI of `b − a` for every KPI, replication by replication (common random
/// numbers: replication i of both ran with the same seed).
pub fn differences(a: &[Replication], b: &[Replication]) -> [Estimate; N_KPIS] {
    std::array::from_fn(|i| paired(&column(a, i), &column(b, i)))
}

/// The KPI table of a set of replications: KPI, mean, ±95 % half-width, CI, and (when given)
/// the analytic value.
pub fn table(reps: &[Replication], baseline: Option<&[Option<f64>; N_KPIS]>) -> comfy_table::Table {
    let est = estimates(reps);
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    let mut header =
        vec!["KPI".to_string(), format!("mean of {}", reps.len()), "95% CI ±".to_string(), "95% CI".to_string()];
    if let Some(_b) = baseline {
        header.push("analytic".into());
    }
    t.set_header(header);
    for (i, kd) in KPIS.iter().enumerate() {
        let e = &est[i];
        let mut row = vec![
            kd.label.to_string(),
            kpi::fmt_value(kd.unit, e.mean),
            kpi::fmt_half(kd.unit, e.half),
            if e.half.is_nan() {
                "-".into()
            } else {
                format!("[{}, {}]", kpi::fmt_value(kd.unit, e.lo()), kpi::fmt_value(kd.unit, e.hi()))
            },
        ];
        if let Some(b) = baseline {
            row.push(b[i].map(|v| kpi::fmt_value(kd.unit, v)).unwrap_or_else(|| "".into()));
        }
        t.add_row(row);
    }
    t
}

/// Samples the number of Waiting rooms every `step` seconds (the value just before the events
/// of each sampling instant).
#[derive(Debug, Clone)]
pub struct QueueSampler {
    step: i64,
    next: Time,
    current: u32,
    /// (time, Waiting rooms).
    pub samples: Vec<(Time, u32)>,
}

impl QueueSampler {
    /// A sampler with a step in seconds (at least 1).
    pub fn new(step: i64) -> QueueSampler {
        QueueSampler { step: step.max(1), next: Time::MIN, current: 0, samples: Vec::new() }
    }

    fn catch_up(&mut self, at: Time) {
        while self.next <= at {
            self.samples.push((self.next, self.current));
            self.next += self.step;
        }
    }
}

impl Observer for QueueSampler {
    fn start(&mut self, at: Time, _engine: &Engine) {
        self.next = at;
    }
    fn before(&mut self, at: Time, engine: &Engine) {
        if at >= self.next {
            self.current = engine.totals().per_state[RoomState::Waiting.index()] as u32;
            self.catch_up(at);
        }
    }
    fn observe(&mut self, _: Time, _: &Event, _: &Result<(), Rejection>, _: &[Effect], engine: &Engine) {
        self.current = engine.totals().per_state[RoomState::Waiting.index()] as u32;
    }
    fn finish(&mut self, end: Time, _engine: &Engine) {
        self.catch_up(end);
    }
}

/// The Waiting-room count over time of replication `i`, sampled every `report.queue_step`.
pub fn queue_series(sc: &Scenario, rs: &ReplicationSettings, i: u64) -> Result<Vec<(Time, u32)>, RunError> {
    let seed = rs.seed_of(sc, i);
    let step = sc.file.report.queue_step.secs();
    let (_, sampler) = run_observed(sc, RunSettings { seed: Some(seed), check_invariants: false }, (), |_| {
        Ok(QueueSampler::new(step))
    })?;
    Ok(sampler.samples)
}
