//! Record and replay of exogenous event traces (docs/REPLAY.md).
//!
//! - [`record::Recorder`]: an [`Observer`](crate::sim::Observer) that writes every exogenous event
//!   a run handles, in processing order, rejected ones included (`run --record FILE`);
//! - [`Replay`]: a [`Workload`] that feeds a trace back to the engine (`run --replay FILE` or
//!   `workload: { replay: FILE }`), either whole (`side: all`, strict: the engine must take every
//!   row as it was recorded) or only its customer side, with the agent side drawn from the
//!   scenario's workload model (`side: customers`);
//! - [`read::TraceReader`]: batched reading with polars (CSV or Parquet), checked row by row;
//! - [`transform`]: scale, shift and filters, seeded and deterministic.
//!
//! Why a replay of a recording reproduces the run byte for byte: the engine is a pure function
//! of its input stream, the statistics observe only the engine, and the replay feeds the
//! identical stream in the identical order. The rows of one instant are put into the queue
//! together once the previous ones have been handled, so the queue orders them as SIM4 says
//! (phases, then file order = workload sequence order in phase 3) and they interleave with the
//! engine's timers exactly as in the recording (timer keys do not depend on when they were
//! pushed). A row the generator scheduled *while* a later-phase item of its instant ran (a
//! reaction at the same second) carries `after_timers`: it is pushed alone, after that many
//! engine timers, as it was handled in the recording.

pub mod codec;
pub mod read;
pub mod record;
pub mod schema;
pub mod spec;
pub mod transform;

use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasherDefault;
use std::path::Path;

use crate::engine::{Effect, Engine, Event, FxHasher, Rejection, RoomId, Time};
use crate::sim::workload::{Generator, resolve_owner};
use crate::sim::{EventQueue, Workload};
pub use schema::{TraceError, TraceRow};
pub use spec::{ReplayOptions, ReplaySpec, Side};

/// Tag of replayed rows (always admitted by the replay's own checks).
pub const TAG_REPLAY: u32 = u32::MAX - 2;

/// At most this many rows of one instant are in the queue at once (memory stays bounded even
/// for a trace whose rows all share one time).
const GROUP_CAP: usize = 65_536;

/// The two trace formats, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.csv`
    Csv,
    /// `.parquet` (or `.pq`)
    Parquet,
}

impl Format {
    /// The format a file name asks for.
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "parquet" | "pq" => Some(Format::Parquet),
            _ => None,
        }
    }
}

/// Where replayed rows come from (the reader, possibly behind transforms).
pub trait RowSource: Send {
    /// The next row in replay order, or None at the end.
    fn next_row(&mut self) -> Result<Option<TraceRow>, TraceError>;
}

impl RowSource for read::TraceReader {
    fn next_row(&mut self) -> Result<Option<TraceRow>, TraceError> {
        read::TraceReader::next_row(self)
    }
}

/// A set of room numbers, one bit each, in blocks of 4,096: directly indexed for numbers below
/// 2³² (recorded rooms are numbered densely from 1), hashed above (copies, hand-picked numbers).
#[derive(Debug, Default, Clone)]
pub struct RoomBits {
    dense: Vec<Option<Box<[u64; 64]>>>,
    sparse: HashMap<u64, Box<[u64; 64]>, BuildHasherDefault<FxHasher>>,
}

const DENSE_BLOCKS: u64 = 1 << 20;

impl RoomBits {
    #[inline]
    fn block(&self, key: u64) -> Option<&[u64; 64]> {
        if key < DENSE_BLOCKS {
            self.dense.get(key as usize).and_then(|b| b.as_deref())
        } else {
            self.sparse.get(&key).map(|b| &**b)
        }
    }

    /// Adds a room; returns whether it was new.
    #[inline]
    pub fn insert(&mut self, r: RoomId) -> bool {
        let key = r.0 >> 12;
        let b = if key < DENSE_BLOCKS {
            let k = key as usize;
            if self.dense.len() <= k {
                self.dense.resize_with(k + 1, || None);
            }
            self.dense[k].get_or_insert_with(|| Box::new([0; 64]))
        } else {
            self.sparse.entry(key).or_insert_with(|| Box::new([0; 64]))
        };
        let (w, bit) = (((r.0 >> 6) & 63) as usize, 1u64 << (r.0 & 63));
        let new = b[w] & bit == 0;
        b[w] |= bit;
        new
    }

