//! The command line: clap definitions and dispatch. Everything testable lives in the library;
//! this file parses arguments, calls it, prints, and maps errors to exit codes.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{CommandFactory, Parser, Subcommand};

use crate::run::{RunSettings, run};
use crate::scenario;

/// consult-sim: a deterministic simulator of a chat consultation-status engine.
#[derive(Debug, Parser)]
#[command(name = "consult-sim", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once
pub enum Command {
    /// Run a scenario and print its summary; writes reports/<scenario name>/ (or --out).
    Run {
        /// Scenario file.
        scenario: PathBuf,
        /// Seed (default: the scenario's).
        #[arg(long)]
        seed: Option<u64>,
        /// Output folder (default: reports/<scenario name>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Skip the invariant checks after every event (faster).
        #[arg(long)]
        no_invariants: bool,
        /// Print only where the outputs went.
        #[arg(long, short)]
        quiet: bool,
        /// Write the run's exogenous event stream (a trace, docs/REPLAY.md) to FILE (.csv or
        /// .parquet), atomically.
        #[arg(long, value_name = "FILE")]
        record: Option<PathBuf>,
        /// Replay a trace.
        #[command(flatten)]
        replay: crate::replay::spec::ReplayArgs,
    },
    /// Run scenarios (folders mean every *.yaml under them) in parallel and check their
    /// `expect:` sections; exits non-zero on any failure.
    Check {
        /// Scenario files or folders (default: scenarios/).
        paths: Vec<PathBuf>,
    },
    /// Check a scenario file without running it.
    Validate {
        /// Scenario files.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
    },
    /// Print the JSON Schema of scenario files.
    Schema,
    /// Print shell completions.
    Completions {
        /// Shell.
        shell: clap_complete::Shell,
    },
}

/// Runs the command line; returns the process exit code.
pub fn main_with(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Run { scenario, seed, out, no_invariants, quiet, record, replay } => {
            cmd_run(&scenario, seed, out, no_invariants, quiet, record, replay)
        }
        Command::Check { paths } => {
            let paths = if paths.is_empty() { vec![PathBuf::from("scenarios")] } else { paths };
            let results = crate::check::runner::check_all(&paths);
            println!("{}", crate::check::runner::table(&results));
            let failed: Vec<_> = results.iter().filter(|r| !r.passed()).collect();
            for r in &failed {
                eprint!("{}", r.failures());
            }
            println!(
                "{} scenario files, {} passed, {} failed",
                results.len(),
                results.len() - failed.len(),
                failed.len()
            );
            Ok(if failed.is_empty() { 0 } else { 1 })
        }
        Command::Validate { scenarios } => {
            let mut bad = 0;
            for p in scenarios {
                match scenario::load(&p) {
                    Ok(sc) => println!("{}: ok ({})", p.display(), sc.file.name),
                    Err(e) => {
                        eprintln!("{e}");
                        bad += 1;
                    }
                }
            }
            Ok(if bad > 0 { 2 } else { 0 })
        }
        Command::Schema => {
            println!("{}", schema_json());
            Ok(0)
        }
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "consult-sim", &mut std::io::stdout());
            Ok(0)
        }
    }
}

/// The JSON Schema of scenario files, derived from the types that parse them.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(scenario::model::ScenarioFile);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}

#[allow(clippy::too_many_arguments)]
fn cmd_run(
    path: &Path,
    seed: Option<u64>,
    out: Option<PathBuf>,
    no_invariants: bool,
    quiet: bool,
    record: Option<PathBuf>,
    replay: crate::replay::spec::ReplayArgs,
) -> Result<i32> {
    let mut sc = match scenario::load(path) {
        Ok(sc) => sc,
        Err(e) => {
            eprintln!("{e}");
            return Ok(2);
        }
    };
    if let Err(e) = replay.apply(&mut sc) {
        eprintln!("error: {e}");
        return Ok(2);
    }
    let started = Instant::now();
    let settings = RunSettings { seed, check_invariants: !no_invariants };
    let result = match &record {
        None => run(&sc, settings).map(|o| (o, None)),
        Some(p) => crate::run::run_observed(&sc, settings, (), |_| crate::replay::record::Recorder::create(p))
            .map(|(o, r)| (o, Some(r))),
    };
    let wall = started.elapsed().as_secs_f64();
    let (output, recorder) = match result {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(1);
        }
    };
    if let (Some(r), Some(p)) = (recorder, &record) {
        match r.commit() {
            Ok(rows) => println!("trace recorded: {rows} events to {}", p.display()),
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(1);
            }
        }
    }
    let dir = out.unwrap_or_else(|| PathBuf::from("reports").join(&sc.file.name));
    write_atomic(
        &dir.join("summary.md"),
        output.summary.markdown(&format!("consult-sim run: {}", sc.file.name)).as_bytes(),
    )?;
    if !quiet {
        println!("{}", output.summary.table());
        let rooms = output.stats.rooms as f64;
        let events = output.counters.events as f64;
        println!(
            "{} rooms, {} events in {:.3} s wall time: {:.0} rooms/s, {:.0} events/s",
            output.stats.rooms,
            output.counters.events,
            wall,
            rooms / wall.max(1e-9),
            events / wall.max(1e-9)
        );
        if !output.counters.rejected.is_empty() {
            let list: Vec<String> = output.counters.rejected.iter().map(|(r, n)| format!("{r}: {n}")).collect();
            println!("inputs rejected by the engine (D6): {}", list.join(", "));
        }
    }
    println!("reports written to {}", dir.display());
    Ok(0)
}

/// Writes a file atomically: a temporary file in the same folder, then a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tmp = dir.join(format!(".{}.tmp", path.file_name().and_then(|s| s.to_str()).unwrap_or("out")));
    {
        let mut f = std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
        f.write_all(bytes)?;
        f.sync_all().ok();
    }
    std::fs::rename(&tmp, path).with_context(|| format!("cannot move {} into place", path.display()))?;
    Ok(())
}
