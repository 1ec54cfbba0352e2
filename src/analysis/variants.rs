//! What-if variants: named overrides declared in a scenario's `variants:` section, applied to
//! the document as written, and comparisons of two scenarios with paired replications.
//!
//! ```yaml
//! variants:
//!   more-agents:            # a partial scenario document, merged over the base
//!     teams: [{prefix: agent, count: 12, logged_in: true}]
//!   faster-handling:
//!     workload: {conversation: {handling: {exponential: {mean: 8m}}}}
//! ```
//!
//! Mappings merge key by key (so `workload: {arrivals: …}` keeps the rest of the workload);
//! anything else — a list such as `teams:` or `accounts:`, a number, a distribution's family —
//! replaces the base value whole. The merged document is loaded and validated like any file.
//! Every variant runs with the same seeds, and each concern draws from its own stream, so the
//! variants see the same customers (common random numbers): differences are estimated
//! replication by replication, which makes their confidence intervals much narrower than the
//! two separate intervals suggest.

use super::ci::Estimate;
use super::kpi::{KPIS, N_KPIS, fmt_half, fmt_value};
use super::replications::{self, Replication, ReplicationSettings};
use crate::run::RunError;
use crate::scenario::{self, Scenario, ScenarioError};

use crate::scenario::build::merge_value as merge;

/// The names of a scenario's variants, in order.
pub fn names(sc: &Scenario) -> Vec<String> {
    sc.file.variants.keys().cloned().collect()
}

/// The scenario with variant `name` applied (its name becomes `<name of base>--<variant>`).
pub fn apply(sc: &Scenario, name: &str) -> Result<Scenario, ScenarioError> {
    let patch = sc.file.variants.get(name).ok_or_else(|| ScenarioError {
        file: sc.path.clone(),
        line: 0,
        column: 0,
        message: format!("no variant `{name}`"),
        hint: Some(format!("the scenario declares: {}", names(sc).join(", "))),
    })?;
    let mut doc: serde_yaml::Value = serde_yaml::from_str(&sc.source).map_err(|e| ScenarioError {
        file: sc.path.clone(),
        line: 0,
        column: 0,
        message: e.to_string(),
        hint: None,
    })?;
    merge(&mut doc, patch);
    if let serde_yaml::Value::Mapping(m) = &mut doc {
        m.remove("variants");
        m.remove("expect");
        m.insert("name".into(), format!("{}--{}", sc.file.name, name).into());
    }
    let text = serde_yaml::to_string(&doc).map_err(|e| ScenarioError {
        file: sc.path.clone(),
        line: 0,
        column: 0,
        message: e.to_string(),
        hint: None,
    })?;
    scenario::parse(&text, &format!("{} [variant {name}]", sc.path))
}

/// Two sets of replications with the same seeds, and the paired differences `b − a`.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Label of A.
    pub a_name: String,
    /// Label of B.
    pub b_name: String,
    /// A's replications.
    pub a: Vec<Replication>,
    /// B's replications.
    pub b: Vec<Replication>,
}

impl Comparison {
    /// Runs both with the same seeds (`rs.seed`, else A's scenario seed, for both).
    pub fn run(a: &Scenario, b: &Scenario, rs: &ReplicationSettings) -> Result<Comparison, RunError> {
        let rs = ReplicationSettings { seed: Some(rs.seed.unwrap_or(a.file.seed)), ..*rs };
        Ok(Comparison {
            a_name: a.file.name.clone(),
            b_name: b.file.name.clone(),
            a: replications::replicate(a, &rs)?,
            b: replications::replicate(b, &rs)?,
        })
    }

    /// Mean and 95 % CI of every KPI of A, of B, and of B − A.
    pub fn estimates(&self) -> ([Estimate; N_KPIS], [Estimate; N_KPIS], [Estimate; N_KPIS]) {
        (
            replications::estimates(&self.a),
            replications::estimates(&self.b),
            replications::differences(&self.a, &self.b),
        )
    }

    /// Side-by-side table: KPI, A, B, B − A with its 95 % CI, and whether the difference is
    /// significant (its CI excludes 0); then, for A and for B when it is an M/M/c(+M) queue, the
    /// Erlang C / A value of each KPI (`baselines` = A's and B's, from
    /// [`baseline::of_scenario`](super::baseline::of_scenario)), so a simulated difference can be
    /// read against the analytic one.
    pub fn table(&self, baselines: [Option<&[Option<f64>; N_KPIS]>; 2]) -> comfy_table::Table {
        let (ea, eb, d) = self.estimates();
        let mut t = comfy_table::Table::new();
        t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
        let mut header = vec![
            "KPI".to_string(),
            self.a_name.clone(),
            self.b_name.clone(),
            "difference (B − A)".to_string(),
            "95% CI of the difference".to_string(),
            "significant".to_string(),
        ];
        for (name, b) in [&self.a_name, &self.b_name].into_iter().zip(baselines) {
            if b.is_some() {
                header.push(format!("{name} (Erlang)"));
            }
        }
        t.set_header(header);
        for (i, kd) in KPIS.iter().enumerate() {
            let u = kd.unit;
            let ci = if d[i].half.is_nan() {
                "-".to_string()
            } else {
                format!("[{}, {}]", fmt_value(u, d[i].lo()), fmt_value(u, d[i].hi()))
            };
            let sig = if d[i].half.is_nan() {
                ""
            } else if d[i].lo() > 0.0 || d[i].hi() < 0.0 {
                "yes"
            } else {
                "no"
            };
            let mut row = vec![
                kd.label.to_string(),
                format!("{} {}", fmt_value(u, ea[i].mean), fmt_half(u, ea[i].half)),
                format!("{} {}", fmt_value(u, eb[i].mean), fmt_half(u, eb[i].half)),
                format!("{} {}", fmt_value(u, d[i].mean), fmt_half(u, d[i].half)),
                ci,
                sig.to_string(),
            ];
            for b in baselines.into_iter().flatten() {
                row.push(b[i].map(|v| fmt_value(u, v)).unwrap_or_else(|| "-".into()));
            }
            t.add_row(row);
        }
        t
    }
}
