//! TEMPORARY minimal loader — replaced by the full loader with validation.
use super::model::{AccountEntry, ScenarioFile};

/// A loaded scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The file's content.
    pub file: ScenarioFile,
    /// Path.
    pub path: String,
    /// Source text.
    pub source: String,
    /// Accounts with teams expanded.
    pub accounts: Vec<AccountEntry>,
}

/// A located error.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct ScenarioError {
    /// File.
    pub file: String,
    /// Line.
    pub line: usize,
    /// Column.
    pub column: usize,
    /// Message.
    pub message: String,
    /// Hint.
    pub hint: Option<String>,
}

/// Loads a file.
pub fn load(path: &std::path::Path) -> Result<Scenario, ScenarioError> {
    let p = path.display().to_string();
    let source = std::fs::read_to_string(path).map_err(|e| ScenarioError {
        file: p.clone(),
        line: 0,
        column: 0,
        message: format!("cannot read: {e}"),
        hint: None,
    })?;
    parse(&source, &p)
}

/// Parses text.
pub fn parse(source: &str, path: &str) -> Result<Scenario, ScenarioError> {
    let file: ScenarioFile = serde_yaml::from_str(source).map_err(|e| {
        let (line, column) = e.location().map(|l| (l.line(), l.column())).unwrap_or((0, 0));
        ScenarioError { file: path.into(), line, column, message: e.to_string(), hint: None }
    })?;
    let mut accounts = file.accounts.clone();
    for t in &file.teams {
        let w = t.count.to_string().len().max(2);
        for i in 1..=t.count {
            accounts.push(AccountEntry {
                id: format!("{}-{:0w$}", t.prefix, i),
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
            });
        }
    }
    Ok(Scenario { file, path: path.into(), source: source.into(), accounts })
}
