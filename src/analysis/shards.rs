//! Sweeps across machines: the tasks of a sweep (variants × staffing levels × replications) are
//! numbered in one fixed order, shard K of N runs the tasks whose number is ≡ K − 1 (mod N) and
//! writes one row per task to Parquet, and `merge` reads any set of shard files, checks that
//! every task is there exactly once, sorts the rows back into task order and writes the same
//! table (`sweep.parquet`) and summary (`sweep.md`) a one-machine run writes — byte for byte.
//!
//! Every task is one replication of one scenario; its seed depends only on the replication
//! number (`derive_seed(seed, i)`), so the variants and staffing levels of a sweep see the same
//! customers and a task gives the same row on any machine and in any shard.

use std::fmt::Write as _;
use std::fs::File;
use std::path::Path;

use polars::prelude::*;
use rayon::prelude::*;

use super::ci::Estimate;
use super::kpi::{KPIS, KpiValues, N_KPIS, fmt_half, fmt_value};
use super::replications::{self, ReplicationSettings};
use super::{staffing, variants};
use crate::scenario::Scenario;

/// What a sweep covers.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepSpec {
    /// Variants to run (`""` = the scenario as written), in order.
    pub variants: Vec<String>,
    /// Team sizes to run (empty = the scenario's own).
    pub agents: Vec<u32>,
    /// Team whose size `agents` sets (default: the first team of agents).
    pub team: Option<String>,
    /// Replications per (variant, size).
    pub replications: u64,
    /// Base seed (None = the scenario's).
    pub seed: Option<u64>,
}

/// One task: one replication of one (variant, size).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// Position in the sweep's fixed order.
    pub index: u64,
    /// Index into `SweepSpec::variants`.
    pub variant: usize,
    /// Team size (None = the scenario's).
    pub agents: Option<u32>,
    /// Replication number.
    pub replication: u64,
}

/// Every task of a sweep, in its fixed order: variant, then size, then replication.
pub fn tasks(spec: &SweepSpec) -> Vec<Task> {
    let sizes: Vec<Option<u32>> =
        if spec.agents.is_empty() { vec![None] } else { spec.agents.iter().map(|a| Some(*a)).collect() };
    let mut out = Vec::new();
    for v in 0..spec.variants.len() {
        for a in &sizes {
            for r in 0..spec.replications {
                out.push(Task { index: out.len() as u64, variant: v, agents: *a, replication: r });
            }
        }
    }
    out
}

/// Parses `K/N` (1 ≤ K ≤ N).
pub fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let (k, n) = s.split_once('/').ok_or_else(|| format!("--shard `{s}`: expected K/N, e.g. 2/3"))?;
    let k: u64 = k.trim().parse().map_err(|_| format!("--shard `{s}`: K is not a number"))?;
    let n: u64 = n.trim().parse().map_err(|_| format!("--shard `{s}`: N is not a number"))?;
    if n == 0 || k == 0 || k > n {
        return Err(format!("--shard `{s}`: expected 1 <= K <= N"));
    }
    Ok((k, n))
}

/// The tasks of shard `k` of `n` (round robin, so shards get similar mixes of work).
pub fn shard(all: &[Task], k: u64, n: u64) -> Vec<Task> {
    all.iter().filter(|t| t.index % n == k - 1).cloned().collect()
}

/// One row of a sweep table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Scenario name (of the file, before variants).
    pub scenario: String,
    /// Task number.
    pub task: u64,
    /// Variant name (`base` for the scenario as written).
    pub variant: String,
    /// Team size (0 = the scenario's own).
    pub agents: u32,
    /// Replication.
    pub replication: u64,
    /// Seed the task ran with.
    pub seed: u64,
    /// KPI values.
    pub values: KpiValues,
}

fn variant_label(name: &str) -> String {
    if name.is_empty() { "base".into() } else { name.to_string() }
}

