//! Means and 95 % confidence intervals across replications (Student t).
//!
//! The t quantiles are written here rather than taken from a crate: a table of the two-sided
//! 95 % points for 1–30 degrees of freedom (standard tables, 3 decimals), and the Cornish–Fisher
//! expansion of the t quantile in the normal one beyond (error < 2·10⁻⁴ from 30 on).

/// Two-sided 95 % Student t points, t(0.975; ν) for ν = 1..=30.
const T975: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
    2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/// The 0.975 quantile of Student's t with `df` degrees of freedom (∞ for df = 0).
pub fn t975(df: u64) -> f64 {
    if df == 0 {
        return f64::INFINITY;
    }
    if df <= 30 {
        return T975[df as usize - 1];
    }
    // Cornish–Fisher: t ≈ z + (z³+z)/4ν + (5z⁵+16z³+3z)/96ν² + (3z⁷+19z⁵+17z³−15z)/384ν³.
    let z: f64 = 1.959_963_984_540_054;
    let v = df as f64;
    let (z3, z5, z7) = (z.powi(3), z.powi(5), z.powi(7));
    z + (z3 + z) / (4.0 * v)
        + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * v * v)
        + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * v * v * v)
}

/// Mean and 95 % confidence half-width of a sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Sample size (values that were defined).
    pub n: usize,
    /// Mean (NaN when n = 0).
    pub mean: f64,
    /// Sample standard deviation (NaN when n < 2).
    pub sd: f64,
    /// Half-width of the 95 % interval (NaN when n < 2).
    pub half: f64,
}

impl Estimate {
    /// Estimates from a sample; NaN values (a KPI undefined in some replication) are left out.
    pub fn of(xs: &[f64]) -> Estimate {
        let v: Vec<f64> = xs.iter().copied().filter(|x| !x.is_nan()).collect();
        let n = v.len();
        if n == 0 {
            return Estimate { n, mean: f64::NAN, sd: f64::NAN, half: f64::NAN };
        }
        let mean = v.iter().sum::<f64>() / n as f64;
        if n < 2 {
            return Estimate { n, mean, sd: f64::NAN, half: f64::NAN };
        }
        let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
        let sd = var.sqrt();
        Estimate { n, mean, sd, half: t975(n as u64 - 1) * sd / (n as f64).sqrt() }
    }

    /// Lower end of the interval.
    pub fn lo(&self) -> f64 {
        self.mean - self.half
    }

    /// Upper end of the interval.
    pub fn hi(&self) -> f64 {
        self.mean + self.half
    }

    /// Whether `x` lies inside the interval.
    pub fn contains(&self, x: f64) -> bool {
        x >= self.lo() && x <= self.hi()
    }
}

/// Paired differences `b − a` (same seeds: common random numbers), replication by replication.
pub fn paired(a: &[f64], b: &[f64]) -> Estimate {
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| y - x).collect();
    Estimate::of(&d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_tables() {
        assert_eq!(t975(1), 12.706);
        assert_eq!(t975(9), 2.262);
        // Published: t(0.975; 40) = 2.021, 60 → 2.000, 120 → 1.980.
        assert!((t975(40) - 2.021).abs() < 5e-4, "{}", t975(40));
        assert!((t975(60) - 2.000).abs() < 5e-4, "{}", t975(60));
        assert!((t975(120) - 1.980).abs() < 5e-4, "{}", t975(120));
        // Continuous at the switch from the table.
        assert!((t975(31) - 2.040).abs() < 5e-4, "{}", t975(31));
        assert!((t975(1_000_000) - 1.96).abs() < 1e-3);
    }

    #[test]
    fn estimate_of_a_small_sample() {
        let e = Estimate::of(&[1.0, 2.0, 3.0, 4.0, f64::NAN]);
        assert_eq!(e.n, 4);
        assert_eq!(e.mean, 2.5);
        assert!((e.sd - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert!((e.half - 3.182 * e.sd / 2.0).abs() < 1e-12);
        assert!(e.contains(2.5) && !e.contains(10.0));
        let d = paired(&[1.0, 2.0], &[2.0, 3.5]);
        assert_eq!(d.mean, 1.25);
    }
}
