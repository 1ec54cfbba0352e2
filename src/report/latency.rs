//! The counts behind the `latency` table and the latency CDF chart: an exact histogram of
//! whole-second latencies per (metric, dimension, key), filled while the rooms stream past.
//!
//! Latencies are whole seconds, so exact counts per value give exact quantiles: the table's
//! values are the ones polars' `quantile(.., Linear)` gives over the rooms file (tested against
//! it), but memory holds one counter per distinct latency and key instead of every room, and
//! nothing reads the rooms file back after the run.

use polars::prelude::*;

use super::Labels;
use super::tables::{LATENCY_METRICS, QUANTILES, WEEKDAYS};
use crate::engine::{AssignPath, WaitCode};
use crate::stats::{Histogram, RoomRecord};

/// The dimensions of the latency table, in table order.
pub const DIMENSIONS: [&str; 7] = ["all", "hour_of_day", "weekday", "channel", "category", "wait_code", "assign_path"];

const ALL: usize = 0;
const CHANNEL: usize = 3;
const CATEGORY: usize = 4;

/// The slot of a key no label names (a room whose channel or category index the labels do
/// not know): its rows come first with a null key, where polars sorts a failed join.
const UNKNOWN: usize = 0;

/// The keys of each dimension in table order, as [`DIMENSIONS`] lists them.
pub fn dimension_keys(labels: &Labels) -> [Vec<String>; 7] {
    let mut codes: Vec<String> = WaitCode::ALL.iter().map(|c| c.as_str().to_string()).collect();
    codes.push("none".into());
    [
        vec!["all".to_string()],
        (0..24).map(|h| format!("{h:02}")).collect(),
        WEEKDAYS.iter().map(|d| d.to_string()).collect(),
        labels.channels.clone(),
        labels.categories.clone(),
        codes,
        AssignPath::ALL.iter().map(|p| p.as_str().to_string()).collect(),
    ]
}

/// Hour of day (0–23) of a virtual time, as the latency query computes it: polars' integer
/// `%` and `/` floor (for a positive divisor that is Rust's `rem_euclid` and `div_euclid`).
pub fn hour_of_day(t: i64) -> usize {
    (t.rem_euclid(86_400) / 3_600) as usize
}

/// Weekday, 0 = Monday (1970-01-01 was a Thursday), as the latency query computes it.
pub fn weekday(t: i64) -> usize {
    (t.div_euclid(86_400) + 3).rem_euclid(7) as usize
}

/// One dimension's keys and histograms.
#[derive(Debug, Clone, Default)]
struct Dim {
    keys: Vec<String>,
    /// For each key (table order), the slot of its histogram: equal keys share the slot of the
    /// first, as equal strings share one polars group.
    slot_of_key: Vec<usize>,
    /// Per metric, per slot (slot 0 = [`UNKNOWN`], slot k + 1 = the k-th distinct key).
    hist: [Vec<Histogram>; 2],
}

impl Dim {
    fn new(keys: Vec<String>) -> Dim {
        let slot_of_key: Vec<usize> =
            (0..keys.len()).map(|k| 1 + keys.iter().position(|x| *x == keys[k]).unwrap_or(k)).collect();
        let n = keys.len() + 1;
        Dim { keys, slot_of_key, hist: [vec![Histogram::default(); n], vec![Histogram::default(); n]] }
    }

    /// The slot of a key given by a label string.
    fn slot_of_label(&self, label: &str) -> usize {
        self.keys.iter().position(|k| k == label).map_or(UNKNOWN, |k| self.slot_of_key[k])
    }
}

/// Exact latency counts per metric, dimension and key.
#[derive(Debug, Clone, Default)]
pub struct LatencyCounts {
    dims: Vec<Dim>,
    /// Channel index → slot in the channel dimension (what `Labels::channel` names it).
    channel_slot: Vec<usize>,
    /// Category index → slot.
    category_slot: Vec<usize>,
    /// The slot of an index the labels do not know (named `?`).
    unknown_channel: usize,
    unknown_category: usize,
}

