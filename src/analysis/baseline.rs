//! When a scenario is an M/M/c (or M/M/c+M) queue, and which one: the analytic baseline printed
//! beside simulated values.
//!
//! A scenario qualifies when the engine can only behave as one FIFO queue in front of `c`
//! identical exponential servers: Poisson arrivals at one constant rate, exponential handling
//! that starts at assignment (`first_reply: {constant: 0}`), no chatbot or profile bot, working
//! time around the clock, every consulting account logged in for the whole run with the capacity
//! limit on (each account serves up to its capacity at once, so it counts as that many servers:
//! handling time does not depend on how many chats an agent holds), automatic distribution by
//! least load or round robin with the automatic backlog, no hold, transfer, manager, pick,
//! auto-close, scripted or replayed events. Patience, when given, must be exponential (Erlang A).
//!
//! Two limits of the simulator's model stay outside this check, and the numbers say when they
//! matter: the clock counts whole seconds, and a request made in the second a chat ends is
//! assigned at once even when rooms are Waiting (the batch, B3, runs after it in that second),
//! so it overtakes the queue: P(wait) comes out lower while the queue and the mean wait do not
//! (50 agents on 10-minute chats: 3.6 % of immediate assignments, P(wait) 0.34 against 0.36);
//! and B5 drains only rooms whose customer spoke within 7 days, so waits near a week are cut
//! short.

use super::erlang::{Baseline, Model, Queue};
use super::kpi::{KPIS, KpiValues, N_KPIS, fmt_value, k};
use crate::engine::account::Auth;
use crate::engine::calendar::DayHours;
use crate::engine::settings::{BacklogMode, Method, Scope, YesNo};
use crate::scenario::Scenario;
use crate::sim::dist::Distribution;

/// The queue a scenario is equivalent to, or why it is not one.
pub fn queue_of(sc: &Scenario) -> Result<Queue, String> {
    let f = &sc.file;
    let s = &f.settings;
    let w = &f.workload;
    let no = |why: &str| Err(why.to_string());
    if s.chatbot.enabled {
        return no("the chatbot is on");
    }
    if s.profile_bot.enabled {
        return no("the profile bot is on");
    }
    let all_day = |d: &DayHours| matches!(d, DayHours::AllDay);
    if !(all_day(&s.working_hours.weekday) && all_day(&s.working_hours.saturday) && all_day(&s.working_hours.sunday)) {
        return no("working time is not all day, every day");
    }
    if !f.holidays.is_empty() || !f.day_status.is_empty() || s.meal.collective_window.is_some() {
        return no("holidays, day statuses or a collective meal window change who can serve");
    }
    if !s.capacity.enabled {
        return no("the capacity limit is off (no queue forms)");
    }
    if s.intake.over_capacity != YesNo::Y {
        return no("requests over capacity are rejected, not queued");
    }
    if !matches!(s.distribution.method, Method::LeastLoad | Method::Sequential) {
        return no("distribution is not least load or round robin");
    }
    if s.backlog.mode != BacklogMode::Auto {
        return no("the backlog is drained by hand");
    }
    if s.auto_close.customer_no_reply.is_some() || s.auto_close.agent_delay.is_some() {
        return no("automatic closes cut conversations short");
    }
    if !f.scripted.is_empty() || w.replay.is_some() || w.manager_assign.is_some() || w.picking.is_some() {
        return no("scripted, replayed, manager or pick events");
    }
    let Some(arrivals) = &w.arrivals else { return no("no generated arrivals") };
    let rates = arrivals.rates();
    let rate = rates[0];
    if rate <= 0.0 || rates.iter().any(|r| *r != rate) {
        return no("the arrival rate is not one constant");
    }
    let c = &w.conversation;
    match &c.first_reply {
        Some(Distribution::Constant(k)) if k.value() == 0.0 => {}
        _ => return no("the first reply is not immediate (`first_reply: {constant: 0}`)"),
    }
    let Distribution::Exponential(h) = &c.handling else { return no("handling is not exponential") };
    if c.hold_share > 0.0 || c.transfer_share > 0.0 {
        return no("holds or transfers");
    }
    if w.waiting.reclick_after.is_some() {
        return no("customers re-click while waiting");
    }
    let theta = match &w.waiting.patience {
        None => 0.0,
        Some(Distribution::Exponential(p)) => 1.0 / p.mean(),
        Some(_) => return no("patience is not exponential"),
    };
    let mut servers: u64 = 0;
    for a in &sc.accounts {
        if !a.consults || a.auth != Auth::Active {
            continue;
        }
        if a.shift.is_some() {
            return no("accounts work shifts");
        }
        // A15: with the default scope every able account receives rooms, logged in or not.
        if a.logged_in || s.distribution.scope == Scope::AllAble {
            servers += u64::from(a.capacity.unwrap_or(s.capacity.max_per_agent.0));
        }
    }
    if servers == 0 {
        return no("no consulting account is logged in");
    }
    let servers = u32::try_from(servers).map_err(|_| "too many servers".to_string())?;
    Ok(Queue::new(rate / 3600.0, 1.0 / h.mean(), servers, theta))
}

