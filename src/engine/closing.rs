//! Closing (C1–C10), blocking (C6), hold (C9) and the room timers (C7, B10, C10).
//!
//! Room timers are lazy (SIM3): whenever a room's fields change, `refresh_timers` re-computes
//! each deadline from the room's current anchors and asks the caller to arm a timer only when
//! the deadline differs from the one already armed. When a timer comes back, the deadline is
//! computed again; a timer whose deadline moved or vanished is discarded. So a customer message
//! in the same second as a no-reply deadline (processed first, SIM4 phase 3) keeps the room open.

use super::account::AccountId;
use super::effect::{AuditKind, Effect, MessageKind, Rejection};
use super::event::{BlockTarget, RoomTimer, Timer};
use super::room::{AutoClose, CloseType, CustomerId, HumanSender, Owner, Room, RoomId, RoomState};
use super::settings::{BacklogMode, Method, Settings};
use super::time::{DAY, Time};
use super::waiting::Bucket;
use super::{Engine, reject};

impl Engine {
    /// C3: customer close, from ChatbotInProgress, Waiting, Received or InProgress.
    pub(super) fn on_customer_close(&mut self, id: RoomId) -> Result<(), Rejection> {
        let room = self.room_or_reject(id, "C3")?;
        if room.state.is_terminal() {
            return Err(reject("S3.34", "the room has already ended", Some(id)));
        }
        self.close(id, CloseType::Customer, false); // OPEN-55: no message
        Ok(())
    }

    /// C4: agent close by the owner.
    pub(super) fn on_agent_close(&mut self, id: RoomId, actor: AccountId) -> Result<(), Rejection> {
        let room = self.room_or_reject(id, "C4")?;
        if !room.state.is_assigned() {
            return Err(reject("C4", "an agent closes only Received or InProgress rooms", Some(id)));
        }
        if room.owner != Owner::Account(actor) {
            return Err(reject("C4", "only the owner closes from the chat screen", Some(id)));
        }
        self.message(id, MessageKind::AgentClose, 0); // M6
        self.close_by(id, CloseType::Agent, false, Some(actor));
        Ok(())
    }

    /// C5, S3.20, S3.28, S3.35: manager close without block.
    pub(super) fn on_manager_close(&mut self, id: RoomId, actor: AccountId) -> Result<(), Rejection> {
        let act = self.account_or_reject(actor, "C5")?;
        if !act.role.is_manager_or_admin() {
            return Err(reject("C5", "only an Admin or a Manager closes rooms from the status lists", Some(id)));
        }
        let room = self.room_or_reject(id, "C5")?;
        if !self.can_see(actor, room.owner) {
            return Err(reject("V4", "the manager cannot see this room", Some(id)));
        }
        match room.state {
            RoomState::Waiting => {
                if self.settings.distribution.method == Method::Manual {
                    return Err(reject(
                        "S3.35",
                        "under manual distribution a waiting room cannot be ended without being received; block instead",
                        Some(id),
                    ));
                }
                self.close_by(id, CloseType::Manager, false, Some(actor)); // OPEN-79: no message
            }
            RoomState::Received | RoomState::InProgress => {
                self.message(id, MessageKind::AgentClose, 0); // OPEN-26
                self.close_by(id, CloseType::Manager, false, Some(actor));
            }
            _ => return Err(reject("C5", "a manager closes only Waiting, Received or InProgress rooms", Some(id))),
        }
        Ok(())
    }

    /// C6: block a customer, closing an open chatbot or waiting room (S3.09, S3.18, S3.31).
    pub(super) fn on_block(&mut self, target: BlockTarget, actor: AccountId) -> Result<(), Rejection> {
        let act = self.account_or_reject(actor, "C6")?;
        if !act.role.is_manager_or_admin() {
            return Err(reject("C6", "only an Admin or a Manager blocks customers", None));
        }
        let customer = match target {
            BlockTarget::Customer(c) => c,
            BlockTarget::Room(id) => {
                let room = self.room_or_reject(id, "C6")?;
                if !self.can_see(actor, room.owner) {
                    return Err(reject("V4", "the manager cannot see this room", Some(id)));
                }
                match room.state {
                    RoomState::Received | RoomState::InProgress => {
                        return Err(reject(
                            "S3.30",
                            "blocking is not offered in Received or InProgress (OPEN-27)",
                            Some(id),
                        ));
                    }
                    RoomState::Rejected => {
                        return Err(reject("S3.34", "a rejected request is in no list to block from", Some(id)));
                    }
                    RoomState::ChatbotInProgress | RoomState::Waiting => {
                        let c = room.customer;
                        // No message even if M6 is on (C6).
                        self.close_by(id, CloseType::Manager, true, Some(actor));
                        c
                    }
                    RoomState::ChatbotEnded | RoomState::ConsultationEnded => room.customer, // S3.31
                }
            }
        };
        self.customers.entry(customer).or_default().blocked = true;
        self.audit(AuditKind::Block, target_room(target), None, None, Some(actor));
        Ok(())
    }

