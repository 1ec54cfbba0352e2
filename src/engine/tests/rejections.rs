//! D6: an input the rules forbid is rejected with the rule's id and changes nothing observable.

use super::prelude::*;

const MON_8: &str = "2026-11-23 08:00";

/// Setups used by the table: each returns a harness at or before 10:10.
fn assigned_to_a1() -> Harness {
    let mut h = Site::new(2).start(MON_8);
    h.at("2026-11-23 10:00").send(create(1)).ok();
    h
}

fn waiting(site: Site, ch: ChannelId) -> Harness {
    let mut h = site.agents(|a| a.on_break = true).start(MON_8);
    let chatbot = h.e.settings().chatbot.enabled;
    h.at("2026-11-23 10:00").send(create_on(1, ch)).ok();
    if chatbot {
        h.at("2026-11-23 10:00").send(connect(1)).ok();
    }
    assert_eq!(h.state(1), RoomState::Waiting);
    h
}

fn manual_backlog_bot() -> Site {
    bot(2).settings(|s| s.backlog.mode = BacklogMode::Manual)
}

fn unknown_designation() -> Event {
    let mut s = Settings::default();
    s.distribution.by_category.insert("Billing/Refund".into(), vec!["nobody".into()]);
    Event::SettingsChanged(Box::new(s))
}

#[test]
fn d6_rejected_inputs_name_the_rule_and_leave_the_state_unchanged() {
    type Setup = fn() -> Harness;
    let cases: Vec<(&str, Setup, Event, &str)> = vec![
        ("agent reply to a room it does not own", assigned_to_a1, amsg(1, A2), "S3.21"),
        ("agent close by a non-owner", assigned_to_a1, aclose(1, A2), "C4"),
        ("hold by a non-owner", assigned_to_a1, hold(1, A2), "C9"),
        ("block from Received", assigned_to_a1, block(1, ADMIN), "S3.30"),
        ("transfer to the current owner", assigned_to_a1, transfer(1, A1, ADMIN), "T2"),
        ("transfer by another agent", assigned_to_a1, transfer(1, A2, A2), "T1"),
        ("manager close by an agent", assigned_to_a1, mclose(1, A2), "C5"),
        (
            "category change of Received by an Admin",
            assigned_to_a1,
            Event::CategoryChange { rooms: vec![r(1)], category: APP, actor: ADMIN },
            "S3.32",
        ),
        (
            "second open room on the same channel",
            assigned_to_a1,
            Event::RoomCreated {
                room: r(2),
                customer: c(1),
                channel: WEB1,
                category: None,
                profile: ProfileOutcome::Entered,
            },
            "S2",
        ),
        (
            "room id already in use",
            assigned_to_a1,
            Event::RoomCreated {
                room: r(1),
                customer: c(7),
                channel: WEB1,
                category: None,
                profile: ProfileOutcome::Entered,
            },
            "S2",
        ),
        ("unknown URL category", assigned_to_a1, create_cat(2, WEB1, CategoryId(99)), "E7"),
        ("presence of an unknown account", assigned_to_a1, login(AccountId(99)), "E3"),
        (
            "day status set by an agent",
            assigned_to_a1,
            Event::DayStatusSet { account: A1, date: d("2026-11-24"), status: Default::default(), actor: A2 },
            "H5",
        ),
        (
            "a second Admin",
            assigned_to_a1,
            Event::AccountChange { account: A1, patch: AccountPatch { role: Some(Role::Admin), ..Default::default() } },
            "E2",
        ),
        ("designation naming an unknown account", assigned_to_a1, unknown_designation(), "X13"),
        (
            "block by an agent",
            assigned_to_a1,
            Event::ManagerBlock { target: BlockTarget::Customer(c(1)), actor: A1 },
            "C6",
        ),
        ("pick under least_load", || waiting(Site::new(1), WEB1), pick(A1, &[1]), "A14"),
        ("manager assign by an agent", || waiting(Site::new(1), WEB1), massign(1, A1, A1), "A13"),
        ("connect request on a waiting room", || waiting(bot(1), WEB1), connect(1), "S3.04"),
        ("re-click on web chat v2", || waiting(manual_backlog_bot(), WEB2), reclick(1), "B13"),
        (
            "re-click on a room without chatbot",
            || waiting(Site::new(1).settings(|s| s.backlog.mode = BacklogMode::Manual), WEB1),
            reclick(1),
            "B12",
        ),
        (
            "manager close of Waiting under manual",
            || waiting(Site::new(1).settings(|s| s.distribution.method = Method::Manual), WEB1),
            mclose(1, ADMIN),
            "S3.35",
        ),
        (
            "re-click in the chatbot",
            || {
                let mut h = bot(1).start(MON_8);
                h.at("2026-11-23 10:00").send(create(1)).ok();
                h
            },
            reclick(1),
            "B12",
        ),
        (
            "message to a closed room",
            || {
                let mut h = assigned_to_a1();
                h.at("2026-11-23 10:05").send(aclose(1, A1)).ok();
                h
            },
            cmsg(1),
            "S3.34",
        ),
    ];
    for (case, setup, event, rule) in cases {
        let mut h = setup();
        h.run_until("2026-11-23 10:29:59");
        let before = h.snapshot();
        let o = h.at("2026-11-23 10:30").send(event);
        assert_eq!(o.rule(), rule, "{case}");
        assert_eq!(h.snapshot(), before, "{case}: state changed");
        assert!(o.visible().is_empty(), "{case}: effects {:?}", o.visible());
    }
}

#[test]
fn d1_an_event_earlier_than_the_clock_is_rejected() {
    let mut h = assigned_to_a1();
    let before = h.snapshot();
    assert_eq!(h.at("2026-11-23 09:59").send(cmsg(1)).rule(), "D1");
    assert_eq!(h.snapshot(), before);
}

#[test]
fn d6_a_rejected_pick_assigns_none_of_its_rooms() {
    let mut h = waiting(Site::new(1).settings(|s| s.distribution.method = Method::Hybrid), WEB1);
    let before = h.snapshot();
    let o = h.at("2026-11-23 10:30").send(pick(A1, &[1, 1]));
    assert_eq!(o.rule(), "A14");
    assert_eq!(h.snapshot(), before);
    let o = h.at("2026-11-23 10:30").send(pick(A1, &[1, 42]));
    assert_eq!(o.rule(), "A14");
    assert_eq!(h.snapshot(), before);
}
