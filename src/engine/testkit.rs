#![allow(dead_code)]
//! Test harness (tests only): builds an engine from a few lines and drives it like the simulator.
//!
//! - [`Site`] describes the site: three channels (`web_chat_v1`, `web_chat_v2`, `kakao_talk`), a
//!   small category tree (Billing/Refund, Billing/Invoice, Tech/Login, Tech/App), the Admin and N
//!   agents `a1`..`aN`, settings tweaks. For brevity the Admin does **not** consult and the agents
//!   start **logged in** (OPEN-89's defaults are the opposite; tests that need them say so).
//! - [`Harness`] owns the engine and a tiny future-event list of the timers the engine arms
//!   (`Effect::ArmTimer`), ordered by (time, `Timer::phase()`, `Timer::sub_order()`, seq) as SIM4
//!   and the simulator's queue have it. `h.at(t).send(event)` first fires every timer due before
//!   the event (timers strictly before `t`, and those at `t` whose phase is lower than the
//!   event's), then handles the event and returns its result and effects. `h.run_until(t)` fires
//!   every timer at or before `t`.
//! - After every handled event (timers included) `invariants::check_event` runs; at the end of
//!   the test (drop) `invariants::check_all` does. A violation fails the test.

use std::collections::BTreeSet;

use chrono::NaiveDateTime;

use super::calendar::{DayOverride, DayStatus, TimeWindow};
use super::effect::{AuditEntry, AuditKind, Effect, MessageKind, Rejection};
use super::event::{BlockTarget, Event, ProfileOutcome, Timer};
use super::invariants;
use super::room::{AssignPath, CloseType, CustomerId, Owner, Room, RoomId, RoomState, WaitCode};
use super::settings::Settings;
use super::time::{Date, Duration, Time, TimeOfDay};
use super::{
    Account, AccountId, AccountSpec, Catalog, Category, CategoryId, Channel, ChannelId, ChannelKind, Engine,
    EngineConfig, Role,
};

// ----- fixed ids of the test site -----

/// `web_chat_v1`.
pub const WEB1: ChannelId = ChannelId(0);
/// `web_chat_v2`.
pub const WEB2: ChannelId = ChannelId(1);
/// `kakao_talk`.
pub const KAKAO: ChannelId = ChannelId(2);
/// Billing/Refund (the first middle category: the default creation category, E9).
pub const REFUND: CategoryId = CategoryId(0);
/// Billing/Invoice.
pub const INVOICE: CategoryId = CategoryId(1);
/// Tech/Login.
pub const TECH_LOGIN: CategoryId = CategoryId(2);
/// Tech/App.
pub const APP: CategoryId = CategoryId(3);
/// The Admin.
pub const ADMIN: AccountId = AccountId(0);
/// Agents a1..a4 (registration order 1..4).
pub const A1: AccountId = AccountId(1);
pub const A2: AccountId = AccountId(2);
pub const A3: AccountId = AccountId(3);
pub const A4: AccountId = AccountId(4);

/// `"2026-11-23 09:00"` or `"2026-11-23 09:00:30"` → engine time (local seconds, D1).
/// 2026-11-23 is a Monday.
pub fn t(s: &str) -> Time {
    let dt = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .unwrap_or_else(|_| panic!("bad test time `{s}`"));
    super::time::from_naive_datetime(dt)
}

/// `"2026-11-23"` → date.
pub fn d(s: &str) -> Date {
    Date::of(t(&format!("{s} 00:00")))
}

/// `"12:00"` → time of day.
pub fn hm(s: &str) -> TimeOfDay {
    TimeOfDay::parse(s).unwrap()
}

/// `[start, end)` window.
pub fn win(start: &str, end: &str) -> TimeWindow {
    TimeWindow { start: hm(start), end: hm(end) }
}

/// Minutes.
pub fn mins(m: i64) -> Duration {
    Duration::minutes(m)
}

/// Room n.
pub fn r(n: u64) -> RoomId {
    RoomId(n)
}

/// Customer n.
pub fn c(n: u64) -> CustomerId {
    CustomerId(n)
}

// ----- event shorthands (room n belongs to customer n) -----

