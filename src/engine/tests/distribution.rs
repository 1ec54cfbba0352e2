//! A4–A14: the distribution methods, tie-breaks, round robin, capacity, designated lists, manual
//! and hybrid distribution, manual assignment and picks.

use super::prelude::*;

const MON_8: &str = "2026-11-23 08:00";

/// Sends `create(n)` at `at` and returns the owner it got.
fn owner_of_new(h: &mut Harness, n: u64, at: &str) -> Owner {
    h.at(at).send(create(n)).ok();
    h.owner(n)
}

fn acc(a: AccountId) -> Owner {
    Owner::Account(a)
}

#[test]
fn a4_least_load_chooses_the_account_with_fewest_rooms() {
    let mut h = Site::new(3).start(MON_8);
    // a1 holds two rooms, a2 one (manual assignments set no last_auto_assigned_at).
    h.at("2026-11-23 09:00").settings(|s| s.distribution.method = Method::Manual).ok();
    for n in [1, 2, 3] {
        h.at("2026-11-23 09:10").send(create(n)).ok();
    }
    h.at("2026-11-23 09:20").send(massign(1, A1, ADMIN)).ok();
    h.at("2026-11-23 09:20").send(massign(2, A1, ADMIN)).ok();
    h.at("2026-11-23 09:20").send(massign(3, A2, ADMIN)).ok();
    h.at("2026-11-23 09:30").settings(|s| s.distribution.method = Method::LeastLoad).ok();
    assert_eq!(owner_of_new(&mut h, 4, "2026-11-23 10:00"), acc(A3));
    assert_eq!(
        owner_of_new(&mut h, 5, "2026-11-23 10:01"),
        acc(A2),
        "a2 load 1 = a3 load 1; a2 never auto-assigned: earliest"
    );
}

#[test]
fn a10_tie_breaks_load_then_earliest_last_automatic_assignment_then_order() {
    let mut h = Site::new(3).start(MON_8);
    // (room, time, closes before it, expected owner, why)
    let steps: Vec<(u64, &str, Option<(u64, AccountId)>, AccountId, &str)> = vec![
        (1, "2026-11-23 10:00:00", None, A1, "all equal, never assigned: order"),
        (2, "2026-11-23 10:00:00", None, A2, "load"),
        (3, "2026-11-23 10:00:00", None, A3, "load"),
        (4, "2026-11-23 10:00:00", None, A1, "equal load, equal last (10:00): order"),
        (5, "2026-11-23 10:01:00", Some((1, A1)), A1, "a1 closed room 1: loads 1/1/1, last all 10:00: order"),
        (6, "2026-11-23 10:02:00", None, A2, "a1 load 2; a2, a3 last 10:00: order"),
        (7, "2026-11-23 10:03:00", None, A3, "load"),
    ];
    for (n, at, close, want, why) in steps {
        if let Some((room, owner)) = close {
            h.at(at).send(aclose(room, owner)).ok();
        }
        h.at(at).send(create(n)).ok();
        assert_eq!(h.owner(n), acc(want), "room {n}: {why}");
    }
}

#[test]
fn a10_earliest_last_automatic_assignment_wins_at_equal_load() {
    let mut h = Site::new(3).start(MON_8);
    assert_eq!(owner_of_new(&mut h, 1, "2026-11-23 10:00"), acc(A1));
    assert_eq!(owner_of_new(&mut h, 2, "2026-11-23 10:01"), acc(A2));
    assert_eq!(owner_of_new(&mut h, 3, "2026-11-23 10:02"), acc(A3));
    // Loads 1/1/1, last 10:00/10:01/10:02 → a1 first, then a2, then a3.
    assert_eq!(owner_of_new(&mut h, 4, "2026-11-23 10:03"), acc(A1));
    assert_eq!(owner_of_new(&mut h, 5, "2026-11-23 10:04"), acc(A2));
    // a2 frees a room: least load first, whatever the last assignment.
    h.at("2026-11-23 10:05").send(aclose(2, A2)).ok();
    assert_eq!(owner_of_new(&mut h, 6, "2026-11-23 10:06"), acc(A3), "a3 load 1 (10:02) vs a2 load 1 (10:04)");
    assert_eq!(owner_of_new(&mut h, 7, "2026-11-23 10:07"), acc(A2), "a2 load 1 (10:04) < a1, a3 load 2");
}

