//! Backlog, closing, transfer, message and audit rules (B, C, T, M, L) under their own ids.
//! Many of these behaviours are also exercised by the S3 row tests; here each rule has a test
//! named after it that asserts exactly what the rule says.

use super::prelude::*;
use super::s3_transitions::{assigned_room, waiting_room};

const MON_8: &str = "2026-11-23 08:00";

fn audit_kinds_of(fx: &[Effect]) -> Vec<AuditKind> {
    audits(fx).iter().map(|a| a.kind).collect()
}

#[test]
fn b1_the_backlog_switch_is_the_backlog_mode() {
    // ON (auto): a W2 room is assigned by a batch when the break ends; OFF (manual): it stays.
    for (mode, on) in [(BacklogMode::Auto, true), (BacklogMode::Manual, false)] {
        let mut h = waiting_room(false, Site::new(1).settings(|s| s.backlog.mode = mode));
        h.at("2026-11-23 10:30").send(brk_end(A1)).ok();
        let fx = h.run_until("2026-11-23 10:30");
        assert_eq!(!assigned(&fx).is_empty(), on, "{mode:?}");
        let expect = if on { RoomState::Received } else { RoomState::Waiting };
        assert_eq!(h.state(1), expect, "{mode:?}");
    }
}

#[test]
fn b8_every_batch_assignment_writes_a_reassignment_entry_from_robot() {
    let mut h = Site::new(2).agents(|a| a.on_break = true).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    h.at("2026-11-23 10:01").send(create(2)).ok();
    h.at("2026-11-23 10:30").send(brk_end(A1)).ok();
    h.at("2026-11-23 10:30").send(brk_end(A2)).ok();
    let fx = h.run_until("2026-11-23 10:30");
    let entries: Vec<_> = audits(&fx).into_iter().filter(|a| a.kind == AuditKind::BatchReassign).collect();
    assert_eq!(entries.len(), 2, "one entry per reassigned room");
    for e in &entries {
        assert_eq!(e.from, Some(Owner::Robot));
        assert!(matches!(e.to, Some(Owner::Account(_))));
        assert_eq!(e.trigger, Some(BatchTrigger::AgentAvailable));
    }
    assert_eq!(entries[0].batch, entries[1].batch, "one batch for the instant (coalesced)");
    assert_eq!((entries[0].room, entries[1].room), (Some(r(1)), Some(r(2))), "FIFO order");
}

#[test]
fn b11_a_customer_message_never_assigns_even_when_an_account_could_respond() {
    let mut h = waiting_room(false, Site::new(1).settings(|s| s.backlog.mode = BacklogMode::Manual));
    h.at("2026-11-23 10:10").send(brk_end(A1)).ok();
    let o = h.at("2026-11-23 10:20").send(cmsg(1)).ok();
    assert!(o.assigned().is_empty());
    assert_eq!(h.state(1), RoomState::Waiting);
    assert_eq!(h.room(1).last_customer_activity_at, t("2026-11-23 10:20"));
}

#[test]
fn b12_reclick_on_web_chat_v1_and_kakao_may_assign_under_manual_backlog() {
    for ch in [WEB1, KAKAO] {
        let mut h =
            bot(1).settings(|s| s.backlog.mode = BacklogMode::Manual).agents(|a| a.on_break = true).start(MON_8);
        h.at("2026-11-23 10:00").send(create_on(1, ch)).ok();
        h.at("2026-11-23 10:00").send(connect(1)).ok();
        assert_eq!(h.state(1), RoomState::Waiting);
        h.at("2026-11-23 10:10").send(brk_end(A1)).ok();
        let o = h.at("2026-11-23 10:20").send(reclick(1)).ok();
        assert_eq!(o.assigned(), vec![(r(1), A1, AssignPath::Reclick)], "{ch:?}");
    }
}

#[test]
fn b12_reclick_needs_a_chatbot_room() {
    let mut h = waiting_room(false, Site::new(1).settings(|s| s.backlog.mode = BacklogMode::Manual));
    assert_eq!(h.at("2026-11-23 10:20").send(reclick(1)).rule(), "B12");
}

