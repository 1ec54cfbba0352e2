//! The `rooms` table (SIM7): one row per finished, rejected or censored room, streamed to CSV
//! and Parquet in batches so that memory holds at most one batch of rooms. The same thread
//! counts the latencies of the `latency` table on the way ([`LatencyCounts`]), so the table
//! never has to be read back.

use std::path::Path;
use std::sync::Arc;

use polars::prelude::*;

use crate::scenario::model::CsvPolicy;

use super::enums::EnumColumn;
use super::latency::LatencyCounts;
use super::table::TableThread;
use super::{Labels, ReportError};
use crate::engine::{AssignPath, CloseType, RoomState, WaitCode};
use crate::stats::{RoomRecord, RoomSink};

/// Rooms buffered before a batch goes to disk (one Parquet row group per batch).
pub const ROOM_BATCH: usize = 32_768;

/// The columns holding virtual times (seconds since 1970-01-01 00:00, local time).
pub const TIME_COLUMNS: [&str; 6] =
    ["created_at", "request_at", "waiting_since", "assigned_at", "first_reply_at", "closed_at"];

/// A [`RoomSink`] that writes the `rooms` table and counts the latencies from a thread of its
/// own.
#[derive(Debug)]
pub struct RoomTable {
    buf: Vec<RoomRecord>,
    writer: TableThread<Vec<RoomRecord>, LatencyCounts>,
    files: bool,
    seen: u64,
}

impl RoomTable {
    /// A table written into `dir` when `files` (otherwise the rooms are only counted).
    pub fn new(dir: &Path, labels: Arc<Labels>, files: bool, csv: CsvPolicy) -> Result<RoomTable, ReportError> {
        let counts = LatencyCounts::new(&labels);
        let writer = TableThread::spawn_with(dir, "rooms", csv, counts, move |counts, rows: Vec<RoomRecord>| {
            for r in &rows {
                counts.add(r);
            }
            if files { frame(&labels, &rows).map(Some) } else { Ok(None) }
        })?;
        Ok(RoomTable { buf: Vec::with_capacity(ROOM_BATCH), writer, files, seen: 0 })
    }

    /// Writes the last batch and the footers; returns the number of rows (written, or counted
    /// when no files are written) and the latency counts. Rooms seen after this are an error
    /// reported by a second call.
    pub fn finish(&mut self) -> Result<(u64, LatencyCounts), ReportError> {
        let last = std::mem::take(&mut self.buf);
        let (rows, counts) = self.writer.finish_with(last)?;
        Ok((if self.files { rows } else { self.seen }, counts))
    }
}

impl RoomSink for RoomTable {
    fn room(&mut self, record: &RoomRecord) {
        self.seen += 1;
        self.buf.push(record.clone());
        if self.buf.len() >= ROOM_BATCH {
            let batch = std::mem::replace(&mut self.buf, Vec::with_capacity(ROOM_BATCH));
            self.writer.send(batch);
        }
    }
}

/// The rows of a batch of rooms. The text columns are `Enum` columns over the scenario's
/// channels, categories and accounts and the engine's codes (`enums.rs`).
pub fn frame(l: &Labels, rows: &[RoomRecord]) -> PolarsResult<DataFrame> {
    let opt_time = |f: fn(&RoomRecord) -> Option<i64>| rows.iter().map(f).collect::<Vec<_>>();
    let channels = EnumColumn::new(l.channels.iter().map(String::as_str))?;
    let categories = EnumColumn::new(l.categories.iter().map(String::as_str))?;
    let accounts = EnumColumn::new(l.accounts.iter().map(|a| a.id.as_str()))?;
    let wait_codes = EnumColumn::of(&WaitCode::ALL, WaitCode::index, WaitCode::as_str)?;
    let paths = EnumColumn::of(&AssignPath::ALL, AssignPath::index, AssignPath::as_str)?;
    let close_types = EnumColumn::of(&CloseType::ALL, CloseType::index, CloseType::as_str)?;
    let states = EnumColumn::of(&RoomState::ALL, RoomState::index, RoomState::as_str)?;
    let codes = |e: &EnumColumn, f: &dyn Fn(&RoomRecord) -> Option<usize>| {
        rows.iter().map(|r| f(r).map(|i| e.code(i))).collect::<Vec<Option<u32>>>()
    };
    let cols = vec![
        Column::new("room".into(), rows.iter().map(|r| r.room).collect::<Vec<u64>>()),
        channels.column("channel", codes(&channels, &|r| Some(r.channel as usize)))?,
        categories.column("category", codes(&categories, &|r| Some(r.category as usize)))?,
        Column::new("created_at".into(), rows.iter().map(|r| r.created_at).collect::<Vec<i64>>()),
        Column::new("request_at".into(), opt_time(|r| r.request_at)),
        Column::new("waiting_since".into(), opt_time(|r| r.waiting_since)),
        wait_codes.column("wait_code", codes(&wait_codes, &|r| r.wait_code.map(WaitCode::index)))?,
        Column::new("assigned_at".into(), opt_time(|r| r.assigned_at)),
        paths.column("assign_path", codes(&paths, &|r| r.assign_path.map(AssignPath::index)))?,
        Column::new("first_reply_at".into(), opt_time(|r| r.first_reply_at)),
        Column::new("closed_at".into(), opt_time(|r| r.closed_at)),
        close_types.column("close_type", codes(&close_types, &|r| r.close_type.map(CloseType::index)))?,
        states.column("final_state", codes(&states, &|r| Some(r.state.index())))?,
        accounts.column("owner", codes(&accounts, &|r| r.owner.map(|a| a as usize)))?,
        Column::new("censored".into(), rows.iter().map(|r| r.censored).collect::<Vec<bool>>()),
    ];
    DataFrame::new(rows.len(), cols)
}
