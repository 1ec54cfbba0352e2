//! The consultation-status engine (채팅 상담 현황): a pure state machine.
//!
//! `Engine::handle(at, event)` takes one event with its virtual time and appends its effects
//! (state changes, customer messages, notifications, audit entries, timers to arm) to a buffer
//! the caller reads with [`Engine::effects`]. The engine performs no I/O, draws no random
//! numbers and never reads a clock (D1, D5): timers are *requested* as effects and handed back by
//! the caller as `Event::Timer`. An event the rules forbid returns a [`Rejection`] naming the
//! rule and leaves the state unchanged (D6).
//!
//! Module map (one concept each): `room`, `account`, `catalog`, `settings` and `calendar` hold
//! the data; `decision` is the connection decision (A2, A3, §7); `distribute` the pools and the
//! O(log n) choice (A4–A10); `waiting` the FIFO queues; `backlog` the batch (B); `closing` closes
//! and room timers (C); `actions` manual assignment, picks and transfers (A13, A14, T); `admin`
//! presence, calendar, account and settings events; `invariants` I1–I14 (SIM6).

pub mod account;
mod actions;
mod admin;
mod backlog;
pub mod calendar;
pub mod catalog;
mod closing;
mod decision;
pub mod distribute;
pub mod effect;
pub mod event;
pub mod invariants;
pub mod least_load;
pub mod room;
pub mod rooms;
pub mod settings;
pub mod time;
pub mod transfer;
pub mod waiting;

#[cfg(test)]
mod testkit;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

pub use account::{Account, AccountId, Auth, Role};
pub use calendar::{AccountDays, Calendar, DayHours, DayOverride, DayStatus, Span, TimeWindow, WorkingHours};
pub use catalog::{Catalog, Category, CategoryId, Channel, ChannelId, ChannelKind};
pub use effect::{
    AuditEntry, AuditKind, BatchTrigger, Effect, MessageKind, NotifyKind, RejectCause, Rejection, Rendering,
};
pub use event::{AccountPatch, BlockTarget, Event, ProfileOutcome, RoomTimer, Timer};
pub use room::{AssignPath, AutoClose, CloseType, CustomerId, Owner, Room, RoomId, RoomState, WaitCode, WaitReasons};
pub use settings::Settings;
pub use time::{Date, Duration, Time, TimeOfDay};

use distribute::{LoadKey, PoolSpec, Pools};
use waiting::WaitingRooms;

/// A fast, deterministic hasher for integer keys (the Fx hash of rustc). Hash maps are used only
/// for lookups by id, never iterated where order could reach a decision or an output.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.write_u64(i as u64);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
}

/// Hash map keyed by ids.
pub type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// E8: what the engine remembers of a customer.
#[derive(Debug, Clone, Default)]
pub struct Customer {
    /// C6.
    pub blocked: bool,
    /// E8 `has_entered_info` for the profile bot's fields (M10).
    pub entered: bool,
    /// Open rooms (S2: at most one per channel).
    pub open: OpenRooms,
}

/// A customer's open rooms, one per channel at most (S2). Nearly always one room, kept inline so
/// that a new customer costs no allocation.
#[derive(Debug, Clone, Default)]
pub struct OpenRooms {
    first: Option<(ChannelId, RoomId)>,
    more: Vec<(ChannelId, RoomId)>,
}

impl OpenRooms {
    /// Adds a room.
    pub fn push(&mut self, entry: (ChannelId, RoomId)) {
        if self.first.is_none() {
            self.first = Some(entry);
        } else {
            self.more.push(entry);
        }
    }
    /// Removes a room.
    pub fn remove(&mut self, room: RoomId) {
        if self.first.is_some_and(|(_, r)| r == room) {
            self.first = if self.more.is_empty() { None } else { Some(self.more.remove(0)) };
        } else {
            self.more.retain(|(_, r)| *r != room);
        }
    }
    /// The rooms, in the order they opened.
    pub fn iter(&self) -> impl Iterator<Item = &(ChannelId, RoomId)> {
        self.first.iter().chain(self.more.iter())
    }
    /// No open room.
    pub fn is_empty(&self) -> bool {
        self.first.is_none()
    }
}

impl Customer {
    fn is_default(&self) -> bool {
        !self.blocked && !self.entered && self.open.is_empty()
    }
}

