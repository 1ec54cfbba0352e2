//! Analysis on top of runs: Erlang C / A baselines, replications with confidence intervals,
//! what-if variants, staffing search, sharded sweeps.

pub mod erlang;
