//! Semantic checks of a scenario file: what the types alone cannot say.
//!
//! The serde model checks each value on its own (types, enum values, grids of X16–X19). This
//! module checks a value against the rest of the document: references between sections (accounts,
//! shifts, channels, categories, room labels), the account structure of E2, windows inside working
//! time (X5, H6, H7), shares in [0, 1] and times inside the run. Every problem is collected with the
//! position of the offending key or value; [`validate`] returns them in file order, so the loader
//! can report the first (§3: an input error names file, line, column and the expected values).

use std::collections::{BTreeMap, BTreeSet};

use super::{ScenarioError, did_you_mean, member_id, name_list};
use crate::engine::account::{Auth, Role};
use crate::engine::calendar::{DayHours, TimeWindow};
use crate::engine::catalog::Catalog;
use crate::engine::settings::{DistributionSettings, Settings};
use crate::engine::time::{DAY, Duration, Time, from_naive_datetime};
use crate::scenario::locate::{KeyPath, Locator, Pos, Seg};
use crate::scenario::model::{Mix, ScenarioFile, ScriptedAction, ScriptedEvent, ShiftSpec};

/// E7: the product's limit on category names.
const MAX_CATEGORY_CHARS: usize = 15;
/// Teams larger than this are refused: the engine is sized for about 1,000 accounts (SIM8), and
/// expanding a mistyped count of billions would exhaust memory before any other check ran.
pub const MAX_TEAM_COUNT: u32 = 10_000;
/// All accounts together, teams expanded (same reason).
pub const MAX_ACCOUNTS: usize = 100_000;

/// Checks `file` (read from the text `loc` was built over) and returns every problem found, in
/// file order; empty when the scenario is valid. `path` names the file in the errors.
pub fn validate(file: &ScenarioFile, loc: &Locator, path: &str) -> Vec<ScenarioError> {
    let mut v = Validator::new(file, loc, path);
    v.top();
    v.channels();
    v.categories();
    v.accounts();
    v.shifts();
    v.settings(&file.settings, &KeyPath::root().key("settings"));
    v.holidays();
    v.day_status();
    v.workload();
    v.scripted();
    let mut errors = v.errors;
    // Stable: two problems at one position keep the order of the checks.
    errors.sort_by_key(|e| (e.line, e.column));
    errors
}

/// One account of the expanded list, with where it was declared.
struct Acc {
    id: String,
    role: Role,
    /// `accounts[j].id` or `teams[i].prefix`.
    at: KeyPath,
}

struct Validator<'a> {
    file: &'a ScenarioFile,
    loc: &'a Locator,
    path: &'a str,
    errors: Vec<ScenarioError>,
    accounts: Vec<Acc>,
    ids: BTreeMap<String, usize>,
    channels: Vec<String>,
    categories: Vec<String>,
}

/// A reference problem: what is wrong, what was expected, how to fix it.
struct Problem {
    what: String,
    expected: String,
    hint: String,
}

impl Problem {
    fn new(what: String, expected: impl Into<String>, hint: impl Into<String>) -> Problem {
        Problem { what, expected: expected.into(), hint: hint.into() }
    }

    /// `what` + `context`: `expected`.
    fn message(&self, context: &str) -> String {
        format!("{}{context}: {}", self.what, self.expected)
    }
}

/// Whether `f` is a probability.
fn is_share(f: f64) -> bool {
    (0.0..=1.0).contains(&f)
}

