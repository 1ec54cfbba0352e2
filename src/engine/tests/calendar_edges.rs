//! §5 through the engine: half-open windows, overnight spill-over, holidays, changed hours, day
//! break windows and the day rollover (H1–H4, H8, E5).

use super::prelude::*;

fn window(start: &str, end: &str, next_day: bool) -> DayHours {
    DayHours::Window { start: hm(start), end: hm(end), end_next_day: next_day }
}

/// Sends `create(n)` at `at`: Some(owner) when assigned at once, None when it waited with W1.
fn request(h: &mut Harness, n: u64, at: &str) -> Option<AccountId> {
    h.at(at).send(create(n)).ok();
    match h.state(n) {
        RoomState::Received => h.owner(n).account(),
        RoomState::Waiting => {
            assert_eq!(h.code(n), Some(WaitCode::W1), "room {n} at {at}");
            None
        }
        s => panic!("room {n}: unexpected {s:?}"),
    }
}

#[test]
fn h1_open_84_the_working_window_is_half_open() {
    let cases = [
        ("2026-11-23 08:59:59", false),
        ("2026-11-23 09:00:00", true),
        ("2026-11-23 17:59:59", true),
        ("2026-11-23 18:00:00", false),
    ];
    let mut h = Site::new(1).start("2026-11-23 08:00");
    for (n, (at, working)) in cases.into_iter().enumerate() {
        let n = n as u64 + 1;
        assert_eq!(request(&mut h, n, at).is_some(), working, "{at}");
        if working {
            h.at(at).send(aclose(n, A1)).ok();
        }
    }
}

fn overnight_friday() -> Site {
    // Weekdays 10:00 – next-day 03:00; Saturday and Sunday off.
    Site::new(1).settings(|s| s.working_hours.weekday = window("10:00", "03:00", true))
}

#[test]
fn h2_overnight_spill_over_into_an_off_saturday() {
    let mut h = overnight_friday().start("2026-11-27 09:00"); // Friday
    assert_eq!(request(&mut h, 1, "2026-11-27 09:59:59"), None);
    assert_eq!(request(&mut h, 2, "2026-11-28 01:00"), Some(A1), "Saturday 01:00 is Friday's spill-over");
    // Room 1 was drained by the 10:00 batch; both are a1's.
    assert_eq!(h.owner(1), Owner::Account(A1));
    assert_eq!(request(&mut h, 3, "2026-11-28 02:59:59"), Some(A1));
    assert_eq!(request(&mut h, 4, "2026-11-28 03:00:00"), None, "03:00:00 is outside");
    assert_eq!(request(&mut h, 5, "2026-11-29 01:00"), None, "Saturday is off: no spill-over into Sunday");
}

#[test]
fn h3_open_30_a_holiday_cancels_the_spill_over() {
    // A holiday on the Saturday cancels Friday's spill-over into it.
    let mut h = overnight_friday().holiday(d("2026-11-28"), DayOverride::Holiday).start("2026-11-27 09:00");
    assert_eq!(request(&mut h, 1, "2026-11-27 23:00"), Some(A1));
    assert_eq!(request(&mut h, 2, "2026-11-28 01:00"), None);
    // A holiday on the Friday (set at run time) cancels Friday's own window and its spill-over.
    let mut h = overnight_friday().start("2026-11-27 09:00");
    h.at("2026-11-27 09:30").send(holiday(d("2026-11-27"), Some(DayOverride::Holiday))).ok();
    assert_eq!(request(&mut h, 1, "2026-11-27 11:00"), None);
    assert_eq!(request(&mut h, 2, "2026-11-28 01:00"), None);
    // Thursday's spill-over into Friday is cancelled too (the whole date is non-working).
    let mut h = overnight_friday().holiday(d("2026-11-27"), DayOverride::Holiday).start("2026-11-26 09:00");
    assert_eq!(request(&mut h, 1, "2026-11-27 01:00"), None);
}

#[test]
fn e5_changed_hours_for_one_date() {
    let mut h = Site::new(1).start("2026-11-23 08:00");
    h.at("2026-11-23 12:00")
        .send(holiday(d("2026-11-24"), Some(DayOverride::Hours(window("13:00", "15:00", false)))))
        .ok();
    assert_eq!(request(&mut h, 1, "2026-11-24 10:00"), None, "Tuesday's window is now 13:00–15:00");
    let fx = h.run_until("2026-11-24 13:00");
    assert_eq!(assigned(&fx), vec![(r(1), A1, AssignPath::Batch)], "work start at 13:00");
    assert_eq!(request(&mut h, 2, "2026-11-24 14:59:59"), Some(A1));
    assert_eq!(request(&mut h, 3, "2026-11-24 15:00"), None);
    assert_eq!(request(&mut h, 4, "2026-11-25 09:00"), Some(A1), "Wednesday keeps the weekly hours");
}

#[test]
fn h4_day_break_window_blocks_and_its_end_triggers_a_batch() {
    let mut h = Site::new(1).start("2026-11-23 08:00");
    h.at("2026-11-23 09:00").send(day_status(A1, d("2026-11-23"), true, vec![win("12:00", "13:00")])).ok();
    h.at("2026-11-23 11:59:59").send(create(1)).ok();
    assert_eq!(h.owner(1), Owner::Account(A1));
    h.at("2026-11-23 12:00").send(create(2)).ok();
    assert_eq!(h.code(2), Some(WaitCode::W5), "H9: a day-schedule break window is DAY, not BREAK");
    assert!(assigned(&h.run_until("2026-11-23 12:59:59")).is_empty());
    let fx = h.run_until("2026-11-23 13:00");
    assert_eq!(assigned(&fx), vec![(r(2), A1, AssignPath::Batch)]);
    assert_eq!(audits(&fx)[0].trigger, Some(BatchTrigger::AgentAvailable));
}

#[test]
fn h4_day_rollover_to_an_available_date_triggers_a_batch() {
    // All-day weekdays: Monday and Tuesday form one working period (H8), so midnight is no work
    // start; a1 is unavailable on Monday only.
    let mut h = Site::new(1)
        .settings(|s| s.working_hours.weekday = DayHours::AllDay)
        .account(A1, |a| {
            a.days = vec![(d("2026-11-23"), crate::engine::DayStatus { available: false, breaks: vec![] })]
        })
        .start("2026-11-23 08:00");
    h.at("2026-11-23 10:00").send(create(1)).ok();
    assert_eq!(h.code(1), Some(WaitCode::W5));
    assert!(assigned(&h.run_until("2026-11-23 23:59:59")).is_empty());
    let fx = h.run_until("2026-11-24 00:00");
    assert_eq!(assigned(&fx), vec![(r(1), A1, AssignPath::Batch)]);
    assert_eq!(audits(&fx)[0].trigger, Some(BatchTrigger::AgentAvailable), "H8: no new period at midnight");
}

#[test]
fn h8_all_day_weekend_off_next_period_starts_monday_midnight() {
    let mut h = Site::new(1).settings(|s| s.working_hours.weekday = DayHours::AllDay).start("2026-11-28 10:00"); // Saturday
    h.at("2026-11-28 11:00").send(create(1)).ok();
    assert_eq!(h.code(1), Some(WaitCode::W1));
    let fx = h.run_until("2026-11-30 00:00");
    assert_eq!(assigned(&fx), vec![(r(1), A1, AssignPath::Batch)]);
    assert_eq!(audits(&fx)[0].trigger, Some(BatchTrigger::WorkStart));
}
