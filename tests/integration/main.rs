//! Integration tests: one binary with one module per behaviour (faster to link than one binary
//! per file).

mod architecture;
mod cli;
mod reports;
mod scenario_errors;
mod workload;
