//! The generated workload (SIM2, SIM5): arrivals, chatbot dwell, customer patience and messages,
//! agents' replies and handling, rosters, managers' assignments and agents' picks, and the
//! scenario's scripted events.
//!
//! Each concern draws from its own ChaCha stream derived from the scenario seed and the
//! concern's name, so changing one concern's parameters leaves every other concern's draws as
//! they were (common random numbers for what-if comparisons).
//!
//! The workload is reactive: it schedules a room's next customer or agent action when the
//! engine's effects show the room reached the state that action follows (assigned → first
//! reply; first reply → handling and close; Waiting → patience, messages, re-click). Each room
//! carries a generation number; an action scheduled under an older generation (a patience
//! timeout for a room that has since been assigned) is dropped by `admit`.

use rand_chacha::ChaCha8Rng;

use super::arrivals::ArrivalProcess;
use super::dist::{Choice, bernoulli};
use super::rng::Streams;
use super::{EventQueue, Workload};
use crate::engine::rooms::RoomTable;
use crate::engine::time::{DAY, Date, Time};
use crate::engine::{
    AccountId, AccountPatch, BlockTarget, CategoryId, ChannelId, CustomerId, DayOverride, DayStatus, Effect, Engine,
    Event, ProfileOutcome, Rejection, Role, RoomId, RoomState, Settings,
};
use crate::scenario::Scenario;
use crate::scenario::model::{ScriptedAction, ShiftSpec, WorkloadSpec};

/// Tag of events that are always admitted (scripted events, rosters, managers).
pub const TAG_ALWAYS: u32 = u32::MAX;
/// Tag of a generated arrival.
const TAG_ARRIVAL: u32 = u32::MAX - 1;

const WAKE_ROSTER: u64 = 1;
const WAKE_MANAGER: u64 = 2;
const WAKE_PICK: u64 = 3;

/// One seeded stream per concern (SIM5).
struct Rngs {
    arrivals: ChaCha8Rng,
    mix: ChaCha8Rng,
    chatbot: ChaCha8Rng,
    profile: ChaCha8Rng,
    patience: ChaCha8Rng,
    waiting_messages: ChaCha8Rng,
    reclick: ChaCha8Rng,
    first_reply: ChaCha8Rng,
    handling: ChaCha8Rng,
    closed_by: ChaCha8Rng,
    hold: ChaCha8Rng,
    transfer: ChaCha8Rng,
    roster: ChaCha8Rng,
}

impl Rngs {
    fn new(seed: u64) -> Rngs {
        let s = Streams::new(seed);
        Rngs {
            arrivals: s.stream("arrivals"),
            mix: s.stream("mix"),
            chatbot: s.stream("chatbot"),
            profile: s.stream("profile"),
            patience: s.stream("patience"),
            waiting_messages: s.stream("waiting_messages"),
            reclick: s.stream("reclick"),
            first_reply: s.stream("first_reply"),
            handling: s.stream("handling"),
            closed_by: s.stream("closed_by"),
            hold: s.stream("hold"),
            transfer: s.stream("transfer"),
            roster: s.stream("roster"),
        }
    }
}

/// What the workload remembers of a generated room.
#[derive(Debug, Clone, Default)]
struct Plan {
    generation: u32,
    owner: Option<AccountId>,
    waiting: bool,
    close_at: Time,
    customer_closes: bool,
}

/// A roster: an account and its shift.
struct Roster {
    account: AccountId,
    shift: ShiftSpec,
}

/// The generator.
pub struct Generator {
    spec: WorkloadSpec,
    rng: Rngs,
    arrival: Option<ArrivalProcess>,
    channel_mix: Option<Choice<ChannelId>>,
    category_mix: Option<Choice<CategoryId>>,
    closed_by: Option<Choice<bool>>,
    next_room: u64,
    plans: RoomTable<Plan>,
    scripted: Vec<(Time, Event)>,
    rosters: Vec<Roster>,
    manager: Option<(AccountId, i64, u32)>,
    pick: Option<(i64, u32)>,
    start: Time,
    end: Time,
    /// Scripted room labels, in id order (room id = index + 1).
    pub room_labels: Vec<String>,
    /// A replayed trace supplies the customers: adopt rooms it creates, generate no arrivals,
    /// and let agents close what they handle (see [`Generator::serve_replayed_customers`]).
    replayed_customers: bool,
}

