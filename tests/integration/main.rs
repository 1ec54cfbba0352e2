//! Integration tests: one binary with one module per behaviour (faster to link than one binary
//! per file).

mod cli;
mod replay;
mod scenario_errors;
mod workload;
