//! Finds where a key path is written in a scenario file, so that every error can name
//! `file:line:column` (§3 "Setting-value validation": file, line, column, expected values).
//!
//! `serde_yaml` reports positions only for the errors it raises itself; the semantic checks run
//! on the typed [`ScenarioFile`](super::model::ScenarioFile), which has no positions. Rather than
//! keep a second, positioned copy of the model, this module reads the YAML *text* once more into a
//! small tree of mappings, sequences and scalars with their line and column, and answers "where is
//! `accounts[3].manager`?".
//!
//! It understands the subset of YAML scenario files use: block mappings and sequences (including
//! a sequence at its key's indentation and compact `- key: value` items), flow sequences and
//! mappings (`[a, b]`, `{start: "12:00", end: "13:00"}`, also across lines), single- and
//! double-quoted scalars and keys, plain scalars, comments, anchors, tags, aliases and block
//! scalars (`|`, `>`, whose content is skipped). It is tolerant by design: it never fails and
//! never panics, whatever the text (invalid YAML included, since it also refines the positions of
//! syntax-adjacent errors); what it cannot read it skips, and a path it cannot follow to the end
//! resolves to the nearest ancestor it found.
//!
//! Lines and columns are 1-based and count characters (not bytes), as `serde_yaml` does.

use std::fmt;

/// Nesting deeper than this is skipped, not recursed into, so hostile input cannot overflow the
/// stack (`serde_yaml` stops at 128 levels anyway).
const MAX_DEPTH: usize = 96;

/// A 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1, in characters.
    pub column: usize,
}

impl Pos {
    /// The start of the file.
    pub const START: Pos = Pos { line: 1, column: 1 };

    fn at(l: usize, c: usize) -> Pos {
        Pos { line: l + 1, column: c + 1 }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// One step of a key path: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    /// A mapping key, unquoted.
    Key(String),
    /// A sequence index, from 0.
    Index(usize),
}

impl From<&str> for Seg {
    fn from(k: &str) -> Seg {
        Seg::Key(k.to_string())
    }
}

impl From<&String> for Seg {
    fn from(k: &String) -> Seg {
        Seg::Key(k.clone())
    }
}

impl From<String> for Seg {
    fn from(k: String) -> Seg {
        Seg::Key(k)
    }
}

impl From<usize> for Seg {
    fn from(i: usize) -> Seg {
        Seg::Index(i)
    }
}

/// A key path such as `settings.distribution.by_category["Billing/Refund"][1]`, built with
/// [`KeyPath::key`] and [`KeyPath::idx`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    /// The document root.
    pub fn root() -> KeyPath {
        KeyPath(Vec::new())
    }

    /// Appends a mapping key.
    pub fn key(&self, k: impl Into<String>) -> KeyPath {
        let mut v = self.0.clone();
        v.push(Seg::Key(k.into()));
        KeyPath(v)
    }

    /// Appends a sequence index.
    pub fn idx(&self, i: usize) -> KeyPath {
        let mut v = self.0.clone();
        v.push(Seg::Index(i));
        KeyPath(v)
    }

    /// Whether this is the root.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// Reads the path prefix `serde_yaml` puts in front of its messages (`accounts[1].role`,
    /// `settings.capacity`, `.` for the root). Keys containing `.` or `[` cannot be told apart
    /// from separators there; such paths are read as best they can and only steer the search.
    pub fn parse_serde(s: &str) -> Option<KeyPath> {
        if s == "." {
            return Some(KeyPath::root());
        }
        if s.is_empty() || s.chars().any(char::is_whitespace) {
            return None;
        }
        let mut segs = Vec::new();
        for part in s.split('.') {
            let (name, mut rest) = match part.find('[') {
                Some(i) => (&part[..i], &part[i..]),
                None => (part, ""),
            };
            if !name.is_empty() {
                segs.push(Seg::Key(name.to_string()));
            }
            while let Some(r) = rest.strip_prefix('[') {
                let close = r.find(']')?;
                let n: usize = r[..close].parse().ok()?;
                segs.push(Seg::Index(n));
                rest = &r[close + 1..];
            }
            if !rest.is_empty() {
                return None;
            }
        }
        Some(KeyPath(segs))
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str(".");
        }
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Seg::Index(n) => write!(f, "[{n}]")?,
                Seg::Key(k) => {
                    let plain =
                        !k.is_empty() && !k.chars().any(|c| c.is_whitespace() || matches!(c, '.' | '[' | ']' | '"'));
                    if plain {
                        if i > 0 {
                            f.write_str(".")?;
                        }
                        f.write_str(k)?;
                    } else {
                        write!(f, "[{k:?}]")?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// A node of the located tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the value starts (for an empty value: where its key is).
    pub pos: Pos,
    /// What it is.
    pub kind: Kind,
}

/// The shape of a node.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A mapping, entries in file order (duplicates kept).
    Map(Vec<Entry>),
    /// A sequence.
    Seq(Vec<Node>),
    /// A scalar with its text (quotes removed, escapes decoded); aliases keep their `*name`,
    /// block scalars read as empty.
    Scalar(String),
    /// No value (`key:` with nothing after it).
    Empty,
}

/// One mapping entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key text.
    pub key: String,
    /// Where the key is written.
    pub key_pos: Pos,
    /// The value.
    pub value: Node,
}

