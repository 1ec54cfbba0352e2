//! Scenario files: the YAML model, loading with located errors, validation, and building the
//! engine and workload from a loaded scenario.

pub mod build;
#[cfg(test)]
mod calendar_yaml_tests;
pub mod load;
pub mod locate;
pub mod model;

pub use load::{Scenario, ScenarioError, load, parse};