impl<'a> Validator<'a> {
    fn new(file: &'a ScenarioFile, loc: &'a Locator, path: &'a str) -> Validator<'a> {
        let channels = file.channels.iter().map(|c| c.id.clone()).collect();
        let categories = if file.categories.is_empty() {
            // E7: a new site starts with the sample tree, as the engine builds it.
            Catalog::sample_categories().iter().map(|c| c.path()).collect()
        } else {
            file.categories.iter().flat_map(|m| m.middles.iter().map(move |x| format!("{}/{x}", m.major))).collect()
        };
        Validator {
            file,
            loc,
            path,
            errors: Vec::new(),
            accounts: Vec::new(),
            ids: BTreeMap::new(),
            channels,
            categories,
        }
    }

    // ----- reporting -----

    fn push(&mut self, pos: Pos, at: &KeyPath, message: String, hint: String) {
        let message = if at.is_root() { message } else { format!("{at}: {message}") };
        self.errors.push(ScenarioError::at(self.path, pos, message, hint));
    }

    /// An error about the value at `at`.
    fn value_err(&mut self, at: &KeyPath, message: String, hint: String) {
        let pos = self.loc.value(&at.0);
        self.push(pos, at, message, hint);
    }

    /// An error about the key at the end of `at`.
    fn key_err(&mut self, at: &KeyPath, message: String, hint: String) {
        let pos = self.loc.key(&at.0);
        self.push(pos, at, message, hint);
    }

    /// The line where `at` is written, for "first declared at line N".
    fn line_of(&self, at: &KeyPath) -> usize {
        self.loc.value(&at.0).line
    }

    // ----- references -----

    fn account_ids(&self) -> Vec<&str> {
        self.accounts.iter().map(|a| a.id.as_str()).collect()
    }

    fn account_role(&self, id: &str) -> Option<Role> {
        self.ids.get(id).map(|&i| self.accounts[i].role)
    }

    /// Checks an account reference. `patterns` allows `prefix-*` (and `all` when `all`).
    fn account_ref(&self, s: &str, patterns: bool, all: bool) -> Option<Problem> {
        if all && s == "all" {
            return None;
        }
        if let Some(prefix) = s.strip_suffix('*') {
            if !patterns {
                return Some(Problem::new(
                    format!("`{s}` is a pattern"),
                    "expected an account id",
                    "list the account ids one by one here; patterns are accepted in scripted events and day_status",
                ));
            }
            if prefix.contains('*') {
                return Some(Problem::new(
                    format!("invalid account pattern `{s}`"),
                    "expected an id or `prefix-*` (one trailing `*`)",
                    "write for example `agent-*` for every member of team `agent`",
                ));
            }
            if self.accounts.iter().any(|a| a.id.starts_with(prefix)) {
                return None;
            }
            let teams: Vec<String> = self.file.teams.iter().map(|t| format!("{}-*", t.prefix)).collect();
            let hint = match did_you_mean(s, &teams) {
                Some(t) => format!("did you mean `{t}`?"),
                None => format!("team patterns: {}", name_list(&teams, 8)),
            };
            return Some(Problem::new(
                format!("account pattern `{s}` matches no account"),
                "expected a prefix of some account id",
                hint,
            ));
        }
        if self.ids.contains_key(s) {
            return None;
        }
        let ids = self.account_ids();
        let hint = match did_you_mean(s, &ids) {
            Some(t) => format!("did you mean `{t}`?"),
            None => format!("declared accounts: {}", name_list(&ids, 8)),
        };
        let expected = match (patterns, all) {
            (true, true) => "expected an account id, a `prefix-*` pattern or `all`",
            (true, false) => "expected an account id or a `prefix-*` pattern",
            _ => "expected an account id declared under `accounts` or generated by `teams`",
        };
        Some(Problem::new(format!("unknown account `{s}`"), expected, hint))
    }

    /// Checks each account of a list at `at`.
    fn account_list(&mut self, list: &[String], at: &KeyPath, patterns: bool, all: bool) {
        for (k, s) in list.iter().enumerate() {
            if let Some(p) = self.account_ref(s, patterns, all) {
                self.value_err(&at.idx(k), p.message(""), p.hint);
            }
        }
    }

    fn single_account(&mut self, s: &str, at: &KeyPath) {
        if let Some(p) = self.account_ref(s, false, false) {
            self.value_err(at, p.message(""), p.hint);
        }
    }

    fn category_ref(&self, s: &str) -> Option<Problem> {
        if self.categories.iter().any(|c| c == s) {
            return None;
        }
        let hint = match did_you_mean(s, &self.categories) {
            Some(t) => format!("did you mean `{t}`?"),
            None => format!("declared categories: {}", name_list(&self.categories, 8)),
        };
        if !s.contains('/') {
            return Some(Problem::new(
                format!("category `{s}` is not written `Major/Middle`"),
                "expected a middle category with its major",
                hint,
            ));
        }
        Some(Problem::new(
            format!("unknown category `{s}`"),
            "expected a `Major/Middle` declared under `categories`",
            hint,
        ))
    }

    fn channel_ref(&self, s: &str) -> Option<Problem> {
        if self.channels.iter().any(|c| c == s) {
            return None;
        }
        let hint = match did_you_mean(s, &self.channels) {
            Some(t) => format!("did you mean `{t}`?"),
            None => format!("declared channels: {}", name_list(&self.channels, 8)),
        };
        Some(Problem::new(format!("unknown channel `{s}`"), "expected a channel id declared under `channels`", hint))
    }

    // ----- top level -----

    fn top(&mut self) {
        let f = self.file;
        let root = KeyPath::root();
        let name = f.name.trim();
        if name.is_empty() {
            self.value_err(
                &root.key("name"),
                "empty name: expected a short name (reports go to reports/<name>/)".into(),
                "write for example `name: lunch-peak`".into(),
            );
        } else if name.contains(['/', '\\']) || name == "." || name == ".." {
            self.value_err(
                &root.key("name"),
                format!("name `{}` cannot be a directory name: expected no `/`, `\\`, `.` or `..`", f.name),
                "use letters, digits, `-` and `_`".into(),
            );
        }
        if f.horizon.secs() <= 0 {
            self.value_err(
                &root.key("horizon"),
                "zero length: expected a positive duration".into(),
                "for one day write `horizon: 1d`; for a week `horizon: 7d`".into(),
            );
        } else if f.warm_up >= f.horizon {
            self.value_err(
                &root.key("warm_up"),
                format!("{} is not shorter than the horizon {}: expected warm_up < horizon", f.warm_up, f.horizon),
                "statistics ignore rooms created during the warm-up; shorten it or lengthen the horizon".into(),
            );
        }
        if !valid_utc_offset(&f.utc_offset) {
            self.value_err(
                &root.key("utc_offset"),
                format!("invalid offset `{}`: expected +HH:MM or -HH:MM (from -12:00 to +14:00)", f.utc_offset),
                "Korea Standard Time is `utc_offset: \"+09:00\"` (quote it)".into(),
            );
        }
        if f.service_level.secs() <= 0 {
            self.value_err(
                &root.key("service_level"),
                "zero length: expected a positive duration".into(),
                "the share of requests assigned within this time is reported; for example `service_level: 2m`".into(),
            );
        }
        if f.report.queue_step.secs() <= 0 {
            self.value_err(
                &root.key("report").key("queue_step"),
                "zero length: expected a positive duration".into(),
                "for example `queue_step: 1m`".into(),
            );
        }
    }

    // ----- E6 channels -----

    fn channels(&mut self) {
        let base = KeyPath::root().key("channels");
        if self.file.channels.is_empty() {
            self.value_err(
                &base,
                "no channels: expected at least one channel".into(),
                "remove `channels:` to get the default web chat channel `web`, or add `- {id: web, kind: web_chat_v1}`"
                    .into(),
            );
        }
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (j, c) in self.file.channels.iter().enumerate() {
            let at = base.idx(j).key("id");
            if c.id.trim().is_empty() {
                self.value_err(&at, "empty channel id: expected a short id".into(), "for example `id: kakao`".into());
            } else if let Some(&first) = seen.get(c.id.as_str()) {
                let line = self.line_of(&base.idx(first).key("id"));
                self.value_err(
                    &at,
                    format!("duplicate channel id `{}` (first declared at line {line}): expected unique ids", c.id),
                    "rename one of them; several channels of one kind need different ids (E6)".into(),
                );
            } else {
                seen.insert(&c.id, j);
            }
        }
    }

    // ----- E7 categories -----

    fn category_name(&mut self, name: &str, at: &KeyPath, what: &str) -> bool {
        let n = name.chars().count();
        let problem = if name.trim().is_empty() {
            Some(format!("empty {what} category name: expected 1 to {MAX_CATEGORY_CHARS} characters"))
        } else if n > MAX_CATEGORY_CHARS {
            Some(format!(
                "{what} category name `{name}` has {n} characters: expected at most {MAX_CATEGORY_CHARS} (E7)"
            ))
        } else if name.contains('/') {
            Some(format!(
                "{what} category name `{name}` contains `/`: expected a name without `/`, which separates major and middle in `Major/Middle`"
            ))
        } else {
            None
        };
        match problem {
            Some(m) => {
                self.value_err(
                    at,
                    m,
                    "shorten or rename it; the product limits category names to 15 characters".into(),
                );
                false
            }
            None => true,
        }
    }

    fn categories(&mut self) {
        let base = KeyPath::root().key("categories");
        let mut majors: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, m) in self.file.categories.iter().enumerate() {
            let at = base.idx(i).key("major");
            if self.category_name(&m.major, &at, "major") {
                if let Some(&first) = majors.get(m.major.as_str()) {
                    let line = self.line_of(&base.idx(first).key("major"));
                    self.value_err(
                        &at,
                        format!(
                            "duplicate major category `{}` (first declared at line {line}): expected unique names",
                            m.major
                        ),
                        "merge the two entries' middles into one".into(),
                    );
                } else {
                    majors.insert(&m.major, i);
                }
            }
            if m.middles.is_empty() {
                self.value_err(
                    &base.idx(i).key("middles"),
                    format!("major category `{}` has no middle categories: expected at least one", m.major),
                    "rooms are classified by middle category (E7, E9); add for example `middles: [General]`".into(),
                );
            }
            let mut middles: BTreeMap<&str, usize> = BTreeMap::new();
            for (j, x) in m.middles.iter().enumerate() {
                let at = base.idx(i).key("middles").idx(j);
                if !self.category_name(x, &at, "middle") {
                    continue;
                }
                if let Some(&first) = middles.get(x.as_str()) {
                    let line = self.line_of(&base.idx(i).key("middles").idx(first));
                    self.value_err(
                        &at,
                        format!("duplicate middle category `{}/{x}` (first at line {line}): expected unique names within a major", m.major),
                        "remove one of them".into(),
                    );
                } else {
                    middles.insert(x, j);
                }
            }
        }
    }

