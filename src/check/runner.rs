//! `consult-sim check`: runs scenario files in parallel and compares each with its `expect:`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use super::{Outcome, Probe, evaluate};
use crate::run::{RunSettings, run_observed};
use crate::scenario;

/// The result of one scenario file.
#[derive(Debug, Clone)]
pub struct FileResult {
    /// File.
    pub path: String,
    /// Scenario name (empty when the file did not load).
    pub name: String,
    /// Seed used.
    pub seed: u64,
    /// Each expectation.
    pub outcomes: Vec<Outcome>,
    /// A load or run error.
    pub error: Option<String>,
    /// Wall time of the run, seconds (printed only).
    pub seconds: f64,
}

impl FileResult {
    /// Loaded, ran, and every expectation held.
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.outcomes.iter().all(|o| o.passed)
    }

    /// A readable account of every failure: expected vs actual, scenario, seed and rule.
    pub fn failures(&self) -> String {
        let mut s = String::new();
        if let Some(e) = &self.error {
            s.push_str(&format!("{}: {e}\n", self.path));
        }
        for o in self.outcomes.iter().filter(|o| !o.passed) {
            s.push_str(&format!(
                "{}: expectation {} (rule {}) failed: {}: expected {}, actual {} [scenario {}, seed {}]\n",
                self.path, o.index, o.rule, o.subject, o.expected, o.actual, self.name, self.seed
            ));
        }
        s
    }
}

/// Every `*.yaml` under the given files and folders, sorted.
pub fn collect(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out);
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out.dedup();
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(p);
        }
    }
}

/// Loads, runs and checks one scenario file.
pub fn check_file(path: &Path) -> FileResult {
    let started = Instant::now();
    let p = path.display().to_string();
    let sc = match scenario::load(path) {
        Ok(sc) => sc,
        Err(e) => {
            return FileResult {
                path: p,
                name: String::new(),
                seed: 0,
                outcomes: vec![],
                error: Some(e.to_string()),
                seconds: 0.0,
            };
        }
    };
    let expect = sc.file.expect.clone();
    let result = run_observed(&sc, RunSettings::default(), (), |ids| Probe::new(&expect, ids));
    let seconds = started.elapsed().as_secs_f64();
    match result {
        Ok((out, probe)) => {
            let names: Vec<String> = out.engine.accounts().iter().map(|a| a.id.clone()).collect();
            let name_of = |i: u32| names.get(i as usize).cloned().unwrap_or_default();
            let outcomes = evaluate(&expect, &out.stats, &probe, &name_of);
            FileResult { path: p, name: sc.file.name.clone(), seed: out.seed, outcomes, error: None, seconds }
        }
        Err(e) => FileResult {
            path: p,
            name: sc.file.name.clone(),
            seed: sc.file.seed,
            outcomes: vec![],
            error: Some(e.to_string()),
            seconds,
        },
    }
}

/// Checks many files in parallel; results in path order whatever the thread count.
pub fn check_all(paths: &[PathBuf]) -> Vec<FileResult> {
    collect(paths).par_iter().map(|p| check_file(p)).collect()
}

/// The pass/fail table.
pub fn table(results: &[FileResult]) -> String {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    t.set_header(vec!["scenario file", "result", "checks", "seconds"]);
    for r in results {
        let passed = r.outcomes.iter().filter(|o| o.passed).count();
        t.add_row(vec![
            r.path.clone(),
            if r.passed() { "pass".into() } else { "FAIL".into() },
            format!("{passed}/{}", r.outcomes.len()),
            format!("{:.2}", r.seconds),
        ]);
    }
    t.to_string()
}
