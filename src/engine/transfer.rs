//! The change-agent screen (T1–T5): who may receive a room, and what the screen shows about
//! each candidate. The move itself is `Engine::on_transfer` (T6, in actions.rs).

use super::account::{AccountId, Role};
use super::room::{Owner, RoomId, RoomState};
use super::settings::Scope;
use super::time::{Date, Time};
use super::{Engine, reject};
use crate::engine::effect::Rejection;

/// T5: the one status icon a candidate shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CandidateIcon {
    /// 상담중: available and consulting.
    InConsultation,
    /// 휴식중.
    OnBreak,
    /// 식사중 (individual meal or the collective window).
    AtMeal,
    /// 상담불가: inside a break window of the day schedule.
    Unavailable,
}

/// One row of the change-agent list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The account.
    pub account: AccountId,
    /// T3: "(logged in)" / "(logged out)" appended to the name under the logged-in scope.
    pub label: String,
    /// T5: logged in.
    pub logged_in: bool,
    /// T5: available today by day status.
    pub available: bool,
    /// T5: status icon.
    pub icon: CandidateIcon,
    /// T4: Received rooms owned, created within the last calendar month.
    pub received: u32,
    /// T4: InProgress rooms owned, created within the last calendar month.
    pub in_progress: u32,
}

/// OPEN-61: the instant one calendar month before `now` (the same day of the previous month,
/// clamped to that month's last day).
fn one_month_before(now: Time) -> Time {
    use chrono::Months;
    let dt = super::time::to_naive_datetime(now);
    let back = dt.checked_sub_months(Months::new(1)).unwrap_or(dt);
    super::time::from_naive_datetime(back)
}

impl Engine {
    /// T2–T5: the candidates `actor` may move room `room` to, in account order.
    ///
    /// Candidates are the Active, consulting accounts available today by day status, except the
    /// current owner (OPEN-58); a Manager sees only themselves and their agents (OPEN-59); the
    /// owner acting from the chat screen sees only the same group (OPEN-60). Login, break, meal
    /// and load are shown, not enforced (OPEN-43).
    pub fn transfer_candidates(&self, room: RoomId, actor: AccountId) -> Result<Vec<Candidate>, Rejection> {
        let r = self.room_or_reject(room, "T1")?;
        if !r.state.is_assigned() {
            return Err(reject("T1", "only Received or InProgress rooms change agent", Some(room)));
        }
        let Some(owner) = r.owner.account() else {
            return Err(reject("T1", "the room has no owner", Some(room)));
        };
        let act = self.account_or_reject(actor, "T1")?;
        let today = Date::of(self.now);
        let since = one_month_before(self.now);
        // T4: per-account counts of rooms created within the last month.
        let mut counts = vec![(0u32, 0u32); self.accounts.len()];
        for rm in self.rooms.values() {
            if rm.created_at < since {
                continue;
            }
            if let Owner::Account(a) = rm.owner {
                match rm.state {
                    RoomState::Received => counts[a.idx()].0 += 1,
                    RoomState::InProgress => counts[a.idx()].1 += 1,
                    _ => {}
                }
            }
        }
        let group = self.accounts[owner.idx()].responsible_manager;
        let mut out = Vec::new();
        for (i, acc) in self.accounts.iter().enumerate() {
            let a = AccountId(i as u32);
            if a == owner || !acc.consults_actively() {
                continue;
            }
            let available = acc.days.get(today).is_none_or(|d| d.available);
            if !available {
                continue;
            }
            // T1, OPEN-59: an Admin, or a Manager for their own accounts; OPEN-60: the owner from
            // the chat screen within the same group (an owner who manages may act as a manager).
            let as_manager = match act.role {
                Role::Admin => true,
                Role::Manager => self.manages(actor, a) && self.can_see(actor, Owner::Account(owner)),
                Role::Agent => false,
            };
            let same_group = actor == owner && (acc.responsible_manager == group || group == Some(a));
            let allowed = same_group || as_manager;
            if !allowed {
                continue;
            }
            let icon = if acc.day_blocked {
                CandidateIcon::Unavailable
            } else if acc.on_break {
                CandidateIcon::OnBreak
            } else if acc.at_meal || self.meal.value {
                CandidateIcon::AtMeal
            } else {
                CandidateIcon::InConsultation
            };
            let label = if self.settings.distribution.scope == Scope::LoggedInAble {
                format!("{} ({})", acc.name, if acc.logged_in { "logged in" } else { "logged out" })
            } else {
                acc.name.clone()
            };
            out.push(Candidate {
                account: a,
                label,
                logged_in: acc.logged_in,
                available,
                icon,
                received: counts[i].0,
                in_progress: counts[i].1,
            });
        }
        Ok(out)
    }
}
