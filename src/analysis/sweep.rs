//! The outputs of a sweep, written alike by a one-machine run and by a merge of its shards:
//! built from the task rows alone (in task order), so the same rows give the same bytes.
//!
//! * `sweep.parquet` — one row per task: KPIs, the Erlang value of each, the raw latency counts
//!   and Waiting-room series;
//! * `sweep-summary.csv` / `.parquet` — one row per (variant, size): each KPI's mean and 95 %
//!   half-width over the replications, and its Erlang C / A value when the scenario qualifies;
//! * `sweep.md` — the same summary as markdown, with the analytic values beside the simulated;
//! * charts (SVG and PNG): each headline KPI against the team size (or per variant) with 95 %
//!   error bars and the Erlang curve dashed beside it, the pooled latency CDF and the mean
//!   Waiting rooms over time of every (variant, size), overlaid.

use std::fmt::Write as _;
use std::path::Path;

use polars::prelude::*;

use super::chart::{self, Chart, Line};
use super::ci::Estimate;
use super::curves;
use super::kpi::{KPIS, N_KPIS, chart_scale, fmt_half, fmt_value, k};
use super::shards::{Row, parquet_bytes};

/// The KPIs each charted against the team size (or the variant), in file order.
pub const CHARTED: [usize; 5] = [k::SERVICE_LEVEL, k::MEAN_WAIT, k::P90, k::ABANDONMENT, k::P_WAIT];

/// The KPIs of the analytic table in `sweep.md` (those an analyst checks against Erlang).
const ANALYTIC_TABLE: [usize; 5] = [k::P_WAIT, k::MEAN_WAIT, k::SERVICE_LEVEL, k::ABANDONMENT, k::MEAN_QUEUE];

/// The replications of one (variant, size).
#[derive(Debug, Clone)]
pub struct Group<'a> {
    /// Variant label (`base` for the scenario as written).
    pub variant: String,
    /// Team size (0 = the scenario's own).
    pub agents: u32,
    /// Its task rows, in replication order.
    pub rows: Vec<&'a Row>,
}

impl Group<'_> {
    /// Mean and 95 % CI of every KPI over the replications.
    pub fn estimates(&self) -> [Estimate; N_KPIS] {
        std::array::from_fn(|i| Estimate::of(&self.rows.iter().map(|r| r.values[i]).collect::<Vec<_>>()))
    }

    /// The analytic model and values (every task of a group has the same ones).
    pub fn analytic(&self) -> (&str, [Option<f64>; N_KPIS]) {
        self.rows.first().map(|r| (r.model.as_str(), r.analytic)).unwrap_or(("", [None; N_KPIS]))
    }

    /// `variant, N agents` (or just the variant for the scenario's own size).
    pub fn label(&self) -> String {
        if self.agents == 0 { self.variant.clone() } else { format!("{}, {} agents", self.variant, self.agents) }
    }

    fn agents_cell(&self) -> String {
        if self.agents == 0 { "as written".to_string() } else { self.agents.to_string() }
    }
}

/// The rows grouped by (variant, size), in task order (tasks run variant, size, replication).
pub fn groups(rows: &[Row]) -> Vec<Group<'_>> {
    let mut out: Vec<Group> = Vec::new();
    for r in rows {
        match out.last_mut() {
            Some(g) if g.variant == r.variant && g.agents == r.agents => g.rows.push(r),
            _ => out.push(Group { variant: r.variant.clone(), agents: r.agents, rows: vec![r] }),
        }
    }
    out
}

/// The title of a sweep's summary.
pub fn title(rows: &[Row]) -> String {
    format!("consult-sim sweep: {}", rows.first().map(|r| r.scenario.as_str()).unwrap_or("(empty)"))
}

/// The summary of a sweep as markdown: per (variant, size) every KPI's mean ± 95 % half-width,
/// then (when any qualifies) the Erlang C / A values beside the simulated ones.
pub fn summary_markdown(title: &str, rows: &[Row]) -> String {
    let groups = groups(rows);
    let mut s = String::new();
    let _ = writeln!(s, "# {title}\n");
    let _ = writeln!(s, "{} tasks. Each cell: mean ± 95% half-width over the replications.\n", rows.len());
    let _ = write!(s, "| variant | agents | replications |");
    for kd in KPIS {
        let _ = write!(s, " {} |", kd.key);
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "|---|---|---|{}", "---|".repeat(N_KPIS));
    for g in &groups {
        let _ = write!(s, "| {} | {} | {} |", g.variant, g.agents_cell(), g.rows.len());
        for (e, kd) in g.estimates().iter().zip(KPIS) {
            let _ = write!(s, " {} {} |", fmt_value(kd.unit, e.mean), fmt_half(kd.unit, e.half));
        }
        let _ = writeln!(s);
    }
    if groups.iter().any(|g| !g.analytic().0.is_empty()) {
        s.push_str(&analytic_markdown(&groups));
    }
    s
}

