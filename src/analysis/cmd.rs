//! The analysis commands behind the command line (`run --replications`, `compare`, `staff`,
//! `merge`): load, compute, print, write. Kept apart from `cli.rs` so that file stays a thin
//! dispatcher.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;

use super::baseline;
use super::chart::{Chart, Line};
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

/// `staff FILE --target T…`.
#[allow(clippy::too_many_arguments)]
pub fn staff(
    path: &Path,
    targets: &[String],
    team: Option<&str>,
    min: u32,
    max: Option<u32>,
    n: u64,
    seed: Option<u64>,
    context: u32,
    out: Option<PathBuf>,
) -> Result<i32> {
    use super::staffing;
    let sc = match load_or_report(path) {
        Ok(sc) => sc,
        Err(code) => return Ok(code),
    };
    let parsed = match parse_targets(targets) {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    if parsed.is_empty() {
        eprintln!("error: give at least one --target, e.g. --target \"p90_assign<=2m\" or --target \"80% within 20s\"");
        return Ok(2);
    }
    let team = match staffing::team_index(&sc, team) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {}: {e}", sc.path);
            return Ok(2);
        }
    };
    let current = sc.file.teams[team].count;
    let max = max.unwrap_or(current.saturating_mul(3).max(min + 10));
    let min = min.max(1);
    if max < min {
        eprintln!("error: --max {max} is below --min {min}");
        return Ok(2);
    }
    let rs = ReplicationSettings { replications: n.max(2), seed, check_invariants: false };
    let started = Instant::now();
    let search = match staffing::search(&sc, team, &parsed, min, max, &rs, context) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(1);
        }
    };
    let analytic = staffing::analytic(&sc, team, &parsed, &search);
    let table = staffing::table(&search, &parsed, &analytic);
    let prefix = &sc.file.teams[team].prefix;
    let verdict = match search.answer {
        Some(a) => format!(
            "smallest team `{prefix}` meeting {} with 95% confidence: {a} agents (the scenario has {current})",
            parsed.iter().map(|t| format!("`{}`", t.text)).collect::<Vec<_>>().join(" and ")
        ),
        None => format!("no team `{prefix}` of {min}..={max} agents meets the targets; try a larger --max"),
    };
    let dir = out.unwrap_or_else(|| PathBuf::from("reports").join(&sc.file.name));
    let mut md = String::new();
    let _ = writeln!(md, "# consult-sim staff: {}\n", sc.file.name);
    let _ = writeln!(md, "{verdict}.\n");
    let _ = writeln!(md, "{} replications per level; each cell is the mean ± the 95% half-width.\n", rs.replications);
    let _ = writeln!(md, "```text\n{table}\n```\n\n![curve](staffing.svg)");
    if !analytic.is_empty() {
        let _ = writeln!(
            md,
            "\nThe (Erlang) columns and the dashed lines are the steady-state values of the M/M/c(+M) queue \
             each level is equivalent to."
        );
    }
    write_atomic(&dir.join("staffing.md"), md.as_bytes())?;
    let title = format!("{}: agents vs KPI (95% CI; dashed = Erlang)", sc.file.name);
    let x_desc = format!("agents in team `{prefix}`");
    if let Err(e) = staffing_chart(&dir, &title, &x_desc, &parsed, &search, &analytic) {
        eprintln!("warning: {e}");
    }
    if let Ok((q, b, _)) = baseline::of_scenario(&staffing::with_agents(&sc, team, current, &parsed)) {
        println!("analytic baseline at the scenario's {current} agents — {}", baseline::describe(&q, &b));
    }
    println!("{table}");
    println!("{verdict}");
    println!(
        "{} staffing levels × {} replications in {:.1} s; reports written to {}",
        search.levels.len(),
        rs.replications,
        started.elapsed().as_secs_f64(),
        dir.display()
    );
    Ok(if search.answer.is_some() { 0 } else { 1 })
}

