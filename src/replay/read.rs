//! Reading a trace in batches: polars' streaming engine scans the CSV or Parquet file and hands
//! over one DataFrame at a time; a reader thread decodes each batch into typed rows (ids resolved
//! through the scenario's names, times checked to never go backwards) and passes them on through a
//! bounded channel. Memory stays flat in the length of the trace: at most a few batches are alive.
//!
//! The file's header is checked before anything runs, so a missing or misnamed column fails at
//! once; a bad cell fails at its row, after the rows before it.

use std::io::Read as _;
use std::num::NonZeroUsize;
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use polars::prelude::{
    DataFrame, DataType, Field, LazyCsvReader, LazyFileListReader, LazyFrame, PlRefPath, PlSmallStr, PlanCallback,
    PolarsResult, ScanArgsParquet, Schema,
};

use super::Format;
use super::codec::{Cell, Names, RowView, decode};
use super::schema::{COLUMNS, REQUIRED, TraceError, TraceRow, col, is_integer_column};
use crate::engine::Time;

/// Rows per batch the scan hands over.
const BATCH_ROWS: usize = 64 * 1024;

enum Msg {
    Rows(Vec<TraceRow>),
    Error(TraceError),
    End,
}

/// The rows of a trace, in file order.
pub struct TraceReader {
    rx: Receiver<Msg>,
    buf: std::vec::IntoIter<TraceRow>,
    done: bool,
    /// The file as named to the user.
    pub file: String,
}

impl TraceReader {
    /// Opens a trace and starts reading it in the background. Checks the file kind and the header
    /// now.
    /// `shown_as` names the file in messages.
    pub fn open(path: &Path, shown_as: &str, names: Names) -> Result<TraceReader, TraceError> {
        let file = shown_as.to_string();
        let (format, header) = inspect(path, &file)?;
        let layout = layout(&file, &header)?;
        let lf =
            scan(path, format, &header).map_err(|e| TraceError::file(&file, format!("cannot read the file: {e}")))?;
        let (tx, rx) = sync_channel::<Msg>(2);
        let decoder = Decoder { file: file.clone(), names, layout, next_row: 1, last_at: None, stop: false };
        let state = Arc::new(Mutex::new((decoder, tx.clone())));
        let cb_state = state.clone();
        let callback = PlanCallback::new(move |df: DataFrame| -> PolarsResult<bool> {
            let mut guard = match cb_state.lock() {
                Ok(g) => g,
                Err(_) => return Ok(true),
            };
            let (decoder, tx) = &mut *guard;
            if decoder.stop {
                return Ok(true);
            }
            let msg = decoder.batch(&df);
            let stop = matches!(msg, Msg::Error(_));
            decoder.stop |= stop;
            // A closed receiver means the replay is over: stop scanning.
            Ok(tx.send(msg).is_err() || stop)
        });
        let file2 = file.clone();
        let path_buf = path.to_path_buf();
        let header_len = header.len();
        std::thread::Builder::new()
            .name("trace-reader".into())
            .spawn(move || {
                let result = lf
                    .sink_batches(callback, true, NonZeroUsize::new(BATCH_ROWS))
                    .and_then(|lf| lf.collect_with_engine(polars::prelude::Engine::Streaming));
                let stopped = state.lock().map(|g| g.0.stop).unwrap_or(true);
                let msg = match result {
                    Err(_) if stopped => return,
                    Err(e) => {
                        let row = state.lock().map(|g| g.0.next_row).unwrap_or(1);
                        // For CSV, find the exact row polars choked on (only on this error path).
                        let located = match format {
                            Format::Csv => locate_csv_problem(&path_buf, header_len),
                            Format::Parquet => None,
                        };
                        Msg::Error(match located {
                            Some((r, m)) => TraceError::row(&file2, r, m),
                            None => TraceError::file(&file2, read_error(&e.to_string(), row)),
                        })
                    }
                    Ok(_) if stopped => return,
                    Ok(_) => Msg::End,
                };
                let _ = tx.send(msg);
            })
            .map_err(|e| TraceError::file(&file, format!("cannot start the reader: {e}")))?;
        Ok(TraceReader { rx, buf: Vec::new().into_iter(), done: false, file })
    }

    /// The next row, or None at the end of the trace.
    pub fn next_row(&mut self) -> Result<Option<TraceRow>, TraceError> {
        loop {
            if let Some(r) = self.buf.next() {
                return Ok(Some(r));
            }
            if self.done {
                return Ok(None);
            }
            match self.rx.recv() {
                Ok(Msg::Rows(rows)) => self.buf = rows.into_iter(),
                Ok(Msg::End) => self.done = true,
                Ok(Msg::Error(e)) => {
                    self.done = true;
                    return Err(e);
                }
                Err(_) => {
                    self.done = true;
                    return Err(TraceError::file(&self.file, "the reader stopped before the end of the file"));
                }
            }
        }
    }
}

