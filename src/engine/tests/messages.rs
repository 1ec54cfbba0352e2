//! §13 messages (M1–M13) and T transfers.

use super::prelude::*;

const MON_8: &str = "2026-11-23 08:00";

#[test]
fn m3_open_72_counts_the_owners_received_rooms_assigned_before() {
    let mut h = Site::new(1).start(MON_8);
    let mut values = vec![];
    for n in 1..=3 {
        let o = h.at("2026-11-23 10:00").send(create(n)).ok();
        values.push(o.messages(n)[2]);
    }
    assert_eq!(values, vec![(M3, 0), (M3, 1), (M3, 2)]);
    // Rooms the owner has answered are InProgress, no longer in the Received list.
    h.at("2026-11-23 10:01").send(amsg(1, A1)).ok();
    let o = h.at("2026-11-23 10:02").send(create(4)).ok();
    assert_eq!(o.messages(4)[2], (M3, 2));
}

#[test]
fn m9_busy_notice_once_per_room_within_working_time() {
    let mut h =
        Site::new(1).settings(|s| s.messages.busy_time.enabled = true).account(A1, |a| a.on_break = true).start(MON_8);
    let o = h.at("2026-11-23 10:00").send(create(1)).ok();
    assert_eq!(o.kinds(1), vec![M4, M9], "Waiting entry within working time");
    h.at("2026-11-23 10:05").send(brk_end(A1)).ok();
    let fx = h.run_until("2026-11-23 10:05");
    assert_eq!(kinds(&fx, 1), Vec::<MessageKind>::new(), "not again at the batch assignment");
    let o = h.at("2026-11-23 19:00").send(create(2)).ok();
    assert_eq!(o.kinds(2), vec![M5], "not outside working time");
}

#[test]
fn m11_kakao_without_chatbot_gets_kakao_system_notices() {
    // (chatbot, channel, rendering of M5)
    let cases = [
        (false, KAKAO, Rendering::KakaoSystem),
        (true, KAKAO, Rendering::SiteText),
        (false, WEB1, Rendering::SiteText),
        (false, WEB2, Rendering::SiteText),
    ];
    for (chatbot, ch, rendering) in cases {
        let mut h = Site::new(1).settings(|s| s.chatbot.enabled = chatbot).start(MON_8);
        let mut o = h.at("2026-11-23 19:00").send(create_on(1, ch)).ok();
        if chatbot {
            o = h.at("2026-11-23 19:00").send(connect(1)).ok();
        }
        let got: Vec<Rendering> = o
            .effects
            .iter()
            .filter_map(|e| match *e {
                Effect::Message { kind: MessageKind::AfterHours, rendering, .. } => Some(rendering),
                _ => None,
            })
            .collect();
        assert_eq!(got, vec![rendering], "chatbot={chatbot} channel={ch:?}");
    }
}

#[test]
fn m12_new_room_notification_only_within_working_time() {
    let mut h = Site::new(1).start(MON_8);
    let notify =
        |fx: &[Effect]| fx.iter().filter(|e| matches!(e, Effect::Notify { kind: NotifyKind::NewRoom, .. })).count();
    let o = h.at("2026-11-23 10:00").send(create(1)).ok();
    assert_eq!(notify(&o.effects), 1);
    h.at("2026-11-23 19:00").send(create(2)).ok();
    let o = h.at("2026-11-23 19:05").send(massign(2, A1, ADMIN)).ok();
    assert_eq!(notify(&o.effects), 0, "manual assignment after hours: no notification");
    // A customer message in an InProgress room notifies whatever the time.
    h.at("2026-11-23 19:10").send(amsg(2, A1)).ok();
    let o = h.at("2026-11-23 19:20").send(cmsg(2)).ok();
    assert!(o.effects.contains(&Effect::Notify { account: A1, room: r(2), kind: NotifyKind::CustomerMessage }));
}

#[test]
fn m13_automatic_messages_never_count_as_an_agent_response() {
    let mut h = Site::new(1)
        .settings(|s| s.auto_close.agent_delay = Some(grid(10)))
        .account(A1, |a| a.auto_reply = true)
        .start(MON_8);
    let o = h.at("2026-11-23 10:00").send(create(1)).ok();
    assert_eq!(o.kinds(1), vec![M1, M2, M3, M8]);
    let room = h.room(1);
    assert_eq!((room.state, room.last_human_msg_by, room.agent_messages), (RoomState::Received, None, 0));
    assert_eq!(room.last_message_at, t("2026-11-23 10:00"));
    let fx = h.run_until("2026-11-23 10:10");
    assert_eq!(closed(&fx), vec![(r(1), CloseType::Auto(AutoClose::AgentDelay))]);
}

#[test]
fn x21_disabled_messages_are_not_sent() {
    let mut h = Site::new(1)
        .settings(|s| {
            s.messages.greeting.enabled = false;
            s.messages.agent_close.enabled = false;
        })
        .start(MON_8);
    let o = h.at("2026-11-23 10:00").send(create(1)).ok();
    assert_eq!(o.kinds(1), vec![M2, M3]);
    let o = h.at("2026-11-23 10:01").send(aclose(1, A1)).ok();
    assert!(o.messages(1).is_empty());
}

