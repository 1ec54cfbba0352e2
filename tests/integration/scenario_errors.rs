//! Scenario loading errors (§3 "Setting-value validation"): every malformed file under
//! `tests/bad/` is rejected with the expected message at the expected `file:line:column`, with a
//! hint, and never with a panic. Each bad file is `tests/good/base.yaml` with one mistake.

use std::path::{Path, PathBuf};

use consult_sim::scenario::load::{ScenarioError, load, parse};

fn dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(sub)
}

/// (file under tests/bad, expected substring of the message, line, column).
const CASES: &[(&str, &str, usize, usize)] = &[
    // Syntax and document structure.
    ("empty.yaml", "the scenario file is empty", 1, 1),
    ("root_list.yaml", "expected a mapping of scenario keys at the top level", 2, 1),
    ("tab_indent.yaml", "tab character", 15, 1),
    ("duplicate_key.yaml", "shifts: duplicate key `day`", 25, 3),
    // Types: unknown keys and values, missing keys, grids (X16, X19).
    ("unknown_field.yaml", "accounts[1]: unknown field `rol`, expected one of `id`, `role`", 15, 5),
    ("unknown_method.yaml", "settings.distribution.method: unknown value `round_robin`", 30, 13),
    ("unknown_event.yaml", "scripted[1]: unknown event `transfre`", 50, 12),
    ("missing_horizon.yaml", "missing required key `horizon`: expected a `horizon:` entry", 2, 1),
    ("bad_duration.yaml", "horizon: invalid duration `1x`", 4, 10),
    ("bad_time_of_day.yaml", "invalid time of day `18:75`", 24, 13),
    ("start_delay_off_grid.yaml", "invalid backlog start delay `15`: expected 0, 10, 20, 30, 40, 50 or 60", 34, 22),
    (
        "auto_close_off_grid.yaml",
        "invalid auto-close duration `15m`: expected 10m to 6d23h50m in 10-minute steps",
        36,
        18,
    ),
    // Top level.
    ("horizon_zero.yaml", "horizon: zero length: expected a positive duration", 4, 10),
    ("warm_up_too_long.yaml", "warm_up: 1d is not shorter than the horizon 1d", 5, 10),
    ("bad_utc_offset.yaml", "utc_offset: invalid offset `09:00`: expected +HH:MM or -HH:MM", 5, 13),
    // E6, E7.
    ("duplicate_channel.yaml", "channels[2].id: duplicate channel id `kakao` (first declared at line 7)", 8, 10),
    ("category_name_too_long.yaml", "`Subscription-Renewal` has 20 characters: expected at most 15 (E7)", 10, 32),
    // E2 accounts and teams.
    ("duplicate_account.yaml", "team `agent` generates account id `agent-02`, already declared at line 16", 19, 13),
    ("no_admin.yaml", "no admin account: expected exactly one account with `role: admin` (E2)", 11, 1),
    ("two_admins.yaml", "accounts[1].role: second admin `lead`: expected exactly one admin (E2)", 15, 11),
    ("manager_is_agent.yaml", "responsible manager `agent-01` is an agent: expected an admin or manager", 19, 14),
    ("unknown_manager.yaml", "unknown responsible manager `led`", 19, 14),
    ("team_count_zero.yaml", "teams[0].count: team `agent` has count 0: expected at least 1", 18, 12),
    // Shifts (H7).
    ("shift_undeclared.yaml", "teams[0].shift: unknown shift `night`", 20, 12),
    ("shift_logout_equals_login.yaml", "shift `day` logs out at its login time 09:00", 24, 13),
    ("break_outside_shift.yaml", "break at 17:50 for 15m is outside shift `day` (09:00–18:00)", 26, 9),
    ("meal_outside_shift.yaml", "individual meal window 08:00–09:00 is outside shift `day`", 27, 11),
    // Settings (X5, X13).
    (
        "collective_meal_outside_hours.yaml",
        "collective meal window 18:00–19:00 is outside the weekday working hours",
        36,
        24,
    ),
    (
        "designated_unknown_account.yaml",
        "by_category.Billing/Refund[1]: unknown account `agent-04` in a designated list",
        32,
        34,
    ),
    ("designated_unknown_category.yaml", "unknown category `Billing/Refnd`", 32, 7),
    // E4.
    ("day_status_unknown_account.yaml", "day_status[0].account: unknown account `agent-30`", 42, 15),
    // Workload (SIM5).
    ("mix_unknown_channel.yaml", "workload.channels.naver: unknown channel `naver`", 36, 22),
    ("mix_negative_weight.yaml", "weight -2 for `Billing/Invoice`: expected a finite weight of 0 or more", 37, 52),
    ("mix_zero_sum.yaml", "workload.channels: the weights sum to 0", 36, 3),
    ("share_out_of_range.yaml", "hold_share: share 1.5 is outside [0, 1]", 40, 17),
    ("closed_by_unknown.yaml", "unknown closer `manager` in closed_by: expected `agent` or `customer`", 39, 27),
    // Scripted events.
    ("scripted_no_time.yaml", "scripted[1]: scripted event `transfer` has neither `at` nor `after`", 49, 5),
    ("scripted_both_times.yaml", "scripted event `transfer` has both `at` and `after`", 49, 5),
    ("scripted_before_start.yaml", "at 2026-11-23T07:00:00 is before the start", 49, 9),
    ("scripted_after_end.yaml", "at start + 1d2h is not before the end of the run", 49, 12),
    ("scripted_unknown_account.yaml", "scripted[1].to: unknown account `agent-2`", 52, 9),
    ("scripted_unknown_room.yaml", "scripted[1].room: unknown room label `r2`", 51, 11),
    ("scripted_unknown_channel.yaml", "scripted[0].channel: unknown channel `line`", 47, 14),
];