/// The located tree of one YAML text.
#[derive(Debug, Clone)]
pub struct Locator {
    root: Node,
}

impl Locator {
    /// Reads `source`. Never fails: unreadable parts are skipped.
    pub fn new(source: &str) -> Locator {
        let lines: Vec<Vec<char>> = source
            .split('\n')
            .enumerate()
            .map(|(i, l)| {
                let l = l.strip_suffix('\r').unwrap_or(l);
                let l = if i == 0 { l.strip_prefix('\u{feff}').unwrap_or(l) } else { l };
                l.chars().collect()
            })
            .collect();
        let p = Parser { lines };
        let root = match p.next_sig(0) {
            Some(l) => {
                let c = p.first_col(l);
                p.block_node(l, c, -1, 0).0
            }
            None => Node { pos: Pos::START, kind: Kind::Empty },
        };
        Locator { root }
    }

    /// The root node.
    pub fn root(&self) -> &Node {
        &self.root
    }

    /// The node at `path`, if the whole path can be followed (the first of duplicate keys).
    pub fn node(&self, path: &[Seg]) -> Option<&Node> {
        let mut n = &self.root;
        for s in path {
            n = child(n, s)?.1;
        }
        Some(n)
    }

    /// Where the value at `path` starts; the nearest ancestor found when the path cannot be
    /// followed to the end.
    pub fn value(&self, path: &[Seg]) -> Pos {
        let mut n = &self.root;
        for s in path {
            match child(n, s) {
                Some((_, c)) => n = c,
                None => break,
            }
        }
        n.pos
    }

    /// Where the key at the end of `path` is written (for an index: where the item starts); the
    /// nearest ancestor found when the path cannot be followed to the end.
    pub fn key(&self, path: &[Seg]) -> Pos {
        let mut n = &self.root;
        for (i, s) in path.iter().enumerate() {
            match child(n, s) {
                Some((kp, c)) => {
                    if i + 1 == path.len() {
                        return kp.unwrap_or(c.pos);
                    }
                    n = c;
                }
                None => break,
            }
        }
        n.pos
    }

    /// Where the `nth` (0-based) occurrence of key `key` is written in the mapping at `path`
    /// (duplicate keys are kept in the tree, so the second occurrence can be pointed at).
    pub fn key_occurrence(&self, path: &[Seg], key: &str, nth: usize) -> Option<Pos> {
        let n = self.node(path)?;
        match &n.kind {
            Kind::Map(es) => es.iter().filter(|e| e.key == key).nth(nth).map(|e| e.key_pos),
            _ => None,
        }
    }

    /// The first key or scalar equal to `text` inside the subtree at `path`, in file order.
    pub fn find_text(&self, path: &[Seg], text: &str) -> Option<Pos> {
        find_in(self.node(path)?, text, 0)
    }

    /// The entry whose key is written exactly at `pos`, anywhere in the tree.
    pub fn entry_at(&self, pos: Pos) -> Option<&Entry> {
        entry_at(&self.root, pos, 0)
    }

    /// Key paths of duplicated keys: (path of the mapping, key, first position, repeated position).
    pub fn duplicate_keys(&self) -> Vec<(KeyPath, String, Pos, Pos)> {
        let mut out = Vec::new();
        dups(&self.root, &mut KeyPath::root(), &mut out, 0);
        out
    }
}

/// The child of `n` at `s`, with the key position for mapping entries.
fn child<'a>(n: &'a Node, s: &Seg) -> Option<(Option<Pos>, &'a Node)> {
    match (&n.kind, s) {
        (Kind::Map(es), Seg::Key(k)) => es.iter().find(|e| &e.key == k).map(|e| (Some(e.key_pos), &e.value)),
        (Kind::Seq(items), Seg::Index(i)) => items.get(*i).map(|c| (None, c)),
        // A numeric-looking key written in a mapping (`1: x`) can be asked for by index.
        (Kind::Map(es), Seg::Index(i)) => {
            let k = i.to_string();
            es.iter().find(|e| e.key == k).map(|e| (Some(e.key_pos), &e.value))
        }
        _ => None,
    }
}

