//! Conversation and manual actions: messages (S3.03, S3.11, S3.21–S3.23), picks (A14), manual
//! assignment (A13), transfers (T1–T6), auto-reply (M8), category and customer-info changes
//! (S3.32, S3.33).

use super::account::AccountId;
use super::catalog::CategoryId;
use super::effect::{AuditKind, Effect, NotifyKind, Rejection};
use super::room::{AssignPath, CustomerId, HumanSender, Owner, RoomId, RoomState};
use super::settings::Method;
use super::time::Date;
use super::{Engine, reject};

impl Engine {
    /// S3.03, S3.11, S3.22: a customer message.
    pub(super) fn on_customer_message(&mut self, id: RoomId) -> Result<(), Rejection> {
        let room = self.room_or_reject(id, "S3.22")?;
        let state = room.state;
        if state.is_terminal() {
            return Err(reject("S3.34", "the room has ended; a new message starts a new room", Some(id)));
        }
        let now = self.now;
        if let Some(r) = self.rooms.get_mut(&id) {
            r.last_message_at = now;
            r.last_customer_msg_at = Some(now);
            if state.is_assigned() {
                r.last_human_msg_by = Some(HumanSender::Customer);
                r.last_human_msg_at = Some(now);
            }
        }
        // B5: activity; a stale Waiting room returns to its queue. B11: never an assignment.
        self.touch_customer_activity(id);
        if state == RoomState::InProgress
            && let Some(a) = self.rooms.get(&id).and_then(|r| r.owner.account())
        {
            self.out.push(Effect::Notify { account: a, room: id, kind: NotifyKind::CustomerMessage }); // M12
        }
        self.refresh_timers(id);
        Ok(())
    }

    /// S3.21, S3.23: a message by the owning account.
    pub(super) fn on_agent_message(&mut self, id: RoomId, actor: AccountId) -> Result<(), Rejection> {
        let room = self.room_or_reject(id, "S3.21")?;
        if !room.state.is_assigned() {
            return Err(reject("S3.21", "agents reply only in Received or InProgress rooms", Some(id)));
        }
        if room.owner != Owner::Account(actor) {
            return Err(reject("S3.21", "only the owner replies in a room", Some(id)));
        }
        let now = self.now;
        let first = room.state == RoomState::Received;
        if let Some(r) = self.rooms.get_mut(&id) {
            r.last_message_at = now;
            r.last_human_msg_by = Some(HumanSender::Owner);
            r.last_human_msg_at = Some(now);
            r.agent_messages += 1;
            if r.first_agent_reply_at.is_none() {
                r.first_agent_reply_at = Some(now);
                self.out.push(Effect::FirstReply { room: id });
            }
        }
        if first {
            self.accounts[actor.idx()].received -= 1;
            self.set_state(id, RoomState::InProgress); // M13: only the owner's message does this
        }
        self.refresh_timers(id);
        Ok(())
    }

    /// A14: an account picks Waiting rooms (manual or hybrid only).
    pub(super) fn on_pick(&mut self, actor: AccountId, rooms: &[RoomId]) -> Result<(), Rejection> {
        let m = self.settings.distribution.method;
        if !matches!(m, Method::Manual | Method::Hybrid) {
            return Err(reject("A14", "picking exists only under manual or hybrid distribution", None));
        }
        let acc = self.account_or_reject(actor, "A14")?;
        if !acc.logged_in || !acc.consults_actively() {
            return Err(reject("A14", "the picker must be logged in, active and consulting", None));
        }
        if rooms.is_empty() {
            return Err(reject("A14", "a pick names at least one room", None));
        }
        for (i, &id) in rooms.iter().enumerate() {
            let room = self.room_or_reject(id, "A14")?;
            if room.state.is_terminal() {
                return Err(reject("S3.34", "the room has ended", Some(id)));
            }
            if room.state != RoomState::Waiting {
                return Err(reject("A14", "only Waiting rooms can be picked", Some(id)));
            }
            if rooms[..i].contains(&id) {
                return Err(reject("A14", "a room is named twice", Some(id)));
            }
        }
        for &id in rooms {
            self.assign(id, actor, AssignPath::Pick, None); // OPEN-43: not limited by capacity
        }
        Ok(())
    }

    /// A13: manual assignment of a Waiting room by an Admin or Manager.
    pub(super) fn on_manager_assign(&mut self, id: RoomId, to: AccountId, actor: AccountId) -> Result<(), Rejection> {
        let act = self.account_or_reject(actor, "A13")?;
        if !act.role.is_manager_or_admin() {
            return Err(reject("A13", "only an Admin or a Manager assigns from the Waiting list", Some(id)));
        }
        let room = self.room_or_reject(id, "A13")?;
        if room.state != RoomState::Waiting {
            return Err(reject("A13", "only Waiting rooms are assigned by hand", Some(id)));
        }
        self.check_candidate(to, None, "A13")?;
        if !self.manages(actor, to) {
            return Err(reject("V4", "the target is outside the manager's accounts", Some(id)));
        }
        self.assign(id, to, AssignPath::Manual, None);
        // Record the actor on the audit entry just written.
        if let Some(Effect::Audit(e)) = self.out.iter_mut().rev().find(|e| matches!(e, Effect::Audit(_))) {
            e.actor = Some(actor);
        }
        Ok(())
    }

