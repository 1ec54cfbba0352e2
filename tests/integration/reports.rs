//! The report folder of a run: every file written, Parquet row counts that agree with the run's
//! summary, valid charts, byte-identical files for the same seed, and a folder replaced whole.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use consult_sim::report::{self, Report, ReportOptions, TABLES, charts::CHARTS};
use consult_sim::run::RunSettings;
use consult_sim::scenario::{self, Scenario};
use consult_sim::stats::Summary;
use polars::prelude::*;

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("consult-sim-report-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn quickstart() -> Scenario {
    scenario::load(&repo("scenarios/quickstart.yaml")).expect("the quickstart scenario loads")
}

fn write_report(dest: &Path, seed: Option<u64>) -> (Summary, Report) {
    let sc = quickstart();
    let (output, report) =
        report::run_with_report(&sc, RunSettings { seed, check_invariants: true }, dest, ReportOptions::default())
            .expect("the report is written");
    (output.summary, report)
}

/// One quickstart report shared by the tests that only read it.
fn shared() -> &'static (Summary, Report) {
    static REPORT: OnceLock<(Summary, Report)> = OnceLock::new();
    REPORT.get_or_init(|| write_report(&tmpdir("shared").join("quickstart"), None))
}

fn read_parquet(dir: &Path, table: &str) -> DataFrame {
    let path = dir.join(format!("{table}.parquet"));
    let f = File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    ParquetReader::new(f).finish().unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn summary_u64(s: &Summary, section: &str, metric: &str) -> u64 {
    let v = s.get(section, metric).unwrap_or_else(|| panic!("summary has no {section} / {metric}"));
    v.parse().unwrap_or_else(|_| panic!("{section} / {metric} = {v:?} is not a count"))
}

fn expected_files() -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for (t, _) in TABLES {
        v.push(format!("{t}.csv"));
        v.push(format!("{t}.parquet"));
    }
    for (c, _) in CHARTS {
        v.push(format!("{c}.svg"));
        v.push(format!("{c}.png"));
    }
    v.push("summary.md".into());
    v.push("index.html".into());
    v.sort();
    v
}

#[test]
fn report_folder_holds_every_table_chart_and_the_page() {
    let (_, report) = shared();
    assert_eq!(report.files, expected_files());
    for f in &report.files {
        let len = std::fs::metadata(report.dir.join(f)).map(|m| m.len()).unwrap_or(0);
        assert!(len > 0, "{f} is empty");
    }
    let page = std::fs::read_to_string(report.dir.join("index.html")).unwrap();
    for (c, _) in CHARTS {
        assert!(page.contains(&format!("src=\"{c}.svg\"")), "index.html does not show {c}");
    }
    assert!(page.contains("assignment p90"), "index.html lacks the summary table");
    assert!(!page.contains("http://") && !page.contains("https://"), "index.html must not need the network");
}

