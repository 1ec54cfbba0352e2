//! SIM6 invariants: they hold through long mixed runs under every method (checked after every
//! event by the harness, and `check_all` after every step here), they detect what they guard
//! against, and runs are deterministic (D4).

use super::prelude::*;
use crate::engine::invariants::{check_all, check_event, check_room};
use crate::engine::time::{MINUTE, Time};

/// A small deterministic generator (no RNG in the engine; the tests need only variety).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
}

/// The variants the mixed run covers.
fn variants() -> Vec<(&'static str, Site)> {
    let lists = |s: &mut Settings| {
        s.distribution.by_category.insert("Billing/Refund".into(), vec!["a2".into(), "a3".into()]);
        s.distribution.by_category.insert("Tech/App".into(), vec!["a4".into()]);
        s.distribution.by_channel.insert("kakao_talk".into(), vec!["a1".into(), "a4".into()]);
    };
    let timers = |s: &mut Settings| {
        s.auto_close.customer_no_reply = Some(grid(30));
        s.auto_close.agent_delay = Some(grid(60));
        s.chatbot.idle_close = Some(mins(45));
    };
    let capacity = |s: &mut Settings| {
        s.capacity.enabled = true;
        s.capacity.max_per_agent = Capacity(2);
    };
    vec![
        ("least_load", Site::new(4).settings(timers)),
        (
            "sequential + capacity",
            Site::new(4).settings(|s| s.distribution.method = Method::Sequential).settings(capacity),
        ),
        (
            "by_category + chatbot",
            Site::new(4)
                .settings(|s| {
                    s.distribution.method = Method::ByCategory;
                    s.chatbot.enabled = true;
                })
                .settings(lists)
                .settings(capacity),
        ),
        (
            "by_channel + logged_in scope",
            Site::new(4)
                .settings(|s| {
                    s.distribution.method = Method::ByChannel;
                    s.distribution.scope = Scope::LoggedInAble;
                })
                .settings(lists),
        ),
        (
            "manual + chatbot",
            Site::new(4).settings(|s| {
                s.distribution.method = Method::Manual;
                s.chatbot.enabled = true;
            }),
        ),
        (
            "hybrid + backlog manual + unassigned close + chatbot",
            Site::new(4)
                .settings(|s| {
                    s.distribution.method = Method::Hybrid;
                    s.distribution.hybrid_auto_method = AutoMethod::Sequential;
                    s.backlog.mode = BacklogMode::Manual;
                    s.backlog.unassigned_auto_close_days = Some(CloseDays(1));
                    s.chatbot.enabled = true;
                })
                .settings(timers),
        ),
        (
            "delay + meal + profile bot + capacity intake N",
            Site::new(4)
                .settings(|s| {
                    s.backlog.start_delay_min = StartDelay(30);
                    s.meal.collective_window = Some(win("12:00", "13:00"));
                    s.profile_bot.enabled = true;
                    s.profile_bot.on_missing = OnMissing::KeepWaiting;
                    s.intake.over_capacity = YesNo::N;
                    s.intake.after_hours = YesNo::N;
                })
                .settings(capacity)
                .settings(timers),
        ),
    ]
}