/// The simulated values beside the analytic ones, for the groups that are M/M/c(+M) queues.
fn analytic_markdown(groups: &[Group]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\n## Analytic baselines\n\nWhere a (variant, size) is an M/M/c queue (Erlang C) or an M/M/c+M queue \
         (Erlang A, exponential patience), its steady-state values beside the simulated means.\n"
    );
    let _ = write!(s, "| variant | agents | model |");
    for &i in &ANALYTIC_TABLE {
        let _ = write!(s, " {} simulated | {} Erlang |", KPIS[i].key, KPIS[i].key);
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "|---|---|---|{}", "---|---|".repeat(ANALYTIC_TABLE.len()));
    for g in groups {
        let (model, analytic) = g.analytic();
        if model.is_empty() {
            continue;
        }
        let est = g.estimates();
        let _ = write!(s, "| {} | {} | {model} |", g.variant, g.agents_cell());
        for &i in &ANALYTIC_TABLE {
            let unit = KPIS[i].unit;
            let erlang = analytic[i].map(|v| fmt_value(unit, v)).unwrap_or_else(|| "-".into());
            let _ = write!(s, " {} {} | {erlang} |", fmt_value(unit, est[i].mean), fmt_half(unit, est[i].half));
        }
        let _ = writeln!(s);
    }
    s
}

/// One row per (variant, size): replications, analytic model, and per KPI `<key>_mean`,
/// `<key>_ci95` (the half-width) and `<key>_erlang` (null where the model gives none).
pub fn summary_frame(rows: &[Row]) -> PolarsResult<DataFrame> {
    let groups = groups(rows);
    let est: Vec<[Estimate; N_KPIS]> = groups.iter().map(Group::estimates).collect();
    let mut cols = vec![
        Column::new("variant".into(), groups.iter().map(|g| g.variant.clone()).collect::<Vec<String>>()),
        Column::new("agents".into(), groups.iter().map(|g| i64::from(g.agents)).collect::<Vec<i64>>()),
        Column::new("replications".into(), groups.iter().map(|g| g.rows.len() as i64).collect::<Vec<i64>>()),
        Column::new("erlang_model".into(), groups.iter().map(|g| g.analytic().0.to_string()).collect::<Vec<String>>()),
    ];
    for (i, kd) in KPIS.iter().enumerate() {
        cols.push(Column::new(format!("{}_mean", kd.key).into(), est.iter().map(|e| e[i].mean).collect::<Vec<f64>>()));
        cols.push(Column::new(format!("{}_ci95", kd.key).into(), est.iter().map(|e| e[i].half).collect::<Vec<f64>>()));
        if i != k::REQUESTS {
            let erlang: Vec<Option<f64>> = groups.iter().map(|g| g.analytic().1[i]).collect();
            cols.push(Column::new(format!("{}_erlang", kd.key).into(), erlang));
        }
    }
    DataFrame::new_infer_height(cols)
}

/// Writes every output of a sweep into `dir` (each file atomically); returns the file names,
/// in writing order. A one-machine sweep and a merge of its shards write the same bytes.
pub fn write_sweep(dir: &Path, rows: &[Row]) -> Result<Vec<String>, String> {
    let at = |name: &str| dir.join(name);
    let err = |name: &str, e: &dyn std::fmt::Display| format!("{}: {e}", at(name).display());
    super::shards::write_parquet(&at("sweep.parquet"), rows)?;
    let mut summary = summary_frame(rows).map_err(|e| err("sweep-summary", &e))?;
    let pq = parquet_bytes(&mut summary).map_err(|e| err("sweep-summary.parquet", &e))?;
    crate::cli::write_atomic(&at("sweep-summary.parquet"), &pq).map_err(|e| err("sweep-summary.parquet", &e))?;
    let mut csv = Vec::new();
    CsvWriter::new(&mut csv)
        .include_header(true)
        .n_threads(1)
        .finish(&mut summary)
        .map_err(|e| err("sweep-summary.csv", &e))?;
    crate::cli::write_atomic(&at("sweep-summary.csv"), &csv).map_err(|e| err("sweep-summary.csv", &e))?;
    let md = summary_markdown(&title(rows), rows);
    crate::cli::write_atomic(&at("sweep.md"), md.as_bytes()).map_err(|e| err("sweep.md", &e))?;
    let mut files: Vec<String> =
        ["sweep.parquet", "sweep-summary.parquet", "sweep-summary.csv", "sweep.md"].map(String::from).to_vec();
    for stem in write_charts(dir, rows)? {
        files.push(format!("{stem}.svg"));
        files.push(format!("{stem}.png"));
    }
    Ok(files)
}