/// Applies a partial settings document over settings (scripted `settings_changed`).
pub fn merge_settings(base: &Settings, patch: &serde_yaml::Value) -> Result<Settings, String> {
    let mut v = serde_yaml::to_value(base).map_err(|e| e.to_string())?;
    crate::scenario::build::merge_value(&mut v, patch);
    serde_yaml::from_value(v).map_err(|e| format!("invalid settings patch: {e}"))
}

impl Generator {
    /// Builds the generator for a scenario and its engine (ids resolved through the engine).
    pub fn new(sc: &Scenario, engine: &Engine, seed: u64) -> Result<Generator, String> {
        let spec = sc.file.workload.clone();
        let start = sc.start();
        let end = sc.end();
        let catalog = engine.catalog();
        let channel_mix = if spec.channels.is_empty() {
            let items: Vec<(ChannelId, f64)> =
                (0..catalog.channels.len()).map(|i| (ChannelId(i as u16), 1.0)).collect();
            Some(Choice::new(items).map_err(|e| e.to_string())?)
        } else {
            let mut items = Vec::new();
            for (id, w) in &spec.channels {
                let c = catalog.channel(id).ok_or_else(|| format!("workload.channels: unknown channel `{id}`"))?;
                items.push((c, *w));
            }
            Some(Choice::new(items).map_err(|e| e.to_string())?)
        };
        let category_mix = if spec.categories.is_empty() {
            None
        } else {
            let mut items = Vec::new();
            for (path, w) in &spec.categories {
                let c =
                    catalog.category(path).ok_or_else(|| format!("workload.categories: unknown category `{path}`"))?;
                items.push((c, *w));
            }
            Some(Choice::new(items).map_err(|e| e.to_string())?)
        };
        let closed_by = {
            let mut items = Vec::new();
            for (who, w) in &spec.conversation.closed_by {
                match who.as_str() {
                    "agent" => items.push((false, *w)),
                    "customer" => items.push((true, *w)),
                    other => return Err(format!("workload.conversation.closed_by: unknown closer `{other}`")),
                }
            }
            if items.is_empty() { None } else { Some(Choice::new(items).map_err(|e| e.to_string())?) }
        };
        let arrival = spec.arrivals.as_ref().map(|p| ArrivalProcess::new(p.clone(), start));
        let mut rosters = Vec::new();
        for a in &sc.accounts {
            if let Some(name) = &a.shift {
                let shift = sc.file.shifts.get(name).ok_or_else(|| format!("unknown shift `{name}`"))?.clone();
                let account = engine.account_id(&a.id).ok_or_else(|| format!("unknown account `{}`", a.id))?;
                rosters.push(Roster { account, shift });
            }
        }
        let manager = match &spec.manager_assign {
            Some(m) => {
                let actor = match &m.actor {
                    Some(id) => engine.account_id(id).ok_or_else(|| format!("unknown manager `{id}`"))?,
                    None => engine.admin(),
                };
                Some((actor, m.every.secs().max(1), m.batch))
            }
            None => None,
        };
        let pick = spec.picking.as_ref().map(|p| (p.every.secs().max(1), p.below_load));
        let mut g = Generator {
            spec,
            rng: Rngs::new(seed),
            arrival,
            channel_mix,
            category_mix,
            closed_by,
            next_room: 1,
            plans: RoomTable::default(),
            scripted: Vec::new(),
            rosters,
            manager,
            pick,
            start,
            end,
            room_labels: Vec::new(),
            replayed_customers: false,
        };
        g.scripted = g.resolve_scripted(sc, engine)?;
        g.next_room = g.room_labels.len() as u64 + 1;
        Ok(g)
    }

