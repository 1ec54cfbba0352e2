//! `run --record FILE`: an observer that writes the exogenous event stream of a run (SIM2), in
//! processing order, rejected inputs included, as a trace a replay feeds back identically.
//!
//! Rows are buffered and written in batches with polars' batched CSV / Parquet writers into a
//! temporary file next to the target, which is renamed into place only when the run succeeded
//! ([`Recorder::commit`]); a failed or abandoned run leaves nothing behind.

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::Format;
use super::codec::{Cells, Names, encode};
use super::schema::COLUMNS;
use crate::engine::{Effect, Engine, Event, Rejection, Time};
use crate::sim::Observer;

/// Rows buffered before a batch is written.
const BATCH: usize = 32 * 1024;

enum Writer {
    Csv(polars::io::csv::write::BatchedWriter<File>),
    Parquet(Box<polars::io::parquet::write::BatchedWriter<File>>),
}

/// The recording observer.
pub struct Recorder {
    path: PathBuf,
    tmp: PathBuf,
    format: Format,
    file: Option<File>,
    writer: Option<Writer>,
    names: Option<Names>,
    buf: Vec<Cells>,
    error: Option<String>,
    /// The largest (time, SIM4 phase) handled so far: a row below it was scheduled late.
    max_key: (Time, u8),
    /// Engine timers handled since the last row.
    timers_since: u32,
    rows: u64,
    committed: bool,
}

