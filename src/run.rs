//! One scenario run end to end: scenario → engine → workload → simulation → statistics.
//! The `run` command and the tests call this; it does no I/O besides what its caller asks for.

use crate::engine::{ConfigError, Engine};
use crate::scenario::Scenario;
use crate::sim::workload::Generator;
use crate::sim::{self, Observer, RunCounters, RunOptions, SimError};
use crate::stats::{RoomSink, Stats, Summary};

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The engine refused the configuration.
    #[error("{path}: {err}")]
    Config {
        /// Scenario file.
        path: String,
        /// What.
        err: ConfigError,
    },
    /// The workload could not be built.
    #[error("{path}: {message}")]
    Workload {
        /// Scenario file.
        path: String,
        /// What.
        message: String,
    },
    /// The simulation stopped.
    #[error("{path}: {err}")]
    Sim {
        /// Scenario file.
        path: String,
        /// What.
        err: SimError,
    },
}

/// What a run produced.
#[derive(Debug)]
pub struct RunOutput<S: RoomSink = ()> {
    /// Statistics.
    pub stats: Stats<S>,
    /// Loop counters.
    pub counters: RunCounters,
    /// The summary.
    pub summary: Summary,
    /// The seed used.
    pub seed: u64,
    /// The engine at the end (for expectations).
    pub engine: Engine,
}

/// Options of a run.
#[derive(Debug, Clone, Copy)]
pub struct RunSettings {
    /// Seed (None = the scenario's).
    pub seed: Option<u64>,
    /// Check SIM6 after every event.
    pub check_invariants: bool,
}

impl Default for RunSettings {
    fn default() -> Self {
        RunSettings { seed: None, check_invariants: true }
    }
}

/// Runs a scenario with a per-room sink.
pub fn run_with_sink<S: RoomSink>(sc: &Scenario, opts: RunSettings, sink: S) -> Result<RunOutput<S>, RunError> {
    run_observed(sc, opts, sink, ()).map(|(output, ())| output)
}

/// Runs a scenario with a per-room sink and an extra observer (reports, progress), which sees
/// every event after the statistics do and is handed back at the end.
pub fn run_observed<S: RoomSink, O: Observer>(
    sc: &Scenario,
    opts: RunSettings,
    sink: S,
    observer: O,
) -> Result<(RunOutput<S>, O), RunError> {
    let seed = opts.seed.unwrap_or(sc.file.seed);
    let path = sc.path.clone();
    let mut engine = Engine::new(sc.engine_config()).map_err(|err| RunError::Config { path: path.clone(), err })?;
    let mut workload =
        Generator::new(sc, &engine, seed).map_err(|message| RunError::Workload { path: path.clone(), message })?;
    let start = sc.start();
    let stats = Stats::with_sink(start + sc.file.warm_up.secs(), sc.file.service_level.secs(), sink);
    let options = RunOptions { start, end: sc.end(), check_invariants: opts.check_invariants, seed, strict: false };
    let mut observers = (stats, observer);
    let counters =
        sim::run(&mut engine, &mut workload, &mut observers, &options).map_err(|err| RunError::Sim { path, err })?;
    let (stats, observer) = observers;
    let summary = Summary::build(&sc.file.name, seed, &stats);
    Ok((RunOutput { stats, counters, summary, seed, engine }, observer))
}

/// Runs a scenario.
pub fn run(sc: &Scenario, opts: RunSettings) -> Result<RunOutput, RunError> {
    run_with_sink(sc, opts, ())
}