    /// Turns the scenario's scripted events into engine events, in time order (stable).
    fn resolve_scripted(&mut self, sc: &Scenario, engine: &Engine) -> Result<Vec<(Time, Event)>, String> {
        let mut items: Vec<(Time, usize, &ScriptedAction)> = Vec::new();
        for (i, s) in sc.file.scripted.iter().enumerate() {
            let at = match (&s.at, &s.after) {
                (Some(at), None) => crate::engine::time::from_naive_datetime(at.0),
                (None, Some(d)) => self.start + d.secs(),
                _ => return Err(format!("scripted event {}: give exactly one of `at` and `after`", i + 1)),
            };
            items.push((at, i, &s.action));
        }
        items.sort_by_key(|(at, i, _)| (*at, *i));
        // Room labels get ids in the order their room_created events appear in the file.
        let mut labels: Vec<String> = Vec::new();
        for s in &sc.file.scripted {
            if let ScriptedAction::RoomCreated { room, .. } = &s.action
                && !labels.contains(room)
            {
                labels.push(room.clone());
            }
        }
        let mut customers: Vec<String> = Vec::new();
        let room = |l: &str| -> Result<RoomId, String> {
            labels
                .iter()
                .position(|x| x == l)
                .map(|i| RoomId(i as u64 + 1))
                .ok_or_else(|| format!("unknown room `{l}`"))
        };
        let acc = |id: &str| -> Result<AccountId, String> {
            engine.account_id(id).ok_or_else(|| format!("unknown account `{id}`"))
        };
        let accs = |pats: &[String]| -> Result<Vec<AccountId>, String> {
            let mut v = Vec::new();
            for p in pats {
                let ids = sc.match_accounts(p);
                if ids.is_empty() {
                    return Err(format!("no account matches `{p}`"));
                }
                for id in ids {
                    v.push(acc(&id)?);
                }
            }
            Ok(v)
        };
        let catalog = engine.catalog();
        let cat = |c: &Option<String>| -> Result<Option<CategoryId>, String> {
            match c {
                None => Ok(None),
                Some(p) => catalog.category(p).map(Some).ok_or_else(|| format!("unknown category `{p}`")),
            }
        };
        let prof = |e: bool| if e { ProfileOutcome::Entered } else { ProfileOutcome::NotEntered };
        let admin = engine.admin();
        let mut settings = sc.file.settings.clone();
        let mut out = Vec::new();
        for (at, _, action) in items {
            let mut push_each = |list: Vec<AccountId>, f: &dyn Fn(AccountId) -> Event| {
                for a in list {
                    out.push((at, f(a)));
                }
            };
            match action {
                ScriptedAction::AgentLogin { accounts } => {
                    push_each(accs(accounts)?, &|a| Event::AgentLogin { account: a })
                }
                ScriptedAction::AgentLogout { accounts } => {
                    push_each(accs(accounts)?, &|a| Event::AgentLogout { account: a })
                }
                ScriptedAction::BreakStart { accounts } => {
                    push_each(accs(accounts)?, &|a| Event::BreakStart { account: a })
                }
                ScriptedAction::BreakEnd { accounts } => {
                    push_each(accs(accounts)?, &|a| Event::BreakEnd { account: a })
                }
                ScriptedAction::MealStart { accounts } => {
                    push_each(accs(accounts)?, &|a| Event::MealStart { account: a })
                }
                ScriptedAction::MealEnd { accounts } => push_each(accs(accounts)?, &|a| Event::MealEnd { account: a }),
                ScriptedAction::AutoReplySet { accounts, on } => {
                    let on = *on;
                    push_each(accs(accounts)?, &|a| Event::AutoReplySet { account: a, on })
                }
                ScriptedAction::RoomCreated { room: label, channel, category, customer, profile_entered } => {
                    let ch = match channel {
                        None => ChannelId(0),
                        Some(c) => catalog.channel(c).ok_or_else(|| format!("unknown channel `{c}`"))?,
                    };
                    let cl = customer.clone().unwrap_or_else(|| label.clone());
                    let ci = match customers.iter().position(|x| *x == cl) {
                        Some(i) => i,
                        None => {
                            customers.push(cl);
                            customers.len() - 1
                        }
                    };
                    out.push((
                        at,
                        Event::RoomCreated {
                            room: room(label)?,
                            customer: scripted_customer(ci),
                            channel: ch,
                            category: cat(category)?,
                            profile: prof(*profile_entered),
                        },
                    ));
                }
                ScriptedAction::ConnectRequest { room: l, category, profile_entered } => out.push((
                    at,
                    Event::ConnectRequest { room: room(l)?, category: cat(category)?, profile: prof(*profile_entered) },
                )),
                ScriptedAction::HotkeyReclick { room: l, profile_entered } => {
                    out.push((at, Event::HotkeyReclick { room: room(l)?, profile: prof(*profile_entered) }))
                }
                ScriptedAction::CustomerMessage { room: l } => {
                    out.push((at, Event::CustomerMessage { room: room(l)? }))
                }
                ScriptedAction::CustomerClose { room: l } => out.push((at, Event::CustomerClose { room: room(l)? })),
                ScriptedAction::AgentMessage { room: l } => {
                    out.push((at, Event::AgentMessage { room: room(l)?, account: OWNER_PLACEHOLDER }))
                }
                ScriptedAction::AgentClose { room: l } => {
                    out.push((at, Event::AgentClose { room: room(l)?, account: OWNER_PLACEHOLDER }))
                }
                ScriptedAction::HoldSet { room: l } => {
                    out.push((at, Event::HoldSet { room: room(l)?, account: OWNER_PLACEHOLDER }))
                }
                ScriptedAction::HoldRelease { room: l } => {
                    out.push((at, Event::HoldRelease { room: room(l)?, account: OWNER_PLACEHOLDER }))
                }
                ScriptedAction::AgentPick { account, rooms } => {
                    let rooms = rooms.iter().map(|l| room(l)).collect::<Result<Vec<_>, _>>()?;
                    out.push((at, Event::AgentPick { account: acc(account)?, rooms }))
                }
                ScriptedAction::Transfer { room: l, to, actor } => {
                    let actor = match actor {
                        Some(a) => acc(a)?,
                        None => OWNER_PLACEHOLDER,
                    };
                    out.push((at, Event::Transfer { room: room(l)?, to: acc(to)?, actor }))
                }
                ScriptedAction::ManagerAssign { room: l, to, actor } => {
                    let actor = actor.as_deref().map(acc).transpose()?.unwrap_or(admin);
                    out.push((at, Event::ManagerAssign { room: room(l)?, to: acc(to)?, actor }))
                }
                ScriptedAction::ManagerClose { room: l, actor } => {
                    let actor = actor.as_deref().map(acc).transpose()?.unwrap_or(admin);
                    out.push((at, Event::ManagerClose { room: room(l)?, actor }))
                }
                ScriptedAction::ManagerBlock { room: l, actor } => {
                    let actor = actor.as_deref().map(acc).transpose()?.unwrap_or(admin);
                    out.push((at, Event::ManagerBlock { target: BlockTarget::Room(room(l)?), actor }))
                }
                ScriptedAction::CustomerInfoChange { customer, entered } => {
                    let ci = customers
                        .iter()
                        .position(|x| x == customer)
                        .ok_or_else(|| format!("unknown customer `{customer}`"))?;
                    out.push((
                        at,
                        Event::CustomerInfoChange { customer: scripted_customer(ci), entered: *entered, actor: admin },
                    ))
                }
                ScriptedAction::DayStatusSet { accounts, date, available, breaks } => {
                    let date = date.unwrap_or(Date::of(at));
                    let status = DayStatus { available: *available, breaks: breaks.clone() };
                    for a in accs(accounts)? {
                        out.push((at, Event::DayStatusSet { account: a, date, status: status.clone(), actor: admin }));
                    }
                }
                ScriptedAction::HolidaySet { date, hours } => out.push((
                    at,
                    Event::HolidaySet {
                        date: *date,
                        day: Some(hours.map(DayOverride::Hours).unwrap_or(DayOverride::Holiday)),
                    },
                )),
                ScriptedAction::AccountChange { accounts, consults, auth, capacity } => {
                    for a in accs(accounts)? {
                        let patch = AccountPatch {
                            consults: *consults,
                            auth: *auth,
                            max_override: capacity.map(Some),
                            ..AccountPatch::default()
                        };
                        out.push((at, Event::AccountChange { account: a, patch }));
                    }
                }
                ScriptedAction::SettingsChanged { patch } => {
                    settings = merge_settings(&settings, patch)?;
                    out.push((at, Event::SettingsChanged(Box::new(settings.clone()))));
                }
            }
        }
        self.room_labels = labels;
        Ok(out)
    }