#[test]
fn b13_reclick_on_web_chat_v2_is_rejected() {
    let mut h = bot(1).settings(|s| s.backlog.mode = BacklogMode::Manual).agents(|a| a.on_break = true).start(MON_8);
    h.at("2026-11-23 10:00").send(create_on(1, WEB2)).ok();
    h.at("2026-11-23 10:00").send(connect(1)).ok();
    let before = h.snapshot();
    assert_eq!(h.at("2026-11-23 10:20").send(reclick(1)).rule(), "B13");
    assert_eq!(h.snapshot(), before, "D6: nothing changed");
}

#[test]
fn b14_switching_backlog_manual_to_auto_runs_a_batch_at_once() {
    let mut h = waiting_room(false, Site::new(1).settings(|s| s.backlog.mode = BacklogMode::Manual));
    h.at("2026-11-23 10:10").send(brk_end(A1)).ok();
    assert_eq!(h.state(1), RoomState::Waiting);
    h.at("2026-11-23 11:00").settings(|s| s.backlog.mode = BacklogMode::Auto).ok();
    let fx = h.run_until("2026-11-23 11:00");
    let e: Vec<_> = audits(&fx).into_iter().filter(|a| a.kind == AuditKind::BatchReassign).collect();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].trigger, Some(BatchTrigger::SettingChange));
    assert_eq!(h.state(1), RoomState::Received);
}

#[test]
fn b14_a_method_change_affects_only_later_decisions() {
    let mut h = Site::new(2).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    assert_eq!(h.owner(1), Owner::Account(A1));
    h.at("2026-11-23 10:05").settings(|s| s.distribution.method = Method::Manual).ok();
    assert_eq!((h.state(1), h.owner(1)), (RoomState::Received, Owner::Account(A1)), "rooms keep their state");
    h.at("2026-11-23 10:06").send(create(2)).ok();
    assert_eq!(h.code(2), Some(WaitCode::WM), "later requests follow the new method");
}

#[test]
fn c1_every_close_records_exactly_one_type_and_a_rejection_none() {
    let mut h = Site::new(1).settings(|s| s.intake.after_hours = YesNo::N).start(MON_8);
    h.at("2026-11-23 08:30").send(create(1)).ok();
    assert_eq!((h.state(1), h.room(1).close_type), (RoomState::Rejected, None), "a rejection is not a close");
    h.at("2026-11-23 10:00").send(create(2)).ok();
    h.at("2026-11-23 10:05").send(aclose(2, A1)).ok();
    assert_eq!(h.room(2).close_type, Some(CloseType::Agent));
    assert!(h.room(2).closed_at.is_some());
}

#[test]
fn c2_rooms_never_assigned_land_by_the_chatbot_flag_with_robot_as_owner() {
    for (chatbot, landing) in [(true, RoomState::ChatbotEnded), (false, RoomState::ConsultationEnded)] {
        let mut h = waiting_room(chatbot, Site::new(1));
        h.at("2026-11-23 10:30").send(cclose(1)).ok();
        assert_eq!((h.state(1), h.owner(1)), (landing, Owner::Robot));
    }
    let mut h = assigned_room(Site::new(1), true);
    h.at("2026-11-23 10:30").send(cclose(1)).ok();
    assert_eq!((h.state(1), h.owner(1)), (RoomState::ConsultationEnded, Owner::Account(A1)), "ever assigned");
}

#[test]
fn c3_customer_close_from_every_open_state_sends_nothing() {
    let mut h = bot(1).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    let o = h.at("2026-11-23 10:01").send(cclose(1)).ok();
    assert_eq!((h.state(1), o.messages(1)), (RoomState::ChatbotEnded, vec![]));
    for in_progress in [false, true] {
        let mut h = assigned_room(Site::new(1), in_progress);
        let o = h.at("2026-11-23 10:30").send(cclose(1)).ok();
        assert_eq!((h.room(1).close_type, o.messages(1)), (Some(CloseType::Customer), vec![]));
    }
}

#[test]
fn c4_only_the_owner_closes_from_the_chat_screen_with_the_close_notice() {
    let mut h = assigned_room(Site::new(2), false);
    assert_eq!(h.at("2026-11-23 10:30").send(aclose(1, A2)).rule(), "C4");
    let o = h.at("2026-11-23 10:31").send(aclose(1, A1)).ok();
    assert_eq!(o.messages(1), vec![(M6, 0)]);
    assert_eq!(h.room(1).close_type, Some(CloseType::Agent));
}

