//! S3: one test per transition row, S3.01–S3.35.

use super::prelude::*;

const MON_8: &str = "2026-11-23 08:00";

/// A room assigned to a1 at 10:00 (chatbot off), optionally moved to InProgress by a1's reply at
/// 10:01.
pub(super) fn assigned_room(site: Site, in_progress: bool) -> Harness {
    let mut h = site.start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    assert_eq!(h.owner(1), Owner::Account(A1));
    if in_progress {
        h.at("2026-11-23 10:01").send(amsg(1, A1)).ok();
        assert_eq!(h.state(1), RoomState::InProgress);
    }
    h
}

/// A room waiting with W2 (every agent on break) since 10:00, chatbot on or off.
pub(super) fn waiting_room(chatbot: bool, site: Site) -> Harness {
    let mut h = site.settings(|s| s.chatbot.enabled = chatbot).agents(|a| a.on_break = true).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    if chatbot {
        h.at("2026-11-23 10:00").send(connect(1)).ok();
    }
    assert_eq!((h.state(1), h.code(1)), (RoomState::Waiting, Some(WaitCode::W2)));
    h
}

#[test]
fn s3_01_room_created_with_chatbot_starts_in_chatbot_in_progress() {
    let mut h = bot(1).start(MON_8);
    let o = h.at("2026-11-23 10:00").send(create(1)).ok();
    let room = h.room(1);
    assert_eq!((room.state, room.owner, room.via_chatbot), (RoomState::ChatbotInProgress, Owner::Robot, true));
    assert_eq!(room.request_at, None);
    assert_eq!(state_changes(&o.effects), vec![(1, None, RoomState::ChatbotInProgress)]);
    assert!(o.messages(1).is_empty() && o.audits().is_empty());
}

#[test]
fn s3_02_room_created_without_chatbot_goes_through_a2_at_once() {
    let mut h = Site::new(1).start(MON_8);
    let o = h.at("2026-11-23 10:00").send(create(1)).ok();
    let room = h.room(1);
    assert_eq!((room.state, room.owner, room.via_chatbot), (RoomState::Received, Owner::Account(A1), false));
    assert_eq!(room.request_at, Some(t("2026-11-23 10:00")));
    assert_eq!(room.assigned_at, Some(t("2026-11-23 10:00")));
    assert_eq!(room.waiting_since, None);
    // S3.02 "per A2 (as S3.04)": the room's first reported state is the one A2 gives.
    assert_eq!(state_changes(&o.effects), vec![(1, None, RoomState::Received)]);
    assert_eq!(o.messages(1), vec![(M1, 0), (M2, 0), (M3, 0)]);
    assert_eq!(o.assigned(), vec![(r(1), A1, AssignPath::Immediate)]);
    assert_eq!(o.audit_kinds(), vec![AuditKind::AutoAssign]);
}

#[test]
fn s3_03_customer_message_in_chatbot_updates_timestamps_only() {
    let mut h = bot(1).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    let o = h.at("2026-11-23 10:05").send(cmsg(1)).ok();
    let room = h.room(1);
    assert_eq!((room.state, room.owner), (RoomState::ChatbotInProgress, Owner::Robot));
    assert_eq!(room.last_message_at, t("2026-11-23 10:05"));
    assert_eq!(room.last_customer_activity_at, t("2026-11-23 10:05"));
    assert_eq!(room.request_at, None);
    assert!(state_changes(&o.effects).is_empty());
}

#[test]
fn s3_04_connect_request_assigns_with_greeting_title_queue_auto_reply_busy_and_hotkey_category() {
    let mut h =
        bot(1).settings(|s| s.messages.busy_time.enabled = true).account(A1, |a| a.auto_reply = true).start(MON_8);
    h.at("2026-11-23 10:00").send(create_on(1, KAKAO)).ok();
    let o = h.at("2026-11-23 10:05").send(connect_cat(1, APP)).ok();
    let room = h.room(1);
    assert_eq!((room.state, room.owner), (RoomState::Received, Owner::Account(A1)));
    assert_eq!(room.request_at, Some(t("2026-11-23 10:05")));
    assert_eq!(room.assigned_at, Some(t("2026-11-23 10:05")));
    // A16: the hotkey category applies; Q12: on KakaoTalk the title follows it.
    assert_eq!((room.category_at_creation, room.category, room.title_category), (REFUND, APP, APP));
    assert_eq!(o.messages(1), vec![(M1, 0), (M2, 0), (M3, 0), (M8, 0), (M9, 0)]);
    assert_eq!(state_changes(&o.effects), vec![(1, Some(RoomState::ChatbotInProgress), RoomState::Received)]);
    assert_eq!(o.audit_kinds(), vec![AuditKind::AutoAssign]);
}

#[test]
fn s3_04_web_chat_title_keeps_creation_category() {
    let mut h = bot(1).start(MON_8);
    h.at("2026-11-23 10:00").send(create_on(1, WEB1)).ok();
    h.at("2026-11-23 10:05").send(connect_cat(1, APP)).ok();
    let room = h.room(1);
    assert_eq!((room.category, room.title_category), (APP, REFUND)); // OPEN-45, Q12
}

#[test]
fn s3_05_connect_request_waits_with_code_reasons_and_message() {
    let mut h = bot(2).agents(|a| a.on_break = true).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    let o = h.at("2026-11-23 10:05").send(connect(1)).ok();
    let room = h.room(1);
    assert_eq!((room.state, room.owner), (RoomState::Waiting, Owner::Robot));
    assert_eq!(room.request_at, Some(t("2026-11-23 10:05")));
    assert_eq!(room.waiting_since, Some(t("2026-11-23 10:05")));
    assert_eq!(room.wait_code, Some(WaitCode::W2));
    assert_eq!(room.wait_reasons, WaitReasons { pool: 2, brk: 2, ..Default::default() });
    assert_eq!(o.messages(1), vec![(M4, 0)]);
    assert!(o.effects.contains(&Effect::WaitEntered { room: r(1), code: WaitCode::W2 }));
}

