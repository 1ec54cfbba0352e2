//! YAML forms of the calendar settings (X2, X5, E4, E5) as scenario files write them. These
//! tests live beside the scenario loader: the engine itself never reads YAML.

use std::fmt;

use crate::engine::calendar::{DayHours, DayStatus, TimeWindow, WorkingHours};
use crate::engine::time::TimeOfDay;

fn yaml<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, String> {
    serde_yaml::from_str::<T>(s).map_err(|e| e.to_string())
}
fn tod(s: &str) -> TimeOfDay {
    TimeOfDay::parse(s).unwrap()
}
fn win(start: &str, end: &str) -> DayHours {
    DayHours::Window { start: tod(start), end: tod(end), end_next_day: false }
}
fn night(start: &str, end: &str) -> DayHours {
    DayHours::Window { start: tod(start), end: tod(end), end_next_day: true }
}
fn tw(start: &str, end: &str) -> TimeWindow {
    TimeWindow { start: tod(start), end: tod(end) }
}

#[test]
fn yaml_day_hours_forms() {
    assert_eq!(yaml::<DayHours>("off"), Ok(DayHours::Off));
    assert_eq!(yaml::<DayHours>("\"off\""), Ok(DayHours::Off));
    assert_eq!(yaml::<DayHours>("{all_day: true}"), Ok(DayHours::AllDay));
    assert_eq!(yaml::<DayHours>("{start: \"09:00\", end: \"18:00\"}"), Ok(win("09:00", "18:00")));
    assert_eq!(yaml::<DayHours>("start: \"09:00\"\nend: \"24:00\"\n"), Ok(win("09:00", "24:00")));
    assert_eq!(yaml::<DayHours>("{start: \"09:00\", end: \"18:00\", end_next_day: false}"), Ok(win("09:00", "18:00")));
    assert_eq!(yaml::<DayHours>("{start: \"10:00\", end: \"03:00\", end_next_day: true}"), Ok(night("10:00", "03:00")));
    assert_eq!(yaml::<DayHours>("{start: \"10:00\", end: \"10:00\", end_next_day: true}"), Ok(night("10:00", "10:00")));
}

#[test]
fn yaml_day_hours_round_trip() {
    for h in [DayHours::Off, DayHours::AllDay, win("09:00", "18:00"), night("22:00", "06:30")] {
        let text = serde_yaml::to_string(&h).unwrap();
        assert_eq!(yaml::<DayHours>(&text), Ok(h), "{text}");
    }
    let wh = WorkingHours { weekday: night("20:00", "02:00"), saturday: DayHours::AllDay, sunday: DayHours::Off };
    let text = serde_yaml::to_string(&wh).unwrap();
    assert_eq!(yaml::<WorkingHours>(&text), Ok(wh));
}

