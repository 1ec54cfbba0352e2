//! Inputs of the engine: the exogenous events of SIM2 and the endogenous timers of SIM3.

use super::account::{AccountId, Auth, Role};
use super::calendar::{DayOverride, DayStatus};
use super::catalog::{CategoryId, ChannelId};
use super::room::{CustomerId, RoomId};
use super::settings::Settings;
use super::time::{Date, Time};

/// OPEN-77: the outcome of the profile dialogue, carried by the request event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProfileOutcome {
    /// The customer entered the configured fields.
    #[default]
    Entered,
    /// The customer did not.
    NotEntered,
}

/// Who manages: the actor of a manager action.
pub type Actor = AccountId;

/// What a block targets (C6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockTarget {
    /// Block from a room (open rooms close, S3.09, S3.18; closed rooms only block, S3.31).
    Room(RoomId),
    /// Block a customer directly.
    Customer(CustomerId),
}

/// SIM2 `AccountChange`: fields to change (None keeps the current value). A new account is added
/// with `Engine::add_account` by the caller before it is referenced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountPatch {
    /// New display name.
    pub name: Option<String>,
    /// New role.
    pub role: Option<Role>,
    /// New 상담여부.
    pub consults: Option<bool>,
    /// New authentication.
    pub auth: Option<Auth>,
    /// New responsible manager.
    pub responsible_manager: Option<AccountId>,
    /// New capacity override (Some(None) removes it).
    pub max_override: Option<Option<u32>>,
}

/// An engine input. Exogenous events come from the workload (SIM2); `Timer` events are the
/// engine's own timers coming back (SIM3).
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// S2: a customer opens a room. Without chatbot the request is evaluated at once with `profile`.
    RoomCreated {
        /// Room number chosen by the workload.
        room: RoomId,
        /// Customer.
        customer: CustomerId,
        /// Channel.
        channel: ChannelId,
        /// Category from the chat URL.
        category: Option<CategoryId>,
        /// Profile outcome of the implicit request (chatbot off).
        profile: ProfileOutcome,
    },
    /// A customer message.
    CustomerMessage {
        /// Room.
        room: RoomId,
    },
    /// The chatbot's "Connect to agent" hotkey (A2).
    ConnectRequest {
        /// Room.
        room: RoomId,
        /// Hotkey category (A16).
        category: Option<CategoryId>,
        /// Profile outcome (OPEN-77).
        profile: ProfileOutcome,
    },
    /// A re-click of the hotkey while waiting (B12).
    HotkeyReclick {
        /// Room.
        room: RoomId,
        /// Profile outcome.
        profile: ProfileOutcome,
    },
    /// C3.
    CustomerClose {
        /// Room.
        room: RoomId,
    },
    /// A1.4.
    AgentLogin {
        /// Account.
        account: AccountId,
    },
    /// A1.4.
    AgentLogout {
        /// Account.
        account: AccountId,
    },
    /// A1.5.
    BreakStart {
        /// Account.
        account: AccountId,
    },
    /// A1.5.
    BreakEnd {
        /// Account.
        account: AccountId,
    },
    /// A1.9.
    MealStart {
        /// Account.
        account: AccountId,
    },
    /// A1.9.
    MealEnd {
        /// Account.
        account: AccountId,
    },
    /// S3.21, S3.23.
    AgentMessage {
        /// Room.
        room: RoomId,
        /// Sender (must be the owner).
        account: AccountId,
    },
    /// C4.
    AgentClose {
        /// Room.
        room: RoomId,
        /// Actor (must be the owner).
        account: AccountId,
    },
    /// C9.
    HoldSet {
        /// Room.
        room: RoomId,
        /// Actor (must be the owner).
        account: AccountId,
    },
    /// C9.
    HoldRelease {
        /// Room.
        room: RoomId,
        /// Actor (must be the owner).
        account: AccountId,
    },
    /// A14: an account picks waiting rooms.
    AgentPick {
        /// Picker.
        account: AccountId,
        /// Rooms, in the order given.
        rooms: Vec<RoomId>,
    },
    /// T: change agent.
    Transfer {
        /// Room.
        room: RoomId,
        /// New owner.
        to: AccountId,
        /// Owner, Admin or Manager.
        actor: Actor,
    },
    /// M8: personal auto-reply switch.
    AutoReplySet {
        /// Account.
        account: AccountId,
        /// On or off.
        on: bool,
    },
    /// A13.
    ManagerAssign {
        /// Room.
        room: RoomId,
        /// Target account.
        to: AccountId,
        /// Admin or Manager.
        actor: Actor,
    },
    /// C5.
    ManagerClose {
        /// Room.
        room: RoomId,
        /// Admin or Manager.
        actor: Actor,
    },
    /// C6.
    ManagerBlock {
        /// Room or customer.
        target: BlockTarget,
        /// Admin or Manager.
        actor: Actor,
    },
    /// C6.
    Unblock {
        /// Customer.
        customer: CustomerId,
        /// Admin or Manager.
        actor: Actor,
    },
    /// S3.32.
    CategoryChange {
        /// Rooms.
        rooms: Vec<RoomId>,
        /// New category.
        category: CategoryId,
        /// Actor.
        actor: Actor,
    },
    /// S3.33: the customer's profile gains the configured fields (`entered`) or not.
    CustomerInfoChange {
        /// Customer.
        customer: CustomerId,
        /// Whether the configured profile fields are now entered.
        entered: bool,
        /// Admin or Manager.
        actor: Actor,
    },
    /// H4.
    DayStatusSet {
        /// Account.
        account: AccountId,
        /// Date.
        date: Date,
        /// Status.
        status: DayStatus,
        /// Admin or Manager (H5).
        actor: Actor,
    },
    /// E5: `None` removes the override.
    HolidaySet {
        /// Date.
        date: Date,
        /// Override.
        day: Option<DayOverride>,
    },
    /// E2.
    AccountChange {
        /// Account.
        account: AccountId,
        /// Fields.
        patch: AccountPatch,
    },
    /// §3: the whole new settings value.
    SettingsChanged(Box<Settings>),
    /// SIM3: one of the engine's timers.
    Timer(Timer),
}