impl LatencyCounts {
    /// Empty counts for the keys of `labels`.
    pub fn new(labels: &Labels) -> LatencyCounts {
        let dims: Vec<Dim> = dimension_keys(labels).into_iter().map(Dim::new).collect();
        let channel_slot = (0..labels.channels.len()).map(|i| dims[CHANNEL].slot_of_label(labels.channel(i as u16)));
        let category_slot =
            (0..labels.categories.len()).map(|i| dims[CATEGORY].slot_of_label(labels.category(i as u32)));
        LatencyCounts {
            channel_slot: channel_slot.collect(),
            category_slot: category_slot.collect(),
            unknown_channel: dims[CHANNEL].slot_of_label(super::UNKNOWN),
            unknown_category: dims[CATEGORY].slot_of_label(super::UNKNOWN),
            dims,
        }
    }

    /// Counts one room: rooms without a request do not count, nor a metric whose end event
    /// the room lacks, nor the `assign_path` dimension for a room never assigned.
    pub fn add(&mut self, r: &RoomRecord) {
        let Some(req) = r.request_at else { return };
        if self.dims.len() != DIMENSIONS.len() {
            return;
        }
        let slots: [Option<usize>; 7] = [
            Some(1),
            Some(1 + hour_of_day(req)),
            Some(1 + weekday(req)),
            Some(self.channel_slot.get(r.channel as usize).copied().unwrap_or(self.unknown_channel)),
            Some(self.category_slot.get(r.category as usize).copied().unwrap_or(self.unknown_category)),
            // WaitCode::index is the position in WaitCode::ALL; "none" follows them.
            Some(1 + r.wait_code.map_or(WaitCode::ALL.len(), |c| c.index())),
            r.assign_path.map(|p| 1 + p.index()),
        ];
        for (m, end) in [r.assigned_at, r.first_reply_at].into_iter().enumerate() {
            let Some(end) = end else { continue };
            // Polars subtracts with wrapping arithmetic.
            let latency = end.wrapping_sub(req);
            for (dim, slot) in self.dims.iter_mut().zip(slots) {
                if let Some(h) = slot.and_then(|s| dim.hist[m].get_mut(s)) {
                    h.record(latency);
                }
            }
        }
    }

    /// The overall histogram of a metric (index in [`LATENCY_METRICS`]).
    pub fn overall(&self, metric: usize) -> Option<&Histogram> {
        self.dims.get(ALL).and_then(|d| d.hist.get(metric)).and_then(|h| h.get(1))
    }

    /// The `latency` table: for each dimension, metric and key (a key no label names first,
    /// with a null key), the count, mean, p50, p90, p95, p99 and max in seconds; keys without
    /// a latency are left out.
    pub fn table(&self) -> PolarsResult<DataFrame> {
        let mut dimension: Vec<&str> = Vec::new();
        let mut key: Vec<Option<&str>> = Vec::new();
        let mut metric: Vec<&str> = Vec::new();
        let mut count: Vec<u64> = Vec::new();
        let mut mean: Vec<f64> = Vec::new();
        let mut quantiles: [Vec<f64>; 4] = Default::default();
        let mut max: Vec<i64> = Vec::new();
        for (name, dim) in DIMENSIONS.iter().zip(&self.dims) {
            for (m, (metric_name, _)) in LATENCY_METRICS.iter().enumerate() {
                let rows = std::iter::once((None, UNKNOWN))
                    .chain(dim.keys.iter().zip(&dim.slot_of_key).map(|(k, s)| (Some(k.as_str()), *s)));
                for (k, slot) in rows {
                    let Some(h) = dim.hist[m].get(slot).filter(|h| h.count() > 0) else { continue };
                    dimension.push(name);
                    key.push(k);
                    metric.push(metric_name);
                    count.push(h.count());
                    mean.push(h.mean().unwrap_or(f64::NAN));
                    for (v, (_, q)) in quantiles.iter_mut().zip(QUANTILES) {
                        v.push(h.quantile(q).unwrap_or(f64::NAN));
                    }
                    max.push(h.max().unwrap_or(0));
                }
            }
        }
        let mut cols = vec![
            Column::new("dimension".into(), dimension),
            Column::new("key".into(), key),
            Column::new("metric".into(), metric),
            Column::new("count".into(), count),
            Column::new("mean".into(), mean),
        ];
        for (v, (name, _)) in quantiles.into_iter().zip(QUANTILES) {
            cols.push(Column::new(name.into(), v));
        }
        cols.push(Column::new("max".into(), max));
        DataFrame::new_infer_height(cols)
    }

