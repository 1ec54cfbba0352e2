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
    let _ = std::fs::remove_dir_all(&dir);
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

/// Every malformed trace under tests/bad_traces/ and what its error must say (file, row, column,
/// what was expected).
const BAD: &[(&str, &[&str])] = &[
    ("missing_column.csv", &["missing_column.csv: header, column `event`: missing column", "at, event"]),
    ("misnamed_column.csv", &["header, column `acount`: unknown column (did you mean `account`?)"]),
    ("unknown_event.csv", &["row 2, column `event`: unknown event `agent_logn`: expected one of room_created"]),
    ("time_backwards.csv", &["row 3, column `at`: time goes backwards", "of row 2; expected rows in time order"]),
    ("room_not_created.csv", &["row 2, column `room`: room 7 does not exist yet"]),
    ("room_closed.csv", &["row 3, column `room`: room 1 is already closed", "expected an event for an open room"]),
    ("room_twice.csv", &["row 2, column `room`: room 1 was already created earlier in the trace"]),
    ("unknown_account.csv", &["row 2, column `account`: unknown account `bob`", "(admin, agent-1, agent-2)"]),
    ("bad_room_number.csv", &["row 1, column `room`: `abc` is not a room number: expected a whole number"]),
    ("bad_time.csv", &["row 1, column `at`: `ten o'clock` is not a time: expected whole seconds"]),
    ("utc_offset.csv", &["row 1, column `at`:", "carries a UTC offset"]),
    ("before_start.csv", &["row 1, column `at`: 2026-11-22 23:59:00 is before the scenario start"]),
    ("unknown_channel.csv", &["row 1, column `channel`: unknown channel `fax`", "(web, kakao)"]),
    ("unknown_category.csv", &["row 1, column `category`: unknown category `Orders/Refund`"]),
    ("bad_profile.csv", &["row 1, column `profile`: `yes` is not a profile outcome: expected entered or not_entered"]),
    ("empty_cell.csv", &["row 1, column `account`: agent_login needs an account, but the cell is empty"]),
    ("misplaced_cell.csv", &["row 2, column `account`: customer_message does not use this column"]),
    ("engine_rejects.csv", &["row 4, column `event`: the engine rejected this agent_close (C4"]),
    ("bad_settings_patch.csv", &["row 1, column `patch`:", "unknown field `max_per_agnt`"]),
    ("ragged_row.csv", &["ragged_row.csv: row 2: 4 cells but the header has 3 columns"]),
    ("unclosed_quote.csv", &["unclosed_quote.csv: row 2: a quoted cell is not closed"]),
    ("empty.csv", &["empty.csv: the file is empty: expected a header"]),
    (
        "not_a_trace.txt",
        &["not_a_trace.txt: not a CSV or Parquet trace: expected a file name ending in .csv or .parquet"],
    ),
    ("not_parquet.parquet", &["not_parquet.parquet: not a Parquet file"]),
    ("truncated.parquet", &["truncated.parquet: not a readable Parquet file"]),
];

fn bad_dir() -> PathBuf {
    repo("tests/bad_traces")
}

/// Replays a trace into tests/bad_traces/scenario.yaml, recording at the same time.
fn replay_bad(name: &str, out: &Path) -> Output {
    bin()
        .current_dir(bad_dir())
        .args(["run", "--quiet", "scenario.yaml", "--replay", name, "--out"])
        .arg(out.join("reports"))
        .arg("--record")
        .arg(out.join("trace.csv"))
        .output()
        .expect("the binary runs")
}

