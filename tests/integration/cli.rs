//! The `consult-sim` binary on bundled scenarios: exit codes, outputs and determinism (D4).

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_consult-sim"))
}

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("consult-sim-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn run_quickstart(seed: u64, out: &Path) -> String {
    let o = bin()
        .args(["run", "--quiet", "--seed", &seed.to_string(), "--out"])
        .arg(out)
        .arg(repo("scenarios/quickstart.yaml"))
        .output()
        .expect("the binary runs");
    assert!(o.status.success(), "run failed: {}", String::from_utf8_lossy(&o.stderr));
    std::fs::read_to_string(out.join("summary.md")).expect("summary.md written")
}

#[test]
fn d4_same_seed_gives_identical_outputs_and_another_seed_differs() {
    let a = run_quickstart(7, &tmpdir("a"));
    let b = run_quickstart(7, &tmpdir("b"));
    let c = run_quickstart(8, &tmpdir("c"));
    assert_eq!(a, b, "same scenario and seed must give byte-identical outputs");
    assert_ne!(a, c, "another seed must give other outputs");
}

#[test]
fn run_prints_the_summary_table() {
    let out = tmpdir("summary");
    let o = bin().args(["run", "--out"]).arg(&out).arg(repo("scenarios/quickstart.yaml")).output().expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    for needle in ["waiting entries", "assignment p90", "service level", "rooms/s", "events/s", "censored"] {
        assert!(stdout.contains(needle), "summary lacks `{needle}`:\n{stdout}");
    }
}

#[test]
fn validate_accepts_bundled_scenarios_and_rejects_a_bad_one() {
    let o = bin().arg("validate").arg(repo("scenarios/quickstart.yaml")).output().expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dir = tmpdir("bad");
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.yaml");
    std::fs::write(&bad, "name: x\nstart: 2026-11-23\nhorizon: 1d\nsettigns: {}\n").unwrap();
    let o = bin().arg("validate").arg(&bad).output().expect("runs");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.yaml:4:"), "error names file and line: {err}");
    assert!(err.contains("settigns"), "{err}");
}

#[test]
fn schema_is_json_and_describes_scenarios() {
    let o = bin().arg("schema").output().expect("runs");
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert!(v["properties"]["settings"].is_object(), "{v}");
    assert!(v["properties"]["workload"].is_object());
}

#[test]
fn completions_are_printed() {
    let o = bin().args(["completions", "bash"]).output().expect("runs");
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("consult-sim"));
}

#[test]
fn committed_schema_matches_the_scenario_types() {
    let o = bin().arg("schema").output().expect("runs");
    let committed = std::fs::read_to_string(repo("docs/scenario.schema.json")).expect("docs/scenario.schema.json");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim_end(),
        committed.trim_end(),
        "docs/scenario.schema.json is stale: regenerate it with `cargo run -- schema > docs/scenario.schema.json`"
    );
}

#[test]
fn every_bundled_scenario_points_at_the_schema() {
    let root = repo("scenarios");
    for p in consult_sim::check::runner::collect(&[root]) {
        let text = std::fs::read_to_string(&p).unwrap();
        let first = text.lines().next().unwrap_or("");
        assert!(
            first.starts_with("# yaml-language-server: $schema=") && first.ends_with("docs/scenario.schema.json"),
            "{} does not start with the yaml-language-server schema comment",
            p.display()
        );
    }
}

