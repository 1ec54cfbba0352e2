//! From a loaded scenario to the engine's configuration (the edge between YAML and the engine).

use crate::engine::catalog::{Catalog, Category, Channel};
use crate::engine::time::{Date, Time, from_naive_datetime};
use crate::engine::{AccountSpec, DayOverride, DayStatus, EngineConfig};

use super::load::Scenario;

impl Scenario {
    /// The virtual start time.
    pub fn start(&self) -> Time {
        from_naive_datetime(self.file.start.0)
    }

    /// The end of the run (start + horizon).
    pub fn end(&self) -> Time {
        self.start() + self.file.horizon.secs()
    }

    /// The catalog of channels and categories.
    pub fn catalog(&self) -> Catalog {
        let channels = self.file.channels.iter().map(|c| Channel { id: c.id.clone(), kind: c.kind }).collect();
        let categories = self
            .file
            .categories
            .iter()
            .flat_map(|m| {
                m.middles.iter().map(move |mid| Category { major: m.major.clone(), middle: mid.clone(), in_use: true })
            })
            .collect();
        Catalog { channels, categories }
    }

    /// Account ids matching a pattern: an id, `prefix-*`, or `all`.
    pub fn match_accounts(&self, pattern: &str) -> Vec<String> {
        if pattern == "all" {
            return self.accounts.iter().map(|a| a.id.clone()).collect();
        }
        if let Some(prefix) = pattern.strip_suffix('*') {
            return self.accounts.iter().filter(|a| a.id.starts_with(prefix)).map(|a| a.id.clone()).collect();
        }
        self.accounts.iter().filter(|a| a.id == pattern).map(|a| a.id.clone()).collect()
    }

    /// The engine configuration.
    pub fn engine_config(&self) -> EngineConfig {
        let start = self.start();
        let accounts = self
            .accounts
            .iter()
            .map(|a| {
                let mut spec = AccountSpec::new(&a.id, a.role);
                spec.name = a.name.clone().unwrap_or_else(|| a.id.clone());
                spec.responsible_manager = a.manager.clone();
                spec.consults = a.consults;
                spec.auth = a.auth;
                spec.auto_reply = a.auto_reply;
                spec.max_override = a.capacity;
                spec.admin_view = a.admin_view;
                spec.logged_in = a.logged_in;
                spec
            })
            .collect::<Vec<_>>();
        let mut accounts = accounts;
        for ds in &self.file.day_status {
            for id in self.match_accounts(&ds.account) {
                if let Some(spec) = accounts.iter_mut().find(|s| s.id == id) {
                    spec.days.push((ds.date, DayStatus { available: ds.available, breaks: ds.breaks.clone() }));
                }
            }
        }
        let holidays = self
            .file
            .holidays
            .iter()
            .map(|h| (h.date, h.hours.map(DayOverride::Hours).unwrap_or(DayOverride::Holiday)))
            .collect();
        let _ = Date::of(start);
        EngineConfig {
            site_id: self.file.site_id.clone(),
            settings: self.file.settings.clone(),
            catalog: self.catalog(),
            accounts,
            holidays,
            closed_retention: self.file.closed_room_retention,
        }
    }
}

/// Deep merge of a settings patch (scripted `settings_changed`, variants): mappings merge key
/// by key, anything else replaces. The loader's validation and the workload use this one rule.
pub fn merge_value(base: &mut serde_yaml::Value, patch: &serde_yaml::Value) {
    match (base, patch) {
        (serde_yaml::Value::Mapping(b), serde_yaml::Value::Mapping(p)) => {
            for (k, pv) in p {
                match b.get_mut(k) {
                    Some(bv) if bv.is_mapping() && pv.is_mapping() => merge_value(bv, pv),
                    _ => {
                        b.insert(k.clone(), pv.clone());
                    }
                }
            }
        }
        (b, p) => *b = p.clone(),
    }
}