#[test]
fn c5_manager_close_from_waiting_received_and_in_progress() {
    // From Waiting (method not manual): no message, Robot owner.
    let mut h = waiting_room(false, Site::new(1));
    let o = h.at("2026-11-23 10:30").send(mclose(1, ADMIN)).ok();
    assert_eq!((h.room(1).close_type, o.messages(1)), (Some(CloseType::Manager), vec![]));
    // From Received: the close notice (OPEN-26).
    let mut h = assigned_room(Site::new(1), false);
    let o = h.at("2026-11-23 10:30").send(mclose(1, ADMIN)).ok();
    assert_eq!(o.messages(1), vec![(M6, 0)]);
    // An agent cannot.
    let mut h = assigned_room(Site::new(2), false);
    assert_eq!(h.at("2026-11-23 10:30").send(mclose(1, A2)).rule(), "C5");
}

#[test]
fn c8_a_transfer_keeps_timer_anchors_and_the_new_owner_replies_as_owner() {
    let site = Site::new(2).settings(|s| s.auto_close.agent_delay = Some(grid(30)));
    let mut h = assigned_room(site, false);
    h.at("2026-11-23 10:10").send(transfer(1, A2, ADMIN)).ok();
    // The agent-delay deadline still runs from the assignment at 10:00.
    let fx = h.run_until("2026-11-23 10:30");
    assert_eq!(closed(&fx), vec![(r(1), CloseType::Auto(AutoClose::AgentDelay))]);
    let mut h = assigned_room(Site::new(2).settings(|s| s.auto_close.agent_delay = Some(grid(30))), false);
    h.at("2026-11-23 10:10").send(transfer(1, A2, ADMIN)).ok();
    h.at("2026-11-23 10:20").send(amsg(1, A2)).ok();
    assert_eq!(h.state(1), RoomState::InProgress, "the new owner's message counts");
    assert!(closed(&h.run_until("2026-11-23 11:00")).is_empty());
}

#[test]
fn c10_chatbot_idle_close_is_off_by_default() {
    let mut h = bot(1).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    h.run_until("2026-11-30 10:00");
    assert_eq!(h.state(1), RoomState::ChatbotInProgress, "chatbot rooms stay open without the option");
    let mut h = bot(1).settings(|s| s.chatbot.idle_close = Some(mins(30))).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    let fx = h.run_until("2026-11-23 10:30");
    assert_eq!(closed(&fx), vec![(r(1), CloseType::Auto(AutoClose::ChatbotIdle))]);
}

#[test]
fn m1_greeting_on_immediate_manual_and_pick_not_on_batch_or_transfer() {
    let mut h = Site::new(2).start(MON_8);
    let o = h.at("2026-11-23 10:00").send(create(1)).ok();
    assert!(o.kinds(1).contains(&M1), "immediate");
    let o = h.at("2026-11-23 10:01").send(transfer(1, A2, ADMIN)).ok();
    assert!(!o.kinds(1).contains(&M1), "transfer (OPEN-62)");
    let mut h = waiting_room(false, Site::new(1));
    h.at("2026-11-23 10:10").send(brk_end(A1)).ok();
    let fx = h.run_until("2026-11-23 10:10");
    assert!(!kinds(&fx, 1).contains(&M1), "batch (B7)");
    let mut h = waiting_room(false, Site::new(1).settings(|s| s.backlog.mode = BacklogMode::Manual));
    let o = h.at("2026-11-23 10:10").send(massign(1, A1, ADMIN)).ok();
    assert!(o.kinds(1).contains(&M1), "manual assignment");
}

#[test]
fn m2_the_title_travels_with_the_greeting() {
    let mut h = Site::new(1).start(MON_8);
    let o = h.at("2026-11-23 10:00").send(create(1)).ok();
    assert_eq!(o.kinds(1), vec![M1, M2, M3]);
}

#[test]
fn m4_unavailable_notice_on_waiting_entry_within_hours_and_on_over_capacity_rejection() {
    let mut h = waiting_room(false, Site::new(1));
    assert_eq!(h.room(1).wait_code, Some(WaitCode::W2));
    let mut h2 =
        Site::new(1).settings(|s| s.capacity.enabled = true).settings(|s| s.capacity.max_per_agent = Capacity(1));
    h2 = h2.settings(|s| s.intake.over_capacity = YesNo::N);
    let mut h2 = h2.start(MON_8);
    h2.at("2026-11-23 10:00").send(create(1)).ok();
    let o = h2.at("2026-11-23 10:01").send(create(2)).ok();
    assert_eq!((h2.state(2), o.messages(2)), (RoomState::Rejected, vec![(M4, 0)]));
    let o = h.at("2026-11-23 10:02").send(create(2)).ok();
    assert_eq!(o.messages(2), vec![(M4, 0)]);
}

