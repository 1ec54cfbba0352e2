//! The curves that overlay charts compare across scenarios, variants or staffing levels: the
//! assignment-latency CDF pooled over replications, and the mean number of Waiting rooms over
//! time. `compare` builds them from replications in memory, a sweep from the rows of its tasks
//! (which carry the raw counts so that a merge of shards draws the same curves).

use std::collections::BTreeMap;

use super::replications::Replication;

/// The assignment latencies of the served requests of one replication: (seconds, requests), by
/// increasing latency.
pub fn latency_counts(r: &Replication) -> Vec<(i64, u64)> {
    let mut h = crate::stats::Histogram::default();
    for t in &r.sink.hours {
        h.merge(&t.latency);
    }
    h.iter().collect()
}

/// The CDF of latencies pooled over several sets of counts: points (seconds, % assigned within,
/// NaN half-width).
pub fn cdf_points<'a>(sets: impl IntoIterator<Item = &'a [(i64, u64)]>) -> Vec<(f64, f64, f64)> {
    let mut pooled: BTreeMap<i64, u64> = BTreeMap::new();
    for set in sets {
        for &(v, c) in set {
            *pooled.entry(v).or_insert(0) += c;
        }
    }
    let total = pooled.values().sum::<u64>().max(1) as f64;
    let mut acc = 0u64;
    pooled
        .into_iter()
        .map(|(v, c)| {
            acc += c;
            (v as f64, 100.0 * acc as f64 / total, f64::NAN)
        })
        .collect()
}

/// The mean of several Waiting-room series (seconds from the start, rooms) at each sampling
/// instant: points (hours from the start, mean rooms, NaN half-width). Replications of one
/// scenario sample the same instants; an instant missing from some is averaged over the others.
pub fn mean_queue<'a>(series: impl IntoIterator<Item = &'a [(i64, u32)]>) -> Vec<(f64, f64, f64)> {
    let mut sums: BTreeMap<i64, (u64, u64)> = BTreeMap::new();
    for s in series {
        for &(t, q) in s {
            let e = sums.entry(t).or_insert((0, 0));
            e.0 += u64::from(q);
            e.1 += 1;
        }
    }
    sums.into_iter().map(|(t, (sum, n))| (t as f64 / 3600.0, sum as f64 / n as f64, f64::NAN)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdf_pools_counts_and_ends_at_100_percent() {
        let a: &[(i64, u64)] = &[(0, 2), (10, 1)];
        let b: &[(i64, u64)] = &[(10, 1)];
        assert_eq!(cdf_points([a, b]).iter().map(|p| (p.0, p.1)).collect::<Vec<_>>(), vec![(0.0, 50.0), (10.0, 100.0)]);
        assert!(cdf_points(std::iter::empty()).is_empty());
    }

    #[test]
    fn queue_means_are_taken_per_instant() {
        let a: &[(i64, u32)] = &[(0, 1), (3600, 3)];
        let b: &[(i64, u32)] = &[(0, 2), (3600, 5)];
        assert_eq!(mean_queue([a, b]).iter().map(|p| (p.0, p.1)).collect::<Vec<_>>(), vec![(0.0, 1.5), (1.0, 4.0)]);
    }
}
