//! Trace transforms: filters by channel, category and creation date, a time shift, and a traffic
//! scale — thinning below 1, a superposition of shifted copies above 1. Each is seeded by the run
//! seed and decided per room from a hash of (seed, room), never from the order rows are read in,
//! so a transformed replay is deterministic.
//!
//! A room is kept or dropped whole: the decision is taken at its `room_created` row and applies
//! to every later row naming the room. Rows that name no room (rosters, settings, …) are kept,
//! shifted, and never copied.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::codec::Names;
use super::schema::{TraceError, TraceRow, mix, unit};
use super::spec::ReplayOptions;
use super::{RoomBits, RowSource};
use crate::engine::time::{Time, from_naive_datetime};
use crate::engine::{BlockTarget, CategoryId, ChannelId, CustomerId, Event, RoomId};

/// Copies of a room are numbered from 1; copy `j` of room `r` is room `r + j·2⁴⁰` (and its
/// customer `c + j·2⁴⁰`), far from any recorded number.
pub const COPY_STRIDE: u64 = 1 << 40;

/// Each copied room moves by a seeded offset in [−30 min, +30 min), so copies do not arrive in
/// lock-step with the original.
pub const COPY_JITTER: i64 = 3_600;

struct Keyed {
    key: (Time, u64, u32),
    row: TraceRow,
}

impl PartialEq for Keyed {
    fn eq(&self, o: &Self) -> bool {
        self.key == o.key
    }
}
impl Eq for Keyed {}
impl PartialOrd for Keyed {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Keyed {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.key.cmp(&o.key)
    }
}

/// A transformed row source.
pub struct Transform {
    inner: Box<dyn RowSource>,
    seed: u64,
    scale: f64,
    shift: i64,
    channels: Vec<ChannelId>,
    categories: Vec<CategoryId>,
    from: Option<Time>,
    until: Option<Time>,
    start: Time,
    /// Recorded rooms dropped by a filter or by thinning.
    dropped: RoomBits,
    /// Output rooms dropped because they would start before the run.
    dropped_out: RoomBits,
    heap: BinaryHeap<Reverse<Keyed>>,
    input_done: bool,
    /// Output time below which no new row can appear.
    frontier: Time,
    index: u64,
}

impl Transform {
    /// Wraps a source with the transforms of `opts`, names resolved through `names`.
    pub fn new(inner: Box<dyn RowSource>, opts: &ReplayOptions, names: &Names, seed: u64) -> Result<Transform, String> {
        if !(opts.scale.is_finite() && opts.scale > 0.0) {
            return Err(format!(
                "replay scale {}: expected a number above 0 (0.5 keeps half the rooms, 2 doubles them)",
                opts.scale
            ));
        }
        if opts.scale > 1000.0 {
            return Err(format!("replay scale {}: at most 1000 copies", opts.scale));
        }
        let shift = opts.shift_secs()?.unwrap_or(0);
        let mut channels = Vec::new();
        for c in &opts.channels {
            let i = names.channels.iter().position(|x| x == c).ok_or_else(|| {
                format!("replay channel filter: unknown channel `{c}` (expected one of {})", names.channels.join(", "))
            })?;
            channels.push(ChannelId(i as u16));
        }
        let mut categories = Vec::new();
        for c in &opts.categories {
            let i = names.categories.iter().position(|x| x == c).ok_or_else(|| {
                format!("replay category filter: unknown category `{c}` (expected `Major/Middle` of the scenario)")
            })?;
            categories.push(CategoryId(i as u32));
        }
        let from = opts.from.map(|d| from_naive_datetime(d.0));
        let until = opts.until.map(|d| from_naive_datetime(d.0));
        if let (Some(f), Some(u)) = (from, until)
            && u <= f
        {
            return Err("replay date range: `until` must be after `from`".into());
        }
        Ok(Transform {
            inner,
            seed,
            scale: opts.scale,
            shift,
            channels,
            categories,
            from,
            until,
            start: names.start,
            dropped: RoomBits::default(),
            dropped_out: RoomBits::default(),
            heap: BinaryHeap::new(),
            input_done: false,
            frontier: Time::MIN,
            index: 0,
        })
    }

    fn copies(&self) -> u32 {
        self.scale.ceil().max(1.0) as u32
    }

    fn keep_copy(&self, room: RoomId, j: u32) -> bool {
        if self.scale < 1.0 {
            return j == 0 && unit(mix(self.seed, "replay-scale", room.0, 0)) < self.scale;
        }
        let whole = self.scale.floor() as u32;
        j < whole || unit(mix(self.seed, "replay-scale", room.0, j as u64)) < self.scale - whole as f64
    }