#[test]
fn t2_owner_transfers_only_within_the_same_group() {
    // a3 is a Manager; a2's responsible manager is a3; a1's is the Admin.
    let mut h = Site::new(3)
        .account(A3, |a| a.role = Role::Manager)
        .account(A2, |a| a.responsible_manager = Some("a3".into()))
        .start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    assert_eq!(h.owner(1), Owner::Account(A1));
    assert_eq!(h.at("2026-11-23 10:01").send(transfer(1, A2, A1)).rule(), "T2", "a2 is in a3's group");
    assert_eq!(h.at("2026-11-23 10:01").send(transfer(1, A1, A1)).rule(), "T2", "OPEN-58: not to the owner");
    // a3's responsible manager is the Admin, like a1's (OPEN-60: same responsible manager).
    h.at("2026-11-23 10:02").send(transfer(1, A3, A1)).ok();
    assert_eq!(h.owner(1), Owner::Account(A3));
    // A Manager who owns the room may also act as a Manager (T1): to their own accounts (OPEN-59).
    h.at("2026-11-23 10:03").send(transfer(1, A2, A3)).ok();
    assert_eq!(h.owner(1), Owner::Account(A2));
    // a2 (an Agent of a3's group) may give it to a3, "that manager", but not to a1.
    assert_eq!(h.at("2026-11-23 10:04").send(transfer(1, A1, A2)).rule(), "T2");
    h.at("2026-11-23 10:05").send(transfer(1, A3, A2)).ok();
    assert_eq!(h.owner(1), Owner::Account(A3));
}

#[test]
fn t1_an_admin_owning_a_room_can_transfer_it() {
    // V9: the Admin does everything; as the owner it is also the Admin (T1).
    let mut h = Site::new(1).account(ADMIN, |a| a.consults = true).account(A1, |a| a.on_break = true).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    assert_eq!(h.owner(1), Owner::Account(ADMIN));
    h.at("2026-11-23 10:01").send(transfer(1, A1, ADMIN)).ok();
    assert_eq!(h.owner(1), Owner::Account(A1));
}

#[test]
fn t2_candidates_must_be_active_consulting_and_available_today() {
    let mut h = Site::new(3).account(A3, |a| a.consults = false).start(MON_8);
    h.at("2026-11-23 09:30").send(day_status(A2, d("2026-11-23"), false, vec![])).ok();
    h.at("2026-11-23 10:00").send(create(1)).ok();
    for to in [A2, A3] {
        let before = h.snapshot();
        assert_eq!(h.at("2026-11-23 10:01").send(transfer(1, to, ADMIN)).rule(), "T2");
        assert_eq!(h.snapshot(), before);
    }
}

#[test]
fn t6_transfer_of_a_received_room_moves_the_received_count() {
    let mut h = Site::new(2).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    h.at("2026-11-23 10:01").send(transfer(1, A2, ADMIN)).ok();
    assert_eq!((h.acc(A1).received, h.acc(A2).received), (0, 1));
    // a2's first reply moves it to InProgress.
    h.at("2026-11-23 10:02").send(amsg(1, A2)).ok();
    assert_eq!((h.state(1), h.acc(A2).received), (RoomState::InProgress, 0));
    assert_eq!(h.at("2026-11-23 10:03").send(amsg(1, A1)).rule(), "S3.21", "the former owner cannot reply");
}

#[test]
fn s4_in_progress_splits_into_inquiry_and_answered_by_the_last_human_message() {
    let mut h = Site::new(1).start("2026-11-23 08:00");
    h.at("2026-11-23 10:00").send(create(1)).ok();
    assert!(!h.room(1).is_inquiry(), "Received is neither");
    h.at("2026-11-23 10:01").send(amsg(1, A1)).ok();
    assert!(!h.room(1).is_inquiry(), "answered: the agent spoke last");
    h.at("2026-11-23 10:02").send(cmsg(1)).ok();
    assert!(h.room(1).is_inquiry(), "inquiry: the customer spoke last");
    assert_eq!(h.state(1), RoomState::InProgress, "S4 never changes the state");
}

#[test]
fn s6_v8_owner_labels_in_the_status_lists() {
    let mut site = Site::new(1);
    site.accounts[0].name = "Kim".into();
    let mut mgr = crate::engine::AccountSpec::new("m1", Role::Manager);
    mgr.name = "Lee".into();
    site.accounts.push(mgr);
    site.accounts[1].responsible_manager = Some("m1".into());
    site.accounts[1].name = "Park".into();
    let h = site.start("2026-11-23 08:00");
    let m1 = h.e.account_id("m1").unwrap();
    assert_eq!(h.e.owner_label(Owner::Robot), "#Kim > Robot-SITE1");
    assert_eq!(h.e.owner_label(Owner::Account(A1)), "#Lee > Park");
    assert_eq!(h.e.owner_label(Owner::Account(m1)), "#Lee > Lee", "a manager's own name twice");
    assert_eq!(h.e.owner_label(Owner::Account(ADMIN)), "#Kim > Kim", "OPEN-66");
}
