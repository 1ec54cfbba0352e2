//! Staffing search: the smallest number of agents that meets one or more KPI targets with 95 %
//! confidence, and the curve of agents against the KPIs around it.
//!
//! Targets are written as on the command line:
//! * `p90_assign<=2m`, `mean_assign<=45s`, `abandonment<=5%`, `p_wait<=0.3` — a KPI key from
//!   [`KPIS`](super::kpi::KPIS), `<=` or `>=`, and a value (a duration, a percentage or a plain
//!   number);
//! * `80% within 20s` — the service level: the share of requests assigned within 20 s must be
//!   at least 80 % (this also sets the scenario's `service_level` target to 20 s).
//!
//! "Meets with 95 % confidence" means the whole 95 % confidence interval of the replications'
//! mean lies on the right side of the target (the upper end for `<=`, the lower end for `>=`).
//! The number of agents is the `count` of one team (by default the first team of agents); the
//! search assumes the KPIs improve with more agents: from the scenario's count it widens a
//! bracket geometrically (1, 2, 4 … agents) up or down, then bisects it, within `min..=max`.

use std::collections::BTreeMap;

use super::ci::Estimate;
use super::kpi::{KPIS, N_KPIS, Unit, fmt_half, fmt_value, k, kpi_index};
use super::replications::{self, Replication, ReplicationSettings};
use crate::engine::Duration;
use crate::engine::account::Role;
use crate::run::RunError;
use crate::scenario::Scenario;
use crate::scenario::load::expand_accounts;

/// `<=` or `>=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// At most.
    AtMost,
    /// At least.
    AtLeast,
}

/// One target.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// KPI index.
    pub kpi: usize,
    /// Direction.
    pub cmp: Cmp,
    /// Bound (seconds for times, a share in [0, 1] for shares).
    pub value: f64,
    /// Service-level threshold this target sets (`80% within 20s`).
    pub sl_target: Option<Duration>,
    /// As written.
    pub text: String,
}

fn parse_value(s: &str, unit: Unit) -> Result<f64, String> {
    let s = s.trim();
    if let Some(p) = s.strip_suffix('%') {
        return p.trim().parse::<f64>().map(|v| v / 100.0).map_err(|_| format!("`{s}` is not a percentage"));
    }
    if let Ok(v) = s.parse::<f64>() {
        return Ok(v);
    }
    if unit == Unit::Seconds {
        return Duration::parse(s).map(|d| d.secs() as f64);
    }
    Err(format!("`{s}` is not a number, a percentage or a duration"))
}

impl Target {
    /// Parses a target (see the module documentation).
    pub fn parse(text: &str) -> Result<Target, String> {
        let t = text.trim();
        if let Some((share, within)) = t.split_once(" within ") {
            let value = parse_value(share, Unit::Share)?;
            let d = Duration::parse(within.trim())?;
            return Ok(Target {
                kpi: k::SERVICE_LEVEL,
                cmp: Cmp::AtLeast,
                value,
                sl_target: Some(d),
                text: t.to_string(),
            });
        }
        let (key, cmp, rest) = if let Some((a, b)) = t.split_once("<=") {
            (a, Cmp::AtMost, b)
        } else if let Some((a, b)) = t.split_once(">=") {
            (a, Cmp::AtLeast, b)
        } else {
            return Err(format!(
                "target `{t}`: expected KEY<=VALUE, KEY>=VALUE or \"80% within 20s\" (keys: {})",
                KPIS.iter().map(|k| k.key).collect::<Vec<_>>().join(", ")
            ));
        };
        let kpi = kpi_index(key.trim()).ok_or_else(|| {
            format!(
                "target `{t}`: unknown KPI `{}` (keys: {})",
                key.trim(),
                KPIS.iter().map(|k| k.key).collect::<Vec<_>>().join(", ")
            )
        })?;
        let value = parse_value(rest, KPIS[kpi].unit).map_err(|e| format!("target `{t}`: {e}"))?;
        Ok(Target { kpi, cmp, value, sl_target: None, text: t.to_string() })
    }

