//! B1–B14 and L1: the batch reassignment of Waiting rooms.

use super::prelude::*;

/// Batch assignments in `fx` as (room, account).
fn batch(fx: &[Effect]) -> Vec<(u64, AccountId)> {
    assigned(fx).into_iter().filter(|a| a.2 == AssignPath::Batch).map(|(room, a, _)| (room.0, a)).collect()
}

/// The L1 entries in `fx`: (room, trigger, batch id).
fn l1(fx: &[Effect]) -> Vec<(u64, Option<BatchTrigger>, Option<u64>)> {
    audits(fx)
        .into_iter()
        .filter(|a| a.kind == AuditKind::BatchReassign)
        .map(|a| (a.room.unwrap().0, a.trigger, a.batch))
        .collect()
}

#[test]
fn b3_w1_rooms_drain_at_work_start_in_fifo_order() {
    let mut h = Site::new(2).start("2026-11-22 20:00"); // Sunday evening
    for (n, at) in
        [(5, "2026-11-22 22:00"), (3, "2026-11-22 22:00"), (1, "2026-11-23 01:00"), (4, "2026-11-23 08:59:59")]
    {
        let o = h.at(at).send(create(n)).ok();
        assert_eq!((h.code(n), o.messages(n)), (Some(WaitCode::W1), vec![(M5, 0)]));
    }
    let fx = h.run_until("2026-11-23 09:00");
    // B6: FIFO by waiting_since, ties by room id; least load with loads updated as it goes.
    assert_eq!(batch(&fx), vec![(3, A1), (5, A2), (1, A1), (4, A2)]);
    let entries = l1(&fx);
    assert_eq!(entries.len(), 4);
    let id = entries[0].2;
    assert!(id.is_some());
    assert!(entries.iter().all(|e| e.1 == Some(BatchTrigger::WorkStart) && e.2 == id), "{entries:?}");
    // B7: no greeting, title or queue notice.
    for n in [1, 3, 4, 5] {
        assert!(messages(&fx, n).is_empty());
    }
}

#[test]
fn b4_delay_60_assigns_the_night_backlog_from_10_while_new_requests_go_at_once() {
    let mut h = Site::new(2).settings(|s| s.backlog.start_delay_min = StartDelay(60)).start("2026-11-22 20:00");
    h.at("2026-11-22 23:00").send(create(1)).ok();
    assert!(assigned(&h.run_until("2026-11-23 09:29:59")).is_empty(), "B4: no batch at 09:00");
    // OPEN-80: a new request during the delay window is distributed at once.
    h.at("2026-11-23 09:30").send(create(2)).ok();
    assert_eq!(h.owner(2), Owner::Account(A1));
    // OPEN-81: an "account became able" trigger inside the window runs no batch either.
    h.at("2026-11-23 09:40").send(brk(A2)).ok();
    let o = h.at("2026-11-23 09:41").send(brk_end(A2)).ok();
    assert_eq!(batch_requests(&o.effects), 0);
    assert!(assigned(&h.run_until("2026-11-23 09:59:59")).is_empty());
    assert_eq!(h.state(1), RoomState::Waiting);
    let fx = h.run_until("2026-11-23 10:00");
    assert_eq!(batch(&fx), vec![(1, A2)]);
    assert_eq!(l1(&fx)[0].1, Some(BatchTrigger::WorkStart), "OPEN-85: the gate opening is work_start");
}

#[test]
fn b4_open_81_triggers_inside_the_delay_window_wait_for_the_gate() {
    let mut h = Site::new(1)
        .settings(|s| s.backlog.start_delay_min = StartDelay(30))
        .account(A1, |a| a.on_break = true)
        .start("2026-11-23 08:00");
    h.at("2026-11-23 08:30").send(create(1)).ok(); // W1
    h.run_until("2026-11-23 09:00");
    h.at("2026-11-23 09:10").send(create(2)).ok(); // W2, inside the window
    assert_eq!(h.code(2), Some(WaitCode::W2));
    let o = h.at("2026-11-23 09:20").send(brk_end(A1)).ok();
    assert_eq!(batch_requests(&o.effects), 0);
    assert!(batch(&h.run_until("2026-11-23 09:29:59")).is_empty());
    let fx = h.run_until("2026-11-23 09:30");
    assert_eq!(batch(&fx), vec![(1, A1), (2, A1)]);
}