/// Decodes batches; owns the running checks (row numbers, times that never go backwards).
struct Decoder {
    file: String,
    names: Names,
    /// For each trace column, its position in the file, if present.
    layout: [Option<usize>; 16],
    next_row: u64,
    last_at: Option<(Time, u64)>,
    stop: bool,
}

/// One column of a batch, ready for row access.
enum ColData<'a> {
    Missing,
    Str(Vec<Option<&'a str>>),
    Int(Vec<Option<i64>>),
}

impl Decoder {
    fn batch(&mut self, df: &DataFrame) -> Msg {
        match self.decode_batch(df) {
            Ok(rows) => Msg::Rows(rows),
            Err(e) => Msg::Error(e),
        }
    }

    fn decode_batch(&mut self, df: &DataFrame) -> Result<Vec<TraceRow>, TraceError> {
        let n = df.height();
        let cols = df.columns();
        // Integer columns are cast to Int64 once per batch; text stays borrowed.
        let mut owned: Vec<Option<polars::prelude::Series>> = vec![None; 16];
        for (i, name) in COLUMNS.iter().enumerate() {
            let Some(pos) = self.layout[i] else { continue };
            let s = cols[pos].as_materialized_series();
            match s.dtype() {
                DataType::String => {}
                dt if dt.is_integer() => {
                    let cast = s
                        .cast(&DataType::Int64)
                        .map_err(|e| TraceError::header(&self.file, name, format!("cannot read the integers: {e}")))?;
                    owned[i] = Some(cast);
                }
                DataType::Null => {}
                dt => {
                    return Err(TraceError::header(
                        &self.file,
                        name,
                        format!(
                            "the column holds {dt}; expected {}",
                            if is_integer_column(i) || i == col::AT { "whole numbers or text" } else { "text" }
                        ),
                    ));
                }
            }
        }
        let mut data: Vec<ColData<'_>> = Vec::with_capacity(16);
        for i in 0..16 {
            let Some(pos) = self.layout[i] else {
                data.push(ColData::Missing);
                continue;
            };
            if let Some(s) = &owned[i] {
                let ca = s.i64().map_err(|e| TraceError::header(&self.file, COLUMNS[i], e.to_string()))?;
                data.push(ColData::Int(ca.iter().collect()));
                continue;
            }
            let s = cols[pos].as_materialized_series();
            match s.dtype() {
                DataType::String => {
                    let ca = s.str().map_err(|e| TraceError::header(&self.file, COLUMNS[i], e.to_string()))?;
                    data.push(ColData::Str(ca.iter().collect()));
                }
                _ => data.push(ColData::Missing),
            }
        }
        let mut rows = Vec::with_capacity(n);
        for r in 0..n {
            let row = self.next_row;
            self.next_row += 1;
            let mut cells = [Cell::Null; 16];
            for (i, d) in data.iter().enumerate() {
                cells[i] = match d {
                    ColData::Missing => Cell::Null,
                    ColData::Str(v) => v[r].map(Cell::Str).unwrap_or(Cell::Null),
                    ColData::Int(v) => v[r].map(Cell::Int).unwrap_or(Cell::Null),
                };
            }
            let view = RowView { cells, row };
            rows.push(self.decode_row(&view)?);
        }
        Ok(rows)
    }

