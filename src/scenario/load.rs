//! Loading a scenario file: YAML text → [`ScenarioFile`] → semantic checks → [`Scenario`].
//!
//! Errors are input errors, never panics (D6 for events; §3 "Setting-value validation" for
//! settings: "an unknown key, a value outside its domain, or a delay / duration not on its step
//! grid is an input error (file, line, column, expected values), never a silent clamp"). Every
//! [`ScenarioError`] names `file:line:column`, says what was expected and carries a hint.
//!
//! Three passes, each stopping at its first error:
//! 1. YAML syntax and structure, read into a generic value: bad indentation, tabs, unclosed
//!    brackets, duplicate keys (which typed maps would otherwise silently overwrite), several
//!    documents, a root that is not a mapping.
//! 2. Types, through the serde model with `deny_unknown_fields`: unknown keys, unknown enum
//!    values, missing keys, values off their grid (the settings newtypes validate while parsing).
//!    `serde_yaml`'s messages are kept where they are clear and rewritten where they are not; the
//!    position it reports is refined with the [`Locator`] (it often points at the enclosing
//!    mapping, or nowhere, for values checked after parsing).
//! 3. Semantics across the document ([`validate`]): references between sections, windows
//!    inside working time, shares in [0, 1], and so on. All problems are collected and the first
//!    in file order is reported.

use std::fmt::Write as _;
use std::path::Path;

use super::locate::{KeyPath, Locator, Pos};
use super::model::{AccountEntry, ScenarioFile};

pub mod validate;

/// A loaded, validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The typed file.
    pub file: ScenarioFile,
    /// The path it was read from, as given (used in error messages).
    pub path: String,
    /// The text it was read from (kept so later stages can locate their own errors).
    pub source: String,
    /// Every account (E2), teams expanded, in declaration order: the explicit `accounts` first,
    /// then each team's `<prefix>-01`, `<prefix>-02`, … (zero-padded to the width of `count`, at
    /// least two digits). This order is the registration order `E2.order` (D3).
    pub accounts: Vec<AccountEntry>,
}

impl Scenario {
    /// A locator over the scenario text, for later stages that report positioned errors.
    pub fn locator(&self) -> Locator {
        Locator::new(&self.source)
    }
}

/// An input error in a scenario file.
///
/// Displayed as `file:line:column: message` and, with a hint, a second line `  hint: …`.
/// Line and column are 1-based and count characters; an I/O error has line and column 0.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}{}", hint_suffix(.hint))]
pub struct ScenarioError {
    /// The file, as given.
    pub file: String,
    /// Line, from 1 (0 when the file could not be read).
    pub line: usize,
    /// Column, from 1, in characters (0 when the file could not be read).
    pub column: usize,
    /// What is wrong and what was expected.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

fn hint_suffix(hint: &Option<String>) -> String {
    match hint {
        Some(h) => format!("\n  hint: {h}"),
        None => String::new(),
    }
}

impl ScenarioError {
    /// An error at `pos`.
    pub fn at(file: &str, pos: Pos, message: impl Into<String>, hint: impl Into<String>) -> ScenarioError {
        let hint = hint.into();
        ScenarioError {
            file: file.to_string(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
            hint: if hint.is_empty() { None } else { Some(hint) },
        }
    }

    /// The position.
    pub fn pos(&self) -> Pos {
        Pos { line: self.line, column: self.column }
    }
}

/// Reads and loads a scenario file. An unreadable file is an error at line 0, column 0; a file
/// that is not UTF-8 text is an error at its first invalid byte.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        ScenarioError::at(
            &name,
            Pos { line: 0, column: 0 },
            format!("cannot read the scenario file: {e}"),
            "check the path; scenario files usually live under scenarios/",
        )
    })?;
    let source = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
            return Err(ScenarioError::at(
                &name,
                end_of(&prefix),
                "the file is not UTF-8 text: expected a YAML text file",
                "save the file as UTF-8; is it a binary file or a different encoding?",
            ));
        }
    };
    parse(&source, &name)
}

