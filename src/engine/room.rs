//! Rooms, their states, owners, wait codes and close types (E9, S1, W, C1).

use super::account::AccountId;
use super::catalog::{CategoryId, ChannelId};
use super::time::Time;

/// A room number (방번호). Chosen by the workload; unique over a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct RoomId(pub u64);

/// A customer (고객). Chosen by the workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct CustomerId(pub u64);

/// S1: the seven room states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RoomState {
    /// 챗봇 진행중.
    ChatbotInProgress,
    /// 챗봇 종료 (terminal).
    ChatbotEnded,
    /// 상담대기.
    Waiting,
    /// 접수 — assigned, the owner has not replied yet.
    Received,
    /// 진행중.
    InProgress,
    /// 상담종료 (terminal).
    ConsultationEnded,
    /// Engine-only terminal state of a request rejected without chatbot (OPEN-22).
    Rejected,
}

impl RoomState {
    /// All states, in display order.
    pub const ALL: [RoomState; 7] = [
        RoomState::ChatbotInProgress,
        RoomState::Waiting,
        RoomState::Received,
        RoomState::InProgress,
        RoomState::ChatbotEnded,
        RoomState::ConsultationEnded,
        RoomState::Rejected,
    ];
    /// Terminal states never change again (S5, I10).
    #[inline]
    pub fn is_terminal(self) -> bool {
        matches!(self, RoomState::ChatbotEnded | RoomState::ConsultationEnded | RoomState::Rejected)
    }
    /// Received or InProgress: the room counts in its owner's load (A11).
    #[inline]
    pub fn is_assigned(self) -> bool {
        matches!(self, RoomState::Received | RoomState::InProgress)
    }
    /// Snake-case name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            RoomState::ChatbotInProgress => "chatbot_in_progress",
            RoomState::ChatbotEnded => "chatbot_ended",
            RoomState::Waiting => "waiting",
            RoomState::Received => "received",
            RoomState::InProgress => "in_progress",
            RoomState::ConsultationEnded => "consultation_ended",
            RoomState::Rejected => "rejected",
        }
    }
    /// Index into per-state arrays (order of [`RoomState::ALL`]).
    #[inline]
    pub fn index(self) -> usize {
        match self {
            RoomState::ChatbotInProgress => 0,
            RoomState::Waiting => 1,
            RoomState::Received => 2,
            RoomState::InProgress => 3,
            RoomState::ChatbotEnded => 4,
            RoomState::ConsultationEnded => 5,
            RoomState::Rejected => 6,
        }
    }
}

/// S1: who owns a room — the pseudo-account Robot or one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Owner {
    /// 로봇: every chatbot, waiting and rejected room (I2).
    Robot,
    /// An account.
    Account(AccountId),
}

impl Owner {
    /// The owning account, if any.
    #[inline]
    pub fn account(self) -> Option<AccountId> {
        match self {
            Owner::Robot => None,
            Owner::Account(a) => Some(a),
        }
    }
}

/// §7: why a room entered Waiting. W1–W8 are the seed's paths; WM, W7C, W3I and WMix are the
/// engine's extension codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WaitCode {
    /// After hours, after-hours intake Y.
    W1,
    /// Every pool account on break, break intake N.
    W2,
    /// Collective meal window, meal intake N.
    W3,
    /// Over capacity, over-capacity intake Y.
    W4,
    /// Every account unavailable for the date (or nobody consults, OPEN-35).
    W5,
    /// Every account logged out, logged-in scope.
    W6,
    /// Category-designated accounts unavailable.
    W7,
    /// Profile not entered, keep waiting.
    W8,
    /// Manual method (extension).
    WM,
    /// Channel-designated accounts unavailable (extension, OPEN-36).
    W7C,
    /// Every pool account at an individual meal (extension, OPEN-46).
    W3I,
    /// Mixed reasons (extension, OPEN-37).
    WMix,
}

