//! Accounts, roles and presence (E2, E3, V1).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::calendar::AccountDays;
use super::time::Time;

/// Index of an account in the engine's account table, in registration order (E2 `order`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct AccountId(pub u32);

impl AccountId {
    /// As an index.
    #[inline]
    pub fn idx(self) -> usize {
        self.0 as usize
    }
}

/// E2 / V1: roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 관리자: exactly one, the account that signed the site up.
    Admin,
    /// 매니저.
    Manager,
    /// 상담사.
    Agent,
}

impl Role {
    /// Admin or Manager: may assign, close, block (V9).
    pub fn is_manager_or_admin(self) -> bool {
        matches!(self, Role::Admin | Role::Manager)
    }
    /// Written form.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Agent => "agent",
        }
    }
}

/// E2 `auth`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Auth {
    /// Authenticated.
    #[default]
    Active,
    /// 인증해제.
    Revoked,
    /// 계정삭제.
    Deleted,
}

/// Blocking reasons of A3, as bits. DAY..CAP are per account; MEAL is the collective window,
/// common to every account when it applies; NOCONSULT marks a designated-list member failing
/// A1.1 (it blocks but maps to no wait code of its own).
pub mod reason {
    /// A1.3 day status / day-schedule break window.
    pub const DAY: u8 = 1 << 0;
    /// A1.4 logged out.
    pub const LOGIN: u8 = 1 << 1;
    /// A1.5 on break.
    pub const BREAK: u8 = 1 << 2;
    /// A1.6 collective meal window (global).
    pub const MEAL: u8 = 1 << 3;
    /// A1.9 individual meal.
    pub const IMEAL: u8 = 1 << 4;
    /// A1.7 at capacity.
    pub const CAP: u8 = 1 << 5;
    /// A1.1 fails (designated lists only).
    pub const NOCONSULT: u8 = 1 << 6;
}

/// E2 + E3: one account with its runtime presence.
#[derive(Debug, Clone)]
pub struct Account {
    /// Scenario id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// 담당 매니저 (absent for the Admin).
    pub responsible_manager: Option<AccountId>,
    /// 상담여부 (default true for every role, OPEN-89).
    pub consults: bool,
    /// Authentication.
    pub auth: Auth,
    /// Registration order (D3); equal to the index in the account table.
    pub order: u32,
    /// M8: personal auto-reply switched on.
    pub auto_reply: bool,
    /// X8 per-account capacity override.
    pub max_override: Option<u32>,
    /// X24 manager admin permission.
    pub admin_view: bool,
    /// E3: logged in.
    pub logged_in: bool,
    /// E3: on break (휴식중).
    pub on_break: bool,
    /// E3: at an individual meal (개별 식사시간).
    pub at_meal: bool,
    /// E3: last automatic assignment (A10).
    pub last_auto_assigned_at: Option<Time>,
    /// A11: rooms in Received or InProgress owned by this account.
    pub load: u32,
    /// Rooms in Received owned by this account (M3's count).
    pub received: u32,
    /// E4/H4: day statuses and break windows.
    pub days: AccountDays,
    /// Cached A1.3 result for the current instant (maintained by calendar timers).
    pub(crate) day_blocked: bool,
}

impl Account {
    /// A1.1: Active and consults.
    #[inline]
    pub fn consults_actively(&self) -> bool {
        self.auth == Auth::Active && self.consults
    }
}
