//! The report observer: the queue time series and the per-account figures, as integrals over
//! virtual time. Memory grows with the number of accounts and the heat-map buckets (at most
//! [`MAX_HEAT_BUCKETS`] per account), never with the number of rooms or events; the queue series
//! goes to disk in batches as it is sampled.

use std::path::Path;

use polars::prelude::*;

use crate::scenario::model::CsvPolicy;

use super::ReportError;
use super::charts::QueueSeries;
use super::data::MAX_QUEUE_POINTS;
use super::table::TableThread;
use crate::engine::time::format_time;
use crate::engine::{AccountId, Effect, Engine, Event, Owner, Rejection, RoomState, Time, Timer, WaitCode};
use crate::sim::Observer;
use crate::stats::OPEN_STATES;

/// Column names of the four open states in the queue table (OPEN_STATES order).
pub const STATE_COLUMNS: [&str; 4] = ["chatbot", "waiting", "received", "in_progress"];

/// The most time buckets of the agent-load heat map.
pub const MAX_HEAT_BUCKETS: usize = 200;

/// Heat-map bucket lengths tried in order; the first giving at most [`MAX_HEAT_BUCKETS`] wins.
const HEAT_BUCKETS: [i64; 10] = [300, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 604800];

/// Rows of the queue table buffered before a batch goes to disk.
const QUEUE_BATCH: usize = 8192;

/// The queue-table column of Waiting rooms with one wait code.
pub fn wait_code_column(code: WaitCode) -> String {
    format!("waiting_{}", code.as_str().to_lowercase().replace('-', ""))
}

/// One account's figures over the measured window.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AgentFigures {
    /// Account index.
    pub account: u32,
    /// Largest load in the window.
    pub max_load: u32,
    /// Rooms assigned to the account in the window (any path).
    pub rooms_received: u64,
    /// Rooms transferred to the account in the window.
    pub transfers_in: u64,
    /// ∫ load dt.
    pub load_secs: i64,
    /// ∫ load dt while logged in.
    pub load_logged_in_secs: i64,
    /// ∫ limit dt while logged in.
    pub capacity_logged_in_secs: i64,
    /// Time logged in.
    pub logged_in_secs: i64,
    /// Time on break.
    pub on_break_secs: i64,
    /// Time at a meal: an individual meal, or logged in inside the collective meal window.
    pub at_meal_secs: i64,
    /// ∫ load dt per heat-map bucket (empty when the load was always zero).
    pub heat: Vec<i64>,
}

/// Presence and load of one account, as the report integrates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Presence {
    load: u32,
    logged_in: bool,
    on_break: bool,
    at_meal: bool,
    cap: u32,
}

impl Presence {
    fn of(engine: &Engine, a: usize, in_meal: bool) -> Presence {
        let acc = &engine.accounts()[a];
        Presence {
            load: acc.load,
            logged_in: acc.logged_in,
            on_break: acc.on_break,
            at_meal: acc.at_meal || (acc.logged_in && in_meal),
            cap: engine.max_per_agent(AccountId(a as u32)),
        }
    }
}

#[derive(Debug, Clone, Default)]
struct Track {
    since: Time,
    now: Presence,
    fig: AgentFigures,
}

/// The queue table's column buffers. The frame (and the `time` text of each step) is built by
/// the writer thread, off the simulation's.
#[derive(Debug, Default)]
pub struct QueueBuf {
    t: Vec<i64>,
    working: Vec<bool>,
    states: [Vec<i64>; 4],
    means: [Vec<f64>; 4],
    by_code: [Vec<i64>; 12],
}

impl QueueBuf {
    fn len(&self) -> usize {
        self.t.len()
    }

    fn into_frame(self) -> PolarsResult<DataFrame> {
        let b = self;
        let time: Vec<String> = b.t.iter().map(|&t| format_time(t)).collect();
        let mut cols = vec![
            Column::new("time".into(), time),
            Column::new("t".into(), b.t),
            Column::new("working".into(), b.working),
        ];
        for (name, v) in STATE_COLUMNS.iter().zip(b.states) {
            cols.push(Column::new((*name).into(), v));
        }
        for (name, v) in STATE_COLUMNS.iter().zip(b.means) {
            cols.push(Column::new(format!("{name}_mean").into(), v));
        }
        for (code, v) in WaitCode::ALL.iter().zip(b.by_code) {
            cols.push(Column::new(wait_code_column(*code).into(), v));
        }
        DataFrame::new_infer_height(cols)
    }
}