fn find_in(n: &Node, text: &str, depth: usize) -> Option<Pos> {
    if depth > MAX_DEPTH {
        return None;
    }
    match &n.kind {
        Kind::Scalar(s) if s == text => Some(n.pos),
        Kind::Map(es) => {
            es.iter().find_map(|e| if e.key == text { Some(e.key_pos) } else { find_in(&e.value, text, depth + 1) })
        }
        Kind::Seq(items) => items.iter().find_map(|c| find_in(c, text, depth + 1)),
        _ => None,
    }
}

fn entry_at(n: &Node, pos: Pos, depth: usize) -> Option<&Entry> {
    if depth > MAX_DEPTH {
        return None;
    }
    match &n.kind {
        Kind::Map(es) => {
            es.iter().find_map(|e| if e.key_pos == pos { Some(e) } else { entry_at(&e.value, pos, depth + 1) })
        }
        Kind::Seq(items) => items.iter().find_map(|c| entry_at(c, pos, depth + 1)),
        _ => None,
    }
}

fn dups(n: &Node, path: &mut KeyPath, out: &mut Vec<(KeyPath, String, Pos, Pos)>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match &n.kind {
        Kind::Map(es) => {
            for (i, e) in es.iter().enumerate() {
                if let Some(first) = es[..i].iter().find(|f| f.key == e.key) {
                    out.push((path.clone(), e.key.clone(), first.key_pos, e.key_pos));
                }
                path.0.push(Seg::Key(e.key.clone()));
                dups(&e.value, path, out, depth + 1);
                path.0.pop();
            }
        }
        Kind::Seq(items) => {
            for (i, c) in items.iter().enumerate() {
                path.0.push(Seg::Index(i));
                dups(c, path, out, depth + 1);
                path.0.pop();
            }
        }
        _ => {}
    }
}

/// The text reader. Positions are (line index, char index), both 0-based.
struct Parser {
    lines: Vec<Vec<char>>,
}

/// A position inside a flow collection, which may span lines.
#[derive(Debug, Clone, Copy)]
struct Cur {
    l: usize,
    c: usize,
}

impl Parser {
    fn ch(&self, l: usize, c: usize) -> Option<char> {
        self.lines.get(l).and_then(|line| line.get(c)).copied()
    }

    fn len(&self, l: usize) -> usize {
        self.lines.get(l).map_or(0, Vec::len)
    }

    /// Column of the first character that is not a space or tab.
    fn first_col(&self, l: usize) -> usize {
        self.lines.get(l).map_or(0, |line| line.iter().take_while(|c| **c == ' ' || **c == '\t').count())
    }

    /// Whether line `l` carries content: not blank, not a comment, not a document marker or
    /// directive.
    fn significant(&self, l: usize) -> bool {
        let Some(line) = self.lines.get(l) else { return false };
        let c = self.first_col(l);
        match line.get(c) {
            None | Some('#') => false,
            Some('%') if c == 0 => false,
            Some('-') | Some('.') if c == 0 => {
                let s: String = line.iter().take(4).collect();
                let marker = s.starts_with("---") || s.starts_with("...");
                let rest_blank = line.get(3).is_none_or(|c| c.is_whitespace());
                !(marker && rest_blank)
            }
            _ => true,
        }
    }

    /// The first significant line at or after `l`.
    fn next_sig(&self, l: usize) -> Option<usize> {
        (l..self.lines.len()).find(|&i| self.significant(i))
    }

    /// Skips spaces and tabs from `c` on line `l`.
    fn skip_ws(&self, l: usize, mut c: usize) -> usize {
        while matches!(self.ch(l, c), Some(' ' | '\t')) {
            c += 1;
        }
        c
    }

    /// Whether the line ends (or a comment starts) at `c`.
    fn at_eol(&self, l: usize, c: usize) -> bool {
        matches!(self.ch(l, c), None | Some('#'))
    }

    /// Whether line `l` is a block-sequence entry starting at column `c`.
    fn is_seq_item(&self, l: usize, c: usize) -> bool {
        self.ch(l, c) == Some('-') && matches!(self.ch(l, c + 1), None | Some(' ' | '\t'))
    }