#[test]
fn s3_06_connect_request_rejected_stays_in_chatbot_and_first_request_sets_request_at() {
    let mut h = bot(1).settings(|s| s.intake.after_hours = YesNo::N).start(MON_8);
    h.at("2026-11-23 19:00").send(create(1)).ok();
    let o = h.at("2026-11-23 19:05").send(connect(1)).ok();
    let room = h.room(1);
    assert_eq!((room.state, room.owner), (RoomState::ChatbotInProgress, Owner::Robot));
    assert_eq!(room.request_at, Some(t("2026-11-23 19:05")));
    assert_eq!(room.waiting_since, None);
    assert_eq!(room.rejections, 1);
    assert_eq!(o.messages(1), vec![(M5, 0)]);
    assert!(o.effects.contains(&Effect::RequestRejected { room: r(1), cause: RejectCause::AfterHours }));
    assert_eq!(o.audit_kinds(), vec![AuditKind::RequestRejected]);
    // OPEN-90: a later request does not move request_at; each rejection counts.
    h.at("2026-11-23 19:30").send(connect(1)).ok();
    assert_eq!(h.room(1).request_at, Some(t("2026-11-23 19:05")));
    assert_eq!(h.room(1).rejections, 2);
}

#[test]
fn s3_07_rejected_request_without_chatbot_ends_in_rejected() {
    // (case, site, time, cause, message)
    let full = |s: &mut Settings| {
        s.capacity.enabled = true;
        s.capacity.max_per_agent = Capacity(1);
        s.intake.over_capacity = YesNo::N;
    };
    let cases: Vec<(&str, Site, &str, RejectCause, MessageKind)> = vec![
        (
            "after hours, intake N",
            Site::new(1).settings(|s| s.intake.after_hours = YesNo::N),
            "2026-11-23 19:00",
            RejectCause::AfterHours,
            M5,
        ),
        ("over capacity, intake N", Site::new(1).settings(full), "2026-11-23 10:00", RejectCause::OverCapacity, M4),
    ];
    for (case, site, at, cause, msg) in cases {
        let mut h = site.start(MON_8);
        if cause == RejectCause::OverCapacity {
            h.at("2026-11-23 09:30").send(create(9)).ok(); // fills a1
        }
        let o = h.at(at).send(create(1)).ok();
        let room = h.room(1);
        assert_eq!((room.state, room.owner), (RoomState::Rejected, Owner::Robot), "{case}");
        assert_eq!(room.request_at, Some(room.created_at), "{case}");
        assert_eq!((room.close_type, room.closed_at, room.waiting_since), (None, None, None), "{case}");
        assert_eq!(state_changes(&o.effects), vec![(1, None, RoomState::Rejected)], "{case}: never in Waiting");
        assert_eq!(o.messages(1), vec![(msg, 0)], "{case}");
        assert!(o.effects.contains(&Effect::RequestRejected { room: r(1), cause }), "{case}");
        assert_eq!(h.e.totals().per_state[RoomState::Rejected.index()], 1, "{case}");
        assert_eq!(h.e.waiting_count(), 0, "{case}");
    }
}

#[test]
fn s3_08_customer_close_in_chatbot_lands_in_chatbot_ended() {
    let mut h = bot(1).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    let o = h.at("2026-11-23 10:05").send(cclose(1)).ok();
    let room = h.room(1);
    assert_eq!(
        (room.state, room.owner, room.close_type),
        (RoomState::ChatbotEnded, Owner::Robot, Some(CloseType::Customer))
    );
    assert_eq!(room.closed_at, Some(t("2026-11-23 10:05")));
    assert!(o.messages(1).is_empty());
}

#[test]
fn s3_09_manager_block_in_chatbot_closes_as_manager_and_blocks_without_message() {
    let mut h = bot(1).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    let o = h.at("2026-11-23 10:05").send(block(1, ADMIN)).ok();
    let room = h.room(1);
    assert_eq!(
        (room.state, room.owner, room.close_type),
        (RoomState::ChatbotEnded, Owner::Robot, Some(CloseType::Manager))
    );
    assert!(room.customer_blocked_at_close);
    assert!(o.messages(1).is_empty(), "C6: no message even with M6 on");
    assert!(h.e.customer(c(1)).unwrap().blocked);
    // OPEN-19, OPEN-91: the blocked customer opens no room.
    let again = Event::RoomCreated {
        room: r(2),
        customer: c(1),
        channel: WEB1,
        category: None,
        profile: ProfileOutcome::Entered,
    };
    let o = h.at("2026-11-23 10:10").send(again);
    assert_eq!(o.rule(), "S2", "rejected as in D6 (OPEN-19)");
    assert_eq!(o.visible(), vec![Effect::BlockedAttempt { customer: c(1) }], "and counted apart (OPEN-91)");
    assert!(h.e.room(r(2)).is_none());
}