    /// Whether a room is in the set.
    #[inline]
    pub fn contains(&self, r: RoomId) -> bool {
        self.block(r.0 >> 12).is_some_and(|b| b[((r.0 >> 6) & 63) as usize] & (1 << (r.0 & 63)) != 0)
    }
}

/// The row whose event waits in the queue.
struct Current {
    row: u64,
    rejected: Option<Box<str>>,
    settings_patch: Option<Box<serde_yaml::Value>>,
}

/// What a replay did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplayCounts {
    /// Rows handed to the engine.
    pub fed: u64,
    /// Rows not fed: agent-side rows in a `customers` replay, rows for rooms the agent side had
    /// already closed, rows outside the run.
    pub skipped: u64,
}

/// The replay workload.
pub struct Replay {
    source: Option<Box<dyn RowSource>>,
    file: String,
    side: Side,
    strict: bool,
    /// Whether `after_timers` positions apply (an untransformed `all` replay).
    exact_positions: bool,
    start: Time,
    end: Time,
    generator: Option<Generator>,
    /// Rows in the queue, in the order the queue hands them over.
    queued: VecDeque<Current>,
    /// A row read past the group being scheduled.
    lookahead: Option<TraceRow>,
    /// The group being scheduled (kept for its allocation).
    group: Vec<TraceRow>,
    held: Option<(TraceRow, u32)>,
    /// Rooms the engine created.
    created: RoomBits,
    /// Rooms a room_created row announced (created or not).
    announced: RoomBits,
    error: Option<TraceError>,
    counts: ReplayCounts,
}

impl Replay {
    /// A replay of `source` between `start` and `end`. `generator` (with its hook for replayed
    /// customers switched on) drives the agent side in a `customers` replay.
    pub fn new(
        source: Box<dyn RowSource>,
        file: String,
        side: Side,
        transformed: bool,
        start: Time,
        end: Time,
        mut generator: Option<Generator>,
    ) -> Replay {
        if side == Side::Customers
            && let Some(g) = generator.as_mut()
        {
            g.serve_replayed_customers();
        }
        Replay {
            source: Some(source),
            file,
            side,
            strict: side == Side::All && !transformed,
            exact_positions: side == Side::All && !transformed,
            start,
            end,
            generator: if side == Side::Customers { generator } else { None },
            queued: VecDeque::new(),
            lookahead: None,
            group: Vec::new(),
            held: None,
            created: RoomBits::default(),
            announced: RoomBits::default(),
            error: None,
            counts: ReplayCounts::default(),
        }
    }

