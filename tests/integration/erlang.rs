//! The simulator against Erlang C and Erlang A (issue: analytic baselines).
//!
//! M/M/c(+M) scenarios are written as YAML text with parameters, run as independent
//! replications (fixed seeds, so the outcome is deterministic), and the analytic value of the
//! mean wait, P(wait > 0), the service level and (with patience) the abandonment must lie inside
//! the 95 % confidence interval of the simulated mean.
//!
//! Time scale: the simulator's clock counts whole seconds, and a request made in the second a
//! chat ends is assigned at once even when rooms are Waiting (the batch runs after it), so with
//! chats ending several times a minute P(wait) comes out below Erlang C (50 agents on 10-minute
//! chats: about 0.34 against 0.36) although the queue and the waits agree. At the other end, B5 drains only rooms whose customer spoke within
//! 7 days, so waits must stay far below a week. The unit is therefore chosen so that a fully
//! busy pool completes one chat every [`UNIT`] = 10 minutes whatever its size (the mean handling
//! time is `servers` × 10 minutes, the arrival rate 6ρ an hour), and at ρ = 0.98 the mean wait
//! of those who wait is 500 minutes, under a day in the tail. Run lengths are counted in handling times. Each
//! replication starts empty and discards a warm-up.

use consult_sim::analysis::baseline;
use consult_sim::analysis::ci::Estimate;
use consult_sim::analysis::kpi::{KPIS, k};
use consult_sim::analysis::replications::{self, ReplicationSettings};
use consult_sim::scenario;
use consult_sim::sim::rng::fnv1a64;

/// One point of the check.
struct Point {
    name: &'static str,
    agents: u32,
    /// Concurrent chats per agent.
    capacity: u32,
    /// Offered load per server, ρ = λ/(c·k·μ).
    rho: f64,
    /// Mean patience in handling times (None = infinitely patient).
    patience: Option<f64>,
    /// Measured length of one replication, in handling times.
    length: f64,
    /// Warm-up, in handling times.
    warm_up: f64,
    /// Replications.
    reps: u64,
}

/// A fully busy pool completes one chat per `UNIT` seconds on average.
const UNIT: f64 = 600.0;

/// Mean handling time, seconds.
fn handling(p: &Point) -> f64 {
    UNIT * f64::from(p.agents * p.capacity)
}

fn yaml(p: &Point, sl_target: i64) -> String {
    let h = handling(p);
    let rate_per_hour = p.rho * 3600.0 / UNIT;
    let horizon = ((p.length + p.warm_up) * h).round() as i64;
    let warm = (p.warm_up * h).round() as i64;
    let patience = match p.patience {
        Some(m) => format!("  waiting: {{patience: {{exponential: {{mean: {}s}}}}}}\n", (m * h).round() as i64),
        None => String::new(),
    };
    format!(
        "name: erlang-{name}
seed: {seed}
start: 2026-11-23T00:00:00
horizon: {horizon}s
warm_up: {warm}s
service_level: {sl_target}s
settings:
  working_hours: {{weekday: {{all_day: true}}, saturday: {{all_day: true}}, sunday: {{all_day: true}}}}
  capacity: {{enabled: true, max_per_agent: {cap}}}
accounts:
  - {{id: admin, role: admin, consults: false}}
teams:
  - {{prefix: agent, count: {agents}, logged_in: true}}
workload:
  arrivals: {{rate_per_hour: {rate_per_hour}}}
{patience}  conversation:
    first_reply: {{constant: 0}}
    handling: {{exponential: {{mean: {h}s}}}}
report: {{rooms: false}}
",
        name = p.name,
        // Each point has its own seeds: with one base seed every point would draw the same
        // arrival and handling streams (common random numbers), so one unlucky set of seeds
        // would push every point the same way.
        seed = fnv1a64(p.name.as_bytes()) % 1_000_000_007,
        cap = p.capacity,
        agents = p.agents,
        h = h as i64,
    )
}

/// A service-level target where the service level is informative (neither ≈ 0 nor ≈ 1): the
/// mean wait of those who wait under Erlang C, 1/(cμ − λ), at least 1 s.
fn sl_target(p: &Point) -> i64 {
    (UNIT / (1.0 - p.rho.min(0.99))).round() as i64
}

