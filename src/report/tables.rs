//! The derived tables: `agents`, `entry_paths`, `messages` and `closes`, and the `latency`
//! table's reference query (the report builds that table from exact counts, see
//! [`super::latency`]; this polars query over a rooms Parquet file is what they must equal).

use std::path::Path;

use polars::prelude::*;

use super::observer::ObserverOutput;
use super::{Labels, ReportError};
use crate::engine::{AssignPath, CloseType, MessageKind, WaitCode};
use crate::stats::{RoomSink, Stats};

/// Latency metrics of the `latency` table: (name, end column); both start at `request_at`.
pub const LATENCY_METRICS: [(&str, &str); 2] = [("assignment", "assigned_at"), ("first_reply", "first_reply_at")];

/// The quantiles of the `latency` table.
pub const QUANTILES: [(&str, f64); 4] = [("p50", 0.5), ("p90", 0.9), ("p95", 0.95), ("p99", 0.99)];

/// Weekday names, Monday first.
pub const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// One dimension of the latency table: a key expression over the rooms, and the order of its
/// keys as a frame `(code, key, ord)` (`code` has the key expression's type; `key` is the label).
struct Dimension {
    name: &'static str,
    key: Expr,
    order: DataFrame,
}

fn order_frame(codes: Column, labels: Vec<String>) -> PolarsResult<DataFrame> {
    let ord: Vec<u32> = (0..labels.len() as u32).collect();
    DataFrame::new_infer_height(vec![codes, Column::new("key".into(), labels), Column::new("ord".into(), ord)])
}

fn int_order(codes: Vec<i64>, labels: Vec<String>) -> PolarsResult<DataFrame> {
    order_frame(Column::new("code".into(), codes), labels)
}

fn string_order(labels: Vec<String>) -> PolarsResult<DataFrame> {
    order_frame(Column::new("code".into(), labels.clone()), labels)
}

fn dimensions(labels: &Labels) -> PolarsResult<Vec<Dimension>> {
    // Polars' integer `/` and `%` floor (`latency::hour_of_day` and `weekday` do the same).
    let req = || col("request_at");
    let [all, hours, weekdays, channels, categories, codes, paths] = super::latency::dimension_keys(labels);
    Ok(vec![
        Dimension { name: "all", key: lit("all"), order: string_order(all)? },
        Dimension {
            name: "hour_of_day",
            key: (req() % lit(86_400i64)) / lit(3_600i64),
            order: int_order((0..24i64).collect(), hours)?,
        },
        Dimension {
            // 1970-01-01 was a Thursday: (days + 3) mod 7 is 0 on Mondays.
            name: "weekday",
            key: (req() / lit(86_400i64) + lit(3i64)) % lit(7i64),
            order: int_order((0..7i64).collect(), weekdays)?,
        },
        Dimension { name: "channel", key: col("channel"), order: string_order(channels)? },
        Dimension { name: "category", key: col("category"), order: string_order(categories)? },
        Dimension { name: "wait_code", key: col("wait_code").fill_null(lit("none")), order: string_order(codes)? },
        Dimension { name: "assign_path", key: col("assign_path"), order: string_order(paths)? },
    ])
}