    /// Turns this generator into the agent side of a `customers` replay (docs/REPLAY.md): no
    /// generated arrivals; rooms created by the trace are adopted as if generated, so agents
    /// reply, handle, hold, transfer and close them as the model says; and the agent closes at the
    /// end of handling even where the model would let the customer close (the customer's closes
    /// are the trace's). The caller drops the customer-side events the model still schedules.
    pub fn serve_replayed_customers(&mut self) {
        self.arrival = None;
        self.replayed_customers = true;
    }

    fn new_room_id(&mut self) -> RoomId {
        let id = RoomId(self.next_room);
        self.next_room += 1;
        id
    }

    fn schedule_arrival(&mut self, after: Time, q: &mut EventQueue) {
        let Some(p) = self.arrival.as_mut() else { return };
        let Some(at) = p.next_after(after, &mut self.rng.arrivals) else { return };
        if at >= self.end {
            return;
        }
        let room = self.new_room_id();
        let channel = match &self.channel_mix {
            Some(c) if c.items().len() > 1 => *c.sample(&mut self.rng.mix),
            Some(c) => c.items().first().copied().unwrap_or(ChannelId(0)),
            None => ChannelId(0),
        };
        let category = self.category_mix.as_ref().map(|c| *c.sample(&mut self.rng.mix));
        let profile = self.profile_outcome();
        // A generated customer is new for each room; customer id = room id.
        q.push_event(
            at,
            Event::RoomCreated { room, customer: CustomerId(room.0), channel, category, profile },
            TAG_ARRIVAL,
        );
    }