/// One account as a scenario declares it (E2, E3 initial presence, E4 day statuses).
#[derive(Debug, Clone)]
pub struct AccountSpec {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Responsible manager id.
    pub responsible_manager: Option<String>,
    /// 상담여부.
    pub consults: bool,
    /// Authentication.
    pub auth: Auth,
    /// M8 auto-reply on.
    pub auto_reply: bool,
    /// X8 override.
    pub max_override: Option<u32>,
    /// X24.
    pub admin_view: bool,
    /// E3 at start.
    pub logged_in: bool,
    /// E3 at start.
    pub on_break: bool,
    /// E3 at start.
    pub at_meal: bool,
    /// E4.
    pub days: Vec<(Date, DayStatus)>,
}

impl AccountSpec {
    /// An account with the defaults of OPEN-89.
    pub fn new(id: &str, role: Role) -> AccountSpec {
        AccountSpec {
            id: id.into(),
            name: id.into(),
            role,
            responsible_manager: None,
            consults: true,
            auth: Auth::Active,
            auto_reply: false,
            max_override: None,
            admin_view: false,
            logged_in: false,
            on_break: false,
            at_meal: false,
            days: Vec::new(),
        }
    }
}

/// What the engine is built from.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// E1 site id (Robot display name).
    pub site_id: String,
    /// §3.
    pub settings: Settings,
    /// Channels and categories.
    pub catalog: Catalog,
    /// Accounts in registration order; exactly one Admin.
    pub accounts: Vec<AccountSpec>,
    /// E5 overrides.
    pub holidays: Vec<(Date, DayOverride)>,
    /// How long closed rooms stay readable (S3.31–S3.33 act on them); memory grows with this.
    pub closed_retention: Duration,
}

/// A configuration the engine cannot start from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{rule}: {message}")]
pub struct ConfigError {
    /// Rule.
    pub rule: &'static str,
    /// What is wrong.
    pub message: String,
}

fn cfg_err(rule: &'static str, message: String) -> ConfigError {
    ConfigError { rule, message }
}

/// Deadlines of calendar timers handed to the caller (lazy arming, SIM3).
#[derive(Debug, Clone, Default)]
struct CalendarTimers {
    working_edge: Option<Time>,
    meal_edge: Option<Time>,
    rollover: Option<Time>,
    gate: Option<Time>,
    account_edge: Vec<Option<Time>>,
}

/// Running totals the invariant I1 needs and observers like.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    /// Rooms created.
    pub created: u64,
    /// Rooms per state (index: `RoomState::index`).
    pub per_state: [u64; 7],
}

/// The engine.
#[derive(Debug, Clone)]
pub struct Engine {
    site_id: String,
    settings: Settings,
    catalog: Catalog,
    calendar: Calendar,
    accounts: Vec<Account>,
    account_ids: BTreeMap<String, AccountId>,
    admin: AccountId,
    rooms: rooms::Rooms,
    customers: IdMap<CustomerId, Customer>,
    closed: VecDeque<(Time, RoomId)>,
    closed_retention: i64,
    pools: Pools,
    waiting: WaitingRooms,
    designated_category: Vec<Vec<AccountId>>,
    designated_channel: Vec<Vec<AccountId>>,
    now: Time,
    started: bool,
    out: Vec<Effect>,
    audit_seq: u64,
    batch_seq: u64,
    working: Span,
    meal: Span,
    timers: CalendarTimers,
    pending_batch: Option<BatchTrigger>,
    batch_armed_at: Option<Time>,
    totals: Totals,
    /// A room being created and the index of its creation report in `out`, which the first
    /// state change during its connection decision completes (S3.02, S3.07).
    creating: Option<(RoomId, usize)>,
    /// The batch's k-way merge heads, kept to reuse their memory (B6).
    batch_heads: std::collections::BinaryHeap<std::cmp::Reverse<(waiting::Key, distribute::PoolId)>>,
}

/// Shorthand for a rejection.
pub(crate) fn reject(rule: &'static str, reason: &'static str, room: Option<RoomId>) -> Rejection {
    Rejection { rule, reason, room }
}