fn load_err(file: &str) -> ScenarioError {
    match load(&dir("bad").join(file)) {
        Ok(_) => panic!("{file} should not load"),
        Err(e) => e,
    }
}

#[test]
fn each_bad_file_names_its_mistake_and_position() {
    let mut failures = Vec::new();
    for &(file, expected, line, column) in CASES {
        let e = load_err(file);
        let ok = e.message.contains(expected) && e.line == line && e.column == column;
        if !ok {
            failures.push(format!("{file}: expected `{expected}` at {line}:{column}, got\n  {e}"));
        }
        assert!(e.file.ends_with(file), "{file}: error names {}", e.file);
        assert!(e.hint.as_deref().is_some_and(|h| !h.is_empty()), "{file}: no hint in\n  {e}");
        assert!(e.message.contains("expected"), "{file}: the message does not say what was expected:\n  {e}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_bad_file_is_in_the_table() {
    let mut on_disk: Vec<String> = std::fs::read_dir(dir("bad"))
        .expect("tests/bad exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = CASES.iter().map(|c| c.0.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    assert!(listed.len() >= 18);
}

#[test]
fn hints_suggest_the_nearest_name() {
    assert_eq!(load_err("unknown_field.yaml").hint.as_deref(), Some("did you mean `role`?"));
    assert_eq!(load_err("unknown_event.yaml").hint.as_deref(), Some("did you mean `transfer`?"));
    assert_eq!(load_err("unknown_manager.yaml").hint.as_deref(), Some("did you mean `lead`?"));
    assert_eq!(load_err("designated_unknown_category.yaml").hint.as_deref(), Some("did you mean `Billing/Refund`?"));
    assert_eq!(load_err("scripted_unknown_account.yaml").hint.as_deref(), Some("did you mean `agent-02`?"));
}

#[test]
fn display_is_file_line_column_message_then_hint() {
    let e = load_err("team_count_zero.yaml");
    let shown = e.to_string();
    let (first, second) = shown.split_once('\n').expect("two lines");
    assert!(
        first.ends_with("team_count_zero.yaml:18:12: teams[0].count: team `agent` has count 0: expected at least 1")
    );
    assert_eq!(second, "  hint: remove the team, or give it a count");
}

#[test]
fn good_files_load() {
    let minimal = load(&dir("good").join("minimal.yaml")).expect("minimal.yaml loads");
    assert_eq!(minimal.accounts.len(), 1);
    assert_eq!(minimal.file.name, "minimal");

    // D3 registration order: the explicit accounts, then each team's members, zero-padded.
    let base = load(&dir("good").join("base.yaml")).expect("base.yaml loads");
    let ids: Vec<&str> = base.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["boss", "lead", "agent-01", "agent-02", "agent-03"]);
    assert_eq!(base.accounts[2].manager.as_deref(), Some("lead"));
    assert_eq!(base.accounts[2].shift.as_deref(), Some("day"));
}

#[test]
fn quickstart_loads() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join("quickstart.yaml");
    let sc = load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sc.accounts.len(), 22); // admin, lead, a-01 … a-10, b-01 … b-10
    let text = std::fs::read_to_string(&path).expect("readable");
    assert!(text.starts_with("# yaml-language-server: $schema=../docs/scenario.schema.json\n"));
}