    fn profile_outcome(&mut self) -> ProfileOutcome {
        // Without a profile share every customer enters the profile: no draw is needed.
        let Some(p) = self.spec.profile_entered else { return ProfileOutcome::Entered };
        if bernoulli(&mut self.rng.profile, p) { ProfileOutcome::Entered } else { ProfileOutcome::NotEntered }
    }

    /// Schedules one day of every roster (login, breaks, meal, logout), skipping what lies before
    /// the start; an account whose shift is running at the start logs in at the start.
    fn plan_day(&mut self, day: Date, q: &mut EventQueue) {
        let weekday = match day.weekday() {
            chrono::Weekday::Mon => crate::scenario::model::Weekday::Mon,
            chrono::Weekday::Tue => crate::scenario::model::Weekday::Tue,
            chrono::Weekday::Wed => crate::scenario::model::Weekday::Wed,
            chrono::Weekday::Thu => crate::scenario::model::Weekday::Thu,
            chrono::Weekday::Fri => crate::scenario::model::Weekday::Fri,
            chrono::Weekday::Sat => crate::scenario::model::Weekday::Sat,
            chrono::Weekday::Sun => crate::scenario::model::Weekday::Sun,
        };
        let base = day.start();
        for r in 0..self.rosters.len() {
            let (account, shift) = (self.rosters[r].account, self.rosters[r].shift.clone());
            if !shift.days.contains(&weekday) {
                continue;
            }
            let mut jitter = || -> i64 {
                match &shift.jitter {
                    Some(d) => (d.sample(&mut self.rng.roster) - d.mean()).round() as i64,
                    None => 0,
                }
            };
            let login = base + shift.login.secs() + jitter();
            let mut logout = base + shift.logout.secs();
            if shift.logout <= shift.login {
                logout += DAY;
            }
            logout += jitter();
            let logout = logout.max(login + 1);
            let push = |at: Time, ev: Event, q: &mut EventQueue| {
                if at >= self.start && at < self.end {
                    q.push_event(at, ev, TAG_ALWAYS);
                }
            };
            if login < self.start && logout > self.start {
                push(self.start, Event::AgentLogin { account }, q);
            } else {
                push(login, Event::AgentLogin { account }, q);
            }
            for b in &shift.breaks {
                let mut s = base + b.at.secs();
                if b.at < shift.login {
                    s += DAY;
                }
                let s = s + jitter();
                push(s, Event::BreakStart { account }, q);
                push(s + b.length.secs(), Event::BreakEnd { account }, q);
            }
            if let Some(m) = shift.meal {
                // A meal before the login time belongs to the next day of an overnight shift.
                let day = if m.start < shift.login { base + DAY } else { base };
                push(day + m.start.secs(), Event::MealStart { account }, q);
                push(day + m.end.secs(), Event::MealEnd { account }, q);
            }
            push(logout, Event::AgentLogout { account }, q);
        }
    }