    /// If a block-mapping key starts at `(l, c)`: its text and the column of its `:`.
    fn map_key(&self, l: usize, c: usize) -> Option<(String, usize)> {
        let first = self.ch(l, c)?;
        let (key, after) = match first {
            '"' | '\'' => {
                let (text, end) = self.quoted(Cur { l, c });
                if end.l != l {
                    return None;
                }
                (text, end.c)
            }
            '[' | '{' | '#' | '|' | '>' | '*' | '!' | '&' | '%' | '@' | '`' => return None,
            '-' | '?' | ':' if matches!(self.ch(l, c + 1), None | Some(' ' | '\t')) => return None,
            _ => {
                let mut i = c;
                loop {
                    match self.ch(l, i) {
                        None => return None,
                        Some(':') if matches!(self.ch(l, i + 1), None | Some(' ' | '\t')) => break,
                        Some('#') if i > c && matches!(self.ch(l, i - 1), Some(' ' | '\t')) => return None,
                        _ => i += 1,
                    }
                }
                let text: String = self.lines[l][c..i].iter().collect();
                (text.trim_end().to_string(), i)
            }
        };
        let colon = self.skip_ws(l, after);
        if self.ch(l, colon) == Some(':') && matches!(self.ch(l, colon + 1), None | Some(' ' | '\t')) {
            Some((key, colon))
        } else {
            None
        }
    }

    /// The line after the end of an indented block: lines that are blank or indented deeper
    /// than `parent` belong to it.
    fn skip_block(&self, mut l: usize, parent: isize) -> usize {
        while l < self.lines.len() {
            if self.significant(l) && (self.first_col(l) as isize) <= parent {
                break;
            }
            l += 1;
        }
        l
    }

    /// Reads the node starting at `(l, c)` in block context, where `parent` is the indentation
    /// of the enclosing collection (-1 at the root). Returns the node and the first line after it.
    fn block_node(&self, l: usize, c: usize, parent: isize, depth: usize) -> (Node, usize) {
        let pos = Pos::at(l, c);
        if depth > MAX_DEPTH {
            return (Node { pos, kind: Kind::Empty }, self.skip_block(l + 1, parent));
        }
        let Some(first) = self.ch(l, c) else {
            return (Node { pos, kind: Kind::Empty }, l + 1);
        };
        if self.is_seq_item(l, c) {
            return self.block_seq(l, c, depth);
        }
        if matches!(first, '&' | '!') {
            // An anchor or tag decorates the node that follows, on this line or below.
            let mut i = c;
            while self.ch(l, i).is_some_and(|ch| !ch.is_whitespace()) {
                i += 1;
            }
            let i = self.skip_ws(l, i);
            if !self.at_eol(l, i) {
                return self.block_node(l, i, parent, depth + 1);
            }
            if let Some(l2) = self.next_sig(l + 1) {
                let c2 = self.first_col(l2);
                if c2 as isize > parent || (c2 as isize == parent && self.is_seq_item(l2, c2)) {
                    return self.block_node(l2, c2, parent, depth + 1);
                }
            }
            return (Node { pos, kind: Kind::Empty }, l + 1);
        }
        if self.map_key(l, c).is_some() {
            return self.block_map(l, c, depth);
        }
        match first {
            '[' | '{' => {
                let (node, end) = self.flow(Cur { l, c }, depth);
                (node, end.l + 1)
            }
            '|' | '>' => (Node { pos, kind: Kind::Scalar(String::new()) }, self.skip_block(l + 1, parent)),
            '"' | '\'' => {
                let (text, end) = self.quoted(Cur { l, c });
                (Node { pos, kind: Kind::Scalar(text) }, end.l + 1)
            }
            _ => {
                let text = self.plain_block(l, c);
                (Node { pos, kind: Kind::Scalar(text) }, self.skip_block(l + 1, parent))
            }
        }
    }

    /// A plain scalar in block context: the rest of the line up to a comment.
    fn plain_block(&self, l: usize, c: usize) -> String {
        let line = &self.lines[l];
        let mut end = line.len();
        for i in c..line.len() {
            if line[i] == '#' && i > c && matches!(line[i - 1], ' ' | '\t') {
                end = i;
                break;
            }
        }
        line[c.min(end)..end].iter().collect::<String>().trim().to_string()
    }

