//! Presence (E3), calendar edits (H4, H5, E5), account changes (E2) and settings (§3, B14).

use super::account::{Account, AccountId, Role, reason};
use super::calendar::{DayOverride, DayStatus};
use super::distribute::{PoolSpec, Pools};
use super::effect::{AuditKind, BatchTrigger, Rejection};
use super::event::AccountPatch;
use super::room::RoomState;
use super::settings::{BacklogMode, Scope, Settings};
use super::time::Date;
use super::{Engine, reject};

impl Engine {
    /// E3 presence toggles (login, break, individual meal). Idempotent.
    pub(super) fn on_presence(&mut self, a: AccountId, f: impl FnOnce(&mut Account)) -> Result<(), Rejection> {
        self.account_or_reject(a, "E3")?;
        f(&mut self.accounts[a.idx()]);
        self.update_account(a);
        Ok(())
    }

    /// H4, H5: a day status for one account and date.
    pub(super) fn on_day_status(
        &mut self,
        a: AccountId,
        date: Date,
        status: &DayStatus,
        actor: AccountId,
    ) -> Result<(), Rejection> {
        self.account_or_reject(a, "H4")?;
        let act = self.account_or_reject(actor, "H5")?;
        if !act.role.is_manager_or_admin() || !self.manages(actor, a) {
            return Err(reject(
                "H5",
                "only the Admin, or a Manager for themselves and their agents, edits day status",
                None,
            ));
        }
        self.accounts[a.idx()].days.set(date, status.clone());
        self.refresh_day_blocked(a);
        self.audit(AuditKind::DayStatusChanged, None, None, None, Some(actor));
        Ok(())
    }

    /// A1.3: re-evaluates an account's day status at `now` and re-arms its window edge.
    pub(crate) fn refresh_day_blocked(&mut self, a: AccountId) {
        let blocked = self.accounts[a.idx()].days.blocked(self.now);
        if self.accounts[a.idx()].day_blocked != blocked {
            self.accounts[a.idx()].day_blocked = blocked;
            self.update_account(a);
        }
        self.arm_account_edge(a);
    }

    /// E5, H3: a holiday or changed hours for one date.
    pub(super) fn on_holiday(&mut self, date: Date, day: Option<DayOverride>) -> Result<(), Rejection> {
        self.calendar.set_override(date, day);
        self.calendar_changed();
        self.audit(AuditKind::HolidayChanged, None, None, None, Some(self.admin));
        Ok(())
    }

    /// After any change of the calendar: fresh spans (a period may start now), fresh timers.
    fn calendar_changed(&mut self) {
        self.timers.working_edge = None;
        self.timers.meal_edge = None;
        self.timers.gate = None;
        self.refresh_spans(true);
    }

    /// E2: account changes by the Admin.
    pub(super) fn on_account_change(&mut self, a: AccountId, patch: &AccountPatch) -> Result<(), Rejection> {
        self.account_or_reject(a, "E2")?;
        if let Some(role) = patch.role
            && (role == Role::Admin) != (a == self.admin)
        {
            return Err(reject("E2", "exactly one Admin exists; roles cannot move it", None));
        }
        if let Some(m) = patch.responsible_manager {
            let ok = self.accounts.get(m.idx()).is_some_and(|x| x.role.is_manager_or_admin());
            if !ok {
                return Err(reject("E2", "the responsible manager must be a Manager or the Admin", None));
            }
        }
        {
            let acc = &mut self.accounts[a.idx()];
            if let Some(n) = &patch.name {
                acc.name = n.clone();
            }
            if let Some(r) = patch.role {
                acc.role = r;
            }
            if let Some(c) = patch.consults {
                acc.consults = c;
            }
            if let Some(au) = patch.auth {
                acc.auth = au; // S5, OPEN-28: open rooms are kept
            }
            if let Some(m) = patch.responsible_manager {
                acc.responsible_manager = Some(m);
            }
            if let Some(o) = patch.max_override {
                acc.max_override = o;
            }
        }
        self.update_account(a);
        self.audit(AuditKind::AccountChanged, None, None, None, Some(self.admin));
        Ok(())
    }