    fn on_waiting(&mut self, room: RoomId, at: Time, q: &mut EventQueue) {
        let Some(plan) = self.plans.get_mut(&room) else { return };
        plan.generation += 1;
        plan.waiting = true;
        let generation = plan.generation;
        if let Some(d) = &self.spec.waiting.patience {
            let t = at + d.sample_secs(&mut self.rng.patience);
            q.push_event(t, Event::CustomerClose { room }, generation);
        }
        if let Some(d) = &self.spec.waiting.message_every {
            let t = at + d.sample_secs(&mut self.rng.waiting_messages).max(1);
            q.push_event(t, Event::CustomerMessage { room }, generation);
        }
        if let Some(d) = &self.spec.waiting.reclick_after {
            let t = at + d.sample_secs(&mut self.rng.reclick);
            let profile = self.profile_outcome();
            q.push_event(t, Event::HotkeyReclick { room, profile }, generation);
        }
    }

    fn on_assigned(&mut self, room: RoomId, account: AccountId, at: Time, q: &mut EventQueue) {
        let Some(plan) = self.plans.get_mut(&room) else { return };
        plan.generation += 1;
        plan.waiting = false;
        plan.owner = Some(account);
        let generation = plan.generation;
        if let Some(d) = &self.spec.conversation.first_reply {
            let t = at + d.sample_secs(&mut self.rng.first_reply);
            q.push_event(t, Event::AgentMessage { room, account }, generation);
        }
    }

    fn on_first_reply(&mut self, room: RoomId, at: Time, engine: &Engine, q: &mut EventQueue) {
        let handling = self.spec.conversation.handling.sample_secs(&mut self.rng.handling).max(1);
        let customer_closes = self.closed_by.as_ref().map(|c| *c.sample(&mut self.rng.closed_by)).unwrap_or(false)
            && !self.replayed_customers;
        let hold = bernoulli(&mut self.rng.hold, self.spec.conversation.hold_share);
        let transfer = bernoulli(&mut self.rng.transfer, self.spec.conversation.transfer_share);
        let Some(plan) = self.plans.get_mut(&room) else { return };
        let (generation, Some(owner)) = (plan.generation, plan.owner) else { return };
        plan.close_at = at + handling;
        plan.customer_closes = customer_closes;
        let n = self.spec.conversation.exchanges as i64;
        for i in 1..=n {
            q.push_event(at + handling * (2 * i - 1) / (2 * n + 1), Event::CustomerMessage { room }, generation);
            q.push_event(
                at + handling * (2 * i) / (2 * n + 1),
                Event::AgentMessage { room, account: owner },
                generation,
            );
        }
        if hold {
            q.push_event(at + handling / 4, Event::HoldSet { room, account: owner }, generation);
            q.push_event(at + handling / 2, Event::HoldRelease { room, account: owner }, generation);
        }
        if transfer && let Some(to) = transfer_target(engine, owner) {
            q.push_event(at + handling / 3, Event::Transfer { room, to, actor: engine.admin() }, generation);
        }
        self.schedule_close(room, q);
    }

    fn schedule_close(&mut self, room: RoomId, q: &mut EventQueue) {
        let Some(plan) = self.plans.get(&room) else { return };
        let Some(owner) = plan.owner else { return };
        let ev = if plan.customer_closes {
            Event::CustomerClose { room }
        } else {
            Event::AgentClose { room, account: owner }
        };
        q.push_event(plan.close_at, ev, plan.generation);
    }