/// A random event against the engine's current state.
fn random_event(g: &mut Lcg, h: &Harness, next_room: &mut u64) -> Event {
    let open: Vec<&Room> = h.e.rooms_sorted().into_iter().filter(|r| !r.state.is_terminal()).collect();
    let any_room = |g: &mut Lcg| if open.is_empty() { 1 } else { open[g.below(open.len() as u64) as usize].id.0 };
    // Mostly a room in a state the event fits, sometimes any open room (to exercise rejections).
    let room_in = |g: &mut Lcg, states: &[RoomState]| {
        let fit: Vec<u64> = open.iter().filter(|r| states.contains(&r.state)).map(|r| r.id.0).collect();
        if fit.is_empty() || g.below(5) == 0 { any_room(g) } else { fit[g.below(fit.len() as u64) as usize] }
    };
    let assigned_room = |g: &mut Lcg| room_in(g, &[RoomState::Received, RoomState::InProgress]);
    let waiting_room = |g: &mut Lcg| room_in(g, &[RoomState::Waiting]);
    let accounts = [ADMIN, A1, A2, A3, A4];
    let agent = |g: &mut Lcg| g.pick(&[A1, A2, A3, A4]);
    let owner_of = |n: u64| h.e.room(r(n)).and_then(|r| r.owner.account()).unwrap_or(A1);
    let profile = |g: &mut Lcg| if g.below(3) == 0 { ProfileOutcome::NotEntered } else { ProfileOutcome::Entered };
    match g.below(30) {
        0..=5 => {
            *next_room += 1;
            let n = *next_room;
            Event::RoomCreated {
                room: r(n),
                customer: c(g.below(40)),
                channel: g.pick(&[WEB1, WEB2, KAKAO]),
                category: if g.below(2) == 0 { Some(g.pick(&[REFUND, INVOICE, TECH_LOGIN, APP])) } else { None },
                profile: profile(g),
            }
        }
        6 | 8 => Event::ConnectRequest {
            room: r(room_in(g, &[RoomState::ChatbotInProgress])),
            category: Some(g.pick(&[REFUND, APP])),
            profile: profile(g),
        },
        7 => Event::HotkeyReclick { room: r(waiting_room(g)), profile: profile(g) },
        9 => cmsg(any_room(g)),
        10..=12 => {
            let n = assigned_room(g);
            amsg(n, owner_of(n))
        }
        13 => {
            let n = assigned_room(g);
            aclose(n, owner_of(n))
        }
        14 => cclose(any_room(g)),
        15 => mclose(any_room(g), ADMIN),
        16 => block(any_room(g), ADMIN),
        17 => Event::Unblock { customer: c(g.below(40)), actor: ADMIN },
        18 => massign(waiting_room(g), agent(g), ADMIN),
        19 => pick(agent(g), &[waiting_room(g)]),
        20 => transfer(assigned_room(g), agent(g), g.pick(&accounts)),
        21 => {
            let n = assigned_room(g);
            if g.below(2) == 0 { hold(n, owner_of(n)) } else { release(n, owner_of(n)) }
        }
        22 => {
            if g.below(2) == 0 {
                login(agent(g))
            } else {
                logout(agent(g))
            }
        }
        23 => {
            if g.below(2) == 0 {
                brk(agent(g))
            } else {
                brk_end(agent(g))
            }
        }
        24 => {
            if g.below(2) == 0 {
                meal(agent(g))
            } else {
                meal_end(agent(g))
            }
        }
        25 => {
            let date = crate::engine::time::Date::of(h.e.now()).next();
            let date = if g.below(2) == 0 { crate::engine::time::Date::of(h.e.now()) } else { date };
            day_status(
                agent(g),
                date,
                g.below(3) != 0,
                if g.below(2) == 0 { vec![win("14:00", "14:30")] } else { vec![] },
            )
        }
        26 => Event::AccountChange {
            account: agent(g),
            patch: AccountPatch { consults: Some(g.below(4) != 0), ..Default::default() },
        },
        27 => {
            let mut s = h.e.settings().clone();
            match g.below(4) {
                0 => s.capacity.enabled = !s.capacity.enabled,
                1 => s.intake.during_break = if s.intake.during_break.yes() { YesNo::N } else { YesNo::Y },
                2 => {
                    s.backlog.mode =
                        if s.backlog.mode == BacklogMode::Auto { BacklogMode::Manual } else { BacklogMode::Auto }
                }
                _ => {
                    s.distribution.scope =
                        if s.distribution.scope == Scope::AllAble { Scope::LoggedInAble } else { Scope::AllAble }
                }
            }
            Event::SettingsChanged(Box::new(s))
        }
        28 => Event::CustomerInfoChange { customer: c(g.below(40)), entered: g.below(2) == 0, actor: ADMIN },
        _ => Event::AutoReplySet { account: agent(g), on: g.below(2) == 0 },
    }
}

