//! The analysis commands behind the command line (`run --replications`, `compare`, `staff`,
//! `merge`): load, compute, print, write. Kept apart from `cli.rs` so that file stays a thin
//! dispatcher.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;

use super::baseline;
use super::replications::{self, ReplicationSettings};
use crate::cli::write_atomic;
use crate::scenario::{self, Scenario};

/// Loads a scenario, printing its error (exit code 2) when it does not load.
pub fn load_or_report(path: &Path) -> Result<Scenario, i32> {
    scenario::load(path).map_err(|e| {
        eprintln!("{e}");
        2
    })
}

/// `run FILE --replications N`.
pub fn replications(
    path: &Path,
    seed: Option<u64>,
    out: Option<PathBuf>,
    n: u64,
    check_invariants: bool,
    quiet: bool,
) -> Result<i32> {
    let sc = match load_or_report(path) {
        Ok(sc) => sc,
        Err(code) => return Ok(code),
    };
    if n == 0 {
        eprintln!("error: --replications must be at least 1");
        return Ok(2);
    }
    let rs = ReplicationSettings { replications: n, seed, check_invariants };
    let started = Instant::now();
    let reps = match replications::replicate(&sc, &rs) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(1);
        }
    };
    let wall = started.elapsed().as_secs_f64();
    let base = baseline::of_scenario(&sc);
    let table = replications::table(&reps, base.as_ref().ok().map(|(_, _, v)| v));
    let mut md = String::new();
    let _ = writeln!(md, "# consult-sim run: {} — {} replications\n", sc.file.name, n);
    let _ = writeln!(
        md,
        "Seeds: derive_seed({}, i) for i = 0..{n}. Service-level target {}.\n",
        seed.unwrap_or(sc.file.seed),
        sc.file.service_level
    );
    if let Ok((q, b, _)) = &base {
        let _ = writeln!(md, "Analytic baseline: {}.\n", baseline::describe(q, b));
    }
    let _ = writeln!(md, "```text\n{table}\n```");
    let dir = out.unwrap_or_else(|| PathBuf::from("reports").join(&sc.file.name));
    write_atomic(&dir.join("replications.md"), md.as_bytes())?;
    if !quiet {
        println!("{} — {} replications (service level within {})", sc.file.name, n, sc.file.service_level);
        if let Ok((q, b, _)) = &base {
            println!("analytic baseline — {}", baseline::describe(q, b));
        }
        println!("{table}");
        let rooms: u64 = reps.iter().map(|r| r.rooms).sum();
        println!("{} rooms in {:.3} s wall time on {} threads", rooms, wall, rayon::current_num_threads());
    }
    println!("reports written to {}", dir.display());
    Ok(0)
}
