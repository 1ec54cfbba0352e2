//! Candidate pools and the automatic choice of an account (A1, A3–A7, A10, A11; SIM8).
//!
//! A *pool* is a set of accounts among which one method chooses: the general pool (every account
//! passing A1.1) and, under `by_category` / `by_channel`, one pool per non-empty designated list.
//! Each pool keeps
//! - its eligible members in an ordered set keyed by (load, last automatic assignment, order, id)
//!   for least load (A4, A6, A7 with the A10 tie-breaks), or by account order for round robin (A5),
//!   so that choosing an account is O(log n) and never a scan;
//! - a histogram of its members by blocking-reason set, so that the failure classification of A3
//!   is O(1) in the number of accounts.
//!
//! The engine tells the pools whenever an account's reasons or load change (`update`); settings
//! that change the pools' shape (method, lists, scope, intake, capacity) rebuild them.

use std::collections::BTreeSet;
use std::ops::Bound;

use super::account::{AccountId, reason};
use super::least_load::LeastLoad;
use super::room::{WaitCode, WaitReasons};
use super::settings::Method;

/// Index of a pool. Pool 0 is the general pool.
pub type PoolId = u32;
/// The general pool.
pub const GENERAL: PoolId = 0;

/// What a pool is for; it decides which reasons block (A1.4, A1.5 for designated category lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolKind {
    /// Every account passing A1.1.
    General,
    /// A `by_category` designated list (W7).
    Category,
    /// A `by_channel` designated list (W7C).
    Channel,
}

/// How a pool orders its eligible accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ordering {
    /// A4/A10: (load, last automatic assignment, order, id).
    LeastLoad,
    /// A5: cyclic (order, id) with a site-wide pointer.
    Cyclic,
}

/// A10 key. `last` is `i64::MIN` for an account never assigned automatically (earliest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LoadKey {
    /// A11 load.
    pub load: u32,
    /// Last automatic assignment.
    pub last: i64,
    /// Account order (= id, registration order).
    pub id: u32,
}

/// One pool.
#[derive(Debug, Clone)]
pub struct Pool {
    /// Kind.
    pub kind: PoolKind,
    /// Reasons that block in this pool.
    pub mask: u8,
    /// Members (designated lists: the list; general: maintained through `hist`).
    pub size: u32,
    /// Members per masked reason set.
    hist: [u32; 128],
    /// Members per blocking reason (bit i of the masked set), so that A3 needs no scan.
    per_bit: [u32; 7],
    /// Eligible members, least-load order.
    by_load: LeastLoad,
    /// Eligible members, cyclic order.
    by_order: BTreeSet<u32>,
}

impl Pool {
    fn new(kind: PoolKind, mask: u8) -> Pool {
        Pool {
            kind,
            mask,
            size: 0,
            hist: [0; 128],
            per_bit: [0; 7],
            by_load: LeastLoad::default(),
            by_order: BTreeSet::new(),
        }
    }

    /// Adds or removes one member's reasons from the per-reason counts.
    #[inline]
    fn count_bits(&mut self, set: usize, add: bool) {
        let mut bits = set as u8;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            if add {
                self.per_bit[i] += 1;
            } else {
                self.per_bit[i] -= 1;
            }
            bits &= bits - 1;
        }
    }

    /// Number of eligible members (ignoring the global gates).
    pub fn eligible_count(&self) -> usize {
        self.hist[0] as usize
    }

    /// A3: classifies why nobody in this pool is eligible. `meal` is true when the collective meal
    /// window blocks everyone (A1.6). Returns the code and the per-reason detail; `capacity_class`
    /// is true when some member is blocked by capacity alone (A2.5).
    pub fn classify(&self, meal: bool) -> Classification {
        let bit = |b: u8| self.per_bit[b.trailing_zeros() as usize];
        let mut r = WaitReasons {
            pool: self.size,
            day: bit(reason::DAY),
            login: bit(reason::LOGIN),
            brk: bit(reason::BREAK),
            imeal: bit(reason::IMEAL),
            cap: bit(reason::CAP),
            ..WaitReasons::default()
        };
        if meal {
            r.meal = self.size;
        }
        // A3: capacity class first — some member blocked by capacity alone.
        let capacity_class = !meal && self.hist[reason::CAP as usize] > 0;
        let code = if self.size == 0 {
            WaitCode::W5 // OPEN-35: nobody consults at all
        } else if capacity_class {
            match self.kind {
                PoolKind::General => WaitCode::W4,
                PoolKind::Category => WaitCode::W7,
                PoolKind::Channel => WaitCode::W7C,
            }
        } else if self.kind == PoolKind::Category {
            WaitCode::W7
        } else if self.kind == PoolKind::Channel {
            WaitCode::W7C
        } else if r.day == self.size {
            WaitCode::W5
        } else if r.login == self.size {
            WaitCode::W6
        } else if r.brk == self.size {
            WaitCode::W2
        } else if meal {
            WaitCode::W3
        } else if r.imeal == self.size {
            WaitCode::W3I
        } else {
            WaitCode::WMix
        };
        Classification { code, reasons: r, capacity_class: capacity_class && self.size > 0 }
    }
}