#[test]
fn s3_10_chatbot_idle_timer_closes_to_chatbot_ended() {
    let mut h = bot(1).settings(|s| s.chatbot.idle_close = Some(mins(30))).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    h.at("2026-11-23 10:20").send(cmsg(1)).ok(); // activity moves the deadline to 10:50
    h.run_until("2026-11-23 10:49:59");
    assert_eq!(h.state(1), RoomState::ChatbotInProgress);
    let fx = h.run_until("2026-11-23 10:50");
    assert_eq!(closed(&fx), vec![(r(1), CloseType::Auto(AutoClose::ChatbotIdle))]);
    assert_eq!((h.state(1), h.owner(1)), (RoomState::ChatbotEnded, Owner::Robot));
    assert!(messages(&fx, 1).is_empty());
}

#[test]
fn s3_11_customer_message_while_waiting_never_assigns() {
    let mut h =
        Site::new(1).settings(|s| s.backlog.mode = BacklogMode::Manual).account(A1, |a| a.on_break = true).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    h.at("2026-11-23 10:10").send(brk_end(A1)).ok(); // a1 could take it now (no batch: backlog manual)
    let o = h.at("2026-11-23 10:20").send(cmsg(1)).ok();
    assert!(o.assigned().is_empty(), "B11");
    let room = h.room(1);
    assert_eq!((room.state, room.owner), (RoomState::Waiting, Owner::Robot));
    assert_eq!(room.last_customer_activity_at, t("2026-11-23 10:20"));
    assert_eq!(room.last_message_at, t("2026-11-23 10:20"));
    assert_eq!(room.waiting_since, Some(t("2026-11-23 10:00")));
}

#[test]
fn s3_12_batch_reassign_sends_no_greeting_but_auto_reply_and_audits_l1() {
    let mut h = Site::new(1)
        .account(A1, |a| {
            a.on_break = true;
            a.auto_reply = true;
        })
        .start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    h.at("2026-11-23 10:30").send(brk_end(A1)).ok();
    let fx = h.run_until("2026-11-23 10:30");
    assert_eq!(assigned(&fx), vec![(r(1), A1, AssignPath::Batch)]);
    assert_eq!((h.state(1), h.owner(1)), (RoomState::Received, Owner::Account(A1)));
    assert_eq!(messages(&fx, 1), vec![(M8, 0)]);
    let a = audits(&fx);
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].kind, AuditKind::BatchReassign);
    assert_eq!((a[0].from, a[0].to), (Some(Owner::Robot), Some(Owner::Account(A1))));
    assert_eq!(a[0].trigger, Some(BatchTrigger::AgentAvailable));
    assert!(a[0].batch.is_some());
}

#[test]
fn s3_13_manager_assign_sends_greeting_title_queue_and_no_auto_reply() {
    let mut h = waiting_room(false, Site::new(1).account(A1, |a| a.auto_reply = true));
    let o = h.at("2026-11-23 10:10").send(massign(1, A1, ADMIN)).ok();
    assert_eq!((h.state(1), h.owner(1)), (RoomState::Received, Owner::Account(A1)));
    assert_eq!(o.messages(1), vec![(M1, 0), (M2, 0), (M3, 0)]);
    assert_eq!(o.assigned(), vec![(r(1), A1, AssignPath::Manual)]);
    let a = o.audits();
    assert_eq!((a[0].kind, a[0].actor), (AuditKind::ManualAssign, Some(ADMIN)));
    assert_eq!(h.acc(A1).last_auto_assigned_at, None, "A12: manual assignments are not automatic");
}

#[test]
fn s3_14_agent_pick_under_manual_sends_greeting_title_queue() {
    let mut h = Site::new(1).settings(|s| s.distribution.method = Method::Manual).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    assert_eq!(h.code(1), Some(WaitCode::WM));
    let o = h.at("2026-11-23 10:05").send(pick(A1, &[1])).ok();
    assert_eq!((h.state(1), h.owner(1)), (RoomState::Received, Owner::Account(A1)));
    assert_eq!(o.messages(1), vec![(M1, 0), (M2, 0), (M3, 0)]);
    assert_eq!(o.audit_kinds(), vec![AuditKind::Pick]);
}

#[test]
fn s3_15_reclick_assigns_without_greeting_unless_x25() {
    for x25 in [false, true] {
        let site = Site::new(1)
            .settings(|s| {
                s.backlog.mode = BacklogMode::Manual;
                s.messages.greeting_on_reclick = x25;
            })
            .account(A1, |a| a.auto_reply = true);
        let mut h = waiting_room(true, site);
        h.at("2026-11-23 10:10").send(brk_end(A1)).ok();
        let o = h.at("2026-11-23 10:20").send(reclick(1)).ok();
        assert_eq!((h.state(1), h.owner(1)), (RoomState::Received, Owner::Account(A1)), "x25={x25}");
        assert_eq!(o.assigned(), vec![(r(1), A1, AssignPath::Reclick)]);
        let expected = if x25 { vec![(M1, 0), (M2, 0), (M3, 0), (M8, 0)] } else { vec![(M8, 0)] };
        assert_eq!(o.messages(1), expected, "x25={x25}");
        assert_eq!(o.audit_kinds(), vec![AuditKind::ReclickAssign]);
        assert_eq!(h.room(1).last_customer_activity_at, t("2026-11-23 10:20"));
    }
}