    /// Whether an estimate meets the target with 95 % confidence (one replication: its value).
    pub fn met_by(&self, e: &Estimate) -> bool {
        let (lo, hi) = if e.half.is_nan() { (e.mean, e.mean) } else { (e.lo(), e.hi()) };
        match self.cmp {
            Cmp::AtMost => hi <= self.value,
            Cmp::AtLeast => lo >= self.value,
        }
    }
}

/// The team whose count the search changes: `prefix`, or the first team of agents.
pub fn team_index(sc: &Scenario, prefix: Option<&str>) -> Result<usize, String> {
    let teams = &sc.file.teams;
    match prefix {
        Some(p) => teams.iter().position(|t| t.prefix == p).ok_or_else(|| format!("no team with prefix `{p}`")),
        None => teams
            .iter()
            .position(|t| t.role == Role::Agent)
            .ok_or_else(|| "the scenario has no team of agents (`teams:` with role agent) to size".to_string()),
    }
}

/// The scenario with team `team` of `count` members (and the service-level threshold of the
/// targets, if one sets it).
pub fn with_agents(sc: &Scenario, team: usize, count: u32, targets: &[Target]) -> Scenario {
    let mut s = sc.clone();
    s.file.teams[team].count = count;
    if let Some(d) = targets.iter().find_map(|t| t.sl_target) {
        s.file.service_level = d;
    }
    s.accounts = expand_accounts(&s.file);
    s
}

/// One evaluated staffing level.
#[derive(Debug, Clone)]
pub struct Level {
    /// Agents in the team.
    pub agents: u32,
    /// Estimates of every KPI.
    pub estimates: [Estimate; super::kpi::N_KPIS],
    /// Whether every target is met.
    pub meets: bool,
}

/// The outcome of a search.
#[derive(Debug, Clone)]
pub struct Search {
    /// Smallest level meeting every target, if any in range.
    pub answer: Option<u32>,
    /// Every evaluated level, by agents.
    pub levels: BTreeMap<u32, Level>,
}

/// The smallest `n` in `min..=max` that meets, assuming meeting is monotone in `n` (more agents
/// never hurt), or None when even `max` fails. From `start` (a good guess: the scenario's own
/// count, or an Erlang estimate) it widens a bracket geometrically — 1, 2, 4 … levels — towards
/// the answer, then bisects it, so a guess near the answer costs a handful of evaluations and
/// the extremes of the range (a hopeless or a lavish team) are tried only when the answer lies
/// near them.
pub fn smallest_meeting<E>(
    start: u32,
    min: u32,
    max: u32,
    mut meets: impl FnMut(u32) -> Result<bool, E>,
) -> Result<Option<u32>, E> {
    let start = start.clamp(min, max);
    // Invariant of the bisection: `lo` fails (or is below `min`), `hi` meets.
    if meets(start)? {
        let (mut hi, mut step) = (start, 1u32);
        let mut lo = loop {
            if hi == min {
                break None;
            }
            let next = hi.saturating_sub(step).max(min);
            if meets(next)? {
                hi = next;
                step = step.saturating_mul(2);
            } else {
                break Some(next);
            }
        };
        while let Some(l) = lo {
            if hi - l <= 1 {
                break;
            }
            let mid = l + (hi - l) / 2;
            if meets(mid)? { hi = mid } else { lo = Some(mid) }
        }
        Ok(Some(hi))
    } else {
        let (mut lo, mut step) = (start, 1u32);
        let mut hi = loop {
            if lo == max {
                break None;
            }
            let next = lo.saturating_add(step).min(max);
            if meets(next)? {
                break Some(next);
            }
            lo = next;
            step = step.saturating_mul(2);
        };
        while let Some(h) = hi {
            if h - lo <= 1 {
                break;
            }
            let mid = lo + (h - lo) / 2;
            if meets(mid)? { hi = Some(mid) } else { lo = mid }
        }
        Ok(hi)
    }
}

