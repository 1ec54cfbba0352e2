//! Writing polars frames as CSV and Parquet: whole frames for the small tables, and batched
//! writers for the tables that grow with the run (rooms, queue), so memory never holds them.

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::ReportError;
use crate::scenario::model::CsvPolicy;

/// Decimal places of floats in CSV files (Parquet keeps the exact values).
pub const CSV_FLOAT_DECIMALS: usize = 3;

// Unbuffered files: both writers serialise a whole batch (CSV) or page (Parquet) before writing,
// and an unbuffered file reports every write error instead of losing it in a buffer's drop.
fn create(path: &Path) -> Result<File, ReportError> {
    File::create(path).map_err(|e| ReportError::io(path, e))
}

fn csv_writer(w: File) -> CsvWriter<File> {
    CsvWriter::new(w).include_header(true).with_float_precision(Some(CSV_FLOAT_DECIMALS)).n_threads(1)
}

fn parquet_writer(w: File) -> ParquetWriter<File> {
    // LZ4: a year's rooms and audit tables spend about 2 s less CPU than with zstd, for files
    // 1.6–1.9 times larger. Serial column encoding keeps the run's threads for the simulation.
    ParquetWriter::new(w).with_compression(ParquetCompression::Lz4Raw).set_parallel(false)
}

/// Writes `<dir>/<name>.parquet` from one frame, and `<dir>/<name>.csv` when `csv` allows it.
pub fn write_frame(dir: &Path, name: &str, df: &mut DataFrame, csv: CsvPolicy) -> Result<(), ReportError> {
    if csv.allows(df.height() as u64) {
        let csv = dir.join(format!("{name}.csv"));
        csv_writer(create(&csv)?).finish(df)?;
    }
    let pq = dir.join(format!("{name}.parquet"));
    parquet_writer(create(&pq)?).finish(df)?;
    Ok(())
}

/// A table written in batches to `<name>.parquet`; at the end, when the CSV policy allows its
/// size, `<name>.csv` is written from the Parquet file, one row group at a time. Nothing is
/// spent on the CSV of a table that turns out too large for it.
pub struct BatchedTable {
    dir: PathBuf,
    name: &'static str,
    /// Rows up to which the CSV copy is written (None: no CSV).
    csv_max_rows: Option<u64>,
    parquet: Option<polars::io::parquet::write::BatchedWriter<File>>,
    rows: u64,
}

impl std::fmt::Debug for BatchedTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchedTable")
            .field("dir", &self.dir)
            .field("name", &self.name)
            .field("rows", &self.rows)
            .finish()
    }
}

impl BatchedTable {
    /// A table in `dir`; files are created with the first batch (its schema is the table's).
    pub fn new(dir: &Path, name: &'static str, csv_policy: CsvPolicy) -> BatchedTable {
        BatchedTable::with_csv_max_rows(dir, name, csv_policy.max_rows())
    }

    /// A table whose CSV copy is kept up to `csv_max_rows` rows (None: no CSV).
    pub fn with_csv_max_rows(dir: &Path, name: &'static str, csv_max_rows: Option<u64>) -> BatchedTable {
        BatchedTable { dir: dir.to_path_buf(), name, csv_max_rows, parquet: None, rows: 0 }
    }