#[test]
fn each_bad_trace_names_file_row_column_and_expectation_and_leaves_nothing() {
    let mut failures = Vec::new();
    for (name, needles) in BAD {
        let out = tmpdir(&format!("bad-{name}"));
        let o = replay_bad(name, &out);
        let err = String::from_utf8_lossy(&o.stderr);
        if o.status.success() {
            failures.push(format!("{name}: the replay succeeded"));
        }
        if err.contains("panicked") {
            failures.push(format!("{name}: panicked: {err}"));
        }
        for n in *needles {
            if !err.contains(n) {
                failures.push(format!("{name}: the error lacks `{n}`:\n{err}"));
            }
        }
        let left: Vec<String> =
            std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        if !left.is_empty() {
            failures.push(format!("{name}: outputs left behind: {left:?}"));
        }
        let _ = std::fs::remove_dir_all(&out);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(BAD.len() >= 12);
}

#[test]
fn every_bad_trace_is_in_the_table() {
    for e in std::fs::read_dir(bad_dir()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name == "scenario.yaml" || name == "good.csv" {
            continue;
        }
        assert!(BAD.iter().any(|(f, _)| *f == name), "tests/bad_traces/{name} has no expected message in BAD");
    }
}

#[test]
fn the_good_trace_of_the_bad_folder_replays() {
    let out = tmpdir("good");
    let o = replay_bad("good.csv", &out);
    ok(&o);
    assert!(out.join("reports/summary.md").is_file());
    assert!(out.join("trace.csv").is_file());
}

/// Binary noise never panics, whatever its extension.
#[test]
fn noise_is_an_error_not_a_panic() {
    let dir = tmpdir("noise");
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for (i, ext) in ["csv", "parquet", "csv", "parquet"].iter().enumerate() {
        let mut bytes: Vec<u8> = if i >= 2 { b"PAR1".to_vec() } else { Vec::new() };
        for _ in 0..4000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            bytes.push((x >> 24) as u8);
        }
        let f = dir.join(format!("noise{i}.{ext}"));
        std::fs::write(&f, &bytes).unwrap();
        let o = bin()
            .args(["run", "--quiet", "--out"])
            .arg(dir.join("out"))
            .arg("--replay")
            .arg(&f)
            .arg(bad_dir().join("scenario.yaml"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success() && !err.contains("panicked"), "{ext}: {err}");
        assert!(err.contains(&format!("noise{i}.{ext}")), "{err}");
        assert!(!dir.join("out").exists());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The `rooms | created | N` line of a summary.
fn created(summary: &str) -> u64 {
    summary
        .lines()
        .find(|l| l.starts_with("| rooms | created |"))
        .and_then(|l| l.trim_end_matches('|').rsplit('|').next())
        .and_then(|v| v.trim().parse().ok())
        .expect("rooms created in the summary")
}

fn record_quickstart(dir: &Path) -> (PathBuf, String) {
    let trace = dir.join("q.parquet");
    let o = run(&["--out"], &[&dir.join("gen"), Path::new("--record"), &trace, &repo("scenarios/quickstart.yaml")]);
    ok(&o);
    (trace, std::fs::read_to_string(dir.join("gen/summary.md")).unwrap())
}

fn replay_quickstart(dir: &Path, trace: &Path, name: &str, flags: &[&str]) -> String {
    let out = dir.join(name);
    let o = bin()
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .arg("--replay")
        .arg(trace)
        .args(flags)
        .arg(repo("scenarios/quickstart.yaml"))
        .output()
        .expect("runs");
    ok(&o);
    std::fs::read_to_string(out.join("summary.md")).unwrap()
}

/// Mixed replay: the recorded customers (every room) with agents drawn from the model.
#[test]
fn mixed_replay_keeps_the_customers_and_draws_the_agents() {
    let dir = tmpdir("mixed");
    let (trace, generated) = record_quickstart(&dir);
    let a = replay_quickstart(&dir, &trace, "a", &["--replay-side", "customers"]);
    let b = replay_quickstart(&dir, &trace, "b", &["--replay-side", "customers"]);
    assert_eq!(a, b, "deterministic");
    assert_eq!(created(&a), created(&generated), "every recorded room is created again");
    assert_ne!(a, generated, "the agent side is the model's, not the recording's");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn transforms_are_seeded_and_deterministic() {
    let dir = tmpdir("transforms");
    let (trace, generated) = record_quickstart(&dir);
    let n = created(&generated) as f64;
    let half = |name: &str, seed: &str| {
        replay_quickstart(&dir, &trace, name, &["--replay-side", "customers", "--replay-scale", "0.5", "--seed", seed])
    };
    let (a, b, c) = (half("h1", "1"), half("h2", "1"), half("h3", "2"));
    assert_eq!(a, b, "same seed, same thinning");
    assert_ne!(created(&a), created(&c), "another seed thins other rooms");
    let k = created(&a) as f64 / n;
    assert!((0.4..0.6).contains(&k), "thinning keeps about half the rooms: {k}");
    let double = replay_quickstart(&dir, &trace, "d", &["--replay-side", "customers", "--replay-scale", "2"]);
    let k = created(&double) as f64 / n;
    assert!((1.9..2.01).contains(&k), "superposition doubles the rooms: {k}");
    let web = replay_quickstart(&dir, &trace, "w", &["--replay-side", "customers", "--replay-channel", "web"]);
    let k = created(&web) as f64 / n;
    assert!((0.5..0.7).contains(&k), "web is 3/5 of the channel mix: {k}");
    let evening =
        replay_quickstart(&dir, &trace, "e", &["--replay-side", "customers", "--replay-from", "2026-11-23T18:00:00"]);
    assert!(created(&evening) < created(&generated) / 3, "only the evening and the next morning");
    let shifted = replay_quickstart(&dir, &trace, "s", &["--replay-side", "customers", "--replay-shift", "-1h"]);
    assert!(created(&shifted) <= created(&generated), "rooms shifted before the start are dropped");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn replay_options_without_a_trace_are_refused() {
    let o = run(&["--replay-scale", "2"], &[&repo("scenarios/quickstart.yaml")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("need a trace"));
}

/// SIM4 at one instant: a settings change written after a room in the file still comes first
/// (phase 1 before phase 3), so both rooms of that second meet after-hours intake N.
#[test]
fn sim4_rows_of_one_instant_follow_the_phases_then_file_order() {
    let dir = tmpdir("sim4");
    let trace = dir.join("t.csv");
    std::fs::write(
        &trace,
        "at,event,room,channel,patch\n\
         7200,room_created,1,web,\n\
         7200,settings_changed,,,\"{intake: {after_hours: N}}\"\n\
         7200,room_created,2,kakao,\n",
    )
    .unwrap();
    let o = bin()
        .args(["run", "--quiet", "--out"])
        .arg(dir.join("out"))
        .arg("--replay")
        .arg(&trace)
        .arg(bad_dir().join("scenario.yaml"))
        .output()
        .unwrap();
    ok(&o);
    let summary = std::fs::read_to_string(dir.join("out/summary.md")).unwrap();
    assert!(summary.contains("| rejections | after hours (A2.1) | 2 |"), "{summary}");
    assert!(summary.contains("| waiting entries | W1 | 0 |"), "{summary}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The terminal says how many trace rows a replay fed and skipped: of the ten rows of the
/// hand-written customers trace, one names a room the drawn agent side had already closed.
#[test]
fn a_replay_prints_the_rows_fed_and_skipped() {
    let o =
        bin().args(["run", "--no-report"]).arg(repo("scenarios/replay/mixed-customers.yaml")).output().expect("runs");
    ok(&o);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("replay: 9 trace rows fed, 1 skipped"), "{stdout}");
}