#[test]
fn s3_16_reclick_that_stays_waiting_keeps_since_and_code_and_sends_nothing() {
    // (case, backlog, intake after-hours, extra setup, reclick time, expected reasons)
    struct Case {
        name: &'static str,
        backlog: BacklogMode,
        after_hours: YesNo,
        unavailable_today: bool,
        at: &'static str,
        reasons: WaitReasons,
    }
    let w2 = WaitReasons { pool: 1, brk: 1, ..Default::default() };
    let cases = [
        // OPEN-24: with backlog auto the re-click only refreshes activity.
        Case {
            name: "backlog auto",
            backlog: BacklogMode::Auto,
            after_hours: YesNo::Y,
            unavailable_today: false,
            at: "2026-11-23 10:20",
            reasons: w2,
        },
        // A2 decides "wait": reasons refreshed.
        Case {
            name: "A2 waits, reasons refreshed",
            backlog: BacklogMode::Manual,
            after_hours: YesNo::Y,
            unavailable_today: true,
            at: "2026-11-23 10:20",
            reasons: WaitReasons { pool: 1, day: 1, brk: 1, ..Default::default() },
        },
        // OPEN-92: after hours the reasons are emptied, the code kept.
        Case {
            name: "after hours wait",
            backlog: BacklogMode::Manual,
            after_hours: YesNo::Y,
            unavailable_today: false,
            at: "2026-11-23 18:30",
            reasons: WaitReasons::default(),
        },
        // A2 decides "reject": the room stays, nothing is sent.
        Case {
            name: "after hours reject",
            backlog: BacklogMode::Manual,
            after_hours: YesNo::N,
            unavailable_today: false,
            at: "2026-11-23 18:30",
            reasons: w2,
        },
    ];
    for case in cases {
        let site = Site::new(1).settings(|s| {
            s.backlog.mode = case.backlog;
            s.intake.after_hours = case.after_hours;
        });
        let mut h = waiting_room(true, site);
        if case.unavailable_today {
            h.at("2026-11-23 10:10").send(day_status(A1, d("2026-11-23"), false, vec![])).ok();
        }
        let o = h.at(case.at).send(reclick(1)).ok();
        let room = h.room(1);
        assert_eq!((room.state, room.owner), (RoomState::Waiting, Owner::Robot), "{}", case.name);
        assert_eq!(room.waiting_since, Some(t("2026-11-23 10:00")), "{}", case.name);
        assert_eq!(room.wait_code, Some(WaitCode::W2), "{}", case.name);
        assert_eq!(room.wait_reasons, case.reasons, "{}", case.name);
        assert_eq!(room.last_customer_activity_at, t(case.at), "{}", case.name);
        assert!(o.messages(1).is_empty(), "{}: no M4/M5 on a re-click", case.name);
        assert!(o.assigned().is_empty() && state_changes(&o.effects).is_empty(), "{}", case.name);
    }
}

#[test]
fn s3_17_customer_close_while_waiting_lands_in_chatbot_ended_or_consultation_ended() {
    for (chatbot, landing) in [(true, RoomState::ChatbotEnded), (false, RoomState::ConsultationEnded)] {
        let mut h = waiting_room(chatbot, Site::new(1));
        let o = h.at("2026-11-23 10:30").send(cclose(1)).ok();
        let room = h.room(1);
        assert_eq!((room.state, room.owner, room.close_type), (landing, Owner::Robot, Some(CloseType::Customer)));
        assert!(o.messages(1).is_empty());
        assert_eq!(h.e.waiting_count(), 0);
    }
}

#[test]
fn s3_18_manager_block_while_waiting_closes_blocks_and_sends_nothing() {
    for (chatbot, landing) in [(true, RoomState::ChatbotEnded), (false, RoomState::ConsultationEnded)] {
        let mut h = waiting_room(chatbot, Site::new(1));
        let o = h.at("2026-11-23 10:30").send(block(1, ADMIN)).ok();
        let room = h.room(1);
        assert_eq!((room.state, room.owner, room.close_type), (landing, Owner::Robot, Some(CloseType::Manager)));
        assert!(room.customer_blocked_at_close);
        assert!(o.messages(1).is_empty(), "no message even if M6 is on");
        assert!(h.e.customer(c(1)).unwrap().blocked);
    }
}

#[test]
fn s3_19_unassigned_auto_close_after_n_days_without_message() {
    for (chatbot, landing) in [(true, RoomState::ChatbotEnded), (false, RoomState::ConsultationEnded)] {
        let site = Site::new(1).settings(|s| {
            s.backlog.mode = BacklogMode::Manual;
            s.backlog.unassigned_auto_close_days = Some(CloseDays(1));
        });
        let mut h = waiting_room(chatbot, site);
        h.run_until("2026-11-24 09:59:59");
        assert_eq!(h.state(1), RoomState::Waiting);
        let fx = h.run_until("2026-11-24 10:00");
        assert_eq!(closed(&fx), vec![(r(1), CloseType::Auto(AutoClose::Unassigned))]);
        assert_eq!((h.state(1), h.owner(1)), (landing, Owner::Robot));
        assert!(messages(&fx, 1).is_empty(), "B10: nothing is sent");
    }
}

#[test]
fn s3_20_manager_close_while_waiting_closes_without_message() {
    for (chatbot, landing) in [(true, RoomState::ChatbotEnded), (false, RoomState::ConsultationEnded)] {
        let mut h = waiting_room(chatbot, Site::new(1));
        let o = h.at("2026-11-23 10:30").send(mclose(1, ADMIN)).ok();
        let room = h.room(1);
        assert_eq!((room.state, room.owner, room.close_type), (landing, Owner::Robot, Some(CloseType::Manager)));
        assert!(!room.customer_blocked_at_close);
        assert!(o.messages(1).is_empty(), "OPEN-79");
    }
}