#[test]
fn m5_after_hours_notice_whether_queued_or_rejected() {
    for (intake, state) in [(YesNo::Y, RoomState::Waiting), (YesNo::N, RoomState::Rejected)] {
        let mut h = Site::new(1).settings(|s| s.intake.after_hours = intake).start(MON_8);
        let o = h.at("2026-11-23 08:30").send(create(1)).ok();
        assert_eq!((h.state(1), o.messages(1)), (state, vec![(M5, 0)]), "{intake:?}");
    }
}

#[test]
fn m6_close_notice_not_on_block_customer_close_or_unassigned_close() {
    let mut h = waiting_room(true, Site::new(1));
    let o = h.at("2026-11-23 10:30").send(block(1, ADMIN)).ok();
    assert!(!o.kinds(1).contains(&M6), "block");
    let mut h = assigned_room(Site::new(1), true);
    let o = h.at("2026-11-23 10:30").send(cclose(1)).ok();
    assert!(!o.kinds(1).contains(&M6), "customer close");
    let site = Site::new(1).settings(|s| {
        s.messages.agent_close.enabled = false;
    });
    let mut h = assigned_room(site, true);
    let o = h.at("2026-11-23 10:30").send(aclose(1, A1)).ok();
    assert!(o.messages(1).is_empty(), "disabled (X21)");
}

#[test]
fn m7_auto_close_notice_only_when_enabled() {
    for enabled in [false, true] {
        let site = Site::new(1).settings(|s| {
            s.auto_close.agent_delay = Some(grid(10));
            s.messages.auto_close.enabled = enabled;
        });
        let mut h = assigned_room(site, false);
        let fx = h.run_until("2026-11-23 10:10");
        assert_eq!(closed(&fx), vec![(r(1), CloseType::Auto(AutoClose::AgentDelay))]);
        assert_eq!(kinds(&fx, 1).contains(&M7), enabled);
    }
}

#[test]
fn l2_other_entries_are_logged_in_time_and_sequence_order() {
    let mut h = Site::new(2).settings(|s| s.intake.after_hours = YesNo::N).start(MON_8);
    let mut all = vec![];
    all.extend(h.at("2026-11-23 08:30").send(create(9)).ok().effects);
    all.extend(h.at("2026-11-23 10:00").send(create(1)).ok().effects);
    all.extend(h.at("2026-11-23 10:01").send(transfer(1, A2, ADMIN)).ok().effects);
    all.extend(h.at("2026-11-23 10:02").send(amsg(1, A2)).ok().effects);
    all.extend(h.at("2026-11-23 10:03").send(hold(1, A2)).ok().effects);
    all.extend(h.at("2026-11-23 10:04").send(release(1, A2)).ok().effects);
    all.extend(h.at("2026-11-23 10:05").send(aclose(1, A2)).ok().effects);
    all.extend(
        h.at("2026-11-23 10:06")
            .send(Event::ManagerBlock { target: BlockTarget::Room(r(1)), actor: ADMIN })
            .ok()
            .effects,
    );
    assert_eq!(
        audit_kinds_of(&all),
        vec![
            AuditKind::RequestRejected,
            AuditKind::AutoAssign,
            AuditKind::Transfer,
            AuditKind::HoldSet,
            AuditKind::HoldRelease,
            AuditKind::Close,
            AuditKind::Block,
        ]
    );
    let entries = audits(&all);
    assert!(entries.windows(2).all(|w| (w[0].at, w[0].seq) < (w[1].at, w[1].seq)), "ordered by (time, seq)");
    let tr = entries.iter().find(|e| e.kind == AuditKind::Transfer).unwrap();
    assert_eq!((tr.from, tr.to, tr.actor), (Some(Owner::Account(A1)), Some(Owner::Account(A2)), Some(ADMIN)));
    let cl = entries.iter().find(|e| e.kind == AuditKind::Close).unwrap();
    assert_eq!((cl.close_type, cl.actor), (Some(CloseType::Agent), Some(A2)));
}