/// SIM3: endogenous timers. The caller arms them when the engine asks (`Effect::ArmTimer`) and
/// hands them back at their time. A timer whose condition changed since it was armed is
/// discarded by the engine when it fires (lazy cancellation): the engine re-computes each
/// deadline from the room's current fields instead of trusting the timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    /// A boundary of company working time (H3, H8).
    WorkingEdge,
    /// Backlog gate opening, `period_start + delay` (B4).
    GateOpen,
    /// A boundary of the collective meal window (H6).
    MealEdge,
    /// Midnight (H4, Q2).
    DayRollover,
    /// A boundary of one account's day-schedule break window (E4).
    AccountDayEdge(AccountId),
    /// A room timer (C7, B10, C10).
    Room(RoomId, RoomTimer),
    /// The one batch reassignment at the end of an instant (B3, SIM3).
    Batch,
}

/// The room timers of SIM3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RoomTimer {
    /// C7 customer no-reply.
    NoReply,
    /// C7 agent delay.
    AgentDelay,
    /// B10 unassigned auto-close.
    Unassigned,
    /// C10 chatbot idle close.
    ChatbotIdle,
}

impl Timer {
    /// SIM4 phase of this timer within its instant: 0 calendar, 4 room timers, 5 batch.
    pub fn phase(&self) -> u8 {
        match self {
            Timer::WorkingEdge | Timer::GateOpen | Timer::MealEdge | Timer::DayRollover => 0,
            Timer::AccountDayEdge(_) => 0,
            Timer::Room(..) => 4,
            Timer::Batch => 5,
        }
    }
    /// SIM4 order inside phase 0: ends before starts, then rollover, then starts and the gate.
    /// The engine handles both edges of a window in one timer, so within phase 0 the order is:
    /// working edge, meal edge, account edges, rollover, gate. Room timers order by room id.
    pub fn sub_order(&self) -> u64 {
        match self {
            Timer::WorkingEdge => 0,
            Timer::MealEdge => 1,
            Timer::AccountDayEdge(a) => 2 + a.0 as u64,
            Timer::DayRollover => 1 << 40,
            Timer::GateOpen => (1 << 40) + 1,
            Timer::Room(r, k) => (r.0 << 2) | (*k as u64),
            Timer::Batch => 0,
        }
    }
}