/// The `latency` table as a polars query over a rooms Parquet file: for each dimension, key
/// and metric, the count, mean, p50, p90, p95, p99 and max of the latency in seconds. Rooms
/// without a request, or without the metric's end event, do not count. Its memory grows with
/// the rooms (the quantiles hold every value), so the report uses
/// [`super::latency::LatencyCounts::table`], which gives the same frame; this is the reference
/// the tests hold it to.
pub fn latency_query(rooms_parquet: &Path, labels: &Labels) -> Result<DataFrame, ReportError> {
    let path = PlRefPath::try_from_path(rooms_parquet)?;
    // The text columns are written as Enum (dictionary) columns; the dimensions work on strings.
    let text = ["channel", "category", "wait_code", "assign_path"].map(|c| col(c).cast(DataType::String));
    let rooms = LazyFrame::scan_parquet(path, ScanArgsParquet::default())?
        .with_columns(text)
        .filter(col("request_at").is_not_null());
    let mut parts = Vec::new();
    for dim in dimensions(labels)? {
        for (metric, end) in LATENCY_METRICS {
            let lat = || col("latency");
            let mut aggs = vec![lat().count().alias("count"), lat().mean().alias("mean")];
            for (name, q) in QUANTILES {
                aggs.push(lat().quantile(lit(q), QuantileMethod::Linear).alias(name));
            }
            aggs.push(lat().max().alias("max"));
            let part = rooms
                .clone()
                .select([dim.key.clone().alias("code"), (col(end) - col("request_at")).alias("latency")])
                .filter(col("latency").is_not_null().and(col("code").is_not_null()))
                .group_by([col("code")])
                .agg(aggs)
                .join(dim.order.clone().lazy(), [col("code")], [col("code")], JoinArgs::new(JoinType::Left))
                .sort(["ord"], SortMultipleOptions::default().with_maintain_order(true))
                .select([
                    lit(dim.name).alias("dimension"),
                    col("key"),
                    lit(metric).alias("metric"),
                    col("count").cast(DataType::UInt64),
                    col("mean").cast(DataType::Float64),
                    col("p50").cast(DataType::Float64),
                    col("p90").cast(DataType::Float64),
                    col("p95").cast(DataType::Float64),
                    col("p99").cast(DataType::Float64),
                    col("max").cast(DataType::Int64),
                ]);
            parts.push(part);
        }
    }
    collect_streaming(concat(parts, UnionArgs::default())?)
}

/// Runs a query over the rooms file on polars' streaming engine, which reads the file in
/// morsels instead of loading its columns whole (a one-year run has millions of rooms).
pub fn collect_streaming(lf: LazyFrame) -> Result<DataFrame, ReportError> {
    // A single sink (no `sink_batches`/multiplexing) always gives a single frame.
    Ok(lf.collect_with_engine(Engine::Streaming)?.unwrap_single())
}

/// The distinct assignment latencies with their cumulative share, for the CDF chart, as a
/// polars query over a rooms Parquet file (the reference of
/// [`super::latency::LatencyCounts::assignment_cdf`]).
pub fn assignment_cdf_query(rooms_parquet: &Path) -> Result<(Vec<i64>, Vec<f64>), ReportError> {
    let path = PlRefPath::try_from_path(rooms_parquet)?;
    let df = LazyFrame::scan_parquet(path, ScanArgsParquet::default())?
        .filter(col("request_at").is_not_null().and(col("assigned_at").is_not_null()))
        .select([(col("assigned_at") - col("request_at")).alias("latency")])
        .group_by([col("latency")])
        .agg([len().cast(DataType::UInt64).alias("n")])
        .sort(["latency"], SortMultipleOptions::default());
    let df = collect_streaming(df)?;
    let x: Vec<i64> = df.column("latency")?.i64()?.into_no_null_iter().collect();
    let n: Vec<u64> = df.column("n")?.u64()?.into_no_null_iter().collect();
    let total: u64 = n.iter().sum();
    let mut run = 0u64;
    let y = n
        .iter()
        .map(|k| {
            run += k;
            run as f64 / total.max(1) as f64
        })
        .collect();
    Ok((x, y))
}

fn hours(secs: i64) -> f64 {
    secs as f64 / 3600.0
}