/// Runs tasks (in parallel; rows in task order).
pub fn run_tasks(sc: &Scenario, spec: &SweepSpec, tasks: &[Task]) -> Result<Vec<Row>, String> {
    // Build each (variant, size) scenario once.
    let mut scenarios: Vec<Scenario> = Vec::new();
    for v in &spec.variants {
        scenarios.push(if v.is_empty() { sc.clone() } else { variants::apply(sc, v).map_err(|e| e.to_string())? });
    }
    // The team is looked up in each variant, whose `teams:` may differ from the base's.
    let mut teams: Vec<Option<usize>> = Vec::new();
    for s in &scenarios {
        teams.push(if spec.agents.is_empty() {
            None
        } else {
            Some(staffing::team_index(s, spec.team.as_deref()).map_err(|e| format!("{}: {e}", s.path))?)
        });
    }
    let rs = ReplicationSettings {
        replications: spec.replications,
        seed: Some(spec.seed.unwrap_or(sc.file.seed)),
        check_invariants: false,
    };
    tasks
        .par_iter()
        .map(|t| {
            let base = &scenarios[t.variant];
            let s = match (teams[t.variant], t.agents) {
                (Some(team), Some(n)) => staffing::with_agents(base, team, n, &[]),
                _ => base.clone(),
            };
            let r = replications::run_one(&s, &rs, t.replication).map_err(|e| e.to_string())?;
            Ok(Row {
                scenario: sc.file.name.clone(),
                task: t.index,
                variant: variant_label(&spec.variants[t.variant]),
                agents: t.agents.unwrap_or(0),
                replication: t.replication,
                seed: r.seed,
                values: r.values,
            })
        })
        .collect()
}

fn frame(rows: &[Row]) -> PolarsResult<DataFrame> {
    let mut cols = vec![
        Column::new("scenario".into(), rows.iter().map(|r| r.scenario.clone()).collect::<Vec<String>>()),
        Column::new("task".into(), rows.iter().map(|r| r.task as i64).collect::<Vec<i64>>()),
        Column::new("variant".into(), rows.iter().map(|r| r.variant.clone()).collect::<Vec<String>>()),
        Column::new("agents".into(), rows.iter().map(|r| i64::from(r.agents)).collect::<Vec<i64>>()),
        Column::new("replication".into(), rows.iter().map(|r| r.replication as i64).collect::<Vec<i64>>()),
        // Seeds are u64; stored as the i64 with the same bits.
        Column::new("seed".into(), rows.iter().map(|r| r.seed as i64).collect::<Vec<i64>>()),
    ];
    for (i, kd) in KPIS.iter().enumerate() {
        cols.push(Column::new(kd.key.into(), rows.iter().map(|r| r.values[i]).collect::<Vec<f64>>()));
    }
    DataFrame::new_infer_height(cols)
}

/// Writes rows to a Parquet file.
pub fn write_parquet(path: &Path, rows: &[Row]) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| err(&e))?;
    }
    let mut df = frame(rows).map_err(|e| err(&e))?;
    let f = File::create(path).map_err(|e| err(&e))?;
    ParquetWriter::new(f).finish(&mut df).map_err(|e| err(&e))?;
    Ok(())
}

/// Reads the rows of a Parquet file written by [`write_parquet`].
pub fn read_parquet(path: &Path) -> Result<Vec<Row>, String> {
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let f = File::open(path).map_err(|e| err(&e))?;
    let df = ParquetReader::new(f).finish().map_err(|e| err(&e))?;
    let i64s = |name: &str| -> Result<Vec<i64>, String> {
        let c = df.column(name).map_err(|e| err(&e))?;
        let a = c.i64().map_err(|e| err(&e))?;
        Ok((0..a.len()).map(|i| a.get(i).unwrap_or(0)).collect())
    };
    let task = i64s("task")?;
    let agents = i64s("agents")?;
    let rep = i64s("replication")?;
    let seed = i64s("seed")?;
    let strings = |name: &str| -> Result<Vec<String>, String> {
        let vs = df.column(name).map_err(|e| err(&e))?.str().map_err(|e| err(&e))?;
        Ok((0..vs.len()).map(|i| vs.get(i).unwrap_or("").to_string()).collect())
    };
    let variant = strings("variant")?;
    let scenario = strings("scenario")?;
    let mut kpis: Vec<Vec<f64>> = Vec::new();
    for kd in KPIS {
        let c = df.column(kd.key).map_err(|e| err(&e))?;
        let a = c.f64().map_err(|e| err(&e))?;
        kpis.push((0..a.len()).map(|i| a.get(i).unwrap_or(f64::NAN)).collect());
    }
    Ok((0..df.height())
        .map(|i| Row {
            scenario: scenario[i].clone(),
            task: task[i] as u64,
            variant: variant[i].clone(),
            agents: agents[i] as u32,
            replication: rep[i] as u64,
            seed: seed[i] as u64,
            values: std::array::from_fn(|k| kpis[k][i]),
        })
        .collect())
}