    // ----- E2 accounts and teams -----

    fn add_account(&mut self, id: String, role: Role, at: KeyPath) {
        self.ids.entry(id.clone()).or_insert(self.accounts.len());
        self.accounts.push(Acc { id, role, at });
    }

    fn account_id_ok(&mut self, id: &str, at: &KeyPath) -> bool {
        let problem = if id.trim().is_empty() {
            Some("empty account id: expected a short id".to_string())
        } else if id.contains('*') || id.chars().any(char::is_whitespace) {
            Some(format!("account id `{id}` contains `*` or a space: expected an id without them"))
        } else if id == "all" {
            Some("account id `all` is reserved: expected another id".to_string())
        } else {
            None
        };
        match problem {
            Some(m) => {
                self.value_err(
                    at,
                    m,
                    "`*` and `all` select accounts in scripted events; use letters, digits, `-` and `_`".into(),
                );
                false
            }
            None => true,
        }
    }

    fn accounts(&mut self) {
        let f = self.file;
        let accs = KeyPath::root().key("accounts");
        let teams = KeyPath::root().key("teams");

        // Ids, duplicates (teams expanded, D3 registration order: accounts, then teams).
        for (j, a) in f.accounts.iter().enumerate() {
            let at = accs.idx(j).key("id");
            if !self.account_id_ok(&a.id, &at) {
                continue;
            }
            if let Some(&first) = self.ids.get(&a.id) {
                let line = self.line_of(&self.accounts[first].at);
                self.value_err(
                    &at,
                    format!("duplicate account id `{}` (first declared at line {line}): expected unique ids", a.id),
                    "rename one of them".into(),
                );
                continue;
            }
            self.add_account(a.id.clone(), a.role, at);
        }
        for (i, t) in f.teams.iter().enumerate() {
            let at = teams.idx(i).key("prefix");
            if !self.account_id_ok(&t.prefix, &at) {
                continue;
            }
            if t.count == 0 {
                self.value_err(
                    &teams.idx(i).key("count"),
                    format!("team `{}` has count 0: expected at least 1", t.prefix),
                    "remove the team, or give it a count".into(),
                );
                continue;
            }
            if t.count > MAX_TEAM_COUNT || self.accounts.len() + t.count as usize > MAX_ACCOUNTS {
                self.value_err(
                    &teams.idx(i).key("count"),
                    format!(
                        "team `{}` has count {}: expected at most {MAX_TEAM_COUNT} per team and {MAX_ACCOUNTS} accounts in all",
                        t.prefix, t.count
                    ),
                    "the engine is sized for about 1,000 accounts (SIM8); is the count mistyped?".into(),
                );
                continue;
            }
            let mut clash = None;
            for k in 1..=t.count {
                let id = member_id(&t.prefix, k, t.count);
                if let Some(&first) = self.ids.get(&id) {
                    clash.get_or_insert((id.clone(), first));
                    continue;
                }
                self.add_account(id, t.role, at.clone());
            }
            if let Some((id, first)) = clash {
                let line = self.line_of(&self.accounts[first].at);
                self.value_err(
                    &at,
                    format!(
                        "team `{}` generates account id `{id}`, already declared at line {line}: expected unique ids",
                        t.prefix
                    ),
                    "rename the team prefix or the account".into(),
                );
            }
        }

        // Exactly one admin (E2).
        let admins: Vec<usize> = (0..self.accounts.len()).filter(|&i| self.accounts[i].role == Role::Admin).collect();
        match admins.as_slice() {
            [] => {
                let pos = self.loc.key(&accs.0);
                self.push(
                    pos,
                    &KeyPath::root(),
                    "no admin account: expected exactly one account with `role: admin` (E2)".into(),
                    "add `- {id: admin, role: admin}` under `accounts:`; the admin is the account that signed the site up".into(),
                );
            }
            [_] => {}
            [first, second, ..] => {
                let (first_id, second_id) = (self.accounts[*first].id.clone(), self.accounts[*second].id.clone());
                let first_line = self.line_of(&self.accounts[*first].at);
                // `accounts[j].id` or `teams[i].prefix`: the `role` key sits beside it.
                let mut role_at = self.accounts[*second].at.clone();
                role_at.0.pop();
                let role_at = role_at.key("role");
                self.value_err(
                    &role_at,
                    format!(
                        "second admin `{second_id}`: expected exactly one admin (E2); `{first_id}` (line {first_line}) is the admin"
                    ),
                    "make the other accounts `role: manager`".into(),
                );
            }
        }

        // Responsible managers (E2), permissions, capacities, shifts.
        for (j, a) in f.accounts.iter().enumerate() {
            let at = accs.idx(j);
            self.responsible(a.role, a.manager.as_deref(), &a.id, &at);
            if a.role == Role::Admin && a.auth != Auth::Active {
                self.value_err(
                    &at.key("auth"),
                    "the admin cannot be revoked or deleted: expected `auth: active` (E2: the admin is always authenticated)"
                        .into(),
                    "remove `auth:` from the admin".into(),
                );
            }
            if a.admin_view && a.role != Role::Manager {
                self.value_err(
                    &at.key("admin_view"),
                    format!(
                        "`admin_view` is set on {} `{}`: expected it on manager accounts only (X24)",
                        role_name(a.role),
                        a.id
                    ),
                    "X24 grants a manager admin-level viewing; remove it here".into(),
                );
            }
            self.capacity_override(a.capacity, &at.key("capacity"));
            self.shift_ref(a.shift.as_deref(), &at.key("shift"));
        }
        for (i, t) in f.teams.iter().enumerate() {
            let at = teams.idx(i);
            self.responsible(t.role, t.manager.as_deref(), &t.prefix, &at);
            self.capacity_override(t.capacity, &at.key("capacity"));
            self.shift_ref(t.shift.as_deref(), &at.key("shift"));
        }
    }

