//! Backlog handling (B1–B14) and the calendar timers that drive it (SIM3).
//!
//! A batch runs at most once per instant, after everything else at that instant (SIM4 phase 5):
//! every trigger of B3 only *requests* it, and the engine asks the caller to arm one
//! `Timer::Batch` at `now`. The batch drains the Waiting FIFOs in (`waiting_since`, room id)
//! order across pools with a k-way merge, skips rooms no eligible account can take without
//! blocking the rooms behind them (B6), and stops as soon as no pool has an eligible account.

use std::cmp::Reverse;
use std::ops::Bound::{Excluded, Unbounded};

use super::Engine;
use super::account::AccountId;
use super::distribute::PoolId;
use super::effect::{BatchTrigger, Effect, Rejection};
use super::event::Timer;
use super::room::{AssignPath, RoomId};
use super::settings::{BacklogMode, Method};
use super::time::{DAY, Date, MINUTE, Time};
use super::waiting::Bucket;

impl Engine {
    /// B3/B4: whether a batch may run at `now`.
    fn batch_allowed(&self) -> bool {
        let s = &self.settings;
        s.backlog.mode == BacklogMode::Auto
            && s.distribution.method != Method::Manual
            && self.working.value
            && self.now >= self.gate_time()
    }

    /// B4: `period_start + delay` of the current working period.
    pub(crate) fn gate_time(&self) -> Time {
        self.working.from.saturating_add(self.settings.backlog.start_delay_min.0 as i64 * MINUTE)
    }

    /// B3: an eligibility-enlarging event happened; coalesce into one batch at this instant.
    /// Outside working time and inside the delay window the trigger is dropped: the batch at the
    /// period start or at the gate opening covers it (OPEN-81, OPEN-85).
    pub(crate) fn request_batch(&mut self, trigger: BatchTrigger) {
        if !self.started || self.waiting.count == 0 || !self.batch_allowed() {
            return;
        }
        self.pending_batch = Some(match self.pending_batch {
            Some(t) => t.min(trigger), // OPEN-85: work_start < setting_change < agent_available
            None => trigger,
        });
        if self.batch_armed_at != Some(self.now) {
            self.batch_armed_at = Some(self.now);
            self.out.push(Effect::ArmTimer { at: self.now, timer: Timer::Batch });
        }
    }

    /// B6: the batch procedure.
    fn run_batch(&mut self) {
        let Some(trigger) = self.pending_batch.take() else { return };
        if !self.batch_allowed() || self.meal_blocks() {
            return;
        }
        self.batch_seq += 1;
        let batch = self.batch_seq;
        let now = self.now;
        // The heads buffer is kept between batches: a batch runs at most once per instant, but
        // that is on most closes of a busy run.
        let mut heads = std::mem::take(&mut self.batch_heads);
        heads.clear();
        for (p, q) in self.waiting.queues.iter().enumerate() {
            let p = p as PoolId;
            if self.pools.has_eligible(p)
                && let Some(&k) = q.first()
            {
                heads.push(Reverse((k, p)));
            }
        }
        while let Some(Reverse((key, pool))) = heads.pop() {
            let (_, id) = key;
            let fresh = self.rooms.get(&id).is_some_and(|r| now - r.last_customer_activity_at <= 7 * DAY); // B5
            if !fresh {
                self.waiting.remove(Bucket::Queue(pool), key);
                self.waiting.insert(Bucket::Stale, key);
                if let Some(r) = self.rooms.get_mut(&id) {
                    r.queue = Bucket::Stale;
                }
            } else if let Some(a) = self.pools.choose(pool) {
                self.assign(id, a, AssignPath::Batch, Some((trigger, batch)));
            }
            if !self.pools.has_eligible(pool) {
                continue;
            }
            // The head usually left the queue (assigned or set aside): the next is the first.
            let queue = &self.waiting.queues[pool as usize];
            let next = match queue.first() {
                Some(&first) if first > key => Some(first),
                _ => queue.range((Excluded(key), Unbounded)).next().copied(),
            };
            if let Some(next) = next {
                heads.push(Reverse((next, pool)));
            }
        }
        self.batch_heads = heads;
    }

