//! Outputs of the engine (D5): state changes, customer messages, notifications, audit entries
//! and timers to arm. Effects are small plain values with no heap data, so a run produces them
//! without allocating.

use super::account::AccountId;
use super::event::Timer;
use super::room::{AssignPath, CloseType, CustomerId, Owner, RoomId, RoomState, WaitCode};
use super::time::Time;

/// §13: message kinds sent to the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MessageKind {
    /// M1 greeting.
    Greeting,
    /// M2 consultation title.
    Title,
    /// M3 waiting-count notice.
    QueueNotice,
    /// M4 unavailable notice.
    Unavailable,
    /// M5 after-hours notice.
    AfterHours,
    /// M6 agent close notice.
    AgentClose,
    /// M7 auto-close notice.
    AutoClose,
    /// M8 personal auto-reply.
    AutoReply,
    /// M9 busy-time notice.
    BusyTime,
    /// M10 profile-bot prompt.
    ProfilePrompt,
}

impl MessageKind {
    /// Every kind, in M order.
    pub const ALL: [MessageKind; 10] = [
        MessageKind::Greeting,
        MessageKind::Title,
        MessageKind::QueueNotice,
        MessageKind::Unavailable,
        MessageKind::AfterHours,
        MessageKind::AgentClose,
        MessageKind::AutoClose,
        MessageKind::AutoReply,
        MessageKind::BusyTime,
        MessageKind::ProfilePrompt,
    ];
    /// Rule id.
    pub fn rule(self) -> &'static str {
        match self {
            MessageKind::Greeting => "M1",
            MessageKind::Title => "M2",
            MessageKind::QueueNotice => "M3",
            MessageKind::Unavailable => "M4",
            MessageKind::AfterHours => "M5",
            MessageKind::AgentClose => "M6",
            MessageKind::AutoClose => "M7",
            MessageKind::AutoReply => "M8",
            MessageKind::BusyTime => "M9",
            MessageKind::ProfilePrompt => "M10",
        }
    }
    /// Written form.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Greeting => "greeting",
            MessageKind::Title => "title",
            MessageKind::QueueNotice => "queue_notice",
            MessageKind::Unavailable => "unavailable",
            MessageKind::AfterHours => "after_hours",
            MessageKind::AgentClose => "agent_close",
            MessageKind::AutoClose => "auto_close",
            MessageKind::AutoReply => "auto_reply",
            MessageKind::BusyTime => "busy_time",
            MessageKind::ProfilePrompt => "profile_prompt",
        }
    }
    /// Parses the written form or the rule id.
    pub fn parse(s: &str) -> Option<MessageKind> {
        MessageKind::ALL.iter().copied().find(|k| k.as_str() == s || k.rule() == s)
    }
    /// Index into per-kind arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// M11: how a message is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rendering {
    /// The site's text.
    SiteText,
    /// KakaoTalk's own system message.
    KakaoSystem,
}

/// M12: agent notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NotifyKind {
    /// A new Received room.
    NewRoom,
    /// A customer message in an InProgress room.
    CustomerMessage,
}

/// Why A2 rejected a request (S3.06, S3.07).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RejectCause {
    /// After hours with after-hours intake N (A2.1).
    AfterHours,
    /// Capacity class with over-capacity intake N (A2.5).
    OverCapacity,
}

impl RejectCause {
    /// Written form.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectCause::AfterHours => "after_hours",
            RejectCause::OverCapacity => "over_capacity",
        }
    }
}

/// L1 / OPEN-85: what caused a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BatchTrigger {
    /// Period start or gate opening.
    WorkStart,
    /// A settings change.
    SettingChange,
    /// Any other eligibility-enlarging event.
    AgentAvailable,
}

impl BatchTrigger {
    /// Every trigger, in declaration order (`index` is the position).
    pub const ALL: [BatchTrigger; 3] =
        [BatchTrigger::WorkStart, BatchTrigger::SettingChange, BatchTrigger::AgentAvailable];
    /// Index into per-trigger arrays.
    pub fn index(self) -> usize {
        self as usize
    }
    /// Written form.
    pub fn as_str(self) -> &'static str {
        match self {
            BatchTrigger::WorkStart => "work_start",
            BatchTrigger::SettingChange => "setting_change",
            BatchTrigger::AgentAvailable => "agent_available",
        }
    }
}

/// L1, L2: kinds of service-usage-history entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AuditKind {
    /// L1: batch reassignment from Robot.
    BatchReassign,
    /// Immediate automatic assignment.
    AutoAssign,
    /// Manual assignment by an Admin/Manager.
    ManualAssign,
    /// Pick by an account.
    Pick,
    /// Re-click assignment.
    ReclickAssign,
    /// Transfer.
    Transfer,
    /// Hold set.
    HoldSet,
    /// Hold released.
    HoldRelease,
    /// Close (any type).
    Close,
    /// Customer blocked.
    Block,
    /// Customer unblocked.
    Unblock,
    /// Request rejected by A2.
    RequestRejected,
    /// Settings changed.
    SettingsChanged,
    /// Account changed.
    AccountChanged,
    /// Day status changed.
    DayStatusChanged,
    /// Holiday / changed hours.
    HolidayChanged,
}