    /// E2: an admin has no responsible manager; a manager's is the admin; an agent's is a
    /// manager or the admin.
    fn responsible(&mut self, role: Role, manager: Option<&str>, who: &str, at: &KeyPath) {
        let Some(m) = manager else { return };
        let at = at.key("manager");
        if role == Role::Admin {
            self.value_err(
                &at,
                format!("the admin `{who}` has a responsible manager: expected none (E2)"),
                "remove `manager:` from the admin".into(),
            );
            return;
        }
        if m == who {
            self.value_err(
                &at,
                format!("`{who}` is its own responsible manager: expected another account (E2)"),
                "name a manager or the admin".into(),
            );
            return;
        }
        let Some(mrole) = self.account_role(m) else {
            let bosses: Vec<&str> =
                self.accounts.iter().filter(|a| a.role.is_manager_or_admin()).map(|a| a.id.as_str()).collect();
            let hint = match did_you_mean(m, &bosses) {
                Some(t) => format!("did you mean `{t}`?"),
                None => format!("admin and manager accounts: {}", name_list(&bosses, 8)),
            };
            self.value_err(
                &at,
                format!("unknown responsible manager `{m}`: expected an admin or manager account id"),
                hint,
            );
            return;
        };
        if !mrole.is_manager_or_admin() {
            self.value_err(
                &at,
                format!("responsible manager `{m}` is an agent: expected an admin or manager account (E2)"),
                format!("make `{m}` a manager, or name a manager or the admin"),
            );
            return;
        }
        if role == Role::Manager && mrole != Role::Admin {
            self.value_err(
                &at,
                format!("manager `{who}` has responsible manager `{m}`, a manager: expected the admin (E2)"),
                "a manager reports to the admin; remove `manager:` (it defaults to the admin)".into(),
            );
        }
    }

    fn capacity_override(&mut self, cap: Option<u32>, at: &KeyPath) {
        if cap == Some(0) {
            self.value_err(
                at,
                "capacity override 0: expected at least 1 (X8)".into(),
                "remove the override to use `settings.capacity.max_per_agent`, or set `consults: false` for an account that takes no rooms".into(),
            );
        }
    }

    fn shift_ref(&mut self, shift: Option<&str>, at: &KeyPath) {
        let Some(s) = shift else { return };
        if self.file.shifts.contains_key(s) {
            return;
        }
        let names: Vec<&str> = self.file.shifts.keys().map(String::as_str).collect();
        let hint = match did_you_mean(s, &names) {
            Some(t) => format!("did you mean `{t}`?"),
            None if names.is_empty() => {
                format!("declare it under `shifts:`, for example `{s}: {{login: \"09:00\", logout: \"18:00\"}}`")
            }
            None => format!("declared shifts: {}; or declare `{s}` under `shifts:`", name_list(&names, 8)),
        };
        self.value_err(at, format!("unknown shift `{s}`: expected a shift declared under `shifts`"), hint);
    }

    // ----- shifts (H7, SIM5) -----

    fn shifts(&mut self) {
        let base = KeyPath::root().key("shifts");
        for (name, s) in &self.file.shifts {
            self.shift(name, s, &base.key(name));
        }
    }

    fn shift(&mut self, name: &str, s: &ShiftSpec, at: &KeyPath) {
        if s.days.is_empty() {
            self.value_err(
                &at.key("days"),
                format!("shift `{name}` has no days: expected at least one weekday"),
                "remove `days:` for Monday to Friday, or list days such as `[mon, tue, wed]`".into(),
            );
        }
        let (login, logout) = (s.login.secs(), s.logout.secs());
        if login >= DAY {
            self.value_err(
                &at.key("login"),
                format!("shift `{name}` logs in at {}: expected a time before 24:00", s.login),
                "a login at midnight is written \"00:00\"".into(),
            );
            return;
        }
        if login == logout % DAY {
            self.value_err(
                &at.key("logout"),
                format!("shift `{name}` logs out at its login time {}: expected a different time", s.logout),
                "a logout earlier than the login ends on the next day (for example login \"22:00\", logout \"06:00\")"
                    .into(),
            );
            return;
        }
        // The shift's working time [login, end) in seconds from the login date's midnight.
        let overnight = logout < login;
        let end = if overnight { logout + DAY } else { logout };
        let span = format!("{}–{}{}", s.login, if overnight { "next-day " } else { "" }, s.logout);
        let place = |t: i64| if overnight && t < login { t + DAY } else { t };
        for (k, b) in s.breaks.iter().enumerate() {
            let bat = at.key("breaks").idx(k);
            if b.length.secs() <= 0 {
                self.value_err(
                    &bat.key("length"),
                    format!("break at {} in shift `{name}` has length 0s: expected a positive length", b.at),
                    "for example `length: 15m`".into(),
                );
                continue;
            }
            let a = place(b.at.secs());
            if a < login || a.saturating_add(b.length.secs()) > end {
                self.value_err(
                    &bat,
                    format!(
                        "break at {} for {} is outside shift `{name}` ({span}): expected a break inside the shift",
                        b.at, b.length
                    ),
                    "move the break or shorten it; breaks are taken while logged in".into(),
                );
            }
        }
        if let Some(m) = s.meal {
            let mat = at.key("meal");
            if m.end <= m.start {
                self.value_err(
                    &mat,
                    format!("meal window {}–{} in shift `{name}`: expected start < end", m.start, m.end),
                    "for example `meal: {start: \"12:00\", end: \"13:00\"}`".into(),
                );
            } else {
                let a = place(m.start.secs());
                let b = a + (m.end.secs() - m.start.secs());
                if a < login || b > end {
                    self.value_err(
                        &mat,
                        format!(
                            "individual meal window {}–{} is outside shift `{name}` ({span}): expected a window inside the shift (H7)",
                            m.start, m.end
                        ),
                        "move the meal window inside the login–logout span".into(),
                    );
                }
            }
        }
    }

