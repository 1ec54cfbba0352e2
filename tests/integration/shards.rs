//! Sharded sweeps (issue 8, "Beyond one machine"): three shards merged equal one unsharded run,
//! byte for byte — the tables and the charts.

use consult_sim::analysis::kpi::{N_KPIS, k};
use consult_sim::analysis::shards::{self, SweepSpec};
use consult_sim::analysis::sweep;
use consult_sim::scenario;

/// Every file a sweep writes, in writing order (issue 8: "the same tables and charts as a
/// one-machine run").
const OUTPUTS: [&str; 18] = [
    "sweep.parquet",
    "sweep-summary.parquet",
    "sweep-summary.csv",
    "sweep.md",
    "sweep-service_level.svg",
    "sweep-service_level.png",
    "sweep-mean_assign.svg",
    "sweep-mean_assign.png",
    "sweep-p90_assign.svg",
    "sweep-p90_assign.png",
    "sweep-abandonment.svg",
    "sweep-abandonment.png",
    "sweep-p_wait.svg",
    "sweep-p_wait.png",
    "sweep-latency-cdf.svg",
    "sweep-latency-cdf.png",
    "sweep-queue.svg",
    "sweep-queue.png",
];

#[test]
fn three_shards_merged_equal_one_unsharded_run_byte_for_byte() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let sc = scenario::load(&root.join("scenarios/what-if/base.yaml")).unwrap();
    let spec = SweepSpec {
        variants: vec![String::new(), "faster-handling".into(), "three-chats-each".into()],
        agents: vec![7, 8],
        team: None,
        replications: 3,
        seed: None,
    };
    let tmp = std::env::temp_dir().join(format!("consult-sim-shards-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let all = shards::tasks(&spec);
    assert_eq!(all.len(), 18);

    let one = shards::run_tasks(&sc, &spec, &all).unwrap();
    assert_eq!(sweep::write_sweep(&tmp.join("one"), &one).unwrap(), OUTPUTS);

    let mut files = Vec::new();
    for k in 1..=3 {
        let part = shards::shard(&all, k, 3);
        let rows = shards::run_tasks(&sc, &spec, &part).unwrap();
        let f = tmp.join("shards").join(shards::shard_file(k, 3));
        shards::write_parquet(&f, &rows).unwrap();
        files.push(f);
    }
    // Read back in an arbitrary order: merge sorts by task.
    files.reverse();
    let mut rows = Vec::new();
    for f in &files {
        rows.extend(shards::read_parquet(f).unwrap());
    }
    let merged = shards::merge(rows).unwrap();
    assert_eq!(merged, one);
    sweep::write_sweep(&tmp.join("merged"), &merged).unwrap();
    for name in OUTPUTS {
        let a = std::fs::read(tmp.join("one").join(name)).unwrap();
        let b = std::fs::read(tmp.join("merged").join(name)).unwrap();
        assert!(!a.is_empty(), "{name} is empty");
        assert!(a == b, "{name} differs between the unsharded run and the merged shards");
    }
    // No temporary file is left beside the outputs (each is written, then renamed).
    let mut left: Vec<String> = std::fs::read_dir(tmp.join("merged"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    let mut expected: Vec<String> = OUTPUTS.map(String::from).to_vec();
    expected.sort();
    assert_eq!(left, expected);
    // A missing or doubled shard is an error, not a silently different table.
    let two: Vec<_> = files[..2].iter().flat_map(|f| shards::read_parquet(f).unwrap()).collect();
    assert!(shards::merge(two).unwrap_err().contains("missing"));
    let dup: Vec<_> =
        [&files[0], &files[0], &files[1], &files[2]].iter().flat_map(|f| shards::read_parquet(f).unwrap()).collect();
    assert!(shards::merge(dup).unwrap_err().contains("twice"));
    assert!(shards::merge(Vec::new()).unwrap_err().contains("no task"));
    // A file that is not a shard is a clear error.
    std::fs::write(tmp.join("not-a-shard.parquet"), b"hello").unwrap();
    assert!(shards::read_parquet(&tmp.join("not-a-shard.parquet")).unwrap_err().contains("not-a-shard.parquet"));
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn a_sweep_carries_erlang_values_and_the_curves_for_its_charts() {
    // Issue 8, "Analytic baselines … printed beside the simulated values": staff-mmc.yaml is an
    // M/M/c queue (λ = 240/h, 4-minute handling, a = 16 Erlang), so every task of a sweep over
    // team sizes carries the Erlang C values of its size, and the summary shows them.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let sc = scenario::load(&root.join("scenarios/capacity/staff-mmc.yaml")).unwrap();
    let spec =
        SweepSpec { variants: vec![String::new()], agents: vec![20, 21], team: None, replications: 2, seed: None };
    let rows = shards::run_tasks(&sc, &spec, &shards::tasks(&spec)).unwrap();
    assert_eq!(rows.len(), 4);
    for r in &rows {
        assert_eq!(r.model, "Erlang C");
        assert!(r.analytic[k::REQUESTS].is_none());
        assert_eq!(r.analytic[k::ABANDONMENT], Some(0.0));
        assert!(!r.latency.is_empty() && !r.queue.is_empty());
        let served: u64 = r.latency.iter().map(|p| p.1).sum();
        assert!(served as f64 <= r.values[k::REQUESTS]);
    }
    // Erlang C service level (20 s) at 20 and 21 agents: 78.3 % and 86.1 % (as in the staffing test).
    let sl = |i: usize| rows[i].analytic[k::SERVICE_LEVEL].unwrap();
    assert!((sl(0) - 0.783).abs() < 1e-3 && (sl(2) - 0.8612).abs() < 1e-3, "{} {}", sl(0), sl(2));
    let md = sweep::summary_markdown("t", &rows);
    assert!(md.contains("## Analytic baselines"), "{md}");
    assert!(md.contains("| base | 21 | Erlang C |"), "{md}");
    assert!(md.contains("86.12%"), "{md}");
    let summary = sweep::summary_frame(&rows).unwrap();
    assert_eq!(summary.height(), 2);
    assert_eq!(summary.width(), 4 + 3 * N_KPIS - 1);
    let erlang = summary.column("service_level_erlang").unwrap().f64().unwrap();
    assert!((erlang.get(1).unwrap() - 0.8612).abs() < 1e-3);
}