impl AuditKind {
    /// Every kind, in declaration order (`index` is the position).
    pub const ALL: [AuditKind; 16] = [
        AuditKind::BatchReassign,
        AuditKind::AutoAssign,
        AuditKind::ManualAssign,
        AuditKind::Pick,
        AuditKind::ReclickAssign,
        AuditKind::Transfer,
        AuditKind::HoldSet,
        AuditKind::HoldRelease,
        AuditKind::Close,
        AuditKind::Block,
        AuditKind::Unblock,
        AuditKind::RequestRejected,
        AuditKind::SettingsChanged,
        AuditKind::AccountChanged,
        AuditKind::DayStatusChanged,
        AuditKind::HolidayChanged,
    ];
    /// Index into per-kind arrays.
    pub fn index(self) -> usize {
        self as usize
    }
    /// Written form.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::BatchReassign => "batch_reassign",
            AuditKind::AutoAssign => "auto_assign",
            AuditKind::ManualAssign => "manual_assign",
            AuditKind::Pick => "pick",
            AuditKind::ReclickAssign => "reclick_assign",
            AuditKind::Transfer => "transfer",
            AuditKind::HoldSet => "hold_set",
            AuditKind::HoldRelease => "hold_release",
            AuditKind::Close => "close",
            AuditKind::Block => "block",
            AuditKind::Unblock => "unblock",
            AuditKind::RequestRejected => "request_rejected",
            AuditKind::SettingsChanged => "settings_changed",
            AuditKind::AccountChanged => "account_changed",
            AuditKind::DayStatusChanged => "day_status_changed",
            AuditKind::HolidayChanged => "holiday_changed",
        }
    }
}

/// One service-usage-history entry (L1, L2), ordered by (time, seq).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditEntry {
    /// Sequence number over the run.
    pub seq: u64,
    /// When.
    pub at: Time,
    /// What.
    pub kind: AuditKind,
    /// The room, if any.
    pub room: Option<RoomId>,
    /// Owner before.
    pub from: Option<Owner>,
    /// Owner after.
    pub to: Option<Owner>,
    /// Who acted (None for the engine itself or the customer).
    pub actor: Option<AccountId>,
    /// Batch trigger (L1).
    pub trigger: Option<BatchTrigger>,
    /// Batch id (L1).
    pub batch: Option<u64>,
    /// Close type (close entries).
    pub close_type: Option<CloseType>,
}

/// One effect of handling an event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Effect {
    /// A room changed state (`from` is None at creation).
    StateChanged {
        /// Room.
        room: RoomId,
        /// Previous state.
        from: Option<RoomState>,
        /// New state.
        to: RoomState,
    },
    /// A room entered Waiting with a code (§7).
    WaitEntered {
        /// Room.
        room: RoomId,
        /// Code.
        code: WaitCode,
    },
    /// A room was assigned (A12).
    Assigned {
        /// Room.
        room: RoomId,
        /// New owner.
        account: AccountId,
        /// Path.
        path: AssignPath,
    },
    /// A room changed owner by transfer (T6).
    Transferred {
        /// Room.
        room: RoomId,
        /// Previous owner.
        from: AccountId,
        /// New owner.
        to: AccountId,
    },
    /// A room closed (C1). The room stays readable through `Engine::room` until the next event.
    Closed {
        /// Room.
        room: RoomId,
        /// Type.
        close_type: CloseType,
        /// Owner at close.
        owner: Owner,
    },
    /// A2 rejected a request (counted as a rejection, SIM7).
    RequestRejected {
        /// Room.
        room: RoomId,
        /// Why.
        cause: RejectCause,
    },
    /// A blocked customer tried to open a room (OPEN-91).
    BlockedAttempt {
        /// Customer.
        customer: CustomerId,
    },
    /// A first human reply (S3.21).
    FirstReply {
        /// Room.
        room: RoomId,
    },
    /// A message to the customer (§13). `value` carries M3's count or position.
    Message {
        /// Room.
        room: RoomId,
        /// Kind.
        kind: MessageKind,
        /// M11.
        rendering: Rendering,
        /// M3 count / position; 0 otherwise.
        value: u32,
    },
    /// An agent notification (M12).
    Notify {
        /// Account.
        account: AccountId,
        /// Room.
        room: RoomId,
        /// Kind.
        kind: NotifyKind,
    },
    /// An audit entry (L).
    Audit(AuditEntry),
    /// Arm a timer at `at` (SIM3). The caller hands it back as `Event::Timer`.
    ArmTimer {
        /// When.
        at: Time,
        /// Which.
        timer: Timer,
    },
}

/// D6: an input the rules forbid. The state did not change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The rule that forbids it.
    pub rule: &'static str,
    /// What was wrong.
    pub reason: &'static str,
    /// The room, if the event named one.
    pub room: Option<RoomId>,
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.room {
            Some(r) => write!(f, "{} (room {}): {}", self.rule, r.0, self.reason),
            None => write!(f, "{}: {}", self.rule, self.reason),
        }
    }
}

impl std::error::Error for Rejection {}