#[test]
fn a10_never_assigned_counts_as_earliest() {
    let mut h = Site::new(2).start(MON_8);
    assert_eq!(owner_of_new(&mut h, 1, "2026-11-23 10:00"), acc(A1));
    h.at("2026-11-23 10:05").send(aclose(1, A1)).ok();
    assert_eq!(owner_of_new(&mut h, 2, "2026-11-23 10:10"), acc(A2), "a2 never assigned beats a1 (10:00)");
}

fn sequential(agents: usize) -> Site {
    Site::new(agents).settings(|s| s.distribution.method = Method::Sequential)
}

#[test]
fn a5_first_assignment_goes_to_the_lowest_order_then_cycles_regardless_of_load() {
    let mut h = sequential(3).start(MON_8);
    let got: Vec<Owner> = (1..=7).map(|n| owner_of_new(&mut h, n, &format!("2026-11-23 10:0{n}"))).collect();
    assert_eq!(got, [A1, A2, A3, A1, A2, A3, A1].map(acc));
    // Regardless of load: a1 closes all its rooms and has the least load; a2 is still next.
    for (n, a) in [(1, A1), (4, A1), (7, A1)] {
        h.at("2026-11-23 10:20").send(aclose(n, a)).ok();
    }
    assert_eq!(owner_of_new(&mut h, 8, "2026-11-23 10:30"), acc(A2));
}

#[test]
fn a5_open_86_first_assignment_to_lowest_order_in_e() {
    let mut h = sequential(3).account(A1, |a| a.on_break = true).start(MON_8);
    assert_eq!(owner_of_new(&mut h, 1, "2026-11-23 10:00"), acc(A2));
    h.at("2026-11-23 10:01").send(brk_end(A1)).ok();
    assert_eq!(owner_of_new(&mut h, 2, "2026-11-23 10:02"), acc(A3));
    assert_eq!(owner_of_new(&mut h, 3, "2026-11-23 10:03"), acc(A1));
}

#[test]
fn a5_pointer_skips_ineligible_accounts_without_losing_place() {
    let mut h = sequential(3).start(MON_8);
    assert_eq!(owner_of_new(&mut h, 1, "2026-11-23 10:00"), acc(A1));
    h.at("2026-11-23 10:01").send(brk(A2)).ok();
    assert_eq!(owner_of_new(&mut h, 2, "2026-11-23 10:02"), acc(A3), "a2 on break is skipped");
    h.at("2026-11-23 10:03").send(brk_end(A2)).ok();
    assert_eq!(owner_of_new(&mut h, 3, "2026-11-23 10:04"), acc(A1), "after a3 comes a1");
    assert_eq!(owner_of_new(&mut h, 4, "2026-11-23 10:05"), acc(A2), "the search never passes an eligible account");
    assert_eq!(owner_of_new(&mut h, 5, "2026-11-23 10:06"), acc(A3));
}

#[test]
fn a5_open_38_pointer_moves_only_on_its_automatic_assignments() {
    let mut h =
        sequential(3).settings(|s| s.backlog.mode = BacklogMode::Manual).agents(|a| a.on_break = true).start(MON_8);
    // Rooms 1–3 wait (W2); manual assignment to a3 does not move the pointer.
    for n in [1, 2] {
        h.at("2026-11-23 10:00").send(create(n)).ok();
    }
    h.at("2026-11-23 10:01").send(massign(1, A3, ADMIN)).ok();
    for a in [A1, A2, A3] {
        h.at("2026-11-23 10:02").send(brk_end(a)).ok();
    }
    // Transfer away does not move it either.
    h.at("2026-11-23 10:03").send(transfer(1, A2, ADMIN)).ok();
    assert_eq!(owner_of_new(&mut h, 3, "2026-11-23 10:04"), acc(A1), "pointer still before the first account");
    assert_eq!(owner_of_new(&mut h, 4, "2026-11-23 10:05"), acc(A2));
}