#[test]
fn b3_open_48_w4_rooms_drain_as_rooms_close_one_batch_per_instant() {
    let mut h = Site::new(2)
        .settings(|s| {
            s.capacity.enabled = true;
            s.capacity.max_per_agent = Capacity(1);
        })
        .start("2026-11-23 08:00");
    h.at("2026-11-23 10:00").send(create(1)).ok();
    h.at("2026-11-23 10:00").send(create(2)).ok();
    h.at("2026-11-23 10:01").send(create(3)).ok();
    h.at("2026-11-23 10:02").send(create(4)).ok();
    assert_eq!((h.code(3), h.code(4)), (Some(WaitCode::W4), Some(WaitCode::W4)));
    let o1 = h.at("2026-11-23 10:30").send(aclose(1, A1)).ok();
    let o2 = h.at("2026-11-23 10:30").send(aclose(2, A2)).ok();
    assert_eq!(batch_requests(&o1.effects) + batch_requests(&o2.effects), 1, "one batch per instant");
    assert!(o1.assigned().is_empty() && o2.assigned().is_empty(), "the batch runs after the instant's events");
    let fx = h.run_until("2026-11-23 10:30");
    assert_eq!(batch(&fx), vec![(3, A1), (4, A2)]);
    let entries = l1(&fx);
    assert!(entries.iter().all(|e| e.1 == Some(BatchTrigger::AgentAvailable) && e.2 == entries[0].2));
}

#[test]
fn b3_transfer_away_frees_capacity() {
    let mut h = Site::new(2)
        .settings(|s| {
            s.capacity.enabled = true;
            s.capacity.max_per_agent = Capacity(1);
        })
        .account(A2, |a| a.on_break = true)
        .start("2026-11-23 08:00");
    h.at("2026-11-23 10:00").send(create(1)).ok();
    h.at("2026-11-23 10:01").send(create(2)).ok();
    assert_eq!(h.code(2), Some(WaitCode::W4));
    h.at("2026-11-23 10:02").send(transfer(1, A2, ADMIN)).ok(); // T: capacity not checked
    let fx = h.run_until("2026-11-23 10:02");
    assert_eq!(batch(&fx), vec![(2, A1)]);
}

#[test]
fn b5_room_silent_8_days_is_skipped_and_exactly_168_hours_counts_as_within() {
    let mut h = Site::new(1)
        .settings(|s| s.distribution.scope = Scope::LoggedInAble)
        .agents(|a| a.logged_in = false)
        .start("2026-11-22 10:00"); // Sunday
    h.at("2026-11-22 11:00").send(create(1)).ok(); // W1 (Sunday off)
    h.at("2026-11-23 11:00").send(create(2)).ok(); // W6 (everyone logged out)
    assert_eq!((h.code(1), h.code(2)), (Some(WaitCode::W1), Some(WaitCode::W6)));
    h.at("2026-11-30 11:00").send(login(A1)).ok();
    let fx = h.run_until("2026-11-30 11:00");
    assert_eq!(batch(&fx), vec![(2, A1)], "room 2: exactly 168 h; room 1: 8 days");
    assert_eq!((h.state(1), h.owner(1)), (RoomState::Waiting, Owner::Robot));
    // A later customer message brings it back into the window, but does not trigger (B11).
    let o = h.at("2026-11-30 11:05").send(cmsg(1)).ok();
    assert!(o.assigned().is_empty() && batch_requests(&o.effects) == 0);
    assert!(batch(&h.run_until("2026-11-30 11:05")).is_empty());
    h.at("2026-11-30 11:10").send(logout(A1)).ok();
    h.at("2026-11-30 11:11").send(login(A1)).ok();
    assert_eq!(batch(&h.run_until("2026-11-30 11:11")), vec![(1, A1)]);
}

#[test]
fn b5_request_click_counts_as_customer_activity() {
    // OPEN-51: a room with no typed message qualifies for 7 days after its request click.
    let mut h = Site::new(1)
        .settings(|s| {
            s.chatbot.enabled = true;
            s.distribution.scope = Scope::LoggedInAble;
        })
        .agents(|a| a.logged_in = false)
        .start("2026-11-22 10:00");
    h.at("2026-11-22 11:00").send(create(1)).ok();
    h.at("2026-11-23 11:00").send(connect(1)).ok(); // a day later
    h.at("2026-11-30 11:00").send(login(A1)).ok();
    assert_eq!(batch(&h.run_until("2026-11-30 11:00")), vec![(1, A1)]);
}