    // ----- §3 settings -----

    fn settings(&mut self, s: &Settings, at: &KeyPath) {
        self.distribution(&s.distribution, &at.key("distribution"));
        if let Some(w) = s.meal.collective_window {
            self.collective_window(w, &s.working_hours.weekday, &at.key("meal").key("collective_window"));
        }
        if s.chatbot.idle_close.is_some_and(|d| d.secs() <= 0) {
            self.value_err(
                &at.key("chatbot").key("idle_close"),
                "zero length: expected a positive duration, or no key for off (X22)".into(),
                "remove the key to never close idle chatbot rooms".into(),
            );
        }
    }

    /// X13, X14: designated lists name known categories, channels and accounts.
    fn distribution(&mut self, d: &DistributionSettings, at: &KeyPath) {
        for (cat, list) in &d.by_category {
            let kat = at.key("by_category").key(cat);
            if let Some(p) = self.category_ref(cat) {
                self.key_err(&kat, p.message(""), p.hint);
            }
            self.designated(list, &kat);
        }
        for (ch, list) in &d.by_channel {
            let kat = at.key("by_channel").key(ch);
            if let Some(p) = self.channel_ref(ch) {
                self.key_err(&kat, p.message(""), p.hint);
            }
            self.designated(list, &kat);
        }
    }

    fn designated(&mut self, list: &[String], at: &KeyPath) {
        let mut seen = BTreeSet::new();
        for (k, id) in list.iter().enumerate() {
            if let Some(p) = self.account_ref(id, false, false) {
                self.value_err(&at.idx(k), p.message(" in a designated list"), p.hint);
            } else if !seen.insert(id.as_str()) {
                self.value_err(
                    &at.idx(k),
                    format!("account `{id}` is listed twice: expected each account once"),
                    "remove the repeat".into(),
                );
            }
        }
    }

    /// X5, H6: the collective meal window lies inside the weekday working window.
    fn collective_window(&mut self, w: TimeWindow, weekday: &DayHours, at: &KeyPath) {
        let DayHours::Window { start, end, end_next_day } = *weekday else { return };
        let (ms, me) = (w.start.secs(), w.end.secs());
        let (s, e) = (start.secs(), end.secs());
        let inside = if ms >= me {
            false
        } else if end_next_day {
            // Either in the evening part [start, 24:00) or in the spill-over [00:00, end).
            (ms >= s && me <= DAY) || me <= e
        } else {
            ms >= s && me <= e
        };
        if !inside {
            let hours = format!("{start}–{end}{}", if end_next_day { " (next day)" } else { "" });
            self.value_err(
                at,
                format!(
                    "collective meal window {}–{} is outside the weekday working hours {hours}: expected a window inside working time (X5, H6)",
                    w.start, w.end
                ),
                "move the window inside `settings.working_hours.weekday`, or change the working hours".into(),
            );
        }
    }

    // ----- E5, E4 -----

    fn holidays(&mut self) {
        let base = KeyPath::root().key("holidays");
        let mut seen = BTreeMap::new();
        for (i, h) in self.file.holidays.iter().enumerate() {
            if let Some(&first) = seen.get(&h.date) {
                let line = self.line_of(&base.idx(first).key("date"));
                self.value_err(
                    &base.idx(i).key("date"),
                    format!("duplicate holiday date {} (first at line {line}): expected each date once", h.date),
                    "merge the two entries".into(),
                );
            } else {
                seen.insert(h.date, i);
            }
        }
    }

    fn day_status(&mut self) {
        let base = KeyPath::root().key("day_status");
        for (i, d) in self.file.day_status.iter().enumerate() {
            // As the builder reads it (`Scenario::match_accounts`): an id, `prefix-*` or `all`.
            if let Some(p) = self.account_ref(&d.account, true, true) {
                self.value_err(&base.idx(i).key("account"), p.message(""), p.hint);
            }
        }
    }

    // ----- SIM5 workload -----

    fn mix(&mut self, mix: &Mix, at: &KeyPath, known: &dyn Fn(&Self, &str) -> Option<Problem>) {
        let mut total = 0.0;
        for (k, w) in mix {
            let kat = at.key(k);
            if let Some(p) = known(self, k) {
                self.key_err(&kat, p.message(""), p.hint);
            }
            if !w.is_finite() || *w < 0.0 {
                self.value_err(
                    &kat,
                    format!("weight {w} for `{k}`: expected a finite weight of 0 or more"),
                    "weights are relative: `{a: 3, b: 1}` gives a three times as often as b".into(),
                );
            } else {
                total += w;
            }
        }
        if !mix.is_empty() && total <= 0.0 {
            self.key_err(
                at,
                "the weights sum to 0: expected a positive total".into(),
                "give at least one entry a positive weight, or remove the key for the default".into(),
            );
        }
    }

    fn share(&mut self, v: Option<f64>, at: &KeyPath) {
        if let Some(f) = v.filter(|f| !is_share(*f)) {
            self.value_err(
                at,
                format!("share {f} is outside [0, 1]: expected a probability from 0 to 1"),
                "write for example 0.25 for a quarter".into(),
            );
        }
    }

