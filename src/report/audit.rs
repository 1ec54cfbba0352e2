//! The `audit` table: the service usage history (L1, L2), one row per entry in (time, sequence)
//! order, streamed to CSV and Parquet in batches like the rooms table.

use std::path::Path;
use std::sync::Arc;

use polars::prelude::*;

use crate::scenario::model::CsvPolicy;

use super::enums::EnumColumn;
use super::table::TableThread;
use super::{Labels, ReportError};
use crate::engine::{AuditEntry, AuditKind, BatchTrigger, CloseType, Effect, Engine, Event, Owner, Rejection, Time};
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

/// The rows of a batch of entries. The text columns are `Enum` columns (`enums.rs`); an owner
/// is "Robot" or an account id.
pub fn frame(l: &Labels, rows: &[AuditEntry]) -> PolarsResult<DataFrame> {
    let kinds = EnumColumn::of(&AuditKind::ALL, AuditKind::index, AuditKind::as_str)?;
    let accounts = EnumColumn::new(l.accounts.iter().map(|a| a.id.as_str()))?;
    // Index 0 is Robot, index i + 1 account i.
    let owners = EnumColumn::new(std::iter::once("Robot").chain(l.accounts.iter().map(|a| a.id.as_str())))?;
    let triggers = EnumColumn::of(&BatchTrigger::ALL, BatchTrigger::index, BatchTrigger::as_str)?;
    let close_types = EnumColumn::of(&CloseType::ALL, CloseType::index, CloseType::as_str)?;
    let codes = |e: &EnumColumn, f: &dyn Fn(&AuditEntry) -> Option<usize>| {
        rows.iter().map(|r| f(r).map(|i| e.code(i))).collect::<Vec<Option<u32>>>()
    };
    let owner = |o: Option<Owner>| {
        o.map(|o| match o {
            Owner::Robot => 0,
            Owner::Account(a) => a.0 as usize + 1,
        })
    };
    let cols = vec![
        Column::new("seq".into(), rows.iter().map(|r| r.seq).collect::<Vec<u64>>()),
        Column::new("at".into(), rows.iter().map(|r| r.at).collect::<Vec<i64>>()),
        kinds.column("kind", codes(&kinds, &|r| Some(r.kind.index())))?,
        Column::new("room".into(), rows.iter().map(|r| r.room.map(|x| x.0)).collect::<Vec<Option<u64>>>()),
        owners.column("from", codes(&owners, &|r| owner(r.from)))?,
        owners.column("to", codes(&owners, &|r| owner(r.to)))?,
        accounts.column("actor", codes(&accounts, &|r| r.actor.map(|a| a.0 as usize)))?,
        triggers.column("trigger", codes(&triggers, &|r| r.trigger.map(BatchTrigger::index)))?,
        Column::new("batch".into(), rows.iter().map(|r| r.batch).collect::<Vec<Option<u64>>>()),
        close_types.column("close_type", codes(&close_types, &|r| r.close_type.map(CloseType::index)))?,
    ];
    DataFrame::new(rows.len(), cols)
}