/// Searches `min..=max` agents of team `team`, `reps` replications per level, starting from the
/// scenario's own count, then fills in the curve around the answer (`context` levels each side).
pub fn search(
    sc: &Scenario,
    team: usize,
    targets: &[Target],
    min: u32,
    max: u32,
    rs: &ReplicationSettings,
    context: u32,
) -> Result<Search, RunError> {
    let mut levels: BTreeMap<u32, Level> = BTreeMap::new();
    let eval = |n: u32, levels: &mut BTreeMap<u32, Level>| -> Result<bool, RunError> {
        if let Some(l) = levels.get(&n) {
            return Ok(l.meets);
        }
        let s = with_agents(sc, team, n, targets);
        let reps: Vec<Replication> = replications::replicate(&s, rs)?;
        let estimates = replications::estimates(&reps);
        let meets = targets.iter().all(|t| t.met_by(&estimates[t.kpi]));
        levels.insert(n, Level { agents: n, estimates, meets });
        Ok(meets)
    };
    let start = sc.file.teams[team].count.clamp(min, max);
    let answer = smallest_meeting(start, min, max, |n| eval(n, &mut levels))?;
    let centre = answer.unwrap_or(max);
    for n in centre.saturating_sub(context).max(min)..=(centre + context).min(max) {
        eval(n, &mut levels)?;
    }
    Ok(Search { answer, levels })
}

/// The analytic (Erlang C / A) values of every KPI at each evaluated level, when the scenario is
/// an M/M/c(+M) queue at that level (an empty map when it is not at any).
pub fn analytic(
    sc: &Scenario,
    team: usize,
    targets: &[Target],
    search: &Search,
) -> BTreeMap<u32, [Option<f64>; N_KPIS]> {
    search
        .levels
        .keys()
        .filter_map(|&n| {
            let s = with_agents(sc, team, n, targets);
            super::baseline::of_scenario(&s).ok().map(|(_, _, v)| (n, v))
        })
        .collect()
}

/// The KPIs of the staffing table: the targets', then the ones a planner reads beside them.
pub fn table_kpis(targets: &[Target]) -> Vec<usize> {
    let mut kpis: Vec<usize> = targets.iter().map(|t| t.kpi).collect();
    for extra in [k::P_WAIT, k::MEAN_WAIT, k::SERVICE_LEVEL, k::ABANDONMENT] {
        if !kpis.contains(&extra) {
            kpis.push(extra);
        }
    }
    kpis
}

/// The curve as a table: agents, each KPI of [`table_kpis`] (mean ± 95 %) followed by its Erlang
/// value where the model gives one at some level, whether all targets are met.
pub fn table(
    search: &Search,
    targets: &[Target],
    analytic: &BTreeMap<u32, [Option<f64>; N_KPIS]>,
) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    let kpis = table_kpis(targets);
    let has_erlang = |i: usize| analytic.values().any(|v| v[i].is_some());
    let mut header = vec!["agents".to_string()];
    for &i in &kpis {
        header.push(KPIS[i].key.to_string());
        if has_erlang(i) {
            header.push(format!("{} (Erlang)", KPIS[i].key));
        }
    }
    header.push("meets targets".into());
    t.set_header(header);
    for (n, l) in &search.levels {
        let mut row = vec![n.to_string()];
        for &i in &kpis {
            let (e, unit) = (&l.estimates[i], KPIS[i].unit);
            row.push(format!("{} {}", fmt_value(unit, e.mean), fmt_half(unit, e.half)));
            if has_erlang(i) {
                row.push(analytic.get(n).and_then(|v| v[i]).map(|v| fmt_value(unit, v)).unwrap_or_else(|| "-".into()));
            }
        }
        let mark = if search.answer == Some(*n) {
            "yes  ◀ smallest"
        } else if l.meets {
            "yes"
        } else {
            "no"
        };
        row.push(mark.into());
        t.add_row(row);
    }
    t
}

/// The hours of the day a shift covers: those whose start lies in `[login, logout)` (overnight
/// when the logout is earlier than the login).
pub fn block_hours(shift: &crate::scenario::model::ShiftSpec) -> Vec<usize> {
    let (a, b) = (shift.login.secs(), shift.logout.secs());
    (0..24usize)
        .filter(|h| {
            let t = *h as i64 * 3600;
            if a <= b { t >= a && t < b } else { t >= a || t < b }
        })
        .collect()
}