    /// The first bad row, if any, else what the replay did. Call after the run.
    pub fn finish(mut self) -> Result<ReplayCounts, TraceError> {
        self.source = None;
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(self.counts),
        }
    }

    fn fail(&mut self, e: TraceError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
        // Dropping the source stops the reader threads.
        self.source = None;
        self.held = None;
    }

    /// The next row to replay, or None (end of the trace, end of the run, or an error): skips
    /// agent-side rows in a customers replay and, when not strict, rows before the start.
    fn next_applicable(&mut self) -> Option<TraceRow> {
        if let Some(r) = self.lookahead.take() {
            return Some(r);
        }
        loop {
            let src = self.source.as_mut()?;
            let row = match src.next_row() {
                Ok(Some(r)) => r,
                Ok(None) => {
                    self.source = None;
                    return None;
                }
                Err(e) => {
                    self.fail(e);
                    return None;
                }
            };
            if self.side == Side::Customers && !schema::is_customer_side(&row.event) {
                self.counts.skipped += 1;
                continue;
            }
            if row.at < self.start {
                if self.strict {
                    self.fail(TraceError::cell(
                        &self.file,
                        row.row,
                        "at",
                        format!(
                            "{} is before the scenario start {}: expected times within the run",
                            crate::engine::time::format_time(row.at),
                            crate::engine::time::format_time(self.start)
                        ),
                    ));
                    return None;
                }
                self.counts.skipped += 1;
                continue;
            }
            if row.at >= self.end {
                // The run ends before this row: stop reading.
                self.source = None;
                return None;
            }
            return Some(row);
        }
    }

    /// A row the recorder saw handled late (a same-instant reaction): it goes alone, after its
    /// timers.
    fn late(&self, row: &TraceRow) -> bool {
        self.exact_positions && row.after_timers.is_some()
    }

    /// Schedules the next group: a row and the rows of its instant after it, all in the queue at
    /// once so that SIM4 orders them (phases, then file order); or a late row alone, held until
    /// its timers ran. Called when every queued row has been handled.
    fn advance(&mut self, q: &mut EventQueue) {
        if self.error.is_some() {
            return;
        }
        let Some(head) = self.next_applicable() else { return };
        if self.late(&head) {
            match head.after_timers {
                Some(n) if n > 0 => self.held = Some((head, n)),
                _ => self.push_one(head, q),
            }
            return;
        }
        let t = head.at;
        // Most instants hold one row: no group is built for them.
        let second = match self.next_applicable() {
            Some(r) if r.at == t && !self.late(&r) => r,
            other => {
                self.lookahead = other;
                return self.push_one(head, q);
            }
        };
        let mut group = std::mem::take(&mut self.group);
        group.push(head);
        group.push(second);
        while group.len() < GROUP_CAP {
            let Some(r) = self.next_applicable() else { break };
            if r.at == t && !self.late(&r) {
                group.push(r);
            } else {
                self.lookahead = Some(r);
                break;
            }
        }
        self.push_group(group, q);
    }

    #[inline]
    fn push_one(&mut self, row: TraceRow, q: &mut EventQueue) {
        self.queued.push_back(Current { row: row.row, rejected: row.rejected, settings_patch: row.settings_patch });
        q.push_event(row.at, row.event, TAG_REPLAY);
    }

    fn push_group(&mut self, mut group: Vec<TraceRow>, q: &mut EventQueue) {
        // The queue hands rows of one instant over by phase, then in push order (file order):
        // `queued` lists them in that order.
        let mut phases = 0u8;
        for r in &group {
            phases |= 1 << r.event.phase();
        }
        let single_phase = phases.count_ones() == 1;
        let start = self.queued.len();
        let mut pass = Vec::new();
        for row in group.drain(..) {
            let phase = row.event.phase();
            let meta = Current { row: row.row, rejected: row.rejected, settings_patch: row.settings_patch };
            if single_phase {
                self.queued.push_back(meta);
            } else {
                pass.push((phase, meta));
            }
            q.push_event(row.at, row.event, TAG_REPLAY);
        }
        if !single_phase {
            // Stable by phase.
            pass.sort_by_key(|(p, _)| *p);
            self.queued.extend(pass.into_iter().map(|(_, m)| m));
        }
        debug_assert!(self.queued.len() >= start);
        self.group = group;
    }

    /// Checks that the rooms a row names exist; returns whether to feed it.
    fn check_rooms(&mut self, event: &Event, engine: &Engine) -> bool {
        let Some(cur) = self.queued.front() else { return true };
        let row = cur.row;
        let recorded_rejection = cur.rejected.is_some();
        if let Event::RoomCreated { room, .. } = event {
            if !self.announced.insert(*room) && !recorded_rejection {
                self.fail(TraceError::cell(
                    &self.file,
                    row,
                    "room",
                    format!("room {} was already created earlier in the trace: expected a new room number", room.0),
                ));
                return false;
            }
            return true;
        }
        let one = event.room();
        let rooms: &[RoomId] = match event {
            Event::AgentPick { rooms, .. } | Event::CategoryChange { rooms, .. } => rooms,
            _ => one.as_slice(),
        };
        let column =
            if matches!(event, Event::AgentPick { .. } | Event::CategoryChange { .. }) { "rooms" } else { "room" };
        let may_be_closed =
            matches!(event, Event::ManagerBlock { .. } | Event::CategoryChange { .. } | Event::AgentPick { .. });
        for &r in rooms {
            // The usual case first: an open room of the engine (it was announced).
            if engine.room(r).is_some_and(|x| !x.state.is_terminal()) {
                continue;
            }
            if !self.announced.contains(r) {
                if recorded_rejection {
                    continue;
                }
                self.fail(TraceError::cell(
                    &self.file,
                    row,
                    column,
                    format!("room {} does not exist yet: expected a room created by an earlier room_created row", r.0),
                ));
                return false;
            }
            if may_be_closed || recorded_rejection {
                continue;
            }
            if self.side == Side::Customers || !self.strict {
                // The agent side (or a transform) closed it first: the customer's later actions
                // no longer apply.
                self.counts.skipped += 1;
                return false;
            }
            let how = match engine.room(r) {
                Some(x) => format!(" ({})", x.state.as_str()),
                None if self.created.contains(r) => String::new(),
                None => " (its room_created was rejected)".to_string(),
            };
            self.fail(TraceError::cell(
                &self.file,
                row,
                column,
                format!("room {} is already closed{how}: expected an event for an open room", r.0),
            ));
            return false;
        }
        true
    }

    fn check_outcome(&mut self, event: &Event, outcome: &Result<(), Rejection>, effects: &[Effect]) {
        let Some(cur) = self.queued.pop_front() else { return };
        self.counts.fed += 1;
        if !self.strict {
            return;
        }
        match (outcome, &cur.rejected) {
            (Ok(()), None) => {}
            (Err(r), Some(rule)) if r.rule == &**rule => {}
            // S2: a blocked customer's attempt is rejected as a normal outcome (OPEN-91).
            (Err(r), None) if r.rule == "S2" && effects.iter().any(|e| matches!(e, Effect::BlockedAttempt { .. })) => {}
            (Err(r), _) => self.fail(TraceError::cell(
                &self.file,
                cur.row,
                "event",
                format!(
                    "the engine rejected this {} ({r}){}; a replayed trace must be valid for the scenario",
                    event.name(),
                    match &cur.rejected {
                        Some(rule) => format!(", not as the trace recorded ({rule})"),
                        None => String::new(),
                    }
                ),
            )),
            (Ok(()), Some(rule)) => self.fail(TraceError::cell(
                &self.file,
                cur.row,
                "rejected",
                format!(
                    "the trace says the engine rejected this {} ({rule}) but it was accepted: the trace does not fit this scenario",
                    event.name()
                ),
            )),
        }
    }
}