    fn workload(&mut self) {
        let w = &self.file.workload;
        let at = KeyPath::root().key("workload");
        self.mix(&w.channels, &at.key("channels"), &|v, k| v.channel_ref(k));
        self.mix(&w.categories, &at.key("categories"), &|v, k| v.category_ref(k));
        self.share(w.profile_entered, &at.key("profile_entered"));
        self.share(Some(w.chatbot.request_share), &at.key("chatbot").key("request_share"));
        let conv = at.key("conversation");
        self.share(Some(w.conversation.hold_share), &conv.key("hold_share"));
        self.share(Some(w.conversation.transfer_share), &conv.key("transfer_share"));
        self.mix(&w.conversation.closed_by, &conv.key("closed_by"), &|_, k| {
            if k == "agent" || k == "customer" {
                return None;
            }
            let hint = match did_you_mean(k, &["agent", "customer"]) {
                Some(t) => format!("did you mean `{t}`?"),
                None => "only the owning agent or the customer close in the generated workload; managers and timers are modelled elsewhere".into(),
            };
            Some(Problem::new(format!("unknown closer `{k}` in closed_by"), "expected `agent` or `customer`", hint))
        });
        if let Some(m) = &w.manager_assign {
            let mat = at.key("manager_assign");
            if let Some(actor) = &m.actor {
                match self.account_role(actor) {
                    Some(r) if r.is_manager_or_admin() => {}
                    Some(_) => self.value_err(
                        &mat.key("actor"),
                        format!("manager_assign actor `{actor}` is an agent: expected an admin or manager (A13)"),
                        "remove `actor:` to let the admin assign".into(),
                    ),
                    None => self.single_account(actor, &mat.key("actor")),
                }
            }
            self.positive(
                m.every,
                &mat.key("every"),
                "how often the manager looks at the Waiting list, for example `every: 5m`",
            );
            if m.batch == 0 {
                self.value_err(
                    &mat.key("batch"),
                    "batch 0: expected at least 1 room per look".into(),
                    "for example `batch: 10`".into(),
                );
            }
        }
        if let Some(p) = &w.picking {
            let pat = at.key("picking");
            self.positive(
                p.every,
                &pat.key("every"),
                "how often each agent looks at the Waiting list, for example `every: 2m`",
            );
            if p.below_load == 0 {
                self.value_err(
                    &pat.key("below_load"),
                    "below_load 0: expected at least 1 (agents pick only while their load is below it)".into(),
                    "for example `below_load: 3`".into(),
                );
            }
        }
    }

    fn positive(&mut self, d: Duration, at: &KeyPath, hint: &str) {
        if d.secs() <= 0 {
            self.value_err(at, "zero length: expected a positive duration".into(), hint.into());
        }
    }

    // ----- scripted events -----

    fn scripted(&mut self) {
        let f = self.file;
        let base = KeyPath::root().key("scripted");
        let start = from_naive_datetime(f.start.0);
        let end = start.checked_add(f.horizon.secs());
        let mut rooms: BTreeMap<String, usize> = BTreeMap::new();
        let mut customers: BTreeSet<String> = BTreeSet::new();
        let mut patches = Vec::new();
        for (i, ev) in f.scripted.iter().enumerate() {
            let at = base.idx(i);
            let t = self.when(ev, &at, start, end);
            if let ScriptedAction::SettingsChanged { patch } = &ev.action {
                patches.push((t.unwrap_or(Time::MAX), i, patch));
            }
            self.action(&ev.action, &at, &mut rooms, &mut customers);
        }
        // Patches apply in time order (file order at one instant), each over the settings the
        // previous ones left, as the workload applies them.
        patches.sort_by_key(|(t, i, _)| (*t, *i));
        let Ok(mut current) = serde_yaml::to_value(&f.settings) else { return };
        for (_, i, patch) in patches {
            if let Some(merged) = self.patch(&current, patch, &base.idx(i).key("patch")) {
                current = merged;
            }
        }
    }

    /// Exactly one of `at` / `after`, inside [start, start + horizon).
    /// Returns the event's time when it has one.
    fn when(&mut self, ev: &ScriptedEvent, at: &KeyPath, start: Time, end: Option<Time>) -> Option<Time> {
        let name = event_name(&ev.action);
        let (t, key) = match (&ev.at, &ev.after) {
            (None, None) => {
                self.value_err(
                    at,
                    format!("scripted event `{name}` has neither `at` nor `after`: expected exactly one of them"),
                    "add `at: 2026-11-23T10:00:00` (local time) or `after: 2h` (from the start)".into(),
                );
                return None;
            }
            (Some(_), Some(_)) => {
                self.key_err(
                    &at.key("after"),
                    format!("scripted event `{name}` has both `at` and `after`: expected exactly one of them"),
                    "keep `at` for a clock time or `after` for an offset from the start".into(),
                );
                return None;
            }
            (Some(a), None) => (Some(from_naive_datetime(a.0)), "at"),
            (None, Some(d)) => (start.checked_add(d.secs()), "after"),
        };
        let when = match key {
            "at" => ev.at.map(|a| a.0.format("%Y-%m-%dT%H:%M:%S").to_string()).unwrap_or_default(),
            _ => ev.after.map(|d| format!("start + {d}")).unwrap_or_default(),
        };
        let first = self.file.start.0.format("%Y-%m-%dT%H:%M:%S");
        let span = format!("[{first}, {first} + {})", self.file.horizon);
        match t {
            Some(t) if t < start => self.value_err(
                &at.key(key),
                format!("scripted event `{name}` at {when} is before the start: expected a time in {span}"),
                "events before `start` never happen; move it or move `start`".into(),
            ),
            Some(t) if end.is_none_or(|e| t < e) => {}
            _ => self.value_err(
                &at.key(key),
                format!(
                    "scripted event `{name}` at {when} is not before the end of the run: expected a time in {span}"
                ),
                "events at or after start + horizon are never processed; move it or lengthen `horizon`".into(),
            ),
        }
        t
    }

    fn room_ref(&mut self, room: &str, at: &KeyPath, rooms: &BTreeMap<String, usize>) {
        if rooms.contains_key(room) {
            return;
        }
        let labels: Vec<&str> = rooms.keys().map(String::as_str).collect();
        let hint = match did_you_mean(room, &labels) {
            Some(t) => format!("did you mean `{t}`?"),
            None => "add a `room_created` event with this `room:` label before this event in the list".into(),
        };
        self.value_err(
            at,
            format!("unknown room label `{room}`: expected a label defined by an earlier `room_created` event"),
            hint,
        );
    }

