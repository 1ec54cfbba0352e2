//! Analytic baselines: Erlang C (M/M/c) and Erlang A (Palm's M/M/c+M, exponential patience).
//!
//! Everything is written here, in plain `f64`, so the numbers the simulator is checked against
//! do not depend on another library's conventions. Rates are per second, times in seconds.
//!
//! * **Erlang B** by the standard recursion `B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1))`, which
//!   never forms `aᶜ` or `c!` and is stable for any `c` (thousands of servers are fine).
//! * **Erlang C** from Erlang B: `C = B / (1 − ρ(1 − B))`, `ρ = a/c`; the wait is 0 with
//!   probability `1 − C` and otherwise exponential with rate `cμ − λ`, so
//!   `P(W > t) = C·e^{−(cμ−λ)t}`, `E[W] = C/(cμ − λ)`.
//! * **Erlang A** by solving the birth–death chain of the number in the system exactly: birth
//!   rate λ, death rate `min(n, c)μ + max(n − c, 0)θ`, states `0..=N` with `N` past the point
//!   where the stationary probabilities fall below `e^{−60}` of their peak, computed in log
//!   space (so `c = 1000` and loads above 1 are fine: with θ > 0 the chain is always stable).
//!   The waiting-time quantities follow a tagged arrival through the queue (PASTA): an arrival
//!   that finds `q` waiting ahead moves forward at rate `cμ + jθ` while `j` are ahead and
//!   abandons at rate θ, so it is served with probability `cμ/(cμ + (q+1)θ)` after an expected
//!   `Σᵢ₌₁^{q+1} 1/(cμ + iθ)`. The service level `P(served within t)` integrates the same
//!   absorbing chain over `[0, t]` by uniformization.
//!
//! The service level here is the simulator's: the share of *all* requests assigned within the
//! target, so an abandonment counts as a miss whenever it happens.

use std::fmt;

/// Why a baseline could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ErlangError {
    /// Parameters out of range (non-positive rates, no servers).
    #[error("invalid queue parameters: {0}")]
    Invalid(String),
    /// Erlang C needs a load below the number of servers.
    #[error("unstable: offered load {load:.3} Erlang >= {servers} servers, and customers never abandon")]
    Unstable {
        /// Offered load λ/μ.
        load: f64,
        /// Servers.
        servers: u32,
    },
}

/// Which model a baseline comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// M/M/c (no abandonment).
    ErlangC,
    /// M/M/c+M (exponential patience).
    ErlangA,
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Model::ErlangC => "Erlang C",
            Model::ErlangA => "Erlang A",
        })
    }
}

/// A single queue with identical exponential servers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Queue {
    /// Arrival rate λ (per second).
    pub lambda: f64,
    /// Service rate of one server μ (per second, 1 / mean handling time).
    pub mu: f64,
    /// Servers c (agents × concurrent chats when handling does not depend on concurrency).
    pub servers: u32,
    /// Abandonment rate θ (per second, 1 / mean patience); 0 = infinitely patient.
    pub theta: f64,
}

/// Steady-state figures of a queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Baseline {
    /// Which model.
    pub model: Model,
    /// Offered load a = λ/μ (Erlang).
    pub load: f64,
    /// Servers.
    pub servers: u32,
    /// Server utilisation (carried load / c).
    pub utilisation: f64,
    /// P(an arrival waits), i.e. finds every server busy.
    pub p_wait: f64,
    /// Mean wait of the customers who are served, seconds.
    pub mean_wait_served: f64,
    /// Mean time in queue of every customer (abandoning ones up to their abandonment), seconds.
    pub mean_wait_all: f64,
    /// P(an arrival abandons).
    pub p_abandon: f64,
    /// Mean number waiting.
    pub mean_queue: f64,
    /// Service-level target, seconds.
    pub sl_target: f64,
    /// P(served within `sl_target`) over all arrivals.
    pub service_level: f64,
}

/// Erlang B: the blocking probability of `servers` servers offered `load` Erlang.
pub fn erlang_b(servers: u32, load: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=servers {
        let ab = load * b;
        b = ab / (f64::from(k) + ab);
    }
    b
}

/// Erlang C: P(wait) of an M/M/c queue with `load` = λ/μ < `servers`. Returns 1 when unstable.
pub fn erlang_c(servers: u32, load: f64) -> f64 {
    let c = f64::from(servers);
    if load >= c {
        return 1.0;
    }
    let b = erlang_b(servers, load);
    let rho = load / c;
    b / (1.0 - rho * (1.0 - b))
}