#[test]
fn s3_21_owner_reply_moves_received_to_in_progress() {
    let mut h = assigned_room(Site::new(2), false);
    assert_eq!(h.at("2026-11-23 10:01").send(amsg(1, A2)).rule(), "S3.21");
    let o = h.at("2026-11-23 10:02").send(amsg(1, A1)).ok();
    let room = h.room(1);
    assert_eq!((room.state, room.owner), (RoomState::InProgress, Owner::Account(A1)));
    assert_eq!(room.first_agent_reply_at, Some(t("2026-11-23 10:02")));
    assert_eq!(room.last_human_msg_by, Some(HumanSender::Owner));
    assert!(o.effects.contains(&Effect::FirstReply { room: r(1) }));
    assert_eq!(h.acc(A1).received, 0);
    assert_eq!(h.acc(A1).load, 1);
}

#[test]
fn s3_22_customer_message_in_received_or_in_progress_rearms_agent_delay() {
    for in_progress in [false, true] {
        let site = Site::new(1).settings(|s| s.auto_close.agent_delay = Some(grid(30)));
        let mut h = assigned_room(site, in_progress);
        let state = h.state(1);
        let o = h.at("2026-11-23 10:10").send(cmsg(1)).ok();
        let room = h.room(1);
        assert_eq!((room.state, room.owner), (state, Owner::Account(A1)));
        assert_eq!(
            (room.last_human_msg_by, room.last_human_msg_at),
            (Some(HumanSender::Customer), Some(t("2026-11-23 10:10")))
        );
        // C7: anchor max(last customer message, assigned_at) = 10:10.
        assert!(o.effects.contains(&Effect::ArmTimer {
            at: t("2026-11-23 10:40"),
            timer: Timer::Room(r(1), RoomTimer::AgentDelay)
        }));
        h.run_until("2026-11-23 10:39:59");
        assert_eq!(h.state(1), state);
        h.run_until("2026-11-23 10:40");
        assert_eq!(h.room(1).close_type, Some(CloseType::Auto(AutoClose::AgentDelay)));
    }
}

#[test]
fn s3_23_owner_message_in_progress_rearms_no_reply() {
    let site = Site::new(1).settings(|s| s.auto_close.customer_no_reply = Some(grid(10)));
    let mut h = assigned_room(site, true); // reply at 10:01 → deadline 10:11
    let o = h.at("2026-11-23 10:05").send(amsg(1, A1)).ok();
    assert_eq!(h.state(1), RoomState::InProgress);
    assert!(
        o.effects
            .contains(&Effect::ArmTimer { at: t("2026-11-23 10:15"), timer: Timer::Room(r(1), RoomTimer::NoReply) })
    );
    h.run_until("2026-11-23 10:14:59");
    assert_eq!(h.state(1), RoomState::InProgress, "the 10:11 deadline moved");
    h.run_until("2026-11-23 10:15");
    assert_eq!(h.room(1).close_type, Some(CloseType::Auto(AutoClose::NoReply)));
}

#[test]
fn s3_24_transfer_keeps_state_hold_and_timer_anchors() {
    for in_progress in [false, true] {
        let site = Site::new(2).settings(|s| s.auto_close.agent_delay = Some(grid(30)));
        let mut h = assigned_room(site, in_progress);
        if in_progress {
            h.at("2026-11-23 10:02").send(cmsg(1)).ok(); // awaiting the owner again: anchor 10:02
        }
        let state = h.state(1);
        let o = h.at("2026-11-23 10:10").send(transfer(1, A2, ADMIN)).ok();
        assert_eq!((h.state(1), h.owner(1)), (state, Owner::Account(A2)));
        assert_eq!((h.acc(A1).load, h.acc(A2).load), (0, 1));
        assert!(o.effects.contains(&Effect::Transferred { room: r(1), from: A1, to: A2 }));
        let a = o.audits();
        assert_eq!(
            (a[0].kind, a[0].from, a[0].to, a[0].actor),
            (AuditKind::Transfer, Some(Owner::Account(A1)), Some(Owner::Account(A2)), Some(ADMIN))
        );
        assert!(o.messages(1).is_empty(), "OPEN-62: no greeting on transfer");
        // OPEN-25: anchors kept — the agent-delay deadline does not move.
        let deadline = if in_progress { "2026-11-23 10:32" } else { "2026-11-23 10:30" };
        let fx = h.run_until(deadline);
        assert_eq!(closed(&fx), vec![(r(1), CloseType::Auto(AutoClose::AgentDelay))], "in_progress={in_progress}");
        assert_eq!(h.owner(1), Owner::Account(A2));
    }
}

#[test]
fn s3_24_transfer_keeps_hold() {
    let mut h = assigned_room(Site::new(2), true);
    h.at("2026-11-23 10:05").send(hold(1, A1)).ok();
    h.at("2026-11-23 10:10").send(transfer(1, A2, ADMIN)).ok();
    assert!(h.room(1).hold);
    // The new owner now releases it (C9: actor is the owner).
    h.at("2026-11-23 10:20").send(release(1, A2)).ok();
    assert!(!h.room(1).hold);
}

#[test]
fn s3_25_hold_cancels_auto_close_and_release_rearms_from_the_release() {
    let site = Site::new(1).settings(|s| s.auto_close.customer_no_reply = Some(grid(10)));
    let mut h = assigned_room(site, true); // owner's message 10:01 → deadline 10:11
    let o = h.at("2026-11-23 10:05").send(hold(1, A1)).ok();
    assert!(h.room(1).hold);
    assert_eq!(o.audit_kinds(), vec![AuditKind::HoldSet]);
    h.run_until("2026-11-23 10:40");
    assert_eq!(h.state(1), RoomState::InProgress, "C9: a held room is exempt from C7");
    let o = h.at("2026-11-23 10:40").send(release(1, A1)).ok();
    assert_eq!(o.audit_kinds(), vec![AuditKind::HoldRelease]);
    // OPEN-57: anchor no earlier than the release.
    h.run_until("2026-11-23 10:49:59");
    assert_eq!(h.state(1), RoomState::InProgress);
    h.run_until("2026-11-23 10:50");
    let room = h.room(1);
    assert_eq!(
        (room.state, room.close_type, room.closed_while_held),
        (RoomState::ConsultationEnded, Some(CloseType::Auto(AutoClose::NoReply)), false)
    );
}