fn check(p: &Point) -> Vec<String> {
    let target = sl_target(p);
    let text = yaml(p, target);
    let sc = scenario::parse(&text, p.name).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let (q, b, analytic) = baseline::of_scenario(&sc).expect("an M/M/c scenario qualifies");
    let reps = replications::replicate(&sc, &ReplicationSettings::new(p.reps)).expect("runs");
    let est = replications::estimates(&reps);
    eprintln!(
        "  requests {:.0} (expected {:.0}), mean busy {:.2} (analytic {:.2}), mean queue {:.2} (analytic {:.2})",
        est[k::REQUESTS].mean,
        q.lambda * sc.file.horizon.secs() as f64 - q.lambda * sc.file.warm_up.secs() as f64,
        est[k::MEAN_BUSY].mean,
        analytic[k::MEAN_BUSY].unwrap_or(f64::NAN),
        est[k::MEAN_QUEUE].mean,
        analytic[k::MEAN_QUEUE].unwrap_or(f64::NAN)
    );
    let mut kpis = vec![k::P_WAIT, k::MEAN_WAIT, k::SERVICE_LEVEL];
    if p.patience.is_some() {
        kpis.push(k::ABANDONMENT);
    }
    let mut misses = Vec::new();
    eprintln!("{}: {} (SL target {target} s)", p.name, baseline::describe(&q, &b));
    for i in kpis {
        let e: &Estimate = &est[i];
        let a = analytic[i].expect("analytic value");
        let ok = e.contains(a);
        eprintln!(
            "  {:<20} analytic {:>10.4}  simulated {:>10.4} ± {:<8.4} [{:.4}, {:.4}] {}",
            KPIS[i].label,
            a,
            e.mean,
            e.half,
            e.lo(),
            e.hi(),
            if ok { "ok" } else { "MISS" }
        );
        if !ok {
            misses.push(format!(
                "{}: {} analytic {a:.5} outside the 95% CI [{:.5}, {:.5}] of {} replications",
                p.name,
                KPIS[i].key,
                e.lo(),
                e.hi(),
                e.n
            ));
        }
    }
    misses
}

fn check_all(points: &[Point]) {
    let misses: Vec<String> = points.iter().flat_map(check).collect();
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}

fn point(name: &'static str, agents: u32, capacity: u32, rho: f64, patience: Option<f64>) -> Point {
    Point { name, agents, capacity, rho, patience, length: 0.0, warm_up: 0.0, reps: 0 }
}

impl Point {
    fn run(mut self, length: f64, warm_up: f64, reps: u64) -> Point {
        self.length = length;
        self.warm_up = warm_up;
        self.reps = reps;
        self
    }
}

// Run lengths. Without abandonment the queue forgets its empty start over a relaxation time
// τ ≈ 1/(cμ(1 − √ρ)²) (the M/M/1 of the busy period's queue), i.e. 1/(c(1 − √ρ)²) handling
// times: 11.7 for c = 1 at ρ = 0.5, 90 at c = 1, ρ = 0.8, 76 at c = 5, ρ = 0.9, 31 at c = 50,
// ρ = 0.95, 20 at c = 500, ρ = 0.98. Each point discards at least 5τ and measures 25τ or more
// per replication (20τ at c = 50: 20 replications of 10τ). The cost in arrivals is ρ/(1 − √ρ)² per τ whatever c: about 10⁴ at
// ρ = 0.98, so Erlang C at 0.98 is checked once (c = 500, the slowest point, ≈ 10 s in a debug
// build); with abandonment the queue relaxes within a patience time, and 0.98 is cheap.

#[test]
fn erlang_c_single_server() {
    // M/M/1 at ρ = 0.98 without abandonment (τ ≈ 10⁴ handling times) is left to Erlang A.
    check_all(&[
        point("c1-rho050", 1, 1, 0.5, None).run(20_000.0, 60.0, 8),
        point("c1-rho080", 1, 1, 0.8, None).run(25_000.0, 500.0, 10),
    ]);
}

#[test]
fn erlang_c_many_servers() {
    check_all(&[
        point("c5-rho090", 5, 1, 0.9, None).run(6_000.0, 400.0, 10),
        // Waits at ρ = 0.95 come in long excursions, so a replication's mean wait is skewed:
        // more, shorter replications keep the t interval honest.
        point("c50-rho095", 50, 1, 0.95, None).run(320.0, 160.0, 20),
    ]);
}

#[test]
fn erlang_c_five_hundred_servers() {
    // c = 500 at ρ = 0.98 needs ≈ 1.5 M arrivals (6 replications of 25τ after 5τ): about 25 s
    // of a debug build's two cores, so debug builds (`cargo test`) check ρ = 0.95 (τ ≈ 3
    // handling times) and `cargo test --release` checks 0.98 as well.
    let mut points = vec![point("c500-rho095", 500, 1, 0.95, None).run(64.0, 16.0, 10)];
    if !cfg!(debug_assertions) {
        points.push(point("c500-rho098", 500, 1, 0.98, None).run(500.0, 100.0, 6));
    }
    check_all(&points);
}

#[test]
fn erlang_a_with_exponential_patience() {
    // Patience in handling times.
    check_all(&[
        point("a-c1-rho098", 1, 1, 0.98, Some(1.0)).run(5_000.0, 20.0, 8),
        point("a-c50-rho098", 50, 1, 0.98, Some(0.5)).run(300.0, 20.0, 10),
        point("a-c500-rho098", 500, 1, 0.98, Some(0.2)).run(60.0, 20.0, 10),
    ]);
}

#[test]
fn concurrent_chats_count_as_servers() {
    // k chats per agent with handling independent of concurrency: an M/M/(c·k) queue.
    check_all(&[
        point("k5-c10-rho090", 10, 5, 0.9, None).run(400.0, 80.0, 10),
        point("k3-c20-rho095-patience", 20, 3, 0.95, Some(0.5)).run(300.0, 40.0, 10),
    ]);
}