impl Engine {
    /// Builds an engine. Call [`Engine::start`] before the first event.
    pub fn new(config: EngineConfig) -> Result<Engine, ConfigError> {
        let EngineConfig { site_id, settings, catalog, accounts: specs, holidays, closed_retention } = config;
        if catalog.channels.is_empty() {
            return Err(cfg_err("E6", "the site needs at least one channel".into()));
        }
        let mut catalog = catalog;
        if catalog.categories.is_empty() {
            catalog.categories = Catalog::sample_categories(); // E7: a new site's sample tree
        }
        let mut account_ids = BTreeMap::new();
        for (i, s) in specs.iter().enumerate() {
            if account_ids.insert(s.id.clone(), AccountId(i as u32)).is_some() {
                return Err(cfg_err("E2", format!("account id `{}` is declared twice", s.id)));
            }
        }
        let admins: Vec<usize> =
            specs.iter().enumerate().filter(|(_, s)| s.role == Role::Admin).map(|(i, _)| i).collect();
        let admin = match admins.as_slice() {
            [one] => AccountId(*one as u32),
            [] => return Err(cfg_err("E2", "exactly one account must have role admin; there is none".into())),
            _ => return Err(cfg_err("E2", "exactly one account must have role admin; there are several".into())),
        };
        let mut accounts = Vec::with_capacity(specs.len());
        for (i, s) in specs.iter().enumerate() {
            let responsible_manager = match &s.responsible_manager {
                None => None,
                Some(m) => {
                    let id = *account_ids.get(m).ok_or_else(|| {
                        cfg_err("E2", format!("account `{}` names unknown responsible manager `{m}`", s.id))
                    })?;
                    if !specs[id.idx()].role.is_manager_or_admin() {
                        return Err(cfg_err(
                            "E2",
                            format!("responsible manager `{m}` of `{}` is not a manager or the admin", s.id),
                        ));
                    }
                    Some(id)
                }
            };
            // V2: a manager's responsible manager is the admin; agents default to the admin.
            let responsible_manager = match s.role {
                Role::Admin => None,
                Role::Manager => Some(admin),
                Role::Agent => responsible_manager.or(Some(admin)),
            };
            let mut days = AccountDays::default();
            for (d, st) in &s.days {
                days.set(*d, st.clone());
            }
            accounts.push(Account {
                id: s.id.clone(),
                name: s.name.clone(),
                role: s.role,
                responsible_manager,
                consults: s.consults,
                auth: if s.role == Role::Admin { Auth::Active } else { s.auth },
                order: i as u32,
                auto_reply: s.auto_reply,
                max_override: s.max_override,
                admin_view: s.admin_view,
                logged_in: s.logged_in,
                on_break: s.on_break,
                at_meal: s.at_meal,
                last_auto_assigned_at: None,
                load: 0,
                received: 0,
                days,
                day_blocked: false,
            });
        }
        let mut calendar = Calendar::new(settings.working_hours.clone(), settings.meal.collective_window);
        for (d, ov) in holidays {
            calendar.set_override(d, Some(ov));
        }
        let n_accounts = accounts.len();
        let mut engine = Engine {
            site_id,
            settings: Settings::default(),
            catalog,
            calendar,
            accounts,
            account_ids,
            admin,
            rooms: rooms::Rooms::default(),
            customers: IdMap::default(),
            closed: VecDeque::new(),
            closed_retention: closed_retention.secs().max(0),
            pools: Pools::build(&PoolSpec {
                method: None,
                general_mask: 0,
                accounts: 0,
                categories: 0,
                channels: 0,
                by_category: &[],
                by_channel: &[],
            }),
            waiting: WaitingRooms::default(),
            designated_category: Vec::new(),
            designated_channel: Vec::new(),
            now: i64::MIN,
            started: false,
            out: Vec::with_capacity(64),
            audit_seq: 0,
            batch_seq: 0,
            working: Span { value: false, from: i64::MIN, until: i64::MIN },
            meal: Span { value: false, from: i64::MIN, until: i64::MIN },
            timers: CalendarTimers { account_edge: vec![None; n_accounts], ..Default::default() },
            pending_batch: None,
            batch_armed_at: None,
            totals: Totals::default(),
            creating: None,
            batch_heads: Default::default(),
        };
        engine.install_settings(settings).map_err(|r| cfg_err(r.rule, r.reason.to_string()))?;
        Ok(engine)
    }

    /// Starts the clock at `at`: computes the calendar state and arms the first calendar timers
    /// (read them from [`Engine::effects`]).
    pub fn start(&mut self, at: Time) {
        self.out.clear();
        self.now = at;
        self.started = true;
        self.refresh_spans(true);
        for i in 0..self.accounts.len() {
            let a = AccountId(i as u32);
            self.accounts[i].day_blocked = self.accounts[i].days.blocked(at);
            self.update_account(a);
            self.arm_account_edge(a);
        }
        // Nothing waits at the start, so no batch is due.
        self.pending_batch = None;
        self.arm_calendar();
    }

