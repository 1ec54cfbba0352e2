//! What-if variants, paired comparisons and the staffing search.

use consult_sim::analysis::kpi::{N_KPIS, k};
use consult_sim::analysis::replications::ReplicationSettings;
use consult_sim::analysis::staffing::{self, Target};
use consult_sim::analysis::variants::{self, Comparison};
use consult_sim::scenario;
use consult_sim::sim::dist::Distribution;

fn load(path: &str) -> consult_sim::scenario::Scenario {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    scenario::load(&root.join(path)).unwrap()
}

#[test]
fn variants_merge_mappings_and_replace_lists() {
    let base = load("scenarios/what-if/base.yaml");
    assert_eq!(variants::names(&base), ["faster-handling", "one-more-agent", "three-chats-each"]);
    let more = variants::apply(&base, "one-more-agent").unwrap();
    assert_eq!(more.file.name, "what-if-base--one-more-agent");
    assert_eq!(more.file.teams[0].count, 9);
    assert_eq!(more.accounts.len(), base.accounts.len() + 1);
    let cap = variants::apply(&base, "three-chats-each").unwrap();
    assert_eq!(cap.file.settings.capacity.max_per_agent.0, 3);
    // The rest of `settings` is kept (mappings merge key by key).
    assert_eq!(cap.file.settings.working_hours, base.file.settings.working_hours);
    let fast = variants::apply(&base, "faster-handling").unwrap();
    assert!(matches!(fast.file.workload.conversation.handling, Distribution::Exponential(_)));
    assert_eq!(fast.file.workload.conversation.handling.mean(), 540.0);
    assert_eq!(fast.file.workload.arrivals, base.file.workload.arrivals);
    assert!(variants::apply(&base, "nope").unwrap_err().to_string().contains("no variant `nope`"));
}

#[test]
fn a_scenario_compared_with_itself_differs_by_exactly_zero() {
    let base = load("scenarios/what-if/base.yaml");
    let c = Comparison::run(&base, &base, &ReplicationSettings::new(3)).unwrap();
    let (_, _, d) = c.estimates();
    for (i, e) in d.iter().enumerate().take(N_KPIS) {
        if !e.mean.is_nan() {
            assert_eq!((e.mean, e.sd), (0.0, 0.0), "KPI {i}");
        }
    }
}

#[test]
fn variants_see_the_same_customers() {
    // Common random numbers: one more agent changes waits, not arrivals.
    let base = load("scenarios/what-if/base.yaml");
    let more = variants::apply(&base, "one-more-agent").unwrap();
    let c = Comparison::run(&base, &more, &ReplicationSettings::new(4)).unwrap();
    let (_, _, d) = c.estimates();
    assert!(d[k::REQUESTS].mean.abs() <= 3.0, "{:?}", d[k::REQUESTS]);
    assert!(d[k::P_WAIT].hi() < 0.0, "more agents, fewer waits: {:?}", d[k::P_WAIT]);
}

#[test]
fn staffing_search_agrees_with_erlang_c() {
    // a = 16 Erlang: Erlang C gives a service level (20 s) of 78.3% at 20 agents and 86.1% at
    // 21, so with a 95% margin the answer is 21 (or 22 when the interval is wide).
    let sc = load("scenarios/capacity/staff-mmc.yaml");
    let targets = vec![Target::parse("80% within 20s").unwrap()];
    let team = staffing::team_index(&sc, None).unwrap();
    let s = staffing::search(&sc, team, &targets, 15, 30, &ReplicationSettings::new(5), 1).unwrap();
    let answer = s.answer.expect("an answer in range");
    assert!((21..=22).contains(&answer), "{answer}");
    assert!(s.levels[&answer].meets && !s.levels[&(answer - 1)].meets);
    let analytic = staffing::analytic(&sc, team, &targets, &s);
    let erlang = analytic[&21][k::SERVICE_LEVEL].expect("M/M/c qualifies");
    assert!((erlang - 0.8612).abs() < 1e-3, "{erlang}");
}

#[test]
fn staffing_per_shift_block_sizes_each_team_on_its_own_hours() {
    let sc = load("scenarios/capacity/staff-shifts.yaml");
    let targets = vec![Target::parse("80% within 30s").unwrap()];
    let blocks = staffing::search_by_shift(&sc, &targets, 20, &ReplicationSettings::new(4), 3).unwrap();
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[0].hours, (8..15).collect::<Vec<_>>());
    assert_eq!(blocks[1].hours, (15..22).collect::<Vec<_>>());
    for b in &blocks {
        assert!(b.meets, "{}", b.prefix);
        // About 8–9 Erlang per block on 2 chats per agent: between 5 and 8 agents.
        assert!((5..=8).contains(&b.agents), "{}: {}", b.prefix, b.agents);
        // One fewer agent in this block misses the target (that is what "smallest" means).
        let fewer: Vec<(usize, u32)> =
            blocks.iter().map(|x| (x.team, if x.team == b.team { x.agents - 1 } else { x.agents })).collect();
        let s = staffing::with_counts(&sc, &fewer, &targets);
        let reps = consult_sim::analysis::replications::replicate(&s, &ReplicationSettings::new(4)).unwrap();
        let e = staffing::block_estimates(&reps, &b.hours);
        assert!(!targets[0].met_by(&e[k::SERVICE_LEVEL]), "{} with {} agents", b.prefix, b.agents - 1);
    }
}