    /// A calendar or batch timer came back (SIM3).
    pub(super) fn on_timer(&mut self, t: Timer) -> Result<(), Rejection> {
        match t {
            Timer::Batch => {
                if self.batch_armed_at == Some(self.now) {
                    self.batch_armed_at = None;
                    self.run_batch();
                }
            }
            // The spans were refreshed when the clock reached this instant (`advance`); the edge
            // timers only keep the clock stopping at every boundary.
            Timer::WorkingEdge => {
                if self.timers.working_edge == Some(self.now) {
                    self.timers.working_edge = None;
                    self.arm_calendar();
                }
            }
            Timer::GateOpen => {
                if self.timers.gate == Some(self.now) {
                    self.timers.gate = None;
                    self.request_batch(BatchTrigger::WorkStart); // B4
                }
            }
            Timer::MealEdge => {
                if self.timers.meal_edge == Some(self.now) {
                    self.timers.meal_edge = None;
                    self.arm_calendar();
                }
            }
            Timer::DayRollover => {
                if self.timers.rollover != Some(self.now) {
                    return Ok(());
                }
                self.timers.rollover = None;
                for i in 0..self.accounts.len() {
                    self.refresh_day_blocked(AccountId(i as u32));
                }
                self.arm_calendar();
            }
            Timer::AccountDayEdge(a) => {
                if self.timers.account_edge.get(a.idx()).copied().flatten() == Some(self.now) {
                    self.timers.account_edge[a.idx()] = None;
                    self.refresh_day_blocked(a);
                }
            }
            Timer::Room(id, kind) => return self.on_room_timer(id, kind),
        }
        Ok(())
    }

    /// H8, B4: a working period started at `now`.
    pub(crate) fn on_period_start(&mut self, trigger: BatchTrigger) {
        let delay = self.settings.backlog.start_delay_min.0 as i64 * MINUTE;
        if delay == 0 {
            self.request_batch(trigger);
        } else {
            let gate = self.gate_time();
            if gate > self.now && gate < self.working.until && self.timers.gate != Some(gate) {
                self.timers.gate = Some(gate);
                self.out.push(Effect::ArmTimer { at: gate, timer: Timer::GateOpen });
            }
        }
    }

    /// Arms the next calendar boundaries that are not armed yet (lazy, SIM3).
    pub(crate) fn arm_calendar(&mut self) {
        let now = self.now;
        let edge = self.working.until;
        if edge > now && self.timers.working_edge != Some(edge) && self.timers.working_edge.is_none_or(|t| t <= now) {
            self.timers.working_edge = Some(edge);
            self.out.push(Effect::ArmTimer { at: edge, timer: Timer::WorkingEdge });
        }
        if self.calendar.meal().is_some() {
            let edge = self.meal.until;
            if edge > now && self.timers.meal_edge.is_none_or(|t| t <= now) {
                self.timers.meal_edge = Some(edge);
                self.out.push(Effect::ArmTimer { at: edge, timer: Timer::MealEdge });
            }
        }
        let midnight = Date::of(now).next().start();
        if self.timers.rollover.is_none_or(|t| t <= now) {
            self.timers.rollover = Some(midnight);
            self.out.push(Effect::ArmTimer { at: midnight, timer: Timer::DayRollover });
        }
        // With a delay, a period already running at the start (or after a change) still has a gate.
        let gate = self.gate_time();
        if self.working.value && gate > now && gate < self.working.until && self.timers.gate.is_none_or(|t| t <= now) {
            self.timers.gate = Some(gate);
            self.out.push(Effect::ArmTimer { at: gate, timer: Timer::GateOpen });
        }
    }

    /// Arms the next edge of one account's day-schedule break windows today (E4).
    pub(crate) fn arm_account_edge(&mut self, a: AccountId) {
        let now = self.now;
        let span = self.accounts[a.idx()].days.blocked_span(now);
        let midnight = Date::of(now).next().start();
        let slot = &mut self.timers.account_edge[a.idx()];
        if span.until > now && span.until < midnight && *slot != Some(span.until) {
            *slot = Some(span.until);
            self.out.push(Effect::ArmTimer { at: span.until, timer: Timer::AccountDayEdge(a) });
        }
    }

    /// The ids of every Waiting room in B6 order (reports and tests).
    pub fn waiting_rooms(&self) -> Vec<RoomId> {
        self.waiting.all_sorted().into_iter().map(|(_, id)| id).collect()
    }
}