    fn action(
        &mut self,
        a: &ScriptedAction,
        at: &KeyPath,
        rooms: &mut BTreeMap<String, usize>,
        customers: &mut BTreeSet<String>,
    ) {
        use ScriptedAction as A;
        match a {
            A::AgentLogin { accounts }
            | A::AgentLogout { accounts }
            | A::BreakStart { accounts }
            | A::BreakEnd { accounts }
            | A::MealStart { accounts }
            | A::MealEnd { accounts }
            | A::AutoReplySet { accounts, .. } => self.account_list(accounts, &at.key("accounts"), true, true),
            A::DayStatusSet { accounts, .. } => self.account_list(accounts, &at.key("accounts"), true, true),
            A::AccountChange { accounts, capacity, .. } => {
                self.account_list(accounts, &at.key("accounts"), true, true);
                self.capacity_override(*capacity, &at.key("capacity"));
            }
            A::RoomCreated { room, channel, category, customer, .. } => {
                if let Some(&first) = rooms.get(room) {
                    let line = self.line_of(&KeyPath::root().key("scripted").idx(first).key("room"));
                    self.value_err(
                        &at.key("room"),
                        format!("room label `{room}` is already used by the `room_created` at line {line}: expected a new label"),
                        "give each scripted room its own label; a returning customer keeps its `customer:` label".into(),
                    );
                } else if let Some(i) = at.0.get(1).and_then(|s| match s {
                    Seg::Index(i) => Some(*i),
                    _ => None,
                }) {
                    rooms.insert(room.clone(), i);
                }
                customers.insert(customer.clone().unwrap_or_else(|| room.clone()));
                if let Some(p) = channel.as_deref().and_then(|c| self.channel_ref(c)) {
                    self.value_err(&at.key("channel"), p.message(""), p.hint);
                }
                if let Some(p) = category.as_deref().and_then(|c| self.category_ref(c)) {
                    self.value_err(&at.key("category"), p.message(""), p.hint);
                }
            }
            A::ConnectRequest { room, category, .. } => {
                self.room_ref(room, &at.key("room"), rooms);
                if let Some(p) = category.as_deref().and_then(|c| self.category_ref(c)) {
                    self.value_err(&at.key("category"), p.message(""), p.hint);
                }
            }
            A::HotkeyReclick { room, .. }
            | A::CustomerMessage { room }
            | A::CustomerClose { room }
            | A::AgentMessage { room }
            | A::AgentClose { room }
            | A::HoldSet { room }
            | A::HoldRelease { room } => self.room_ref(room, &at.key("room"), rooms),
            A::AgentPick { account, rooms: picked } => {
                self.single_account(account, &at.key("account"));
                for (k, r) in picked.iter().enumerate() {
                    self.room_ref(r, &at.key("rooms").idx(k), rooms);
                }
            }
            A::Transfer { room, to, actor } | A::ManagerAssign { room, to, actor } => {
                self.room_ref(room, &at.key("room"), rooms);
                self.single_account(to, &at.key("to"));
                if let Some(actor) = actor {
                    self.single_account(actor, &at.key("actor"));
                }
            }
            A::ManagerClose { room, actor } | A::ManagerBlock { room, actor } => {
                self.room_ref(room, &at.key("room"), rooms);
                if let Some(actor) = actor {
                    self.single_account(actor, &at.key("actor"));
                }
            }
            A::CustomerInfoChange { customer, .. } => {
                if !customers.contains(customer) {
                    let known: Vec<&str> = customers.iter().map(String::as_str).collect();
                    let hint = match did_you_mean(customer, &known) {
                        Some(t) => format!("did you mean `{t}`?"),
                        None => "customers are named by `room_created` (its `customer:`, or the room label)".into(),
                    };
                    self.value_err(
                        &at.key("customer"),
                        format!(
                            "unknown customer `{customer}`: expected a customer of an earlier `room_created` event"
                        ),
                        hint,
                    );
                }
            }
            A::HolidaySet { .. } => {}
            // Checked in time order by `scripted`, over the settings earlier patches leave.
            A::SettingsChanged { .. } => {}
        }
    }

    /// A `settings_changed` patch is a partial `settings:` document merged over the settings in
    /// force (mappings merge key by key, anything else replaces): the result must be valid
    /// settings, and the designation lists and meal window the patch writes get the same checks
    /// as under `settings:`. Returns the merged settings when valid.
    fn patch(
        &mut self,
        current: &serde_yaml::Value,
        patch: &serde_yaml::Value,
        at: &KeyPath,
    ) -> Option<serde_yaml::Value> {
        let serde_yaml::Value::Mapping(p) = patch else {
            self.value_err(
                at,
                "the patch is not a mapping: expected settings keys, as under `settings:`".into(),
                "for example `patch: {intake: {after_hours: N}}`".into(),
            );
            return None;
        };
        let mut merged = current.clone();
        crate::scenario::build::merge_value(&mut merged, patch);
        match serde_yaml::from_value::<Settings>(merged.clone()) {
            Ok(s) => {
                if let Some(d) = p.get("distribution")
                    && let Ok(d) = serde_yaml::from_value::<DistributionSettings>(d.clone())
                {
                    self.distribution(&d, &at.key("distribution"));
                }
                if (p.contains_key("meal") || p.contains_key("working_hours"))
                    && let Some(w) = s.meal.collective_window
                {
                    let wat = if p.contains_key("meal") {
                        at.key("meal").key("collective_window")
                    } else {
                        at.key("working_hours")
                    };
                    self.collective_window(w, &s.working_hours.weekday, &wat);
                }
                Some(merged)
            }
            Err(e) => {
                let (message, hint, text) = super::explain_value_error(&e.to_string());
                let pos = text.and_then(|t| self.loc.find_text(&at.0, &t)).unwrap_or_else(|| self.loc.value(&at.0));
                self.push(pos, at, message, hint);
                None
            }
        }
    }
}

fn role_name(r: Role) -> &'static str {
    match r {
        Role::Admin => "the admin",
        Role::Manager => "manager",
        Role::Agent => "agent",
    }
}

/// `+HH:MM` / `-HH:MM` between -12:00 and +14:00.
fn valid_utc_offset(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 6 || !(b[0] == b'+' || b[0] == b'-') || b[3] != b':' {
        return false;
    }
    let digits = [b[1], b[2], b[4], b[5]];
    if !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let h = u32::from(b[1] - b'0') * 10 + u32::from(b[2] - b'0');
    let m = u32::from(b[4] - b'0') * 10 + u32::from(b[5] - b'0');
    let minutes = h * 60 + m;
    m < 60 && if b[0] == b'+' { minutes <= 14 * 60 } else { minutes <= 12 * 60 }
}