#[test]
fn s3_25_only_the_owner_holds() {
    let mut h = assigned_room(Site::new(2), true);
    assert_eq!(h.at("2026-11-23 10:05").send(hold(1, A2)).rule(), "C9");
}

#[test]
fn s3_26_agent_close_sends_close_notice() {
    for in_progress in [false, true] {
        let mut h = assigned_room(Site::new(1), in_progress);
        let o = h.at("2026-11-23 10:30").send(aclose(1, A1)).ok();
        let room = h.room(1);
        assert_eq!(
            (room.state, room.owner, room.close_type),
            (RoomState::ConsultationEnded, Owner::Account(A1), Some(CloseType::Agent))
        );
        assert_eq!(o.messages(1), vec![(M6, 0)]);
        assert_eq!(h.acc(A1).load, 0);
    }
}

#[test]
fn s3_27_customer_close_of_assigned_room_keeps_owner() {
    for in_progress in [false, true] {
        let mut h = assigned_room(Site::new(1), in_progress);
        let o = h.at("2026-11-23 10:30").send(cclose(1)).ok();
        let room = h.room(1);
        assert_eq!(
            (room.state, room.owner, room.close_type),
            (RoomState::ConsultationEnded, Owner::Account(A1), Some(CloseType::Customer))
        );
        assert!(o.messages(1).is_empty(), "OPEN-55");
    }
}

#[test]
fn s3_28_manager_close_of_assigned_room_sends_close_notice() {
    for in_progress in [false, true] {
        let mut h = assigned_room(Site::new(3).account(A3, |a| a.role = Role::Manager), in_progress);
        // V4: a Manager who does not manage a1 cannot see the room.
        assert_eq!(h.at("2026-11-23 10:30").send(mclose(1, A3)).rule(), "V4");
        let o = h.at("2026-11-23 10:30").send(mclose(1, ADMIN)).ok();
        let room = h.room(1);
        assert_eq!(
            (room.state, room.owner, room.close_type),
            (RoomState::ConsultationEnded, Owner::Account(A1), Some(CloseType::Manager))
        );
        assert_eq!(o.messages(1), vec![(M6, 0)], "OPEN-26");
    }
}

#[test]
fn s3_29_auto_close_timers_close_with_their_sub_type_and_m7() {
    // (case, settings, in progress, deadline, sub-type)
    let cases: Vec<(&str, fn(&mut Settings), bool, &str, AutoClose)> = vec![
        (
            "customer no-reply",
            |s| s.auto_close.customer_no_reply = Some(grid(10)),
            true,
            "2026-11-23 10:11",
            AutoClose::NoReply,
        ),
        (
            "agent delay, Received",
            |s| s.auto_close.agent_delay = Some(grid(20)),
            false,
            "2026-11-23 10:20",
            AutoClose::AgentDelay,
        ),
    ];
    for (case, set, in_progress, deadline, sub) in cases {
        let site = Site::new(1).settings(set).settings(|s| s.messages.auto_close.enabled = true);
        let mut h = assigned_room(site, in_progress);
        let fx = h.run_until(deadline);
        assert_eq!(closed(&fx), vec![(r(1), CloseType::Auto(sub))], "{case}");
        assert_eq!(messages(&fx, 1), vec![(M7, 0)], "{case}");
        assert_eq!((h.state(1), h.owner(1)), (RoomState::ConsultationEnded, Owner::Account(A1)), "{case}");
    }
}

#[test]
fn s3_30_block_from_received_or_in_progress_is_rejected() {
    for in_progress in [false, true] {
        let mut h = assigned_room(Site::new(1), in_progress);
        let before = h.snapshot();
        assert_eq!(h.at("2026-11-23 10:30").send(block(1, ADMIN)).rule(), "S3.30");
        assert_eq!(h.snapshot(), before);
    }
}

#[test]
fn s3_31_block_on_ended_room_blocks_only() {
    let mut h = bot(1).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    h.at("2026-11-23 10:00").send(cclose(1)).ok();
    h.at("2026-11-23 10:01").send(create(2)).ok();
    h.at("2026-11-23 10:01").send(connect(2)).ok();
    h.at("2026-11-23 10:02").send(aclose(2, A1)).ok();
    for (n, state) in [(1, RoomState::ChatbotEnded), (2, RoomState::ConsultationEnded)] {
        let before = h.room(n).clone();
        let o = h.at("2026-11-23 10:30").send(block(n, ADMIN)).ok();
        assert!(state_changes(&o.effects).is_empty() && o.messages(n).is_empty());
        let room = h.room(n);
        assert_eq!((room.state, room.owner, room.close_type), (state, before.owner, before.close_type));
        assert!(h.e.customer(c(n)).unwrap().blocked);
    }
}