/// The queue chart's points, gathered as the steps close: the same points
/// [`super::data::queue_series`] reads back from `queue.parquet` (groups of `k` steps averaged so
/// that at most [`MAX_QUEUE_POINTS`] remain, and the working spans), without holding the series:
/// a one-year run at one-minute steps has half a million rows.
#[derive(Debug, Clone, Default)]
pub struct QueueChart {
    /// Steps the window holds; the grouping needs it up front.
    steps: usize,
    /// Steps per point.
    k: usize,
    rows: usize,
    /// The open group's step means per chart layer.
    group: [Vec<f64>; 4],
    working_since: Option<Time>,
    out: QueueSeries,
}

impl QueueChart {
    /// A chart of the window `[from, end)` in steps of `step` seconds.
    pub fn new(from: Time, end: Time, step: i64) -> QueueChart {
        let step = step.max(1);
        let steps = if end > from { ((end - from) + step - 1) / step } else { 0 } as usize;
        let k = steps.div_ceil(MAX_QUEUE_POINTS).max(1);
        let out = QueueSeries { from, end, width: step * k as i64, ..Default::default() };
        QueueChart { steps, k, out, ..Default::default() }
    }

    /// One step: its start, whether it starts in working time, and its mean rooms per chart
    /// layer (waiting, received, in progress, chatbot).
    pub fn push(&mut self, t: Time, working: bool, layers: [f64; 4]) {
        if self.rows.is_multiple_of(self.k) {
            self.out.t.push(t);
        }
        for (g, v) in self.group.iter_mut().zip(layers) {
            g.push(v);
        }
        self.rows += 1;
        if self.rows.is_multiple_of(self.k) {
            self.close_group();
        }
        match (working, self.working_since) {
            (true, None) => self.working_since = Some(t),
            (false, Some(a)) => {
                self.out.working.push((a, t));
                self.working_since = None;
            }
            _ => {}
        }
    }

    fn close_group(&mut self) {
        for (g, layer) in self.group.iter_mut().zip(&mut self.out.layers) {
            if !g.is_empty() {
                // Summed in step order, as the reference sums a slice.
                layer.push(g.iter().sum::<f64>() / g.len() as f64);
                g.clear();
            }
        }
    }

    /// The points, or None when the steps pushed are not the window's (the caller then reads
    /// the queue table back).
    pub fn finish(mut self) -> Option<QueueSeries> {
        self.close_group();
        if let Some(a) = self.working_since.take() {
            self.out.working.push((a, self.out.end));
        }
        (self.rows == self.steps).then_some(self.out)
    }
}

/// Samples the queue at step boundaries and integrates each account's load and presence.
#[derive(Debug)]
pub struct ReportObserver {
    from: Time,
    end: Time,
    step: i64,
    // Queue: counts now, and the step being integrated.
    states: [i64; 4],
    by_code: [i64; 12],
    step_start: Time,
    step_snapshot: Option<([i64; 4], [i64; 12])>,
    step_integral: [i64; 4],
    last_t: Time,
    buf: QueueBuf,
    queue: TableThread<QueueBuf>,
    chart: QueueChart,
    // Accounts.
    tracks: Vec<Track>,
    touched: Vec<u32>,
    /// Heat-map bucket length, seconds.
    pub bucket: i64,
    n_buckets: usize,
}

/// What the observer produced.
#[derive(Debug, Clone, PartialEq)]
pub struct ObserverOutput {
    /// Rows written to the queue table.
    pub queue_rows: u64,
    /// Per-account figures, in account order.
    pub agents: Vec<AgentFigures>,
    /// Heat-map bucket length, seconds.
    pub bucket: i64,
    /// Start of the measured window.
    pub from: Time,
    /// End of the run.
    pub end: Time,
    /// The queue chart's points (None if the steps did not cover the window).
    pub queue_chart: Option<QueueSeries>,
}