    /// The distinct assignment latencies with their cumulative share, for the CDF chart.
    pub fn assignment_cdf(&self) -> (Vec<i64>, Vec<f64>) {
        let Some(h) = self.overall(0) else { return (Vec::new(), Vec::new()) };
        let total = h.count().max(1) as f64;
        let mut run = 0u64;
        h.iter()
            .map(|(v, c)| {
                run += c;
                (v, run as f64 / total)
            })
            .unzip()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RoomState;
    use crate::report::{rooms, table, tables};
    use crate::scenario::model::CsvPolicy;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn pick(rng: &mut ChaCha8Rng, n: u64) -> u64 {
        rng.next_u64() % n
    }

    /// A latency drawn from a mix: many small values with ties, some past the dense range of
    /// the histogram, a few negative (polars keeps them, so the counts must too).
    fn latency(rng: &mut ChaCha8Rng) -> i64 {
        match pick(rng, 10) {
            0..=5 => pick(rng, 60) as i64,
            6 | 7 => pick(rng, 5_000) as i64,
            8 => 4_000 + pick(rng, 60_000) as i64,
            _ => -(pick(rng, 3) as i64),
        }
    }

    fn random_rooms(seed: u64, n: usize) -> Vec<RoomRecord> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let opt = |rng: &mut ChaCha8Rng, share_none: u64| pick(rng, 100) >= share_none;
        (0..n)
            .map(|i| {
                // Mostly 2026, some before 1970 (polars' floor modulo for the hour and weekday).
                let base = if pick(&mut rng, 20) == 0 { -86_400 * 40 } else { 1_767_571_200 };
                let created = base + pick(&mut rng, 86_400 * 14) as i64;
                let request = opt(&mut rng, 10).then(|| created + pick(&mut rng, 90) as i64);
                let assigned = request.filter(|_| opt(&mut rng, 20)).map(|r| r + latency(&mut rng));
                let reply = assigned.filter(|_| opt(&mut rng, 30)).map(|a| a + latency(&mut rng));
                RoomRecord {
                    room: i as u64,
                    // One index past the labels (`?`, a null key).
                    channel: pick(&mut rng, 3) as u16,
                    category: pick(&mut rng, 4) as u32,
                    created_at: created,
                    request_at: request,
                    waiting_since: None,
                    wait_code: opt(&mut rng, 50).then(|| WaitCode::ALL[pick(&mut rng, 12) as usize]),
                    assigned_at: assigned,
                    assign_path: assigned.map(|_| AssignPath::ALL[pick(&mut rng, 5) as usize]),
                    first_reply_at: reply,
                    closed_at: None,
                    close_type: None,
                    state: RoomState::ConsultationEnded,
                    owner: None,
                    censored: false,
                }
            })
            .collect()
    }

    fn labels() -> Labels {
        Labels {
            channels: vec!["web".into(), "app".into()],
            // A repeated path: a join gives its group once per label, so must the counts.
            categories: vec!["a/x".into(), "b/y".into(), "a/x".into()],
            accounts: Vec::new(),
        }
    }

