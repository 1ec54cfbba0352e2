//! consult-sim: a deterministic discrete-event simulator and workload-replay testbed for a chat
//! consultation-status engine (the routing core of a customer-chat help desk).
//!
//! - [`engine`]: the pure consultation-status engine (the rules of `ENGINE_SPEC.md`);
//! - [`sim`]: the virtual clock, the future-event list, the workload;
//! - [`scenario`]: YAML scenarios with located errors;
//! - [`stats`]: streaming statistics and the run summary;
//! - [`replay`]: recording and replaying exogenous event traces;
//! - [`report`]: the report folder of a run (polars tables, plotters charts, an HTML page);
//! - [`analysis`]: Erlang baselines, replications, what-if variants, staffing search, sweeps;
//! - [`check`]: expectations in scenario files and the regression runner;
//! - [`run`]: one scenario run end to end, as the `run` command does it.

pub mod analysis;
pub mod check;
pub mod cli;
pub mod engine;
pub mod parquet;
pub mod replay;
pub mod report;
pub mod run;
pub mod scenario;
pub mod sim;
pub mod stats;