/// Combines shard rows: sorted by task, each task exactly once and none missing.
pub fn merge(mut rows: Vec<Row>) -> Result<Vec<Row>, String> {
    rows.sort_by_key(|r| r.task);
    for (i, r) in rows.iter().enumerate() {
        if r.task != i as u64 {
            return Err(if r.task < i as u64 {
                format!("task {} appears twice (is one shard file given twice?)", r.task)
            } else {
                format!("task {i} is missing (is a shard file missing?)")
            });
        }
    }
    Ok(rows)
}

/// The summary of a sweep: per (variant, size), every KPI's mean and 95 % CI across its
/// replications, as markdown.
pub fn summary_markdown(title: &str, rows: &[Row]) -> String {
    let mut groups: Vec<(String, u32, Vec<&Row>)> = Vec::new();
    for r in rows {
        match groups.last_mut() {
            Some((v, a, g)) if *v == r.variant && *a == r.agents => g.push(r),
            _ => groups.push((r.variant.clone(), r.agents, vec![r])),
        }
    }
    let mut s = String::new();
    let _ = writeln!(s, "# {title}\n");
    let _ = writeln!(s, "{} tasks. Each cell: mean ± 95% half-width over the replications.\n", rows.len());
    let _ = write!(s, "| variant | agents | replications |");
    for kd in KPIS {
        let _ = write!(s, " {} |", kd.key);
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "|---|---|---|{}", "---|".repeat(N_KPIS));
    for (v, a, g) in &groups {
        let agents = if *a == 0 { "as written".to_string() } else { a.to_string() };
        let _ = write!(s, "| {v} | {agents} | {} |", g.len());
        for (i, kd) in KPIS.iter().enumerate() {
            let xs: Vec<f64> = g.iter().map(|r| r.values[i]).collect();
            let e = Estimate::of(&xs);
            let _ = write!(s, " {} {} |", fmt_value(kd.unit, e.mean), fmt_half(kd.unit, e.half));
        }
        let _ = writeln!(s);
    }
    s
}

/// Writes the merged outputs of a sweep: `sweep.parquet` (one row per task, in task order) and
/// `sweep.md` (the summary). A one-machine sweep and a merge of its shards write the same bytes.
pub fn write_sweep(dir: &Path, rows: &[Row]) -> Result<(), String> {
    write_parquet(&dir.join("sweep.parquet"), rows)?;
    let md = summary_markdown(&title(rows), rows);
    std::fs::write(dir.join("sweep.md"), md).map_err(|e| format!("{}: {e}", dir.join("sweep.md").display()))
}

/// The title of a sweep's summary.
pub fn title(rows: &[Row]) -> String {
    format!("consult-sim sweep: {}", rows.first().map(|r| r.scenario.as_str()).unwrap_or("(empty)"))
}

/// The file name of shard `k` of `n`.
pub fn shard_file(k: u64, n: u64) -> String {
    format!("shard-{k}-of-{n}.parquet")
}

/// Parses a list of team sizes: `10,12,14` or `10..14` (inclusive) or a mix.
pub fn parse_sizes(s: &str) -> Result<Vec<u32>, String> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if let Some((a, b)) = part.split_once("..") {
            let a: u32 = a.trim().parse().map_err(|_| format!("--agents: `{part}` is not a range like 10..14"))?;
            let b: u32 = b
                .trim()
                .trim_start_matches('=')
                .parse()
                .map_err(|_| format!("--agents: `{part}` is not a range like 10..14"))?;
            out.extend(a..=b);
        } else {
            out.push(part.parse().map_err(|_| format!("--agents: `{part}` is not a number"))?);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_tasks() {
        let spec = SweepSpec {
            variants: vec!["".into(), "x".into()],
            agents: vec![3, 4, 5],
            team: None,
            replications: 4,
            seed: None,
        };
        let all = tasks(&spec);
        assert_eq!(all.len(), 24);
        let mut seen: Vec<u64> = (1..=5).flat_map(|k| shard(&all, k, 5)).map(|t| t.index).collect();
        seen.sort();
        assert_eq!(seen, (0..24).collect::<Vec<_>>());
        assert_eq!(parse_shard("2/3"), Ok((2, 3)));
        assert!(parse_shard("0/3").is_err() && parse_shard("4/3").is_err() && parse_shard("x").is_err());
    }
}