/// The staffing curve: each target's KPI against the team size with 95 % error bars, its Erlang
/// value dashed where the scenario is an M/M/c(+M) queue, and the target as a horizontal line
/// (`staffing.svg`, `staffing.png`).
fn staffing_chart(
    dir: &Path,
    title: &str,
    x_desc: &str,
    targets: &[super::staffing::Target],
    search: &super::staffing::Search,
    analytic: &std::collections::BTreeMap<u32, [Option<f64>; super::kpi::N_KPIS]>,
) -> std::result::Result<(), String> {
    use super::kpi::{KPIS, Unit, chart_scale};
    let mut lines = Vec::new();
    for t in targets {
        let kd = KPIS[t.kpi];
        let scale = chart_scale(kd.unit);
        let sim = search
            .levels
            .iter()
            .map(|(n, l)| (f64::from(*n), l.estimates[t.kpi].mean * scale, l.estimates[t.kpi].half * scale));
        lines.push(Line::solid(kd.label, sim.collect()));
        let erlang: Vec<_> =
            analytic.iter().filter_map(|(n, v)| v[t.kpi].map(|a| (f64::from(*n), a * scale, f64::NAN))).collect();
        if !erlang.is_empty() {
            lines.push(Line::dashed(format!("{} (Erlang)", kd.label), erlang));
        }
    }
    let marks: Vec<(String, f64)> =
        targets.iter().map(|t| (format!("target {}", t.text), t.value * chart_scale(KPIS[t.kpi].unit))).collect();
    let y_desc = if targets.iter().all(|t| KPIS[t.kpi].unit == Unit::Share) { "%" } else { "KPI (seconds or %)" };
    super::chart::write(dir, "staffing", &Chart { caption: title, x_desc, y_desc, lines: &lines, targets: &marks })
}