impl Event {
    /// SIM4 phase of an event within its instant.
    pub fn phase(&self) -> u8 {
        match self {
            Event::SettingsChanged(_)
            | Event::AccountChange { .. }
            | Event::HolidaySet { .. }
            | Event::DayStatusSet { .. } => 1,
            Event::AgentLogin { .. }
            | Event::AgentLogout { .. }
            | Event::BreakStart { .. }
            | Event::BreakEnd { .. }
            | Event::MealStart { .. }
            | Event::MealEnd { .. } => 2,
            Event::Timer(t) => t.phase(),
            _ => 3,
        }
    }
    /// SIM2 name in snake_case (traces, logs).
    pub fn name(&self) -> &'static str {
        match self {
            Event::RoomCreated { .. } => "room_created",
            Event::CustomerMessage { .. } => "customer_message",
            Event::ConnectRequest { .. } => "connect_request",
            Event::HotkeyReclick { .. } => "hotkey_reclick",
            Event::CustomerClose { .. } => "customer_close",
            Event::AgentLogin { .. } => "agent_login",
            Event::AgentLogout { .. } => "agent_logout",
            Event::BreakStart { .. } => "break_start",
            Event::BreakEnd { .. } => "break_end",
            Event::MealStart { .. } => "meal_start",
            Event::MealEnd { .. } => "meal_end",
            Event::AgentMessage { .. } => "agent_message",
            Event::AgentClose { .. } => "agent_close",
            Event::HoldSet { .. } => "hold_set",
            Event::HoldRelease { .. } => "hold_release",
            Event::AgentPick { .. } => "agent_pick",
            Event::Transfer { .. } => "transfer",
            Event::AutoReplySet { .. } => "auto_reply_set",
            Event::ManagerAssign { .. } => "manager_assign",
            Event::ManagerClose { .. } => "manager_close",
            Event::ManagerBlock { .. } => "manager_block",
            Event::Unblock { .. } => "unblock",
            Event::CategoryChange { .. } => "category_change",
            Event::CustomerInfoChange { .. } => "customer_info_change",
            Event::DayStatusSet { .. } => "day_status_set",
            Event::HolidaySet { .. } => "holiday_set",
            Event::AccountChange { .. } => "account_change",
            Event::SettingsChanged(_) => "settings_changed",
            Event::Timer(_) => "timer",
        }
    }
    /// The room an event is about, if one.
    pub fn room(&self) -> Option<RoomId> {
        match self {
            Event::RoomCreated { room, .. }
            | Event::CustomerMessage { room }
            | Event::ConnectRequest { room, .. }
            | Event::HotkeyReclick { room, .. }
            | Event::CustomerClose { room }
            | Event::AgentMessage { room, .. }
            | Event::AgentClose { room, .. }
            | Event::HoldSet { room, .. }
            | Event::HoldRelease { room, .. }
            | Event::Transfer { room, .. }
            | Event::ManagerAssign { room, .. }
            | Event::ManagerClose { room, .. } => Some(*room),
            Event::ManagerBlock { target: BlockTarget::Room(room), .. } => Some(*room),
            Event::Timer(Timer::Room(room, _)) => Some(*room),
            _ => None,
        }
    }
}

/// A convenience for tests and traces: the time an event happens and the event.
#[derive(Debug, Clone, PartialEq)]
pub struct Timed {
    /// When.
    pub at: Time,
    /// What.
    pub event: Event,
}