#[test]
fn s3_32_category_change_updates_category_not_title() {
    let mut h = Site::new(1).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok(); // Received, a1
    let change = |rooms: &[u64], actor| Event::CategoryChange {
        rooms: rooms.iter().map(|&n| r(n)).collect(),
        category: APP,
        actor,
    };
    // Received: only the owner, in the chat screen.
    assert_eq!(h.at("2026-11-23 10:01").send(change(&[1], ADMIN)).rule(), "S3.32");
    h.at("2026-11-23 10:01").send(change(&[1], A1)).ok();
    assert_eq!((h.room(1).category, h.room(1).title_category), (APP, REFUND));
    // InProgress and ConsultationEnded: Admin/Manager.
    h.at("2026-11-23 10:02").send(amsg(1, A1)).ok();
    h.at("2026-11-23 10:03").send(change(&[1], ADMIN)).ok();
    h.at("2026-11-23 10:04").send(aclose(1, A1)).ok();
    h.at("2026-11-23 10:05").send(Event::CategoryChange { rooms: vec![r(1)], category: INVOICE, actor: ADMIN }).ok();
    assert_eq!((h.room(1).category, h.room(1).title_category), (INVOICE, REFUND));
}

#[test]
fn s3_33_customer_info_change_clears_profile_hold() {
    let site = Site::new(1).settings(|s| {
        s.profile_bot.enabled = true;
        s.profile_bot.on_missing = OnMissing::KeepWaiting;
    });
    let mut h = site.start(MON_8);
    h.at("2026-11-23 10:00").send(create_profile(1, ProfileOutcome::NotEntered)).ok();
    assert!(h.room(1).profile_hold);
    let info = |actor| Event::CustomerInfoChange { customer: c(1), entered: true, actor };
    assert_eq!(h.at("2026-11-23 10:05").send(info(A1)).rule(), "S3.33");
    h.at("2026-11-23 10:05").send(info(ADMIN)).ok();
    assert!(!h.room(1).profile_hold, "OPEN-49");
    assert_eq!(h.state(1), RoomState::Waiting, "no batch trigger by itself");
}

#[test]
fn s3_34_room_events_on_terminal_rooms_are_rejected() {
    // Rooms: 1 ChatbotEnded, 2 ConsultationEnded (assigned, closed), 3 Rejected (no chatbot).
    let mut h = Site::new(2)
        .settings(|s| {
            s.chatbot.enabled = true;
            s.backlog.mode = BacklogMode::Manual;
            s.distribution.method = Method::Hybrid; // picking exists (A14)
        })
        .start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    h.at("2026-11-23 10:00").send(cclose(1)).ok();
    h.at("2026-11-23 10:01").send(create(2)).ok();
    h.at("2026-11-23 10:01").send(connect(2)).ok();
    h.at("2026-11-23 10:02").send(aclose(2, A1)).ok();
    h.at("2026-11-23 10:03")
        .settings(|s| {
            s.chatbot.enabled = false;
            s.intake.after_hours = YesNo::N;
        })
        .ok();
    h.at("2026-11-23 19:00").send(create(3)).ok();
    assert_eq!(
        [h.state(1), h.state(2), h.state(3)],
        [RoomState::ChatbotEnded, RoomState::ConsultationEnded, RoomState::Rejected]
    );
    let events: Vec<fn(u64) -> Event> = vec![
        cmsg,
        connect,
        reclick,
        cclose,
        |n| amsg(n, A1),
        |n| aclose(n, A1),
        |n| mclose(n, ADMIN),
        |n| hold(n, A1),
        |n| release(n, A1),
        |n| transfer(n, A2, ADMIN),
        |n| massign(n, A2, ADMIN),
        |n| pick(A1, &[n]),
    ];
    for n in [1, 2, 3] {
        for ev in &events {
            let event = ev(n);
            let before = h.snapshot();
            let o = h.at("2026-11-23 19:10").send(event.clone());
            assert_eq!(o.rule(), "S3.34", "room {n} ({:?}), {event:?}", h.state(n));
            assert_eq!(h.snapshot(), before);
        }
    }
}

#[test]
fn s3_35_manager_close_of_waiting_room_under_manual_is_rejected() {
    let mut h = Site::new(1).settings(|s| s.distribution.method = Method::Manual).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    let before = h.snapshot();
    assert_eq!(h.at("2026-11-23 10:30").send(mclose(1, ADMIN)).rule(), "S3.35");
    assert_eq!(h.snapshot(), before);
    // Blocking is the way out (S3.18).
    h.at("2026-11-23 10:31").send(block(1, ADMIN)).ok();
    assert_eq!(h.state(1), RoomState::ConsultationEnded);
}

#[test]
fn c9_a_room_closed_while_held_is_marked_held() {
    let mut h = assigned_room(Site::new(1), true);
    h.at("2026-11-23 10:05").send(hold(1, A1)).ok();
    h.at("2026-11-23 10:06").send(aclose(1, A1)).ok();
    assert!(h.room(1).closed_while_held);
}

#[test]
fn c7_open_54_a_settings_change_recomputes_deadlines_from_existing_anchors() {
    // Shortened: the 10:01 anchor + 10 min is past at 10:30, so the room closes at the change.
    let mut h = assigned_room(Site::new(1), true);
    h.at("2026-11-23 10:30").settings(|s| s.auto_close.customer_no_reply = Some(grid(10))).ok();
    let fx = h.run_until("2026-11-23 10:30");
    assert_eq!(closed(&fx), vec![(r(1), CloseType::Auto(AutoClose::NoReply))]);
    assert_eq!(h.room(1).closed_at, Some(t("2026-11-23 10:30")));
    // Lengthened: the old 10:11 timer is discarded, the room closes at 11:01.
    let mut h = assigned_room(Site::new(1).settings(|s| s.auto_close.customer_no_reply = Some(grid(10))), true);
    h.at("2026-11-23 10:05").settings(|s| s.auto_close.customer_no_reply = Some(grid(60))).ok();
    h.run_until("2026-11-23 11:00:59");
    assert_eq!(h.state(1), RoomState::InProgress);
    h.run_until("2026-11-23 11:01");
    assert_eq!(h.state(1), RoomState::ConsultationEnded);
}