fn yaml_err<T: serde::de::DeserializeOwned + fmt::Debug>(s: &str) -> String {
    match serde_yaml::from_str::<T>(s) {
        Ok(v) => panic!("`{s}` should not parse, got {v:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn yaml_day_hours_all_day_false_is_an_error() {
    let e = yaml_err::<DayHours>("{all_day: false}");
    assert!(e.contains("{all_day: true}") && e.contains("write `off`"), "{e}");
    let e = yaml_err::<DayHours>("{all_day: true, start: \"09:00\"}");
    assert!(e.contains("cannot be combined"), "{e}");
}

#[test]
fn yaml_day_hours_end_next_day_longer_than_24h_is_an_error() {
    let e = yaml_err::<DayHours>("{start: \"10:00\", end: \"11:00\", end_next_day: true}");
    assert!(e.contains("longer than 24 h") && e.contains("at or before the start"), "{e}");
    assert!(e.contains("remove `end_next_day`"), "{e}");
    let e = yaml_err::<DayHours>("{start: \"10:00\", end: \"24:00\", end_next_day: true}");
    assert!(e.contains("longer than 24 h"), "{e}");
}

#[test]
fn yaml_day_hours_end_not_after_start_is_an_error() {
    let e = yaml_err::<DayHours>("{start: \"22:00\", end: \"06:00\"}");
    assert!(e.contains("expected start < end") && e.contains("end_next_day: true"), "{e}");
    let e = yaml_err::<DayHours>("{start: \"09:00\", end: \"09:00\"}");
    assert!(e.contains("expected start < end") && e.contains("{all_day: true}"), "{e}");
    let e = yaml_err::<DayHours>("{start: \"24:00\", end: \"24:00\", end_next_day: true}");
    assert!(e.contains("expected a start from 00:00"), "{e}");
}

#[test]
fn yaml_day_hours_unknown_key_lists_allowed_keys() {
    let e = yaml_err::<DayHours>("{start: \"09:00\", finish: \"18:00\"}");
    assert!(e.contains("unknown key `finish`"), "{e}");
    assert!(e.contains("`all_day`, `start`, `end`, `end_next_day`"), "{e}");
}

#[test]
fn yaml_day_hours_other_errors() {
    let e = yaml_err::<DayHours>("{start: \"09:00\"}");
    assert!(e.contains("missing `end`"), "{e}");
    let e = yaml_err::<DayHours>("{}");
    assert!(e.contains("missing `start`"), "{e}");
    let e = yaml_err::<DayHours>("closed");
    assert!(e.contains("expected `off`, `{all_day: true}`"), "{e}");
    let e = yaml_err::<DayHours>("all_day");
    assert!(e.contains("write `{all_day: true}`"), "{e}");
    let e = yaml_err::<DayHours>("false");
    assert!(e.contains("written `off`"), "{e}");
    let e = yaml_err::<DayHours>("{start: \"9h\", end: \"18:00\"}");
    assert!(e.contains("expected HH:MM"), "{e}");
    let e = yaml_err::<DayHours>("{start: \"09:00\", start: \"10:00\", end: \"18:00\"}");
    assert!(e.contains("duplicate") || e.contains("start"), "{e}");
    let e = yaml_err::<DayHours>("17");
    assert!(e.contains("expected working hours for a day type"), "{e}");
}

#[test]
fn yaml_working_hours_defaults_and_unknown_fields() {
    assert_eq!(yaml::<WorkingHours>("{}"), Ok(WorkingHours::default()));
    let wh = yaml::<WorkingHours>("saturday: {start: \"10:00\", end: \"14:00\"}").unwrap();
    assert_eq!(wh.weekday, win("09:00", "18:00"));
    assert_eq!(wh.saturday, win("10:00", "14:00"));
    assert_eq!(wh.sunday, DayHours::Off);
    let e = yaml_err::<WorkingHours>("holiday: off");
    assert!(e.contains("unknown field `holiday`") && e.contains("weekday"), "{e}");
    // Errors inside a field carry the position.
    let e = yaml_err::<WorkingHours>("weekday: off\nsunday: {all_day: false}\n");
    assert!(e.contains("line 2"), "{e}");
}

#[test]
fn yaml_time_window_is_validated() {
    assert_eq!(yaml::<TimeWindow>("{start: \"12:00\", end: \"13:00\"}"), Ok(tw("12:00", "13:00")));
    assert_eq!(yaml::<TimeWindow>("{start: \"23:00\", end: \"24:00\"}"), Ok(tw("23:00", "24:00")));
    let e = yaml_err::<TimeWindow>("{start: \"13:00\", end: \"12:00\"}");
    assert!(e.contains("expected start < end"), "{e}");
    let e = yaml_err::<TimeWindow>("{start: \"12:00\", end: \"12:00\"}");
    assert!(e.contains("expected start < end"), "{e}");
    let e = yaml_err::<TimeWindow>("{start: \"12:00\", end: \"13:00\", days: 2}");
    assert!(e.contains("unknown field `days`"), "{e}");
    let text = serde_yaml::to_string(&tw("12:00", "13:30")).unwrap();
    assert_eq!(yaml::<TimeWindow>(&text), Ok(tw("12:00", "13:30")));
}

#[test]
fn yaml_day_status_defaults() {
    assert_eq!(yaml::<DayStatus>("{}"), Ok(DayStatus::default()));
    assert_eq!(yaml::<DayStatus>("{available: false}"), Ok(DayStatus { available: false, breaks: vec![] }));
    assert_eq!(
        yaml::<DayStatus>("breaks: [{start: \"10:00\", end: \"10:30\"}]"),
        Ok(DayStatus { available: true, breaks: vec![tw("10:00", "10:30")] })
    );
    let e = yaml_err::<DayStatus>("{available: true, note: x}");
    assert!(e.contains("unknown field `note`"), "{e}");
    let e = yaml_err::<DayStatus>("breaks: [{start: \"11:00\", end: \"10:30\"}]");
    assert!(e.contains("expected start < end"), "{e}");
}
