//! Room creation (S2), connection requests and re-clicks (S3.04–S3.07, S3.15, S3.16), the
//! connection decision (A2), the failure classification (A3 → §7 wait codes), and the effects of
//! an assignment (A12) and of a Waiting entry.

use super::account::AccountId;
use super::catalog::{CategoryId, ChannelId, ChannelKind};
use super::distribute::{GENERAL, PoolId};
use super::effect::{AuditKind, BatchTrigger, Effect, MessageKind, NotifyKind, RejectCause, Rejection, Rendering};
use super::event::ProfileOutcome;
use super::room::{ArmedTimers, AssignPath, CustomerId, Owner, Room, RoomId, RoomState, WaitCode, WaitReasons};
use super::settings::{Method, OnMissing};
use super::waiting::Bucket;
use super::{Engine, reject};

/// What A2 decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Assign to this account (S3.04, S3.15).
    Assign(AccountId),
    /// Wait with a code; `hold` sets `profile_hold` (S3.05, S3.16).
    Wait { code: WaitCode, reasons: WaitReasons, hold: bool },
    /// Reject (S3.06, S3.07).
    Reject(RejectCause),
}

impl Engine {
    /// S2, S3.01, S3.02, S3.07.
    pub(super) fn on_room_created(
        &mut self,
        id: RoomId,
        customer: CustomerId,
        channel: ChannelId,
        category: Option<CategoryId>,
        profile: ProfileOutcome,
    ) -> Result<(), Rejection> {
        if self.rooms.contains_key(&id) {
            return Err(reject("S2", "room id is already in use", Some(id)));
        }
        if channel.0 as usize >= self.catalog.channels.len() {
            return Err(reject("E6", "unknown channel", Some(id)));
        }
        if let Some(c) = category
            && c.0 as usize >= self.catalog.categories.len()
        {
            return Err(reject("E7", "unknown category", Some(id)));
        }
        let cust = self.customers.get(&customer);
        if cust.is_some_and(|c| c.blocked) {
            // S2, OPEN-19, OPEN-91: rejected as in D6 — no room, no message, no audit entry — and
            // counted apart from A2 rejections through the BlockedAttempt effect.
            self.out.push(Effect::BlockedAttempt { customer });
            return Err(reject("S2", "a blocked customer cannot open rooms (OPEN-19)", Some(id)));
        }
        if cust.is_some_and(|c| c.open.iter().any(|(ch, _)| *ch == channel)) {
            return Err(reject("S2", "the customer already has an open room on this channel (OPEN-20)", Some(id)));
        }
        let now = self.now;
        let category = category.unwrap_or(CategoryId(0)); // E9: first middle of the first major
        let via_chatbot = self.settings.chatbot.enabled;
        let room = Room {
            id,
            customer,
            channel,
            via_chatbot,
            created_at: now,
            category_at_creation: category,
            category,
            title_category: category,
            state: if via_chatbot { RoomState::ChatbotInProgress } else { RoomState::Waiting },
            owner: Owner::Robot,
            request_at: None,
            waiting_since: None,
            wait_code: None,
            wait_reasons: WaitReasons::default(),
            profile_hold: false,
            assigned_at: None,
            first_assigned_at: None,
            first_assign_path: None,
            first_agent_reply_at: None,
            last_message_at: now,
            last_human_msg_by: None,
            last_human_msg_at: None,
            last_customer_msg_at: None,
            last_customer_activity_at: now,
            hold: false,
            hold_released_at: None,
            closed_at: None,
            close_type: None,
            closed_while_held: false,
            customer_blocked_at_close: false,
            agent_messages: 0,
            rejections: 0,
            busy_notice_sent: false,
            queue: Bucket::None,
            armed: ArmedTimers::default(),
        };
        self.rooms.insert(id, room);
        self.customers.entry(customer).or_default().open.push((channel, id));
        self.totals.created += 1;
        if via_chatbot {
            // S3.01.
            self.totals.per_state[RoomState::ChatbotInProgress.index()] += 1;
            self.out.push(Effect::StateChanged { room: id, from: None, to: RoomState::ChatbotInProgress });
            self.refresh_timers(id);
            return Ok(());
        }
        // S3.02: the room goes straight into chat status with a request at the same instant.
        // It is counted as Waiting until the decision moves it (never observable in between).
        self.totals.per_state[RoomState::Waiting.index()] += 1;
        if let Some(r) = self.rooms.get_mut(&id) {
            r.request_at = Some(now);
        }
        // S3.02, S3.07: the room is reported once, from nothing to the state A2 gives it
        // (Received, Waiting or Rejected), ahead of the decision's other effects. The
        // provisional Waiting state it has while A2 runs is never reported: a rejected room
        // "never went to Waiting" (S1), and an assigned one did not either. So the report is
        // written first and `set_state` fills in its final state (no shifting of effects).
        self.creating = Some((id, self.out.len()));
        self.out.push(Effect::StateChanged { room: id, from: None, to: RoomState::Waiting });
        let decision = self.decide(id, profile, false);
        match decision {
            Decision::Assign(a) => self.assign(id, a, AssignPath::Immediate, None),
            Decision::Wait { code, reasons, hold } => self.enter_waiting(id, code, reasons, hold),
            Decision::Reject(cause) => {
                // S3.07: terminal at once in the engine-only state Rejected (OPEN-22).
                self.set_state(id, RoomState::Rejected);
                self.reject_request(id, cause);
                self.forget_open_room(id);
                self.closed.push_back((now, id)); // dropped after the retention time, like closed rooms
            }
        }
        self.creating = None;
        Ok(())
    }

