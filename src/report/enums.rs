//! Text columns whose values come from a fixed list (channels, categories, accounts, wait codes,
//! close types, …), written as polars `Enum` columns: each row holds a small code into the list.
//!
//! Written as plain strings, every row's text is copied into the frame and then hashed again by
//! the Parquet writer to build its dictionary — most of the writers' time on a long run. An
//! `Enum` column is that dictionary already: the Parquet file gets the list once per row group
//! and a code per row, and CSV still shows the text. Readers see a dictionary-encoded
//! (categorical) string column.

use polars::prelude::*;

/// The text of a value the list does not know (an index out of range).
pub const UNKNOWN: &str = "?";

/// One fixed list of values and the polars type of its column.
#[derive(Debug, Clone)]
pub struct EnumColumn {
    dtype: DataType,
    /// The code of each source index; duplicate texts share the first one's code.
    codes: Vec<u32>,
    /// The code of [`UNKNOWN`].
    unknown: u32,
}

impl EnumColumn {
    /// A list whose source index `i` has text `labels[i]`, plus [`UNKNOWN`] for any other index.
    pub fn new<'a>(labels: impl IntoIterator<Item = &'a str>) -> PolarsResult<EnumColumn> {
        let mut texts: Vec<&str> = Vec::new();
        let mut codes = Vec::new();
        let mut seen: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
        let mut code_of = |t: &'a str, texts: &mut Vec<&'a str>| -> u32 {
            *seen.entry(t).or_insert_with(|| {
                texts.push(t);
                (texts.len() - 1) as u32
            })
        };
        for t in labels {
            codes.push(code_of(t, &mut texts));
        }
        let unknown = code_of(UNKNOWN, &mut texts);
        let dtype = DataType::from_frozen_categories(FrozenCategories::new(texts.iter().copied())?);
        Ok(EnumColumn { dtype, codes, unknown })
    }

    /// A list indexed by `index(v)` for every value of a closed set (`ALL` of an engine enum).
    pub fn of<T: Copy>(all: &[T], index: fn(T) -> usize, text: fn(T) -> &'static str) -> PolarsResult<EnumColumn> {
        let n = all.iter().map(|&v| index(v) + 1).max().unwrap_or(0);
        let mut labels = vec![UNKNOWN; n];
        for &v in all {
            labels[index(v)] = text(v);
        }
        EnumColumn::new(labels)
    }

    /// The code of source index `i`.
    #[inline]
    pub fn code(&self, i: usize) -> u32 {
        self.codes.get(i).copied().unwrap_or(self.unknown)
    }

    /// A column of these values from one code per row (None: null).
    pub fn column(&self, name: &str, codes: Vec<Option<u32>>) -> PolarsResult<Column> {
        let physical = DataType::from(self.dtype.cat_physical()?);
        let cats = Series::new(name.into(), codes).cast(&physical)?;
        Ok(Series::from_cats_and_dtype(&cats, &self.dtype, true)?.into_column())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Codes follow the list, duplicates share a code, unknown indices read "?", nulls stay
    /// null, and the CSV shows the texts.
    #[test]
    fn an_enum_column_reads_back_as_its_texts() {
        let e = EnumColumn::new(["web", "kakao", "web"]).expect("a list");
        assert_eq!((e.code(0), e.code(1), e.code(2), e.code(9)), (0, 1, 0, 2));
        let col = e.column("channel", vec![Some(e.code(1)), None, Some(e.code(2)), Some(e.code(7))]).expect("column");
        let text = col.cast(&DataType::String).expect("cast");
        let strings = text.str().expect("strings");
        let got: Vec<Option<&str>> = (0..strings.len()).map(|i| strings.get(i)).collect();
        assert_eq!(got, vec![Some("kakao"), None, Some("web"), Some("?")]);
        let mut df = DataFrame::new(4, vec![col]).expect("frame");
        let mut csv = Vec::new();
        CsvWriter::new(&mut csv).finish(&mut df).expect("csv");
        assert_eq!(String::from_utf8(csv).expect("utf8"), "channel\nkakao\n\nweb\n?\n");
    }
}
