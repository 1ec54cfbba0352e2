//! Writing polars frames as CSV and Parquet: whole frames for the small tables, and batched
//! writers for the tables that grow with the run (rooms, queue), so memory never holds them.

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::ReportError;

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
    // Zstd is the default; serial column encoding keeps the run's threads for the simulation.
    ParquetWriter::new(w).with_compression(ParquetCompression::Zstd(None)).set_parallel(false)
}

/// Writes `<dir>/<name>.csv` and `<dir>/<name>.parquet` from one frame.
pub fn write_frame(dir: &Path, name: &str, df: &mut DataFrame) -> Result<(), ReportError> {
    let csv = dir.join(format!("{name}.csv"));
    csv_writer(create(&csv)?).finish(df)?;
    let pq = dir.join(format!("{name}.parquet"));
    parquet_writer(create(&pq)?).finish(df)?;
    Ok(())
}

/// A table written in batches to `<name>.csv` and `<name>.parquet`.
pub struct BatchedTable {
    dir: PathBuf,
    name: &'static str,
    writers: Option<(polars::io::csv::write::BatchedWriter<File>, polars::io::parquet::write::BatchedWriter<File>)>,
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
    pub fn new(dir: &Path, name: &'static str) -> BatchedTable {
        BatchedTable { dir: dir.to_path_buf(), name, writers: None, rows: 0 }
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Appends one batch (possibly empty: the first one fixes the schema and the header).
    pub fn write(&mut self, df: &DataFrame) -> Result<(), ReportError> {
        if self.writers.is_none() {
            let schema = df.schema();
            let csv = csv_writer(create(&self.dir.join(format!("{}.csv", self.name)))?).batched(schema)?;
            let pq = parquet_writer(create(&self.dir.join(format!("{}.parquet", self.name)))?).batched(schema)?;
            self.writers = Some((csv, pq));
        }
        if df.height() == 0 {
            return Ok(());
        }
        let (csv, pq) = self.writers.as_mut().expect("writers were created above");
        // Both writers want aligned chunks; a batch built from vectors has one chunk per column.
        csv.write_batch(df)?;
        pq.write_batch(df)?;
        self.rows += df.height() as u64;
        Ok(())
    }

    /// Writes the footers. `empty` gives the schema when no batch was written.
    pub fn finish(mut self, empty: &DataFrame) -> Result<u64, ReportError> {
        if self.writers.is_none() {
            self.write(empty)?;
        }
        let (mut csv, pq) = self.writers.take().expect("writers exist after a write");
        csv.finish()?;
        pq.finish()?;
        Ok(self.rows)
    }
}
