//! T1–T5: the change-agent candidate list (T6, the move itself, is in s3_transitions and messages).

use super::prelude::*;
use crate::engine::AccountSpec;
use crate::engine::calendar::DayStatus;
use crate::engine::transfer::CandidateIcon;

const MON_8: &str = "2026-11-23 08:00";

fn names(h: &Harness, c: &[crate::engine::transfer::Candidate]) -> Vec<String> {
    c.iter().map(|x| h.acc(x.account).id.clone()).collect()
}

#[test]
fn t2_candidates_are_available_today_active_consulting_and_not_the_owner() {
    let mut h = Site::new(4)
        .account(A3, |a| a.days.push((d("2026-11-23"), DayStatus { available: false, breaks: vec![] })))
        .account(A4, |a| a.consults = false)
        .start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    assert_eq!(h.owner(1), Owner::Account(A1));
    let c = h.e.transfer_candidates(r(1), ADMIN).unwrap();
    // a1 owns the room (OPEN-58), a3 is unavailable today, a4 does not consult.
    assert_eq!(names(&h, &c), vec!["a2"]);
}

#[test]
fn t2_open_43_login_break_and_load_are_shown_not_enforced() {
    let mut h = Site::new(3).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    h.at("2026-11-23 10:01").send(logout(A2)).ok();
    h.at("2026-11-23 10:02").send(brk(A3)).ok();
    let c = h.e.transfer_candidates(r(1), ADMIN).unwrap();
    assert_eq!(names(&h, &c), vec!["a2", "a3"]);
    assert!(!c[0].logged_in);
    assert_eq!(c[1].icon, CandidateIcon::OnBreak);
}

#[test]
fn t3_logged_in_scope_labels_candidates() {
    let mut h = Site::new(2).settings(|s| s.distribution.scope = Scope::LoggedInAble).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    h.at("2026-11-23 10:01").send(logout(A2)).ok();
    let c = h.e.transfer_candidates(r(1), ADMIN).unwrap();
    assert_eq!(c[0].label, "a2 (logged out)");
    let mut h = Site::new(2).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    let c = h.e.transfer_candidates(r(1), ADMIN).unwrap();
    assert_eq!(c[0].label, "a2", "no labels under the all-able scope");
}

#[test]
fn t4_open_61_counts_only_rooms_created_within_the_last_month() {
    let mut h = Site::new(2).start("2026-10-01 08:00");
    // a2 gets an old room on 2026-10-01 (least load sends the second room to a2).
    h.at("2026-10-01 10:00").send(create(1)).ok();
    h.at("2026-10-01 10:01").send(create(2)).ok();
    assert_eq!(h.owner(2), Owner::Account(A2));
    h.at("2026-11-23 10:00").send(create(3)).ok();
    h.at("2026-11-23 10:01").send(create(4)).ok();
    let owner4 = h.owner(4).account().unwrap();
    h.at("2026-11-23 10:02").send(amsg(4, owner4)).ok();
    let a2 = h.e.transfer_candidates(r(1), ADMIN).unwrap();
    let row = a2.iter().find(|c| c.account == A2).unwrap();
    // a2 owns room 2 (Received, created 2026-10-01: older than a month, not counted) and room 4
    // (InProgress, created today). Room 3 went to a1 (equal load, earlier last assignment, A10).
    assert_eq!(h.owner(3), Owner::Account(A1));
    assert_eq!(h.owner(4), Owner::Account(A2));
    assert_eq!((row.received, row.in_progress), (0, 1));
}

#[test]
fn t5_status_icons() {
    let mut h = Site::new(4)
        .account(A4, |a| {
            a.days.push((d("2026-11-23"), DayStatus { available: true, breaks: vec![win("10:00", "11:00")] }))
        })
        .start(MON_8);
    h.at("2026-11-23 09:00").send(create(1)).ok();
    h.at("2026-11-23 10:00").send(brk(A2)).ok();
    h.at("2026-11-23 10:01").send(meal(A3)).ok();
    h.run_until("2026-11-23 10:02");
    let c = h.e.transfer_candidates(r(1), ADMIN).unwrap();
    let icon = |a: AccountId| c.iter().find(|x| x.account == a).map(|x| x.icon);
    assert_eq!(icon(A2), Some(CandidateIcon::OnBreak));
    assert_eq!(icon(A3), Some(CandidateIcon::AtMeal));
    assert_eq!(icon(A4), Some(CandidateIcon::Unavailable), "inside a day-schedule break window");
}

#[test]
fn t2_open_60_an_agent_owner_sees_only_the_same_group() {
    let mut site = Site::new(0);
    let person = |id: &str, role: Role, manager: Option<&str>| {
        let mut a = AccountSpec::new(id, role);
        a.logged_in = true;
        a.responsible_manager = manager.map(str::to_string);
        a
    };
    site.accounts.push(person("m1", Role::Manager, None));
    site.accounts.push(person("m2", Role::Manager, None));
    site.accounts.push(person("x1", Role::Agent, Some("m1")));
    site.accounts.push(person("x2", Role::Agent, Some("m1")));
    site.accounts.push(person("y1", Role::Agent, Some("m2")));
    let mut h = site.start(MON_8);
    let x1 = h.e.account_id("x1").unwrap();
    h.at("2026-11-23 10:00").send(create(1)).ok();
    h.at("2026-11-23 10:01").send(massign_or_transfer_to(x1)).ok();
    assert_eq!(h.owner(1), Owner::Account(x1));
    // x1 (an agent of m1) sees x2 and m1, not m2 or y1.
    let c = h.e.transfer_candidates(r(1), x1).unwrap();
    assert_eq!(names(&h, &c), vec!["m1", "x2"]);
    // The Admin sees everyone but the owner.
    let c = h.e.transfer_candidates(r(1), ADMIN).unwrap();
    assert_eq!(names(&h, &c), vec!["m1", "m2", "x2", "y1"]);
    // m2 sees only itself and its agent y1.
    let m2 = h.e.account_id("m2").unwrap();
    assert_eq!(h.e.transfer_candidates(r(1), m2).unwrap_or_default().len(), 0, "m2 cannot see x1's room (V4)");
}

/// Moves room 1 to `to` by an Admin transfer from whoever got it.
fn massign_or_transfer_to(to: AccountId) -> Event {
    Event::Transfer { room: r(1), to, actor: ADMIN }
}
