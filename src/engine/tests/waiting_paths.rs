//! §7: every path into Waiting from its own trigger (A2, A3), with its code, owner Robot, the
//! customer message (M5 for W1, M4 for W2–W7/W3I/W7C/W-MIX, M10 only for W8, M3 with the FIFO
//! position for WM), and the A2 rejections.

use super::prelude::*;

const MON_8: &str = "2026-11-23 08:00";
const AT: &str = "2026-11-23 10:00";

/// Asserts room n waits with `code`, owner Robot, and exactly `msgs` were sent to it.
#[track_caller]
fn assert_waits(h: &Harness, o: &Out, n: u64, code: WaitCode, msgs: &[(MessageKind, u32)]) {
    let room = h.room(n);
    assert_eq!((room.state, room.owner, room.wait_code), (RoomState::Waiting, Owner::Robot, Some(code)));
    assert_eq!(room.waiting_since, Some(h.e.now()));
    assert_eq!(room.request_at, Some(h.e.now()));
    assert_eq!(o.messages(n), msgs.to_vec(), "messages on {code:?} entry");
    assert!(o.effects.contains(&Effect::WaitEntered { room: r(n), code }));
    assert!(o.assigned().is_empty());
}

fn reasons(pool: u32, f: impl FnOnce(&mut WaitReasons)) -> WaitReasons {
    let mut r = WaitReasons { pool, ..Default::default() };
    f(&mut r);
    r
}

#[test]
fn w1_after_hours_request_with_intake_y_waits_with_m5() {
    let mut h = Site::new(2).start(MON_8);
    let o = h.at("2026-11-23 19:00").send(create(1)).ok();
    assert_waits(&h, &o, 1, WaitCode::W1, &[(M5, 0)]);
    assert_eq!(h.room(1).wait_reasons, WaitReasons::default(), "after hours: no A3 reasons");
}

#[test]
fn w1_holiday_makes_the_whole_date_after_hours() {
    let mut h = Site::new(1).holiday(d("2026-11-24"), DayOverride::Holiday).start(MON_8);
    let o = h.at("2026-11-24 11:00").send(create(1)).ok();
    assert_waits(&h, &o, 1, WaitCode::W1, &[(M5, 0)]);
}

/// W2–W7, W7C, W3I, W-MIX: within working time nobody in the pool is eligible (A3).
#[test]
fn w2_to_wmix_within_working_time_each_from_its_own_trigger() {
    struct Case {
        code: WaitCode,
        site: Site,
        /// Events before the request, at 09:30.
        setup: Vec<Event>,
        /// The request (at 10:00 unless `at` says otherwise).
        request: Event,
        at: &'static str,
        reasons: WaitReasons,
    }
    let today = d("2026-11-23");
    let cases = vec![
        Case {
            code: WaitCode::W2,
            site: Site::new(2),
            setup: vec![brk(A1), brk(A2)],
            request: create(1),
            at: AT,
            reasons: reasons(2, |r| r.brk = 2),
        },
        Case {
            code: WaitCode::W3,
            site: Site::new(2).settings(|s| s.meal.collective_window = Some(win("12:00", "13:00"))),
            setup: vec![],
            request: create(1),
            at: "2026-11-23 12:30",
            reasons: reasons(2, |r| r.meal = 2),
        },
        Case {
            code: WaitCode::W4,
            site: Site::new(1).settings(|s| {
                s.capacity.enabled = true;
                s.capacity.max_per_agent = Capacity(1);
            }),
            setup: vec![create(9)],
            request: create(1),
            at: AT,
            reasons: reasons(1, |r| r.cap = 1),
        },
        Case {
            code: WaitCode::W5,
            site: Site::new(2),
            setup: vec![day_status(A1, today, false, vec![]), day_status(A2, today, false, vec![])],
            request: create(1),
            at: AT,
            reasons: reasons(2, |r| r.day = 2),
        },
        Case {
            code: WaitCode::W6,
            site: Site::new(2).settings(|s| s.distribution.scope = Scope::LoggedInAble),
            setup: vec![logout(A1), logout(A2)],
            request: create(1),
            at: AT,
            reasons: reasons(2, |r| r.login = 2),
        },
        Case {
            code: WaitCode::W7,
            site: Site::new(2).settings(|s| {
                s.distribution.method = Method::ByCategory;
                s.distribution.by_category.insert("Billing/Refund".into(), vec!["a2".into()]);
            }),
            setup: vec![logout(A2)], // A1.4: a designated list needs login whatever the scope
            request: create_cat(1, WEB1, REFUND),
            at: AT,
            reasons: reasons(1, |r| r.login = 1),
        },
        Case {
            code: WaitCode::W7C,
            site: Site::new(2).settings(|s| {
                s.distribution.method = Method::ByChannel;
                s.distribution.by_channel.insert("kakao_talk".into(), vec!["a2".into()]);
            }),
            setup: vec![brk(A2)],
            request: create_on(1, KAKAO),
            at: AT,
            reasons: reasons(1, |r| r.brk = 1),
        },
        Case {
            code: WaitCode::W3I,
            site: Site::new(2),
            setup: vec![meal(A1), meal(A2)],
            request: create(1),
            at: AT,
            reasons: reasons(2, |r| r.imeal = 2),
        },
        Case {
            code: WaitCode::WMix,
            site: Site::new(2),
            setup: vec![day_status(A2, today, false, vec![]), brk(A1)], // SIM4: phase 1 before 2
            request: create(1),
            at: AT,
            reasons: reasons(2, |r| {
                r.brk = 1;
                r.day = 1;
            }),
        },
    ];
    for case in cases {
        let mut h = case.site.start(MON_8);
        for ev in case.setup {
            h.at("2026-11-23 09:30").send(ev).ok();
        }
        let o = h.at(case.at).send(case.request).ok();
        let n = 1;
        assert_waits(&h, &o, n, case.code, &[(M4, 0)]);
        assert_eq!(h.room(n).wait_reasons, case.reasons, "{:?}", case.code);
    }
}

