//! Reading a trace in batches, with polars, on a reader thread: a Parquet trace one row group
//! (at most 65,536 rows) at a time with `ParquetReader`, a CSV trace in chunks of 65,536 records
//! (split by a quote-aware scanner that also numbers the rows) parsed by `CsvReader`. Each batch
//! is decoded into typed rows — ids resolved through the scenario's names, every cell checked,
//! times checked never to go backwards — and passed on through a bounded channel. Memory stays
//! flat in the length of the trace: at most a few batches are alive at once.
//!
//! The file's header is checked before anything runs, so a missing or misnamed column fails at
//! once; a bad cell fails at its row, after the rows before it.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead as _, Cursor, Read as _};
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use polars::prelude::{
    CsvReadOptions, DataFrame, DataType, Field, LazyFrame, PlRefPath, PlSmallStr, ScanArgsParquet, Schema, SerReader,
};

use super::Format;
use super::codec::{Cell, Coded, ColData, NameKind, Names, RowView, decode};
use super::schema::{COLUMNS, REQUIRED, TraceError, TraceRow, col, is_integer_column};
use crate::engine::Time;

/// Rows per batch.
const BATCH_ROWS: usize = 64 * 1024;

/// Rows handed over to the simulation at a time: few enough to be still in the cache when the
/// simulation takes them, if both threads share one core.
const HANDOVER_ROWS: usize = 16 * 1024;

/// Rows in file order.
type Rows = VecDeque<TraceRow>;

enum Msg {
    Rows(Rows),
    Error(TraceError),
    End,
}

/// The rows of a trace, in file order.
pub struct TraceReader {
    rx: Receiver<Msg>,
    buf: Rows,
    /// Emptied buffers go back to the reader (no allocation per handover).
    spare: SyncSender<Rows>,
    done: bool,
    /// The file as named to the user.
    pub file: String,
}

impl TraceReader {
    /// Opens a trace and starts reading it on a thread. Checks the file kind and the header now.
    /// `shown_as` names the file in messages.
    pub fn open(path: &Path, shown_as: &str, names: Names) -> Result<TraceReader, TraceError> {
        let file = shown_as.to_string();
        let (format, header) = inspect(path, &file)?;
        let layout = layout(&file, &header)?;
        let (tx, rx) = sync_channel::<Msg>(2);
        let (spare, spare_rx) = sync_channel::<Rows>(4);
        let decoder = Decoder { file: file.clone(), names, layout, next_row: 1, last_at: None };
        let path = path.to_path_buf();
        std::thread::Builder::new()
            .name("trace-reader".into())
            .spawn(move || {
                let mut decoder = decoder;
                let mut out = Handover { tx: &tx, spare: spare_rx };
                let end = match format {
                    Format::Parquet => read_parquet(&path, &mut decoder, &mut out),
                    Format::Csv => read_csv(&path, &header, &mut decoder, &mut out),
                };
                if let Err(Some(e)) = end {
                    let _ = tx.send(Msg::Error(e));
                } else if end.is_ok() {
                    let _ = tx.send(Msg::End);
                }
            })
            .map_err(|e| TraceError::file(&file, format!("cannot start the reader: {e}")))?;
        Ok(TraceReader { rx, buf: Rows::new(), spare, done: false, file })
    }