impl Workload for Replay {
    fn init(&mut self, engine: &Engine, q: &mut EventQueue) {
        if let Some(g) = self.generator.as_mut() {
            g.init(engine, q);
        }
        self.advance(q);
    }

    fn admit(&mut self, at: Time, event: &Event, tag: u32, engine: &Engine) -> bool {
        if tag != TAG_REPLAY {
            // In a customers replay the customer side is the trace's: the model's own customer
            // actions (chatbot outcomes, patience, messages, scripted customer events) are dropped.
            if schema::is_customer_side(event) {
                return false;
            }
            return match self.generator.as_mut() {
                Some(g) => g.admit(at, event, tag, engine),
                None => true,
            };
        }
        if self.error.is_some() {
            return false;
        }
        self.check_rooms(event, engine)
    }

    fn resolve(&mut self, event: Event, engine: &Engine) -> Event {
        if let Some(g) = self.generator.as_mut() {
            return g.resolve(event, engine);
        }
        let patch = self.queued.front_mut().and_then(|c| c.settings_patch.take());
        if let Some(p) = patch {
            match crate::sim::workload::merge_settings(engine.settings(), &p) {
                Ok(s) => return Event::SettingsChanged(Box::new(s)),
                Err(m) => {
                    let row = self.queued.front().map(|c| c.row).unwrap_or(0);
                    self.fail(TraceError::cell(&self.file, row, "patch", m));
                }
            }
        }
        resolve_owner(&event, engine).unwrap_or(event)
    }

