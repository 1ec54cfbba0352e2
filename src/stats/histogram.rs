//! An exact distribution of whole-second latencies: counts per distinct value. Quantiles use
//! linear interpolation between the two nearest ranks — the same definition as polars'
//! `QuantileMethod::Linear`, so the terminal summary and the polars latency tables agree.

use std::collections::BTreeMap;

/// Values below this are counted in a dense array (O(1) per value, the common case of
/// latencies under about an hour); others in an ordered map. The array grows only as far as the
/// largest value seen (at most 32 KiB): a report keeps a histogram per dimension key (hour,
/// weekday, channel, category, …), so a larger array would cost megabytes (18 h of seconds
/// took a year-long report from 120 to 138 MiB).
const DENSE: i64 = 4096;

/// Exact histogram of integer values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Histogram {
    dense: Vec<u64>,
    sparse: BTreeMap<i64, u64>,
    n: u64,
    sum: i128,
}

impl Histogram {
    /// Adds one value.
    #[inline]
    pub fn record(&mut self, v: i64) {
        self.add(v, 1);
        self.n += 1;
        self.sum += v as i128;
    }

    #[inline]
    fn add(&mut self, v: i64, c: u64) {
        if (0..DENSE).contains(&v) {
            let i = v as usize;
            if self.dense.len() <= i {
                self.dense.resize(i + 1, 0);
            }
            self.dense[i] += c;
        } else {
            *self.sparse.entry(v).or_insert(0) += c;
        }
    }

    /// Adds every value of another histogram.
    pub fn merge(&mut self, other: &Histogram) {
        for (v, c) in other.iter() {
            self.add(v, c);
        }
        self.n += other.n;
        self.sum += other.sum;
    }

    /// Number of values.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Mean, or None when empty.
    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum as f64 / self.n as f64)
    }

    /// Largest value.
    pub fn max(&self) -> Option<i64> {
        self.iter().last().map(|(v, _)| v)
    }

    /// Smallest value.
    pub fn min(&self) -> Option<i64> {
        self.iter().next().map(|(v, _)| v)
    }

    /// The value at 0-based rank `k` in sorted order.
    fn at_rank(&self, k: u64) -> Option<i64> {
        let mut seen = 0;
        for (v, c) in self.iter() {
            seen += c;
            if k < seen {
                return Some(v);
            }
        }
        None
    }

    /// Quantile q ∈ [0, 1] with linear interpolation (rank q·(n−1)).
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        let pos = q.clamp(0.0, 1.0) * (self.n - 1) as f64;
        let lo = pos.floor() as u64;
        let hi = pos.ceil() as u64;
        let a = self.at_rank(lo)? as f64;
        let b = self.at_rank(hi)? as f64;
        Some(a + (b - a) * (pos - lo as f64))
    }

    /// Share of values ≤ x.
    pub fn share_at_most(&self, x: i64) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        let c: u64 = self.iter().take_while(|(v, _)| *v <= x).map(|(_, c)| c).sum();
        Some(c as f64 / self.n as f64)
    }

    /// The (value, count) pairs in increasing value order (values with a count only).
    pub fn iter(&self) -> impl Iterator<Item = (i64, u64)> + '_ {
        let below = self.sparse.range(..0).map(|(v, c)| (*v, *c));
        let dense = self.dense.iter().enumerate().filter(|(_, c)| **c > 0).map(|(v, c)| (v as i64, *c));
        let above = self.sparse.range(DENSE..).map(|(v, c)| (*v, *c));
        below.chain(dense).chain(above)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_linearly_like_polars() {
        let mut h = Histogram::default();
        for v in [1, 2, 3, 4] {
            h.record(v);
        }
        assert_eq!(h.quantile(0.5), Some(2.5));
        assert_eq!(h.quantile(0.0), Some(1.0));
        assert_eq!(h.quantile(1.0), Some(4.0));
        assert_eq!(h.quantile(0.9), Some(3.7));
        assert_eq!(h.mean(), Some(2.5));
        assert_eq!(h.max(), Some(4));
        assert_eq!(h.share_at_most(2), Some(0.5));
    }

    #[test]
    fn dense_and_sparse_values_merge_in_order() {
        let mut h = Histogram::default();
        for v in [5000, -3, 7, 4095, 4096, 0] {
            h.record(v);
        }
        let vals: Vec<i64> = h.iter().map(|(v, _)| v).collect();
        assert_eq!(vals, vec![-3, 0, 7, 4095, 4096, 5000]);
        assert_eq!((h.min(), h.max()), (Some(-3), Some(5000)));
        assert_eq!(h.quantile(0.5), Some((7.0 + 4095.0) / 2.0));
        let mut g = Histogram::default();
        g.merge(&h);
        g.merge(&h);
        assert_eq!(g.count(), 12);
        assert_eq!(g.share_at_most(7), Some(0.5));
    }

    #[test]
    fn empty_histogram_has_no_quantiles() {
        let h = Histogram::default();
        assert_eq!(h.quantile(0.5), None);
        assert_eq!(h.mean(), None);
    }
}