impl WaitCode {
    /// Every code, in report order.
    pub const ALL: [WaitCode; 12] = [
        WaitCode::W1,
        WaitCode::W2,
        WaitCode::W3,
        WaitCode::W4,
        WaitCode::W5,
        WaitCode::W6,
        WaitCode::W7,
        WaitCode::W8,
        WaitCode::WM,
        WaitCode::W7C,
        WaitCode::W3I,
        WaitCode::WMix,
    ];
    /// The code as written in specs and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            WaitCode::W1 => "W1",
            WaitCode::W2 => "W2",
            WaitCode::W3 => "W3",
            WaitCode::W4 => "W4",
            WaitCode::W5 => "W5",
            WaitCode::W6 => "W6",
            WaitCode::W7 => "W7",
            WaitCode::W8 => "W8",
            WaitCode::WM => "WM",
            WaitCode::W7C => "W7C",
            WaitCode::W3I => "W3I",
            WaitCode::WMix => "W-MIX",
        }
    }
    /// Parses the written form.
    pub fn parse(s: &str) -> Option<WaitCode> {
        WaitCode::ALL.iter().copied().find(|c| c.as_str().eq_ignore_ascii_case(s))
    }
    /// Index into per-code arrays (order of [`WaitCode::ALL`]).
    #[inline]
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A3: per-reason counts of blocked pool accounts when a room entered Waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WaitReasons {
    /// Accounts in the candidate pool.
    pub pool: u32,
    /// Unavailable by day status or inside a day-schedule break window (A1.3).
    pub day: u32,
    /// Logged out where login is required (A1.4).
    pub login: u32,
    /// On break where that blocks (A1.5).
    pub brk: u32,
    /// Inside the collective meal window with meal intake N (A1.6).
    pub meal: u32,
    /// At an individual meal (A1.9).
    pub imeal: u32,
    /// At the capacity limit (A1.7).
    pub cap: u32,
}

/// C1: the close type (종료 방식).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CloseType {
    /// 고객 종료.
    Customer,
    /// 상담사 종료.
    Agent,
    /// 매니저 종료 (also an Admin close, and a block).
    Manager,
    /// 자동 종료 with its sub-type.
    Auto(AutoClose),
}

/// C1: the sub-types of an automatic close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AutoClose {
    /// C7 customer no-reply.
    NoReply,
    /// C7 agent delay.
    AgentDelay,
    /// B10 unassigned.
    Unassigned,
    /// C10 chatbot idle.
    ChatbotIdle,
}

impl CloseType {
    /// Every close type, in report order.
    pub const ALL: [CloseType; 7] = [
        CloseType::Customer,
        CloseType::Agent,
        CloseType::Manager,
        CloseType::Auto(AutoClose::NoReply),
        CloseType::Auto(AutoClose::AgentDelay),
        CloseType::Auto(AutoClose::Unassigned),
        CloseType::Auto(AutoClose::ChatbotIdle),
    ];
    /// Written form.
    pub fn as_str(self) -> &'static str {
        match self {
            CloseType::Customer => "customer",
            CloseType::Agent => "agent",
            CloseType::Manager => "manager",
            CloseType::Auto(AutoClose::NoReply) => "auto_no_reply",
            CloseType::Auto(AutoClose::AgentDelay) => "auto_agent_delay",
            CloseType::Auto(AutoClose::Unassigned) => "auto_unassigned",
            CloseType::Auto(AutoClose::ChatbotIdle) => "auto_chatbot_idle",
        }
    }
    /// Parses the written form.
    pub fn parse(s: &str) -> Option<CloseType> {
        CloseType::ALL.iter().copied().find(|c| c.as_str() == s)
    }
    /// Index into per-type arrays (order of [`CloseType::ALL`]).
    pub fn index(self) -> usize {
        CloseType::ALL.iter().position(|c| *c == self).unwrap_or(0)
    }
}

/// SIM7: how a room was (last) assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AssignPath {
    /// At request time (S3.04, S2 without chatbot).
    Immediate,
    /// By batch reassignment (S3.12).
    Batch,
    /// By an Admin/Manager (S3.13).
    Manual,
    /// Picked by an account (S3.14).
    Pick,
    /// By a hotkey re-click (S3.15).
    Reclick,
}