impl ReportObserver {
    /// An observer of the window `[from, end)` that writes the queue table into `dir`.
    pub fn new(dir: &Path, from: Time, end: Time, step: i64, csv: CsvPolicy) -> Result<ReportObserver, ReportError> {
        let window = (end - from).max(0);
        let bucket = HEAT_BUCKETS
            .iter()
            .copied()
            .find(|b| (window + b - 1) / b <= MAX_HEAT_BUCKETS as i64)
            .unwrap_or(HEAT_BUCKETS[HEAT_BUCKETS.len() - 1]);
        Ok(ReportObserver {
            from,
            end,
            step: step.max(1),
            states: [0; 4],
            by_code: [0; 12],
            step_start: from,
            step_snapshot: None,
            step_integral: [0; 4],
            last_t: from,
            buf: QueueBuf::default(),
            queue: TableThread::spawn(dir, "queue", csv, QueueBuf::into_frame)?,
            chart: QueueChart::new(from, end, step),
            tracks: Vec::new(),
            touched: Vec::new(),
            bucket,
            n_buckets: ((window + bucket - 1) / bucket) as usize,
        })
    }

    // ----- queue -----

    /// Integrates the queue counts up to `to` (inside the window) and closes every step that
    /// ends before `to` (or at it, when `inclusive`: at the horizon no event can follow).
    fn advance_queue(&mut self, to: Time, inclusive: bool, engine: &Engine) {
        if to <= self.from && !inclusive {
            return;
        }
        if self.step_snapshot.is_none() {
            // The first instant after `from`: the counts include every event at or before it.
            self.step_snapshot = Some((self.states, self.by_code));
            self.last_t = self.from;
            for t in &mut self.tracks {
                if t.now.load > t.fig.max_load {
                    t.fig.max_load = t.now.load;
                }
            }
        }
        while self.step_start < self.end {
            let step_end = (self.step_start + self.step).min(self.end);
            if step_end > to || (step_end == to && !inclusive) {
                break;
            }
            self.integrate_queue(step_end);
            self.close_step(step_end, engine);
        }
        self.integrate_queue(to.min(self.end));
    }

    fn integrate_queue(&mut self, to: Time) {
        if to > self.last_t {
            let dt = to - self.last_t;
            for (acc, v) in self.step_integral.iter_mut().zip(self.states) {
                *acc += v * dt;
            }
            self.last_t = to;
        }
    }

    fn close_step(&mut self, step_end: Time, engine: &Engine) {
        let (snap, codes) = self.step_snapshot.unwrap_or((self.states, self.by_code));
        let len = (step_end - self.step_start) as f64;
        let b = &mut self.buf;
        b.t.push(self.step_start);
        let working = engine.calendar().is_working(self.step_start);
        b.working.push(working);
        let mut means = [0.0; 4];
        for (i, (count, integral)) in snap.iter().zip(self.step_integral).enumerate() {
            means[i] = integral as f64 / len;
            b.states[i].push(*count);
            b.means[i].push(means[i]);
        }
        // Chart layers bottom first: waiting, received, in progress, chatbot (STATE_COLUMNS
        // order is chatbot, waiting, received, in progress).
        self.chart.push(self.step_start, working, [means[1], means[2], means[3], means[0]]);
        for (v, c) in b.by_code.iter_mut().zip(codes) {
            v.push(c);
        }
        self.step_integral = [0; 4];
        self.step_start = step_end;
        // No event lies between the step end and now: the counts now are those at the step end.
        self.step_snapshot = Some((self.states, self.by_code));
        if self.buf.len() >= QUEUE_BATCH {
            self.flush_queue();
        }
    }

    fn flush_queue(&mut self) {
        self.queue.send(std::mem::take(&mut self.buf));
    }

    // ----- accounts -----

    fn integrate_account(&mut self, a: usize, to: Time) {
        let (from, end, bucket, n_buckets) = (self.from, self.end, self.bucket, self.n_buckets);
        let t = &mut self.tracks[a];
        let lo = t.since.max(from);
        let hi = to.min(end);
        t.since = to;
        if hi <= lo {
            return;
        }
        let dt = hi - lo;
        let p = t.now;
        let f = &mut t.fig;
        let load = i64::from(p.load);
        f.load_secs += load * dt;
        if p.logged_in {
            f.logged_in_secs += dt;
            f.load_logged_in_secs += load * dt;
            f.capacity_logged_in_secs += i64::from(p.cap) * dt;
        }
        if p.on_break {
            f.on_break_secs += dt;
        }
        if p.at_meal {
            f.at_meal_secs += dt;
        }
        if load > 0 {
            if f.heat.is_empty() {
                f.heat = vec![0; n_buckets];
            }
            let mut s = lo;
            while s < hi {
                let k = ((s - from) / bucket) as usize;
                let until = (from + (k as i64 + 1) * bucket).min(hi);
                if let Some(h) = f.heat.get_mut(k) {
                    *h += load * (until - s);
                }
                s = until;
            }
        }
    }

