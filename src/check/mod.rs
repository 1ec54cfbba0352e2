//! Expectations in scenario files and the `check` runner (regression suite).
//!
//! A [`Probe`] observer records what the expectations need while the run goes (rooms and queue
//! lengths at given instants, queue lengths over windows, audit entries by kind); [`evaluate`]
//! compares each expectation with the run's statistics and the probe, and says what was expected,
//! what was measured, and which rule the expectation names.

pub mod model;
pub mod runner;

use std::collections::BTreeMap;

pub use model::Expectation;

use crate::engine::time::from_naive_datetime;
use crate::engine::{
    AssignPath, AuditKind, CloseType, Effect, Engine, Event, MessageKind, Owner, Rejection, RoomId, RoomState, Time,
    WaitCode,
};
use crate::sim::Observer;
use crate::stats::{OPEN_STATES, RoomSink, Stats};

/// What a queue expectation counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Series {
    State(RoomState),
    Code(WaitCode),
}

fn parse_series(s: &str) -> Result<Series, String> {
    if let Some(st) = OPEN_STATES.iter().find(|x| x.as_str() == s) {
        return Ok(Series::State(*st));
    }
    WaitCode::parse(s).map(Series::Code).ok_or_else(|| {
        format!("unknown queue `{s}`: expected chatbot_in_progress, waiting, received, in_progress or a wait code")
    })
}

/// A room as seen at an instant.
#[derive(Debug, Clone, PartialEq)]
struct RoomView {
    state: Option<RoomState>,
    owner: Option<Owner>,
    wait_code: Option<WaitCode>,
    close_type: Option<CloseType>,
}

#[derive(Debug, Clone)]
struct Window {
    series: Series,
    from: Time,
    to: Time,
    integral: f64,
    max: i64,
}

/// Records what expectations need during a run.
#[derive(Debug, Clone)]
pub struct Probe {
    captures: Vec<(Time, usize)>,
    next: usize,
    capture_rooms: Vec<Option<RoomId>>,
    capture_series: Vec<Option<Series>>,
    rooms_seen: BTreeMap<usize, RoomView>,
    series_seen: BTreeMap<usize, i64>,
    windows: BTreeMap<usize, Window>,
    waiting_by_code: [i64; 12],
    last_t: Time,
    audit: BTreeMap<(AuditKind, Option<&'static str>), u64>,
    rejected: BTreeMap<&'static str, u64>,
}

impl Probe {
    /// Prepares a probe for a list of expectations; `room_ids` maps scripted room labels.
    pub fn new(expect: &[Expectation], room_ids: &dyn Fn(&str) -> Option<RoomId>) -> Result<Probe, String> {
        let mut p = Probe {
            captures: Vec::new(),
            next: 0,
            capture_rooms: vec![None; expect.len()],
            capture_series: vec![None; expect.len()],
            rooms_seen: BTreeMap::new(),
            series_seen: BTreeMap::new(),
            windows: BTreeMap::new(),
            waiting_by_code: [0; 12],
            last_t: i64::MIN,
            audit: BTreeMap::new(),
            rejected: BTreeMap::new(),
        };
        for (i, e) in expect.iter().enumerate() {
            if let Some(label) = &e.room {
                let id = room_ids(label).ok_or_else(|| format!("expectation {}: unknown room `{label}`", i + 1))?;
                let at = e.at.ok_or_else(|| format!("expectation {}: a room check needs `at`", i + 1))?;
                p.capture_rooms[i] = Some(id);
                p.captures.push((from_naive_datetime(at.0), i));
            } else if let Some(q) = &e.queue {
                let s = parse_series(q).map_err(|m| format!("expectation {}: {m}", i + 1))?;
                match (e.at, e.from, e.to) {
                    (Some(at), None, None) => {
                        p.capture_series[i] = Some(s);
                        p.captures.push((from_naive_datetime(at.0), i));
                    }
                    (None, Some(f), Some(t)) => {
                        let (from, to) = (from_naive_datetime(f.0), from_naive_datetime(t.0));
                        if to <= from {
                            return Err(format!("expectation {}: `to` must be after `from`", i + 1));
                        }
                        p.windows.insert(i, Window { series: s, from, to, integral: 0.0, max: i64::MIN });
                    }
                    _ => return Err(format!("expectation {}: a queue check needs `at`, or `from` and `to`", i + 1)),
                }
            }
        }
        p.captures.sort();
        Ok(p)
    }