    fn scratch(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("consult-sim-latency-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn wait_code_and_assign_path_indices_are_their_positions() {
        for (i, c) in WaitCode::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
        }
        for (i, p) in AssignPath::ALL.iter().enumerate() {
            assert_eq!(p.index(), i);
        }
    }

    #[test]
    fn hour_and_weekday_follow_polars_integer_arithmetic() {
        // 2026-01-05 (a Monday) 09:30, and one second before 1970-01-01 (a Wednesday, 23h).
        assert_eq!((hour_of_day(1_767_605_400), weekday(1_767_605_400)), (9, 0));
        assert_eq!(hour_of_day(-1), 23);
        assert_eq!(weekday(-1), 2);
        assert_eq!((hour_of_day(-86_400), weekday(-86_400)), (0, 2));
    }

    #[test]
    fn histogram_quantiles_equal_polars_linear_quantiles_bit_for_bit() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for n in [1usize, 2, 3, 10, 99, 1000, 4097] {
            let values: Vec<i64> = (0..n).map(|_| latency(&mut rng)).collect();
            let mut h = Histogram::default();
            for v in &values {
                h.record(*v);
            }
            let ca = Int64Chunked::from_vec("v".into(), values.clone());
            for q in [0.0, 0.1, 0.5, 0.9, 0.95, 0.99, 1.0] {
                let expected = ca.quantile(q, QuantileMethod::Linear).unwrap();
                assert_eq!(h.quantile(q).map(f64::to_bits), expected.map(f64::to_bits), "n {n} q {q}");
            }
            assert_eq!(h.mean().map(f64::to_bits), ca.mean().map(f64::to_bits), "n {n}");
            assert_eq!(h.max(), ca.max());
        }
    }

    /// The counts give the polars query's table, byte for byte once written, and its CDF.
    #[test]
    fn counts_give_the_same_latency_table_and_cdf_as_the_polars_query() {
        let labels = labels();
        let dir = scratch("table");
        let rooms = random_rooms(42, 20_000);
        let mut counts = LatencyCounts::new(&labels);
        for r in &rooms {
            counts.add(r);
        }
        let mut frame = rooms::frame(&labels, &rooms).unwrap();
        table::write_frame(&dir, "rooms", &mut frame, CsvPolicy::Always).unwrap();
        let pq = dir.join("rooms.parquet");
        let mut expected = tables::latency_query(&pq, &labels).unwrap();
        let mut got = counts.table().unwrap();
        assert_eq!(got.schema(), expected.schema());
        assert!(got.equals_missing(&expected), "got {got}\nexpected {expected}");
        // Every dimension shows up, with the unknown channel and the repeated category.
        assert_eq!(got.height(), 2 * (1 + 24 + 7 + 3 + 4 + 13 + 5));
        table::write_frame(&dir, "got", &mut got, CsvPolicy::Always).unwrap();
        table::write_frame(&dir, "expected", &mut expected, CsvPolicy::Always).unwrap();
        for ext in ["csv", "parquet"] {
            let read = |name: &str| std::fs::read(dir.join(format!("{name}.{ext}"))).unwrap();
            assert_eq!(read("got"), read("expected"), "{ext}");
        }
        assert_eq!(counts.assignment_cdf(), tables::assignment_cdf_query(&pq).unwrap());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn no_rooms_give_an_empty_table_of_the_same_schema() {
        let labels = labels();
        let dir = scratch("empty");
        let mut frame = rooms::frame(&labels, &[]).unwrap();
        table::write_frame(&dir, "rooms", &mut frame, CsvPolicy::Always).unwrap();
        let expected = tables::latency_query(&dir.join("rooms.parquet"), &labels).unwrap();
        let got = LatencyCounts::new(&labels).table().unwrap();
        assert_eq!((got.height(), got.schema()), (0, expected.schema()));
        assert_eq!(LatencyCounts::new(&labels).assignment_cdf(), (vec![], vec![]));
        assert_eq!(LatencyCounts::default().table().unwrap().height(), 0);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