#[test]
fn a5_pointer_survives_a_settings_change() {
    let mut h = sequential(3).start(MON_8);
    assert_eq!(owner_of_new(&mut h, 1, "2026-11-23 10:00"), acc(A1));
    assert_eq!(owner_of_new(&mut h, 2, "2026-11-23 10:01"), acc(A2));
    // An unrelated settings change (and one that rebuilds the pools: capacity on).
    h.at("2026-11-23 10:02").settings(|s| s.messages.busy_time.enabled = true).ok();
    h.at("2026-11-23 10:02").settings(|s| s.capacity.enabled = true).ok();
    assert_eq!(owner_of_new(&mut h, 3, "2026-11-23 10:03"), acc(A3), "A5: the pointer is site-wide and kept");
}

#[test]
fn a5_capacity_still_applies() {
    let mut h = sequential(2)
        .settings(|s| {
            s.capacity.enabled = true;
            s.capacity.max_per_agent = Capacity(1);
        })
        .start(MON_8);
    assert_eq!(owner_of_new(&mut h, 1, "2026-11-23 10:00"), acc(A1));
    assert_eq!(owner_of_new(&mut h, 2, "2026-11-23 10:01"), acc(A2));
    h.at("2026-11-23 10:02").send(create(3)).ok();
    assert_eq!(h.code(3), Some(WaitCode::W4));
    // a1 frees capacity: the batch gives room 3 to a1 (the only one with room), pointer → a1.
    h.at("2026-11-23 10:03").send(aclose(1, A1)).ok();
    h.run_until("2026-11-23 10:03");
    assert_eq!(h.owner(3), acc(A1));
    h.at("2026-11-23 10:04").send(aclose(2, A2)).ok();
    h.at("2026-11-23 10:04").send(aclose(3, A1)).ok();
    assert_eq!(owner_of_new(&mut h, 4, "2026-11-23 10:05"), acc(A2));
}

fn by_category(agents: usize, refund: &[&str]) -> Site {
    let list: Vec<String> = refund.iter().map(|s| s.to_string()).collect();
    Site::new(agents).settings(move |s| {
        s.distribution.method = Method::ByCategory;
        s.distribution.by_category.insert("Billing/Refund".into(), list);
    })
}

#[test]
fn a6_least_load_within_the_designated_list() {
    let mut h = by_category(3, &["a2", "a3"]).start(MON_8);
    h.at("2026-11-23 10:00").send(create_cat(1, WEB1, REFUND)).ok();
    assert_eq!(h.owner(1), acc(A2), "a1 is free but not designated");
    h.at("2026-11-23 10:01").send(create_cat(2, WEB1, REFUND)).ok();
    assert_eq!(h.owner(2), acc(A3));
    h.at("2026-11-23 10:02").send(create_cat(3, WEB1, REFUND)).ok();
    assert_eq!(h.owner(3), acc(A2), "equal loads: earliest last automatic assignment");
}

#[test]
fn a6_open_40_empty_list_pool_is_all_accounts_by_least_load() {
    let mut h = by_category(3, &["a2"]).start(MON_8);
    h.at("2026-11-23 10:00").send(create_cat(1, WEB1, REFUND)).ok();
    assert_eq!(h.owner(1), acc(A2));
    // Invoice has no list: every account, least load with the A10 tie-breaks (OPEN-87).
    for (n, want) in [(2, A1), (3, A3), (4, A2)] {
        h.at("2026-11-23 10:01").send(create_cat(n, WEB1, INVOICE)).ok();
        assert_eq!(h.owner(n), acc(want), "room {n}");
    }
}

#[test]
fn a6_designated_list_needs_login_whatever_the_scope() {
    let mut h = by_category(3, &["a2", "a3"]).start(MON_8);
    h.at("2026-11-23 09:30").send(logout(A2)).ok();
    h.at("2026-11-23 10:00").send(create_cat(1, WEB1, REFUND)).ok();
    assert_eq!(h.owner(1), acc(A3));
    // In the all-accounts pool login is not required under all_able (A15).
    h.at("2026-11-23 10:01").send(logout(A1)).ok();
    h.at("2026-11-23 10:02").send(create_cat(2, WEB1, INVOICE)).ok();
    assert_eq!(h.owner(2), acc(A1));
}

#[test]
fn a16_hotkey_category_selects_the_designated_list() {
    let mut h = by_category(2, &["a2"]).settings(|s| s.chatbot.enabled = true).start(MON_8);
    h.at("2026-11-23 10:00").send(create_cat(1, WEB1, INVOICE)).ok();
    h.at("2026-11-23 10:01").send(connect_cat(1, REFUND)).ok();
    assert_eq!(h.owner(1), acc(A2));
}