    fn jitter(&self, room: RoomId, j: u32) -> i64 {
        if j == 0 {
            return 0;
        }
        (unit(mix(self.seed, "replay-copy-shift", room.0, j as u64)) * COPY_JITTER as f64) as i64 - COPY_JITTER / 2
    }

    fn kept_by_filters(&self, row: &TraceRow) -> bool {
        let Event::RoomCreated { channel, category, .. } = &row.event else { return true };
        if !self.channels.is_empty() && !self.channels.contains(channel) {
            return false;
        }
        // E9: a room created without a category is in the first one.
        if !self.categories.is_empty() && !self.categories.contains(&category.unwrap_or(CategoryId(0))) {
            return false;
        }
        if self.from.is_some_and(|f| row.at < f) || self.until.is_some_and(|u| row.at >= u) {
            return false;
        }
        true
    }

    fn emit(&mut self, mut row: TraceRow, j: u32) {
        row.at += self.shift;
        self.index += 1;
        self.heap.push(Reverse(Keyed { key: (row.at, self.index, j), row }));
    }

    fn expand(&mut self, row: TraceRow) {
        let room = row.event.room();
        match (&row.event, room) {
            (Event::AgentPick { .. } | Event::CategoryChange { .. }, _) => {
                let mut row = row;
                let keep = |r: &RoomId| !self.dropped.contains(*r);
                match &mut row.event {
                    Event::AgentPick { rooms, .. } | Event::CategoryChange { rooms, .. } => rooms.retain(keep),
                    _ => {}
                }
                let empty = matches!(&row.event, Event::AgentPick { rooms, .. } | Event::CategoryChange { rooms, .. } if rooms.is_empty());
                if !empty {
                    self.emit(row, 0);
                }
            }
            (_, None) => self.emit(row, 0),
            (_, Some(r)) => {
                if let Event::RoomCreated { .. } = row.event {
                    if !self.kept_by_filters(&row) {
                        self.dropped.insert(r);
                        return;
                    }
                    if self.scale < 1.0 && !self.keep_copy(r, 0) {
                        self.dropped.insert(r);
                        return;
                    }
                } else if self.dropped.contains(r) {
                    return;
                }
                for j in 0..self.copies() {
                    if !self.keep_copy(r, j) {
                        continue;
                    }
                    let mut out = if j == 0 { row.clone() } else { copy_row(&row, j) };
                    out.at += self.jitter(r, j);
                    let out_room = RoomId(r.0 + j as u64 * COPY_STRIDE);
                    if matches!(out.event, Event::RoomCreated { .. }) && out.at + self.shift < self.start {
                        self.dropped_out.insert(out_room);
                        continue;
                    }
                    if self.dropped_out.contains(out_room) {
                        continue;
                    }
                    self.emit(out, j);
                }
            }
        }
    }
}

impl RowSource for Transform {
    fn next_row(&mut self) -> Result<Option<TraceRow>, TraceError> {
        let half = if self.scale > 1.0 { COPY_JITTER / 2 } else { 0 };
        loop {
            if let Some(Reverse(top)) = self.heap.peek()
                && (self.input_done || top.key.0 < self.frontier.saturating_sub(half))
            {
                return Ok(self.heap.pop().map(|Reverse(k)| k.row));
            }
            if self.input_done {
                return Ok(None);
            }
            match self.inner.next_row()? {
                None => self.input_done = true,
                Some(row) => {
                    self.frontier = row.at + self.shift;
                    self.expand(row);
                }
            }
        }
    }
}