/// RoomCreated on web chat v1, no URL category, profile entered.
pub fn create(n: u64) -> Event {
    create_on(n, WEB1)
}
/// RoomCreated on a channel.
pub fn create_on(n: u64, ch: ChannelId) -> Event {
    Event::RoomCreated { room: r(n), customer: c(n), channel: ch, category: None, profile: ProfileOutcome::Entered }
}
/// RoomCreated with a URL category.
pub fn create_cat(n: u64, ch: ChannelId, cat: CategoryId) -> Event {
    Event::RoomCreated {
        room: r(n),
        customer: c(n),
        channel: ch,
        category: Some(cat),
        profile: ProfileOutcome::Entered,
    }
}
/// RoomCreated with a profile outcome.
pub fn create_profile(n: u64, profile: ProfileOutcome) -> Event {
    Event::RoomCreated { room: r(n), customer: c(n), channel: WEB1, category: None, profile }
}
/// The chatbot's "Connect to agent" hotkey.
pub fn connect(n: u64) -> Event {
    Event::ConnectRequest { room: r(n), category: None, profile: ProfileOutcome::Entered }
}
/// Hotkey with a category.
pub fn connect_cat(n: u64, cat: CategoryId) -> Event {
    Event::ConnectRequest { room: r(n), category: Some(cat), profile: ProfileOutcome::Entered }
}
/// Hotkey with a profile outcome.
pub fn connect_profile(n: u64, profile: ProfileOutcome) -> Event {
    Event::ConnectRequest { room: r(n), category: None, profile }
}
/// Re-click while waiting.
pub fn reclick(n: u64) -> Event {
    Event::HotkeyReclick { room: r(n), profile: ProfileOutcome::Entered }
}
/// Re-click with a profile outcome.
pub fn reclick_profile(n: u64, profile: ProfileOutcome) -> Event {
    Event::HotkeyReclick { room: r(n), profile }
}
/// Customer message.
pub fn cmsg(n: u64) -> Event {
    Event::CustomerMessage { room: r(n) }
}
/// Agent message.
pub fn amsg(n: u64, a: AccountId) -> Event {
    Event::AgentMessage { room: r(n), account: a }
}
/// Customer close.
pub fn cclose(n: u64) -> Event {
    Event::CustomerClose { room: r(n) }
}
/// Agent close.
pub fn aclose(n: u64, a: AccountId) -> Event {
    Event::AgentClose { room: r(n), account: a }
}
/// Manager close.
pub fn mclose(n: u64, actor: AccountId) -> Event {
    Event::ManagerClose { room: r(n), actor }
}
/// Block from a room.
pub fn block(n: u64, actor: AccountId) -> Event {
    Event::ManagerBlock { target: BlockTarget::Room(r(n)), actor }
}
/// Manual assignment.
pub fn massign(n: u64, to: AccountId, actor: AccountId) -> Event {
    Event::ManagerAssign { room: r(n), to, actor }
}
/// Pick.
pub fn pick(a: AccountId, rooms: &[u64]) -> Event {
    Event::AgentPick { account: a, rooms: rooms.iter().map(|&n| r(n)).collect() }
}
/// Transfer.
pub fn transfer(n: u64, to: AccountId, actor: AccountId) -> Event {
    Event::Transfer { room: r(n), to, actor }
}
/// Hold set.
pub fn hold(n: u64, a: AccountId) -> Event {
    Event::HoldSet { room: r(n), account: a }
}
/// Hold release.
pub fn release(n: u64, a: AccountId) -> Event {
    Event::HoldRelease { room: r(n), account: a }
}
/// Login.
pub fn login(a: AccountId) -> Event {
    Event::AgentLogin { account: a }
}
/// Logout.
pub fn logout(a: AccountId) -> Event {
    Event::AgentLogout { account: a }
}
/// Break start.
pub fn brk(a: AccountId) -> Event {
    Event::BreakStart { account: a }
}
/// Break end.
pub fn brk_end(a: AccountId) -> Event {
    Event::BreakEnd { account: a }
}
/// Individual meal start.
pub fn meal(a: AccountId) -> Event {
    Event::MealStart { account: a }
}
/// Individual meal end.
pub fn meal_end(a: AccountId) -> Event {
    Event::MealEnd { account: a }
}
/// Day status (by the Admin).
pub fn day_status(a: AccountId, date: Date, available: bool, breaks: Vec<TimeWindow>) -> Event {
    Event::DayStatusSet { account: a, date, status: DayStatus { available, breaks }, actor: ADMIN }
}
/// Holiday / changed hours.
pub fn holiday(date: Date, day: Option<DayOverride>) -> Event {
    Event::HolidaySet { date, day }
}

// ----- the site -----