impl Recorder {
    /// Prepares to record into `path` (`.csv` or `.parquet`); creates the temporary file now so that
    /// an unwritable folder fails before the run.
    pub fn create(path: &Path) -> Result<Recorder, String> {
        let format = Format::of(path).ok_or_else(|| {
            format!(
                "--record {}: unknown trace format: expected a file name ending in .csv or .parquet",
                path.display()
            )
        })?;
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir).map_err(|e| format!("--record: cannot create {}: {e}", dir.display()))?;
        let name = path.file_name().and_then(|s| s.to_str()).unwrap_or("trace");
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let file = File::create(&tmp).map_err(|e| format!("--record: cannot write {}: {e}", tmp.display()))?;
        Ok(Recorder {
            path: path.to_path_buf(),
            tmp,
            format,
            file: Some(file),
            writer: None,
            names: None,
            buf: Vec::with_capacity(BATCH),
            error: None,
            max_key: (Time::MIN, 0),
            timers_since: 0,
            rows: 0,
            committed: false,
        })
    }

    /// Rows recorded.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    fn flush(&mut self) {
        if self.error.is_some() {
            self.buf.clear();
            return;
        }
        if let Err(e) = self.write_buffer() {
            self.error = Some(format!("--record {}: {e}", self.path.display()));
        }
        self.buf.clear();
    }

    fn write_buffer(&mut self) -> PolarsResult<()> {
        let Some(names) = &self.names else { return Ok(()) };
        let df = frame(&self.buf, names)?;
        if self.writer.is_none() {
            let Some(file) = self.file.take() else { return Ok(()) };
            let schema = df.schema().as_ref().clone();
            self.writer = Some(match self.format {
                Format::Csv => Writer::Csv(CsvWriter::new(file).include_header(true).batched(&schema)?),
                // LZ4 decompresses several times faster than the default zstd, for a somewhat larger file.
                Format::Parquet => Writer::Parquet(Box::new(
                    ParquetWriter::new(file).with_compression(ParquetCompression::Lz4Raw).batched(&schema)?,
                )),
            });
        }
        match self.writer.as_mut() {
            Some(Writer::Csv(w)) => w.write_batch(&df),
            Some(Writer::Parquet(w)) => {
                if df.height() > 0 {
                    w.write_batch(&df)
                } else {
                    Ok(())
                }
            }
            None => Ok(()),
        }
    }

    /// Writes the last batch and moves the trace into place. Call once the run succeeded.
    pub fn commit(mut self) -> Result<u64, String> {
        if self.names.is_none() {
            return Err(format!("--record {}: the run recorded nothing", self.path.display()));
        }
        self.flush();
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let done = match self.writer.take() {
            Some(Writer::Csv(mut w)) => w.finish(),
            Some(Writer::Parquet(w)) => w.finish().map(|_| ()),
            None => Ok(()),
        };
        done.map_err(|e| format!("--record {}: {e}", self.path.display()))?;
        std::fs::rename(&self.tmp, &self.path)
            .map_err(|e| format!("--record: cannot move the trace into {}: {e}", self.path.display()))?;
        self.committed = true;
        Ok(self.rows)
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        if !self.committed {
            self.writer = None;
            self.file = None;
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

impl Observer for Recorder {
    fn start(&mut self, at: Time, engine: &Engine) {
        self.names = Some(Names::of(engine, at));
    }

    fn observe(&mut self, at: Time, event: &Event, outcome: &Result<(), Rejection>, _: &[Effect], _: &Engine) {
        let phase = event.phase();
        if matches!(event, Event::Timer(_)) {
            self.timers_since = self.timers_since.saturating_add(1);
            self.max_key = self.max_key.max((at, phase));
            return;
        }
        let Some(names) = &self.names else { return };
        let mut cells = encode(at, event, names);
        cells.rejected = outcome.as_ref().err().map(|r| r.rule);
        // A row handled after an item with a later key was scheduled while that item ran (a
        // reaction at the same instant): the replay must feed it after as many timers.
        if (at, phase) < self.max_key {
            cells.after_timers = Some(self.timers_since);
        }
        self.timers_since = 0;
        self.max_key = self.max_key.max((at, phase));
        self.buf.push(cells);
        self.rows += 1;
        if self.buf.len() >= BATCH {
            self.flush();
        }
    }
}

/// A batch of rows as a DataFrame with the trace's column types.
pub(crate) fn frame(rows: &[Cells], names: &Names) -> PolarsResult<DataFrame> {
    let acc = |i: Option<u32>| i.and_then(|i| names.accounts.get(i as usize)).map(String::as_str);
    let at: Vec<i64> = rows.iter().map(|r| r.at).collect();
    let event: Vec<&str> = rows.iter().map(|r| r.event).collect();
    let room: Vec<Option<u64>> = rows.iter().map(|r| r.room).collect();
    let customer: Vec<Option<u64>> = rows.iter().map(|r| r.customer).collect();
    let account: Vec<Option<&str>> = rows.iter().map(|r| acc(r.account)).collect();
    let channel: Vec<Option<&str>> =
        rows.iter().map(|r| r.channel.and_then(|c| names.channels.get(c as usize)).map(String::as_str)).collect();
    let category: Vec<Option<&str>> =
        rows.iter().map(|r| r.category.and_then(|c| names.categories.get(c as usize)).map(String::as_str)).collect();
    let profile: Vec<Option<&str>> = rows.iter().map(|r| r.profile).collect();
    let to: Vec<Option<&str>> = rows.iter().map(|r| acc(r.to)).collect();
    let actor: Vec<Option<&str>> = rows.iter().map(|r| acc(r.actor)).collect();
    let rooms: Vec<Option<&str>> = rows.iter().map(|r| r.rooms.as_deref()).collect();
    let date: Vec<Option<&str>> = rows.iter().map(|r| r.date.as_deref()).collect();
    let value: Vec<Option<&str>> = rows.iter().map(|r| r.value).collect();
    let patch: Vec<Option<&str>> = rows.iter().map(|r| r.patch.as_deref()).collect();
    let rejected: Vec<Option<&str>> = rows.iter().map(|r| r.rejected).collect();
    let after: Vec<Option<u32>> = rows.iter().map(|r| r.after_timers).collect();
    let c = |i: usize| PlSmallStr::from_static(COLUMNS[i]);
    let columns = vec![
        Column::new(c(0), at),
        Column::new(c(1), event),
        Column::new(c(2), room),
        Column::new(c(3), customer),
        Column::new(c(4), account),
        Column::new(c(5), channel),
        Column::new(c(6), category),
        Column::new(c(7), profile),
        Column::new(c(8), to),
        Column::new(c(9), actor),
        Column::new(c(10), rooms),
        Column::new(c(11), date),
        Column::new(c(12), value),
        Column::new(c(13), patch),
        Column::new(c(14), rejected),
        Column::new(c(15), after),
    ];
    DataFrame::new(rows.len(), columns)
}