    fn block_map(&self, l: usize, c: usize, depth: usize) -> (Node, usize) {
        let indent = c as isize;
        let mut entries = Vec::new();
        let mut cur = l;
        let mut next;
        loop {
            let Some((key, colon)) = self.map_key(cur, if cur == l { c } else { indent as usize }) else {
                // Not a key where one should be (invalid YAML): skip the line.
                next = cur + 1;
                match self.next_sig(next) {
                    Some(n) if self.first_col(n) as isize == indent && !self.is_seq_item(n, c) => {
                        cur = n;
                        continue;
                    }
                    _ => break,
                }
            };
            let key_pos = Pos::at(cur, if cur == l { c } else { indent as usize });
            let after = self.skip_ws(cur, colon + 1);
            let (value, nl) = if self.at_eol(cur, after) {
                match self.next_sig(cur + 1) {
                    Some(l2)
                        if (self.first_col(l2) as isize) > indent
                            || (self.first_col(l2) as isize == indent && self.is_seq_item(l2, c)) =>
                    {
                        self.block_node(l2, self.first_col(l2), indent, depth + 1)
                    }
                    _ => (Node { pos: key_pos, kind: Kind::Empty }, cur + 1),
                }
            } else {
                self.block_node(cur, after, indent, depth + 1)
            };
            entries.push(Entry { key, key_pos, value });
            next = nl.max(cur + 1);
            match self.next_sig(next) {
                Some(n) if self.first_col(n) as isize == indent && !self.is_seq_item(n, c) => cur = n,
                _ => break,
            }
        }
        (Node { pos: Pos::at(l, c), kind: Kind::Map(entries) }, next)
    }

    fn block_seq(&self, l: usize, c: usize, depth: usize) -> (Node, usize) {
        let indent = c as isize;
        let mut items = Vec::new();
        let mut cur = l;
        let mut next;
        loop {
            let after = self.skip_ws(cur, c + 1);
            let (item, nl) = if self.at_eol(cur, after) {
                match self.next_sig(cur + 1) {
                    Some(l2) if (self.first_col(l2) as isize) > indent => {
                        self.block_node(l2, self.first_col(l2), indent, depth + 1)
                    }
                    _ => (Node { pos: Pos::at(cur, c), kind: Kind::Empty }, cur + 1),
                }
            } else {
                self.block_node(cur, after, indent, depth + 1)
            };
            items.push(item);
            next = nl.max(cur + 1);
            match self.next_sig(next) {
                Some(n) if self.first_col(n) == c && self.is_seq_item(n, c) => cur = n,
                _ => break,
            }
        }
        (Node { pos: Pos::at(l, c), kind: Kind::Seq(items) }, next)
    }

    // ----- flow context and quoted scalars: a cursor that may cross lines -----

    /// Moves past spaces, line ends and comments.
    fn flow_ws(&self, mut p: Cur) -> Cur {
        loop {
            match self.ch(p.l, p.c) {
                Some(' ' | '\t') => p.c += 1,
                Some('#') if p.c == 0 || matches!(self.ch(p.l, p.c - 1), Some(' ' | '\t')) => {
                    p = Cur { l: p.l + 1, c: 0 };
                }
                None if p.l + 1 < self.lines.len() => p = Cur { l: p.l + 1, c: 0 },
                _ => return p,
            }
        }
    }

    /// A quoted scalar starting at `p` (on its quote). Returns the text and the position just
    /// after the closing quote (or the end of the text when it is not closed).
    fn quoted(&self, p: Cur) -> (String, Cur) {
        let q = self.ch(p.l, p.c).unwrap_or('"');
        let mut out = String::new();
        let mut cur = Cur { l: p.l, c: p.c + 1 };
        loop {
            let Some(ch) = self.ch(cur.l, cur.c) else {
                if cur.l + 1 >= self.lines.len() {
                    return (out, Cur { l: cur.l, c: self.len(cur.l) });
                }
                // A line break inside quotes folds to a space.
                out.push(' ');
                cur = Cur { l: cur.l + 1, c: self.first_col(cur.l + 1) };
                continue;
            };
            if ch == q {
                if q == '\'' && self.ch(cur.l, cur.c + 1) == Some('\'') {
                    out.push('\'');
                    cur.c += 2;
                    continue;
                }
                return (out, Cur { l: cur.l, c: cur.c + 1 });
            }
            if q == '"' && ch == '\\' {
                let (decoded, used) = self.escape(cur);
                out.push_str(&decoded);
                cur.c += used;
                continue;
            }
            out.push(ch);
            cur.c += 1;
        }
    }