#[test]
fn sim7_parquet_row_counts_match_the_run_summary() {
    let (summary, report) = shared();
    let dir = &report.dir;
    let rows: BTreeMap<&str, u64> = report.rows.iter().copied().collect();

    // rooms: one row per room created in the measured window.
    let rooms = read_parquet(dir, "rooms");
    let created = summary_u64(summary, "rooms", "created");
    assert!(created > 100, "the quickstart creates rooms");
    assert_eq!(rooms.height() as u64, created);
    assert_eq!(rows["rooms"], created);
    let censored = rooms.column("censored").unwrap().bool().unwrap().sum().unwrap_or(0) as u64;
    assert_eq!(censored, summary_u64(summary, "rooms", "still open at the horizon (censored)"));

    // queue: one row per step of the measured window.
    let sc = quickstart();
    let window = sc.end() - (sc.start() + sc.file.warm_up.secs());
    let step = sc.file.report.queue_step.secs();
    let queue = read_parquet(dir, "queue");
    assert_eq!(queue.height() as i64, (window + step - 1) / step);

    // latency: the overall counts are the summary's.
    let latency = read_parquet(dir, "latency");
    let overall = |metric: &str| {
        let df = latency
            .clone()
            .lazy()
            .filter(col("dimension").eq(lit("all")).and(col("metric").eq(lit(metric))))
            .collect()
            .unwrap();
        assert_eq!(df.height(), 1, "one overall row for {metric}");
        (df.column("count").unwrap().u64().unwrap().get(0).unwrap(), df.column("max").unwrap().i64().unwrap().get(0))
    };
    let (n, max) = overall("assignment");
    assert_eq!(n, summary_u64(summary, "latency", "assignment count"));
    let max_text = summary.get("latency", "assignment max").unwrap();
    assert!(max_text.starts_with(&format!("{} s", max.unwrap())), "max {max:?} vs summary {max_text}");
    assert_eq!(overall("first_reply").0, summary_u64(summary, "latency", "first reply count"));

    // Every dimension partitions the same requests: its counts add up to the overall count.
    let by_dim = latency
        .clone()
        .lazy()
        .filter(col("metric").eq(lit("assignment")))
        .group_by([col("dimension")])
        .agg([col("count").sum().alias("n")])
        .collect()
        .unwrap();
    let dims = by_dim.column("dimension").unwrap().str().unwrap();
    let sums = by_dim.column("n").unwrap().u64().unwrap();
    for i in 0..by_dim.height() {
        assert_eq!(sums.get(i), Some(n), "dimension {:?} does not add up", dims.get(i));
    }
    assert_eq!(by_dim.height(), 7, "all, hour, weekday, channel, category, wait code, path");

    // entry_paths, closes, messages: the summary's counters.
    let entries = read_parquet(dir, "entry_paths");
    let paths = entries.column("path").unwrap().str().unwrap();
    let counts = entries.column("count").unwrap().u64().unwrap();
    for i in 0..entries.height() {
        let p = paths.get(i).unwrap();
        if p.starts_with('W') {
            assert_eq!(counts.get(i).unwrap(), summary_u64(summary, "waiting entries", p), "{p}");
        }
    }
    let closes = read_parquet(dir, "closes");
    let closed: u64 = closes.column("count").unwrap().u64().unwrap().sum().unwrap();
    assert_eq!(closed, closes_in_summary(summary));
    assert_eq!(read_parquet(dir, "messages").height(), 10);

    // agents: one row per account; assignments received cover every first assignment.
    let agents = read_parquet(dir, "agents");
    assert_eq!(agents.height(), sc.engine_config().accounts.len());
    let received: u64 = agents.column("rooms_received").unwrap().u64().unwrap().sum().unwrap();
    assert!(received >= n, "{received} assignments received < {n} first assignments");

    // audit (L1, L2): every entry of the run, in (time, sequence) order.
    let audit = read_parquet(dir, "audit");
    assert_eq!(audit.height() as u64, summary_u64(summary, "audit", "entries"));
    let seq: Vec<u64> = audit.column("seq").unwrap().u64().unwrap().into_no_null_iter().collect();
    let at: Vec<i64> = audit.column("at").unwrap().i64().unwrap().into_no_null_iter().collect();
    assert!(seq.windows(2).all(|w| w[0] < w[1]) && at.windows(2).all(|w| w[0] <= w[1]), "ordered by (time, seq)");

    // CSV files hold the same rows as the Parquet files.
    for (t, _) in TABLES {
        let csv = std::fs::read_to_string(dir.join(format!("{t}.csv"))).unwrap();
        assert_eq!(csv.lines().count() as u64 - 1, rows[t], "{t}.csv");
        assert_eq!(read_parquet(dir, t).height() as u64, rows[t], "{t}.parquet");
    }
}

fn closes_in_summary(s: &Summary) -> u64 {
    s.rows.iter().filter(|r| r.section == "closes").map(|r| r.value.parse::<u64>().unwrap()).sum()
}

#[test]
fn queue_series_integrates_to_the_summary_means() {
    let (summary, report) = shared();
    let queue = read_parquet(&report.dir, "queue");
    for (column, metric) in [
        ("waiting", "waiting mean / max"),
        ("received", "received mean / max"),
        ("in_progress", "in_progress mean / max"),
        ("chatbot", "chatbot_in_progress mean / max"),
    ] {
        let means = queue.column(&format!("{column}_mean")).unwrap().f64().unwrap();
        let mean = means.sum().unwrap() / queue.height() as f64;
        let max = queue.column(column).unwrap().i64().unwrap().max().unwrap();
        let text = summary.get("rooms over time", metric).unwrap_or_else(|| panic!("no {metric}"));
        let (want_mean, want_max) = text.split_once(" / ").unwrap();
        assert_eq!(format!("{mean:.2}"), want_mean, "{column}: time-weighted mean");
        assert!(max <= want_max.parse::<i64>().unwrap(), "{column}: a step-start count above the maximum");
    }
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "no PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "the first chunk is not IHDR");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    (w, h)
}