    fn csv_path(&self) -> PathBuf {
        self.dir.join(format!("{}.csv", self.name))
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Appends one batch (possibly empty: the first one fixes the schema).
    pub fn write(&mut self, df: &DataFrame) -> Result<(), ReportError> {
        if self.parquet.is_none() {
            let path = self.dir.join(format!("{}.parquet", self.name));
            self.parquet = Some(parquet_writer(create(&path)?).batched(df.schema())?);
        }
        if df.height() == 0 {
            return Ok(());
        }
        if let Some(pq) = self.parquet.as_mut() {
            pq.write_batch(df)?;
        }
        self.rows += df.height() as u64;
        Ok(())
    }

    /// Writes the Parquet footer, then the CSV copy if the policy allows the table's size. At
    /// least one batch (possibly empty) must have been written: the first one gives the schema.
    pub fn finish(mut self) -> Result<u64, ReportError> {
        let pq = self.parquet.take().ok_or(ReportError::Finished(self.name))?;
        pq.finish()?;
        if self.csv_max_rows.is_some_and(|max| self.rows <= max) {
            self.csv_from_parquet()?;
        }
        Ok(self.rows)
    }

    /// `<name>.csv` from `<name>.parquet`, one row group at a time (memory holds one batch).
    fn csv_from_parquet(&self) -> Result<(), ReportError> {
        let pq = self.dir.join(format!("{}.parquet", self.name));
        let open = || File::open(&pq).map_err(|e| ReportError::io(&pq, e));
        let empty = ParquetReader::new(open()?).with_slice(Some((0, 0))).finish()?;
        let mut csv = csv_writer(create(&self.csv_path())?).batched(empty.schema())?;
        crate::parquet::for_each_slice(&open()?, usize::MAX, ReportError::from, |slice| {
            let mut df = slice?;
            df.rechunk_mut();
            Ok(csv.write_batch(&df)?)
        })?;
        csv.finish()?;
        Ok(())
    }
}

/// Batches that may wait for a writer thread.
const WAITING_BATCHES: usize = 1;

/// A [`BatchedTable`] written by a thread of its own: the simulation hands over batches and goes
/// on while they are encoded and written, in order. At most one batch waits in the channel
/// (beside the one being written and the one being filled), so memory stays bounded; a batch
/// takes tens of milliseconds to write, so one waiting batch is enough to keep the thread busy.
/// The thread may also fold every batch into a state `S` of its own (the latency counts of the
/// rooms table), handed back at the end.
#[derive(Debug)]
pub struct TableThread<M: Send + 'static, S: Send + 'static = ()> {
    tx: Option<std::sync::mpsc::SyncSender<M>>,
    worker: Option<std::thread::JoinHandle<Result<(u64, S), ReportError>>>,
    name: &'static str,
}

impl<M: Send + 'static> TableThread<M> {
    /// Starts the writer of `<dir>/<name>.{csv,parquet}`; `to_frame` turns a batch into rows.
    pub fn spawn<F>(dir: &Path, name: &'static str, csv: CsvPolicy, to_frame: F) -> Result<TableThread<M>, ReportError>
    where
        F: Fn(M) -> PolarsResult<DataFrame> + Send + 'static,
    {
        TableThread::spawn_with(dir, name, csv, (), move |_, batch| to_frame(batch).map(Some))
    }
}

impl<M: Send + 'static, S: Send + 'static> TableThread<M, S> {
    /// Starts a writer thread that folds each batch into `state` and writes the rows
    /// `step(&mut state, batch)` gives, if any: a thread whose `step` never gives rows writes
    /// no files (the first rows, possibly none, create them and fix the schema).
    pub fn spawn_with<F>(
        dir: &Path,
        name: &'static str,
        csv: CsvPolicy,
        mut state: S,
        mut step: F,
    ) -> Result<TableThread<M, S>, ReportError>
    where
        F: FnMut(&mut S, M) -> PolarsResult<Option<DataFrame>> + Send + 'static,
    {
        let (tx, rx) = std::sync::mpsc::sync_channel::<M>(WAITING_BATCHES);
        let mut table = BatchedTable::new(dir, name, csv);
        let worker = std::thread::Builder::new()
            .name(format!("{name} writer"))
            .spawn(move || {
                let mut error = None;
                let mut wrote = false;
                // Keep draining after an error so that the sender never blocks.
                for batch in rx {
                    if error.is_some() {
                        continue;
                    }
                    match step(&mut state, batch) {
                        Ok(Some(df)) => {
                            wrote = true;
                            if let Err(e) = table.write(&df) {
                                error = Some(e);
                            }
                        }
                        Ok(None) => {}
                        Err(e) => error = Some(e.into()),
                    }
                }
                match error {
                    Some(e) => Err(e),
                    None if wrote => Ok((table.finish()?, state)),
                    None => Ok((0, state)),
                }
            })
            .map_err(|e| ReportError::io(&dir.join(name), e))?;
        Ok(TableThread { tx: Some(tx), worker: Some(worker), name })
    }