impl AssignPath {
    /// Every path, in report order.
    pub const ALL: [AssignPath; 5] =
        [AssignPath::Immediate, AssignPath::Batch, AssignPath::Manual, AssignPath::Pick, AssignPath::Reclick];
    /// Written form.
    pub fn as_str(self) -> &'static str {
        match self {
            AssignPath::Immediate => "immediate",
            AssignPath::Batch => "batch",
            AssignPath::Manual => "manual",
            AssignPath::Pick => "pick",
            AssignPath::Reclick => "reclick",
        }
    }
    /// Index into per-path arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Who wrote the latest human message (E9 `last_human_msg_by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HumanSender {
    /// The customer.
    Customer,
    /// The owning account.
    Owner,
}

/// E9: one room. Everything the rules rely on, and the times SIM7 reports.
#[derive(Debug, Clone)]
pub struct Room {
    /// 방번호.
    pub id: RoomId,
    /// Who.
    pub customer: CustomerId,
    /// Where.
    pub channel: ChannelId,
    /// Started in the chatbot (captured at creation from X1, OPEN-03).
    pub via_chatbot: bool,
    /// Room start (상담시간).
    pub created_at: Time,
    /// Category from the chat URL, else the first middle category (E9).
    pub category_at_creation: CategoryId,
    /// Current category (A16).
    pub category: CategoryId,
    /// Category the list title is built from (Q12).
    pub title_category: CategoryId,
    /// S1.
    pub state: RoomState,
    /// S1.
    pub owner: Owner,
    /// First connection request, a rejected one included (OPEN-90).
    pub request_at: Option<Time>,
    /// Entry into Waiting.
    pub waiting_since: Option<Time>,
    /// Why it waited (§7).
    pub wait_code: Option<WaitCode>,
    /// Per-reason detail (A3).
    pub wait_reasons: WaitReasons,
    /// Not to be assigned automatically (W8).
    pub profile_hold: bool,
    /// Latest assignment.
    pub assigned_at: Option<Time>,
    /// First assignment (reports: assignment latency).
    pub first_assigned_at: Option<Time>,
    /// How the room was first assigned.
    pub first_assign_path: Option<AssignPath>,
    /// First human agent reply.
    pub first_agent_reply_at: Option<Time>,
    /// Latest message of any sender.
    pub last_message_at: Time,
    /// Latest human message's sender (C7).
    pub last_human_msg_by: Option<HumanSender>,
    /// Latest human message time (C7).
    pub last_human_msg_at: Option<Time>,
    /// Latest customer message (C7 agent-delay anchor).
    pub last_customer_msg_at: Option<Time>,
    /// Latest customer message or request click (B5).
    pub last_customer_activity_at: Time,
    /// End on hold (C9).
    pub hold: bool,
    /// When the current hold was released (C9, OPEN-57: re-armed anchors are no earlier).
    pub hold_released_at: Option<Time>,
    /// Close time (C1).
    pub closed_at: Option<Time>,
    /// Close type (C1).
    pub close_type: Option<CloseType>,
    /// Closed while held (C9).
    pub closed_while_held: bool,
    /// The close blocked the customer (C6).
    pub customer_blocked_at_close: bool,
    /// Human agent messages since the first assignment (I9).
    pub agent_messages: u32,
    /// Requests rejected by A2 (SIM7).
    pub rejections: u32,
    /// M9 already sent (once per room, OPEN-73).
    pub busy_notice_sent: bool,
    /// Waiting-queue bucket this room sits in while Waiting (engine internal).
    pub(crate) queue: super::waiting::Bucket,
    /// Auto-close deadlines already handed to the caller (engine internal, lazy timers).
    pub(crate) armed: ArmedTimers,
}

/// Deadlines of room timers handed to the caller, so that each is armed once (SIM3).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ArmedTimers {
    pub no_reply: Option<Time>,
    pub agent_delay: Option<Time>,
    pub unassigned: Option<Time>,
    pub chatbot_idle: Option<Time>,
}

impl Room {
    /// S4: the derived InProgress sub-status — true for "inquiry" (the customer spoke last).
    pub fn is_inquiry(&self) -> bool {
        self.state == RoomState::InProgress && self.last_human_msg_by == Some(HumanSender::Customer)
    }
}