    /// Handles one event at virtual time `at` (SIM4 ordering is the caller's). Effects replace
    /// those of the previous call.
    pub fn handle(&mut self, at: Time, event: &Event) -> Result<(), Rejection> {
        self.out.clear();
        self.creating = None;
        if !self.started {
            self.start(at);
        }
        if at < self.now {
            return Err(reject("D1", "event time is earlier than the engine's current time", event.room()));
        }
        self.advance(at);
        // S3.34: an ended room takes no room event but a block (S3.31) and category or
        // customer-info changes (S3.32, S3.33; those events name no single room). Timers of ended
        // rooms are discarded by their handlers, not rejected.
        if let Some(id) = event.room()
            && !matches!(event, Event::RoomCreated { .. } | Event::ManagerBlock { .. } | Event::Timer(_))
            && self.rooms.get(&id).is_some_and(|r| r.state.is_terminal())
        {
            return Err(reject("S3.34", "the room has ended; a customer writing again starts a new room", Some(id)));
        }
        match event {
            Event::RoomCreated { room, customer, channel, category, profile } => {
                self.on_room_created(*room, *customer, *channel, *category, *profile)
            }
            Event::CustomerMessage { room } => self.on_customer_message(*room),
            Event::ConnectRequest { room, category, profile } => self.on_connect_request(*room, *category, *profile),
            Event::HotkeyReclick { room, profile } => self.on_reclick(*room, *profile),
            Event::CustomerClose { room } => self.on_customer_close(*room),
            Event::AgentLogin { account } => self.on_presence(*account, |a| a.logged_in = true),
            Event::AgentLogout { account } => self.on_presence(*account, |a| a.logged_in = false),
            Event::BreakStart { account } => self.on_presence(*account, |a| a.on_break = true),
            Event::BreakEnd { account } => self.on_presence(*account, |a| a.on_break = false),
            Event::MealStart { account } => self.on_presence(*account, |a| a.at_meal = true),
            Event::MealEnd { account } => self.on_presence(*account, |a| a.at_meal = false),
            Event::AgentMessage { room, account } => self.on_agent_message(*room, *account),
            Event::AgentClose { room, account } => self.on_agent_close(*room, *account),
            Event::HoldSet { room, account } => self.on_hold(*room, *account, true),
            Event::HoldRelease { room, account } => self.on_hold(*room, *account, false),
            Event::AgentPick { account, rooms } => self.on_pick(*account, rooms),
            Event::Transfer { room, to, actor } => self.on_transfer(*room, *to, *actor),
            Event::AutoReplySet { account, on } => self.on_auto_reply(*account, *on),
            Event::ManagerAssign { room, to, actor } => self.on_manager_assign(*room, *to, *actor),
            Event::ManagerClose { room, actor } => self.on_manager_close(*room, *actor),
            Event::ManagerBlock { target, actor } => self.on_block(*target, *actor),
            Event::Unblock { customer, actor } => self.on_unblock(*customer, *actor),
            Event::CategoryChange { rooms, category, actor } => self.on_category_change(rooms, *category, *actor),
            Event::CustomerInfoChange { customer, entered, actor } => {
                self.on_customer_info(*customer, *entered, *actor)
            }
            Event::DayStatusSet { account, date, status, actor } => self.on_day_status(*account, *date, status, *actor),
            Event::HolidaySet { date, day } => self.on_holiday(*date, *day),
            Event::AccountChange { account, patch } => self.on_account_change(*account, patch),
            Event::SettingsChanged(s) => self.on_settings((**s).clone()),
            Event::Timer(t) => self.on_timer(*t),
        }
    }

    /// Effects of the last `handle` (or `start`).
    #[inline]
    pub fn effects(&self) -> &[Effect] {
        &self.out
    }

    /// The engine's current virtual time.
    pub fn now(&self) -> Time {
        self.now
    }

    /// Site id (E1).
    pub fn site_id(&self) -> &str {
        &self.site_id
    }

    /// Current settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Channels and categories.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The working-time calendar.
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// All accounts, in order.
    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    /// One account.
    pub fn account(&self, a: AccountId) -> Option<&Account> {
        self.accounts.get(a.idx())
    }

    /// Finds an account by scenario id.
    pub fn account_id(&self, id: &str) -> Option<AccountId> {
        self.account_ids.get(id).copied()
    }