    fn refresh_account(&mut self, a: usize, at: Time, engine: &Engine, in_meal: bool) {
        let p = Presence::of(engine, a, in_meal);
        if p != self.tracks[a].now {
            self.integrate_account(a, at);
            let t = &mut self.tracks[a];
            t.now = p;
            if at >= self.from && p.load > t.fig.max_load {
                t.fig.max_load = p.load;
            }
        }
    }

    fn ensure_tracks(&mut self, at: Time, engine: &Engine) {
        let n = engine.accounts().len();
        while self.tracks.len() < n {
            let a = self.tracks.len();
            self.tracks.push(Track {
                since: at,
                now: Presence::default(),
                fig: AgentFigures { account: a as u32, ..Default::default() },
            });
        }
    }

    /// The accounts an event can have changed; `true` means "any of them" (calendar edges,
    /// settings and account changes, which may move every account's meal flag or limit).
    fn touched_accounts(&mut self, at: Time, event: &Event, effects: &[Effect]) -> bool {
        self.touched.clear();
        match event {
            Event::AgentLogin { account }
            | Event::AgentLogout { account }
            | Event::BreakStart { account }
            | Event::BreakEnd { account }
            | Event::MealStart { account }
            | Event::MealEnd { account }
            | Event::AgentPick { account, .. } => self.touched.push(account.0),
            Event::SettingsChanged(_)
            | Event::AccountChange { .. }
            | Event::DayStatusSet { .. }
            | Event::HolidaySet { .. } => return true,
            Event::Timer(Timer::Room(..) | Timer::Batch) => {}
            Event::Timer(_) => return true,
            _ => {}
        }
        for e in effects {
            match *e {
                Effect::Assigned { account, .. } => {
                    self.touched.push(account.0);
                    if at >= self.from
                        && let Some(t) = self.tracks.get_mut(account.idx())
                    {
                        t.fig.rooms_received += 1;
                    }
                }
                Effect::Transferred { from, to, .. } => {
                    self.touched.push(from.0);
                    self.touched.push(to.0);
                    if at >= self.from
                        && let Some(t) = self.tracks.get_mut(to.idx())
                    {
                        t.fig.transfers_in += 1;
                    }
                }
                Effect::Closed { owner: Owner::Account(a), .. } => self.touched.push(a.0),
                _ => {}
            }
        }
        false
    }

    /// Ends the run: closes the last steps, integrates every account to the horizon and
    /// finishes the queue files.
    pub fn into_output(mut self) -> Result<ObserverOutput, ReportError> {
        let queue_rows = self.queue.finish(std::mem::take(&mut self.buf))?;
        Ok(ObserverOutput {
            queue_rows,
            agents: self.tracks.into_iter().map(|t| t.fig).collect(),
            bucket: self.bucket,
            from: self.from,
            end: self.end,
            queue_chart: self.chart.finish(),
        })
    }
}

impl Observer for ReportObserver {
    fn start(&mut self, at: Time, engine: &Engine) {
        self.ensure_tracks(at, engine);
        let in_meal = engine.calendar().in_meal(at);
        for a in 0..self.tracks.len() {
            self.refresh_account(a, at, engine, in_meal);
        }
        self.sync_counts(engine);
    }