fn ln_sum_exp(xs: &[f64]) -> f64 {
    let m = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !m.is_finite() {
        return m;
    }
    m + xs.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
}

impl Queue {
    /// A queue; `theta` = 0 for infinitely patient customers.
    pub fn new(lambda: f64, mu: f64, servers: u32, theta: f64) -> Queue {
        Queue { lambda, mu, servers, theta }
    }

    /// Offered load λ/μ.
    pub fn load(&self) -> f64 {
        self.lambda / self.mu
    }

    fn validate(&self) -> Result<(), ErlangError> {
        let ok = |x: f64| x.is_finite() && x > 0.0;
        if !ok(self.lambda) || !ok(self.mu) {
            return Err(ErlangError::Invalid(format!(
                "arrival rate {} and service rate {} must be positive",
                self.lambda, self.mu
            )));
        }
        if self.servers == 0 {
            return Err(ErlangError::Invalid("at least one server is needed".into()));
        }
        if !(self.theta.is_finite() && self.theta >= 0.0) {
            return Err(ErlangError::Invalid(format!("abandonment rate {} must be >= 0", self.theta)));
        }
        Ok(())
    }

    /// Steady-state figures with the service level at `sl_target` seconds: Erlang C when
    /// `theta == 0`, Erlang A otherwise.
    pub fn solve(&self, sl_target: f64) -> Result<Baseline, ErlangError> {
        self.validate()?;
        if self.theta == 0.0 { self.erlang_c(sl_target) } else { self.erlang_a(sl_target) }
    }

    /// Erlang C figures (ignores `theta`).
    pub fn erlang_c(&self, sl_target: f64) -> Result<Baseline, ErlangError> {
        self.validate()?;
        let a = self.load();
        let c = f64::from(self.servers);
        if a >= c {
            return Err(ErlangError::Unstable { load: a, servers: self.servers });
        }
        let pw = erlang_c(self.servers, a);
        let drain = c * self.mu - self.lambda;
        let mean_wait = pw / drain;
        Ok(Baseline {
            model: Model::ErlangC,
            load: a,
            servers: self.servers,
            utilisation: a / c,
            p_wait: pw,
            mean_wait_served: mean_wait,
            mean_wait_all: mean_wait,
            p_abandon: 0.0,
            mean_queue: self.lambda * mean_wait,
            sl_target,
            service_level: 1.0 - pw * (-drain * sl_target.max(0.0)).exp(),
        })
    }

    /// The `p`-quantile of the wait under Erlang C (0 when at least a share `p` never waits).
    pub fn erlang_c_wait_quantile(&self, p: f64) -> Result<f64, ErlangError> {
        let b = self.erlang_c(0.0)?;
        let drain = f64::from(self.servers) * self.mu - self.lambda;
        if b.p_wait <= 1.0 - p {
            return Ok(0.0);
        }
        Ok((b.p_wait / (1.0 - p)).ln() / drain)
    }

    /// The stationary distribution of the number in system of the Erlang A chain, truncated
    /// where it has become negligible: `π[n]` for `n = 0..π.len()`.
    fn erlang_a_distribution(&self) -> Result<Vec<f64>, ErlangError> {
        let c = self.servers as usize;
        let (ll, lmu) = (self.lambda.ln(), self.mu.ln());
        let mut logs = vec![0.0_f64];
        let mut peak = 0.0_f64;
        let mut n = 0usize;
        // Past c the ratio λ/(cμ + (n−c)θ) falls towards 0, so the tail is eventually
        // super-geometric; stop once it is e^-60 below the peak and still falling.
        loop {
            n += 1;
            let death = if n <= c {
                lmu + (n as f64).ln()
            } else {
                (f64::from(self.servers) * self.mu + (n - c) as f64 * self.theta).ln()
            };
            let l = logs[n - 1] + ll - death;
            logs.push(l);
            peak = peak.max(l);
            if n > c && l < logs[n - 1] && l < peak - 60.0 {
                break;
            }
            if n > c + 50_000_000 {
                return Err(ErlangError::Invalid("the Erlang A chain does not settle (θ too small)".into()));
            }
        }
        let z = ln_sum_exp(&logs);
        Ok(logs.into_iter().map(|l| (l - z).exp()).collect())
    }