/// Runs `steps` random events over about a week; returns the trace rendered as text.
fn mixed_run(site: Site, seed: u64, steps: usize) -> String {
    let mut h = site.start("2026-11-23 07:00");
    let mut g = Lcg(seed);
    let mut now: Time = h.e.now();
    let mut next_room = 0;
    for i in 0..steps {
        now += (g.below(12) as i64 + 1) * MINUTE / if g.below(4) == 0 { 60 } else { 1 };
        let ev = random_event(&mut g, &h, &mut next_room);
        let _ = h.at_time(now).send(ev);
        if i % 10 == 0 {
            h.check_all(); // loads and queue counts against the rooms (walks every room)
        }
    }
    h.run_until_time(now + 8 * 86_400);
    h.check_all();
    let mut out = String::new();
    for s in &h.trace {
        out.push_str(&format!("{} {:?} {:?} {:?}\n", s.at, s.event, s.result, s.effects));
    }
    out
}

#[test]
fn sim6_invariants_hold_through_mixed_runs_under_every_method() {
    for (name, site) in variants() {
        for seed in 1..=2 {
            let trace = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| mixed_run(site.clone(), seed, 2_000)));
            assert!(trace.is_ok(), "variant `{name}`, seed {seed}");
        }
    }
}

#[test]
fn d4_the_same_inputs_give_the_same_effects() {
    for (name, site) in variants().into_iter().take(4) {
        assert_eq!(mixed_run(site.clone(), 7, 800), mixed_run(site, 7, 800), "{name}");
    }
}

// ----- the checks detect what they guard against -----

fn one_assigned_room() -> Harness {
    let mut h = Site::new(1).start("2026-11-23 08:00");
    h.at("2026-11-23 10:00").send(create(1)).ok();
    h
}

#[test]
fn i3_check_all_detects_a_load_that_does_not_match_the_rooms() {
    let mut h = one_assigned_room();
    h.e.accounts[1].load = 5;
    let v = check_all(&h.e).unwrap_err();
    assert_eq!((v.invariant, v.rule), ("I3", "A11"));
    h.e.accounts[1].load = 1;
}

#[test]
fn i2_and_i5_check_room_detect_owner_and_waiting_field_errors() {
    let h = one_assigned_room();
    let mut room = h.room(1).clone();
    room.owner = Owner::Robot;
    assert_eq!(check_room(&h.e, &room).unwrap_err().invariant, "I2");
    let mut room = h.room(1).clone();
    room.state = RoomState::Waiting;
    room.owner = Owner::Robot;
    room.wait_code = None;
    assert_eq!(check_room(&h.e, &room).unwrap_err().invariant, "I5");
    let mut room = h.room(1).clone();
    room.state = RoomState::InProgress;
    assert_eq!(check_room(&h.e, &room).unwrap_err().invariant, "I9");
    let mut room = h.room(1).clone();
    room.request_at = Some(room.created_at - 1);
    assert_eq!(check_room(&h.e, &room).unwrap_err().invariant, "I13");
}

#[test]
fn i8_i10_i14_check_event_detects_forbidden_effects() {
    let h = one_assigned_room();
    let batch = Effect::Assigned { room: r(1), account: A1, path: AssignPath::Batch };
    let greet = Effect::Message { room: r(1), kind: MessageKind::Greeting, rendering: Rendering::SiteText, value: 0 };
    let v = check_event(&h.e, &Event::Timer(Timer::Batch), &[batch, greet]).unwrap_err();
    assert_eq!((v.invariant, v.rule), ("I8", "B7"));
    let immediate = Effect::Assigned { room: r(1), account: A1, path: AssignPath::Immediate };
    let v = check_event(&h.e, &cmsg(1), &[immediate]).unwrap_err();
    assert_eq!((v.invariant, v.rule), ("I14", "B11"));
    let back = Effect::StateChanged { room: r(1), from: Some(RoomState::ConsultationEnded), to: RoomState::Received };
    let v = check_event(&h.e, &cmsg(1), &[back]).unwrap_err();
    assert_eq!((v.invariant, v.rule), ("I10", "S5"));
}

