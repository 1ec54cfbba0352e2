//! Sweeps across machines: the tasks of a sweep (variants × staffing levels × replications) are
//! numbered in one fixed order, shard K of N runs the tasks whose number is ≡ K − 1 (mod N) and
//! writes one row per task to Parquet, and `merge` reads any set of shard files, checks that
//! every task is there exactly once, sorts the rows back into task order and writes the same
//! tables and charts ([`super::sweep::write_sweep`]) a one-machine run writes — byte for byte.
//!
//! A row carries what the merged outputs need and a shard alone knows: the task's KPIs, the
//! Erlang C / A values of its (variant, size) when the scenario qualifies (a merge has no
//! scenario to compute them from), its latency counts and its Waiting-room series (for the
//! overlay charts).
//!
//! Every task is one replication of one scenario; its seed depends only on the replication
//! number (`derive_seed(seed, i)`), so the variants and staffing levels of a sweep see the same
//! customers and a task gives the same row on any machine and in any shard.

use std::path::Path;

use polars::prelude::*;
use rayon::prelude::*;

use super::kpi::{KPIS, KpiValues, N_KPIS, k};
use super::replications::{self, ReplicationSettings};
use super::{baseline, curves, staffing, variants};
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
    /// The analytic model of the task's (variant, size), `""` when it is not an M/M/c(+M) queue.
    pub model: String,
    /// The model's value of each KPI ([`KPIS`] order; finite values only).
    pub analytic: [Option<f64>; N_KPIS],
    /// Assignment latencies of the served: (seconds, requests), increasing.
    pub latency: Vec<(i64, u64)>,
    /// Waiting rooms sampled every `report.queue_step`: (seconds from the start, rooms).
    pub queue: Vec<(i64, u32)>,
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
            let (r, queue) = replications::run_one_with_queue(&s, &rs, t.replication).map_err(|e| e.to_string())?;
            let (model, analytic) = match baseline::of_scenario(&s) {
                Ok((_, b, v)) => (b.model.to_string(), v.map(|x| x.filter(|x| x.is_finite()))),
                Err(_) => (String::new(), [None; N_KPIS]),
            };
            let start = s.start();
            Ok(Row {
                scenario: sc.file.name.clone(),
                task: t.index,
                variant: variant_label(&spec.variants[t.variant]),
                agents: t.agents.unwrap_or(0),
                replication: t.replication,
                seed: r.seed,
                values: r.values,
                model,
                analytic,
                latency: curves::latency_counts(&r),
                queue: queue.into_iter().map(|(at, q)| (at - start, q)).collect(),
            })
        })
        .collect()
}

/// The KPIs an analytic model can give a value for (every one but the request count), each
/// written as an `erlang_<key>` column.
fn analytic_kpis() -> impl Iterator<Item = usize> {
    (0..N_KPIS).filter(|&i| i != k::REQUESTS)
}

/// A list column of i64 values, one list per row.
fn list_column(name: &str, rows: &[Row], values: impl Fn(&Row) -> Vec<i64>) -> Column {
    let lists: Vec<Series> = rows.iter().map(|r| Series::new("".into(), values(r))).collect();
    Column::from(Series::new(name.into(), lists))
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
    cols.push(Column::new("erlang_model".into(), rows.iter().map(|r| r.model.clone()).collect::<Vec<String>>()));
    for i in analytic_kpis() {
        let name = format!("erlang_{}", KPIS[i].key);
        cols.push(Column::new(name.into(), rows.iter().map(|r| r.analytic[i]).collect::<Vec<Option<f64>>>()));
    }
    if !rows.is_empty() {
        // Latency counts are u64 and Waiting rooms u32, stored as i64 (never near 2⁶³).
        cols.push(list_column("latency_s", rows, |r| r.latency.iter().map(|p| p.0).collect()));
        cols.push(list_column("latency_n", rows, |r| r.latency.iter().map(|p| p.1 as i64).collect()));
        cols.push(list_column("queue_s", rows, |r| r.queue.iter().map(|p| p.0).collect()));
        cols.push(list_column("queue_waiting", rows, |r| r.queue.iter().map(|p| i64::from(p.1)).collect()));
    }
    DataFrame::new_infer_height(cols)
}

/// Parquet bytes of a frame: zstd, serial (the bytes must not depend on the thread count).
pub fn parquet_bytes(df: &mut DataFrame) -> PolarsResult<Vec<u8>> {
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf).with_compression(ParquetCompression::Zstd(None)).set_parallel(false).finish(df)?;
    Ok(buf)
}