    /// S3.04–S3.06: the chatbot's "Connect to agent" hotkey.
    pub(super) fn on_connect_request(
        &mut self,
        id: RoomId,
        category: Option<CategoryId>,
        profile: ProfileOutcome,
    ) -> Result<(), Rejection> {
        let room = self.room_or_reject(id, "S3.04")?;
        if room.state != RoomState::ChatbotInProgress {
            return Err(reject("S3.04", "a connection request needs a room in the chatbot", Some(id)));
        }
        if let Some(c) = category
            && c.0 as usize >= self.catalog.categories.len()
        {
            return Err(reject("E7", "unknown category", Some(id)));
        }
        let now = self.now;
        let kind = self.catalog.kind(room.channel);
        if let Some(r) = self.rooms.get_mut(&id) {
            r.request_at.get_or_insert(now); // OPEN-90
            r.last_customer_activity_at = now; // B5, OPEN-51
            r.last_message_at = now; // the chatbot posts the button text
            if let Some(c) = category {
                r.category = c; // A16, OPEN-45
                if kind.title_follows_hotkey() {
                    r.title_category = c; // Q12
                }
            }
        }
        match self.decide(id, profile, false) {
            Decision::Assign(a) => self.assign(id, a, AssignPath::Immediate, None),
            Decision::Wait { code, reasons, hold } => {
                self.set_state(id, RoomState::Waiting);
                self.enter_waiting(id, code, reasons, hold);
            }
            Decision::Reject(cause) => {
                // S3.06: the room stays in the chatbot.
                self.reject_request(id, cause);
                self.refresh_timers(id);
            }
        }
        Ok(())
    }

    /// B12, B13, S3.15, S3.16: re-clicking the hotkey while Waiting.
    pub(super) fn on_reclick(&mut self, id: RoomId, profile: ProfileOutcome) -> Result<(), Rejection> {
        let room = self.room_or_reject(id, "B12")?;
        if room.state != RoomState::Waiting {
            return Err(reject("B12", "a re-click needs a room in Waiting", Some(id)));
        }
        if !room.via_chatbot {
            return Err(reject("B12", "a re-click needs a room that started in the chatbot", Some(id)));
        }
        if self.catalog.kind(room.channel) == ChannelKind::WebChatV2 {
            return Err(reject("B13", "web chat v2 disables the button after the first click", Some(id)));
        }
        self.touch_customer_activity(id);
        // OPEN-24: with backlog auto, or under the manual method, a re-click only refreshes activity.
        let backlog_manual = self.settings.backlog.mode == super::settings::BacklogMode::Manual;
        if !backlog_manual || self.settings.distribution.method == Method::Manual {
            return Ok(());
        }
        match self.decide(id, profile, true) {
            Decision::Assign(a) => self.assign(id, a, AssignPath::Reclick, None),
            Decision::Wait { code: _, reasons, hold } => {
                // S3.16: waiting_since and wait_code kept; reasons refreshed (OPEN-92).
                let bucket_change = {
                    let Some(r) = self.rooms.get_mut(&id) else { return Ok(()) };
                    r.wait_reasons = reasons;
                    let changed = r.profile_hold != hold;
                    r.profile_hold = hold;
                    changed
                };
                if bucket_change {
                    self.rebucket(id);
                }
            }
            Decision::Reject(_) => {} // S3.16: stays in Waiting, no message
        }
        Ok(())
    }

