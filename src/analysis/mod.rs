//! Analysis on top of runs: Erlang C / A baselines, replications with confidence intervals,
//! what-if variants, staffing search, sharded sweeps.

pub mod baseline;
pub mod chart;
pub mod ci;
pub mod cmd;
pub mod curves;
pub mod erlang;
pub mod kpi;
pub mod replications;
pub mod shards;
pub mod staffing;
pub mod sweep;
pub mod variants;
