//! The command line: clap definitions and dispatch. Everything testable lives in the library;
//! this file parses arguments, calls it, prints, and maps errors to exit codes.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{CommandFactory, Parser, Subcommand};

use crate::report::{self, ReportError, ReportOptions};
use crate::run::RunSettings;
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
        /// Print only where the outputs went (and no progress bar).
        #[arg(long, short)]
        quiet: bool,
        /// Write only summary.md: no tables, charts or page (for timing the simulation alone).
        #[arg(long)]
        no_report: bool,
        /// Run N independent replications in parallel (seeds derived from the seed) and print
        /// the mean and 95% confidence interval of every KPI.
        #[arg(long, short = 'n')]
        replications: Option<u64>,
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
    /// Compare two scenario files, or a scenario with its `variants:`, on the same customers
    /// (common random numbers): KPI table with differences and their 95% CIs, latency CDF chart.
    Compare {
        /// Base scenario.
        a: PathBuf,
        /// Second scenario (optional with --variant or declared variants).
        b: Option<PathBuf>,
        /// Variants of A to compare with A (default: every declared variant when B is absent).
        #[arg(long)]
        variant: Vec<String>,
        /// Replications per scenario.
        #[arg(long, short = 'n', default_value_t = 10)]
        replications: u64,
        /// Base seed (default: A's).
        #[arg(long)]
        seed: Option<u64>,
        /// Output folder (default: reports/compare-<A's name>).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Find the smallest number of agents meeting KPI targets with 95% confidence and print the
    /// curve (agents vs KPI).
    Staff {
        /// Scenario file.
        scenario: PathBuf,
        /// Target, e.g. "p90_assign<=2m", "80% within 20s", "abandonment<=5%" (repeatable; all
        /// must hold).
        #[arg(long, short = 't', required = true)]
        target: Vec<String>,
        /// Team prefix whose count is sized (default: the first team of agents).
        #[arg(long)]
        team: Option<String>,
        /// Smallest count tried.
        #[arg(long, default_value_t = 1)]
        min: u32,
        /// Largest count tried (default: 3 × the scenario's count).
        #[arg(long)]
        max: Option<u32>,
        /// Replications per staffing level.
        #[arg(long, short = 'n', default_value_t = 10)]
        replications: u64,
        /// Base seed (default: the scenario's).
        #[arg(long)]
        seed: Option<u64>,
        /// Levels evaluated each side of the answer for the curve.
        #[arg(long, default_value_t = 3)]
        context: u32,
        /// Size every team that has a `shift:` separately, each measured on the requests made
        /// during its shift's hours (per hour-of-day block); --max bounds each team.
        #[arg(long)]
        by_shift: bool,
        /// Output folder (default: reports/<scenario name>).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Run a sweep (variants × team sizes × replications), or one deterministic shard of it
    /// (`--shard K/N`, written as Parquet for `merge`).
    Sweep {
        /// Scenario file.
        scenario: PathBuf,
        /// Variants to include besides the scenario as written (repeatable).
        #[arg(long)]
        variant: Vec<String>,
        /// Include every declared variant.
        #[arg(long)]
        all_variants: bool,
        /// Team sizes, e.g. `10..14` or `10,12,16` (default: the scenario's).
        #[arg(long)]
        agents: Option<String>,
        /// Team whose size --agents sets (default: the first team of agents).
        #[arg(long)]
        team: Option<String>,
        /// Replications per (variant, size).
        #[arg(long, short = 'n', default_value_t = 10)]
        replications: u64,
        /// Base seed (default: the scenario's).
        #[arg(long)]
        seed: Option<u64>,
        /// Run only shard K of N (1-based): writes shard-K-of-N.parquet.
        #[arg(long)]
        shard: Option<String>,
        /// Output folder (default: reports/sweep-<scenario name>).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Merge shard files of a sweep into the tables of a one-machine run (sweep.parquet, sweep.md).
    Merge {
        /// Shard files (shard-K-of-N.parquet).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
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
        Command::Run { scenario, seed, out, no_invariants, quiet, replications: Some(n), .. } => {
            crate::analysis::cmd::replications(&scenario, seed, out, n, !no_invariants, quiet)
        }
        Command::Run { scenario, seed, out, no_invariants, quiet, no_report, replications: None, record, replay } => {
            cmd_run(&scenario, seed, out, RunFlags { no_invariants, quiet, no_report }, record, replay)
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
        Command::Compare { a, b, variant, replications, seed, out } => {
            crate::analysis::cmd::compare(&a, b.as_deref(), &variant, replications, seed, out)
        }
        Command::Staff { scenario, target, team, min, max, replications, seed, context, by_shift, out } => {
            if by_shift {
                crate::analysis::cmd::staff_by_shift(&scenario, &target, max, replications, seed, out)
            } else {
                crate::analysis::cmd::staff(
                    &scenario,
                    &target,
                    team.as_deref(),
                    min,
                    max,
                    replications,
                    seed,
                    context,
                    out,
                )
            }
        }
        Command::Sweep { scenario, variant, all_variants, agents, team, replications, seed, shard, out } => {
            crate::analysis::cmd::sweep(
                &scenario,
                &variant,
                all_variants,
                agents.as_deref(),
                team,
                replications,
                seed,
                shard.as_deref(),
                out,
            )
        }
        Command::Merge { files, out } => crate::analysis::cmd::merge(&files, &out),
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

/// Switches of the `run` command.
#[derive(Debug, Clone, Copy)]
struct RunFlags {
    no_invariants: bool,
    quiet: bool,
    no_report: bool,
}

fn cmd_run(
    path: &Path,
    seed: Option<u64>,
    out: Option<PathBuf>,
    flags: RunFlags,
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
    // `--record FILE`: the run's exogenous events go to a trace beside whatever else it writes.
    let recorder = |_: &dyn Fn(&str) -> Option<crate::engine::RoomId>| match &record {
        Some(p) => crate::replay::record::Recorder::create(p).map(Some),
        None => Ok(None),
    };
    let dir = out.unwrap_or_else(|| PathBuf::from("reports").join(&sc.file.name));
    let settings = RunSettings { seed, check_invariants: !flags.no_invariants };
    let started = Instant::now();
    let mut baseline: Option<String> = None;
    // The wall time of the simulation (with the tables it streams), and of what follows it.
    let (summary, stats_rooms, counters, replayed, wall, report, trace) = if flags.no_report {
        // Without the report the rooms go to the KPI sink, so the analytic baseline can be
        // printed beside the simulated values (Erlang C / A, when the scenario qualifies).
        let sink = crate::analysis::kpi::KpiSink::new(sc.file.service_level.secs());
        let (output, trace) = match crate::run::run_observed(&sc, settings, sink, recorder) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(1);
            }
        };
        let wall = started.elapsed().as_secs_f64();
        write_atomic(
            &dir.join("summary.md"),
            output.summary.markdown(&format!("consult-sim run: {}", sc.file.name)).as_bytes(),
        )?;
        if !flags.quiet
            && let Ok((q, b, analytic)) = crate::analysis::baseline::of_scenario(&sc)
        {
            baseline = Some(format!(
                "analytic baseline — {}\n{}",
                crate::analysis::baseline::describe(&q, &b),
                crate::analysis::baseline::comparison_table(&crate::analysis::kpi::values(&output.stats), &analytic)
            ));
        }
        (output.summary, output.stats.rooms, output.counters, output.replay, wall, None, trace)
    } else {
        let opts = ReportOptions { progress: !flags.quiet };
        match report::run_with_report_and(&sc, settings, &dir, opts, recorder) {
            Ok((output, report, trace)) => (
                output.summary,
                output.stats.rooms,
                output.counters,
                output.replay,
                report.run_secs,
                Some(report),
                trace,
            ),
            Err(ReportError::Run(e)) => {
                eprintln!("error: {e}");
                return Ok(1);
            }
            Err(e) => return Err(e).with_context(|| format!("cannot write the report {}", dir.display())),
        }
    };
    if let (Some(t), Some(p)) = (trace, &record) {
        match t.commit() {
            Ok(rows) => println!("trace recorded: {rows} events to {}", p.display()),
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(1);
            }
        }
    }
    if !flags.quiet {
        println!("{}", summary.table());
        let events = counters.events as f64;
        println!(
            "{} rooms, {} events in {:.3} s wall time: {:.0} rooms/s, {:.0} events/s",
            stats_rooms,
            counters.events,
            wall,
            stats_rooms as f64 / wall.max(1e-9),
            events / wall.max(1e-9)
        );
        if let Some(r) = &replayed {
            println!(
                "replay: {} trace rows fed, {} skipped (agent-side rows of a customers replay, rows of rooms \
                 already closed, rows outside the run)",
                r.fed, r.skipped
            );
        }
        if !counters.rejected.is_empty() {
            let list: Vec<String> = counters.rejected.iter().map(|(r, n)| format!("{r}: {n}")).collect();
            println!("inputs rejected by the engine (D6): {}", list.join(", "));
        }
        if let Some(b) = &baseline {
            println!("{b}");
        }
        if let Some(r) = &report {
            println!("tables, charts and page written in {:.3} s", r.write_secs);
        }
    }
    match &report {
        Some(r) => println!("reports written to {} ({} files; open index.html)", dir.display(), r.files.len()),
        None => println!("reports written to {}", dir.display()),
    }
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