    /// Hands over one batch (an error of the writer shows at [`TableThread::finish`]).
    pub fn send(&self, batch: M) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(batch);
        }
    }

    /// Hands over the last batch (possibly empty: it fixes the schema of an empty table), waits
    /// for the writer and returns the number of rows written and the thread's state.
    pub fn finish_with(&mut self, last: M) -> Result<(u64, S), ReportError> {
        self.send(last);
        drop(self.tx.take());
        let worker = self.worker.take().ok_or(ReportError::Finished(self.name))?;
        worker.join().map_err(|_| ReportError::Chart(format!("the {} writer panicked", self.name)))?
    }
}

impl<M: Send + 'static> TableThread<M> {
    /// As [`TableThread::finish_with`], for a thread without state.
    pub fn finish(&mut self, last: M) -> Result<u64, ReportError> {
        self.finish_with(last).map(|(rows, ())| rows)
    }
}

impl<M: Send + 'static, S: Send + 'static> Drop for TableThread<M, S> {
    /// A table abandoned (a failed run) still waits for its writer, so that no thread writes into
    /// a staging folder being removed.
    fn drop(&mut self) {
        drop(self.tx.take());
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(from: i64, n: i64) -> DataFrame {
        df!("room" => (from..from + n).collect::<Vec<i64>>()).expect("a frame")
    }

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("consult-sim-table-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("temp dir");
        d
    }

    /// A table that outgrows its CSV limit keeps only the Parquet file, with every row; a table
    /// within it gets both; `never` writes no CSV at all.
    #[test]
    fn a_table_outgrowing_its_csv_limit_is_parquet_only() {
        let d = dir("limit");
        let mut big = BatchedTable::with_csv_max_rows(&d, "big", Some(25));
        let mut small = BatchedTable::with_csv_max_rows(&d, "small", Some(25));
        let mut none = BatchedTable::with_csv_max_rows(&d, "none", None);
        for i in 0..3 {
            big.write(&batch(i * 10, 10)).expect("writes");
        }
        small.write(&batch(0, 25)).expect("writes");
        none.write(&batch(0, 5)).expect("writes");
        assert_eq!(big.finish().expect("finishes"), 30);
        assert_eq!(small.finish().expect("finishes"), 25);
        assert_eq!(none.finish().expect("finishes"), 5);
        assert!(!d.join("big.csv").exists(), "no truncated CSV is left");
        let f = File::open(d.join("big.parquet")).expect("parquet written");
        assert_eq!(ParquetReader::new(f).finish().expect("reads").height(), 30);
        let csv = std::fs::read_to_string(d.join("small.csv")).expect("csv written");
        assert_eq!(csv.lines().count(), 26, "header and 25 rows");
        assert!(!d.join("none.csv").exists() && d.join("none.parquet").exists());
    }

    /// `auto` keeps a CSV up to a spreadsheet's row count; `always` and `never` as named.
    #[test]
    fn csv_policies_and_the_spreadsheet_limit() {
        use crate::scenario::model::SPREADSHEET_ROWS;
        assert!(CsvPolicy::Auto.allows(SPREADSHEET_ROWS) && !CsvPolicy::Auto.allows(SPREADSHEET_ROWS + 1));
        assert!(CsvPolicy::Always.allows(u64::MAX) && !CsvPolicy::Never.allows(0));
        assert_eq!(CsvPolicy::Auto.max_rows(), Some(1_048_575));
        assert_eq!(CsvPolicy::Never.max_rows(), None);
    }
}