/// The YAML name of a scripted event.
fn event_name(a: &ScriptedAction) -> &'static str {
    use ScriptedAction as A;
    match a {
        A::AgentLogin { .. } => "agent_login",
        A::AgentLogout { .. } => "agent_logout",
        A::BreakStart { .. } => "break_start",
        A::BreakEnd { .. } => "break_end",
        A::MealStart { .. } => "meal_start",
        A::MealEnd { .. } => "meal_end",
        A::RoomCreated { .. } => "room_created",
        A::ConnectRequest { .. } => "connect_request",
        A::HotkeyReclick { .. } => "hotkey_reclick",
        A::CustomerMessage { .. } => "customer_message",
        A::CustomerClose { .. } => "customer_close",
        A::AgentMessage { .. } => "agent_message",
        A::AgentClose { .. } => "agent_close",
        A::HoldSet { .. } => "hold_set",
        A::HoldRelease { .. } => "hold_release",
        A::AgentPick { .. } => "agent_pick",
        A::Transfer { .. } => "transfer",
        A::ManagerAssign { .. } => "manager_assign",
        A::ManagerClose { .. } => "manager_close",
        A::ManagerBlock { .. } => "manager_block",
        A::CustomerInfoChange { .. } => "customer_info_change",
        A::AutoReplySet { .. } => "auto_reply_set",
        A::DayStatusSet { .. } => "day_status_set",
        A::HolidaySet { .. } => "holiday_set",
        A::AccountChange { .. } => "account_change",
        A::SettingsChanged { .. } => "settings_changed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::TimeOfDay;

    #[test]
    fn utc_offsets() {
        for ok in ["+09:00", "-05:30", "+14:00", "-12:00", "+00:00"] {
            assert!(valid_utc_offset(ok), "{ok}");
        }
        for bad in ["09:00", "+9:00", "+09", "+15:00", "-13:00", "+09:60", "KST", "", "+0９:00"] {
            assert!(!valid_utc_offset(bad), "{bad}");
        }
    }

    #[test]
    fn tod_helper_is_consistent() {
        // The shift check relies on TimeOfDay seconds.
        assert_eq!(TimeOfDay::hm(24, 0).secs(), DAY);
    }

    const HEAD: &str = "name: t\nstart: 2026-11-23T08:00:00\nhorizon: 1d\naccounts: [{id: boss, role: admin}]\n\
                        teams: [{prefix: agent, count: 12}]\n";

    /// The first error of `HEAD` + `rest`, as `line:column: message`; "ok" when it loads.
    fn first(rest: &str) -> String {
        match crate::scenario::load::parse(&format!("{HEAD}{rest}"), "t.yaml") {
            Ok(_) => "ok".into(),
            Err(e) => format!("{}:{}: {}", e.line, e.column, e.message),
        }
    }

    #[test]
    fn overnight_shifts_wrap_midnight() {
        let ok = "shifts:\n  night: {login: \"22:00\", logout: \"06:00\", breaks: [{at: \"02:00\", length: 15m}]}\n";
        assert_eq!(first(ok), "ok");
        let late = "shifts:\n  night: {login: \"22:00\", logout: \"06:00\", breaks: [{at: \"05:50\", length: 15m}]}\n";
        assert!(first(late).contains("outside shift `night` (22:00–next-day 06:00)"), "{}", first(late));
    }

    #[test]
    fn account_patterns_and_all() {
        let ok = "scripted:\n  - {after: 1h, event: agent_login, accounts: [all, agent-*, agent-12]}\n";
        assert_eq!(first(ok), "ok");
        let bad = "scripted:\n  - {after: 1h, event: agent_login, accounts: [agnet-*]}\n";
        assert!(first(bad).starts_with("7:48: scripted[0].accounts[0]: account pattern `agnet-*` matches no account"));
        let designated = "settings: {distribution: {by_category: {\"Sample/Inquiry 1\": [agent-*]}}}\n";
        assert!(first(designated).contains("`agent-*` is a pattern in a designated list: expected an account id"));
    }

    #[test]
    fn patches_merge_in_time_order() {
        // The window patch comes first in time, when the day still ends at 18:00.
        let rest = "scripted:\n  - {after: 2h, event: settings_changed, patch: {working_hours: {weekday: {end: \"20:00\"}}}}\n  \
                    - {after: 1h, event: settings_changed, patch: {meal: {collective_window: {start: \"19:00\", end: \"19:30\"}}}}\n";
        assert!(first(rest).contains("scripted[1].patch.meal.collective_window: collective meal window 19:00–19:30"));
        let swapped = rest.replace("after: 2h", "after: 30m");
        assert_eq!(first(&swapped), "ok");
        let unknown = "scripted:\n  - {after: 1h, event: settings_changed, patch: {intake: {after_hour: N}}}\n";
        assert!(
            first(unknown).starts_with("7:59: scripted[0].patch: unknown field `after_hour`"),
            "{}",
            first(unknown)
        );
    }

    #[test]
    fn huge_teams_are_refused_before_expansion() {
        let e = crate::scenario::load::parse(
            "name: t\nstart: 2026-11-23\nhorizon: 1d\naccounts: [{id: boss, role: admin}]\nteams: [{prefix: x, count: 4000000000}]\n",
            "t.yaml",
        );
        assert!(e.is_err_and(|e| e.message.contains("has count 4000000000: expected at most 10000")));
    }

    #[test]
    fn rooms_and_customers_are_defined_before_use() {
        let rest = "scripted:\n  - {after: 1h, event: customer_message, room: r1}\n  - {after: 2h, event: room_created, room: r1}\n";
        assert!(first(rest).contains("unknown room label `r1`"));
        let dup = "scripted:\n  - {after: 1h, event: room_created, room: r1}\n  - {after: 2h, event: room_created, room: r1}\n";
        assert!(first(dup).contains("room label `r1` is already used by the `room_created` at line 7"));
        let customer = "scripted:\n  - {after: 1h, event: room_created, room: r1, customer: kim}\n  \
                        - {after: 2h, event: customer_info_change, customer: kim}\n";
        assert_eq!(first(customer), "ok");
    }
}