/// Copy `j` of a row: its rooms and customer renumbered.
fn copy_row(row: &TraceRow, j: u32) -> TraceRow {
    let off = j as u64 * COPY_STRIDE;
    let r = |x: &RoomId| RoomId(x.0 + off);
    let mut out = row.clone();
    out.event = match &row.event {
        Event::RoomCreated { room, customer, channel, category, profile } => Event::RoomCreated {
            room: r(room),
            customer: CustomerId(customer.0 + off),
            channel: *channel,
            category: *category,
            profile: *profile,
        },
        Event::CustomerMessage { room } => Event::CustomerMessage { room: r(room) },
        Event::ConnectRequest { room, category, profile } => {
            Event::ConnectRequest { room: r(room), category: *category, profile: *profile }
        }
        Event::HotkeyReclick { room, profile } => Event::HotkeyReclick { room: r(room), profile: *profile },
        Event::CustomerClose { room } => Event::CustomerClose { room: r(room) },
        Event::AgentMessage { room, account } => Event::AgentMessage { room: r(room), account: *account },
        Event::AgentClose { room, account } => Event::AgentClose { room: r(room), account: *account },
        Event::HoldSet { room, account } => Event::HoldSet { room: r(room), account: *account },
        Event::HoldRelease { room, account } => Event::HoldRelease { room: r(room), account: *account },
        Event::Transfer { room, to, actor } => Event::Transfer { room: r(room), to: *to, actor: *actor },
        Event::ManagerAssign { room, to, actor } => Event::ManagerAssign { room: r(room), to: *to, actor: *actor },
        Event::ManagerClose { room, actor } => Event::ManagerClose { room: r(room), actor: *actor },
        Event::ManagerBlock { target: BlockTarget::Room(room), actor } => {
            Event::ManagerBlock { target: BlockTarget::Room(r(room)), actor: *actor }
        }
        other => other.clone(),
    };
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Rows(std::vec::IntoIter<TraceRow>);
    impl RowSource for Rows {
        fn next_row(&mut self) -> Result<Option<TraceRow>, TraceError> {
            Ok(self.0.next())
        }
    }

    fn row(n: u64, at: Time, event: Event) -> TraceRow {
        TraceRow { row: n, at, event, rejected: None, after_timers: None, settings_patch: None }
    }

    fn trace(rooms: u64) -> Vec<TraceRow> {
        let mut v = Vec::new();
        for i in 0..rooms {
            let room = RoomId(i + 1);
            v.push(row(
                2 * i + 1,
                1000 + 60 * i as i64,
                Event::RoomCreated {
                    room,
                    customer: CustomerId(i + 1),
                    channel: ChannelId((i % 2) as u16),
                    category: None,
                    profile: Default::default(),
                },
            ));
            v.push(row(2 * i + 2, 1030 + 60 * i as i64, Event::CustomerClose { room }));
        }
        v
    }

    fn names() -> Names {
        let sc = crate::scenario::load(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/quickstart.yaml"
        )))
        .expect("quickstart loads");
        let engine = crate::engine::Engine::new(sc.engine_config()).expect("engine");
        let mut n = Names::of(&engine, 0);
        n.start = 0;
        n
    }

    fn run(opts: ReplayOptions, rows: Vec<TraceRow>, seed: u64) -> Vec<TraceRow> {
        let mut t = Transform::new(Box::new(Rows(rows.into_iter())), &opts, &names(), seed).unwrap();
        std::iter::from_fn(|| t.next_row().unwrap()).collect()
    }

    fn opts() -> ReplayOptions {
        super::super::ReplaySpec::File("x.csv".into()).options()
    }

    #[test]
    fn thinning_keeps_rooms_whole_and_about_the_share() {
        let out = run(ReplayOptions { scale: 0.5, ..opts() }, trace(2000), 1);
        let created = out.iter().filter(|r| matches!(r.event, Event::RoomCreated { .. })).count();
        assert_eq!(out.len(), 2 * created, "every kept room keeps its close");
        assert!((900..1100).contains(&created), "{created}");
        assert_eq!(out, run(ReplayOptions { scale: 0.5, ..opts() }, trace(2000), 1), "seeded");
        assert_ne!(out, run(ReplayOptions { scale: 0.5, ..opts() }, trace(2000), 2), "another seed thins otherwise");
    }

    #[test]
    fn superposition_adds_renumbered_shifted_copies_in_time_order() {
        let out = run(ReplayOptions { scale: 2.5, ..opts() }, trace(1000), 1);
        let created = out.iter().filter(|r| matches!(r.event, Event::RoomCreated { .. })).count();
        assert!((2400..2600).contains(&created), "{created}");
        assert!(out.windows(2).all(|w| w[0].at <= w[1].at), "time order");
        assert!(out.iter().any(|r| r.event.room().is_some_and(|x| x.0 > 2 * COPY_STRIDE)));
    }

    #[test]
    fn filters_and_shift() {
        let out =
            run(ReplayOptions { channels: vec!["kakao".into()], shift: Some("1h".into()), ..opts() }, trace(10), 1);
        assert_eq!(out.len(), 10);
        assert!(out.iter().all(|r| r.event.room().is_some_and(|x| x.0 % 2 == 0)));
        assert_eq!(out[0].at, 1060 + 3600);
    }
}
