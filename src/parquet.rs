//! Reading a Parquet file in slices that never span more than one row group, so that memory
//! holds one slice whatever the file's length: replayed traces and the report's CSV copies.

use std::fs::File;
use std::sync::Arc;

use polars::prelude::{DataFrame, ParallelStrategy, ParquetReader, PolarsError, PolarsResult, SerReader};

/// Calls `each` with every slice of at most `max_rows` rows of `file`, in file order (a read
/// error goes to `each` too, so the caller can say where it happened). `fail` turns an error
/// opening the file or its metadata into the caller's error.
pub fn for_each_slice<E>(
    file: &File,
    max_rows: usize,
    fail: impl Fn(PolarsError) -> E,
    mut each: impl FnMut(PolarsResult<DataFrame>) -> Result<(), E>,
) -> Result<(), E> {
    let clone = || file.try_clone().map_err(|e| fail(e.into()));
    let md = ParquetReader::new(clone()?).get_metadata().map_err(&fail)?.clone();
    // A one-row-group copy of the metadata makes the reader touch that row group only.
    let mut template = (*md).clone();
    template.row_groups = Vec::new();
    for rg in &md.row_groups {
        let n = rg.num_rows();
        let mut one = template.clone();
        one.row_groups.push(rg.clone());
        one.num_rows = n;
        one.max_row_group_height = n;
        let one = Arc::new(one);
        let mut off = 0;
        while off < n {
            let len = max_rows.max(1).min(n - off);
            let mut reader =
                ParquetReader::new(clone()?).with_slice(Some((off, len))).read_parallel(ParallelStrategy::None);
            reader.set_metadata(one.clone());
            each(reader.finish())?;
            off += len;
        }
    }
    Ok(())
}
