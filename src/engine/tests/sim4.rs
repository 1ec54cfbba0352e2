//! SIM4: the order of events within one instant.

use super::prelude::*;

#[test]
fn sim4_customer_message_in_the_same_second_as_the_no_reply_deadline_keeps_the_room_open() {
    for customer_writes in [true, false] {
        let mut h =
            Site::new(1).settings(|s| s.auto_close.customer_no_reply = Some(grid(10))).start("2026-11-23 08:00");
        h.at("2026-11-23 10:00").send(create(1)).ok();
        h.at("2026-11-23 10:00").send(amsg(1, A1)).ok(); // deadline 10:10:00
        if customer_writes {
            // Phase 3 (room event) before phase 4 (room timer).
            h.at("2026-11-23 10:10").send(cmsg(1)).ok();
        }
        h.run_until("2026-11-23 12:00");
        let expected = if customer_writes { RoomState::InProgress } else { RoomState::ConsultationEnded };
        assert_eq!(h.state(1), expected, "customer_writes={customer_writes}");
    }
}

#[test]
fn sim4_a_new_request_at_work_start_is_distributed_before_the_backlog_batch() {
    let mut h = Site::new(1)
        .settings(|s| {
            s.capacity.enabled = true;
            s.capacity.max_per_agent = Capacity(1);
        })
        .start("2026-11-22 20:00");
    h.at("2026-11-22 22:00").send(create(1)).ok(); // W1 backlog
    let o = h.at("2026-11-23 09:00").send(create(2)).ok();
    assert_eq!(batch_requests(&o.before), 1, "the working-period start (phase 0) requested the batch");
    assert_eq!(o.assigned(), vec![(r(2), A1, AssignPath::Immediate)]);
    let fx = h.run_until("2026-11-23 09:00");
    assert!(assigned(&fx).is_empty(), "the batch (phase 5) finds a1 full");
    assert_eq!((h.state(1), h.code(1)), (RoomState::Waiting, Some(WaitCode::W1)));
}

#[test]
fn sim4_the_batch_sees_the_final_state_of_its_instant() {
    let mut h = Site::new(1)
        .settings(|s| {
            s.capacity.enabled = true;
            s.capacity.max_per_agent = Capacity(1);
        })
        .start("2026-11-23 08:00");
    h.at("2026-11-23 10:00").send(create(1)).ok();
    h.at("2026-11-23 10:01").send(create(2)).ok(); // W4
    h.at("2026-11-23 10:30").send(aclose(1, A1)).ok(); // frees a1: batch requested
    h.at("2026-11-23 10:30").send(create(3)).ok(); // same second, room event: takes a1 at once
    assert_eq!(h.owner(3), Owner::Account(A1));
    assert!(assigned(&h.run_until("2026-11-23 10:30")).is_empty());
    assert_eq!(h.state(2), RoomState::Waiting);
}

#[test]
fn sim4_presence_events_come_before_room_events() {
    let mut h = Site::new(1)
        .settings(|s| s.distribution.scope = Scope::LoggedInAble)
        .agents(|a| a.logged_in = false)
        .start("2026-11-23 08:00");
    h.at("2026-11-23 10:00").send(login(A1)).ok();
    h.at("2026-11-23 10:00").send(create(1)).ok();
    assert_eq!(h.owner(1), Owner::Account(A1));
}

#[test]
fn sim4_timer_phases_and_sub_orders() {
    // Phase 0 calendar (ends before starts: working edge, meal edge, account edges, rollover,
    // gate), 4 room timers by room id, 5 the batch.
    let mut timers = vec![
        Timer::Batch,
        Timer::Room(r(2), RoomTimer::NoReply),
        Timer::Room(r(1), RoomTimer::AgentDelay),
        Timer::GateOpen,
        Timer::DayRollover,
        Timer::AccountDayEdge(A2),
        Timer::MealEdge,
        Timer::WorkingEdge,
    ];
    timers.sort_by_key(|t| (t.phase(), t.sub_order()));
    assert_eq!(
        timers,
        vec![
            Timer::WorkingEdge,
            Timer::MealEdge,
            Timer::AccountDayEdge(A2),
            Timer::DayRollover,
            Timer::GateOpen,
            Timer::Room(r(1), RoomTimer::AgentDelay),
            Timer::Room(r(2), RoomTimer::NoReply),
            Timer::Batch,
        ]
    );
    assert_eq!([settings_event().phase(), login(A1).phase(), create(1).phase()], [1, 2, 3]);
}

fn settings_event() -> Event {
    Event::SettingsChanged(Box::default())
}