    /// Adds a new account (SIM2 `AccountChange` with a new account). Returns its id.
    pub fn add_account(&mut self, spec: &super::AccountSpec) -> Result<AccountId, Rejection> {
        // Like `handle` and `start`: effects replace those of the previous call, so the caller
        // reads exactly this call's timers (a batch may be due, B3) from `effects()`.
        self.out.clear();
        if spec.role == Role::Admin {
            return Err(reject("E2", "exactly one Admin exists", None));
        }
        if self.account_ids.contains_key(&spec.id) {
            return Err(reject("E2", "the account id is already in use", None));
        }
        let id = AccountId(self.accounts.len() as u32);
        let rm = spec.responsible_manager.as_ref().and_then(|m| self.account_ids.get(m).copied());
        let mut days = super::calendar::AccountDays::default();
        for (d, st) in &spec.days {
            days.set(*d, st.clone());
        }
        self.accounts.push(Account {
            id: spec.id.clone(),
            name: spec.name.clone(),
            role: spec.role,
            responsible_manager: if spec.role == Role::Manager { Some(self.admin) } else { rm.or(Some(self.admin)) },
            consults: spec.consults,
            auth: spec.auth,
            order: id.0,
            auto_reply: spec.auto_reply,
            max_override: spec.max_override,
            admin_view: spec.admin_view,
            logged_in: spec.logged_in,
            on_break: spec.on_break,
            at_meal: spec.at_meal,
            last_auto_assigned_at: None,
            load: 0,
            received: 0,
            days,
            day_blocked: false,
        });
        self.account_ids.insert(spec.id.clone(), id);
        self.timers.account_edge.push(None);
        self.pools.push_account();
        self.refresh_day_blocked(id);
        self.update_account(id);
        Ok(id)
    }

    /// §3: new settings from the Admin (B14, OPEN-54).
    pub(super) fn on_settings(&mut self, new: Settings) -> Result<(), Rejection> {
        let old_mode = self.settings.backlog.mode;
        self.install_settings(new)?;
        self.calendar_changed();
        self.refresh_all_timers(); // C7, B10: deadlines from the existing anchors
        if old_mode == BacklogMode::Manual && self.settings.backlog.mode == BacklogMode::Auto {
            self.request_batch(BatchTrigger::SettingChange); // B14
        }
        // A designation list or an intake, scope or capacity setting may let accounts take rooms.
        self.request_batch(BatchTrigger::SettingChange);
        self.audit(AuditKind::SettingsChanged, None, None, None, Some(self.admin));
        Ok(())
    }

    /// Installs settings: resolves designation lists (X13, X14), rebuilds the pools and the
    /// Waiting queues. Validation happens before any state changes.
    pub(crate) fn install_settings(&mut self, new: Settings) -> Result<(), Rejection> {
        let mut by_category = vec![Vec::new(); self.catalog.categories.len()];
        for (path, list) in &new.distribution.by_category {
            let c =
                self.catalog.category(path).ok_or(reject("X13", "a designation names an unknown category", None))?;
            by_category[c.0 as usize] = self.resolve(list, "X13")?;
        }
        let mut by_channel = vec![Vec::new(); self.catalog.channels.len()];
        for (ch, list) in &new.distribution.by_channel {
            let c = self.catalog.channel(ch).ok_or(reject("X14", "a designation names an unknown channel", None))?;
            by_channel[c.0 as usize] = self.resolve(list, "X14")?;
        }
        self.calendar.set_hours(new.working_hours.clone());
        self.calendar.set_meal(new.meal.collective_window);
        self.settings = new;
        self.designated_category = by_category;
        self.designated_channel = by_channel;
        self.rebuild_pools();
        Ok(())
    }

    fn resolve(&self, list: &[String], rule: &'static str) -> Result<Vec<AccountId>, Rejection> {
        list.iter()
            .map(|id| {
                self.account_ids.get(id).copied().ok_or(reject(rule, "a designation names an unknown account", None))
            })
            .collect()
    }

    /// Rebuilds the pools for the current settings and re-files every Waiting room.
    fn rebuild_pools(&mut self) {
        let s = &self.settings;
        let mut general_mask = reason::DAY | reason::IMEAL | reason::CAP;
        if s.distribution.scope == Scope::LoggedInAble {
            general_mask |= reason::LOGIN; // A1.4
        }
        if !s.intake.during_break.yes() {
            general_mask |= reason::BREAK; // A1.5
        }
        // A5, OPEN-38: the round-robin pointer is site-wide and moves only on sequential
        // assignments; rebuilding the pools for a settings change must not reset it.
        let rr_pointer = self.pools.rr_pointer;
        self.pools = Pools::build(&PoolSpec {
            method: s.distribution.auto_method(),
            general_mask,
            accounts: self.accounts.len(),
            categories: self.catalog.categories.len(),
            channels: self.catalog.channels.len(),
            by_category: &self.designated_category,
            by_channel: &self.designated_channel,
        });
        self.pools.rr_pointer = rr_pointer;
        let pending = self.pending_batch;
        for i in 0..self.accounts.len() {
            self.update_account(AccountId(i as u32));
        }
        self.pending_batch = pending; // a rebuild is not itself a trigger
        let all = self.waiting.all_sorted();
        self.waiting.clear();
        self.waiting.resize(self.pools.pools.len());
        for (since, id) in all {
            let Some(room) = self.rooms.get(&id) else { continue };
            if room.state != RoomState::Waiting {
                continue;
            }
            let b = self.bucket_of(room);
            self.waiting.insert(b, (since, id));
            if let Some(r) = self.rooms.get_mut(&id) {
                r.queue = b;
            }
        }
    }
}