#[test]
fn b7_batch_sends_no_greeting_title_queue_but_m8_when_auto_reply_is_on() {
    let mut h = Site::new(2).account(A1, |a| a.auto_reply = true).start("2026-11-22 20:00");
    h.at("2026-11-22 21:00").send(create(1)).ok();
    h.at("2026-11-22 21:01").send(create(2)).ok();
    let fx = h.run_until("2026-11-23 09:00");
    assert_eq!(batch(&fx), vec![(1, A1), (2, A2)]);
    assert_eq!(messages(&fx, 1), vec![(M8, 0)]);
    assert_eq!(messages(&fx, 2), vec![]);
}

#[test]
fn b6_open_49_profile_held_rooms_are_skipped_until_the_profile_is_entered() {
    let mut h = Site::new(1)
        .settings(|s| {
            s.profile_bot.enabled = true;
            s.profile_bot.on_missing = OnMissing::KeepWaiting;
        })
        .account(A1, |a| a.on_break = true)
        .start("2026-11-23 08:00");
    h.at("2026-11-23 10:00").send(create_profile(1, ProfileOutcome::NotEntered)).ok();
    h.at("2026-11-23 10:01").send(create(2)).ok();
    assert_eq!((h.code(1), h.code(2)), (Some(WaitCode::W8), Some(WaitCode::W2)));
    h.at("2026-11-23 10:10").send(brk_end(A1)).ok();
    assert_eq!(batch(&h.run_until("2026-11-23 10:10")), vec![(2, A1)], "I6: room 1 is held");
    h.at("2026-11-23 10:20").send(Event::CustomerInfoChange { customer: c(1), entered: true, actor: ADMIN }).ok();
    h.at("2026-11-23 10:30").send(brk(A1)).ok();
    h.at("2026-11-23 10:31").send(brk_end(A1)).ok();
    assert_eq!(batch(&h.run_until("2026-11-23 10:31")), vec![(1, A1)]);
}

#[test]
fn b6_no_head_of_line_blocking() {
    let mut h = Site::new(2)
        .settings(|s| {
            s.distribution.method = Method::ByCategory;
            s.distribution.by_category.insert("Billing/Refund".into(), vec!["a2".into()]);
        })
        .agents(|a| a.on_break = true)
        .start("2026-11-23 08:00");
    h.at("2026-11-23 10:00").send(create_cat(1, WEB1, REFUND)).ok();
    h.at("2026-11-23 10:01").send(create_cat(2, WEB1, INVOICE)).ok();
    assert_eq!((h.code(1), h.code(2)), (Some(WaitCode::W7), Some(WaitCode::W2)));
    h.at("2026-11-23 10:10").send(brk_end(A1)).ok();
    assert_eq!(batch(&h.run_until("2026-11-23 10:10")), vec![(2, A1)], "room 1 is skipped, room 2 behind it is not");
}

#[test]
fn b9_backlog_manual_runs_no_batch() {
    let mut h = Site::new(1).settings(|s| s.backlog.mode = BacklogMode::Manual).start("2026-11-22 20:00");
    h.at("2026-11-22 21:00").send(create(1)).ok();
    assert!(assigned(&h.run_until("2026-11-23 12:00")).is_empty());
    let o = h.at("2026-11-23 12:00").send(massign(1, A1, ADMIN)).ok();
    assert_eq!(o.kinds(1), vec![M1, M2, M3], "B9: manual assignment sends the automatic messages in use");
}