    /// Erlang A figures (needs `theta > 0`).
    pub fn erlang_a(&self, sl_target: f64) -> Result<Baseline, ErlangError> {
        self.validate()?;
        if self.theta <= 0.0 {
            return Err(ErlangError::Invalid("Erlang A needs an abandonment rate θ > 0".into()));
        }
        let pi = self.erlang_a_distribution()?;
        let c = self.servers as usize;
        let cmu = f64::from(self.servers) * self.mu;
        let th = self.theta;
        let mut p_wait = 0.0;
        let mut mean_queue = 0.0;
        let mut busy = 0.0;
        let mut served_mass = 0.0; // Σ π_{c+q} P(served | q)
        let mut served_wait = 0.0; // Σ π_{c+q} P(served | q) E[W | served, q]
        let mut stage_sum = 0.0; // Σ_{i=1}^{q+1} 1/(cμ + iθ)
        for (n, &p) in pi.iter().enumerate() {
            busy += p * n.min(c) as f64;
            if n < c {
                served_mass += p;
                continue;
            }
            let q = (n - c) as f64;
            p_wait += p;
            mean_queue += p * q;
            stage_sum += 1.0 / (cmu + (q + 1.0) * th);
            let served = cmu / (cmu + (q + 1.0) * th);
            served_mass += p * served;
            served_wait += p * served * stage_sum;
        }
        let p_abandon = th * mean_queue / self.lambda;
        let served_in_time = self.erlang_a_served_within(&pi, sl_target.max(0.0));
        Ok(Baseline {
            model: Model::ErlangA,
            load: self.load(),
            servers: self.servers,
            utilisation: busy / f64::from(self.servers),
            p_wait,
            mean_wait_served: if served_mass > 0.0 { served_wait / served_mass } else { 0.0 },
            mean_wait_all: mean_queue / self.lambda,
            p_abandon,
            mean_queue,
            sl_target,
            service_level: pi[..c.min(pi.len())].iter().sum::<f64>() + served_in_time,
        })
    }