/// Result of A3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classification {
    /// The wait code.
    pub code: WaitCode,
    /// Per-reason counts.
    pub reasons: WaitReasons,
    /// A2.5 capacity class.
    pub capacity_class: bool,
}

/// Per-account state the pools remember, to undo it on the next update.
#[derive(Debug, Clone, Copy, Default)]
struct Tracked {
    raw: u8,
    key: Option<LoadKey>,
}

/// All pools of the current method.
#[derive(Debug, Clone)]
pub struct Pools {
    /// The pools; index = [`PoolId`].
    pub pools: Vec<Pool>,
    /// Designated pools each account belongs to (general membership is implicit).
    memberships: Vec<Vec<PoolId>>,
    /// Pool of each middle category (GENERAL when its list is empty or the method is not by_category).
    pub category_pool: Vec<PoolId>,
    /// Pool of each channel (GENERAL unless by_channel with a list).
    pub channel_pool: Vec<PoolId>,
    /// The ordering in use.
    pub ordering: Ordering,
    /// The automatic method in use (None under manual).
    pub method: Option<Method>,
    /// A5 site-wide pointer: the account that last received a room by round robin.
    pub rr_pointer: Option<u32>,
    tracked: Vec<Tracked>,
}

/// Everything `Pools::build` needs.
pub struct PoolSpec<'a> {
    /// Automatic method in effect.
    pub method: Option<Method>,
    /// General-pool mask (A1.4/A1.5 by settings, plus DAY, IMEAL, CAP).
    pub general_mask: u8,
    /// Number of accounts.
    pub accounts: usize,
    /// Number of categories.
    pub categories: usize,
    /// Number of channels.
    pub channels: usize,
    /// Designated lists per category (resolved).
    pub by_category: &'a [Vec<AccountId>],
    /// Designated lists per channel (resolved).
    pub by_channel: &'a [Vec<AccountId>],
}

impl Pools {
    /// Builds empty pools for a method; the engine then calls `update` for every account.
    pub fn build(spec: &PoolSpec) -> Pools {
        let ordering = if spec.method == Some(Method::Sequential) { Ordering::Cyclic } else { Ordering::LeastLoad };
        let mut pools = vec![Pool::new(PoolKind::General, spec.general_mask)];
        let mut memberships = vec![Vec::new(); spec.accounts];
        let mut category_pool = vec![GENERAL; spec.categories];
        let mut channel_pool = vec![GENERAL; spec.channels];
        let designated_category_mask = reason::DAY
            | reason::LOGIN
            | reason::BREAK
            | reason::IMEAL
            | reason::CAP
            | reason::NOCONSULT
            | (spec.general_mask & reason::CAP);
        let mut add = |kind: PoolKind, mask: u8, list: &[AccountId]| -> PoolId {
            let id = pools.len() as PoolId;
            let mut pool = Pool::new(kind, mask);
            let mut members: Vec<AccountId> = list.to_vec();
            members.sort();
            members.dedup();
            pool.size = members.len() as u32;
            for a in members {
                if let Some(m) = memberships.get_mut(a.idx()) {
                    m.push(id);
                }
            }
            pools.push(pool);
            id
        };
        match spec.method {
            Some(Method::ByCategory) => {
                for (c, list) in spec.by_category.iter().enumerate() {
                    if !list.is_empty() && c < category_pool.len() {
                        category_pool[c] = add(PoolKind::Category, designated_category_mask, list);
                    }
                }
            }
            Some(Method::ByChannel) => {
                for (c, list) in spec.by_channel.iter().enumerate() {
                    if !list.is_empty() && c < channel_pool.len() {
                        channel_pool[c] = add(PoolKind::Channel, spec.general_mask | reason::NOCONSULT, list);
                    }
                }
            }
            _ => {}
        }
        // Designated members are counted in `hist` once `update` runs; reset size bookkeeping so
        // that `update` alone maintains it for the general pool.
        Pools {
            pools,
            memberships,
            category_pool,
            channel_pool,
            ordering,
            method: spec.method,
            rr_pointer: None,
            tracked: vec![Tracked { raw: reason::NOCONSULT, key: None }; spec.accounts],
        }
    }