#[test]
fn w8_exit_by_reclick_with_the_profile_now_entered() {
    let site = Site::new(1).settings(|s| {
        s.chatbot.enabled = true;
        s.backlog.mode = BacklogMode::Manual;
        s.profile_bot.enabled = true;
        s.profile_bot.on_missing = OnMissing::KeepWaiting;
    });
    let mut h = site.start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    let o = h.at("2026-11-23 10:00").send(connect_profile(1, ProfileOutcome::NotEntered)).ok();
    assert_eq!((h.code(1), o.kinds(1)), (Some(WaitCode::W8), vec![M10]));
    // Still not entered: stays, prompt again, nothing else.
    let o = h.at("2026-11-23 10:05").send(reclick_profile(1, ProfileOutcome::NotEntered)).ok();
    assert_eq!((h.state(1), o.kinds(1)), (RoomState::Waiting, vec![M10]));
    assert!(h.room(1).profile_hold);
    let o = h.at("2026-11-23 10:10").send(reclick_profile(1, ProfileOutcome::Entered)).ok();
    assert_eq!(o.assigned(), vec![(r(1), A1, AssignPath::Reclick)]);
    assert!(!h.room(1).profile_hold);
}

#[test]
fn w1_exit_by_reclick_once_working_time_starts() {
    let mut h = bot(1).settings(|s| s.backlog.mode = BacklogMode::Manual).start(MON_8);
    h.at("2026-11-23 08:10").send(create(1)).ok();
    h.at("2026-11-23 08:10").send(connect(1)).ok();
    assert_eq!(h.code(1), Some(WaitCode::W1));
    assert!(assigned(&h.run_until("2026-11-23 09:00")).is_empty(), "B9: no batch with backlog manual");
    let o = h.at("2026-11-23 09:05").send(reclick(1)).ok();
    assert_eq!(o.assigned(), vec![(r(1), A1, AssignPath::Reclick)]);
}

#[test]
fn c6_unblock_lets_the_customer_open_rooms_again() {
    let mut h = Site::new(1).start(MON_8);
    h.at("2026-11-23 10:00").send(Event::ManagerBlock { target: BlockTarget::Customer(c(1)), actor: ADMIN }).ok();
    let o = h.at("2026-11-23 10:01").send(create(1));
    assert_eq!(o.rule(), "S2");
    assert_eq!(o.visible(), vec![Effect::BlockedAttempt { customer: c(1) }]);
    h.at("2026-11-23 10:02").send(Event::Unblock { customer: c(1), actor: ADMIN }).ok();
    h.at("2026-11-23 10:03").send(create(1)).ok();
    assert_eq!(h.owner(1), Owner::Account(A1));
}

#[test]
fn s5_open_28_a_revoked_account_keeps_its_open_rooms_but_gets_no_new_ones() {
    let mut h = Site::new(2).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    h.at("2026-11-23 10:01")
        .send(Event::AccountChange {
            account: A1,
            patch: AccountPatch { auth: Some(Auth::Revoked), ..Default::default() },
        })
        .ok();
    assert_eq!((h.state(1), h.owner(1)), (RoomState::Received, Owner::Account(A1)));
    for n in 2..=3 {
        h.at("2026-11-23 10:02").send(create(n)).ok();
        assert_eq!(h.owner(n), Owner::Account(A2));
    }
    h.at("2026-11-23 10:03").send(amsg(1, A1)).ok();
    h.at("2026-11-23 10:04").send(transfer(1, A2, ADMIN)).ok();
}

#[test]
fn e2_an_account_added_at_run_time_takes_waiting_rooms() {
    let mut h = Site::new(1).account(A1, |a| a.on_break = true).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    assert_eq!(h.code(1), Some(WaitCode::W2));
    let mut spec = AccountSpecBuilder::agent("a9");
    spec.logged_in = true;
    let id = h.e.add_account(&spec).unwrap();
    assert_eq!(batch_requests(h.e.effects()), 1, "its effects are readable: a batch is due (B3)");
    assert!(state_changes(h.e.effects()).is_empty(), "effects replace those of the previous call");
    h.arm_effects();
    let fx = h.run_until("2026-11-23 10:00");
    assert_eq!(assigned(&fx), vec![(r(1), id, AssignPath::Batch)]);
}

#[test]
fn v4_v6_v10_manager_visibility_for_closes() {
    // a3: Manager without admin view; a4: Manager with admin view (X24); a1, a2: the Admin's agents.
    let mut h = Site::new(4)
        .account(A3, |a| {
            a.role = Role::Manager;
            a.consults = false;
        })
        .account(A4, |a| {
            a.role = Role::Manager;
            a.consults = false;
            a.admin_view = true;
        })
        .account(A2, |a| a.on_break = true)
        .account(A1, |a| a.on_break = true)
        .start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok(); // Waiting: every Manager sees it (V6)
    h.at("2026-11-23 10:01").send(mclose(1, A3)).ok();
    h.at("2026-11-23 10:02").send(brk_end(A1)).ok();
    h.at("2026-11-23 10:03").send(create(2)).ok(); // a1's
    assert_eq!(h.at("2026-11-23 10:04").send(mclose(2, A3)).rule(), "V4");
    h.at("2026-11-23 10:05").send(mclose(2, A4)).ok();
    assert_eq!(h.room(2).close_type, Some(CloseType::Manager));
}
