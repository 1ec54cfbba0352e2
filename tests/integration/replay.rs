//! Record and replay (docs/REPLAY.md): round trips reproduce every output byte for byte, and bad
//! traces fail with the file, the row, the column and what was expected, leaving nothing behind.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_consult-sim"))
}

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("consult-sim-replay-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn run(args: &[&str], extra: &[&Path]) -> Output {
    let mut c = bin();
    c.arg("run").arg("--quiet").args(args);
    for p in extra {
        c.arg(p);
    }
    c.output().expect("the binary runs")
}

fn ok(o: &Output) {
    assert!(o.status.success(), "run failed: {}", String::from_utf8_lossy(&o.stderr));
}

/// Every file of a folder, by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("output folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    v.sort();
    v
}

/// Records a generated run, replays the trace, and compares every output file.
fn round_trip(scenario: &str, ext: &str) {
    let dir = tmpdir(&format!("{}-{ext}", scenario.replace('/', "-")));
    let trace = dir.join(format!("trace.{ext}"));
    let sc = repo(scenario);
    let o =
        bin().args(["run", "--out"]).arg(dir.join("gen")).arg("--record").arg(&trace).arg(&sc).output().expect("runs");
    ok(&o);
    assert!(String::from_utf8_lossy(&o.stdout).contains("trace recorded:"));
    assert!(trace.is_file(), "the trace is written");
    let o =
        bin().args(["run", "--out"]).arg(dir.join("rep")).arg("--replay").arg(&trace).arg(&sc).output().expect("runs");
    ok(&o);
    let (generated, replayed) = (files(&dir.join("gen")), files(&dir.join("rep")));
    assert!(!generated.is_empty());
    assert_eq!(
        generated.iter().map(|f| &f.0).collect::<Vec<_>>(),
        replayed.iter().map(|f| &f.0).collect::<Vec<_>>(),
        "the same output files"
    );
    for ((name, a), (_, b)) in generated.iter().zip(&replayed) {
        assert!(a == b, "{scenario} ({ext}): {name} differs between the generated run and its replay");
    }
    // Nothing else is left in the folder: no temporary files.
    let names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn round_trip_quickstart_csv() {
    round_trip("scenarios/quickstart.yaml", "csv");
}

#[test]
fn round_trip_quickstart_parquet() {
    round_trip("scenarios/quickstart.yaml", "parquet");
}

/// A week of 40 agents: same-second reactions to timers (rows with `after_timers`).
#[test]
fn round_trip_team_40_week_parquet() {
    round_trip("scenarios/capacity/team-40-week.yaml", "parquet");
}

/// Blocked customers, rejected inputs (recorded with their rule) and manager actions.
#[test]
fn round_trip_blocking_csv() {
    round_trip("scenarios/closing/blocking.yaml", "csv");
}

/// A settings change mid-run (the whole settings document travels in `patch`).
#[test]
fn round_trip_settings_change_csv() {
    round_trip("scenarios/all-on-break/intake-switched-on.yaml", "csv");
}

#[test]
fn record_needs_a_known_format() {
    let dir = tmpdir("format");
    let o = run(
        &["--out"],
        &[&dir.join("out"), Path::new("--record"), &dir.join("t.json"), &repo("scenarios/quickstart.yaml")],
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("t.json") && err.contains(".csv or .parquet"), "{err}");
    assert!(!dir.join("out").exists(), "no outputs");
}