#[test]
fn a6_w7_room_leaves_waiting_only_to_a_designated_account() {
    let mut h = by_category(3, &["a2"]).start(MON_8);
    h.at("2026-11-23 09:30").send(brk(A2)).ok();
    h.at("2026-11-23 10:00").send(create_cat(1, WEB1, REFUND)).ok();
    assert_eq!(h.code(1), Some(WaitCode::W7));
    // Triggers that make undesignated accounts able do not give it away.
    h.at("2026-11-23 10:10").send(brk(A1)).ok();
    h.at("2026-11-23 10:11").send(brk_end(A1)).ok();
    h.run_until("2026-11-23 10:11");
    assert_eq!(h.state(1), RoomState::Waiting);
    h.at("2026-11-23 10:20").send(brk_end(A2)).ok();
    let fx = h.run_until("2026-11-23 10:20");
    assert_eq!(assigned(&fx), vec![(r(1), A2, AssignPath::Batch)]);
}

#[test]
fn a7_by_channel_designated_list_and_empty_list() {
    let mut h = Site::new(3)
        .settings(|s| {
            s.distribution.method = Method::ByChannel;
            s.distribution.by_channel.insert("kakao_talk".into(), vec!["a3".into()]);
        })
        .start(MON_8);
    h.at("2026-11-23 10:00").send(create_on(1, KAKAO)).ok();
    assert_eq!(h.owner(1), acc(A3));
    h.at("2026-11-23 10:01").send(create_on(2, KAKAO)).ok();
    assert_eq!(h.owner(2), acc(A3), "never given to an undesignated account");
    for (n, want) in [(3, A1), (4, A2), (5, A1)] {
        h.at("2026-11-23 10:02").send(create_on(n, WEB1)).ok();
        assert_eq!(h.owner(n), acc(want), "web chat: all accounts, least load (OPEN-40, OPEN-87)");
    }
}

#[test]
fn a8_manual_never_assigns_automatically() {
    let mut h = Site::new(2).settings(|s| s.distribution.method = Method::Manual).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    assert_eq!(h.code(1), Some(WaitCode::WM));
    // B2: no batch under manual, even when accounts become able or work starts.
    h.at("2026-11-23 10:05").send(brk(A1)).ok();
    h.at("2026-11-23 10:06").send(brk_end(A1)).ok();
    h.at("2026-11-23 19:00").send(create(2)).ok();
    assert_eq!(h.code(2), Some(WaitCode::W1), "A2.1: the hours gate comes before the manual step");
    h.run_until("2026-11-24 10:00");
    assert_eq!((h.state(1), h.state(2)), (RoomState::Waiting, RoomState::Waiting));
    assert!(assigned(&h.all_effects()).is_empty());
}

#[test]
fn a9_hybrid_distributes_automatically_and_lets_accounts_pick() {
    let mut h = Site::new(2)
        .settings(|s| {
            s.distribution.method = Method::Hybrid;
            s.distribution.hybrid_auto_method = AutoMethod::Sequential;
            s.capacity.enabled = true;
            s.capacity.max_per_agent = Capacity(1);
        })
        .start(MON_8);
    assert_eq!(owner_of_new(&mut h, 1, "2026-11-23 10:00"), acc(A1));
    assert_eq!(owner_of_new(&mut h, 2, "2026-11-23 10:01"), acc(A2));
    for n in [3, 4] {
        h.at("2026-11-23 10:02").send(create(n)).ok();
        assert_eq!(h.code(n), Some(WaitCode::W4));
    }
    // A14: a pick is not limited by capacity (OPEN-43).
    let o = h.at("2026-11-23 10:03").send(pick(A1, &[3])).ok();
    assert_eq!(o.assigned(), vec![(r(3), A1, AssignPath::Pick)]);
    assert_eq!(h.acc(A1).load, 2);
    // The backlog applies under hybrid: a2 frees capacity, the batch takes room 4.
    h.at("2026-11-23 10:04").send(aclose(2, A2)).ok();
    let fx = h.run_until("2026-11-23 10:04");
    assert_eq!(assigned(&fx), vec![(r(4), A2, AssignPath::Batch)]);
}