    /// T2: an account may receive a manual assignment or a transfer — Active, consulting,
    /// available today by day status (OPEN-44), not the current owner (OPEN-58).
    fn check_candidate(&self, to: AccountId, owner: Option<AccountId>, rule: &'static str) -> Result<(), Rejection> {
        let acc = self.account_or_reject(to, rule)?;
        if !acc.consults_actively() {
            return Err(reject(rule, "the target account is not active or does not consult", None));
        }
        let today = Date::of(self.now);
        if acc.days.get(today).is_some_and(|d| !d.available) {
            return Err(reject(rule, "the target account is unavailable today", None));
        }
        if owner == Some(to) {
            return Err(reject("T2", "the current owner is not a transfer candidate (OPEN-58)", None));
        }
        Ok(())
    }

    /// T1–T6: change agent.
    pub(super) fn on_transfer(&mut self, id: RoomId, to: AccountId, actor: AccountId) -> Result<(), Rejection> {
        let room = self.room_or_reject(id, "T1")?;
        if !room.state.is_assigned() {
            return Err(reject("T1", "only Received or InProgress rooms change agent", Some(id)));
        }
        let Some(owner) = room.owner.account() else {
            return Err(reject("T1", "the room has no owner", Some(id)));
        };
        let act = self.account_or_reject(actor, "T1")?;
        self.check_candidate(to, Some(owner), "T2")?;
        // T1: Admin, or a Manager for rooms they can see, to their own accounts (OPEN-59).
        let as_manager =
            act.role.is_manager_or_admin() && self.can_see(actor, Owner::Account(owner)) && self.manages(actor, to);
        if actor == owner {
            // T2, OPEN-60: from the chat screen, the same group — same responsible manager, or that
            // manager. An owner who is also an Admin or Manager may act as one (T1, V9).
            let group = self.accounts[owner.idx()].responsible_manager;
            let target = &self.accounts[to.idx()];
            let same_group = target.responsible_manager == group || group == Some(to);
            if !same_group && !as_manager {
                return Err(reject("T2", "an owner transfers only within the same group (OPEN-60)", Some(id)));
            }
        } else {
            if !act.role.is_manager_or_admin() {
                return Err(reject("T1", "only the owner, an Admin or a Manager changes the agent", Some(id)));
            }
            if !as_manager {
                return Err(reject("T2", "a manager transfers only among their own accounts (OPEN-59)", Some(id)));
            }
        }
        let state = room.state;
        if let Some(r) = self.rooms.get_mut(&id) {
            r.owner = Owner::Account(to); // T6: state, anchors and hold kept (OPEN-25)
        }
        {
            let from_acc = &mut self.accounts[owner.idx()];
            from_acc.load -= 1;
            if state == RoomState::Received {
                from_acc.received -= 1;
            }
        }
        {
            let to_acc = &mut self.accounts[to.idx()];
            to_acc.load += 1;
            if state == RoomState::Received {
                to_acc.received += 1;
            }
        }
        self.update_account(to);
        self.update_account(owner); // capacity freed on the old owner (OPEN-48)
        self.out.push(Effect::Transferred { room: id, from: owner, to });
        self.audit(AuditKind::Transfer, Some(id), Some(Owner::Account(owner)), Some(Owner::Account(to)), Some(actor));
        self.refresh_timers(id);
        Ok(())
    }

    /// M8: personal auto-reply switch.
    pub(super) fn on_auto_reply(&mut self, a: AccountId, on: bool) -> Result<(), Rejection> {
        self.account_or_reject(a, "M8")?;
        self.accounts[a.idx()].auto_reply = on;
        Ok(())
    }

    /// S3.32: category change (title unchanged, OPEN-71).
    pub(super) fn on_category_change(
        &mut self,
        rooms: &[RoomId],
        cat: CategoryId,
        actor: AccountId,
    ) -> Result<(), Rejection> {
        if cat.0 as usize >= self.catalog.categories.len() {
            return Err(reject("E7", "unknown category", None));
        }
        let act = self.account_or_reject(actor, "S3.32")?;
        let manager = act.role.is_manager_or_admin();
        for &id in rooms {
            let room = self.room_or_reject(id, "S3.32")?;
            let by_owner = room.owner == Owner::Account(actor)
                && matches!(room.state, RoomState::Received | RoomState::InProgress);
            let by_manager = manager
                && self.can_see(actor, room.owner)
                && matches!(room.state, RoomState::ChatbotEnded | RoomState::InProgress | RoomState::ConsultationEnded);
            if !by_owner && !by_manager {
                return Err(reject("S3.32", "category change is not offered for this room and actor", Some(id)));
            }
        }
        for &id in rooms {
            if let Some(r) = self.rooms.get_mut(&id) {
                r.category = cat;
            }
        }
        Ok(())
    }

    /// S3.33: customer-info change by an Admin or Manager.
    pub(super) fn on_customer_info(
        &mut self,
        customer: CustomerId,
        entered: bool,
        actor: AccountId,
    ) -> Result<(), Rejection> {
        let act = self.account_or_reject(actor, "S3.33")?;
        if !act.role.is_manager_or_admin() {
            return Err(reject("S3.33", "only an Admin or a Manager changes customer information", None));
        }
        self.set_customer_entered(customer, entered);
        Ok(())
    }
}