/// A test site: settings, accounts, holidays.
#[derive(Debug, Clone)]
pub struct Site {
    /// §3.
    pub settings: Settings,
    /// Admin first, then a1..aN.
    pub accounts: Vec<AccountSpec>,
    /// E5.
    pub holidays: Vec<(Date, DayOverride)>,
}

impl Site {
    /// The Admin (not consulting) and `agents` agents, logged in, default settings.
    pub fn new(agents: usize) -> Site {
        let mut admin = AccountSpec::new("admin", Role::Admin);
        admin.consults = false;
        let mut accounts = vec![admin];
        for i in 1..=agents {
            let mut a = AccountSpec::new(&format!("a{i}"), Role::Agent);
            a.logged_in = true;
            accounts.push(a);
        }
        Site { settings: Settings::default(), accounts, holidays: Vec::new() }
    }

    /// Tweaks the settings.
    pub fn settings(mut self, f: impl FnOnce(&mut Settings)) -> Site {
        f(&mut self.settings);
        self
    }

    /// Tweaks one account.
    pub fn account(mut self, a: AccountId, f: impl FnOnce(&mut AccountSpec)) -> Site {
        f(&mut self.accounts[a.idx()]);
        self
    }

    /// Tweaks every agent (not the Admin).
    pub fn agents(mut self, f: impl Fn(&mut AccountSpec)) -> Site {
        for a in self.accounts.iter_mut().skip(1) {
            f(a);
        }
        self
    }

    /// A company day override.
    pub fn holiday(mut self, date: Date, ov: DayOverride) -> Site {
        self.holidays.push((date, ov));
        self
    }

    /// The channels of every test site.
    pub fn catalog() -> Catalog {
        let ch = |id: &str, kind| Channel { id: id.into(), kind };
        let cat = |major: &str, middle: &str| Category { major: major.into(), middle: middle.into(), in_use: true };
        Catalog {
            channels: vec![
                ch("web_chat_v1", ChannelKind::WebChatV1),
                ch("web_chat_v2", ChannelKind::WebChatV2),
                ch("kakao_talk", ChannelKind::KakaoTalk),
            ],
            categories: vec![
                cat("Billing", "Refund"),
                cat("Billing", "Invoice"),
                cat("Tech", "Login"),
                cat("Tech", "App"),
            ],
        }
    }

    /// The engine configuration.
    pub fn config(&self) -> EngineConfig {
        EngineConfig {
            site_id: "SITE1".into(),
            settings: self.settings.clone(),
            catalog: Site::catalog(),
            accounts: self.accounts.clone(),
            holidays: self.holidays.clone(),
            closed_retention: Duration::days(60),
        }
    }

    /// Builds the engine and starts its clock at `at`.
    pub fn start(self, at: &str) -> Harness {
        let mut e = Engine::new(self.config()).expect("test site config");
        let at = t(at);
        e.start(at);
        let mut h = Harness { e, queue: BTreeSet::new(), seq: 0, last: (at, 0), trace: Vec::new(), checked: false };
        let fx: Vec<Effect> = h.e.effects().to_vec();
        h.arm(&fx);
        h
    }
}

// ----- driving -----

/// One handled event, as the trace keeps it.
#[derive(Debug, Clone)]
pub struct Step {
    /// When.
    pub at: Time,
    /// What.
    pub event: Event,
    /// The engine's answer.
    pub result: Result<(), Rejection>,
    /// Its effects.
    pub effects: Vec<Effect>,
}

/// The engine plus a SIM4-ordered list of armed timers.
pub struct Harness {
    /// The engine under test.
    pub e: Engine,
    queue: BTreeSet<(Time, u8, u64, u64, Timer)>,
    seq: u64,
    /// (time, phase) of the last handled item, to catch tests that break SIM4 order.
    last: (Time, u8),
    /// Every handled event with its effects.
    pub trace: Vec<Step>,
    checked: bool,
}

/// `h.at(t)`: an instant to send events at.
pub struct At<'h> {
    h: &'h mut Harness,
    at: Time,
}

impl At<'_> {
    /// Fires the timers due before `event` (SIM4), then handles it.
    pub fn send(self, event: Event) -> Out {
        let fired = self.h.fire_before(self.at, event.phase());
        let mut out = self.h.handle(self.at, event);
        out.before = fired;
        out
    }

    /// A settings change built from the current settings.
    pub fn settings(self, f: impl FnOnce(&mut Settings)) -> Out {
        let mut s = self.h.e.settings().clone();
        f(&mut s);
        self.send(Event::SettingsChanged(Box::new(s)))
    }
}