#[test]
fn w5_nobody_consults_at_all() {
    // OPEN-35: an empty pool waits with W5.
    let mut h = Site::new(1).account(A1, |a| a.consults = false).start(MON_8);
    let o = h.at(AT).send(create(1)).ok();
    assert_waits(&h, &o, 1, WaitCode::W5, &[(M4, 0)]);
    assert_eq!(h.room(1).wait_reasons, WaitReasons::default());
}

#[test]
fn w7_designated_accounts_on_break_wait_even_with_break_intake_y_and_never_go_to_others() {
    let mut h = Site::new(2)
        .settings(|s| {
            s.distribution.method = Method::ByCategory;
            s.intake.during_break = YesNo::Y;
            s.distribution.by_category.insert("Billing/Refund".into(), vec!["a2".into()]);
        })
        .start(MON_8);
    h.at("2026-11-23 09:30").send(brk(A2)).ok();
    let o = h.at(AT).send(create_cat(1, WEB1, REFUND)).ok();
    assert_waits(&h, &o, 1, WaitCode::W7, &[(M4, 0)]);
    assert_eq!(h.room(1).wait_reasons, reasons(1, |r| r.brk = 1), "A1.5 for a designated list");
    assert_eq!(h.acc(A1).load, 0, "a1 is free but not designated");
}

#[test]
fn w7c_channel_list_follows_break_intake_open_32() {
    for (intake, waits) in [(YesNo::N, true), (YesNo::Y, false)] {
        let mut h = Site::new(2)
            .settings(|s| {
                s.distribution.method = Method::ByChannel;
                s.intake.during_break = intake;
                s.distribution.by_channel.insert("kakao_talk".into(), vec!["a2".into()]);
            })
            .start(MON_8);
        h.at("2026-11-23 09:30").send(brk(A2)).ok();
        let o = h.at(AT).send(create_on(1, KAKAO)).ok();
        if waits {
            assert_waits(&h, &o, 1, WaitCode::W7C, &[(M4, 0)]);
        } else {
            assert_eq!(h.owner(1), Owner::Account(A2), "break intake Y: a2 stays eligible");
        }
    }
}

#[test]
fn w8_profile_not_entered_keep_waiting_sends_only_the_profile_prompt() {
    let mut h = Site::new(1)
        .settings(|s| {
            s.profile_bot.enabled = true;
            s.profile_bot.on_missing = OnMissing::KeepWaiting;
        })
        .start(MON_8);
    let o = h.at(AT).send(create_profile(1, ProfileOutcome::NotEntered)).ok();
    assert_waits(&h, &o, 1, WaitCode::W8, &[(M10, 0)]);
    assert!(h.room(1).profile_hold);
    assert_eq!(h.acc(A1).load, 0, "a1 was free");
}

#[test]
fn w8_outside_working_hours_records_w1_and_sets_profile_hold() {
    let mut h = Site::new(1)
        .settings(|s| {
            s.profile_bot.enabled = true;
            s.profile_bot.on_missing = OnMissing::KeepWaiting;
        })
        .start(MON_8);
    let o = h.at("2026-11-23 20:00").send(create_profile(1, ProfileOutcome::NotEntered)).ok();
    assert_waits(&h, &o, 1, WaitCode::W1, &[(M10, 0), (M5, 0)]);
    assert!(h.room(1).profile_hold);
    // I6/OPEN-49: the work-start batch does not assign it.
    h.run_until("2026-11-24 09:00");
    assert_eq!(h.state(1), RoomState::Waiting);
}