/// Estimates of every KPI over the requests made in `hours` (the time-weighted KPIs are
/// undefined per block and stay NaN).
pub fn block_estimates(reps: &[Replication], hours: &[usize]) -> [Estimate; super::kpi::N_KPIS] {
    let per_rep: Vec<super::kpi::KpiValues> = reps
        .iter()
        .map(|r| {
            let mut t = super::kpi::Tally::default();
            for &h in hours {
                t.add(&r.sink.hours[h]);
            }
            super::kpi::tally_values(&t)
        })
        .collect();
    std::array::from_fn(|k| Estimate::of(&per_rep.iter().map(|v| v[k]).collect::<Vec<_>>()))
}

/// The scenario with several teams resized.
pub fn with_counts(sc: &Scenario, counts: &[(usize, u32)], targets: &[Target]) -> Scenario {
    let mut s = sc.clone();
    for &(team, n) in counts {
        s.file.teams[team].count = n;
    }
    if let Some(d) = targets.iter().find_map(|t| t.sl_target) {
        s.file.service_level = d;
    }
    s.accounts = expand_accounts(&s.file);
    s
}

/// One shift block of a per-block search.
#[derive(Debug, Clone)]
pub struct Block {
    /// Team index.
    pub team: usize,
    /// Team prefix.
    pub prefix: String,
    /// Shift name.
    pub shift: String,
    /// Hours of the day whose requests the block's targets are measured on.
    pub hours: Vec<usize>,
    /// The Erlang estimate the search started from (None: no generated arrivals to size on).
    pub erlang_estimate: Option<u32>,
    /// The count chosen.
    pub agents: u32,
    /// Whether the block meets every target at that count.
    pub meets: bool,
    /// Block KPIs at the final staffing.
    pub estimates: [Estimate; super::kpi::N_KPIS],
}

/// The outcome of a per-block search.
#[derive(Debug, Clone)]
pub struct ShiftSearch {
    /// The blocks, in team order.
    pub blocks: Vec<Block>,
    /// Distinct staffings (one count per block) simulated.
    pub staffings: u64,
    /// Simulation runs made: staffings × replications.
    pub runs: u64,
}

/// The Erlang estimate of a block's team: the smallest count whose M/M/c(+M) values meet every
/// target the model gives a value for, with the offered load of the requests made in the
/// block's hours (their mean hourly rate over the days the shift works × the mean handling
/// time), the team's chats per agent as servers each, and the scenario's mean patience
/// (Erlang A) when customers leave. When the model judges none of the targets (a p90 target
/// under Erlang A), square-root staffing: ⌈a + √a⌉ servers. It is a starting point for the
/// simulated search, not an answer: shifts overlap, loads vary within a block, handling need
/// not be exponential. None when the scenario has no generated arrivals.
pub fn erlang_estimate(sc: &Scenario, team: usize, hours: &[usize], targets: &[Target]) -> Option<u32> {
    let f = &sc.file;
    let rates = f.workload.arrivals.as_ref()?.rates();
    let spec = &f.teams[team];
    let days: Vec<usize> = match spec.shift.as_ref().and_then(|s| f.shifts.get(s)) {
        Some(shift) if !shift.days.is_empty() => shift.days.iter().map(|d| *d as usize).collect(),
        _ => (0..7).collect(),
    };
    let cells = (days.len() * hours.len()).max(1) as f64;
    let per_hour: f64 = days.iter().flat_map(|d| hours.iter().map(move |h| rates[d * 24 + h])).sum::<f64>() / cells;
    let handling = f.workload.conversation.handling.mean();
    if per_hour <= 0.0 || !(handling > 0.0 && handling.is_finite()) {
        return Some(1);
    }
    let theta = f.workload.waiting.patience.as_ref().map(|p| 1.0 / p.mean()).filter(|t| t.is_finite()).unwrap_or(0.0);
    let per_agent = spec.capacity.unwrap_or(f.settings.capacity.max_per_agent.0).max(1);
    let sl_target = targets.iter().find_map(|t| t.sl_target).unwrap_or(f.service_level).secs() as f64;
    let load = per_hour * handling / 3600.0;
    let servers = erlang_servers(per_hour / 3600.0, 1.0 / handling, theta, sl_target, targets)
        .unwrap_or_else(|| (load + load.sqrt()).ceil() as u32);
    Some(servers.div_ceil(per_agent).max(1))
}