    fn manager_round(&mut self, engine: &Engine, q: &mut EventQueue) {
        let Some((actor, _, batch)) = self.manager else { return };
        if !engine.is_working_now() {
            return;
        }
        let today = Date::of(engine.now());
        let mut loads: Vec<(u32, u32)> = engine
            .accounts()
            .iter()
            .enumerate()
            .filter(|(_, a)| {
                a.consults_actively() && a.logged_in && !a.on_break && a.days.get(today).is_none_or(|d| d.available)
            })
            .map(|(i, a)| (a.load, i as u32))
            .collect();
        if loads.is_empty() {
            return;
        }
        for room in engine.waiting_rooms().into_iter().take(batch as usize) {
            loads.sort_unstable();
            let (l, i) = loads[0];
            loads[0] = (l + 1, i);
            q.push_event(engine.now(), Event::ManagerAssign { room, to: AccountId(i), actor }, TAG_ALWAYS);
        }
    }

    fn pick_round(&mut self, engine: &Engine, q: &mut EventQueue) {
        let Some((_, below)) = self.pick else { return };
        let mut waiting = engine.waiting_rooms().into_iter();
        for (i, a) in engine.accounts().iter().enumerate() {
            if !a.logged_in || !a.consults_actively() || a.on_break || a.load >= below {
                continue;
            }
            let Some(room) = waiting.next() else { break };
            q.push_event(
                engine.now(),
                Event::AgentPick { account: AccountId(i as u32), rooms: vec![room] },
                TAG_ALWAYS,
            );
        }
    }
}

/// The account a room's owner hands over to: the next consulting account in the same group.
fn transfer_target(engine: &Engine, owner: AccountId) -> Option<AccountId> {
    let accs = engine.accounts();
    let n = accs.len();
    (1..n).map(|k| AccountId(((owner.0 as usize + k) % n) as u32)).find(|&a| {
        let acc = &accs[a.idx()];
        acc.consults_actively() && acc.role == Role::Agent && acc.logged_in
    })
}

/// Scripted customer labels get ids far from generated ones (which equal room ids).
fn scripted_customer(i: usize) -> CustomerId {
    CustomerId((1u64 << 62) + i as u64)
}

/// Placeholder for "the room's owner at the time" in scripted agent actions.
const OWNER_PLACEHOLDER: AccountId = AccountId(u32::MAX);

impl Workload for Generator {
    fn init(&mut self, _engine: &Engine, q: &mut EventQueue) {
        for (at, ev) in std::mem::take(&mut self.scripted) {
            if at >= self.start && at < self.end {
                q.push_event(at, ev, TAG_ALWAYS);
            }
        }
        self.schedule_arrival(self.start - 1, q);
        if !self.rosters.is_empty() {
            q.push_wake(self.start, WAKE_ROSTER);
        }
        if let Some((_, every, _)) = self.manager {
            q.push_wake(self.start + every, WAKE_MANAGER);
        }
        if let Some((every, _)) = self.pick {
            q.push_wake(self.start + every, WAKE_PICK);
        }
    }

    fn resolve(&mut self, event: Event, engine: &Engine) -> Event {
        if matches!(
            event,
            Event::AgentMessage { .. }
                | Event::AgentClose { .. }
                | Event::HoldSet { .. }
                | Event::HoldRelease { .. }
                | Event::Transfer { .. }
        ) {
            resolve_owner(&event, engine).unwrap_or(event)
        } else {
            event
        }
    }

    fn admit(&mut self, _at: Time, event: &Event, tag: u32, _engine: &Engine) -> bool {
        if tag >= TAG_ARRIVAL {
            return true;
        }
        event.room().and_then(|r| self.plans.get(&r)).is_some_and(|p| p.generation == tag)
    }