#[test]
fn w8_profile_assign_normally_sends_prompt_and_assigns() {
    let mut h = Site::new(1).settings(|s| s.profile_bot.enabled = true).start(MON_8);
    let o = h.at(AT).send(create_profile(1, ProfileOutcome::NotEntered)).ok();
    assert_eq!(h.owner(1), Owner::Account(A1));
    assert_eq!(o.kinds(1), vec![M10, M1, M2, M3]);
}

#[test]
fn m10_profile_prompt_never_reasked_of_a_customer_who_entered_it() {
    let mut h = bot(1).settings(|s| s.profile_bot.enabled = true).start(MON_8);
    h.at(AT).send(create(1)).ok();
    let o = h.at(AT).send(connect_profile(1, ProfileOutcome::Entered)).ok();
    assert_eq!(o.kinds(1)[0], M10);
    h.at("2026-11-23 10:30").send(aclose(1, A1)).ok();
    // Same customer, new room on another channel.
    let again = Event::RoomCreated {
        room: r(2),
        customer: c(1),
        channel: KAKAO,
        category: None,
        profile: ProfileOutcome::Entered,
    };
    h.at("2026-11-23 11:00").send(again).ok();
    let o = h.at("2026-11-23 11:00").send(connect(2)).ok();
    assert_eq!(o.kinds(2), vec![M1, M2, M3]);
}

#[test]
fn wm_manual_method_waits_with_m3_carrying_the_fifo_position() {
    let mut h = Site::new(2).settings(|s| s.distribution.method = Method::Manual).start(MON_8);
    for (n, at, pos) in [(1, "2026-11-23 10:00", 1), (2, "2026-11-23 10:01", 2), (3, "2026-11-23 10:02", 3)] {
        let o = h.at(at).send(create(n)).ok();
        assert_waits(&h, &o, n, WaitCode::WM, &[(M3, pos)]);
    }
    h.at("2026-11-23 10:03").send(pick(A1, &[1])).ok();
    let o = h.at("2026-11-23 10:04").send(create(4)).ok();
    assert_waits(&h, &o, 4, WaitCode::WM, &[(M3, 3)]); // rooms 2, 3, then 4
}

#[test]
fn a2_after_hours_intake_n_rejects_without_chatbot_and_keeps_chatbot_room() {
    // Without chatbot: Rejected (S3.07), M5.
    let mut h = Site::new(1).settings(|s| s.intake.after_hours = YesNo::N).start(MON_8);
    let o = h.at("2026-11-23 19:00").send(create(1)).ok();
    assert_eq!((h.state(1), h.owner(1)), (RoomState::Rejected, Owner::Robot));
    assert_eq!(o.messages(1), vec![(M5, 0)]);
    // With chatbot: stays in the chatbot (S3.06), M5.
    let mut h = bot(1).settings(|s| s.intake.after_hours = YesNo::N).start(MON_8);
    h.at("2026-11-23 19:00").send(create(1)).ok();
    let o = h.at("2026-11-23 19:00").send(connect(1)).ok();
    assert_eq!((h.state(1), h.owner(1)), (RoomState::ChatbotInProgress, Owner::Robot));
    assert_eq!(o.messages(1), vec![(M5, 0)]);
    assert!(o.effects.contains(&Effect::RequestRejected { room: r(1), cause: RejectCause::AfterHours }));
}

#[test]
fn a2_over_capacity_intake_n_rejects_with_m4() {
    for chatbot in [false, true] {
        let mut h = Site::new(1)
            .settings(|s| {
                s.chatbot.enabled = chatbot;
                s.capacity.enabled = true;
                s.capacity.max_per_agent = Capacity(1);
                s.intake.over_capacity = YesNo::N;
            })
            .start(MON_8);
        h.at("2026-11-23 09:30").send(create(9)).ok();
        if chatbot {
            h.at("2026-11-23 09:30").send(connect(9)).ok();
        }
        let mut o = h.at(AT).send(create(1)).ok();
        if chatbot {
            o = h.at(AT).send(connect(1)).ok();
        }
        let expected = if chatbot { RoomState::ChatbotInProgress } else { RoomState::Rejected };
        assert_eq!(h.state(1), expected, "chatbot={chatbot}");
        assert_eq!(o.messages(1), vec![(M4, 0)], "chatbot={chatbot}");
        assert!(o.effects.contains(&Effect::RequestRejected { room: r(1), cause: RejectCause::OverCapacity }));
    }
}