/// The smallest number of servers whose Erlang C / A values meet every target the model judges,
/// or None when it judges none (or none is met below 64 × the load + 64 servers, or the load is
/// beyond 100 000 Erlang, where the scan would take long and square-root staffing is as good).
fn erlang_servers(lambda: f64, mu: f64, theta: f64, sl_target: f64, targets: &[Target]) -> Option<u32> {
    let load = lambda / mu;
    if !(load.is_finite() && load <= 1e5) {
        return None;
    }
    // Below half the load no queue meets a service target worth the name; starting there spares
    // Erlang A long chains at tiny server counts.
    let first = ((load / 2.0).floor() as u32).max(1);
    let last = (load * 64.0 + 64.0).min(f64::from(u32::MAX / 2)) as u32;
    for c in first..=last {
        let q = super::erlang::Queue::new(lambda, mu, c, theta);
        let Ok(b) = q.solve(sl_target) else { continue };
        let values = super::baseline::kpi_values(&q, &b);
        let judged: Vec<(&Target, f64)> = targets.iter().filter_map(|t| values[t.kpi].map(|v| (t, v))).collect();
        if judged.is_empty() {
            return None;
        }
        if judged.iter().all(|(t, v)| t.met_by(&Estimate::of(&[*v]))) {
            return Some(c);
        }
    }
    None
}

/// The shift teams of a scenario: (team index, shift name, hours of the day it covers).
fn shift_teams(sc: &Scenario) -> Vec<(usize, String, Vec<usize>)> {
    sc.file
        .teams
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let name = t.shift.clone()?;
            let shift = sc.file.shifts.get(&name)?;
            Some((i, name, block_hours(shift)))
        })
        .collect()
}

/// Replications of staffings (one count per block), each simulated once.
struct Staffings<'a> {
    sc: &'a Scenario,
    targets: &'a [Target],
    rs: &'a ReplicationSettings,
    cache: BTreeMap<Vec<u32>, Vec<Replication>>,
}

impl Staffings<'_> {
    fn replications(&mut self, counts: &[(usize, u32)]) -> Result<&[Replication], String> {
        let key: Vec<u32> = counts.iter().map(|c| c.1).collect();
        if !self.cache.contains_key(&key) {
            let s = with_counts(self.sc, counts, self.targets);
            let r = replications::replicate(&s, self.rs).map_err(|e| e.to_string())?;
            self.cache.insert(key.clone(), r);
        }
        Ok(self.cache.get(&key).map(Vec::as_slice).unwrap_or_default())
    }

    fn block_meets(&mut self, counts: &[(usize, u32)], hours: &[usize]) -> Result<bool, String> {
        let e = block_estimates(self.replications(counts)?, hours);
        Ok(self.targets.iter().all(|t| t.met_by(&e[t.kpi])))
    }
}

/// Staffing per hour-of-day block: every team with a shift is one block, measured on the
/// requests made during its shift's hours. Every block starts at its [`erlang_estimate`]; each
/// pass then searches each team's count (1..=`max`) around its current one with the other
/// teams fixed ([`smallest_meeting`]), until a pass changes nothing (at most `passes`), since
/// overlapping shifts help each other.
pub fn search_by_shift(
    sc: &Scenario,
    targets: &[Target],
    max: u32,
    rs: &ReplicationSettings,
    passes: u32,
) -> Result<ShiftSearch, String> {
    let teams = shift_teams(sc);
    if teams.is_empty() {
        return Err("no team has a `shift:`; per-block staffing sizes the teams of shift patterns".into());
    }
    let max = max.max(1);
    let guesses: Vec<Option<u32>> = teams.iter().map(|(i, _, hours)| erlang_estimate(sc, *i, hours, targets)).collect();
    let mut counts: Vec<(usize, u32)> = teams
        .iter()
        .zip(&guesses)
        .map(|((i, _, _), g)| (*i, g.unwrap_or(sc.file.teams[*i].count).clamp(1, max)))
        .collect();
    let mut staffings = Staffings { sc, targets, rs, cache: BTreeMap::new() };
    for _ in 0..passes.max(1) {
        let mut changed = false;
        for (b, (_, _, hours)) in teams.iter().enumerate() {
            let before = counts[b].1;
            let mut trial = counts.clone();
            let chosen = smallest_meeting(before, 1, max, |n| {
                trial[b].1 = n;
                staffings.block_meets(&trial, hours)
            })?
            .unwrap_or(max);
            counts[b].1 = chosen;
            changed |= chosen != before;
        }
        if !changed {
            break;
        }
    }
    let reps = staffings.replications(&counts)?.to_vec();
    let blocks = teams
        .iter()
        .zip(guesses)
        .enumerate()
        .map(|(b, ((team, shift, hours), guess))| {
            let estimates = block_estimates(&reps, hours);
            Block {
                team: *team,
                prefix: sc.file.teams[*team].prefix.clone(),
                shift: shift.clone(),
                hours: hours.clone(),
                erlang_estimate: guess,
                agents: counts[b].1,
                meets: targets.iter().all(|t| t.met_by(&estimates[t.kpi])),
                estimates,
            }
        })
        .collect();
    let n = staffings.cache.len() as u64;
    Ok(ShiftSearch { blocks, staffings: n, runs: n * rs.replications })
}