/// What one event produced.
#[derive(Debug, Clone)]
pub struct Out {
    /// The engine's answer.
    pub result: Result<(), Rejection>,
    /// The event's effects.
    pub effects: Vec<Effect>,
    /// Effects of the timers fired before the event (by `send`).
    pub before: Vec<Effect>,
}

impl Out {
    /// Asserts the event was accepted.
    #[track_caller]
    pub fn ok(self) -> Out {
        if let Err(r) = &self.result {
            panic!("event rejected: {r}");
        }
        self
    }

    /// Asserts the event was rejected and returns the rule named.
    #[track_caller]
    pub fn rule(&self) -> &'static str {
        match &self.result {
            Ok(()) => panic!("event accepted, expected a rejection; effects: {:?}", self.effects),
            Err(r) => r.rule,
        }
    }

    /// Customer messages of one room: (kind, value).
    pub fn messages(&self, room: u64) -> Vec<(MessageKind, u32)> {
        messages(&self.effects, room)
    }

    /// Message kinds of one room.
    pub fn kinds(&self, room: u64) -> Vec<MessageKind> {
        self.messages(room).into_iter().map(|(k, _)| k).collect()
    }

    /// Audit entries.
    pub fn audits(&self) -> Vec<AuditEntry> {
        audits(&self.effects)
    }

    /// Audit kinds.
    pub fn audit_kinds(&self) -> Vec<AuditKind> {
        self.audits().into_iter().map(|a| a.kind).collect()
    }

    /// Assignments.
    pub fn assigned(&self) -> Vec<(RoomId, AccountId, AssignPath)> {
        assigned(&self.effects)
    }

    /// Effects other than timer requests.
    pub fn visible(&self) -> Vec<Effect> {
        self.effects.iter().filter(|e| !matches!(e, Effect::ArmTimer { .. })).copied().collect()
    }
}

/// Customer messages of one room in `fx`.
pub fn messages(fx: &[Effect], room: u64) -> Vec<(MessageKind, u32)> {
    fx.iter()
        .filter_map(|e| match *e {
            Effect::Message { room: m, kind, value, .. } if m == r(room) => Some((kind, value)),
            _ => None,
        })
        .collect()
}

/// Message kinds of one room in `fx`.
pub fn kinds(fx: &[Effect], room: u64) -> Vec<MessageKind> {
    messages(fx, room).into_iter().map(|(k, _)| k).collect()
}

/// Audit entries in `fx`.
pub fn audits(fx: &[Effect]) -> Vec<AuditEntry> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Audit(a) => Some(*a),
            _ => None,
        })
        .collect()
}

/// Assignments in `fx`.
pub fn assigned(fx: &[Effect]) -> Vec<(RoomId, AccountId, AssignPath)> {
    fx.iter()
        .filter_map(|e| match *e {
            Effect::Assigned { room, account, path } => Some((room, account, path)),
            _ => None,
        })
        .collect()
}

/// Closes in `fx`.
pub fn closed(fx: &[Effect]) -> Vec<(RoomId, CloseType)> {
    fx.iter()
        .filter_map(|e| match *e {
            Effect::Closed { room, close_type, .. } => Some((room, close_type)),
            _ => None,
        })
        .collect()
}

/// Batch timers requested in `fx`.
pub fn batch_requests(fx: &[Effect]) -> usize {
    fx.iter().filter(|e| matches!(e, Effect::ArmTimer { timer: Timer::Batch, .. })).count()
}