    fn value(&self, s: Series, engine: &Engine) -> i64 {
        match s {
            Series::State(st) => engine.totals().per_state[st.index()] as i64,
            Series::Code(c) => self.waiting_by_code[c.index()],
        }
    }

    /// Everything up to (not including) `at` is final: take captures and close window slices.
    fn settle(&mut self, at: Time, engine: &Engine) {
        while let Some(&(t, i)) = self.captures.get(self.next) {
            if t >= at {
                break;
            }
            self.next += 1;
            if let Some(id) = self.capture_rooms[i] {
                let view = match engine.room(id) {
                    Some(r) => RoomView {
                        state: Some(r.state),
                        owner: Some(r.owner),
                        wait_code: r.wait_code,
                        close_type: r.close_type,
                    },
                    None => RoomView { state: None, owner: None, wait_code: None, close_type: None },
                };
                self.rooms_seen.insert(i, view);
            }
            if let Some(s) = self.capture_series[i] {
                let v = self.value(s, engine);
                self.series_seen.insert(i, v);
            }
        }
        if self.last_t != i64::MIN && at > self.last_t {
            let vals: Vec<(usize, i64)> =
                self.windows.iter().map(|(i, w)| (*i, self.value(w.series, engine))).collect();
            for (i, v) in vals {
                let Some(w) = self.windows.get_mut(&i) else { continue };
                let lo = self.last_t.max(w.from);
                let hi = at.min(w.to);
                if hi > lo {
                    w.integral += v as f64 * (hi - lo) as f64;
                    w.max = w.max.max(v);
                }
            }
        }
        self.last_t = at.max(self.last_t);
    }
}

impl Observer for Probe {
    fn start(&mut self, at: Time, _engine: &Engine) {
        self.last_t = at;
    }
    fn before(&mut self, at: Time, engine: &Engine) {
        self.settle(at, engine);
    }
    fn observe(&mut self, _at: Time, _event: &Event, o: &Result<(), Rejection>, effects: &[Effect], engine: &Engine) {
        if let Err(r) = o {
            *self.rejected.entry(r.rule).or_insert(0) += 1;
            *self.rejected.entry("any").or_insert(0) += 1;
        }
        for e in effects {
            match *e {
                Effect::WaitEntered { code, .. } => self.waiting_by_code[code.index()] += 1,
                Effect::StateChanged { room, from: Some(RoomState::Waiting), .. } => {
                    if let Some(c) = engine.room(room).and_then(|r| r.wait_code) {
                        self.waiting_by_code[c.index()] -= 1;
                    }
                }
                Effect::Audit(a) => {
                    *self.audit.entry((a.kind, None)).or_insert(0) += 1;
                    if let Some(t) = a.trigger {
                        *self.audit.entry((a.kind, Some(t.as_str()))).or_insert(0) += 1;
                    }
                }
                _ => {}
            }
        }
    }
    fn finish(&mut self, end: Time, engine: &Engine) {
        self.settle(end, engine);
        // Captures at or after the end see the final state.
        while self.next < self.captures.len() {
            self.settle(Time::MAX, engine);
        }
    }
}

/// The result of one expectation.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Index in the list (1-based in messages).
    pub index: usize,
    /// Rule named.
    pub rule: String,
    /// What was measured.
    pub subject: String,
    /// What was expected.
    pub expected: String,
    /// What was measured.
    pub actual: String,
    /// Pass or fail.
    pub passed: bool,
}

fn compare(e: &Expectation, actual: Option<f64>) -> (bool, String, String) {
    let expected = {
        let mut parts = Vec::new();
        if let Some(v) = e.equals {
            match e.tolerance {
                Some(t) => parts.push(format!("= {} ± {}", fmt_num(v.0), fmt_num(t.0))),
                None => parts.push(format!("= {}", fmt_num(v.0))),
            }
        }
        if let Some(v) = e.at_least {
            parts.push(format!(">= {}", fmt_num(v.0)));
        }
        if let Some(v) = e.at_most {
            parts.push(format!("<= {}", fmt_num(v.0)));
        }
        if parts.is_empty() { "a value".to_string() } else { parts.join(" and ") }
    };
    let Some(a) = actual else { return (false, expected, "no value".into()) };
    let tol = e.tolerance.map(|t| t.0).unwrap_or(1e-9);
    let mut ok = true;
    if let Some(v) = e.equals {
        ok &= (a - v.0).abs() <= tol;
    }
    if let Some(v) = e.at_least {
        ok &= a >= v.0 - 1e-9;
    }
    if let Some(v) = e.at_most {
        ok &= a <= v.0 + 1e-9;
    }
    (ok, expected, fmt_num(a))
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v:.4}") }
}

