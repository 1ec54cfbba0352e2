//! The `audit` table: the service usage history (L1, L2), one row per entry in (time, sequence)
//! order, streamed to CSV and Parquet in batches like the rooms table.

use std::path::Path;
use std::sync::Arc;

use polars::prelude::*;

use crate::scenario::model::CsvPolicy;

use super::table::TableThread;
use super::{Labels, ReportError};
use crate::engine::{AuditEntry, Effect, Engine, Event, Owner, Rejection, Time};
use crate::sim::Observer;

/// Entries buffered before a batch goes to disk.
const AUDIT_BATCH: usize = 32_768;

/// An observer that writes every audit entry of the run.
#[derive(Debug)]
pub struct AuditTable {
    buf: Vec<AuditEntry>,
    writer: TableThread<Vec<AuditEntry>>,
}

impl AuditTable {
    /// A table written into `dir`.
    pub fn new(dir: &Path, labels: Arc<Labels>, csv: CsvPolicy) -> Result<AuditTable, ReportError> {
        let writer = TableThread::spawn(dir, "audit", csv, move |rows: Vec<AuditEntry>| frame(&labels, &rows))?;
        Ok(AuditTable { buf: Vec::with_capacity(1024), writer })
    }

    /// Writes the last batch and the footers; returns the number of rows.
    pub fn finish(&mut self) -> Result<u64, ReportError> {
        let last = std::mem::take(&mut self.buf);
        self.writer.finish(last)
    }
}

impl Observer for AuditTable {
    fn observe(&mut self, _at: Time, _event: &Event, _o: &Result<(), Rejection>, effects: &[Effect], _e: &Engine) {
        for e in effects {
            if let Effect::Audit(a) = e {
                self.buf.push(*a);
            }
        }
        if self.buf.len() >= AUDIT_BATCH {
            let batch = std::mem::replace(&mut self.buf, Vec::with_capacity(AUDIT_BATCH));
            self.writer.send(batch);
        }
    }
}

fn owner(l: &Labels, o: Option<Owner>) -> Option<&str> {
    match o? {
        Owner::Robot => Some("Robot"),
        Owner::Account(a) => Some(l.account(a.0)),
    }
}

/// The rows of a batch of entries.
pub fn frame(l: &Labels, rows: &[AuditEntry]) -> PolarsResult<DataFrame> {
    let cols = vec![
        Column::new("seq".into(), rows.iter().map(|r| r.seq).collect::<Vec<u64>>()),
        Column::new("at".into(), rows.iter().map(|r| r.at).collect::<Vec<i64>>()),
        Column::new("kind".into(), rows.iter().map(|r| r.kind.as_str()).collect::<Vec<&str>>()),
        Column::new("room".into(), rows.iter().map(|r| r.room.map(|x| x.0)).collect::<Vec<Option<u64>>>()),
        // Borrowed names: no allocation per row.
        Column::new("from".into(), rows.iter().map(|r| owner(l, r.from)).collect::<Vec<Option<&str>>>()),
        Column::new("to".into(), rows.iter().map(|r| owner(l, r.to)).collect::<Vec<Option<&str>>>()),
        Column::new(
            "actor".into(),
            rows.iter().map(|r| r.actor.map(|a| l.account(a.0))).collect::<Vec<Option<&str>>>(),
        ),
        Column::new(
            "trigger".into(),
            rows.iter().map(|r| r.trigger.map(|t| t.as_str())).collect::<Vec<Option<&str>>>(),
        ),
        Column::new("batch".into(), rows.iter().map(|r| r.batch).collect::<Vec<Option<u64>>>()),
        Column::new(
            "close_type".into(),
            rows.iter().map(|r| r.close_type.map(|c| c.as_str())).collect::<Vec<Option<&str>>>(),
        ),
    ];
    DataFrame::new(rows.len(), cols)
}