    /// C6: lift a block.
    pub(super) fn on_unblock(&mut self, customer: CustomerId, actor: AccountId) -> Result<(), Rejection> {
        let act = self.account_or_reject(actor, "C6")?;
        if !act.role.is_manager_or_admin() {
            return Err(reject("C6", "only an Admin or a Manager unblocks customers", None));
        }
        if let Some(c) = self.customers.get_mut(&customer) {
            c.blocked = false;
            if c.is_default() {
                self.customers.remove(&customer);
            }
        }
        self.audit(AuditKind::Unblock, None, None, None, Some(actor));
        Ok(())
    }

    /// C9: hold set / release by the owner.
    pub(super) fn on_hold(&mut self, id: RoomId, actor: AccountId, set: bool) -> Result<(), Rejection> {
        let room = self.room_or_reject(id, "C9")?;
        if !room.state.is_assigned() {
            return Err(reject("C9", "hold applies to Received or InProgress rooms", Some(id)));
        }
        if room.owner != Owner::Account(actor) {
            return Err(reject("C9", "only the owner sets or releases hold", Some(id)));
        }
        if room.hold == set {
            return Err(reject("C9", if set { "the room is already held" } else { "the room is not held" }, Some(id)));
        }
        let now = self.now;
        if let Some(r) = self.rooms.get_mut(&id) {
            r.hold = set;
            if !set {
                r.hold_released_at = Some(now); // OPEN-57
            }
        }
        let kind = if set { AuditKind::HoldSet } else { AuditKind::HoldRelease };
        self.audit(kind, Some(id), None, None, Some(actor));
        self.refresh_timers(id);
        Ok(())
    }

    /// Closes a room by the engine or the customer.
    pub(crate) fn close(&mut self, id: RoomId, ct: CloseType, block: bool) {
        self.close_by(id, ct, block, None);
    }

    /// C1, C2: closes a room with a type; where it lands depends on whether it was ever assigned.
    pub(crate) fn close_by(&mut self, id: RoomId, ct: CloseType, block: bool, actor: Option<AccountId>) {
        let now = self.now;
        let Some(room) = self.rooms.get(&id) else { return };
        let from = room.state;
        if from.is_terminal() {
            return;
        }
        // C2: rooms never assigned land in ChatbotEnded (chatbot) or ConsultationEnded, owner Robot.
        let to = match from {
            RoomState::Received | RoomState::InProgress => RoomState::ConsultationEnded,
            _ if room.via_chatbot => RoomState::ChatbotEnded,
            _ => RoomState::ConsultationEnded,
        };
        if from == RoomState::Waiting
            && let Some(since) = room.waiting_since
        {
            let b = room.queue;
            self.waiting.remove(b, (since, id));
        }
        let owner = room.owner;
        if let Some(r) = self.rooms.get_mut(&id) {
            r.queue = Bucket::None;
            r.closed_at = Some(now);
            r.close_type = Some(ct);
            r.closed_while_held = r.hold;
            r.customer_blocked_at_close = block;
            r.armed = Default::default();
        }
        self.set_state(id, to);
        if let (true, Some(a)) = (from.is_assigned(), owner.account()) {
            let acc = &mut self.accounts[a.idx()];
            acc.load -= 1;
            if from == RoomState::Received {
                acc.received -= 1;
            }
            self.update_account(a); // capacity freed: a B3 trigger (OPEN-48)
        }
        self.out.push(Effect::Closed { room: id, close_type: ct, owner });
        self.audit_full(AuditKind::Close, Some(id), Some(owner), None, actor, None, None, Some(ct));
        self.forget_open_room(id);
        self.closed.push_back((now, id));
    }

    /// Removes a room from its customer's open rooms; forgets customers with nothing to remember.
    pub(crate) fn forget_open_room(&mut self, id: RoomId) {
        let Some(room) = self.rooms.get(&id) else { return };
        let cust = room.customer;
        if let Some(c) = self.customers.get_mut(&cust) {
            c.open.remove(id);
            if c.is_default() {
                self.customers.remove(&cust);
            }
        }
    }

    /// The deadline of one room timer from the room's current fields, if the timer applies.
    fn deadline(&self, id: RoomId, kind: RoomTimer) -> Option<Time> {
        deadline(&self.settings, self.rooms.get(&id)?, kind)
    }
}