    /// A2: the connection decision for room `id` at `now`. Sends M10 when the profile bot applies
    /// (A2.1, A2.2) and records the profile outcome on the customer.
    pub(crate) fn decide(&mut self, id: RoomId, profile: ProfileOutcome, reclick: bool) -> Decision {
        let Some(room) = self.rooms.get(&id) else {
            return Decision::Reject(RejectCause::AfterHours);
        };
        let customer = room.customer;
        let pool = self.pool_of(room);
        let bot = &self.settings.profile_bot;
        let prompt = bot.enabled && !self.customers.get(&customer).is_some_and(|c| c.entered);
        let keep_waiting = bot.on_missing == OnMissing::KeepWaiting;
        let hold = prompt && profile == ProfileOutcome::NotEntered && keep_waiting;
        // A2.1: the hours gate.
        if !self.working.value {
            if !self.settings.intake.after_hours.yes() {
                return Decision::Reject(RejectCause::AfterHours);
            }
            self.profile_prompt(id, customer, prompt, profile);
            return Decision::Wait { code: WaitCode::W1, reasons: WaitReasons::default(), hold };
        }
        // A2.2: the profile gate.
        self.profile_prompt(id, customer, prompt, profile);
        if hold {
            return Decision::Wait { code: WaitCode::W8, reasons: WaitReasons::default(), hold: true };
        }
        // A2.3: manual method.
        if self.settings.distribution.method == Method::Manual {
            return Decision::Wait { code: WaitCode::WM, reasons: WaitReasons::default(), hold: false };
        }
        // A2.4: select.
        let meal = self.meal_blocks();
        if !meal && let Some(a) = self.pools.choose(pool) {
            return Decision::Assign(a);
        }
        // A2.5: classify the failure (A3).
        let class = self.pools.pool(pool).classify(meal);
        if class.capacity_class && !self.settings.intake.over_capacity.yes() {
            return Decision::Reject(RejectCause::OverCapacity);
        }
        let _ = reclick;
        Decision::Wait { code: class.code, reasons: class.reasons, hold: false }
    }

    /// M10: sends the profile prompt when it applies and records what the customer entered.
    fn profile_prompt(&mut self, id: RoomId, customer: CustomerId, prompt: bool, profile: ProfileOutcome) {
        if !prompt {
            return;
        }
        self.message(id, MessageKind::ProfilePrompt, 0);
        if profile == ProfileOutcome::Entered {
            self.set_customer_entered(customer, true);
        }
    }

    /// E8: the customer's configured profile fields are (now) entered; waiting rooms of that
    /// customer lose `profile_hold` (OPEN-49).
    pub(crate) fn set_customer_entered(&mut self, customer: CustomerId, entered: bool) {
        let c = self.customers.entry(customer).or_default();
        c.entered = entered;
        if !entered {
            return;
        }
        let open: Vec<RoomId> = c.open.iter().map(|(_, r)| *r).collect();
        for r in open {
            let release = self.rooms.get_mut(&r).is_some_and(|room| {
                let was = room.profile_hold;
                room.profile_hold = false;
                was && room.state == RoomState::Waiting
            });
            if release {
                self.rebucket(r);
            }
        }
    }

    /// The pool a room's automatic choice uses (A6, A7, A16).
    #[inline]
    pub(crate) fn pool_of(&self, room: &Room) -> PoolId {
        pool_for(&self.pools, room)
    }

    /// The Waiting bucket a room belongs in now.
    pub(crate) fn bucket_of(&self, room: &Room) -> Bucket {
        bucket_for(&self.pools, room)
    }