    /// The Admin.
    pub fn admin(&self) -> AccountId {
        self.admin
    }

    /// S6: the Robot's display name, `Robot-<SITE_ID>` (로봇-SITEID).
    pub fn robot_name(&self) -> String {
        format!("Robot-{}", self.site_id)
    }

    /// V8: the owner label of a room in the status lists: `#<responsible manager> > <owner>` for
    /// an Agent's room, `#<manager> > <manager>` for a Manager's, `#<admin> > <admin>` for the
    /// Admin's (OPEN-66) and `#<admin> > Robot-<SITE_ID>` for Robot's (S6).
    pub fn owner_label(&self, owner: Owner) -> String {
        let admin = &self.accounts[self.admin.idx()].name;
        match owner {
            Owner::Robot => format!("#{admin} > {}", self.robot_name()),
            Owner::Account(a) => {
                let Some(acc) = self.accounts.get(a.idx()) else { return format!("#{admin} > ?") };
                let head = match acc.role {
                    Role::Agent => acc
                        .responsible_manager
                        .and_then(|m| self.accounts.get(m.idx()))
                        .map(|m| m.name.as_str())
                        .unwrap_or(admin.as_str()),
                    Role::Manager | Role::Admin => acc.name.as_str(),
                };
                format!("#{head} > {}", acc.name)
            }
        }
    }

    /// A room (open, or closed within the retention time).
    #[inline]
    pub fn room(&self, id: RoomId) -> Option<&Room> {
        self.rooms.get(&id)
    }

    /// A customer.
    pub fn customer(&self, id: CustomerId) -> Option<&Customer> {
        self.customers.get(&id)
    }

    /// Rooms the engine holds, sorted by id (deterministic).
    pub fn rooms_sorted(&self) -> Vec<&Room> {
        let mut v: Vec<&Room> = self.rooms.values().collect();
        v.sort_unstable_by_key(|r| r.id);
        v
    }

    /// Number of Waiting rooms (Q2, Q15).
    pub fn waiting_count(&self) -> usize {
        self.waiting.count
    }

    /// Running totals.
    pub fn totals(&self) -> &Totals {
        &self.totals
    }

    /// H3 at the current instant.
    pub fn is_working_now(&self) -> bool {
        self.working.value
    }

    /// The pools (tests and benches).
    pub fn pools(&self) -> &Pools {
        &self.pools
    }

    /// The Waiting rooms (tests and invariants).
    pub fn waiting(&self) -> &WaitingRooms {
        &self.waiting
    }

    /// X8: an account's limit.
    #[inline]
    pub fn max_per_agent(&self, a: AccountId) -> u32 {
        self.accounts[a.idx()].max_override.unwrap_or(self.settings.capacity.max_per_agent.0)
    }

    // ----- internals shared by the submodules -----

    /// Moves the clock and drops closed rooms past their retention.
    fn advance(&mut self, at: Time) {
        self.now = at;
        while let Some(&(closed_at, id)) = self.closed.front() {
            if at - closed_at > self.closed_retention {
                self.closed.pop_front();
                self.rooms.remove(&id);
            } else {
                break;
            }
        }
        self.refresh_spans(false);
    }

    /// Re-computes the cached working and meal spans when `now` left them (or when forced), and
    /// reacts to the edges crossed: a working period starting (H8, B3 (a), B4) and a collective
    /// meal window ending (B3 (b)).
    fn refresh_spans(&mut self, force: bool) {
        let t = self.now;
        let (was_working, was_meal) = (self.working.value, self.meal.value);
        let mut moved = false;
        if force || t < self.working.from || t >= self.working.until {
            self.working = self.calendar.working_span(t);
            moved = true;
        }
        if force || t < self.meal.from || t >= self.meal.until {
            self.meal = self.calendar.meal_span(t);
            moved = true;
        }
        if !moved || !self.started {
            return;
        }
        if self.working.value && !was_working {
            self.on_period_start(BatchTrigger::WorkStart);
        }
        if was_meal && !self.meal.value && !self.settings.intake.during_meal.yes() {
            self.request_batch(BatchTrigger::AgentAvailable);
        }
        self.arm_calendar();
    }

    /// A1.2 and A1.6 together: the global gates open for automatic assignment at `now`.
    #[inline]
    fn meal_blocks(&self) -> bool {
        !self.settings.intake.during_meal.yes() && self.meal.value
    }