/// Compares every expectation with a finished run.
pub fn evaluate<S: RoomSink>(
    expect: &[Expectation],
    stats: &Stats<S>,
    probe: &Probe,
    account_name: &dyn Fn(u32) -> String,
) -> Vec<Outcome> {
    expect.iter().enumerate().map(|(i, e)| evaluate_one(i, e, stats, probe, account_name)).collect()
}

fn evaluate_one<S: RoomSink>(
    i: usize,
    e: &Expectation,
    stats: &Stats<S>,
    probe: &Probe,
    account_name: &dyn Fn(u32) -> String,
) -> Outcome {
    let out = |subject: String, r: Result<(bool, String, String), String>| {
        let (passed, expected, actual) = match r {
            Ok(x) => x,
            Err(m) => (false, "a valid expectation".into(), m),
        };
        Outcome { index: i + 1, rule: e.rule.clone(), subject, expected, actual, passed }
    };
    if let Some(label) = &e.room {
        let view = probe.rooms_seen.get(&i);
        let mut fails = Vec::new();
        let mut want = Vec::new();
        let mut got = Vec::new();
        let v = view.cloned().unwrap_or(RoomView { state: None, owner: None, wait_code: None, close_type: None });
        if let Some(s) = &e.state {
            want.push(format!("state {s}"));
            let a = v.state.map(|x| x.as_str().to_string()).unwrap_or("absent".into());
            if &a != s {
                fails.push(());
            }
            got.push(format!("state {a}"));
        }
        if let Some(o) = &e.owner {
            want.push(format!("owner {o}"));
            let a = match v.owner {
                None => "absent".to_string(),
                Some(Owner::Robot) => "robot".to_string(),
                Some(Owner::Account(a)) => account_name(a.0),
            };
            if !a.eq_ignore_ascii_case(o) {
                fails.push(());
            }
            got.push(format!("owner {a}"));
        }
        if let Some(c) = &e.wait_code {
            want.push(format!("wait code {c}"));
            let a = v.wait_code.map(|x| x.as_str().to_string()).unwrap_or("none".into());
            if !a.eq_ignore_ascii_case(c) {
                fails.push(());
            }
            got.push(format!("wait code {a}"));
        }
        if let Some(c) = &e.closed_as {
            want.push(format!("closed as {c}"));
            let a = v.close_type.map(|x| x.as_str().to_string()).unwrap_or("not closed".into());
            if &a != c {
                fails.push(());
            }
            got.push(format!("closed as {a}"));
        }
        let at = e.at.map(|a| a.0.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default();
        return out(format!("room {label} at {at}"), Ok((fails.is_empty(), want.join(", "), got.join(", "))));
    }
    if let Some(code) = &e.wait_code {
        return out(
            format!("entries into Waiting with {code}"),
            WaitCode::parse(code)
                .map(|c| compare(e, Some(stats.wait_entries[c.index()] as f64)))
                .ok_or(format!("unknown wait code `{code}`")),
        );
    }
    if let Some(ct) = &e.close_type {
        return out(
            format!("closes of type {ct}"),
            CloseType::parse(ct)
                .map(|c| compare(e, Some(stats.closes[c.index()] as f64)))
                .ok_or(format!("unknown close type `{ct}`")),
        );
    }
    if let Some(m) = &e.message {
        return out(
            format!("messages {m}"),
            MessageKind::parse(m)
                .map(|k| compare(e, Some(stats.messages[k.index()] as f64)))
                .ok_or(format!("unknown message `{m}`")),
        );
    }
    if let Some(r) = &e.rejections {
        let v = match r.as_str() {
            "after_hours" => Ok(stats.rejections[0]),
            "over_capacity" => Ok(stats.rejections[1]),
            "any" => Ok(stats.rejections[0] + stats.rejections[1]),
            o => Err(format!("unknown rejection `{o}`")),
        };
        return out(format!("rejections {r}"), v.map(|v| compare(e, Some(v as f64))));
    }
    if e.blocked_attempts == Some(true) {
        return out("blocked attempts".into(), Ok(compare(e, Some(stats.blocked_attempts as f64))));
    }
    if let Some(rule) = &e.rejected_inputs {
        let v = probe.rejected.get(rule.as_str()).copied().unwrap_or(0);
        return out(format!("rejected inputs {rule}"), Ok(compare(e, Some(v as f64))));
    }
    if e.service_level == Some(true) {
        let v = (stats.requests > 0).then(|| stats.within_target as f64 / stats.requests as f64);
        return out("service level".into(), Ok(compare(e, v)));
    }
    if let Some(which) = &e.latency {
        let stat = e.stat.clone().unwrap_or_else(|| "mean".into());
        let h = match (which.as_str(), e.path.as_deref()) {
            ("assignment", None) => Ok(&stats.assign_latency),
            ("assignment", Some(p)) => AssignPath::ALL
                .iter()
                .find(|x| x.as_str() == p)
                .map(|x| &stats.assign_latency_by_path[x.index()])
                .ok_or(format!("unknown path `{p}`")),
            ("first_reply", _) => Ok(&stats.first_reply_latency),
            (o, _) => Err(format!("unknown latency `{o}`: expected assignment or first_reply")),
        };
        let v = h.and_then(|h| match stat.as_str() {
            "count" => Ok(Some(h.count() as f64)),
            "mean" => Ok(h.mean()),
            "max" => Ok(h.max().map(|m| m as f64)),
            "p50" => Ok(h.quantile(0.5)),
            "p90" => Ok(h.quantile(0.9)),
            "p95" => Ok(h.quantile(0.95)),
            "p99" => Ok(h.quantile(0.99)),
            o => Err(format!("unknown stat `{o}`")),
        });
        return out(format!("{which} latency {stat}"), v.map(|v| compare(e, v)));
    }
    if let Some(r) = &e.rooms {
        let v = match r.as_str() {
            "created" => Ok(stats.rooms),
            "censored" => Ok(stats.censored),
            s => RoomState::ALL
                .iter()
                .find(|x| x.as_str() == s)
                .map(|x| stats.final_states[x.index()])
                .ok_or(format!("unknown room count `{s}`")),
        };
        return out(format!("rooms {r}"), v.map(|v| compare(e, Some(v as f64))));
    }
    if let Some(q) = &e.queue {
        if let Some(v) = probe.series_seen.get(&i) {
            let at = e.at.map(|a| a.0.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default();
            return out(format!("{q} rooms at {at}"), Ok(compare(e, Some(*v as f64))));
        }
        if let Some(w) = probe.windows.get(&i) {
            let stat = e.stat.clone().unwrap_or_else(|| "max".into());
            let v = match stat.as_str() {
                "max" => Ok((w.max != i64::MIN).then_some(w.max as f64)),
                "mean" => Ok(Some(w.integral / (w.to - w.from) as f64)),
                o => Err(format!("unknown stat `{o}`: expected max or mean")),
            };
            return out(format!("{q} rooms {stat} over the window"), v.map(|v| compare(e, v)));
        }
        return out(format!("{q} rooms"), Err("the run never reached this time".into()));
    }
    if let Some(kind) = &e.audit {
        let k = AuditKind::ALL.into_iter().find(|k| k.as_str() == kind);
        let v = k.ok_or(format!("unknown audit kind `{kind}`")).map(|k| {
            let trig = e
                .trigger
                .as_deref()
                .and_then(|t| ["work_start", "setting_change", "agent_available"].into_iter().find(|x| *x == t));
            probe.audit.get(&(k, trig)).copied().unwrap_or(0)
        });
        let subject = match &e.trigger {
            Some(t) => format!("audit entries {kind} ({t})"),
            None => format!("audit entries {kind}"),
        };
        return out(subject, v.map(|v| compare(e, Some(v as f64))));
    }
    out("nothing".into(), Err("the expectation names no subject".into()))
}