#[test]
fn a11_capacity_per_account_override_and_manual_actions_may_exceed_it() {
    let mut h = Site::new(2)
        .settings(|s| {
            s.capacity.enabled = true;
            s.capacity.max_per_agent = Capacity(2);
        })
        .account(A1, |a| a.max_override = Some(1))
        .start(MON_8);
    let got: Vec<Owner> = (1..=3).map(|n| owner_of_new(&mut h, n, "2026-11-23 10:00")).collect();
    assert_eq!(got, [A1, A2, A2].map(acc));
    h.at("2026-11-23 10:01").send(create(4)).ok();
    assert_eq!(h.code(4), Some(WaitCode::W4));
    // A13 may push an account over its limit (OPEN-43); so may a transfer.
    h.at("2026-11-23 10:02").send(massign(4, A1, ADMIN)).ok();
    h.at("2026-11-23 10:03").send(transfer(2, A1, ADMIN)).ok();
    assert_eq!((h.acc(A1).load, h.acc(A2).load), (3, 1));
    // A11 counts held rooms.
    h.at("2026-11-23 10:04").send(hold(3, A2)).ok();
    h.at("2026-11-23 10:05").send(create(5)).ok();
    assert_eq!(h.owner(5), acc(A2));
    h.at("2026-11-23 10:06").send(create(6)).ok();
    assert_eq!(h.code(6), Some(WaitCode::W4), "a2 holds 2 rooms, one on hold");
}

#[test]
fn a13_manual_assignment_targets() {
    let mut h = Site::new(3)
        .settings(|s| s.distribution.method = Method::Manual)
        .account(A3, |a| a.role = Role::Manager)
        .start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    h.at("2026-11-23 10:01").send(day_status(A2, d("2026-11-23"), false, vec![])).ok();
    h.at("2026-11-23 10:01")
        .send(Event::AccountChange {
            account: A1,
            patch: AccountPatch { auth: Some(Auth::Revoked), ..Default::default() },
        })
        .ok();
    // (target, actor, rule)
    let cases = [(A2, ADMIN, "A13"), (A1, ADMIN, "A13"), (A2, A1, "A13")];
    for (to, actor, rule) in cases {
        let before = h.snapshot();
        assert_eq!(h.at("2026-11-23 10:02").send(massign(1, to, actor)).rule(), rule, "to {to:?} by {actor:?}");
        assert_eq!(h.snapshot(), before);
    }
    // V4: a Manager assigns only within their accounts (a3 manages nobody but itself).
    h.at("2026-11-23 10:03")
        .send(Event::AccountChange {
            account: A1,
            patch: AccountPatch { auth: Some(Auth::Active), ..Default::default() },
        })
        .ok();
    assert_eq!(h.at("2026-11-23 10:04").send(massign(1, A1, A3)).rule(), "V4");
    h.at("2026-11-23 10:05").send(massign(1, A3, A3)).ok();
    assert_eq!(h.owner(1), acc(A3));
}

#[test]
fn a14_picks_need_manual_or_hybrid_and_a_logged_in_account() {
    let mut h = Site::new(2).agents(|a| a.on_break = true).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    assert_eq!(h.at("2026-11-23 10:01").send(pick(A1, &[1])).rule(), "A14", "least_load has no waiting list");
    h.at("2026-11-23 10:02").settings(|s| s.distribution.method = Method::Hybrid).ok();
    h.at("2026-11-23 10:03").send(logout(A2)).ok();
    assert_eq!(h.at("2026-11-23 10:04").send(pick(A2, &[1])).rule(), "A14", "logged out");
    // Several rooms at once; M3 counts the Received rooms assigned before each.
    h.at("2026-11-23 10:05").send(create(2)).ok();
    let o = h.at("2026-11-23 10:06").send(pick(A1, &[2, 1])).ok();
    assert_eq!(o.assigned(), vec![(r(2), A1, AssignPath::Pick), (r(1), A1, AssignPath::Pick)]);
    assert_eq!(o.messages(2), vec![(M1, 0), (M2, 0), (M3, 0)]);
    assert_eq!(o.messages(1), vec![(M1, 0), (M2, 0), (M3, 1)]);
}