/// The deadline of one room timer from a room's fields and the settings, if the timer applies.
fn deadline(s: &Settings, r: &Room, kind: RoomTimer) -> Option<Time> {
    match kind {
        RoomTimer::NoReply => {
            // C7: armed while the owner's message is the last human one.
            let d = s.auto_close.customer_no_reply?.0.secs();
            if !r.state.is_assigned() || r.hold || r.last_human_msg_by != Some(HumanSender::Owner) {
                return None;
            }
            let anchor = r.last_human_msg_at?.max(r.hold_released_at.unwrap_or(i64::MIN));
            Some(anchor + d)
        }
        RoomTimer::AgentDelay => {
            // C7: armed while the room awaits the owner; anchor max(last customer msg, assigned_at).
            let d = s.auto_close.agent_delay?.0.secs();
            let awaiting = r.state == RoomState::Received
                || (r.state == RoomState::InProgress && r.last_human_msg_by == Some(HumanSender::Customer));
            if !awaiting || r.hold {
                return None;
            }
            let anchor = r
                .last_customer_msg_at
                .unwrap_or(i64::MIN)
                .max(r.assigned_at?)
                .max(r.hold_released_at.unwrap_or(i64::MIN));
            Some(anchor + d)
        }
        RoomTimer::Unassigned => {
            // B10: backlog manual only, not under the manual method (B2, OPEN-50).
            let n = s.backlog.unassigned_auto_close_days?.0 as i64;
            if r.state != RoomState::Waiting
                || s.backlog.mode != BacklogMode::Manual
                || s.distribution.method == Method::Manual
            {
                return None;
            }
            Some(r.waiting_since? + n * DAY) // OPEN-53
        }
        RoomTimer::ChatbotIdle => {
            let d = s.chatbot.idle_close?.secs();
            if r.state != RoomState::ChatbotInProgress {
                return None;
            }
            Some(r.last_message_at.max(r.created_at) + d)
        }
    }
}

impl Engine {
    /// Whether any room timer is configured (C7, B10, C10). When none is, rooms never need
    /// timers and the hot path skips them.
    fn room_timers_configured(&self) -> bool {
        let s = &self.settings;
        s.auto_close.customer_no_reply.is_some()
            || s.auto_close.agent_delay.is_some()
            || s.backlog.unassigned_auto_close_days.is_some()
            || s.chatbot.idle_close.is_some()
    }

    /// Re-computes a room's deadlines and arms the ones that changed (SIM3).
    pub(crate) fn refresh_timers(&mut self, id: RoomId) {
        if !self.room_timers_configured() {
            return;
        }
        let settings = &self.settings;
        let Some(r) = self.rooms.get_mut(&id) else { return };
        for kind in [RoomTimer::NoReply, RoomTimer::AgentDelay, RoomTimer::Unassigned, RoomTimer::ChatbotIdle] {
            let d = deadline(settings, r, kind);
            let slot = match kind {
                RoomTimer::NoReply => &mut r.armed.no_reply,
                RoomTimer::AgentDelay => &mut r.armed.agent_delay,
                RoomTimer::Unassigned => &mut r.armed.unassigned,
                RoomTimer::ChatbotIdle => &mut r.armed.chatbot_idle,
            };
            if *slot != d {
                *slot = d;
                if let Some(d) = d {
                    // OPEN-54: a deadline already past (after a settings change) fires at once.
                    let at = d.max(self.now);
                    self.out.push(Effect::ArmTimer { at, timer: Timer::Room(id, kind) });
                }
            }
        }
    }

    /// A room timer came back: close if its deadline is still due (C7, B10, C10).
    pub(super) fn on_room_timer(&mut self, id: RoomId, kind: RoomTimer) -> Result<(), Rejection> {
        let Some(d) = self.deadline(id, kind) else { return Ok(()) };
        if d > self.now {
            return Ok(()); // moved later: a newer timer is armed
        }
        let (ct, msg) = match kind {
            RoomTimer::NoReply => (CloseType::Auto(AutoClose::NoReply), true),
            RoomTimer::AgentDelay => (CloseType::Auto(AutoClose::AgentDelay), true),
            RoomTimer::Unassigned => (CloseType::Auto(AutoClose::Unassigned), false), // B10: no message
            RoomTimer::ChatbotIdle => (CloseType::Auto(AutoClose::ChatbotIdle), false),
        };
        if msg {
            self.message(id, MessageKind::AutoClose, 0); // M7
        }
        self.close(id, ct, false);
        Ok(())
    }

    /// Re-computes every open room's timers in room-id order (settings changes, OPEN-54).
    pub(crate) fn refresh_all_timers(&mut self) {
        if !self.room_timers_configured() {
            // Nothing is armed from now on; forget what was, so that a timer switched on again
            // later is armed afresh even for the same deadline.
            for r in self.rooms.values_mut() {
                r.armed = Default::default();
            }
            return;
        }
        let mut ids: Vec<RoomId> = self.rooms.values().filter(|r| !r.state.is_terminal()).map(|r| r.id).collect();
        ids.sort_unstable();
        for id in ids {
            self.refresh_timers(id);
        }
    }
}

fn target_room(t: BlockTarget) -> Option<RoomId> {
    match t {
        BlockTarget::Room(r) => Some(r),
        BlockTarget::Customer(_) => None,
    }
}