#[test]
fn i4_check_event_detects_automatic_assignment_outside_working_time_and_inside_the_gate() {
    let mut h = Site::new(1).settings(|s| s.backlog.start_delay_min = StartDelay(60)).start("2026-11-23 08:00");
    h.at("2026-11-23 10:00").send(create(1)).ok();
    let batch = [Effect::Assigned { room: r(1), account: A1, path: AssignPath::Batch }];
    // Move the clock (through the harness) into the next day's gate window [09:00, 10:00).
    h.run_until("2026-11-24 09:30");
    let v = check_event(&h.e, &Event::Timer(Timer::Batch), &batch).unwrap_err();
    assert_eq!((v.invariant, v.rule), ("I4", "B4"));
    h.run_until("2026-11-24 19:00");
    let v = check_event(&h.e, &Event::Timer(Timer::Batch), &batch).unwrap_err();
    assert_eq!((v.invariant, v.rule), ("I4", "A1.2"));
}

#[test]
fn i12_check_event_detects_assignment_outside_the_designated_list() {
    let mut h = Site::new(2)
        .settings(|s| {
            s.distribution.method = Method::ByCategory;
            s.distribution.by_category.insert("Billing/Refund".into(), vec!["a2".into()]);
        })
        .start("2026-11-23 08:00");
    h.at("2026-11-23 10:00").send(create_cat(1, WEB1, REFUND)).ok();
    let wrong = [Effect::Assigned { room: r(1), account: A1, path: AssignPath::Immediate }];
    let v = check_event(&h.e, &create(9), &wrong).unwrap_err();
    assert_eq!(v.invariant, "I12");
}

/// The mixed runs reach the engine broadly: over all variants they assign by every path but
/// re-click, enter Waiting by most codes, and most random events are accepted. (Run with
/// `--nocapture` to see the per-variant numbers.)
#[test]
fn sim6_mixed_runs_reach_every_path_and_most_wait_codes() {
    let mut all_paths = std::collections::BTreeSet::new();
    let mut all_codes = std::collections::BTreeSet::new();
    for (name, site) in variants() {
        let mut h = site.start("2026-11-23 07:00");
        let mut g = Lcg(1);
        let mut now: Time = h.e.now();
        let mut next_room = 0;
        for _ in 0..2500 {
            now += (g.below(12) as i64 + 1) * MINUTE / if g.below(4) == 0 { 60 } else { 1 };
            let ev = random_event(&mut g, &h, &mut next_room);
            let _ = h.at_time(now).send(ev);
        }
        h.run_until_time(now + 8 * 86_400);
        let ok = h.trace.iter().filter(|s| s.result.is_ok() && !matches!(s.event, Event::Timer(_))).count();
        let exo = h.trace.iter().filter(|s| !matches!(s.event, Event::Timer(_))).count();
        let fx = h.all_effects();
        let mut paths = std::collections::BTreeMap::new();
        for (_, _, p) in assigned(&fx) {
            *paths.entry(format!("{p:?}")).or_insert(0) += 1;
        }
        let mut codes = std::collections::BTreeMap::new();
        for e in &fx {
            if let Effect::WaitEntered { code, .. } = e {
                *codes.entry(format!("{code:?}")).or_insert(0) += 1;
            }
        }
        let mut rules = std::collections::BTreeMap::new();
        for s in &h.trace {
            if let Err(r) = &s.result {
                *rules.entry(r.rule).or_insert(0) += 1;
            }
        }
        println!(
            "{name}: {ok}/{exo} accepted; per_state {:?}\n  paths {paths:?}\n  codes {codes:?}\n  rejections {rules:?}",
            h.e.totals().per_state
        );
        assert!(ok * 2 > exo, "{name}: most random events are accepted ({ok}/{exo})");
        all_paths.extend(paths.into_keys());
        all_codes.extend(codes.into_keys());
    }
    for p in ["Batch", "Immediate", "Manual", "Pick"] {
        assert!(all_paths.contains(p), "no {p} assignment in the mixed runs: {all_paths:?}");
    }
    for c in ["W1", "W2", "W3I", "W4", "W5", "W6", "W7", "W7C", "WM", "WMix"] {
        assert!(all_codes.contains(c), "no {c} entry in the mixed runs: {all_codes:?}");
    }
}