#[test]
fn unreadable_and_binary_files() {
    let e = load(Path::new("/nonexistent/scenario.yaml")).expect_err("missing file is an error");
    assert_eq!((e.line, e.column), (0, 0));
    assert!(e.message.contains("cannot read the scenario file"));

    let tmp = std::env::temp_dir().join(format!("consult-sim-binary-{}.yaml", std::process::id()));
    std::fs::write(&tmp, b"name: x\nstart: \xff\xfe\x00junk").expect("temp file");
    let e = load(&tmp).expect_err("binary is an error");
    let _ = std::fs::remove_file(&tmp);
    assert_eq!((e.line, e.column), (2, 8));
    assert!(e.message.contains("not UTF-8 text"));
}

/// Never a panic: every prefix of a valid file, and a handful of hostile inputs, give a
/// positioned error with a hint (or load).
#[test]
fn no_input_panics() {
    let base = std::fs::read_to_string(dir("good").join("base.yaml")).expect("base.yaml");
    let chars: Vec<char> = base.chars().collect();
    let mut inputs: Vec<String> = (0..chars.len()).map(|n| chars[..n].iter().collect()).collect();
    inputs.extend(
        [
            "",
            "\u{feff}",
            "---\n---\n",
            "- a\n- b\n",
            "just a scalar",
            "name: [unclosed",
            "name: \"unclosed",
            "\t\tname: x",
            "name: x\n\tstart: y\n",
            "{{{{{{{{{{",
            "\u{0}\u{1}\u{2}",
            "name: *nowhere",
            "? [a, b]\n: c\n",
            "name: x\nstart: 2026-11-23\nhorizon: 99999999999999999999d\n",
            "name: x\nstart: 2026-11-23\nhorizon: 1d\nteams: [{prefix: a, count: 4294967295}]\n",
        ]
        .map(String::from),
    );
    inputs.push("[".repeat(100_000));
    inputs.push(format!("name: {}", "{a: ".repeat(200)));
    inputs.push("a: ".repeat(5_000));
    inputs.push((0..300).map(|i| format!("{}k:\n", " ".repeat(i))).collect());
    for text in &inputs {
        if let Err(e) = parse(text, "fuzz.yaml") {
            assert!(e.line >= 1 && e.column >= 1, "{e}\n--- input:\n{text}");
            assert!(e.hint.is_some(), "{e}\n--- input:\n{text}");
        }
    }
}

/// The complete annotated example of docs/SCENARIOS.md is scenarios/quickstart.yaml, verbatim.
#[test]
fn docs_example_is_the_quickstart() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = std::fs::read_to_string(root.join("docs").join("SCENARIOS.md")).expect("docs/SCENARIOS.md");
    let file = std::fs::read_to_string(root.join("scenarios").join("quickstart.yaml")).expect("quickstart.yaml");
    let start = docs.rfind("```yaml\n# yaml-language-server").expect("the example block") + "```yaml\n".len();
    let end = docs[start..].find("```").expect("the block ends") + start;
    assert_eq!(&docs[start..end], file);
}