    fn delivered(
        &mut self,
        at: Time,
        event: &Event,
        tag: u32,
        _outcome: &Result<(), Rejection>,
        effects: &[Effect],
        engine: &Engine,
        q: &mut EventQueue,
    ) {
        if tag == TAG_ARRIVAL {
            if let Event::RoomCreated { room, .. } = event {
                self.plans.insert(*room, Plan::default());
            }
            self.schedule_arrival(at, q);
        }
        // A waiting customer's messages recur while the room waits.
        if let Event::CustomerMessage { room } = event
            && let Some(plan) = self.plans.get(room)
            && plan.waiting
            && plan.generation == tag
            && let Some(d) = &self.spec.waiting.message_every
        {
            let t = at + d.sample_secs(&mut self.rng.waiting_messages).max(1);
            q.push_event(t, Event::CustomerMessage { room: *room }, tag);
        }
        if self.replayed_customers {
            for e in effects {
                if let Effect::StateChanged { room, from: None, .. } = *e
                    && self.plans.get(&room).is_none()
                {
                    self.plans.insert(room, Plan::default());
                }
            }
        }
        for e in effects {
            match *e {
                Effect::StateChanged { room, from: None, to: RoomState::ChatbotInProgress } => {
                    if let Some(plan) = self.plans.get(&room) {
                        let generation = plan.generation;
                        let dwell = self.spec.chatbot.dwell.sample_secs(&mut self.rng.chatbot);
                        let request = bernoulli(&mut self.rng.chatbot, self.spec.chatbot.request_share);
                        let ev = if request {
                            let category = self.category_mix.as_ref().map(|c| *c.sample(&mut self.rng.mix));
                            let profile = self.profile_outcome();
                            Event::ConnectRequest { room, category, profile }
                        } else {
                            Event::CustomerClose { room }
                        };
                        q.push_event(at + dwell, ev, generation);
                    }
                }
                Effect::WaitEntered { room, .. } => self.on_waiting(room, at, q),
                Effect::Assigned { room, account, .. } => self.on_assigned(room, account, at, q),
                Effect::FirstReply { room } => self.on_first_reply(room, at, engine, q),
                Effect::Transferred { room, to, .. } => {
                    if let Some(plan) = self.plans.get_mut(&room) {
                        plan.generation += 1;
                        plan.owner = Some(to);
                        self.schedule_close(room, q);
                    }
                }
                Effect::Closed { room, .. } => {
                    self.plans.remove(&room);
                }
                Effect::StateChanged { room, to: RoomState::Rejected, .. } => {
                    self.plans.remove(&room);
                }
                _ => {}
            }
        }
    }

    fn wake(&mut self, at: Time, token: u64, engine: &Engine, q: &mut EventQueue) {
        match token {
            WAKE_ROSTER => {
                self.plan_day(Date::of(at), q);
                let next = Date::of(at).next().start();
                if next < self.end {
                    q.push_wake(next, WAKE_ROSTER);
                }
                // The previous day's overnight shifts were planned with it.
            }
            WAKE_MANAGER => {
                self.manager_round(engine, q);
                if let Some((_, every, _)) = self.manager
                    && at + every < self.end
                {
                    q.push_wake(at + every, WAKE_MANAGER);
                }
            }
            WAKE_PICK => {
                self.pick_round(engine, q);
                if let Some((every, _)) = self.pick
                    && at + every < self.end
                {
                    q.push_wake(at + every, WAKE_PICK);
                }
            }
            _ => {}
        }
    }
}

/// Resolves the owner placeholder of scripted agent actions to the room's owner at delivery.
pub fn resolve_owner(event: &Event, engine: &Engine) -> Option<Event> {
    let owner = |room: &RoomId| engine.room(*room).and_then(|r| r.owner.account()).unwrap_or(OWNER_PLACEHOLDER);
    match event {
        Event::AgentMessage { room, account } if *account == OWNER_PLACEHOLDER => {
            Some(Event::AgentMessage { room: *room, account: owner(room) })
        }
        Event::AgentClose { room, account } if *account == OWNER_PLACEHOLDER => {
            Some(Event::AgentClose { room: *room, account: owner(room) })
        }
        Event::HoldSet { room, account } if *account == OWNER_PLACEHOLDER => {
            Some(Event::HoldSet { room: *room, account: owner(room) })
        }
        Event::HoldRelease { room, account } if *account == OWNER_PLACEHOLDER => {
            Some(Event::HoldRelease { room: *room, account: owner(room) })
        }
        Event::Transfer { room, to, actor } if *actor == OWNER_PLACEHOLDER => {
            Some(Event::Transfer { room: *room, to: *to, actor: owner(room) })
        }
        _ => None,
    }
}