    /// P(an arrival waits, and is served within `t`), by uniformization of the tagged arrival's
    /// absorbing chain (state = number waiting ahead of it).
    fn erlang_a_served_within(&self, pi: &[f64], t: f64) -> f64 {
        let c = self.servers as usize;
        if pi.len() <= c || t <= 0.0 {
            return 0.0;
        }
        let cmu = f64::from(self.servers) * self.mu;
        let th = self.theta;
        let mut v: Vec<f64> = pi[c..].to_vec();
        let jmax = v.len();
        // Out-rate from state j (j ahead): forward cμ + jθ, abandon θ.
        let lam_u = cmu + jmax as f64 * th;
        let m = lam_u * t;
        // Poisson(m) weights, computed in log space from the first term on.
        let ln_m = m.ln();
        let mut ln_fact = 0.0;
        let mut served = 0.0; // absorbed into service after k jumps
        let mut total = 0.0;
        let mut weight_sum = 0.0;
        let kmax = (m + 12.0 * m.sqrt() + 60.0).ceil() as usize;
        for k in 0..=kmax {
            if k > 0 {
                ln_fact += (k as f64).ln();
                // one jump of the uniformized chain
                served += v[0] * cmu / lam_u;
                for j in 0..jmax {
                    let out = cmu + (j as f64 + 1.0) * th;
                    let stay = v[j] * (1.0 - out / lam_u);
                    let arrive = if j + 1 < jmax { v[j + 1] * (cmu + (j as f64 + 1.0) * th) / lam_u } else { 0.0 };
                    v[j] = stay + arrive;
                }
            }
            let w = (-m + k as f64 * ln_m - ln_fact).exp();
            weight_sum += w;
            total += w * served;
            if k as f64 > m && 1.0 - weight_sum < 1e-13 {
                break;
            }
        }
        // Whatever Poisson mass lies past kmax has had at least kmax jumps: count it at the
        // last value (negligible by the choice of kmax).
        total + (1.0 - weight_sum).max(0.0) * served
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    #[test]
    fn erlang_b_small_cases_are_exact() {
        // B(a, 1) = a/(1+a); B(2, 2) = (2²/2!)/(1 + 2 + 2) = 0.4.
        assert!(close(erlang_b(1, 3.0), 0.75, 1e-15));
        assert!(close(erlang_b(2, 2.0), 0.4, 1e-15));
    }

    #[test]
    fn erlang_b_matches_published_tables() {
        // Erlang B tables (grade of service 1%): 10 trunks carry 4.46 E, 100 trunks 84.06 E,
        // and (2%) 50 trunks 40.26 E.
        assert!((erlang_b(10, 4.46) - 0.01).abs() < 0.0002, "{}", erlang_b(10, 4.46));
        assert!((erlang_b(100, 84.06) - 0.01).abs() < 0.0002, "{}", erlang_b(100, 84.06));
        assert!((erlang_b(50, 40.26) - 0.02).abs() < 0.0003, "{}", erlang_b(50, 40.26));
    }

    #[test]
    fn erlang_c_reduces_to_mm1_and_mm2() {
        // M/M/1: P(wait) = ρ, E[W] = ρ/(μ − λ).
        let q = Queue::new(0.8, 1.0, 1, 0.0).erlang_c(0.0).unwrap();
        assert!(close(q.p_wait, 0.8, 1e-12));
        assert!(close(q.mean_wait_served, 4.0, 1e-12));
        // M/M/2 with ρ = a/2: P(wait) = 2ρ²/(1 + ρ).
        let rho: f64 = 0.7;
        let q = Queue::new(1.4, 1.0, 2, 0.0).erlang_c(1.0).unwrap();
        assert!(close(q.p_wait, 2.0 * rho * rho / (1.0 + rho), 1e-12));
        assert!(close(q.service_level, 1.0 - q.p_wait * (-(2.0 - 1.4_f64)).exp(), 1e-12));
    }

    #[test]
    fn erlang_c_direct_sum_agrees_for_moderate_c() {
        // P(wait) from the textbook sum, evaluated where factorials are still representable.
        for (c, a) in [(5u32, 4.0), (20, 17.5), (55, 48.0), (100, 95.0)] {
            let mut term = 1.0;
            let mut sum = 1.0;
            for k in 1..c {
                term *= a / f64::from(k);
                sum += term;
            }
            let top = term * a / f64::from(c) * f64::from(c) / (f64::from(c) - a);
            let direct = top / (sum + top);
            assert!(close(erlang_c(c, a), direct, 1e-10), "c={c} a={a}: {} vs {direct}", erlang_c(c, a));
        }
    }

    #[test]
    fn erlang_c_is_stable_for_thousands_of_servers() {
        let b = Queue::new(980.0 / 600.0, 1.0 / 600.0, 1000, 0.0).erlang_c(20.0).unwrap();
        assert!(b.p_wait > 0.0 && b.p_wait < 1.0 && b.mean_wait_served.is_finite());
        // Square-root staffing: P(wait) depends (asymptotically) on β = (c − a)/√a only (Halfin–
        // Whitt); at β = 0.64 both c = 1000 and c = 4000 sit near the same value.
        let pw = |c: u32| {
            let a = f64::from(c) - 0.64 * f64::from(c).sqrt();
            erlang_c(c, a)
        };
        assert!((pw(1000) - pw(4000)).abs() < 0.02, "{} {}", pw(1000), pw(4000));
        assert!(Queue::new(2.0, 1.0, 2, 0.0).erlang_c(0.0).is_err());
    }

    #[test]
    fn erlang_c_quantile_inverts_the_service_level() {
        let q = Queue::new(270.0 / 3600.0, 1.0 / 600.0, 50, 0.0);
        let t = q.erlang_c_wait_quantile(0.9).unwrap();
        let sl = q.erlang_c(t).unwrap().service_level;
        assert!(close(sl, 0.9, 1e-9), "{t} {sl}");
        // mmc-50: a = 45 Erlang on 50 servers; the textbook sum Σ aᵏ/k! gives P(wait) 0.363864
        // and a mean wait of 43.66 s.
        let b = q.erlang_c(120.0).unwrap();
        assert!((b.p_wait - 0.363_864).abs() < 1e-6, "{}", b.p_wait);
        assert!((b.mean_wait_served - 43.6637).abs() < 1e-3, "{}", b.mean_wait_served);
    }

    #[test]
    fn erlang_a_with_theta_equal_mu_is_an_infinite_server_queue() {
        // θ = μ: every customer leaves at rate μ whether served or not, so the number in system
        // is Poisson(a): P(wait) = P(N ≥ c), E[Q] = E[(N − c)⁺].
        let (a, c) = (6.0_f64, 5u32);
        let b = Queue::new(a, 1.0, c, 1.0).erlang_a(0.5).unwrap();
        let mut p = (-a).exp();
        let (mut below, mut eq) = (0.0, 0.0);
        for n in 0..200u32 {
            if n < c {
                below += p;
            } else {
                eq += p * f64::from(n - c);
            }
            p *= a / f64::from(n + 1);
        }
        assert!(close(b.p_wait, 1.0 - below, 1e-10), "{} {}", b.p_wait, 1.0 - below);
        assert!(close(b.mean_queue, eq, 1e-10));
        assert!(close(b.p_abandon, eq / a, 1e-10));
    }

    #[test]
    fn erlang_a_tends_to_erlang_c_as_patience_grows() {
        let q = Queue::new(0.9 * 10.0 / 600.0, 1.0 / 600.0, 10, 1e-9);
        let a = q.erlang_a(60.0).unwrap();
        let c = q.erlang_c(60.0).unwrap();
        assert!(close(a.p_wait, c.p_wait, 1e-5), "{} {}", a.p_wait, c.p_wait);
        assert!(close(a.mean_wait_served, c.mean_wait_served, 1e-4), "{} {}", a.mean_wait_served, c.mean_wait_served);
        assert!(close(a.service_level, c.service_level, 1e-5), "{} {}", a.service_level, c.service_level);
        assert!(a.p_abandon < 1e-6);
    }

    #[test]
    fn erlang_a_abandonment_is_consistent_two_ways() {
        // θ·E[Q]/λ (Little) against Σ π_{c+q}·(1 − cμ/(cμ + (q+1)θ)) (a tagged arrival, PASTA).
        for (lambda, c, theta) in [(1.2, 1u32, 0.5), (9.5, 10, 0.1), (520.0, 500, 0.02), (45.0, 50, 2.0)] {
            let q = Queue::new(lambda, 1.0, c, theta);
            let b = q.erlang_a(0.0).unwrap();
            let pi = q.erlang_a_distribution().unwrap();
            let cmu = f64::from(c);
            let tagged: f64 = pi
                .iter()
                .enumerate()
                .skip(c as usize)
                .map(|(n, p)| p * (1.0 - cmu / (cmu + ((n - c as usize) as f64 + 1.0) * theta)))
                .sum();
            assert!(close(b.p_abandon, tagged, 1e-9), "{} {}", b.p_abandon, tagged);
            // Flow balance: served + abandoned = arrivals, served = carried load·μ.
            assert!(close(b.utilisation * cmu + b.p_abandon * lambda, lambda, 1e-9));
            // Mean wait of all = P(served)·E[W|served] + E[time to abandon] ≥ served part.
            assert!(b.mean_wait_all > 0.0 && b.mean_wait_served > 0.0);
        }
    }

    #[test]
    fn erlang_a_service_level_by_uniformization_checks_out() {
        // At t = ∞ the service level is P(served) = 1 − P(abandon); at t = 0 it is 1 − P(wait).
        let q = Queue::new(9.5, 1.0, 10, 0.3);
        let b0 = q.erlang_a(0.0).unwrap();
        assert!(close(b0.service_level, 1.0 - b0.p_wait, 1e-12));
        let binf = q.erlang_a(200.0).unwrap();
        assert!(close(binf.service_level, 1.0 - binf.p_abandon, 1e-9), "{} {}", binf.service_level, binf.p_abandon);
        // Monotone in t.
        let mut last = 0.0;
        for t in [0.0, 0.05, 0.1, 0.3, 1.0, 3.0] {
            let s = q.erlang_a(t).unwrap().service_level;
            assert!(s >= last - 1e-12);
            last = s;
        }
        // M/M/1+M with one stage: an arrival that finds the server busy and nobody waiting is
        // served within t with probability μ/(μ+θ)·(1 − e^{−(μ+θ)t}). Check with a load so
        // low that longer queues are negligible.
        let (l, th, t) = (1e-4, 0.5, 0.7);
        let q = Queue::new(l, 1.0, 1, th);
        let b = q.erlang_a(t).unwrap();
        let pi = q.erlang_a_distribution().unwrap();
        let expect = pi[1] * (1.0 / (1.0 + th)) * (1.0 - (-(1.0 + th) * t).exp());
        assert!(close(b.service_level - pi[0], expect, 1e-3), "{} {}", b.service_level - pi[0], expect);
    }

    #[test]
    fn erlang_a_handles_overload_and_large_c() {
        // Load 1.2 with patience: stable, and many abandon.
        let b = Queue::new(1.2, 1.0, 1, 0.5).erlang_a(1.0).unwrap();
        assert!(b.p_abandon > 0.1 && b.p_abandon < 1.0);
        let b = Queue::new(1020.0 / 600.0, 1.0 / 600.0, 1000, 1.0 / 1800.0).erlang_a(20.0).unwrap();
        assert!(b.p_wait > 0.5 && b.p_wait <= 1.0 && b.service_level > 0.0 && b.service_level < 1.0);
    }
}