    /// The next row, or None at the end of the trace.
    pub fn next_row(&mut self) -> Result<Option<TraceRow>, TraceError> {
        loop {
            if let Some(r) = self.buf.pop_front() {
                return Ok(Some(r));
            }
            if self.done {
                return Ok(None);
            }
            match self.rx.recv() {
                Ok(Msg::Rows(rows)) => {
                    let empty = std::mem::replace(&mut self.buf, rows);
                    // A full return channel or a finished reader: the buffer is simply dropped.
                    let _ = self.spare.try_send(empty);
                }
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

/// How a reading loop ended early: an error to report, or None when the replay hung up.
type Stop = Option<TraceError>;

/// Where decoded rows go, a few thousand at a time.
trait RowSink {
    /// An empty buffer to fill.
    fn buffer(&mut self) -> Rows;
    /// Takes a filled buffer.
    fn take(&mut self, rows: Rows) -> Result<(), Stop>;
}

/// The channel to the simulation, with the buffers it gives back.
struct Handover<'a> {
    tx: &'a SyncSender<Msg>,
    spare: Receiver<Rows>,
}

impl RowSink for Handover<'_> {
    fn buffer(&mut self) -> Rows {
        self.spare.try_recv().unwrap_or_else(|_| Rows::with_capacity(HANDOVER_ROWS))
    }

    fn take(&mut self, rows: Rows) -> Result<(), Stop> {
        self.tx.send(Msg::Rows(rows)).map_err(|_| None)
    }
}

/// Decodes a batch and hands it over.
fn deliver(df: &mut DataFrame, decoder: &mut Decoder, out: &mut Handover<'_>) -> Result<(), Stop> {
    df.rechunk_mut();
    decoder.decode_batch(df, out)
}

/// A Parquet trace, one row group (or a 65,536-row slice of one) at a time.
fn read_parquet(path: &Path, decoder: &mut Decoder, out: &mut Handover<'_>) -> Result<(), Stop> {
    let name = decoder.file.clone();
    let file_err = |e: &dyn std::fmt::Display| Some(TraceError::file(&name, format!("cannot read the file: {e}")));
    let file = File::open(path).map_err(|e| file_err(&e))?;
    crate::parquet::for_each_slice(
        &file,
        BATCH_ROWS,
        |e| file_err(&e),
        |slice| {
            let mut df = slice.map_err(|e| {
                let at = decoder.next_row;
                Some(TraceError::file(&decoder.file, format!("cannot read the file at or after row {at}: {e}")))
            })?;
            deliver(&mut df, decoder, out)
        },
    )
}

/// A CSV trace in chunks of whole records (quotes respected), each parsed by polars' CSV reader
/// with every column read as text (the decoder parses and reports each cell).
fn read_csv(path: &Path, header: &[String], decoder: &mut Decoder, out: &mut Handover<'_>) -> Result<(), Stop> {
    let schema: Schema = header.iter().map(|n| Field::new(PlSmallStr::from_str(n), DataType::String)).collect();
    let schema = Arc::new(schema);
    let mut chunks = CsvChunks::open(path, header.len(), &decoder.file).map_err(Some)?;
    while let Some(chunk) = chunks.next_chunk().map_err(Some)? {
        let mut df = CsvReadOptions::default()
            .with_has_header(false)
            .with_schema(Some(schema.clone()))
            .with_n_threads(Some(1))
            .map_parse_options(|p| p.with_missing_is_null(true))
            .into_reader_with_file_handle(Cursor::new(chunk))
            .finish()
            .map_err(|e| Some(TraceError::file(&decoder.file, read_error(&e.to_string(), decoder.next_row))))?;
        deliver(&mut df, decoder, out)?;
    }
    Ok(())
}

/// Splits a CSV file into chunks of whole records after its header, numbering rows as the
/// decoder does (blank lines are not rows) and catching what polars would report without a row:
/// too many cells, invalid UTF-8, a quote left open.
struct CsvChunks {
    r: std::io::BufReader<File>,
    header_len: usize,
    file: String,
    /// Row number of the next record (0 = the header).
    row: u64,
    first: bool,
    eof: bool,
}

impl CsvChunks {
    fn open(path: &Path, header_len: usize, file: &str) -> Result<CsvChunks, TraceError> {
        let f = File::open(path).map_err(|e| TraceError::file(file, format!("cannot open the trace: {e}")))?;
        Ok(CsvChunks {
            r: std::io::BufReader::with_capacity(1 << 20, f),
            header_len,
            file: file.to_string(),
            row: 0,
            first: true,
            eof: false,
        })
    }

    fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, TraceError> {
        if self.eof {
            return Ok(None);
        }
        let mut chunk: Vec<u8> = Vec::with_capacity(4 << 20);
        let mut starts: Vec<(usize, u64)> = Vec::with_capacity(BATCH_ROWS);
        let mut records = 0usize;
        let (mut in_quotes, mut quote_pending, mut fields) = (false, false, 1usize);
        let mut record_start = chunk.len();
        let mut quote_row = 0u64;
        let mut blank = true;
        loop {
            let buf =
                self.r.fill_buf().map_err(|e| TraceError::file(&self.file, format!("cannot read the trace: {e}")))?;
            if buf.is_empty() {
                self.eof = true;
                break;
            }
            let mut n = buf.len();
            let mut skip = 0;
            if self.first {
                self.first = false;
                if buf.starts_with(b"\xEF\xBB\xBF") {
                    skip = 3;
                }
            }
            let mut full = false;
            for (i, &b) in buf.iter().enumerate().skip(skip) {
                if in_quotes {
                    if quote_pending {
                        quote_pending = false;
                        if b == b'"' {
                            chunk.push(b);
                            continue;
                        }
                        in_quotes = false;
                    } else {
                        if b == b'"' {
                            quote_pending = true;
                        }
                        chunk.push(b);
                        continue;
                    }
                }
                match b {
                    b'"' => {
                        in_quotes = true;
                        quote_row = self.row;
                        blank = false;
                    }
                    b',' => {
                        fields += 1;
                        blank = false;
                    }
                    b'\n' => {
                        if blank && fields == 1 {
                            // A blank line: not a row.
                            chunk.truncate(record_start);
                        } else {
                            if self.row > 0 && fields > self.header_len {
                                return Err(TraceError::row(
                                    &self.file,
                                    self.row,
                                    format!(
                                        "{fields} cells but the header has {} columns: expected one cell per column",
                                        self.header_len
                                    ),
                                ));
                            }
                            if self.row == 0 {
                                // The header was read by `inspect`.
                                chunk.truncate(record_start);
                            } else {
                                chunk.push(b'\n');
                                starts.push((record_start, self.row));
                                records += 1;
                            }
                            self.row += 1;
                        }
                        record_start = chunk.len();
                        fields = 1;
                        blank = true;
                        if records >= BATCH_ROWS {
                            n = i + 1;
                            full = true;
                            break;
                        }
                        continue;
                    }
                    b'\r' => {}
                    b' ' | b'\t' => {}
                    _ => blank = false,
                }
                chunk.push(b);
            }
            self.r.consume(n);
            if full {
                break;
            }
        }
        if self.eof {
            if in_quotes && !quote_pending {
                return Err(TraceError::row(
                    &self.file,
                    quote_row.max(1),
                    "a quoted cell is not closed: expected a closing \" (write \"\" for a quote inside)",
                ));
            }
            // A last record without a line end.
            if !(blank && fields == 1) && chunk.len() > record_start {
                if self.row > 0 && fields > self.header_len {
                    return Err(TraceError::row(
                        &self.file,
                        self.row,
                        format!(
                            "{fields} cells but the header has {} columns: expected one cell per column",
                            self.header_len
                        ),
                    ));
                }
                if self.row == 0 {
                    chunk.truncate(record_start);
                } else {
                    chunk.push(b'\n');
                    starts.push((record_start, self.row));
                }
                self.row += 1;
            } else {
                chunk.truncate(record_start);
            }
        }
        if let Err(e) = std::str::from_utf8(&chunk) {
            let at = e.valid_up_to();
            let row = starts.iter().rev().find(|(s, _)| *s <= at).map(|(_, r)| *r).unwrap_or(1);
            return Err(TraceError::row(&self.file, row, "the row is not UTF-8 text"));
        }
        if starts.is_empty() {
            return Ok(if self.eof { None } else { Some(chunk) });
        }
        Ok(Some(chunk))
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
}

impl Decoder {
    /// Decodes a batch into `out`, [`HANDOVER_ROWS`] at a time. A bad row stops it: the rows
    /// decoded since the last handover are not handed over.
    fn decode_batch(&mut self, df: &DataFrame, out: &mut dyn RowSink) -> Result<(), Stop> {
        let n = df.height();
        let cols = df.columns();
        // Integer columns are cast to Int64 once per batch; text stays borrowed.
        let mut owned: Vec<Option<polars::prelude::Series>> = vec![None; 16];
        let mut kinds = [0u8; 16]; // 0 missing, 1 text, 2 integer
        for (i, name) in COLUMNS.iter().enumerate() {
            let Some(pos) = self.layout[i] else { continue };
            let s = cols[pos].as_materialized_series();
            match s.dtype() {
                DataType::String => kinds[i] = 1,
                dt if dt.is_integer() => {
                    let cast = s
                        .cast(&DataType::Int64)
                        .map_err(|e| TraceError::header(&self.file, name, format!("cannot read the integers: {e}")))?
                        .rechunk();
                    owned[i] = Some(cast);
                    kinds[i] = 2;
                }
                DataType::Null => {}
                dt => {
                    return Err(Some(TraceError::header(
                        &self.file,
                        name,
                        format!(
                            "the column holds {dt}; expected {}",
                            if is_integer_column(i) || i == col::AT { "whole numbers or text" } else { "text" }
                        ),
                    )));
                }
            }
        }
        // A column with no value in this batch reads as missing: no array is touched for it.
        let mut live = 0u16;
        for i in 0..16 {
            if kinds[i] == 0 {
                continue;
            }
            let nulls = match &owned[i] {
                Some(s) => s.null_count(),
                None => self.layout[i].map(|pos| cols[pos].null_count()).unwrap_or(n),
            };
            if nulls < n {
                live |= 1 << i;
            } else {
                kinds[i] = 0;
            }
        }
        let mut data: Vec<ColData<'_>> = Vec::with_capacity(16);
        for i in 0..16 {
            let d = match (kinds[i], self.layout[i], &owned[i]) {
                (1, Some(pos), _) => {
                    let ca = cols[pos]
                        .as_materialized_series()
                        .str()
                        .map_err(|e| TraceError::header(&self.file, COLUMNS[i], e.to_string()))?;
                    let text = ca.downcast_as_array();
                    match NameKind::of_column(i) {
                        Some(kind) => ColData::Coded(Coded::new(text, kind, &self.names)),
                        None => ColData::Str(text),
                    }
                }
                (2, _, Some(s)) => {
                    let ca = s.i64().map_err(|e| TraceError::header(&self.file, COLUMNS[i], e.to_string()))?;
                    ColData::int(ca.downcast_as_array())
                }
                _ => ColData::Missing,
            };
            data.push(d);
        }
        let mut rows = out.buffer();
        for index in 0..n {
            let row = self.next_row;
            self.next_row += 1;
            let view = RowView { cols: &data, index, row, live };
            rows.push_back(self.decode_row(&view).map_err(Some)?);
            if rows.len() >= HANDOVER_ROWS {
                out.take(rows)?;
                rows = out.buffer();
            }
        }
        if rows.is_empty() { Ok(()) } else { out.take(rows) }
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
        let rejected = match v.cell(col::REJECTED) {
            Cell::Str(s) if !s.trim().is_empty() => Some(s.trim().into()),
            _ => None,
        };
        let after_timers = match v.cell(col::AFTER_TIMERS) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{
        AccountPatch, Auth, BlockTarget, CategoryId, ChannelId, CustomerId, Date, DayHours, DayOverride, DayStatus,
        Event, ProfileOutcome, Role, RoomId, Settings, TimeOfDay, TimeWindow,
    };

    /// The quickstart scenario, its engine and the names a trace of it uses.
    fn quickstart() -> (crate::scenario::Scenario, crate::engine::Engine, Names) {
        let sc = crate::scenario::load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/quickstart.yaml")))
            .expect("quickstart loads");
        let engine = crate::engine::Engine::new(sc.engine_config()).expect("engine");
        let names = Names::of(&engine, sc.start());
        (sc, engine, names)
    }

    /// Every SIM2 event survives encode → DataFrame (as the recorder writes it) → decode.
    #[test]
    fn every_event_survives_the_trace() {
        let (sc, engine, names) = quickstart();
        let a = |id: &str| engine.account_id(id).unwrap();
        let (r, c) = (RoomId(7), CustomerId(1 << 62));
        let mut settings = Settings::default();
        settings.capacity.max_per_agent = crate::engine::settings::Capacity(4);
        settings.capacity.enabled = true;
        let events = vec![
            Event::RoomCreated {
                room: r,
                customer: c,
                channel: ChannelId(1),
                category: Some(CategoryId(2)),
                profile: ProfileOutcome::NotEntered,
            },
            Event::RoomCreated {
                room: r,
                customer: c,
                channel: ChannelId(0),
                category: None,
                profile: ProfileOutcome::Entered,
            },
            Event::CustomerMessage { room: r },
            Event::ConnectRequest { room: r, category: Some(CategoryId(1)), profile: ProfileOutcome::NotEntered },
            Event::HotkeyReclick { room: r, profile: ProfileOutcome::Entered },
            Event::CustomerClose { room: r },
            Event::AgentLogin { account: a("a-01") },
            Event::AgentLogout { account: a("a-01") },
            Event::BreakStart { account: a("b-02") },
            Event::BreakEnd { account: a("b-02") },
            Event::MealStart { account: a("a-03") },
            Event::MealEnd { account: a("a-03") },
            Event::AgentMessage { room: r, account: a("a-01") },
            Event::AgentMessage { room: r, account: super::super::schema::OWNER },
            Event::AgentClose { room: r, account: a("a-01") },
            Event::HoldSet { room: r, account: a("a-01") },
            Event::HoldRelease { room: r, account: a("a-01") },
            Event::AgentPick { account: a("a-02"), rooms: vec![RoomId(3), RoomId(9)] },
            Event::Transfer { room: r, to: a("b-01"), actor: a("lead") },
            Event::AutoReplySet { account: a("a-04"), on: true },
            Event::AutoReplySet { account: a("a-04"), on: false },
            Event::ManagerAssign { room: r, to: a("a-05"), actor: a("lead") },
            Event::ManagerClose { room: r, actor: a("admin") },
            Event::ManagerBlock { target: BlockTarget::Room(r), actor: a("lead") },
            Event::ManagerBlock { target: BlockTarget::Customer(c), actor: a("lead") },
            Event::Unblock { customer: c, actor: a("admin") },
            Event::CategoryChange { rooms: vec![r, RoomId(8)], category: CategoryId(3), actor: a("lead") },
            Event::CustomerInfoChange { customer: c, entered: true, actor: a("lead") },
            Event::DayStatusSet {
                account: a("b-07"),
                date: Date(20_500),
                status: DayStatus {
                    available: false,
                    breaks: vec![TimeWindow { start: TimeOfDay::hm(12, 0), end: TimeOfDay::hm(13, 30) }],
                },
                actor: a("lead"),
            },
            Event::HolidaySet { date: Date(20_501), day: Some(DayOverride::Holiday) },
            Event::HolidaySet {
                date: Date(20_502),
                day: Some(DayOverride::Hours(DayHours::Window {
                    start: TimeOfDay::hm(10, 0),
                    end: TimeOfDay::hm(14, 0),
                    end_next_day: false,
                })),
            },
            Event::HolidaySet { date: Date(20_503), day: None },
            Event::AccountChange {
                account: a("a-06"),
                patch: AccountPatch {
                    name: Some("Kim".into()),
                    role: Some(Role::Manager),
                    consults: Some(false),
                    auth: Some(Auth::Revoked),
                    responsible_manager: Some(a("lead")),
                    max_override: Some(Some(2)),
                },
            },
            Event::AccountChange {
                account: a("a-06"),
                patch: AccountPatch { max_override: Some(None), ..AccountPatch::default() },
            },
            Event::SettingsChanged(Box::new(settings)),
        ];
        let cells: Vec<_> = events
            .iter()
            .enumerate()
            .map(|(i, e)| super::super::codec::encode(sc.start() + i as i64, e, &names))
            .collect();
        let mut df = super::super::record::frame(&cells, &names).expect("frame");
        let layout = layout("t", &COLUMNS.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
        let mut d = Decoder { file: "t".into(), names: names.clone(), layout, next_row: 1, last_at: None };
        df.rechunk_mut();
        let mut sink = Collect(Vec::new());
        d.decode_batch(&df, &mut sink).expect("decodes");
        let rows = sink.0;
        for (row, e) in rows.iter().zip(&events) {
            assert_eq!(&row.event, e, "row {}", row.row);
        }
        assert_eq!(rows.len(), events.len());
        assert_eq!(rows[1].at, sc.start() + 1);
    }

    /// Collects the decoded rows.
    struct Collect(Vec<TraceRow>);

    impl RowSink for Collect {
        fn buffer(&mut self) -> Rows {
            Rows::new()
        }

        fn take(&mut self, rows: Rows) -> Result<(), Stop> {
            self.0.extend(rows);
            Ok(())
        }
    }

    /// A coded column gives every row of one name the same id (a repeat hits the memo or the row
    /// before), marks empty cells, and leaves an unknown name to the row's decoding (which
    /// reports it).
    #[test]
    fn a_coded_column_gives_each_name_its_id_marks_empty_cells_and_leaves_unknown_names_to_the_row() {
        use super::super::codec::{CODE_EMPTY, CODE_UNRESOLVED};
        use polars::prelude::{NamedFrom, Series};
        let (_, _, names) = quickstart();
        let cells = [Some("kakao"), Some("web"), Some("kakao"), None, Some(" web "), Some("fax"), Some("  ")];
        let series = Series::new("channel".into(), &cells).rechunk();
        let text = series.str().expect("text").downcast_as_array();
        let coded = Coded::new(text, NameKind::Channel, &names);
        assert_eq!(coded.codes(), &[1, 0, 1, CODE_EMPTY, 0, CODE_UNRESOLVED, CODE_EMPTY]);
    }

    #[test]
    fn a_misspelt_column_gets_a_hint() {
        assert_eq!(closest("acount"), Some("account"));
        assert_eq!(closest("Event"), Some("event"));
        assert_eq!(closest("zzzzzz"), None);
    }
}
