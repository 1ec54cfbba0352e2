//! The run summary: one list of (section, metric, value) rows, rendered as a terminal table and
//! as markdown. Wall-clock figures (rooms/s, events/s) are printed to the terminal only, so
//! files stay byte-identical across runs of the same seed.

use std::fmt::Write as _;

use super::{OPEN_STATES, RoomSink, Stats};
use crate::engine::{AssignPath, CloseType, MessageKind, RoomState, WaitCode};

/// One row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Section.
    pub section: &'static str,
    /// Metric.
    pub metric: String,
    /// Value, formatted.
    pub value: String,
}

/// A run summary.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    /// Rows in order.
    pub rows: Vec<Row>,
}

fn secs(v: Option<f64>) -> String {
    match v {
        None => "-".into(),
        Some(x) => {
            if x >= 3600.0 {
                format!("{x:.0} s ({:.2} h)", x / 3600.0)
            } else if x >= 60.0 {
                format!("{x:.0} s ({:.1} min)", x / 60.0)
            } else {
                format!("{x:.1} s")
            }
        }
    }
}

impl Summary {
    /// Builds the summary of a run.
    pub fn build<S: RoomSink>(name: &str, seed: u64, stats: &Stats<S>) -> Summary {
        let mut rows = Vec::new();
        let mut push = |section: &'static str, metric: String, value: String| rows.push(Row { section, metric, value });
        push("run", "scenario".into(), name.into());
        push("run", "seed".into(), seed.to_string());
        push("run", "measured window".into(), crate::engine::Duration(stats.window()).to_string());
        push("rooms", "created".into(), stats.rooms.to_string());
        for s in RoomState::ALL {
            push("rooms", format!("final state {}", s.as_str()), stats.final_states[s.index()].to_string());
        }
        push("rooms", "still open at the horizon (censored)".into(), stats.censored.to_string());
        for ct in CloseType::ALL {
            push("closes", ct.as_str().into(), stats.closes[ct.index()].to_string());
        }
        for code in WaitCode::ALL {
            push("waiting entries", code.as_str().into(), stats.wait_entries[code.index()].to_string());
        }
        push("rejections", "after hours (A2.1)".into(), stats.rejections[0].to_string());
        push("rejections", "over capacity (A2.5)".into(), stats.rejections[1].to_string());
        push("rejections", "blocked customers' attempts".into(), stats.blocked_attempts.to_string());
        for (label, h) in [("assignment", &stats.assign_latency), ("first reply", &stats.first_reply_latency)] {
            push("latency", format!("{label} count"), h.count().to_string());
            push("latency", format!("{label} mean"), secs(h.mean()));
            for (q, n) in [(0.5, "p50"), (0.9, "p90"), (0.99, "p99")] {
                push("latency", format!("{label} {n}"), secs(h.quantile(q)));
            }
            push("latency", format!("{label} max"), secs(h.max().map(|m| m as f64)));
        }
        for p in AssignPath::ALL {
            let h = &stats.assign_latency_by_path[p.index()];
            if h.count() > 0 {
                push(
                    "latency",
                    format!("assignment by {} (n={})", p.as_str(), h.count()),
                    format!("mean {}, p90 {}", secs(h.mean()), secs(h.quantile(0.9))),
                );
            }
        }
        let sl = if stats.requests == 0 {
            "-".into()
        } else {
            format!("{:.1}% of {} requests", 100.0 * stats.within_target as f64 / stats.requests as f64, stats.requests)
        };
        push("service level", format!("assigned within {}", crate::engine::Duration(stats.sl_target)), sl);
        let w = stats.window();
        for (i, s) in OPEN_STATES.iter().enumerate() {
            let t = &stats.states[i];
            push("rooms over time", format!("{} mean / max", s.as_str()), format!("{:.2} / {}", t.mean(w), t.max));
        }
        for code in WaitCode::ALL {
            let t = &stats.waiting_by_code[code.index()];
            if t.max > 0 {
                push(
                    "rooms over time",
                    format!("waiting {} mean / max", code.as_str()),
                    format!("{:.2} / {}", t.mean(w), t.max),
                );
            }
        }
        for k in MessageKind::ALL {
            push("messages", format!("{} {}", k.rule(), k.as_str()), stats.messages[k.index()].to_string());
        }
        push("audit", "entries".into(), stats.audit_entries.to_string());
        Summary { rows }
    }

    /// The value of a metric (tests, expectations).
    pub fn get(&self, section: &str, metric: &str) -> Option<&str> {
        self.rows.iter().find(|r| r.section == section && r.metric == metric).map(|r| r.value.as_str())
    }

    /// A terminal table.
    pub fn table(&self) -> String {
        let mut t = comfy_table::Table::new();
        t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
        t.set_header(vec!["section", "metric", "value"]);
        let mut last = "";
        for r in &self.rows {
            let sec = if r.section == last { "" } else { r.section };
            last = r.section;
            t.add_row(vec![sec, r.metric.as_str(), r.value.as_str()]);
        }
        t.to_string()
    }

    /// A markdown table.
    pub fn markdown(&self, title: &str) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# {title}\n");
        let _ = writeln!(s, "| section | metric | value |");
        let _ = writeln!(s, "|---|---|---|");
        for r in &self.rows {
            let _ =
                writeln!(s, "| {} | {} | {} |", r.section, r.metric.replace('|', "\\|"), r.value.replace('|', "\\|"));
        }
        s
    }
}