    fn decode_row(&mut self, v: &RowView<'_>) -> Result<TraceRow, TraceError> {
        let cell_err = |(c, m): (Option<usize>, String)| match c {
            Some(c) => TraceError::cell(&self.file, v.row, COLUMNS[c], m),
            None => TraceError::row(&self.file, v.row, m),
        };
        let at = v.at(self.names.start).map_err(cell_err)?;
        if let Some((last, last_row)) = self.last_at
            && at < last
        {
            return Err(TraceError::cell(
                &self.file,
                v.row,
                "at",
                format!(
                    "time goes backwards: {} is before {} of row {last_row}; expected rows in time order",
                    crate::engine::time::format_time(at),
                    crate::engine::time::format_time(last)
                ),
            ));
        }
        self.last_at = Some((at, v.row));
        let (event, extra) = decode(v, &self.names).map_err(cell_err)?;
        let rejected = match v.cells[col::REJECTED] {
            Cell::Str(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            _ => None,
        };
        let after_timers = match v.cells[col::AFTER_TIMERS] {
            Cell::Null => None,
            Cell::Int(n) => Some(u32::try_from(n).map_err(|_| {
                self.cell_error(v.row, col::AFTER_TIMERS, format!("`{n}` is not a count: expected a whole number ≥ 0"))
            })?),
            Cell::Str(s) if s.trim().is_empty() => None,
            Cell::Str(s) => Some(s.trim().parse::<u32>().map_err(|_| {
                self.cell_error(v.row, col::AFTER_TIMERS, format!("`{s}` is not a count: expected a whole number ≥ 0"))
            })?),
        };
        Ok(TraceRow { row: v.row, at, event, rejected, after_timers, settings_patch: extra.settings_patch })
    }

    fn cell_error(&self, row: u64, c: usize, m: String) -> TraceError {
        TraceError::cell(&self.file, row, COLUMNS[c], m)
    }
}

/// A polars read error in words a trace author can act on (polars' own hints speak of its Python
/// options).
fn read_error(e: &str, row: u64) -> String {
    let at = if row <= 1 { "in the first rows".to_string() } else { format!("at or after row {row}") };
    if e.contains("more fields than defined") {
        format!("a row {at} has more cells than the header has columns: expected one cell per column")
    } else if e.contains("utf-8") || e.contains("utf8") {
        format!("the file is not UTF-8 text ({at})")
    } else if e.contains("not properly escaped") || e.contains("quote") {
        format!("a quoted cell {at} is not closed or its quotes are not doubled (write \"\" inside quotes)")
    } else {
        format!("cannot read the file {at}: {}", e.lines().next().unwrap_or(e))
    }
}

/// Scans a CSV file record by record (quotes respected) for the first record with more cells
/// than the header, invalid UTF-8, or a quote left open. Returns its row (1-based, header
/// excluded, blank lines not counted) and what is wrong.
fn locate_csv_problem(path: &Path, header_len: usize) -> Option<(u64, String)> {
    use std::io::BufRead as _;
    let f = std::fs::File::open(path).ok()?;
    let mut r = std::io::BufReader::with_capacity(1 << 20, f);
    let (mut in_quotes, mut quote_pending) = (false, false);
    let mut fields = 1usize;
    let mut record: Vec<u8> = Vec::new();
    let mut row: u64 = 0;
    let mut quote_row = 0u64;
    loop {
        let buf = r.fill_buf().ok()?;
        if buf.is_empty() {
            break;
        }
        let n = buf.len();
        for &b in buf {
            if in_quotes {
                if quote_pending {
                    quote_pending = false;
                    if b == b'"' {
                        record.push(b);
                        continue;
                    }
                    in_quotes = false;
                } else {
                    if b == b'"' {
                        quote_pending = true;
                    }
                    record.push(b);
                    continue;
                }
            }
            match b {
                b'"' => {
                    in_quotes = true;
                    quote_row = row;
                }
                b',' => fields += 1,
                b'\n' => {
                    let blank = record.iter().all(|c| c.is_ascii_whitespace()) && fields == 1;
                    if !blank {
                        if row > 0 && fields > header_len {
                            return Some((
                                row,
                                format!(
                                    "{fields} cells but the header has {header_len} columns: expected one cell per column"
                                ),
                            ));
                        }
                        if std::str::from_utf8(&record).is_err() {
                            return Some((row.max(1), "the row is not UTF-8 text".to_string()));
                        }
                        row += 1;
                    }
                    fields = 1;
                    record.clear();
                    continue;
                }
                _ => {}
            }
            record.push(b);
        }
        r.consume(n);
    }
    if in_quotes && !quote_pending {
        return Some((
            quote_row.max(1),
            "a quoted cell is not closed: expected a closing \" (write \"\" for a quote inside)".into(),
        ));
    }
    None
}

/// Checks the file kind and reads its column names.
fn inspect(path: &Path, file: &str) -> Result<(Format, Vec<String>), TraceError> {
    let format = Format::of(path).ok_or_else(|| {
        TraceError::file(file, "not a CSV or Parquet trace: expected a file name ending in .csv or .parquet")
    })?;
    let meta = std::fs::metadata(path).map_err(|e| TraceError::file(file, format!("cannot open the trace: {e}")))?;
    if meta.is_dir() {
        return Err(TraceError::file(file, "is a folder: expected a CSV or Parquet trace file"));
    }
    if meta.len() == 0 {
        return Err(TraceError::file(
            file,
            "the file is empty: expected a header (at least `at,event`) and one row per event",
        ));
    }
    let mut f = std::fs::File::open(path).map_err(|e| TraceError::file(file, format!("cannot open the trace: {e}")))?;
    match format {
        Format::Parquet => {
            let mut head = [0u8; 4];
            let ok = meta.len() >= 12 && f.read_exact(&mut head).is_ok() && &head == b"PAR1";
            if !ok {
                return Err(TraceError::file(
                    file,
                    "not a Parquet file (it does not start with the Parquet magic bytes PAR1)",
                ));
            }
            let plpath = PlRefPath::try_from_path(path).map_err(|e| TraceError::file(file, e.to_string()))?;
            let schema = LazyFrame::scan_parquet(plpath, ScanArgsParquet { glob: false, ..Default::default() })
                .and_then(|mut lf| lf.collect_schema())
                .map_err(|e| TraceError::file(file, format!("not a readable Parquet file: {e}")))?;
            Ok((format, schema.iter_names().map(|n| n.to_string()).collect()))
        }
        Format::Csv => {
            let mut head = vec![0u8; 64 * 1024];
            let n = f.read(&mut head).map_err(|e| TraceError::file(file, format!("cannot read the trace: {e}")))?;
            head.truncate(n);
            if head.starts_with(b"PAR1") || head.contains(&0) {
                return Err(TraceError::file(
                    file,
                    "not a CSV file: it holds binary data (a Parquet trace must end in .parquet)",
                ));
            }
            let text = head.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(&head);
            let line_end = text.iter().position(|b| *b == b'\n').unwrap_or(text.len());
            let line = std::str::from_utf8(&text[..line_end])
                .map_err(|_| TraceError::file(file, "not a CSV file: the header is not UTF-8 text"))?
                .trim_end_matches('\r');
            if line.trim().is_empty() {
                return Err(TraceError::file(
                    file,
                    "the first line is empty: expected a header (at least `at,event`) and one row per event",
                ));
            }
            let names = line.split(',').map(|s| s.trim().trim_matches('"').to_string()).collect();
            Ok((format, names))
        }
    }
}

/// Maps the file's columns onto the trace columns; rejects unknown, duplicate and missing ones.
fn layout(file: &str, header: &[String]) -> Result<[Option<usize>; 16], TraceError> {
    let mut layout = [None; 16];
    for (pos, name) in header.iter().enumerate() {
        match COLUMNS.iter().position(|c| c == name) {
            Some(i) if layout[i].is_some() => {
                return Err(TraceError::header(file, name, "the column appears twice"));
            }
            Some(i) => layout[i] = Some(pos),
            None => {
                let hint = closest(name).map(|c| format!(" (did you mean `{c}`?)")).unwrap_or_default();
                return Err(TraceError::header(
                    file,
                    name,
                    format!("unknown column{hint}: expected columns among {}", COLUMNS.join(", ")),
                ));
            }
        }
    }
    for r in REQUIRED {
        let i = COLUMNS.iter().position(|c| *c == r).unwrap_or(0);
        if layout[i].is_none() {
            return Err(TraceError::header(
                file,
                r,
                format!(
                    "missing column: every trace needs the columns {} (found {})",
                    REQUIRED.join(", "),
                    header.join(", ")
                ),
            ));
        }
    }
    Ok(layout)
}

/// The known column nearest to a misspelt one (edit distance ≤ 2).
fn closest(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    COLUMNS.iter().map(|c| (distance(&lower, c), *c)).filter(|(d, _)| *d <= 2).min().map(|(_, c)| c)
}

fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The lazy scan of a trace: CSV columns all read as text (the decoder parses and reports each
/// cell), Parquet columns as stored.
fn scan(path: &Path, format: Format, header: &[String]) -> PolarsResult<LazyFrame> {
    let plpath = PlRefPath::try_from_path(path)?;
    match format {
        Format::Parquet => LazyFrame::scan_parquet(plpath, ScanArgsParquet { glob: false, ..Default::default() }),
        Format::Csv => {
            let schema: Schema = header.iter().map(|n| Field::new(PlSmallStr::from_str(n), DataType::String)).collect();
            LazyCsvReader::new(plpath)
                .with_has_header(true)
                .with_schema(Some(Arc::new(schema)))
                .with_missing_is_null(true)
                .with_glob(false)
                .finish()
        }
    }
}

#[allow(dead_code)]
fn _assert_send(_: SyncSender<Msg>) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_column_gets_a_hint() {
        assert_eq!(closest("acount"), Some("account"));
        assert_eq!(closest("Event"), Some("event"));
        assert_eq!(closest("zzzzzz"), None);
    }
}