    /// Decodes the escape at `p` (on its backslash) in a double-quoted scalar: the text and the
    /// number of characters used.
    fn escape(&self, p: Cur) -> (String, usize) {
        let Some(e) = self.ch(p.l, p.c + 1) else { return (String::new(), 1) };
        let simple = match e {
            '0' => Some('\0'),
            'a' => Some('\u{7}'),
            'b' => Some('\u{8}'),
            't' | '\t' => Some('\t'),
            'n' => Some('\n'),
            'v' => Some('\u{b}'),
            'f' => Some('\u{c}'),
            'r' => Some('\r'),
            'e' => Some('\u{1b}'),
            ' ' => Some(' '),
            '"' => Some('"'),
            '/' => Some('/'),
            '\\' => Some('\\'),
            'N' => Some('\u{85}'),
            '_' => Some('\u{a0}'),
            'L' => Some('\u{2028}'),
            'P' => Some('\u{2029}'),
            _ => None,
        };
        if let Some(s) = simple {
            return (s.to_string(), 2);
        }
        let digits = match e {
            'x' => 2,
            'u' => 4,
            'U' => 8,
            _ => return (e.to_string(), 2),
        };
        let hex: String = (0..digits).filter_map(|i| self.ch(p.l, p.c + 2 + i)).collect();
        match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
            Some(ch) if hex.len() == digits => (ch.to_string(), 2 + digits),
            _ => (e.to_string(), 2),
        }
    }

    /// A plain scalar in flow context: up to `,`, a closing bracket, `: ` or a comment.
    fn plain_flow(&self, p: Cur) -> (String, Cur) {
        let mut c = p.c;
        loop {
            match self.ch(p.l, c) {
                None | Some(',' | ']' | '}' | '[' | '{') => break,
                Some(':') if matches!(self.ch(p.l, c + 1), None | Some(' ' | '\t' | ',' | ']' | '}')) => break,
                Some('#') if c > p.c && matches!(self.ch(p.l, c - 1), Some(' ' | '\t')) => break,
                _ => c += 1,
            }
        }
        let text: String = self.lines.get(p.l).map_or(String::new(), |line| line[p.c..c].iter().collect());
        (text.trim().to_string(), Cur { l: p.l, c })
    }

    /// A flow node (collection or scalar) at `p`.
    fn flow_node(&self, p: Cur, depth: usize) -> (Node, Cur) {
        let pos = Pos::at(p.l, p.c);
        match self.ch(p.l, p.c) {
            Some('[' | '{') => self.flow(p, depth + 1),
            Some('"' | '\'') => {
                let (t, end) = self.quoted(p);
                (Node { pos, kind: Kind::Scalar(t) }, end)
            }
            Some('&' | '!') => {
                let mut c = p.c;
                while self.ch(p.l, c).is_some_and(|ch| !ch.is_whitespace() && !matches!(ch, ',' | ']' | '}')) {
                    c += 1;
                }
                let next = self.flow_ws(Cur { l: p.l, c });
                if matches!(self.ch(next.l, next.c), None | Some(',' | ']' | '}')) {
                    (Node { pos, kind: Kind::Empty }, next)
                } else {
                    self.flow_node(next, depth + 1)
                }
            }
            _ => {
                let (t, end) = self.plain_flow(p);
                (Node { pos, kind: Kind::Scalar(t) }, end)
            }
        }
    }

    /// A flow collection at `p` (on its `[` or `{`). Returns the node and the position after its
    /// closing bracket (or the end of the text).
    fn flow(&self, p: Cur, depth: usize) -> (Node, Cur) {
        let pos = Pos::at(p.l, p.c);
        let is_map = self.ch(p.l, p.c) == Some('{');
        let close = if is_map { '}' } else { ']' };
        if depth > MAX_DEPTH {
            return (Node { pos, kind: Kind::Empty }, self.skip_flow(p));
        }
        let mut entries = Vec::new();
        let mut items = Vec::new();
        let mut cur = Cur { l: p.l, c: p.c + 1 };
        loop {
            cur = self.flow_ws(cur);
            match self.ch(cur.l, cur.c) {
                None => break,
                Some(ch) if ch == close => {
                    cur.c += 1;
                    break;
                }
                Some(',') => {
                    cur.c += 1;
                    continue;
                }
                Some(']' | '}') => {
                    // Mismatched bracket (invalid YAML): end here.
                    cur.c += 1;
                    break;
                }
                _ => {}
            }
            let start = cur;
            let (node, after) = self.flow_node(cur, depth);
            let mut after = self.flow_ws(after);
            if self.ch(after.l, after.c) == Some(':') {
                // `key: value` (in a mapping, or a single-pair mapping inside a sequence).
                let v_at = self.flow_ws(Cur { l: after.l, c: after.c + 1 });
                let (value, end) = if matches!(self.ch(v_at.l, v_at.c), None | Some(',' | ']' | '}')) {
                    (Node { pos: node.pos, kind: Kind::Empty }, v_at)
                } else {
                    self.flow_node(v_at, depth)
                };
                let key = match node.kind {
                    Kind::Scalar(s) => s,
                    _ => String::new(),
                };
                let entry = Entry { key, key_pos: Pos::at(start.l, start.c), value };
                if is_map {
                    entries.push(entry);
                } else {
                    items.push(Node { pos: entry.key_pos, kind: Kind::Map(vec![entry]) });
                }
                after = end;
            } else if is_map {
                let key = match node.kind {
                    Kind::Scalar(s) => s,
                    _ => String::new(),
                };
                entries.push(Entry { key, key_pos: node.pos, value: Node { pos: node.pos, kind: Kind::Empty } });
            } else {
                items.push(node);
            }
            // Guarantee progress on text the grammar above does not expect.
            if (after.l, after.c) <= (start.l, start.c) {
                after = Cur { l: start.l, c: start.c + 1 };
            }
            cur = after;
        }
        let kind = if is_map { Kind::Map(entries) } else { Kind::Seq(items) };
        (Node { pos, kind }, cur)
    }

    /// The position after the flow collection at `p`, without building it (depth limit).
    fn skip_flow(&self, p: Cur) -> Cur {
        let mut level = 0usize;
        let mut cur = p;
        loop {
            match self.ch(cur.l, cur.c) {
                None => {
                    if cur.l + 1 >= self.lines.len() {
                        return cur;
                    }
                    cur = Cur { l: cur.l + 1, c: 0 };
                    continue;
                }
                Some('[' | '{') => level += 1,
                Some(']' | '}') => {
                    level = level.saturating_sub(1);
                    if level == 0 {
                        return Cur { l: cur.l, c: cur.c + 1 };
                    }
                }
                Some('"' | '\'') => {
                    cur = self.quoted(cur).1;
                    continue;
                }
                _ => {}
            }
            cur.c += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: usize, column: usize) -> Pos {
        Pos { line, column }
    }

    fn kp(segs: &[Seg]) -> Vec<Seg> {
        segs.to_vec()
    }

    const DOC: &str = "\
# a comment
name: demo   # trailing comment
accounts:
  - id: boss
    role: admin
  - {id: a1, role: agent, manager: bosss}
  -
    id: a2
    role: agent
teams:
- prefix: agent
  count: 3
settings:
  distribution:
    by_category:
      \"Billing/Refund\": [a1, 'a2', boss]
      Sales/New:
        - a1
        - x9
  meal:
    collective_window: {start: \"12:00\",
                        end: \"13:00\"}
description: |
  free text: with a colon
  - and a dash
seed: 7
";

    #[test]
    fn block_mappings_and_sequences() {
        let loc = Locator::new(DOC);
        assert_eq!(loc.value(&kp(&["name".into()])), p(2, 7));
        assert_eq!(loc.key(&kp(&["name".into()])), p(2, 1));
        assert_eq!(loc.value(&kp(&["accounts".into(), 0.into(), "role".into()])), p(5, 11));
        assert_eq!(loc.key(&kp(&["accounts".into(), 2.into(), "role".into()])), p(9, 5));
        assert_eq!(loc.value(&kp(&["accounts".into(), 2.into()])), p(8, 5));
        // A sequence at its key's indentation.
        assert_eq!(loc.value(&kp(&["teams".into(), 0.into(), "count".into()])), p(12, 10));
        assert_eq!(loc.value(&kp(&["seed".into()])), p(26, 7));
        assert_eq!(loc.node(&kp(&["name".into()])).map(|n| n.kind.clone()), Some(Kind::Scalar("demo".into())));
    }

    #[test]
    fn flow_collections_and_quoted_keys() {
        let loc = Locator::new(DOC);
        assert_eq!(loc.value(&kp(&["accounts".into(), 1.into(), "manager".into()])), p(6, 36));
        assert_eq!(loc.key(&kp(&["accounts".into(), 1.into(), "manager".into()])), p(6, 27));
        let by = |k: &str, i: usize| {
            loc.value(&kp(&["settings".into(), "distribution".into(), "by_category".into(), k.into(), i.into()]))
        };
        assert_eq!(by("Billing/Refund", 0), p(16, 26));
        assert_eq!(by("Billing/Refund", 1), p(16, 30));
        assert_eq!(by("Billing/Refund", 2), p(16, 36));
        assert_eq!(by("Sales/New", 1), p(19, 11));
        assert_eq!(
            loc.key(&kp(&["settings".into(), "distribution".into(), "by_category".into(), "Billing/Refund".into()])),
            p(16, 7)
        );
        // A flow mapping across two lines.
        let w = kp(&["settings".into(), "meal".into(), "collective_window".into(), "end".into()]);
        assert_eq!(loc.value(&w), p(22, 30));
    }

    #[test]
    fn block_scalars_are_skipped() {
        let loc = Locator::new(DOC);
        assert_eq!(loc.value(&kp(&["description".into()])), p(23, 14));
        assert_eq!(loc.node(&kp(&["description".into()])).map(|n| n.kind.clone()), Some(Kind::Scalar(String::new())));
    }

    #[test]
    fn missing_paths_fall_back_to_the_nearest_ancestor() {
        let loc = Locator::new(DOC);
        assert_eq!(loc.value(&kp(&["accounts".into(), 7.into(), "role".into()])), p(4, 3));
        assert_eq!(loc.key(&kp(&["settings".into(), "nope".into()])), p(14, 3));
        assert_eq!(loc.value(&kp(&["nope".into()])), p(2, 1));
        assert!(loc.node(&kp(&["nope".into()])).is_none());
    }

    #[test]
    fn finds_text_keys_and_duplicates() {
        let loc = Locator::new(DOC);
        assert_eq!(loc.find_text(&kp(&["accounts".into()]), "bosss"), Some(p(6, 36)));
        assert_eq!(loc.find_text(&kp(&["settings".into()]), "x9"), Some(p(19, 11)));
        assert_eq!(loc.find_text(&[], "nowhere"), None);
        let e = loc.entry_at(p(5, 5)).map(|e| (e.key.clone(), e.value.pos));
        assert_eq!(e, Some(("role".to_string(), p(5, 11))));

        let dup = Locator::new("a: 1\nb:\n  c: 1\n  d: 2\n  c: 3\n");
        assert_eq!(dup.duplicate_keys(), vec![(KeyPath::root().key("b"), "c".to_string(), p(3, 3), p(5, 3))]);
        assert_eq!(dup.key_occurrence(&kp(&["b".into()]), "c", 1), Some(p(5, 3)));
    }

    #[test]
    fn quoted_scalars_decode_escapes() {
        let loc = Locator::new("a: 'it''s'\nb: \"x\\ty\\u0041\"\nc: \"two\n  lines\"\nd: after\n");
        let text = |k: &str| loc.node(&kp(&[k.into()])).map(|n| n.kind.clone());
        assert_eq!(text("a"), Some(Kind::Scalar("it's".into())));
        assert_eq!(text("b"), Some(Kind::Scalar("x\tyA".into())));
        assert_eq!(text("c"), Some(Kind::Scalar("two lines".into())));
        assert_eq!(loc.value(&kp(&["d".into()])), p(5, 4));
    }

    #[test]
    fn anchors_tags_and_empty_values() {
        let loc = Locator::new("base: &b\n  x: 1\nother: !tag [1, 2]\nnone:\nlast: *b\n");
        assert_eq!(loc.value(&kp(&["base".into(), "x".into()])), p(2, 6));
        assert_eq!(loc.value(&kp(&["other".into(), 1.into()])), p(3, 17));
        assert_eq!(loc.value(&kp(&["none".into()])), p(4, 1));
        assert_eq!(loc.value(&kp(&["last".into()])), p(5, 7));
    }

    #[test]
    fn serde_paths_round_trip() {
        let k = KeyPath::parse_serde("accounts[1].role").map(|k| k.to_string());
        assert_eq!(k.as_deref(), Some("accounts[1].role"));
        assert_eq!(KeyPath::parse_serde("."), Some(KeyPath::root()));
        assert_eq!(KeyPath::parse_serde("a b"), None);
        assert_eq!(KeyPath::parse_serde("a[x]"), None);
        let p = KeyPath::root().key("by_category").key("Sales Team/New").idx(2);
        assert_eq!(p.to_string(), "by_category[\"Sales Team/New\"][2]");
    }

    #[test]
    fn never_panics_on_junk() {
        let samples = [
            "",
            "\n\n",
            "---\n",
            "- a\n- [b, {c: d\n",
            "a: [1, 2\nb: 3",
            "\t\tx: 1\n y",
            "key: \"unterminated\n",
            "'",
            "\"\\",
            "\"\\u12",
            "{{{{{{{{",
            "]]]]}}}",
            "? complex\n: value\n",
            ":\n:\n- - - -\n",
            "a:\n  - b\n c: 1\n",
            "\u{feff}x: y",
            "é: ü\n  ß: [ä, ö]",
            "a: 'x\n\n\n",
            "- &a\n- *a\n- !t\n",
            "a: {b: [c, {d: e}], f}\n",
        ];
        for s in samples {
            let loc = Locator::new(s);
            let _ = loc.value(&kp(&["a".into(), 0.into(), "b".into()]));
            let _ = loc.duplicate_keys();
        }
        let deep = "[".repeat(10_000);
        let _ = Locator::new(&deep);
        let deep_block: String = (0..500).map(|i| format!("{}k{i}:\n", " ".repeat(i))).collect();
        let _ = Locator::new(&deep_block).duplicate_keys();
        let deep_seq: String = (0..500).map(|i| format!("{}-\n", " ".repeat(i))).collect();
        let _ = Locator::new(&deep_seq);
    }
}