    /// Registers one more account (AccountChange adding an account).
    pub fn push_account(&mut self) {
        self.memberships.push(Vec::new());
        self.tracked.push(Tracked { raw: reason::NOCONSULT, key: None });
    }

    /// Records an account's current raw reasons and A10 key in every pool it belongs to.
    /// Returns true when the account became eligible in some pool where it was not (B3).
    pub fn update(&mut self, a: AccountId, raw: u8, key: LoadKey) -> bool {
        let Some(old) = self.tracked.get(a.idx()).copied() else {
            return false;
        };
        let mut enlarged = false;
        // General pool: members are the accounts passing A1.1.
        enlarged |= Self::move_in(&mut self.pools[GENERAL as usize], self.ordering, true, old, raw, key, a);
        let ordering = self.ordering;
        if let Some(list) = self.memberships.get(a.idx()) {
            for &p in list {
                enlarged |= Self::move_in(&mut self.pools[p as usize], ordering, false, old, raw, key, a);
            }
        }
        self.tracked[a.idx()] = Tracked { raw, key: Some(key) };
        enlarged
    }

    #[allow(clippy::too_many_arguments)]
    fn move_in(
        pool: &mut Pool,
        ordering: Ordering,
        general: bool,
        old: Tracked,
        raw: u8,
        key: LoadKey,
        a: AccountId,
    ) -> bool {
        let member = |r: u8| !general || r & reason::NOCONSULT == 0;
        let was_member = old.key.is_some() && member(old.raw);
        let is_member = member(raw);
        let old_set = (old.raw & pool.mask) as usize;
        let new_set = (raw & pool.mask) as usize;
        let was_eligible = was_member && old_set == 0;
        let is_eligible = is_member && new_set == 0;
        if was_member {
            pool.count_bits(old_set, false);
            pool.hist[old_set] -= 1;
            if general {
                pool.size -= 1;
            }
        }
        if is_member {
            pool.count_bits(new_set, true);
            pool.hist[new_set] += 1;
            if general {
                pool.size += 1;
            }
        }
        let key_changed = old.key != Some(key);
        match ordering {
            Ordering::LeastLoad => {
                if is_eligible && (!was_eligible || key_changed) {
                    pool.by_load.set(key); // one sift, whether it was held or not
                } else if was_eligible && !is_eligible {
                    pool.by_load.remove(a.0);
                }
            }
            Ordering::Cyclic => {
                if was_eligible && !is_eligible {
                    pool.by_order.remove(&a.0);
                } else if is_eligible && !was_eligible {
                    pool.by_order.insert(a.0);
                }
            }
        }
        is_eligible && !was_eligible
    }

    /// A4–A7 with A10: the account the method chooses in `pool`, if any is eligible. Does not move
    /// the round-robin pointer; `commit_choice` does, once the assignment happens.
    #[inline]
    pub fn choose(&self, pool: PoolId) -> Option<AccountId> {
        let p = self.pools.get(pool as usize)?;
        match self.ordering {
            Ordering::LeastLoad => p.by_load.first().map(AccountId),
            Ordering::Cyclic => {
                // A5, OPEN-86: first eligible account after the pointer, cyclically.
                let next = match self.rr_pointer {
                    Some(ptr) => p.by_order.range((Bound::Excluded(ptr), Bound::Unbounded)).next(),
                    None => None,
                };
                next.or_else(|| p.by_order.first()).map(|&i| AccountId(i))
            }
        }
    }

    /// A5: moves the round-robin pointer to the receiving account (OPEN-38: only on this method's
    /// automatic assignments).
    pub fn commit_choice(&mut self, a: AccountId) {
        if self.ordering == Ordering::Cyclic {
            self.rr_pointer = Some(a.0);
        }
    }

    /// Whether any account of `pool` is eligible.
    #[inline]
    pub fn has_eligible(&self, pool: PoolId) -> bool {
        self.pools.get(pool as usize).is_some_and(|p| p.hist[0] > 0)
    }

    /// The pool.
    #[inline]
    pub fn pool(&self, pool: PoolId) -> &Pool {
        &self.pools[pool as usize]
    }

    /// Whether `a` is a member of designated pool `pool` (I12).
    pub fn is_member(&self, pool: PoolId, a: AccountId) -> bool {
        if pool == GENERAL {
            return true;
        }
        self.memberships.get(a.idx()).is_some_and(|m| m.contains(&pool))
    }
}