    /// Moves a Waiting room to the bucket it now belongs in.
    pub(crate) fn rebucket(&mut self, id: RoomId) {
        let Some(room) = self.rooms.get(&id) else { return };
        if room.state != RoomState::Waiting {
            return;
        }
        let Some(since) = room.waiting_since else { return };
        let (old, new) = (room.queue, self.bucket_of(room));
        if old == new {
            return;
        }
        self.waiting.remove(old, (since, id));
        self.waiting.insert(new, (since, id));
        if let Some(r) = self.rooms.get_mut(&id) {
            r.queue = new;
        }
    }

    /// Updates B5's activity time; a stale room returns to its queue.
    pub(crate) fn touch_customer_activity(&mut self, id: RoomId) {
        let now = self.now;
        let Some(r) = self.rooms.get_mut(&id) else { return };
        r.last_customer_activity_at = now;
        if r.queue == Bucket::Stale {
            let since = r.waiting_since.unwrap_or(now);
            self.waiting.remove(Bucket::Stale, (since, id));
            let b = bucket_for(&self.pools, r);
            r.queue = b;
            self.waiting.insert(b, (since, id));
        }
    }

    /// S3.05: effects of entering Waiting (§7): timestamps, code, queue, messages.
    fn enter_waiting(&mut self, id: RoomId, code: WaitCode, reasons: WaitReasons, hold: bool) {
        let now = self.now;
        let Some(r) = self.rooms.get_mut(&id) else { return };
        r.waiting_since = Some(now);
        r.wait_code = Some(code);
        r.wait_reasons = reasons;
        r.profile_hold = hold;
        let bucket = bucket_for(&self.pools, r);
        r.queue = bucket;
        self.waiting.insert(bucket, (now, id));
        self.out.push(Effect::WaitEntered { room: id, code });
        match code {
            WaitCode::W1 => self.message(id, MessageKind::AfterHours, 0),
            WaitCode::W8 => {}
            WaitCode::WM => {
                let pos = self.waiting.position((now, id));
                self.message(id, MessageKind::QueueNotice, pos);
            }
            _ => self.message(id, MessageKind::Unavailable, 0),
        }
        self.busy_notice(id);
        self.refresh_timers(id);
        // A room that waits although an account could take it (W8 released later, WM) needs no batch
        // now; a batch runs only on the triggers of B3.
    }

    /// A2 rejection effects (S3.06, S3.07): M5 or M4, counted, audited.
    fn reject_request(&mut self, id: RoomId, cause: RejectCause) {
        if let Some(r) = self.rooms.get_mut(&id) {
            r.rejections += 1;
        }
        self.out.push(Effect::RequestRejected { room: id, cause });
        let kind = match cause {
            RejectCause::AfterHours => MessageKind::AfterHours,
            RejectCause::OverCapacity => MessageKind::Unavailable,
        };
        self.message(id, kind, 0);
        self.audit(AuditKind::RequestRejected, Some(id), None, None, None);
    }