/// Parses and validates scenario text; `path` is only used in messages.
pub fn parse(source: &str, path: &str) -> Result<Scenario, ScenarioError> {
    let loc = Locator::new(source);

    // Pass 1: syntax and document structure.
    if let Some(pos) = too_deep(source) {
        return Err(ScenarioError::at(
            path,
            pos,
            format!("the YAML nests too deeply (more than {MAX_NESTING} brackets): expected a scenario document"),
            "look for runaway brackets `[[[` or `{{{`",
        ));
    }
    let value: serde_yaml::Value = serde_yaml::from_str(source).map_err(|e| translate(&e, source, path, &loc))?;
    let found = match &value {
        serde_yaml::Value::Mapping(_) => None,
        serde_yaml::Value::Null => {
            return Err(ScenarioError::at(
                path,
                Pos::START,
                "the scenario file is empty: expected a mapping with at least `name`, `start` and `horizon`",
                "start from scenarios/quickstart.yaml or the example in docs/SCENARIOS.md",
            ));
        }
        serde_yaml::Value::Sequence(_) => Some("a list"),
        serde_yaml::Value::Tagged(_) => Some("a tagged value"),
        _ => Some("a single value"),
    };
    if let Some(found) = found {
        return Err(ScenarioError::at(
            path,
            loc.root().pos,
            format!(
                "expected a mapping of scenario keys at the top level (`name:`, `start:`, `horizon:`, …), found {found}"
            ),
            "a scenario file is a mapping: write `name: my-scenario`, `start: 2026-11-23T08:00:00`, `horizon: 1d`, … each at the start of a line (no leading `- `)",
        ));
    }

    // Pass 2: types.
    let file: ScenarioFile = serde_yaml::from_str(source).map_err(|e| translate(&e, source, path, &loc))?;

    // Pass 3: semantics (before expanding teams: it bounds their counts).
    if let Some(first) = validate::validate(&file, &loc, path).into_iter().next() {
        return Err(first);
    }
    let accounts = expand_accounts(&file);
    Ok(Scenario { file, path: path.to_string(), source: source.to_string(), accounts })
}

/// `serde_yaml` refuses nesting deeper than 128 levels, but only after reading it all, which takes
/// seconds for a long run of `[`; this bound stops such input first.
const MAX_NESTING: usize = 128;