/// The analytic value of each KPI ([`KPIS`] order) where the model gives one.
pub fn kpi_values(q: &Queue, b: &Baseline) -> [Option<f64>; N_KPIS] {
    let mut v = [None; N_KPIS];
    v[k::P_WAIT] = Some(b.p_wait);
    v[k::MEAN_WAIT] = Some(b.mean_wait_served);
    v[k::SERVICE_LEVEL] = Some(b.service_level);
    v[k::ABANDONMENT] = Some(b.p_abandon);
    v[k::MEAN_QUEUE] = Some(b.mean_queue);
    v[k::MEAN_BUSY] = Some(b.utilisation * f64::from(b.servers));
    // First reply is immediate in a qualifying scenario: its latency is the wait.
    v[k::MEAN_FIRST_REPLY] = Some(b.mean_wait_served);
    if b.model == Model::ErlangC {
        v[k::P50] = q.erlang_c_wait_quantile(0.5).ok();
        v[k::P90] = q.erlang_c_wait_quantile(0.9).ok();
        v[k::P99] = q.erlang_c_wait_quantile(0.99).ok();
    }
    v
}

/// The baseline of a scenario: its queue, the model's figures, and the KPI values; `Err` says
/// why the scenario does not qualify (or why the model has no steady state).
pub fn of_scenario(sc: &Scenario) -> Result<(Queue, Baseline, [Option<f64>; N_KPIS]), String> {
    let q = queue_of(sc)?;
    let b = q.solve(sc.file.service_level.secs() as f64).map_err(|e| e.to_string())?;
    let v = kpi_values(&q, &b);
    Ok((q, b, v))
}

/// One line describing the model of a baseline.
pub fn describe(q: &Queue, b: &Baseline) -> String {
    let mut s = format!(
        "{}: λ = {:.2}/h, mean handling {:.0} s, c = {} servers, offered load {:.2} Erlang (ρ = {:.3})",
        b.model,
        q.lambda * 3600.0,
        1.0 / q.mu,
        q.servers,
        b.load,
        b.load / f64::from(q.servers)
    );
    if q.theta > 0.0 {
        s.push_str(&format!(", mean patience {:.0} s", 1.0 / q.theta));
    }
    s
}

/// A table of simulated values beside the analytic ones (single run).
pub fn comparison_table(sim: &KpiValues, analytic: &[Option<f64>; N_KPIS]) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    t.set_header(vec!["KPI", "simulated", "analytic"]);
    for (i, kd) in KPIS.iter().enumerate() {
        if let Some(a) = analytic[i] {
            t.add_row(vec![kd.label.to_string(), fmt_value(kd.unit, sim[i]), fmt_value(kd.unit, a)]);
        }
    }
    t
}