impl Harness {
    /// An instant to send events at.
    pub fn at(&mut self, at: &str) -> At<'_> {
        At { at: t(at), h: self }
    }

    /// The same with an engine time.
    pub fn at_time(&mut self, at: Time) -> At<'_> {
        At { at, h: self }
    }

    /// Fires every timer at or before `at`; returns their effects.
    pub fn run_until(&mut self, at: &str) -> Vec<Effect> {
        self.fire_before(t(at), u8::MAX)
    }

    /// Fires every timer at or before `at` (engine time).
    pub fn run_until_time(&mut self, at: Time) -> Vec<Effect> {
        self.fire_before(at, u8::MAX)
    }

    /// Arms the timers in the engine's current effects (after calling an engine method directly,
    /// such as `add_account`).
    pub fn arm_effects(&mut self) {
        let fx: Vec<Effect> = self.e.effects().to_vec();
        self.arm(&fx);
    }

    /// Pending timers (time, timer), in firing order.
    pub fn pending(&self) -> Vec<(Time, Timer)> {
        self.queue.iter().map(|&(at, _, _, _, timer)| (at, timer)).collect()
    }

    fn arm(&mut self, fx: &[Effect]) {
        for e in fx {
            if let Effect::ArmTimer { at, timer } = *e {
                self.seq += 1;
                self.queue.insert((at, timer.phase(), timer.sub_order(), self.seq, timer));
            }
        }
    }

    fn fire_before(&mut self, at: Time, phase: u8) -> Vec<Effect> {
        let mut fx = Vec::new();
        while let Some(&(when, ph, _, _, timer)) = self.queue.first() {
            if when < at || (when == at && ph < phase) {
                self.queue.pop_first();
                let out = self.handle(when, Event::Timer(timer));
                if let Err(r) = out.result {
                    panic!("timer {timer:?} at {} rejected: {r}", super::time::format_time(when));
                }
                fx.extend(out.effects);
            } else {
                break;
            }
        }
        fx
    }

    fn handle(&mut self, at: Time, event: Event) -> Out {
        // SIM4: items of one instant come in phase order (an earlier time is the engine's to
        // reject, D1).
        let phase = event.phase();
        if at == self.last.0 {
            assert!(
                phase >= self.last.1,
                "test breaks SIM4 order at {}: phase {phase} after phase {}",
                super::time::format_time(at),
                self.last.1
            );
        }
        if at >= self.last.0 {
            self.last = (at, phase);
        }
        let result = self.e.handle(at, &event);
        let effects = self.e.effects().to_vec();
        self.arm(&effects);
        if let Err(v) = invariants::check_event(&self.e, &event, &effects) {
            self.checked = true;
            panic!("{v}\nevent: {event:?}\neffects: {effects:?}");
        }
        self.trace.push(Step { at, event, result: result.clone(), effects: effects.clone() });
        Out { result, effects, before: Vec::new() }
    }

    // ----- queries -----

    /// A room (panics when absent).
    #[track_caller]
    pub fn room(&self, n: u64) -> &Room {
        self.e.room(r(n)).unwrap_or_else(|| panic!("room {n} does not exist"))
    }

    /// A room's state.
    #[track_caller]
    pub fn state(&self, n: u64) -> RoomState {
        self.room(n).state
    }

    /// A room's owner.
    #[track_caller]
    pub fn owner(&self, n: u64) -> Owner {
        self.room(n).owner
    }

    /// A room's wait code.
    #[track_caller]
    pub fn code(&self, n: u64) -> Option<WaitCode> {
        self.room(n).wait_code
    }

    /// An account.
    pub fn acc(&self, a: AccountId) -> &Account {
        &self.e.accounts()[a.idx()]
    }

    /// Every effect handled so far (timers included), in order.
    pub fn all_effects(&self) -> Vec<Effect> {
        self.trace.iter().flat_map(|s| s.effects.iter().copied()).collect()
    }

    /// The engine's observable state (rooms, accounts, queues, pools, settings, counts), for
    /// "a rejected input changes nothing" (D6).
    pub fn snapshot(&self) -> String {
        let e = &self.e;
        let mut s = String::new();
        use std::fmt::Write;
        for room in e.rooms_sorted() {
            let _ = writeln!(s, "{room:?}");
            let _ = writeln!(s, "{:?}", e.customer(room.customer));
        }
        let _ = writeln!(s, "{:?}", e.accounts());
        let _ = writeln!(s, "{:?}", e.waiting());
        let _ = writeln!(s, "{:?}", e.pools());
        let _ = writeln!(s, "{:?}", e.settings());
        let _ = writeln!(s, "{:?}", e.totals());
        let _ = writeln!(s, "{:?} {:?}", e.pending_batch, e.batch_armed_at);
        s
    }

    /// Runs `check_all` now.
    #[track_caller]
    pub fn check_all(&self) {
        if let Err(v) = invariants::check_all(&self.e) {
            panic!("{v}");
        }
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        if self.checked || std::thread::panicking() {
            return;
        }
        if let Err(v) = invariants::check_all(&self.e) {
            panic!("at the end of the test: {v}");
        }
    }
}

/// Account specs for `Engine::add_account`.
pub struct AccountSpecBuilder;

impl AccountSpecBuilder {
    /// An Agent with OPEN-89's defaults.
    pub fn agent(id: &str) -> AccountSpec {
        AccountSpec::new(id, Role::Agent)
    }
}