/// The `agents` table: per account, load, rooms received, share of the limit in use while
/// logged in, and time logged in, on break and at meals (hours).
pub fn agents(out: &ObserverOutput, labels: &Labels) -> Result<DataFrame, ReportError> {
    let window = (out.end - out.from).max(0);
    let a = &out.agents;
    let acc = |i: u32| labels.accounts.get(i as usize);
    let cols = vec![
        Column::new("account".into(), a.iter().map(|f| labels.account(f.account).to_string()).collect::<Vec<_>>()),
        Column::new(
            "name".into(),
            a.iter().map(|f| acc(f.account).map(|x| x.name.clone()).unwrap_or_default()).collect::<Vec<_>>(),
        ),
        Column::new(
            "role".into(),
            a.iter().map(|f| acc(f.account).map(|x| x.role.as_str()).unwrap_or("")).collect::<Vec<&str>>(),
        ),
        Column::new(
            "mean_load".into(),
            a.iter().map(|f| if window > 0 { f.load_secs as f64 / window as f64 } else { 0.0 }).collect::<Vec<_>>(),
        ),
        Column::new("max_load".into(), a.iter().map(|f| f.max_load).collect::<Vec<_>>()),
        Column::new("rooms_received".into(), a.iter().map(|f| f.rooms_received).collect::<Vec<_>>()),
        Column::new("transfers_in".into(), a.iter().map(|f| f.transfers_in).collect::<Vec<_>>()),
        Column::new(
            "capacity_used".into(),
            a.iter()
                .map(|f| {
                    (f.capacity_logged_in_secs > 0)
                        .then(|| f.load_logged_in_secs as f64 / f.capacity_logged_in_secs as f64)
                })
                .collect::<Vec<Option<f64>>>(),
        ),
        Column::new("logged_in_h".into(), a.iter().map(|f| hours(f.logged_in_secs)).collect::<Vec<_>>()),
        Column::new("on_break_h".into(), a.iter().map(|f| hours(f.on_break_secs)).collect::<Vec<_>>()),
        Column::new("at_meal_h".into(), a.iter().map(|f| hours(f.at_meal_secs)).collect::<Vec<_>>()),
    ];
    Ok(DataFrame::new(a.len(), cols)?)
}

/// What each entry path means, for the `entry_paths` table and chart.
pub fn wait_code_description(code: WaitCode) -> &'static str {
    match code {
        WaitCode::W1 => "after hours, after-hours intake on",
        WaitCode::W2 => "every pool account on break",
        WaitCode::W3 => "collective meal window",
        WaitCode::W4 => "over capacity, over-capacity intake on",
        WaitCode::W5 => "every account unavailable for the date",
        WaitCode::W6 => "every account logged out",
        WaitCode::W7 => "category-designated accounts unavailable",
        WaitCode::W8 => "profile not entered",
        WaitCode::WM => "manual distribution",
        WaitCode::W7C => "channel-designated accounts unavailable",
        WaitCode::W3I => "every pool account at an individual meal",
        WaitCode::WMix => "mixed reasons",
    }
}

/// The `entry_paths` table: how requests entered — assigned at once, Waiting per code, or
/// rejected — as the run's statistics counted them (rooms created in the window).
pub fn entry_paths<S: RoomSink>(stats: &Stats<S>) -> Result<DataFrame, ReportError> {
    let mut path: Vec<String> = vec!["immediate".into()];
    let mut kind: Vec<&str> = vec!["assigned"];
    let mut desc: Vec<&str> = vec!["assigned at request time"];
    let mut count: Vec<u64> = vec![stats.assign_latency_by_path[AssignPath::Immediate.index()].count()];
    for code in WaitCode::ALL {
        path.push(code.as_str().into());
        kind.push("waiting");
        desc.push(wait_code_description(code));
        count.push(stats.wait_entries[code.index()]);
    }
    for (i, (p, d)) in
        [("rejected_after_hours", "after hours (A2.1)"), ("rejected_over_capacity", "over capacity (A2.5)")]
            .into_iter()
            .enumerate()
    {
        path.push(p.into());
        kind.push("rejected");
        desc.push(d);
        count.push(stats.rejections[i]);
    }
    Ok(df!("path" => path, "kind" => kind, "description" => desc, "count" => count)?)
}

/// The `messages` table: automatic messages per kind.
pub fn messages<S: RoomSink>(stats: &Stats<S>) -> Result<DataFrame, ReportError> {
    let kinds = MessageKind::ALL;
    Ok(df!(
        "kind" => kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        "rule" => kinds.iter().map(|k| k.rule()).collect::<Vec<_>>(),
        "count" => kinds.iter().map(|k| stats.messages[k.index()]).collect::<Vec<_>>(),
    )?)
}

/// The `closes` table: closed rooms per close type.
pub fn closes<S: RoomSink>(stats: &Stats<S>) -> Result<DataFrame, ReportError> {
    let types = CloseType::ALL;
    Ok(df!(
        "close_type" => types.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "count" => types.iter().map(|c| stats.closes[c.index()]).collect::<Vec<_>>(),
    )?)
}
