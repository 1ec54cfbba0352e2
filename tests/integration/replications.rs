//! Replications: independent seeds, run in parallel, identical whatever the thread count.

use consult_sim::analysis::kpi::N_KPIS;
use consult_sim::analysis::replications::{self, ReplicationSettings};
use consult_sim::scenario;

const SCENARIO: &str = r#"
name: reps
seed: 42
start: 2026-11-23T00:00:00
horizon: 2d
warm_up: 2h
settings:
  working_hours: {weekday: {all_day: true}, saturday: {all_day: true}, sunday: {all_day: true}}
  capacity: {enabled: true, max_per_agent: 2}
accounts:
  - {id: admin, role: admin, consults: false}
teams:
  - {prefix: agent, count: 4, logged_in: true}
workload:
  arrivals: {rate_per_hour: 40}
  waiting: {patience: {exponential: {mean: 10m}}}
  conversation:
    first_reply: {exponential: {mean: 20s}}
    handling: {exponential: {mean: 10m}}
report: {rooms: false}
"#;

fn run_on(threads: usize) -> Vec<(u64, [u64; N_KPIS])> {
    let sc = scenario::parse(SCENARIO, "reps.yaml").unwrap();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    let reps = pool.install(|| replications::replicate(&sc, &ReplicationSettings::new(6))).unwrap();
    reps.iter().map(|r| (r.seed, r.values.map(f64::to_bits))).collect()
}

#[test]
fn replications_are_identical_on_one_and_two_threads() {
    let one = run_on(1);
    let two = run_on(2);
    assert_eq!(one, two);
    // Distinct seeds, in replication order, give distinct results.
    let seeds: std::collections::BTreeSet<u64> = one.iter().map(|(s, _)| *s).collect();
    assert_eq!(seeds.len(), 6);
    assert_ne!(one[0].1, one[1].1);
}

#[test]
fn confidence_interval_shrinks_with_more_replications() {
    let sc = scenario::parse(SCENARIO, "reps.yaml").unwrap();
    let few = replications::replicate(&sc, &ReplicationSettings::new(3)).unwrap();
    let many = replications::replicate(&sc, &ReplicationSettings::new(12)).unwrap();
    let k = consult_sim::analysis::kpi::k::SERVICE_LEVEL;
    let (a, b) = (replications::estimates(&few)[k], replications::estimates(&many)[k]);
    assert!(b.half < a.half, "{} !< {}", b.half, a.half);
    // The first three replications are the same runs (seed i does not depend on N).
    assert_eq!(few[2].values.map(f64::to_bits), many[2].values.map(f64::to_bits));
}