/// `compare A.yaml [B.yaml] [--variant NAME…]`.
pub fn compare(
    a: &Path,
    b: Option<&Path>,
    variants: &[String],
    n: u64,
    seed: Option<u64>,
    out: Option<PathBuf>,
) -> Result<i32> {
    use super::variants::{self, Comparison};
    let base = match load_or_report(a) {
        Ok(sc) => sc,
        Err(code) => return Ok(code),
    };
    let mut others: Vec<Scenario> = Vec::new();
    if let Some(b) = b {
        match load_or_report(b) {
            Ok(sc) => others.push(sc),
            Err(code) => return Ok(code),
        }
    }
    let names = if variants.is_empty() && b.is_none() { variants::names(&base) } else { variants.to_vec() };
    for v in &names {
        match variants::apply(&base, v) {
            Ok(sc) => others.push(sc),
            Err(e) => {
                eprintln!("{e}");
                return Ok(2);
            }
        }
    }
    if others.is_empty() {
        eprintln!("error: nothing to compare: give a second file, or --variant NAME, or declare `variants:`");
        return Ok(2);
    }
    let rs = ReplicationSettings { replications: n.max(2), seed, check_invariants: false };
    let dir = out.unwrap_or_else(|| PathBuf::from("reports").join(format!("compare-{}", base.file.name)));
    let mut md = String::new();
    let _ = writeln!(md, "# consult-sim compare: {}\n", base.file.name);
    let _ = writeln!(
        md,
        "{} replications each, the same seeds for every scenario (common random numbers); differences \
         are paired replication by replication.\n",
        rs.replications
    );
    let base_analytic = baseline::of_scenario(&base);
    for other in &others {
        let cmp = match Comparison::run(&base, other, &rs) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(1);
            }
        };
        let other_analytic = baseline::of_scenario(other);
        let analytic = [&base_analytic, &other_analytic];
        let table = cmp.table(analytic.map(|b| b.as_ref().ok().map(|(_, _, v)| v)));
        println!("{} vs {}", cmp.a_name, cmp.b_name);
        let _ = writeln!(md, "## {} vs {}\n", cmp.a_name, cmp.b_name);
        for (name, b) in [&cmp.a_name, &cmp.b_name].into_iter().zip(analytic) {
            if let Ok((q, b, _)) = b {
                println!("analytic baseline of {name} — {}", baseline::describe(q, b));
                let _ = writeln!(md, "Analytic baseline of {name}: {}.\n", baseline::describe(q, b));
            }
        }
        println!("{table}");
        let _ = writeln!(md, "```text\n{table}\n```\n");
        let stem = other.file.name.replace('/', "-");
        let cdf = |reps: &[super::replications::Replication]| {
            let counts: Vec<Vec<(i64, u64)>> = reps.iter().map(super::curves::latency_counts).collect();
            super::curves::cdf_points(counts.iter().map(Vec::as_slice))
        };
        let lines = [Line::solid(&cmp.a_name, cdf(&cmp.a)), Line::solid(&cmp.b_name, cdf(&cmp.b))];
        let spec = Chart {
            caption: "wait of the served (assignment latency): CDF",
            x_desc: "seconds",
            y_desc: "% assigned within",
            lines: &lines,
            targets: &[],
        };
        if let Err(e) = super::chart::write(&dir, &format!("cdf-{stem}"), &spec) {
            eprintln!("warning: {e}");
        }
        let _ = writeln!(md, "![latency CDF](cdf-{stem}.svg)\n");
        // Queue length over time, replication 0 of each (the same customers).
        let series = |sc: &Scenario| -> Vec<(f64, f64, f64)> {
            let start = sc.start();
            let seed_rs = ReplicationSettings { seed: Some(rs.seed.unwrap_or(base.file.seed)), ..rs };
            super::replications::queue_series(sc, &seed_rs, 0)
                .map(|v| v.into_iter().map(|(t, q)| ((t - start) as f64 / 3600.0, f64::from(q), f64::NAN)).collect())
                .unwrap_or_default()
        };
        let lines = [Line::solid(&cmp.a_name, series(&base)), Line::solid(&cmp.b_name, series(other))];
        let spec = Chart {
            caption: "Waiting rooms over time (replication 0, same customers)",
            x_desc: "hours from the start",
            y_desc: "Waiting rooms",
            lines: &lines,
            targets: &[],
        };
        if let Err(e) = super::chart::write(&dir, &format!("queue-{stem}"), &spec) {
            eprintln!("warning: {e}");
        }
        let _ = writeln!(md, "![queue length](queue-{stem}.svg)\n");
    }
    write_atomic(&dir.join("compare.md"), md.as_bytes())?;
    println!("reports written to {}", dir.display());
    Ok(0)
}

/// `sweep FILE [--variant …] [--agents …] -n N [--shard K/N]`.
#[allow(clippy::too_many_arguments)]
pub fn sweep(
    path: &Path,
    variant: &[String],
    all_variants: bool,
    agents: Option<&str>,
    team: Option<String>,
    n: u64,
    seed: Option<u64>,
    shard: Option<&str>,
    out: Option<PathBuf>,
) -> Result<i32> {
    use super::shards::{self, SweepSpec};
    let sc = match load_or_report(path) {
        Ok(sc) => sc,
        Err(code) => return Ok(code),
    };
    let mut variants = vec![String::new()];
    if all_variants {
        variants.extend(super::variants::names(&sc));
    }
    variants.extend(variant.iter().cloned());
    let sizes = match agents.map(shards::parse_sizes).transpose() {
        Ok(s) => s.unwrap_or_default(),
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(2);
        }
    };
    let spec = SweepSpec { variants, agents: sizes, team, replications: n.max(1), seed };
    let all = shards::tasks(&spec);
    let dir = out.unwrap_or_else(|| PathBuf::from("reports").join(format!("sweep-{}", sc.file.name)));
    let started = Instant::now();
    let (mine, file) = match shard {
        Some(s) => match shards::parse_shard(s) {
            Ok((k, of)) => (shards::shard(&all, k, of), Some(shards::shard_file(k, of))),
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(2);
            }
        },
        None => (all.clone(), None),
    };
    let rows = match shards::run_tasks(&sc, &spec, &mine) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(1);
        }
    };
    let written = match &file {
        Some(f) => shards::write_parquet(&dir.join(f), &rows).map(|()| vec![f.clone()]),
        None => super::sweep::write_sweep(&dir, &rows),
    };
    let written = match written {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(1);
        }
    };
    if file.is_none() {
        print!("{}", super::sweep::summary_markdown(&super::sweep::title(&rows), &rows));
    }
    println!(
        "{} of {} tasks in {:.1} s; wrote {} files to {}: {}",
        rows.len(),
        all.len(),
        started.elapsed().as_secs_f64(),
        written.len(),
        dir.display(),
        written.join(", ")
    );
    Ok(0)
}

