//! The `rooms` table (SIM7): one row per finished, rejected or censored room, streamed to CSV
//! and Parquet in batches so that memory holds at most one batch of rooms.

use std::path::Path;
use std::sync::Arc;

use polars::prelude::*;

use super::table::BatchedTable;
use super::{Labels, ReportError};
use crate::stats::{RoomRecord, RoomSink};

/// Rooms buffered before a batch goes to disk (one Parquet row group per batch).
pub const ROOM_BATCH: usize = 32_768;

/// The columns holding virtual times (seconds since 1970-01-01 00:00, local time).
pub const TIME_COLUMNS: [&str; 6] =
    ["created_at", "request_at", "waiting_since", "assigned_at", "first_reply_at", "closed_at"];

/// A [`RoomSink`] that writes the `rooms` table.
#[derive(Debug)]
pub struct RoomTable {
    labels: Arc<Labels>,
    table: Option<BatchedTable>,
    buf: Vec<RoomRecord>,
    error: Option<ReportError>,
}

impl RoomTable {
    /// A table written into `dir`.
    pub fn new(dir: &Path, labels: Arc<Labels>) -> RoomTable {
        RoomTable { labels, table: Some(BatchedTable::new(dir, "rooms")), buf: Vec::with_capacity(1024), error: None }
    }

    fn frame(l: &Labels, rows: &[RoomRecord]) -> PolarsResult<DataFrame> {
        let opt_time = |f: fn(&RoomRecord) -> Option<i64>| rows.iter().map(f).collect::<Vec<_>>();
        let cols = vec![
            Column::new("room".into(), rows.iter().map(|r| r.room).collect::<Vec<u64>>()),
            Column::new("channel".into(), rows.iter().map(|r| l.channel(r.channel)).collect::<Vec<&str>>()),
            Column::new("category".into(), rows.iter().map(|r| l.category(r.category)).collect::<Vec<&str>>()),
            Column::new("created_at".into(), rows.iter().map(|r| r.created_at).collect::<Vec<i64>>()),
            Column::new("request_at".into(), opt_time(|r| r.request_at)),
            Column::new("waiting_since".into(), opt_time(|r| r.waiting_since)),
            Column::new(
                "wait_code".into(),
                rows.iter().map(|r| r.wait_code.map(|c| c.as_str())).collect::<Vec<Option<&str>>>(),
            ),
            Column::new("assigned_at".into(), opt_time(|r| r.assigned_at)),
            Column::new(
                "assign_path".into(),
                rows.iter().map(|r| r.assign_path.map(|p| p.as_str())).collect::<Vec<Option<&str>>>(),
            ),
            Column::new("first_reply_at".into(), opt_time(|r| r.first_reply_at)),
            Column::new("closed_at".into(), opt_time(|r| r.closed_at)),
            Column::new(
                "close_type".into(),
                rows.iter().map(|r| r.close_type.map(|c| c.as_str())).collect::<Vec<Option<&str>>>(),
            ),
            Column::new("final_state".into(), rows.iter().map(|r| r.state.as_str()).collect::<Vec<&str>>()),
            Column::new(
                "owner".into(),
                rows.iter().map(|r| r.owner.map(|a| l.account(a))).collect::<Vec<Option<&str>>>(),
            ),
            Column::new("censored".into(), rows.iter().map(|r| r.censored).collect::<Vec<bool>>()),
        ];
        DataFrame::new(rows.len(), cols)
    }

    fn flush(&mut self) {
        if self.error.is_some() {
            self.buf.clear();
            return;
        }
        let r = match self.table.as_mut() {
            Some(table) => {
                Self::frame(&self.labels, &self.buf).map_err(ReportError::from).and_then(|df| table.write(&df))
            }
            None => Err(ReportError::Finished("rooms")),
        };
        self.buf.clear();
        if let Err(e) = r {
            self.error = Some(e);
        }
    }

    /// Writes the last batch and the footers; returns the number of rows. Rooms seen after this
    /// are an error reported by a second call.
    pub fn finish(&mut self) -> Result<u64, ReportError> {
        if !self.buf.is_empty() {
            self.flush();
        }
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let empty = Self::frame(&self.labels, &[])?;
        match self.table.take() {
            Some(table) => table.finish(&empty),
            None => Err(ReportError::Finished("rooms")),
        }
    }
}

impl RoomSink for RoomTable {
    fn room(&mut self, record: &RoomRecord) {
        self.buf.push(record.clone());
        if self.buf.len() >= ROOM_BATCH {
            self.flush();
        }
    }
}