#[test]
fn l1_open_85_trigger_labels_and_batch_ids() {
    // setting_change: the backlog switch manual → auto (B14).
    let mut h = Site::new(1)
        .settings(|s| s.backlog.mode = BacklogMode::Manual)
        .account(A1, |a| a.on_break = true)
        .start("2026-11-23 08:00");
    h.at("2026-11-23 10:00").send(create(1)).ok();
    h.at("2026-11-23 10:10").send(brk_end(A1)).ok();
    assert!(batch(&h.run_until("2026-11-23 10:10")).is_empty());
    h.at("2026-11-23 10:20").settings(|s| s.backlog.mode = BacklogMode::Auto).ok();
    let fx = h.run_until("2026-11-23 10:20");
    let first = l1(&fx);
    assert_eq!(first.len(), 1);
    assert_eq!((first[0].0, first[0].1), (1, Some(BatchTrigger::SettingChange)));
    // agent_available: a break ending; a new batch id.
    h.at("2026-11-23 10:30").send(brk(A1)).ok();
    h.at("2026-11-23 10:31").send(create(2)).ok();
    h.at("2026-11-23 10:40").send(brk_end(A1)).ok();
    let second = l1(&h.run_until("2026-11-23 10:40"));
    assert_eq!((second[0].0, second[0].1), (2, Some(BatchTrigger::AgentAvailable)));
    assert_ne!(second[0].2, first[0].2);
    // Coalesced at one instant: work start + a settings change + a break end → work_start.
    h.at("2026-11-23 11:00").send(brk(A1)).ok();
    h.at("2026-11-23 19:00").send(create(3)).ok();
    h.at("2026-11-24 09:00").settings(|s| s.intake.during_meal = YesNo::Y).ok();
    h.at("2026-11-24 09:00").send(brk_end(A1)).ok();
    let third = l1(&h.run_until("2026-11-24 09:00"));
    assert_eq!((third[0].0, third[0].1), (3, Some(BatchTrigger::WorkStart)));
}

#[test]
fn b3_collective_meal_end_triggers_a_batch() {
    let mut h =
        Site::new(1).settings(|s| s.meal.collective_window = Some(win("12:00", "13:00"))).start("2026-11-23 08:00");
    h.at("2026-11-23 12:00").send(create(1)).ok();
    assert_eq!(h.code(1), Some(WaitCode::W3), "OPEN-84: 12:00:00 is inside");
    assert!(batch(&h.run_until("2026-11-23 12:59:59")).is_empty());
    let fx = h.run_until("2026-11-23 13:00");
    assert_eq!(batch(&fx), vec![(1, A1)], "13:00:00 is outside");
    assert_eq!(l1(&fx)[0].1, Some(BatchTrigger::AgentAvailable));
}

#[test]
fn b3_individual_meal_end_and_consults_switched_on_trigger_batches() {
    let mut h =
        Site::new(2).account(A1, |a| a.at_meal = true).account(A2, |a| a.consults = false).start("2026-11-23 08:00");
    h.at("2026-11-23 10:00").send(create(1)).ok();
    h.at("2026-11-23 10:00").send(create(2)).ok();
    assert_eq!(h.code(1), Some(WaitCode::W3I));
    h.at("2026-11-23 10:10").send(meal_end(A1)).ok();
    assert_eq!(batch(&h.run_until("2026-11-23 10:10")), vec![(1, A1), (2, A1)]);
    h.at("2026-11-23 10:20").send(meal(A1)).ok();
    h.at("2026-11-23 10:21").send(create(3)).ok();
    h.at("2026-11-23 10:30")
        .send(Event::AccountChange { account: A2, patch: AccountPatch { consults: Some(true), ..Default::default() } })
        .ok();
    assert_eq!(batch(&h.run_until("2026-11-23 10:30")), vec![(3, A2)]);
}

#[test]
fn b10_open_54_switching_to_manual_closes_rooms_past_their_deadline_at_once() {
    let mut h = Site::new(1)
        .settings(|s| s.backlog.unassigned_auto_close_days = Some(CloseDays(1)))
        .account(A1, |a| a.on_break = true)
        .start("2026-11-23 08:00");
    h.at("2026-11-23 10:00").send(create(1)).ok();
    h.run_until("2026-11-24 10:30");
    assert_eq!(h.state(1), RoomState::Waiting, "B10 applies under backlog manual only");
    h.at("2026-11-24 11:00").settings(|s| s.backlog.mode = BacklogMode::Manual).ok();
    let fx = h.run_until("2026-11-24 11:00");
    assert_eq!(closed(&fx), vec![(r(1), CloseType::Auto(AutoClose::Unassigned))]);
    assert_eq!(h.room(1).closed_at, Some(t("2026-11-24 11:00")));
}

#[test]
fn b2_open_50_no_unassigned_auto_close_under_the_manual_method() {
    let mut h = Site::new(1)
        .settings(|s| {
            s.distribution.method = Method::Manual;
            s.backlog.mode = BacklogMode::Manual;
            s.backlog.unassigned_auto_close_days = Some(CloseDays(1));
        })
        .start("2026-11-23 08:00");
    h.at("2026-11-23 10:00").send(create(1)).ok();
    h.run_until("2026-11-26 10:00");
    assert_eq!(h.state(1), RoomState::Waiting);
}