/// Where flow brackets first nest deeper than [`MAX_NESTING`] (outside quotes and comments). A
/// rough scan: it only has to be right for input that nests absurdly deep.
fn too_deep(source: &str) -> Option<Pos> {
    let (mut depth, mut line, mut column) = (0usize, 1usize, 0usize);
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut prev = '\n';
    for ch in source.chars() {
        column += 1;
        match (quote, ch) {
            (_, '\n') => {
                line += 1;
                column = 0;
                comment = false;
            }
            _ if comment => {}
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            // A quote opens a quoted scalar only where a scalar can start (`it's` is plain).
            (None, '"' | '\'') if prev.is_whitespace() || matches!(prev, '[' | '{' | ',' | ':' | '-') => {
                quote = Some(ch)
            }
            (None, '#') if prev.is_whitespace() => comment = true,
            (None, '[' | '{') => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(Pos { line, column });
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        prev = ch;
    }
    None
}

/// Every account, teams expanded (see [`Scenario::accounts`]).
pub fn expand_accounts(file: &ScenarioFile) -> Vec<AccountEntry> {
    let mut out = file.accounts.clone();
    for t in &file.teams {
        for i in 1..=t.count {
            out.push(team_member(t, i));
        }
    }
    out
}

/// The id of member `i` (from 1) of a team of `count`: `<prefix>-NN`, zero-padded to the width
/// of `count`, at least two digits.
pub fn member_id(prefix: &str, i: u32, count: u32) -> String {
    let width = count.to_string().len().max(2);
    format!("{prefix}-{i:0width$}")
}

fn team_member(t: &super::model::TeamSpec, i: u32) -> AccountEntry {
    AccountEntry {
        id: member_id(&t.prefix, i, t.count),
        role: t.role,
        name: None,
        manager: t.manager.clone(),
        consults: true,
        auth: Default::default(),
        capacity: t.capacity,
        auto_reply: t.auto_reply,
        admin_view: false,
        shift: t.shift.clone(),
        logged_in: t.logged_in,
    }
}

/// The position just after `text` (1-based), for errors found at the end of a prefix.
fn end_of(text: &str) -> Pos {
    let line = text.matches('\n').count() + 1;
    let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Pos { line, column }
}

// -------------------------------------------------------------------------------------------
// serde_yaml errors
// -------------------------------------------------------------------------------------------

/// What the locator should look for to place an error more precisely than `serde_yaml` did.
enum Target {
    /// The `nth` occurrence of a key in the mapping at the error's path.
    Key(String, usize),
    /// A key or scalar with this text inside the subtree at the error's path.
    Text(String),
    /// The node at the error's path.
    Node,
    /// Wherever `serde_yaml` said.
    Serde,
}

/// Turns a `serde_yaml` error into a [`ScenarioError`] with a clear message, a hint and the best
/// position available.
fn translate(e: &serde_yaml::Error, source: &str, file: &str, loc: &Locator) -> ScenarioError {
    let serde_pos = e.location().map(|l| Pos { line: l.line(), column: l.column() });
    let full = strip_marks(&e.to_string());
    let (path, raw_path, body) = split_path(&full);
    let (message, hint, target) = describe(&body, path.as_ref());

    let path_ref = path.as_ref().map(|p| p.0.as_slice()).unwrap_or(&[]);
    let precise = match &target {
        // No path prefix means the root mapping.
        Target::Key(k, nth) => loc.key_occurrence(path_ref, k, *nth),
        Target::Text(t) => loc.find_text(path_ref, t).or_else(|| loc.find_text(&[], t)),
        Target::Node => path.as_ref().and_then(|_| loc.node(path_ref)).map(|n| n.pos),
        Target::Serde => None,
    };
    let pos = precise
        .or_else(|| {
            // A value error reported at its key: point at the value.
            let p = serde_pos?;
            match loc.entry_at(p) {
                Some(entry) if matches!(target, Target::Text(_)) => Some(entry.value.pos),
                _ => Some(p),
            }
        })
        .or_else(|| other_document(source))
        .or_else(|| path.as_ref().map(|p| loc.value(&p.0)))
        .unwrap_or(Pos::START);

    let message = match (&path, raw_path) {
        (Some(p), _) if !p.is_root() => format!("{p}: {message}"),
        (None, Some(raw)) => format!("{raw}: {message}"),
        _ => message,
    };
    ScenarioError::at(file, pos, message, hint)
}

/// Explains an error from deserializing an in-memory value (no position, no path), such as a
/// `settings_changed` patch: the message, the hint, and a key or value text to locate it by.
pub(crate) fn explain_value_error(raw: &str) -> (String, String, Option<String>) {
    let full = strip_marks(raw);
    let (path, _, body) = split_path(&full);
    let (message, hint, target) = describe(&body, path.as_ref());
    let text = match target {
        Target::Key(k, _) | Target::Text(k) => Some(k),
        Target::Node | Target::Serde => None,
    };
    (message, hint, text)
}

/// Removes the ` at line N column M` / ` at position N` marks `serde_yaml` appends: the position
/// is reported separately.
fn strip_marks(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(" at ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 4..];
        if let Some(n) = skip_mark(after) {
            rest = &after[n..];
        } else {
            out.push_str(" at ");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Length of a `line N column M` or `position N` mark at the start of `s`.
fn skip_mark(s: &str) -> Option<usize> {
    let digits = |t: &str| t.bytes().take_while(u8::is_ascii_digit).count();
    if let Some(t) = s.strip_prefix("line ") {
        let a = digits(t);
        let t2 = t[a..].strip_prefix(" column ")?;
        let b = digits(t2);
        (a > 0 && b > 0).then_some(5 + a + 8 + b)
    } else if let Some(t) = s.strip_prefix("position ") {
        let a = digits(t);
        (a > 0).then_some(9 + a)
    } else {
        None
    }
}

/// The message kinds whose text follows `serde_yaml`'s `path: ` prefix.
const KNOWN_STARTS: [&str; 10] = [
    "unknown field",
    "unknown variant",
    "missing field",
    "duplicate field",
    "duplicate entry",
    "invalid type",
    "invalid value",
    "invalid length",
    "data did not match",
    "invalid ",
];

/// Splits `serde_yaml`'s `path: message` into the path, the path as written (for paths it cannot
/// read, such as keys with tabs) and the message. The path comes first, so only the first `: `
/// can end it; a prefix with spaces is only taken for a path before a known message kind.
fn split_path(full: &str) -> (Option<KeyPath>, Option<String>, String) {
    let Some(i) = full.find(": ") else { return (None, None, full.to_string()) };
    let (prefix, rest) = (&full[..i], &full[i + 2..]);
    let known = KNOWN_STARTS.iter().any(|k| rest.starts_with(k));
    let parsed = if !prefix.chars().any(char::is_whitespace) {
        KeyPath::parse_serde(prefix)
    } else if known {
        parse_spaced_path(prefix)
    } else {
        None
    };
    match parsed {
        Some(p) => (Some(p), None, rest.to_string()),
        None if known => (None, Some(prefix.to_string()), rest.to_string()),
        None => (None, None, full.to_string()),
    }
}

/// A `serde_yaml` path whose keys contain spaces (`by_category.Sales Team/New[1]`).
fn parse_spaced_path(prefix: &str) -> Option<KeyPath> {
    let squeezed: String = prefix.chars().map(|c| if c == ' ' { '\u{1}' } else { c }).collect();
    let p = KeyPath::parse_serde(&squeezed)?;
    Some(KeyPath(
        p.0.into_iter()
            .map(|s| match s {
                super::locate::Seg::Key(k) => super::locate::Seg::Key(k.replace('\u{1}', " ")),
                other => other,
            })
            .collect(),
    ))
}

/// The text between the first pair of backticks.
fn backticked(s: &str) -> Option<String> {
    let a = s.find('`')?;
    let b = s[a + 1..].find('`')? + a + 1;
    Some(s[a + 1..b].to_string())
}

/// All backticked words (`a`, `b`, …) of an "expected one of" list.
fn backticked_all(s: &str) -> Vec<String> {
    s.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// The message, hint and locator target for one `serde_yaml` message (path already removed).
fn describe(body: &str, path: Option<&KeyPath>) -> (String, String, Target) {
    let in_scripted = path.is_some_and(|p| matches!(p.0.first(), Some(super::locate::Seg::Key(k)) if k == "scripted"));

    if let Some(rest) = body.strip_prefix("unknown field ") {
        let field = backticked(rest).unwrap_or_default();
        let mut known = match rest.find("expected") {
            Some(i) => backticked_all(&rest[i..]),
            None => Vec::new(),
        };
        let mut message = body.to_string();
        if in_scripted && path.is_some_and(|p| p.0.len() == 2) {
            known.extend(["at", "after", "event"].map(String::from));
            message = format!("{body} (besides `at` or `after`, and `event`)");
        }
        let hint = match did_you_mean(&field, &known) {
            Some(s) => format!("did you mean `{s}`?"),
            None => match misplaced(&field) {
                Some(home) => format!("`{field}` belongs under `{home}`; check the indentation"),
                None => "remove it, or check its spelling and indentation (a key indented at the wrong level \
                         lands in the enclosing mapping); the keys allowed here are listed above"
                    .to_string(),
            },
        };
        return (message, hint, Target::Key(field, 0));
    }
    if let Some(rest) = body.strip_prefix("unknown variant ") {
        let variant = backticked(rest).unwrap_or_default();
        let known = match rest.find("expected") {
            Some(i) => backticked_all(&rest[i..]),
            None => Vec::new(),
        };
        let hint = match did_you_mean(&variant, &known) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "use one of the values listed; docs/SCENARIOS.md describes each".to_string(),
        };
        let message = if in_scripted && path.is_some_and(|p| p.0.len() == 2) {
            format!("unknown event {rest}")
        } else {
            format!("unknown value {rest}")
        };
        return (message, hint, Target::Text(variant));
    }
    if let Some(rest) = body.strip_prefix("missing field ") {
        let field = backticked(rest).unwrap_or_default();
        let example = missing_example(&field, path);
        return (
            format!("missing required key `{field}`: expected a `{field}:` entry in this mapping"),
            format!("add {example}"),
            Target::Node,
        );
    }
    if let Some(rest) = body.strip_prefix("duplicate field ") {
        let field = backticked(rest).unwrap_or_default();
        return (
            format!("duplicate key `{field}`: expected each key once per mapping"),
            "remove one of the two; the second would otherwise replace the first".to_string(),
            Target::Key(field, 1),
        );
    }
    if let Some(rest) = body.strip_prefix("duplicate entry with key ") {
        let key = rest.trim().trim_matches('"').to_string();
        return (
            format!("duplicate key `{key}`: expected each key once per mapping"),
            "remove one of the two; the second would otherwise silently replace the first".to_string(),
            Target::Key(key, 1),
        );
    }
    if let Some(rest) = body.strip_prefix("invalid type: ") {
        let (found, expected) = split_found_expected(rest);
        let exp = readable_expected(expected);
        let target = match found_text(found) {
            Some(t) => Target::Text(t),
            None => Target::Node,
        };
        if found == "unit value" {
            return (
                format!("missing value: expected {exp}"),
                "write a value after the colon, or remove the key to use its default".to_string(),
                Target::Node,
            );
        }
        let hint = if found.starts_with("integer `-") && expected.starts_with('u') {
            "this value cannot be negative".to_string()
        } else if found == "enum" {
            "a YAML tag `!name` is not expected here; remove it".to_string()
        } else {
            type_hint(expected)
        };
        return (format!("invalid type: expected {exp}, found {}", readable_found(found)), hint, target);
    }
    if let Some(rest) = body.strip_prefix("invalid value: ") {
        let (found, expected) = split_found_expected(rest);
        let exp = readable_expected(expected);
        let target = match found_text(found) {
            Some(t) => Target::Text(t),
            None => Target::Node,
        };
        let hint = if found.starts_with("integer `-") && expected.starts_with('u') {
            "this value cannot be negative".to_string()
        } else {
            type_hint(expected)
        };
        return (format!("invalid value: expected {exp}, found {}", readable_found(found)), hint, target);
    }
    if let Some(rest) = body.strip_prefix("data did not match any variant of untagged enum ") {
        let ty = rest.trim();
        let (what, hint) = match ty {
            "RateProfile" => (
                "an arrival rate",
                "write `rate_per_hour: 30`, or `profile: {weekday: [24 hourly rates], saturday: [...], sunday: [...], scale: 1.0}`",
            ),
            "Distribution" => (
                "a distribution",
                "write one of `constant: 10m`, `exponential: {mean: 10m}`, `uniform: {min: 1m, max: 5m}`, `lognormal: {mean: 5m, sd: 2m}`, `gamma: {shape: 2, mean: 5m}`, `erlang: {k: 2, mean: 5m}`, `empirical: {values: [...], weights: [...]}`",
            ),
            _ => ("an accepted form", "see docs/SCENARIOS.md for the accepted forms"),
        };
        return (
            format!("the value is not {what} ({ty}): it matches none of the accepted forms"),
            hint.to_string(),
            Target::Node,
        );
    }
    if body.starts_with("EOF while parsing") {
        return (
            "the file ends where a value was expected".to_string(),
            "is the file truncated? check the last lines".to_string(),
            Target::Serde,
        );
    }
    if body.starts_with("deserializing from YAML containing more than one document") {
        return (
            "the file holds more than one YAML document (a second `---`): expected exactly one".to_string(),
            "remove the `---` line, or split the file into one scenario per file".to_string(),
            Target::Serde,
        );
    }
    if body.starts_with("recursion limit exceeded") {
        return (
            "the YAML nests too deeply (more than 128 levels): expected a scenario document".to_string(),
            "look for runaway brackets `[[[` or `{{{`".to_string(),
            Target::Serde,
        );
    }
    if body.starts_with("repetition limit exceeded") {
        return (
            "the YAML expands too many aliases: expected a scenario document".to_string(),
            "use anchors and aliases sparingly; a scenario needs no nested alias expansion".to_string(),
            Target::Serde,
        );
    }
    if body.starts_with("unknown anchor") {
        return (
            "unknown alias: expected an anchor `&name` defined before the alias `*name` that uses it".to_string(),
            "define the anchor `&name` on an earlier value, or write the value out".to_string(),
            Target::Serde,
        );
    }
    if let Some((expected, hint)) = syntax_help(body) {
        return (format!("YAML syntax error: {body}; expected {expected}"), hint.to_string(), Target::Serde);
    }

    // A message written by one of the model's own parsers (durations, times, grids, …): those
    // already say what was expected; some carry an inline "(hint: …)".
    let (msg, inline_hint) = match body.find(" (hint: ") {
        Some(i) if body.ends_with(')') => (body[..i].to_string(), Some(body[i + 8..body.len() - 1].to_string())),
        _ => (body.to_string(), None),
    };
    let known = custom_hint(&msg);
    let hint = match (inline_hint, known) {
        (Some(inline), Some(h)) => format!("{h}, for example {inline}"),
        (Some(inline), None) => inline,
        (None, Some(h)) => h.to_string(),
        (None, None) => "see docs/SCENARIOS.md for the expected form".to_string(),
    };
    let target = match backticked(&msg) {
        Some(t) => Target::Text(t),
        None => Target::Serde,
    };
    (msg, hint, target)
}

/// Splits `found, expected exp` (the form of serde's invalid-type/value messages).
fn split_found_expected(rest: &str) -> (&str, &str) {
    match rest.rfind(", expected ") {
        Some(i) => (&rest[..i], &rest[i + 11..]),
        None => (rest, "another type"),
    }
}

/// The source text of the offending value in a serde "found" part, for locating it.
fn found_text(found: &str) -> Option<String> {
    if let Some(s) = found.strip_prefix("string ") {
        let inner = s.strip_prefix('"')?.strip_suffix('"')?;
        return Some(inner.replace("\\\"", "\"").replace("\\\\", "\\"));
    }
    backticked(found)
}

fn readable_found(found: &str) -> String {
    match found {
        "sequence" => "a list".to_string(),
        "map" => "a mapping".to_string(),
        "unit value" => "nothing".to_string(),
        "enum" => "a tagged value".to_string(),
        other => other.to_string(),
    }
}

fn readable_expected(exp: &str) -> String {
    let e = exp.trim();
    match e {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number (0 or more)".to_string(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".to_string(),
        "f32" | "f64" => "a number".to_string(),
        "a boolean" => "true or false".to_string(),
        "a string" => "a text value".to_string(),
        "a sequence" => "a list".to_string(),
        "a map" => "a mapping".to_string(),
        "field identifier" | "variant identifier" => "a plain key".to_string(),
        _ => {
            if let Some(ty) = e.strip_prefix("struct ") {
                format!("a mapping ({ty})")
            } else if let Some(ty) = e.strip_prefix("internally tagged enum ") {
                format!("a mapping with `event:` ({ty})")
            } else if let Some(ty) = e.strip_prefix("enum ") {
                format!("one of the forms of {ty}")
            } else {
                e.to_string()
            }
        }
    }
}

fn type_hint(expected: &str) -> String {
    let e = expected.trim();
    let int = ["u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "isize"];
    let h = if int.contains(&e) {
        "write a whole number without quotes"
    } else if e == "f32" || e == "f64" {
        "write a number without quotes, for example 0.25"
    } else if e == "a boolean" {
        "write true or false, without quotes"
    } else if e == "a string" {
        "write a text value; quote it if it contains `: `, `#`, `[`, `{` or starts with `*`, `&`, `!`"
    } else if e == "a sequence" || e.starts_with("a sequence") {
        "write a list as `[a, b]`, or as `- a` lines indented under the key"
    } else if e == "field identifier" || e == "variant identifier" {
        "a key here is itself a list or mapping: check for a stray `{`, `[` or `?` before it, or quote the key"
    } else if e == "a map" || e.starts_with("struct ") || e.contains("enum ") {
        "write `key: value` pairs indented under the key, or `{key: value}`"
    } else {
        "see docs/SCENARIOS.md for the expected form"
    };
    h.to_string()
}

/// What was expected and a hint, for the syntax errors libyaml reports; `None` if `body` is not
/// one.
fn syntax_help(body: &str) -> Option<(&'static str, &'static str)> {
    const TABLE: [(&str, &str, &str); 15] = [
        ("tab character", "spaces for indentation", "indent with spaces: YAML does not allow tabs for indentation"),
        (
            "mapping keys are not allowed",
            "a value here",
            "a key appears where a value belongs; check the indentation, or quote a value starting with `?`",
        ),
        (
            "mapping values are not allowed",
            "one `key: value` per line",
            "a plain value cannot contain `: `; quote it (`text: \"a: b\"`), or check the indentation of this line and the one above",
        ),
        (
            "block sequence entries are not allowed",
            "a list on the lines below its key",
            "a `- item` cannot follow a key on the same line; put the list on the next lines, indented",
        ),
        (
            "did not find expected key",
            "a key aligned with the others of its mapping",
            "check the indentation: the keys of one mapping must start in the same column",
        ),
        (
            "did not find expected '-' indicator",
            "a `- ` list item aligned with the others",
            "check the indentation: the items of one list must start in the same column",
        ),
        (
            "did not find expected ',' or ']'",
            "`,` or `]` in a flow list",
            "a flow list `[a, b]` is not closed, or an item in it needs quotes",
        ),
        (
            "did not find expected ',' or '}'",
            "`,` or `}` in a flow mapping",
            "a flow mapping `{a: 1, b: 2}` is not closed, or a value in it needs quotes",
        ),
        (
            "did not find expected node content",
            "a value",
            "a value is missing or starts with a reserved character; quote it",
        ),
        ("could not find expected ':'", "`: ` after a key", "a key must be followed by `: ` (colon and space)"),
        (
            "found unexpected end of stream",
            "the closing quote or bracket",
            "the file ends inside a quoted value or bracket; is it truncated, or is a quote not closed?",
        ),
        (
            "found unknown escape character",
            "a valid escape such as `\\n` or `\\\\`",
            "in double quotes a backslash starts an escape; write `\\\\` for a backslash, or use single quotes",
        ),
        (
            "found character that cannot start any token",
            "a value that starts with a letter, digit or quote",
            "values starting with `@`, `` ` `` or `%` must be quoted",
        ),
        (
            "control characters are not allowed",
            "printable text",
            "the file contains control characters: is it a text file?",
        ),
        ("invalid leading UTF-8 octet", "UTF-8 text", "the file is not UTF-8 text: is it a text file?"),
    ];
    if let Some((_, e, h)) = TABLE.iter().find(|(k, _, _)| body.contains(k)) {
        return Some((e, h));
    }
    let generic = ["found ", "did not find", "could not find", "while scanning", "while parsing"];
    generic
        .iter()
        .any(|g| body.contains(g))
        .then_some(("well-formed YAML", "check the indentation and quoting around this position"))
}

/// Hints for the model's own messages.
fn custom_hint(msg: &str) -> Option<&'static str> {
    let table: [(&str, &str); 12] = [
        ("invalid duration", "durations are written 90s, 10m, 1h30m, 2d or as a number of seconds"),
        ("a duration cannot be negative", "durations are 0 or more: 90s, 10m, 1h30m"),
        ("invalid date-time", "write a local date-time such as 2026-11-23T09:00:00 (or 2026-11-23 for midnight)"),
        ("invalid date", "write a date such as 2026-12-01"),
        (
            "invalid time of day",
            "write times as quoted \"HH:MM\", for example \"09:00\" or \"24:00\" for an end at midnight",
        ),
        (
            "invalid backlog start delay",
            "X16: the product offers 0 (from the start of work) or 10 to 60 minutes in steps of 10",
        ),
        (
            "invalid capacity",
            "X8: the limit is at least 1 room per agent; to lift the limit set `capacity.enabled: false`",
        ),
        ("invalid unassigned auto-close days", "X17: 1 to 7 days, or leave the key out for no auto-close"),
        ("expected Y or N", "intake switches (X3, X4, X6, X9) take Y or N (yes/no/true/false also work)"),
        (
            "invalid working hours",
            "X2: `off`, `{all_day: true}` or `{start: \"09:00\", end: \"18:00\"}` (add `end_next_day: true` past midnight)",
        ),
        ("invalid time window", "windows are same-day [start, end), for example `{start: \"12:00\", end: \"13:00\"}`"),
        ("invalid auto-close duration", "X18/X19 auto-close delays run from 10m to 6d23h50m in 10-minute steps"),
    ];
    table.iter().find(|(k, _)| msg.contains(k)).map(|(_, h)| *h)
}

/// An example line for a missing key.
fn missing_example(field: &str, path: Option<&KeyPath>) -> String {
    let ex = match field {
        "name" => "`name: my-scenario` (reports go to reports/<name>/)",
        "start" => "`start: 2026-11-23T08:00:00` (local date-time)",
        "horizon" => "`horizon: 1d` (how long to simulate)",
        "id" => "`id: agent-a` (a unique id)",
        "role" => "`role: agent` (admin, manager or agent)",
        "kind" => "`kind: web_chat_v1` (web_chat_v1, web_chat_v2, kakao_talk or naver_talk_talk)",
        "major" => "`major: Billing` (the major category name)",
        "middles" => "`middles: [Refund, Invoice]`",
        "prefix" => "`prefix: agent` (members are named agent-01, agent-02, …)",
        "count" => "`count: 20`",
        "login" => "`login: \"09:00\"`",
        "logout" => "`logout: \"18:00\"`",
        "at" => "`at: \"15:00\"`",
        "length" => "`length: 15m`",
        "date" => "`date: 2026-12-25`",
        "account" => "`account: agent-01` (an account id)",
        "accounts" => "`accounts: [agent-01]` (ids, `prefix-*` patterns or `all`)",
        "event" => "`event: agent_login` (docs/SCENARIOS.md lists the events)",
        "room" => "`room: r1` (a room label from an earlier `room_created`)",
        "rooms" => "`rooms: [r1]`",
        "to" => "`to: agent-01` (an account id)",
        "customer" => "`customer: c1`",
        "on" => "`on: true`",
        "patch" => "`patch: {intake: {after_hours: N}}` (settings keys)",
        "every" => "`every: 5m`",
        "start_end" => "`{start: \"12:00\", end: \"13:00\"}`",
        "enabled" => "`enabled: true`",
        "end" => "`end: \"13:00\"`",
        _ => "",
    };
    let where_ = match path {
        Some(p) if !p.is_root() => format!(" to `{p}`"),
        _ => String::new(),
    };
    if ex.is_empty() { format!("`{field}:`{where_}") } else { format!("{ex}{where_}") }
}

/// Where a settings key lives, for a key written at the wrong level.
fn misplaced(key: &str) -> Option<&'static str> {
    let table: [(&str, &str); 25] = [
        ("chatbot", "settings"),
        ("working_hours", "settings"),
        ("intake", "settings"),
        ("meal", "settings"),
        ("capacity", "settings"),
        ("distribution", "settings"),
        ("backlog", "settings"),
        ("auto_close", "settings"),
        ("profile_bot", "settings"),
        ("messages", "settings"),
        ("plan", "settings"),
        ("idle_close", "settings.chatbot"),
        ("after_hours", "settings.intake"),
        ("during_break", "settings.intake"),
        ("during_meal", "settings.intake"),
        ("over_capacity", "settings.intake"),
        ("collective_window", "settings.meal"),
        ("max_per_agent", "settings.capacity"),
        ("method", "settings.distribution"),
        ("by_category", "settings.distribution"),
        ("by_channel", "settings.distribution"),
        ("start_delay_min", "settings.backlog"),
        ("unassigned_auto_close_days", "settings.backlog"),
        ("customer_no_reply", "settings.auto_close"),
        ("agent_delay", "settings.auto_close"),
    ];
    table.iter().find(|(k, _)| *k == key).map(|(_, h)| *h)
}

/// For an error `serde_yaml` could not place (several documents): the second document marker.
fn other_document(source: &str) -> Option<Pos> {
    let mut seen_content = false;
    for (i, line) in source.lines().enumerate() {
        let t = line.trim_end();
        if t == "---" || t.starts_with("--- ") {
            if seen_content {
                return Some(Pos { line: i + 1, column: 1 });
            }
            seen_content = true;
        } else if !t.trim_start().is_empty() && !t.trim_start().starts_with('#') {
            seen_content = true;
        }
    }
    None
}

// -------------------------------------------------------------------------------------------
// Suggestions
// -------------------------------------------------------------------------------------------

/// The closest of `known` to `word` within edit distance 2 (ties: the first), ignoring case
/// differences first.
pub fn did_you_mean<S: AsRef<str>>(word: &str, known: &[S]) -> Option<String> {
    if word.is_empty() {
        return None;
    }
    if let Some(k) = known.iter().find(|k| k.as_ref() != word && k.as_ref().eq_ignore_ascii_case(word)) {
        return Some(k.as_ref().to_string());
    }
    let mut best: Option<(usize, &str)> = None;
    for k in known {
        let k = k.as_ref();
        if k == word {
            continue;
        }
        let d = edit_distance(word, k);
        if d <= 2 && d < word.chars().count().max(1) && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k.to_string())
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// A list of names for a hint: `a`, `b`, `c` (at most `max`, then "…").
pub fn name_list<S: AsRef<str>>(names: &[S], max: usize) -> String {
    let mut s = String::new();
    for (i, n) in names.iter().take(max).enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "`{}`", n.as_ref());
    }
    if names.len() > max {
        let _ = write!(s, ", … ({} in all)", names.len());
    }
    if names.is_empty() {
        s.push_str("(none)");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_stripped() {
        assert_eq!(strip_marks("bad at line 3 column 7, while x at line 1 column 2"), "bad, while x");
        assert_eq!(strip_marks("look at this at position 12"), "look at this");
        assert_eq!(strip_marks("at line x"), "at line x");
    }

    #[test]
    fn paths_are_split_off() {
        let (p, _, m) = split_path("accounts[1].role: unknown variant `x`, expected `y`");
        assert_eq!(p.map(|p| p.to_string()).as_deref(), Some("accounts[1].role"));
        assert_eq!(m, "unknown variant `x`, expected `y`");
        let (p, _, m) = split_path("invalid capacity `0`: expected an integer");
        assert!(p.is_none());
        assert_eq!(m, "invalid capacity `0`: expected an integer");
        let (p, _, _) =
            split_path("settings.distribution.by_category.Sales Team/New[0]: invalid type: map, expected a string");
        assert_eq!(p.map(|p| p.0.len()), Some(5));
        let (p, raw, m) = split_path("shifts.ni\tght.breaks[0]: unknown field `lengt`, expected `at` or `length`");
        assert!(p.is_none());
        assert_eq!(raw.as_deref(), Some("shifts.ni\tght.breaks[0]"));
        assert!(m.starts_with("unknown field"));
    }

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("rol", &["id", "role"]).as_deref(), Some("role"));
        assert_eq!(did_you_mean("Role", &["id", "role"]).as_deref(), Some("role"));
        assert_eq!(did_you_mean("xyzzy", &["id", "role"]), None);
        assert_eq!(did_you_mean("a", &["b"]), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(name_list(&["a", "b", "c"], 2), "`a`, `b`, … (3 in all)");
    }

    #[test]
    fn member_ids_are_zero_padded() {
        assert_eq!(member_id("agent", 1, 5), "agent-01");
        assert_eq!(member_id("agent", 7, 120), "agent-007");
        assert_eq!(member_id("night", 12, 12), "night-12");
    }

    #[test]
    fn display_has_position_and_hint() {
        let e = ScenarioError::at("s.yaml", Pos { line: 3, column: 5 }, "bad", "fix it");
        assert_eq!(e.to_string(), "s.yaml:3:5: bad\n  hint: fix it");
        let e = ScenarioError::at("s.yaml", Pos { line: 3, column: 5 }, "bad", "");
        assert_eq!(e.to_string(), "s.yaml:3:5: bad");
    }
}