#[test]
fn every_chart_is_a_valid_non_empty_svg_and_png() {
    let (_, report) = shared();
    for (name, _) in CHARTS {
        // SVG: well-formed XML with an <svg> root and drawn elements, text included.
        let svg = std::fs::read_to_string(report.dir.join(format!("{name}.svg"))).unwrap();
        let mut reader = quick_xml::Reader::from_str(&svg);
        let (mut root, mut elements, mut texts) = (None, 0, 0);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)) => {
                    let tag = String::from_utf8_lossy(e.name().as_ref()).to_string();
                    root.get_or_insert(tag.clone());
                    elements += 1;
                    texts += usize::from(tag == "text");
                }
                Ok(_) => {}
                Err(e) => panic!("{name}.svg is not well-formed XML: {e}"),
            }
        }
        assert_eq!(root.as_deref(), Some("svg"), "{name}.svg root");
        assert!(elements > 20, "{name}.svg has only {elements} elements");
        assert!(texts > 3, "{name}.svg has no title or labels");

        // PNG: signature, size, and an image with more than a background and a line.
        let bytes = std::fs::read(report.dir.join(format!("{name}.png"))).unwrap();
        let (w, h) = png_size(&bytes);
        assert!(w >= 400 && h >= 150, "{name}.png is {w}x{h}");
        let mut decoder = png::Decoder::new(std::io::Cursor::new(&bytes)).read_info().expect("PNG header");
        let mut buf = vec![0; decoder.output_buffer_size()];
        let info = decoder.next_frame(&mut buf).expect("PNG data");
        assert_eq!((info.width, info.height), (w, h));
        let px = info.color_type.samples();
        let colors: std::collections::BTreeSet<&[u8]> = buf[..info.buffer_size()].chunks(px).collect();
        assert!(colors.len() > 8, "{name}.png has {} colours: blank?", colors.len());
    }
}

#[test]
fn d4_same_seed_gives_byte_identical_report_files() {
    let a = tmpdir("det-a").join("quickstart");
    let b = tmpdir("det-b").join("quickstart");
    let (_, ra) = write_report(&a, Some(11));
    let (_, rb) = write_report(&b, Some(11));
    assert_eq!(ra.files, rb.files);
    for f in &ra.files {
        let x = std::fs::read(a.join(f)).unwrap();
        let y = std::fs::read(b.join(f)).unwrap();
        assert!(x == y, "{f} differs between two runs of the same seed");
    }
}

#[test]
fn a_report_replaces_the_previous_folder_whole() {
    let parent = tmpdir("replace");
    let dest = parent.join("quickstart");
    std::fs::create_dir_all(&dest).unwrap();
    std::fs::write(dest.join("stale.csv"), "from an older run").unwrap();
    let (_, report) = write_report(&dest, None);
    assert!(!dest.join("stale.csv").exists(), "a file of the previous report survived");
    assert_eq!(report.files, expected_files());
    let leftovers: Vec<String> = std::fs::read_dir(&parent)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n != "quickstart")
        .collect();
    assert!(leftovers.is_empty(), "staging folders left behind: {leftovers:?}");
}

#[test]
fn report_rooms_false_keeps_the_latency_table_but_not_the_rooms_files() {
    let mut sc = quickstart();
    sc.file.report.rooms = false;
    let dest = tmpdir("norooms").join("quickstart");
    let (_, report) =
        report::run_with_report(&sc, RunSettings::default(), &dest, ReportOptions::default()).expect("written");
    assert!(!report.files.iter().any(|f| f.starts_with("rooms.")), "{:?}", report.files);
    assert!(read_parquet(&dest, "latency").height() > 0);
}

/// A run in which no room is ever assigned (every account logged out, W6) still writes the whole
/// report: the latency table has no "all" row and the CDF chart draws no percentile marks.
#[test]
fn w6_a_run_without_any_assignment_still_writes_the_full_report() {
    let source = r#"
name: nobody-assigned
seed: 1
start: 2026-11-23T08:00:00
horizon: 2h
settings:
  distribution: {scope: logged_in_able}
accounts:
  - {id: admin, role: admin, consults: false}
  - {id: agent-1, role: agent}
scripted:
  - {at: 2026-11-23T09:00:00, event: room_created, room: r1}
"#;
    let sc = scenario::parse(source, "nobody-assigned.yaml").expect("the scenario parses");
    let dest = tmpdir("nobody-assigned").join("report");
    let (output, _) = report::run_with_report(
        &sc,
        RunSettings { seed: None, check_invariants: true },
        &dest,
        ReportOptions::default(),
    )
    .expect("a run without assignments still gets its report");
    assert_eq!(summary_u64(&output.summary, "rooms", "created"), 1);
    for file in expected_files() {
        assert!(dest.join(&file).is_file(), "{file} is written");
    }
}

/// `report.csv: never` writes every table as Parquet only, and the page says there is no CSV.
#[test]
fn report_csv_never_writes_parquet_only() {
    let mut sc = quickstart();
    sc.file.report.csv = consult_sim::scenario::model::CsvPolicy::Never;
    let dest = tmpdir("csv-never").join("report");
    let (_, report) = report::run_with_report(
        &sc,
        RunSettings { seed: None, check_invariants: false },
        &dest,
        ReportOptions::default(),
    )
    .expect("the report is written");
    assert!(report.files.iter().all(|f| !f.ends_with(".csv")), "{:?}", report.files);
    for (t, _) in TABLES {
        assert!(dest.join(format!("{t}.parquet")).is_file(), "{t}.parquet");
    }
    let page = std::fs::read_to_string(dest.join("index.html")).expect("the page");
    assert_eq!(page.matches(">no CSV</span>").count(), TABLES.len());
}