/// `merge SHARD.parquet… --out DIR`.
pub fn merge(files: &[PathBuf], out: &Path) -> Result<i32> {
    use super::shards;
    let mut rows = Vec::new();
    for f in files {
        match shards::read_parquet(f) {
            Ok(r) => rows.extend(r),
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(2);
            }
        }
    }
    let rows = match shards::merge(rows) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(1);
        }
    };
    let written = match super::sweep::write_sweep(out, &rows) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(1);
        }
    };
    print!("{}", super::sweep::summary_markdown(&super::sweep::title(&rows), &rows));
    println!(
        "merged {} files, {} tasks; wrote {} files to {}: {}",
        files.len(),
        rows.len(),
        written.len(),
        out.display(),
        written.join(", ")
    );
    Ok(0)
}

/// `staff FILE --target T… --by-shift`.
pub fn staff_by_shift(
    path: &Path,
    targets: &[String],
    max: Option<u32>,
    n: u64,
    seed: Option<u64>,
    out: Option<PathBuf>,
) -> Result<i32> {
    use super::staffing;
    let sc = match load_or_report(path) {
        Ok(sc) => sc,
        Err(code) => return Ok(code),
    };
    let parsed = match parse_targets(targets) {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let max =
        max.unwrap_or_else(|| sc.file.teams.iter().map(|t| t.count).max().unwrap_or(10).saturating_mul(3).max(10));
    let rs = ReplicationSettings { replications: n.max(2), seed, check_invariants: false };
    let started = Instant::now();
    let found = match staffing::search_by_shift(&sc, &parsed, max, &rs, 3) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {}: {e}", sc.path);
            return Ok(1);
        }
    };
    let blocks = &found.blocks;
    let table = staffing::block_table(blocks, &parsed, &sc);
    let effort = format!(
        "{} staffings simulated × {} replications = {} simulation runs, starting from each block's Erlang estimate",
        found.staffings, rs.replications, found.runs
    );
    let dir = out.unwrap_or_else(|| PathBuf::from("reports").join(&sc.file.name));
    let mut md = String::new();
    let _ = writeln!(md, "# consult-sim staff --by-shift: {}\n", sc.file.name);
    let _ = writeln!(
        md,
        "Targets {}, each measured on the requests made during a team's shift hours; {} replications per \
         staffing.\n",
        parsed.iter().map(|t| format!("`{}`", t.text)).collect::<Vec<_>>().join(", "),
        rs.replications
    );
    let _ = writeln!(md, "```text\n{table}\n```\n\n{effort}.");
    write_atomic(&dir.join("staffing-by-shift.md"), md.as_bytes())?;
    println!("{table}");
    println!("{effort}");
    println!("{:.1} s; reports written to {}", started.elapsed().as_secs_f64(), dir.display());
    Ok(if blocks.iter().all(|b| b.meets) { 0 } else { 1 })
}

/// Parses `--target` values, printing the first bad one; the error is the exit code (2).
fn parse_targets(targets: &[String]) -> std::result::Result<Vec<super::staffing::Target>, i32> {
    let mut parsed = Vec::new();
    for t in targets {
        match super::staffing::Target::parse(t) {
            Ok(t) => parsed.push(t),
            Err(e) => {
                eprintln!("error: {e}");
                return Err(2);
            }
        }
    }
    Ok(parsed)
}