/// Writes rows to a Parquet file, atomically.
pub fn write_parquet(path: &Path, rows: &[Row]) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let mut df = frame(rows).map_err(|e| err(&e))?;
    let bytes = parquet_bytes(&mut df).map_err(|e| err(&e))?;
    crate::cli::write_atomic(path, &bytes).map_err(|e| err(&e))
}

/// The columns of a frame read back, each missing or mistyped column an error naming the file.
struct Columns<'a> {
    df: &'a DataFrame,
    path: &'a Path,
}

impl Columns<'_> {
    fn err(&self, e: &dyn std::fmt::Display) -> String {
        format!("{}: {e} (is it a shard file written by `consult-sim sweep --shard`?)", self.path.display())
    }

    fn column(&self, name: &str) -> Result<&Column, String> {
        self.df.column(name).map_err(|e| self.err(&e))
    }

    fn i64s(&self, name: &str) -> Result<Vec<i64>, String> {
        let a = self.column(name)?.i64().map_err(|e| self.err(&e))?;
        Ok(a.iter().map(|v| v.unwrap_or(0)).collect())
    }

    fn f64s(&self, name: &str) -> Result<Vec<Option<f64>>, String> {
        Ok(self.column(name)?.f64().map_err(|e| self.err(&e))?.iter().collect())
    }

    fn strings(&self, name: &str) -> Result<Vec<String>, String> {
        let vs = self.column(name)?.str().map_err(|e| self.err(&e))?;
        Ok(vs.iter().map(|v| v.unwrap_or("").to_string()).collect())
    }

    fn lists(&self, name: &str) -> Result<Vec<Vec<i64>>, String> {
        let lists = self.column(name)?.list().map_err(|e| self.err(&e))?;
        let mut out = Vec::with_capacity(lists.len());
        for i in 0..lists.len() {
            out.push(match lists.get_as_series(i) {
                Some(s) => s.i64().map_err(|e| self.err(&e))?.iter().map(|v| v.unwrap_or(0)).collect(),
                None => Vec::new(),
            });
        }
        Ok(out)
    }
}

/// Reads the rows of a Parquet file written by [`write_parquet`].
pub fn read_parquet(path: &Path) -> Result<Vec<Row>, String> {
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let f = std::fs::File::open(path).map_err(|e| err(&e))?;
    let df = ParquetReader::new(f).finish().map_err(|e| err(&e))?;
    if df.height() == 0 {
        return Ok(Vec::new());
    }
    let c = Columns { df: &df, path };
    let (task, agents, rep, seed) = (c.i64s("task")?, c.i64s("agents")?, c.i64s("replication")?, c.i64s("seed")?);
    let (variant, scenario, model) = (c.strings("variant")?, c.strings("scenario")?, c.strings("erlang_model")?);
    let mut kpis: Vec<Vec<f64>> = Vec::new();
    for kd in KPIS {
        kpis.push(c.f64s(kd.key)?.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect());
    }
    let mut analytic: Vec<Vec<Option<f64>>> = vec![vec![None; df.height()]; N_KPIS];
    for i in analytic_kpis() {
        analytic[i] = c.f64s(&format!("erlang_{}", KPIS[i].key))?;
    }
    let (lat_s, lat_n) = (c.lists("latency_s")?, c.lists("latency_n")?);
    let (queue_s, queue_w) = (c.lists("queue_s")?, c.lists("queue_waiting")?);
    Ok((0..df.height())
        .map(|i| Row {
            scenario: scenario[i].clone(),
            task: task[i] as u64,
            variant: variant[i].clone(),
            agents: agents[i] as u32,
            replication: rep[i] as u64,
            seed: seed[i] as u64,
            values: std::array::from_fn(|k| kpis[k][i]),
            model: model[i].clone(),
            analytic: std::array::from_fn(|k| analytic[k][i]),
            latency: lat_s[i].iter().zip(&lat_n[i]).map(|(&v, &n)| (v, n as u64)).collect(),
            queue: queue_s[i].iter().zip(&queue_w[i]).map(|(&t, &q)| (t, q as u32)).collect(),
        })
        .collect())
}

/// Combines shard rows: sorted by task, each task exactly once and none missing.
pub fn merge(mut rows: Vec<Row>) -> Result<Vec<Row>, String> {
    // Every sweep has at least one task, so no rows means the wrong files (or only empty shards
    // of a sweep with fewer tasks than shards), not an empty sweep.
    if rows.is_empty() {
        return Err("the shard files hold no task: is task 0's shard (shard 1) missing?".into());
    }
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
