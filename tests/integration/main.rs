//! Integration tests: one binary with one module per behaviour (faster to link than one binary
//! per file).

mod analysis;
mod architecture;
mod cli;
mod erlang;
mod replay;
mod replications;
mod reports;
mod scenario_errors;
mod shards;
mod workload;