    fn delivered(
        &mut self,
        at: Time,
        event: &Event,
        tag: u32,
        outcome: &Result<(), Rejection>,
        effects: &[Effect],
        engine: &Engine,
        q: &mut EventQueue,
    ) {
        if matches!(event, Event::RoomCreated { .. }) {
            for e in effects {
                if let Effect::StateChanged { room, from: None, .. } = e {
                    self.created.insert(*room);
                }
            }
        }
        if tag == TAG_REPLAY {
            self.check_outcome(event, outcome, effects);
            if self.queued.is_empty() {
                self.advance(q);
            }
        } else if matches!(event, Event::Timer(_))
            && let Some((_, left)) = self.held.as_mut()
        {
            *left = left.saturating_sub(1);
            // Pushed after its timers, or when the queue has moved past its time (a trace whose
            // positions do not fit: it still runs in time order).
            let due = *left == 0 || q.peek_time().is_none_or(|t| self.held.as_ref().is_some_and(|(r, _)| t > r.at));
            if due && let Some((row, _)) = self.held.take() {
                self.push_one(row, q);
            }
        }
        if let Some(g) = self.generator.as_mut() {
            g.delivered(at, event, tag, outcome, effects, engine, q);
        }
    }

    fn wake(&mut self, at: Time, token: u64, engine: &Engine, q: &mut EventQueue) {
        if let Some(g) = self.generator.as_mut() {
            g.wake(at, token, engine, q);
        }
    }

    fn dropped(&mut self, _at: Time, _event: &Event, tag: u32, _engine: &Engine, q: &mut EventQueue) {
        // A row not fed (its room closed first): on to the next one.
        if tag == TAG_REPLAY {
            self.queued.pop_front();
            if self.queued.is_empty() {
                self.advance(q);
            }
        }
    }
}

/// Builds the replay workload a scenario asks for.
///
/// `generator` is the scenario's workload model; a `customers` replay keeps it for the agent side.
pub fn workload(
    sc: &crate::scenario::Scenario,
    engine: &Engine,
    opts: &ReplayOptions,
    generator: Generator,
    seed: u64,
) -> Result<Replay, ReplayBuildError> {
    let path = opts.path(&sc.path);
    let names = codec::Names::of(engine, sc.start());
    let shown = opts.shown_as.clone().unwrap_or_else(|| path.display().to_string());
    let reader = read::TraceReader::open(&path, &shown, names.clone()).map_err(ReplayBuildError::Trace)?;
    let file = reader.file.clone();
    let source: Box<dyn RowSource> = if opts.transforms() {
        Box::new(transform::Transform::new(Box::new(reader), opts, &names, seed).map_err(ReplayBuildError::Options)?)
    } else {
        Box::new(reader)
    };
    let generator = match opts.side {
        Side::Customers => Some(generator),
        Side::All => None,
    };
    Ok(Replay::new(source, file, opts.side, opts.transforms(), sc.start(), sc.end(), generator))
}

/// Why a replay could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayBuildError {
    /// The trace file or its header.
    Trace(TraceError),
    /// The replay options.
    Options(String),
}

/// The run error of a replay that could not start.
pub fn run_error(e: ReplayBuildError, scenario: &str) -> crate::run::RunError {
    match e {
        ReplayBuildError::Trace(t) => crate::run::RunError::Replay(t),
        ReplayBuildError::Options(message) => crate::run::RunError::Workload {
            path: scenario.to_string(),
            message: format!("workload.replay: {message}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_bits_hold_sparse_and_dense_numbers() {
        let mut b = RoomBits::default();
        for r in [0u64, 1, 63, 64, 4095, 4096, 1 << 40, (1 << 62) + 7] {
            assert!(!b.contains(RoomId(r)));
            b.insert(RoomId(r));
            assert!(b.contains(RoomId(r)));
        }
        assert!(!b.contains(RoomId(2)) && !b.contains(RoomId((1 << 40) + 1)));
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::of(Path::new("a/t.CSV")), Some(Format::Csv));
        assert_eq!(Format::of(Path::new("t.parquet")), Some(Format::Parquet));
        assert_eq!(Format::of(Path::new("t.json")), None);
        assert_eq!(Format::of(Path::new("t")), None);
    }
}
