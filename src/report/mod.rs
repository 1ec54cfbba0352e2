//! Reports: what an operations analyst reads after a run.
//!
//! A run with reports streams the `rooms` table (one row per room, SIM7) and the `queue` time
//! series to CSV and Parquet while it runs, counting the latencies of the rooms on the way
//! (exact counts per whole second, so memory does not grow with the rooms), then derives the
//! other tables with polars, draws the charts with plotters
//! (SVG and PNG) and writes `summary.md` and `index.html`.
//!
//! Everything is written into a staging folder next to the destination, which then replaces
//! the destination by renames: a report folder is replaced whole or not at all. Files carry no
//! wall-clock time, so the same scenario and seed give byte-identical files.
//!
//! Polars and plotters are used here only; the engine and the simulation know nothing of them.

pub mod audit;
pub mod charts;
pub mod enums;
pub mod html;
pub mod latency;
pub mod observer;
pub mod progress;
pub mod rooms;
pub mod table;
pub mod tables;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use polars::prelude::*;

use crate::engine::{Engine, Role, Time};
use crate::run::{RunError, RunOutput, RunSettings, run_observed};
use crate::scenario::Scenario;
pub use audit::AuditTable;
pub use observer::ReportObserver;
pub use progress::Progress;
pub use rooms::RoomTable;

/// Why writing a report failed.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file or folder.
    #[error("{path}: {source}")]
    Io {
        /// Which.
        path: PathBuf,
        /// What.
        source: std::io::Error,
    },
    /// A table.
    #[error("polars: {0}")]
    Polars(#[from] PolarsError),
    /// A chart.
    #[error("chart: {0}")]
    Chart(String),
    /// A table received rows after it was finished.
    #[error("the {0} table received rows after it was finished")]
    Finished(&'static str),
    /// The run itself.
    #[error(transparent)]
    Run(#[from] RunError),
}

impl ReportError {
    /// An I/O error on a path.
    pub fn io(path: &Path, source: std::io::Error) -> ReportError {
        ReportError::Io { path: path.to_path_buf(), source }
    }
}

/// One account's names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountLabel {
    /// Scenario id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Consults at the start.
    pub consults: bool,
}

/// Names of the indices records carry (channels, categories, accounts), taken at the start.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Labels {
    /// Channel ids.
    pub channels: Vec<String>,
    /// Category paths `Major/Middle`.
    pub categories: Vec<String>,
    /// Accounts in registration order.
    pub accounts: Vec<AccountLabel>,
}

const UNKNOWN: &str = "?";

impl Labels {
    /// The names an engine knows.
    pub fn of(engine: &Engine) -> Labels {
        let cat = engine.catalog();
        Labels {
            channels: cat.channels.iter().map(|c| c.id.clone()).collect(),
            categories: cat.categories.iter().map(|c| c.path()).collect(),
            accounts: engine
                .accounts()
                .iter()
                .map(|a| AccountLabel { id: a.id.clone(), name: a.name.clone(), role: a.role, consults: a.consults })
                .collect(),
        }
    }
    /// A channel's id.
    pub fn channel(&self, i: u16) -> &str {
        self.channels.get(i as usize).map_or(UNKNOWN, String::as_str)
    }
    /// A category's path.
    pub fn category(&self, i: u32) -> &str {
        self.categories.get(i as usize).map_or(UNKNOWN, String::as_str)
    }
    /// An account's id.
    pub fn account(&self, i: u32) -> &str {
        self.accounts.get(i as usize).map_or(UNKNOWN, |a| a.id.as_str())
    }
}

/// Every table a report writes, each as `<name>.csv` and `<name>.parquet`, with what it holds.
pub const TABLES: [(&str, &str); 8] = [
    ("rooms", "one row per room created in the measured window (SIM7); times in seconds since 1970-01-01 local"),
    ("queue", "rooms per state and waiting rooms per wait code at each step start, and each step's mean"),
    (
        "latency",
        "assignment and first-reply latency (s) overall and by hour, weekday, channel, category, wait code, path",
    ),
    ("agents", "per account: load, rooms received, share of the limit in use, hours logged in, on break, at meals"),
    ("entry_paths", "requests assigned at once, entering Waiting per wait code, and rejected"),
    ("messages", "automatic messages per kind"),
    ("closes", "closed rooms per close type"),
    ("audit", "the service usage history (L1, L2): every entry in (time, sequence) order"),
];

/// How to write a report.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReportOptions {
    /// Show a progress bar on a terminal for runs longer than about a second.
    pub progress: bool,
}