    /// A12 and the messages of each path (§13). `batch` carries L1's trigger and batch id.
    pub(crate) fn assign(&mut self, id: RoomId, a: AccountId, path: AssignPath, batch: Option<(BatchTrigger, u64)>) {
        let now = self.now;
        let Some(room) = self.rooms.get(&id) else { return };
        let from_state = room.state;
        if from_state == RoomState::Waiting
            && let Some(since) = room.waiting_since
        {
            let b = room.queue;
            self.waiting.remove(b, (since, id));
        }
        let automatic = matches!(path, AssignPath::Immediate | AssignPath::Batch | AssignPath::Reclick);
        let ahead = self.accounts[a.idx()].received; // M3: Received rooms assigned before this one
        if let Some(r) = self.rooms.get_mut(&id) {
            r.queue = Bucket::None;
            r.owner = Owner::Account(a);
            r.assigned_at = Some(now);
            if r.first_assigned_at.is_none() {
                r.first_assigned_at = Some(now);
                r.first_assign_path = Some(path);
            }
        }
        {
            let acc = &mut self.accounts[a.idx()];
            acc.load += 1;
            acc.received += 1;
            if automatic {
                acc.last_auto_assigned_at = Some(now);
            }
        }
        if automatic {
            self.pools.commit_choice(a);
        }
        self.update_account(a);
        self.set_state(id, RoomState::Received);
        self.out.push(Effect::Assigned { room: id, account: a, path });
        // §13 per path.
        let greet = match path {
            AssignPath::Immediate | AssignPath::Manual | AssignPath::Pick => true,
            AssignPath::Reclick => self.settings.messages.greeting_on_reclick,
            AssignPath::Batch => false, // B7
        };
        if greet {
            self.message(id, MessageKind::Greeting, 0);
            self.message(id, MessageKind::Title, 0);
            self.message(id, MessageKind::QueueNotice, ahead);
        }
        if automatic && self.accounts[a.idx()].auto_reply {
            self.message(id, MessageKind::AutoReply, 0); // M8, OPEN-21
        }
        self.busy_notice(id);
        if self.working.value {
            self.out.push(Effect::Notify { account: a, room: id, kind: NotifyKind::NewRoom }); // M12
        }
        let kind = match path {
            AssignPath::Immediate => AuditKind::AutoAssign,
            AssignPath::Batch => AuditKind::BatchReassign,
            AssignPath::Manual => AuditKind::ManualAssign,
            AssignPath::Pick => AuditKind::Pick,
            AssignPath::Reclick => AuditKind::ReclickAssign,
        };
        let (trigger, batch_id) = match batch {
            Some((t, b)) => (Some(t), Some(b)),
            None => (None, None),
        };
        self.audit_full(kind, Some(id), Some(Owner::Robot), Some(Owner::Account(a)), None, trigger, batch_id, None);
        self.refresh_timers(id);
    }

    /// M9: once per room at its first acceptance within working time (OPEN-73).
    fn busy_notice(&mut self, id: RoomId) {
        if !self.settings.messages.busy_time.enabled || !self.working.value {
            return;
        }
        let send = self.rooms.get_mut(&id).is_some_and(|r| !std::mem::replace(&mut r.busy_notice_sent, true));
        if send {
            self.message(id, MessageKind::BusyTime, 0);
        }
    }

    /// Sends a message if its kind is enabled (X21), with the KakaoTalk rendering of M11.
    pub(crate) fn message(&mut self, id: RoomId, kind: MessageKind, value: u32) {
        let m = &self.settings.messages;
        let enabled = match kind {
            MessageKind::Greeting => m.greeting.enabled,
            MessageKind::Title => m.title.enabled,
            MessageKind::QueueNotice => m.queue_notice.enabled,
            MessageKind::Unavailable => m.unavailable.enabled,
            MessageKind::AfterHours => m.after_hours.enabled,
            MessageKind::AgentClose => m.agent_close.enabled,
            MessageKind::AutoClose => m.auto_close.enabled,
            MessageKind::BusyTime => m.busy_time.enabled,
            MessageKind::AutoReply | MessageKind::ProfilePrompt => true,
        };
        if !enabled {
            return;
        }
        let now = self.now;
        let Some(r) = self.rooms.get_mut(&id) else { return };
        r.last_message_at = now; // automatic messages move the list date, never the human fields (M13)
        let kakao_system = !r.via_chatbot
            && self.catalog.kind(r.channel) == ChannelKind::KakaoTalk
            && matches!(kind, MessageKind::Unavailable | MessageKind::AfterHours | MessageKind::BusyTime);
        let rendering = if kakao_system { Rendering::KakaoSystem } else { Rendering::SiteText };
        self.out.push(Effect::Message { room: id, kind, rendering, value });
    }
}

/// The pool a room's automatic choice uses (A6, A7, A16).
#[inline]
fn pool_for(pools: &super::distribute::Pools, room: &Room) -> PoolId {
    match pools.method {
        Some(Method::ByCategory) => pools.category_pool.get(room.category.0 as usize).copied().unwrap_or(GENERAL),
        Some(Method::ByChannel) => pools.channel_pool.get(room.channel.0 as usize).copied().unwrap_or(GENERAL),
        _ => GENERAL,
    }
}

/// The Waiting bucket a room belongs in: aside while profile-held (W8), else its pool's FIFO.
#[inline]
fn bucket_for(pools: &super::distribute::Pools, room: &Room) -> Bucket {
    if room.profile_hold { Bucket::Held } else { Bucket::Queue(pool_for(pools, room)) }
}