#[test]
fn analysis_commands_run_and_write_their_reports() {
    let out = tmpdir("analysis");
    let o = bin()
        .args(["run", "--no-invariants", "--replications", "3", "--out"])
        .arg(&out)
        .arg(repo("scenarios/capacity/staff-mmc.yaml"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("Erlang C") && text.contains("95% CI"), "{text}");
    assert!(out.join("replications.md").exists());

    let o = bin()
        .args(["compare", "-n", "2", "--variant", "one-more-agent", "--out"])
        .arg(&out)
        .arg(repo("scenarios/what-if/base.yaml"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for ext in ["svg", "png"] {
        for f in ["cdf-what-if-base--one-more-agent", "queue-what-if-base--one-more-agent"] {
            assert!(out.join(format!("{f}.{ext}")).exists(), "{f}.{ext}");
        }
    }
    // Issue 8: the Erlang A values (base.yaml is an M/M/c+M queue) beside the simulated ones,
    // printed and in the written table.
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("analytic baseline of what-if-base — Erlang A"), "{text}");
    assert!(text.contains("what-if-base--one-more-agent (Erlang)"), "{text}");
    let md = std::fs::read_to_string(out.join("compare.md")).unwrap();
    assert!(md.contains("what-if-base (Erlang)") && md.contains("Analytic baseline of what-if-base: Erlang A"), "{md}");

    let o = bin()
        .args([
            "staff",
            "-n",
            "3",
            "--min",
            "16",
            "--max",
            "24",
            "--context",
            "0",
            "--target",
            "80% within 20s",
            "--out",
        ])
        .arg(&out)
        .arg(repo("scenarios/capacity/staff-mmc.yaml"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("smallest team `agent`"), "{text}");
    // Issue 8: Erlang C beside every simulated KPI of the curve (staff-mmc.yaml is M/M/c).
    for col in ["service_level (Erlang)", "p_wait (Erlang)", "mean_assign (Erlang)"] {
        assert!(text.contains(col), "{col}: {text}");
    }
    assert!(text.contains("analytic baseline at the scenario's 18 agents — Erlang C"), "{text}");
    assert!(std::fs::read_to_string(out.join("staffing.md")).unwrap().contains("service_level (Erlang)"));
    assert!(out.join("staffing.svg").exists() && out.join("staffing.png").exists());

    let o = bin()
        .args(["staff", "--by-shift", "-n", "2", "--target", "80% within 30s", "--out"])
        .arg(&out)
        .arg(repo("scenarios/capacity/staff-shifts.yaml"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("Erlang estimate") && text.contains("× 2 replications = "), "{text}");
    assert!(text.contains("simulation runs, starting from each block's Erlang estimate"), "{text}");

    let bad =
        bin().args(["staff", "--target", "speed<=2m"]).arg(repo("scenarios/capacity/staff-mmc.yaml")).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown KPI"));
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn sweep_and_merge_write_the_same_tables_and_charts() {
    // Issue 8, "Beyond one machine": `merge` of the shard files written by `sweep --shard K/N`
    // gives the same files as `sweep` on one machine, byte for byte, charts included.
    let out = tmpdir("sweep-merge");
    let sweep = |extra: &[&str], dir: &str| {
        let o = bin()
            .args(["sweep", "-n", "2", "--agents", "8,9", "--variant", "faster-handling", "--out"])
            .arg(out.join(dir))
            .args(extra)
            .arg(repo("scenarios/what-if/base.yaml"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let text = sweep(&[], "one");
    assert!(text.contains("8 of 8 tasks") && text.contains("wrote 18 files"), "{text}");
    assert!(text.contains("## Analytic baselines") && text.contains("| faster-handling | 9 | Erlang A |"), "{text}");
    for k in 1..=3 {
        assert!(sweep(&["--shard", &format!("{k}/3")], "shards").contains("wrote 1 files"));
    }
    let merge = |shards: std::ops::RangeInclusive<u32>, dir: &str| {
        bin()
            .arg("merge")
            .args(shards.map(|k| out.join("shards").join(format!("shard-{k}-of-3.parquet"))))
            .arg("--out")
            .arg(out.join(dir))
            .output()
            .unwrap()
    };
    let o = merge(1..=3, "merged");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut names: Vec<_> = std::fs::read_dir(out.join("one")).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert_eq!(names.len(), 18);
    for n in &names {
        let a = std::fs::read(out.join("one").join(n)).unwrap();
        let b = std::fs::read(out.join("merged").join(n)).unwrap();
        assert!(a == b, "{} differs", n.to_string_lossy());
    }
    // Two of three shards: a clear error (exit 1), no output written.
    let o = merge(1..=2, "partial");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is missing"));
    assert!(!out.join("partial").exists());
    let _ = std::fs::remove_dir_all(&out);
}