    /// A1: the raw blocking reasons of an account (before the pool's mask).
    fn raw_reasons(&self, a: AccountId) -> u8 {
        use account::reason::*;
        let acc = &self.accounts[a.idx()];
        let mut r = 0;
        if !acc.consults_actively() {
            r |= NOCONSULT;
        }
        if acc.day_blocked {
            r |= DAY;
        }
        if !acc.logged_in {
            r |= LOGIN;
        }
        if acc.on_break {
            r |= BREAK;
        }
        if acc.at_meal {
            r |= IMEAL;
        }
        if self.settings.capacity.enabled && acc.load >= self.max_per_agent(a) {
            r |= CAP;
        }
        r
    }

    /// Tells the pools about an account's current state; an account that became eligible
    /// somewhere triggers a batch (B3, OPEN-48).
    fn update_account(&mut self, a: AccountId) {
        let raw = self.raw_reasons(a);
        let acc = &self.accounts[a.idx()];
        let key = LoadKey { load: acc.load, last: acc.last_auto_assigned_at.unwrap_or(i64::MIN), id: a.0 };
        if self.pools.update(a, raw, key) {
            self.request_batch(BatchTrigger::AgentAvailable);
        }
    }

    /// Appends an audit entry (L).
    fn audit(
        &mut self,
        kind: AuditKind,
        room: Option<RoomId>,
        from: Option<Owner>,
        to: Option<Owner>,
        actor: Option<AccountId>,
    ) {
        self.audit_full(kind, room, from, to, actor, None, None, None);
    }

    #[allow(clippy::too_many_arguments)]
    fn audit_full(
        &mut self,
        kind: AuditKind,
        room: Option<RoomId>,
        from: Option<Owner>,
        to: Option<Owner>,
        actor: Option<AccountId>,
        trigger: Option<BatchTrigger>,
        batch: Option<u64>,
        close_type: Option<CloseType>,
    ) {
        self.audit_seq += 1;
        self.out.push(Effect::Audit(AuditEntry {
            seq: self.audit_seq,
            at: self.now,
            kind,
            room,
            from,
            to,
            actor,
            trigger,
            batch,
            close_type,
        }));
    }

    /// Records a state change and keeps the per-state totals.
    fn set_state(&mut self, id: RoomId, to: RoomState) {
        let Some(room) = self.rooms.get_mut(&id) else { return };
        let from = room.state;
        room.state = to;
        self.totals.per_state[from.index()] -= 1;
        self.totals.per_state[to.index()] += 1;
        if let Some((creating, at)) = self.creating
            && creating == id
        {
            // The creation report says where the decision put the room (S3.02, S3.07).
            self.creating = None;
            self.out[at] = Effect::StateChanged { room: id, from: None, to };
            return;
        }
        self.out.push(Effect::StateChanged { room: id, from: Some(from), to });
    }

    /// Looks a room up for an event, rejecting unknown rooms (D6).
    fn room_or_reject(&self, id: RoomId, rule: &'static str) -> Result<&Room, Rejection> {
        self.rooms.get(&id).ok_or(reject(rule, "no such room (never created, or closed and no longer held)", Some(id)))
    }

    /// Checks an account id.
    fn account_or_reject(&self, a: AccountId, rule: &'static str) -> Result<&Account, Rejection> {
        self.accounts.get(a.idx()).ok_or(reject(rule, "no such account", None))
    }

    /// V4/V6: whether `actor` (Admin or Manager) can see rooms owned by `owner`.
    fn can_see(&self, actor: AccountId, owner: Owner) -> bool {
        let Some(act) = self.accounts.get(actor.idx()) else { return false };
        match act.role {
            Role::Admin => true,
            Role::Manager if act.admin_view => true,
            Role::Manager => match owner {
                Owner::Robot => true, // V5, V6
                Owner::Account(o) => o == actor || self.accounts[o.idx()].responsible_manager == Some(actor),
            },
            Role::Agent => owner == Owner::Account(actor),
        }
    }

    /// V4 for accounts: whether a Manager actor's scope includes `target` (self + managed).
    fn manages(&self, actor: AccountId, target: AccountId) -> bool {
        let Some(act) = self.accounts.get(actor.idx()) else { return false };
        match act.role {
            Role::Admin => true,
            Role::Manager => {
                act.admin_view || target == actor || self.accounts[target.idx()].responsible_manager == Some(actor)
            }
            Role::Agent => false,
        }
    }
}