/// The per-block result as a table.
pub fn block_table(blocks: &[Block], targets: &[Target], sc: &Scenario) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    let mut header =
        vec!["team".to_string(), "shift".into(), "hours".into(), "Erlang estimate".into(), "agents (now)".into()];
    header.extend(targets.iter().map(|t| KPIS[t.kpi].key.to_string()));
    header.push("meets targets".into());
    t.set_header(header);
    for b in blocks {
        let (first, last) = (b.hours.first().copied().unwrap_or(0), b.hours.last().copied().unwrap_or(0));
        let mut row = vec![
            b.prefix.clone(),
            b.shift.clone(),
            format!("{first:02}:00–{:02}:00 ({} h)", (last + 1) % 24, b.hours.len()),
            b.erlang_estimate.map(|e| e.to_string()).unwrap_or_else(|| "-".into()),
            format!("{} ({})", b.agents, sc.file.teams[b.team].count),
        ];
        for t in targets {
            let e = &b.estimates[t.kpi];
            row.push(format!("{} {}", fmt_value(KPIS[t.kpi].unit, e.mean), fmt_half(KPIS[t.kpi].unit, e.half)));
        }
        row.push(if b.meets { "yes".into() } else { "no (at --max)".into() });
        t.add_row(row);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse() {
        let t = Target::parse("p90_assign<=2m").unwrap();
        assert_eq!((t.kpi, t.cmp, t.value), (k::P90, Cmp::AtMost, 120.0));
        let t = Target::parse("80% within 20s").unwrap();
        assert_eq!((t.kpi, t.cmp, t.value), (k::SERVICE_LEVEL, Cmp::AtLeast, 0.8));
        assert_eq!(t.sl_target, Some(Duration(20)));
        let t = Target::parse("abandonment <= 5%").unwrap();
        assert_eq!((t.kpi, t.cmp), (k::ABANDONMENT, Cmp::AtMost));
        assert!((t.value - 0.05).abs() < 1e-12);
        assert!(Target::parse("p90<=x").is_err());
        assert!(Target::parse("nonsense").is_err());
        assert!(Target::parse("speed<=2m").unwrap_err().contains("unknown KPI"));
    }

    #[test]
    fn block_hours_of_day_and_overnight_shifts() {
        let shift = |login: &str, logout: &str| crate::scenario::model::ShiftSpec {
            days: vec![],
            login: crate::engine::time::TimeOfDay::parse(login).unwrap(),
            logout: crate::engine::time::TimeOfDay::parse(logout).unwrap(),
            breaks: vec![],
            meal: None,
            jitter: None,
        };
        assert_eq!(block_hours(&shift("09:00", "18:00")), (9..18).collect::<Vec<_>>());
        assert_eq!(block_hours(&shift("22:00", "06:00")), vec![0, 1, 2, 3, 4, 5, 22, 23]);
    }

    #[test]
    fn meeting_uses_the_confidence_interval() {
        let t = Target::parse("mean_assign<=60s").unwrap();
        let e = Estimate { n: 5, mean: 50.0, sd: 10.0, half: 12.0 };
        assert!(!t.met_by(&e));
        assert!(t.met_by(&Estimate { half: 5.0, ..e }));
    }
}