#[test]
fn a3_capacity_class_comes_first_pool_of_two_one_full_one_on_break() {
    // A3's example: a1 full, a2 on break with break intake N → W4 under over-capacity intake Y,
    // rejected under N.
    for (intake, expected) in [(YesNo::Y, Some(WaitCode::W4)), (YesNo::N, None)] {
        let mut h = Site::new(2)
            .settings(|s| {
                s.capacity.enabled = true;
                s.capacity.max_per_agent = Capacity(1);
                s.intake.over_capacity = intake;
            })
            .start(MON_8);
        h.at("2026-11-23 09:30").send(brk(A2)).ok();
        h.at("2026-11-23 09:40").send(create(9)).ok();
        assert_eq!(h.owner(9), Owner::Account(A1));
        let o = h.at(AT).send(create(1)).ok();
        match expected {
            Some(code) => {
                assert_waits(&h, &o, 1, code, &[(M4, 0)]);
                assert_eq!(
                    h.room(1).wait_reasons,
                    reasons(2, |r| {
                        r.cap = 1;
                        r.brk = 1;
                    })
                );
            }
            None => {
                assert_eq!(h.state(1), RoomState::Rejected);
                assert_eq!(o.messages(1), vec![(M4, 0)]);
            }
        }
    }
}

#[test]
fn a3_capacity_with_a_designated_list_waits_w7_with_cap_in_the_detail() {
    let mut h = Site::new(2)
        .settings(|s| {
            s.distribution.method = Method::ByCategory;
            s.capacity.enabled = true;
            s.capacity.max_per_agent = Capacity(1);
            s.distribution.by_category.insert("Billing/Refund".into(), vec!["a2".into()]);
        })
        .start(MON_8);
    h.at("2026-11-23 09:30").send(create_cat(9, WEB1, REFUND)).ok();
    assert_eq!(h.owner(9), Owner::Account(A2));
    let o = h.at(AT).send(create_cat(1, WEB1, REFUND)).ok();
    assert_waits(&h, &o, 1, WaitCode::W7, &[(M4, 0)]);
    assert_eq!(h.room(1).wait_reasons, reasons(1, |r| r.cap = 1));
}

#[test]
fn a3_first_common_reason_in_order_day_login_break_meal_imeal() {
    // Every account on break AND unavailable for the date → W5 (DAY comes first).
    let today = d("2026-11-23");
    let mut h = Site::new(2).agents(|a| a.on_break = true).start(MON_8);
    h.at("2026-11-23 09:30").send(day_status(A1, today, false, vec![])).ok();
    h.at("2026-11-23 09:30").send(day_status(A2, today, false, vec![])).ok();
    h.at(AT).send(create(1)).ok();
    assert_eq!(h.code(1), Some(WaitCode::W5));
    // Logged out (scope logged_in_able) and on break → W6.
    let mut h = Site::new(2)
        .settings(|s| s.distribution.scope = Scope::LoggedInAble)
        .agents(|a| {
            a.on_break = true;
            a.logged_in = false;
        })
        .start(MON_8);
    h.at(AT).send(create(1)).ok();
    assert_eq!(h.code(1), Some(WaitCode::W6));
    // On break inside the collective meal window → W2 (BREAK before MEAL).
    let mut h = Site::new(2)
        .settings(|s| s.meal.collective_window = Some(win("12:00", "13:00")))
        .agents(|a| a.on_break = true)
        .start(MON_8);
    h.at("2026-11-23 12:10").send(create(1)).ok();
    assert_eq!(h.code(1), Some(WaitCode::W2));
    // Individual meal inside the collective window → W3 (MEAL before IMEAL).
    let mut h = Site::new(2)
        .settings(|s| s.meal.collective_window = Some(win("12:00", "13:00")))
        .agents(|a| a.at_meal = true)
        .start(MON_8);
    h.at("2026-11-23 12:10").send(create(1)).ok();
    assert_eq!(h.code(1), Some(WaitCode::W3));
}

#[test]
fn a1_6_meal_intake_y_keeps_accounts_eligible_in_the_collective_window() {
    let mut h = Site::new(1)
        .settings(|s| {
            s.meal.collective_window = Some(win("12:00", "13:00"));
            s.intake.during_meal = YesNo::Y;
        })
        .start(MON_8);
    h.at("2026-11-23 12:30").send(create(1)).ok();
    assert_eq!(h.owner(1), Owner::Account(A1));
}

#[test]
fn a1_9_individual_meal_blocks_whatever_meal_intake_says() {
    let mut h =
        Site::new(1).settings(|s| s.intake.during_meal = YesNo::Y).account(A1, |a| a.at_meal = true).start(MON_8);
    h.at(AT).send(create(1)).ok();
    assert_eq!(h.code(1), Some(WaitCode::W3I));
}

#[test]
fn a1_5_break_intake_y_keeps_accounts_on_break_eligible() {
    let mut h =
        Site::new(1).settings(|s| s.intake.during_break = YesNo::Y).account(A1, |a| a.on_break = true).start(MON_8);
    h.at(AT).send(create(1)).ok();
    assert_eq!(h.owner(1), Owner::Account(A1));
}
