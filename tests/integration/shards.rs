//! Sharded sweeps: three shards merged equal one unsharded run, byte for byte.

use consult_sim::analysis::shards::{self, SweepSpec};
use consult_sim::scenario;

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
    shards::write_sweep(&tmp.join("one"), &one).unwrap();

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
    shards::write_sweep(&tmp.join("merged"), &merged).unwrap();
    for name in ["sweep.parquet", "sweep.md"] {
        let a = std::fs::read(tmp.join("one").join(name)).unwrap();
        let b = std::fs::read(tmp.join("merged").join(name)).unwrap();
        assert!(a == b, "{name} differs between the unsharded run and the merged shards");
    }
    // A missing or doubled shard is an error, not a silently different table.
    let two: Vec<_> = files[..2].iter().flat_map(|f| shards::read_parquet(f).unwrap()).collect();
    assert!(shards::merge(two).unwrap_err().contains("missing"));
    let dup: Vec<_> =
        [&files[0], &files[0], &files[1], &files[2]].iter().flat_map(|f| shards::read_parquet(f).unwrap()).collect();
    assert!(shards::merge(dup).unwrap_err().contains("twice"));
    let _ = std::fs::remove_dir_all(&tmp);
}