    fn observe(
        &mut self,
        at: Time,
        event: &Event,
        _outcome: &Result<(), Rejection>,
        effects: &[Effect],
        engine: &Engine,
    ) {
        self.advance_queue(at, false, engine);
        // Waiting rooms per code, as the statistics count them (W: the code of the last entry).
        for e in effects {
            match *e {
                Effect::StateChanged { room, from: Some(RoomState::Waiting), .. } => {
                    if let Some(code) = engine.room(room).and_then(|r| r.wait_code) {
                        self.by_code[code.index()] -= 1;
                    }
                }
                Effect::WaitEntered { code, .. } => self.by_code[code.index()] += 1,
                _ => {}
            }
        }
        self.sync_counts(engine);
        self.ensure_tracks(at, engine);
        let all = self.touched_accounts(at, event, effects);
        let in_meal = engine.calendar().in_meal(at);
        if all {
            for a in 0..self.tracks.len() {
                self.refresh_account(a, at, engine, in_meal);
            }
        } else {
            let touched = std::mem::take(&mut self.touched);
            for &a in &touched {
                self.refresh_account(a as usize, at, engine, in_meal);
            }
            self.touched = touched;
            // Every change of load or presence comes with the event or an effect naming the
            // account; check that claim in debug builds.
            #[cfg(debug_assertions)]
            for a in 0..self.tracks.len() {
                debug_assert_eq!(
                    Presence::of(engine, a, in_meal),
                    self.tracks[a].now,
                    "report observer missed a change of account {a} at {at} ({})",
                    event.name()
                );
            }
        }
    }

    fn finish(&mut self, end: Time, engine: &Engine) {
        self.advance_queue(end, true, engine);
        if !self.buf.t.is_empty() {
            self.flush_queue();
        }
        for a in 0..self.tracks.len() {
            self.integrate_account(a, end);
        }
    }
}

impl ReportObserver {
    fn sync_counts(&mut self, engine: &Engine) {
        let per = &engine.totals().per_state;
        for (i, s) in OPEN_STATES.iter().enumerate() {
            self.states[i] = per[s.index()] as i64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::data::queue_series;
    use crate::report::table::write_frame;

    /// Steps of a window, with working flags in runs and means that do not sum exactly in
    /// floating point, written as the queue table's chart columns.
    fn steps(from: Time, end: Time, step: i64) -> (Vec<i64>, Vec<bool>, [Vec<f64>; 4]) {
        let mut t = Vec::new();
        let mut s = from;
        while s < end {
            t.push(s);
            s += step;
        }
        let working = t.iter().map(|x| (x / 3_600) % 24 >= 9 && (x / 3_600) % 24 < 18).collect();
        let layers = std::array::from_fn(|l| t.iter().map(|x| ((x / step) % 97) as f64 / (3.0 + l as f64)).collect());
        (t, working, layers)
    }

    fn check(name: &str, from: Time, end: Time, step: i64) {
        let dir = std::env::temp_dir().join(format!("consult-sim-queue-chart-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (t, working, layers) = steps(from, end, step);
        let mut chart = QueueChart::new(from, end, step);
        for i in 0..t.len() {
            chart.push(t[i], working[i], std::array::from_fn(|l| layers[l][i]));
        }
        let mut cols = vec![Column::new("t".into(), t.clone()), Column::new("working".into(), working)];
        for (name, v) in ["waiting", "received", "in_progress", "chatbot"].iter().zip(layers) {
            cols.push(Column::new(format!("{name}_mean").into(), v));
        }
        let mut df = DataFrame::new_infer_height(cols).unwrap();
        write_frame(&dir, "queue", &mut df, CsvPolicy::Always).unwrap();
        let expected = queue_series(&dir.join("queue.parquet"), from, end, step).unwrap();
        assert_eq!(chart.finish(), Some(expected), "{name}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn queue_chart_points_equal_the_series_read_back_from_the_queue_table() {
        // Fewer steps than points; a partial last step and a partial last group; many groups.
        check("short", 0, 6 * 3_600, 60);
        check("partial", 1_000, 3 * 86_400 + 17, 60);
        check("long", 0, 40 * 86_400, 60);
        // Ending in working time: the last span runs to the end of the window.
        check("working-end", 0, 10 * 3_600 + 30, 600);
    }

    #[test]
    fn queue_chart_of_steps_that_miss_the_window_gives_none() {
        let mut chart = QueueChart::new(0, 600, 60);
        chart.push(0, true, [1.0; 4]);
        assert_eq!(chart.finish(), None);
        assert_eq!(QueueChart::new(10, 10, 60).finish().map(|q| q.t.len()), Some(0));
    }
}