/// Draws the charts of a sweep; returns their file stems.
fn write_charts(dir: &Path, rows: &[Row]) -> Result<Vec<String>, String> {
    let groups = groups(rows);
    let name = rows.first().map(|r| r.scenario.as_str()).unwrap_or("(empty)");
    let by_size = groups.iter().any(|g| g.agents > 0);
    let mut stems = Vec::new();
    for &kpi in &CHARTED {
        let kd = KPIS[kpi];
        let stem = format!("sweep-{}", kd.key);
        let (x_desc, lines) = kpi_lines(&groups, kpi, by_size);
        let caption = format!("{name}: {} (95% CI; dashed = Erlang)", kd.label);
        let y_desc = if kd.unit == super::kpi::Unit::Share { "%" } else { "seconds" };
        chart::write(dir, &stem, &Chart { caption: &caption, x_desc: &x_desc, y_desc, lines: &lines, targets: &[] })?;
        stems.push(stem);
    }
    let cdf: Vec<Line> = groups
        .iter()
        .map(|g| Line::solid(g.label(), curves::cdf_points(g.rows.iter().map(|r| r.latency.as_slice()))))
        .collect();
    let caption = format!("{name}: wait of the served (assignment latency), CDF");
    let spec = Chart { caption: &caption, x_desc: "seconds", y_desc: "% assigned within", lines: &cdf, targets: &[] };
    chart::write(dir, "sweep-latency-cdf", &spec)?;
    stems.push("sweep-latency-cdf".into());
    let queue: Vec<Line> = groups
        .iter()
        .map(|g| Line::solid(g.label(), curves::mean_queue(g.rows.iter().map(|r| r.queue.as_slice()))))
        .collect();
    let caption = format!("{name}: Waiting rooms over time (mean of the replications)");
    let spec = Chart {
        caption: &caption,
        x_desc: "hours from the start",
        y_desc: "Waiting rooms",
        lines: &queue,
        targets: &[],
    };
    chart::write(dir, "sweep-queue", &spec)?;
    stems.push("sweep-queue".into());
    Ok(stems)
}

/// One KPI across the groups: per variant a solid line (mean ± 95 %) over the team sizes, or
/// one point per variant when the sweep has no sizes, each followed by its dashed Erlang line
/// (a short dashed tick where the variant has a single point). Returns the x description too.
fn kpi_lines(groups: &[Group], kpi: usize, by_size: bool) -> (String, Vec<Line>) {
    let scale = chart_scale(KPIS[kpi].unit);
    let mut variants: Vec<&str> = Vec::new();
    for g in groups {
        if !variants.contains(&g.variant.as_str()) {
            variants.push(&g.variant);
        }
    }
    let mut lines = Vec::new();
    for (vi, v) in variants.iter().enumerate() {
        let of_variant: Vec<&Group> = groups.iter().filter(|g| g.variant == *v).collect();
        let x = |g: &Group| if by_size { f64::from(g.agents) } else { (vi + 1) as f64 };
        let sim = of_variant
            .iter()
            .map(|g| {
                let e = g.estimates()[kpi];
                (x(g), e.mean * scale, e.half * scale)
            })
            .collect();
        lines.push(Line::solid(v.to_string(), sim));
        let mut erlang: Vec<(f64, f64, f64)> =
            of_variant.iter().filter_map(|g| g.analytic().1[kpi].map(|a| (x(g), a * scale, f64::NAN))).collect();
        if let [(x0, y, _)] = erlang[..] {
            erlang = vec![(x0 - 0.3, y, f64::NAN), (x0 + 0.3, y, f64::NAN)];
        }
        if !erlang.is_empty() {
            let model = of_variant.iter().map(|g| g.analytic().0).find(|m| !m.is_empty()).unwrap_or("Erlang");
            lines.push(Line::dashed(format!("{v} ({model})"), erlang));
        }
    }
    let x_desc = if by_size {
        "agents in the sized team".to_string()
    } else {
        let names: Vec<String> = variants.iter().enumerate().map(|(i, v)| format!("{} = {v}", i + 1)).collect();
        format!("variant ({})", names.join(", "))
    };
    (x_desc, lines)
}
