//! One scenario run end to end: scenario → engine → workload → simulation → statistics.
//! The `run` command and the tests call this; it does no I/O besides what its caller asks for.

use crate::engine::{ConfigError, Engine, RoomId};
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
    /// A replayed trace is bad (docs/REPLAY.md).
    #[error("{0}")]
    Replay(crate::replay::TraceError),
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
    /// What a replay fed and skipped (None when the generator drove the run). Terminal only:
    /// the report files of a replay stay byte-identical to the recorded run's.
    pub replay: Option<crate::replay::ReplayCounts>,
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
    run_observed(sc, opts, sink, |_| Ok(())).map(|(o, ())| o)
}

/// Runs a scenario with a per-room sink and one more observer, built once the workload knows the
/// scripted room labels (`make(room label → id)`).
pub fn run_observed<S: RoomSink, O: Observer>(
    sc: &Scenario,
    opts: RunSettings,
    sink: S,
    make: impl FnOnce(&dyn Fn(&str) -> Option<RoomId>) -> Result<O, String>,
) -> Result<(RunOutput<S>, O), RunError> {
    let seed = opts.seed.unwrap_or(sc.file.seed);
    let path = sc.path.clone();
    let mut engine = Engine::new(sc.engine_config()).map_err(|err| RunError::Config { path: path.clone(), err })?;
    let mut workload =
        Generator::new(sc, &engine, seed).map_err(|message| RunError::Workload { path: path.clone(), message })?;
    let labels = workload.room_labels.clone();
    let replay = sc.file.workload.replay.as_ref().map(|r| r.options());
    // A replay's rooms are the trace's numbers: expectations may name them (`room: "17"`).
    let numbered = replay.is_some();
    let ids = move |l: &str| {
        labels
            .iter()
            .position(|x| x == l)
            .map(|i| RoomId(i as u64 + 1))
            .or_else(|| if numbered { l.trim().parse().ok().map(RoomId) } else { None })
    };
    let extra = make(&ids).map_err(|message| RunError::Workload { path: path.clone(), message })?;
    let start = sc.start();
    let stats = Stats::with_sink(start + sc.file.warm_up.secs(), sc.file.service_level.secs(), sink);
    let mut observers = (stats, extra);
    let options = RunOptions { start, end: sc.end(), check_invariants: opts.check_invariants, seed, strict: false };
    let mut replay_counts = None;
    let counters = match &replay {
        None => sim::run(&mut engine, &mut workload, &mut observers, &options),
        Some(r) => {
            let mut replay = crate::replay::workload(sc, &engine, r, workload, seed)
                .map_err(|e| crate::replay::run_error(e, &path))?;
            let counters = sim::run(&mut engine, &mut replay, &mut observers, &options);
            // A bad trace explains whatever else went wrong.
            replay_counts = Some(replay.finish().map_err(RunError::Replay)?);
            counters
        }
    }
    .map_err(|err| RunError::Sim { path, err })?;
    let (stats, extra) = observers;
    let summary = Summary::build(&sc.file.name, seed, &stats);
    Ok((RunOutput { stats, counters, summary, seed, engine, replay: replay_counts }, extra))
}

/// Runs a scenario.
pub fn run(sc: &Scenario, opts: RunSettings) -> Result<RunOutput, RunError> {
    run_with_sink(sc, opts, ())
}