/// What a report run wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The report folder.
    pub dir: PathBuf,
    /// File names in the folder, sorted.
    pub files: Vec<String>,
    /// Rows per table, in [`TABLES`] order.
    pub rows: Vec<(&'static str, u64)>,
    /// Wall time of the simulation with its streaming tables, seconds (never written to files).
    pub run_secs: f64,
    /// Wall time of the tables, charts and page after the simulation, seconds.
    pub write_secs: f64,
}

/// A staging folder next to `dest`, removed on drop unless it was moved into place.
struct Staging {
    path: PathBuf,
    done: bool,
}

impl Staging {
    fn new(dest: &Path) -> Result<Staging, ReportError> {
        let parent = dest.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| ReportError::io(parent, e))?;
        let name = dest.file_name().and_then(|n| n.to_str()).unwrap_or("report");
        let path = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if path.exists() {
            std::fs::remove_dir_all(&path).map_err(|e| ReportError::io(&path, e))?;
        }
        std::fs::create_dir(&path).map_err(|e| ReportError::io(&path, e))?;
        Ok(Staging { path, done: false })
    }

    /// Replaces `dest` by the staging folder: the old folder is renamed aside, the new one
    /// renamed into place, then the old one removed. If the second rename fails, the old folder
    /// is put back.
    fn commit(mut self, dest: &Path) -> Result<(), ReportError> {
        let old = self.path.with_file_name(format!(
            ".{}.old-{}",
            dest.file_name().and_then(|n| n.to_str()).unwrap_or("report"),
            std::process::id()
        ));
        let had_old = dest.exists();
        if had_old {
            if old.exists() {
                std::fs::remove_dir_all(&old).map_err(|e| ReportError::io(&old, e))?;
            }
            std::fs::rename(dest, &old).map_err(|e| ReportError::io(dest, e))?;
        }
        if let Err(e) = std::fs::rename(&self.path, dest) {
            if had_old {
                let _ = std::fs::rename(&old, dest);
            }
            return Err(ReportError::io(dest, e));
        }
        self.done = true;
        if had_old {
            std::fs::remove_dir_all(&old).map_err(|e| ReportError::io(&old, e))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Runs a scenario and writes its report folder `dest` (replacing it whole).
pub fn run_with_report(
    sc: &Scenario,
    settings: RunSettings,
    dest: &Path,
    opts: ReportOptions,
) -> Result<(RunOutput<RoomTable>, Report), ReportError> {
    run_with_report_and(sc, settings, dest, opts, |_| Ok(())).map(|(o, r, ())| (o, r))
}

/// As [`run_with_report`], with one more observer beside the report's (a trace recorder, say),
/// built once the scripted room labels are known and handed back at the end.
pub fn run_with_report_and<O: crate::sim::Observer>(
    sc: &Scenario,
    settings: RunSettings,
    dest: &Path,
    opts: ReportOptions,
    make: impl FnOnce(&dyn Fn(&str) -> Option<crate::engine::RoomId>) -> Result<O, String>,
) -> Result<(RunOutput<RoomTable>, Report, O), ReportError> {
    let staging = Staging::new(dest)?;
    let dir = staging.path.clone();
    let engine = Engine::new(sc.engine_config()).map_err(|err| RunError::Config { path: sc.path.clone(), err })?;
    let labels = Arc::new(Labels::of(&engine));
    drop(engine);
    let (start, end) = (sc.start(), sc.end());
    let from = start + sc.file.warm_up.secs();
    let step = sc.file.report.queue_step.secs().max(1);
    let csv = sc.file.report.csv;

    let started = Instant::now();
    let observers = (
        (ReportObserver::new(&dir, from, end, step, csv)?, AuditTable::new(&dir, labels.clone(), csv)?),
        Progress::new(opts.progress, start, end),
    );
    let (mut output, (((observer, audit), progress), extra)) =
        run_observed(sc, settings, RoomTable::new(&dir, labels.clone(), sc.file.report.rooms, csv)?, |ids| {
            Ok((observers, make(ids)?))
        })?;
    let run_secs = started.elapsed().as_secs_f64();

    let written = Instant::now();
    progress.phase("writing tables");
    let result = write_derived(sc, &dir, &mut output, observer, audit, &labels, step, &progress);
    progress.clear();
    let rows = result?;
    let write_secs = written.elapsed().as_secs_f64();

    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| ReportError::io(&dir, e))?
        .filter_map(|e| e.ok().and_then(|e| e.file_name().into_string().ok()))
        .collect();
    files.sort();
    staging.commit(dest)?;
    Ok((output, Report { dir: dest.to_path_buf(), files, rows, run_secs, write_secs }, extra))
}

/// Everything after the simulation: tables, charts, summary and page.
#[allow(clippy::too_many_arguments)]
fn write_derived(
    sc: &Scenario,
    dir: &Path,
    output: &mut RunOutput<RoomTable>,
    observer: ReportObserver,
    mut audit: AuditTable,
    labels: &Labels,
    step: i64,
    progress: &Progress,
) -> Result<Vec<(&'static str, u64)>, ReportError> {
    let (room_rows, counts) = output.stats.sink.finish()?;
    let audit_rows = audit.finish()?;
    let mut obs = observer.into_output()?;
    let stats = &output.stats;

    let mut latency = counts.table()?;
    let mut agents = tables::agents(&obs, labels)?;
    let mut entries = tables::entry_paths(stats)?;
    let mut messages = tables::messages(stats)?;
    let mut closes = tables::closes(stats)?;
    for (name, df) in [
        ("latency", &mut latency),
        ("agents", &mut agents),
        ("entry_paths", &mut entries),
        ("messages", &mut messages),
        ("closes", &mut closes),
    ] {
        table::write_frame(dir, name, df, sc.file.report.csv)?;
    }
    let title = format!("consult-sim run: {}", sc.file.name);
    write_file(dir, "summary.md", output.summary.markdown(&title).as_bytes())?;

    progress.phase("drawing charts");
    let queue = match obs.queue_chart.take() {
        Some(q) => q,
        None => data::queue_series(&dir.join("queue.parquet"), obs.from, obs.end, step)?,
    };
    let cdf = data::cdf(&counts, &latency)?;
    let by_hour = data::by_hour(&latency)?;
    let bars = data::entry_bars(&entries)?;
    let heat = data::heat(&obs, labels);
    charts::draw_all(dir, &queue, &cdf, &by_hour, &bars, &heat)?;

    let rows: Vec<(&'static str, u64)> = vec![
        ("rooms", room_rows),
        ("queue", obs.queue_rows),
        ("latency", latency.height() as u64),
        ("agents", agents.height() as u64),
        ("entry_paths", entries.height() as u64),
        ("messages", messages.height() as u64),
        ("closes", closes.height() as u64),
        ("audit", audit_rows),
    ];
    let mut listed: Vec<html::TableLine> = Vec::new();
    for ((name, what), (_, n)) in TABLES.iter().zip(&rows) {
        if *name == "rooms" && !sc.file.report.rooms {
            continue;
        }
        listed.push((name, *n, what, dir.join(format!("{name}.csv")).is_file()));
    }
    write_file(dir, "index.html", html::page(&title, &output.summary, &listed).as_bytes())?;
    Ok(rows)
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), ReportError> {
    let p = dir.join(name);
    std::fs::write(&p, bytes).map_err(|e| ReportError::io(&p, e))
}

/// Chart data, read back from the written tables.
pub mod data {
    use super::*;
    use crate::report::charts::{ByHour, Cdf, EntryBar, Heat, QueueSeries};

    /// The most points of the queue chart.
    pub const MAX_QUEUE_POINTS: usize = 1200;

    /// The queue series from `queue.parquet`, averaged over groups of steps so that at most
    /// [`MAX_QUEUE_POINTS`] points remain, and the working spans at full resolution.
    pub fn queue_series(path: &Path, from: Time, end: Time, step: i64) -> Result<QueueSeries, ReportError> {
        let mut cols = vec![col("t"), col("working")];
        // Bottom layer first: waiting, received, in progress, chatbot.
        for name in ["waiting", "received", "in_progress", "chatbot"] {
            cols.push(col(format!("{name}_mean")));
        }
        let df = LazyFrame::scan_parquet(PlRefPath::try_from_path(path)?, ScanArgsParquet::default())?
            .select(cols)
            .collect()?;
        let t: Vec<i64> = df.column("t")?.i64()?.into_no_null_iter().collect();
        let working_col = df.column("working")?.bool()?.rechunk();
        let working: Vec<bool> = (0..df.height()).map(|i| working_col.get(i).unwrap_or(false)).collect();
        let mut layers_full: Vec<Vec<f64>> = Vec::new();
        for name in ["waiting", "received", "in_progress", "chatbot"] {
            layers_full.push(df.column(&format!("{name}_mean"))?.f64()?.into_no_null_iter().collect());
        }
        let n = t.len();
        let k = n.div_ceil(MAX_QUEUE_POINTS).max(1);
        let mut out = QueueSeries { from, end, width: step * k as i64, ..Default::default() };
        for chunk in (0..n).step_by(k) {
            let hi = (chunk + k).min(n);
            out.t.push(t[chunk]);
            for (l, full) in layers_full.iter().enumerate() {
                let s: f64 = full[chunk..hi].iter().sum();
                out.layers[l].push(s / (hi - chunk) as f64);
            }
        }
        let mut i = 0;
        while i < n {
            if working[i] {
                let a = t[i];
                while i < n && working[i] {
                    i += 1;
                }
                let b = if i < n { t[i] } else { end };
                out.working.push((a, b));
            } else {
                i += 1;
            }
        }
        Ok(out)
    }

    fn overall_assignment(latency: &DataFrame, column: &str) -> Result<Option<f64>, ReportError> {
        let m = latency
            .clone()
            .lazy()
            .filter(col("dimension").eq(lit("all")).and(col("metric").eq(lit("assignment"))))
            .select([col(column).cast(DataType::Float64)])
            .collect()?;
        // A run with no assignment has no "all" row; polars' `get` panics past the end.
        let values = m.column(column)?.f64()?;
        Ok(if values.is_empty() { None } else { values.get(0) })
    }

    /// The assignment CDF with p50, p90 and p99 from the latency table.
    pub fn cdf(counts: &latency::LatencyCounts, latency: &DataFrame) -> Result<Cdf, ReportError> {
        let (x, y) = counts.assignment_cdf();
        let mut marks = Vec::new();
        for q in ["p50", "p90", "p99"] {
            if let Some(v) = overall_assignment(latency, q)? {
                marks.push((q, v));
            }
        }
        Ok(Cdf { x, y, marks })
    }

    /// Mean, p50 and p90 assignment latency per hour of day.
    pub fn by_hour(latency: &DataFrame) -> Result<ByHour, ReportError> {
        let df = latency
            .clone()
            .lazy()
            .filter(col("dimension").eq(lit("hour_of_day")).and(col("metric").eq(lit("assignment"))))
            .collect()?;
        let mut out =
            ByHour { series: [("mean", [None; 24]), ("p50", [None; 24]), ("p90", [None; 24])], count: [0; 24] };
        let keys = df.column("key")?.str()?;
        let count = df.column("count")?.u64()?;
        for (s, name) in ["mean", "p50", "p90"].iter().enumerate() {
            let v = df.column(name)?.f64()?;
            for i in 0..df.height() {
                if let Some(h) = keys.get(i).and_then(|k| k.parse::<usize>().ok()).filter(|h| *h < 24) {
                    out.series[s].1[h] = v.get(i);
                    out.count[h] = count.get(i).unwrap_or(0);
                }
            }
        }
        Ok(out)
    }

    /// The bars of the entry-path chart from the `entry_paths` table.
    pub fn entry_bars(entries: &DataFrame) -> Result<Vec<EntryBar>, ReportError> {
        let path = entries.column("path")?.str()?;
        let kind = entries.column("kind")?.str()?;
        let count = entries.column("count")?.u64()?;
        Ok((0..entries.height())
            .map(|i| {
                let p = path.get(i).unwrap_or_default();
                let label = match p {
                    "immediate" => "assigned at once".to_string(),
                    "rejected_after_hours" => "rejected: after hours".to_string(),
                    "rejected_over_capacity" => "rejected: over capacity".to_string(),
                    code => format!("waiting {code}"),
                };
                EntryBar { label, kind: kind.get(i).unwrap_or_default().to_string(), count: count.get(i).unwrap_or(0) }
            })
            .collect())
    }

    /// The heat map: accounts that consult or ever owned a room, mean load per bucket.
    pub fn heat(obs: &observer::ObserverOutput, labels: &Labels) -> Heat {
        let mut out = Heat { from: obs.from, end: obs.end, bucket: obs.bucket, ..Default::default() };
        for f in &obs.agents {
            let consults = labels.accounts.get(f.account as usize).is_some_and(|a| a.consults);
            if !consults && f.heat.is_empty() {
                continue;
            }
            out.accounts.push(labels.account(f.account).to_string());
            let cells = f
                .heat
                .iter()
                .enumerate()
                .map(|(k, v)| {
                    let a = obs.from + k as i64 * obs.bucket;
                    let len = (a + obs.bucket).min(obs.end) - a;
                    if len > 0 { *v as f64 / len as f64 } else { 0.0 }
                })
                .collect();
            out.cells.push(cells);
        }
        out
    }
}
