//! Engine benches (ARCHITECTURE habit 10: measure before and after).
//!
//! - `connection_decision/least_load/<accounts>`: a room created without chatbot is assigned at
//!   once (A2 → A4 over the ordered pool, O(log n)), then closed by its customer so that loads
//!   stay flat; every account already holds two rooms, so the pool's keys are varied.
//! - `batch_drain/<rooms>_rooms/<accounts>`: one batch (B6) assigning every Waiting room, after
//!   all accounts come back from break at one instant. The engine is cloned outside the timing.
//!
//! Working hours are all-day on every day type, so no calendar edge interferes; timers the engine
//! arms are not fed back (the benches measure single events).

use std::hint::black_box;

mod common;

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};

use consult_sim::engine::calendar::{DayHours, WorkingHours};
use consult_sim::engine::{
    AccountId, AccountSpec, Catalog, Category, Channel, ChannelId, ChannelKind, CustomerId, Duration, Engine,
    EngineConfig, Event, ProfileOutcome, Role, RoomId, Settings, Time, Timer,
};

/// 2026-11-23 10:00 local (a Monday), in engine seconds.
const T0: Time = 20_780 * 86_400 + 10 * 3_600;

fn engine(accounts: usize, on_break: bool) -> Engine {
    let settings = Settings {
        working_hours: WorkingHours { weekday: DayHours::AllDay, saturday: DayHours::AllDay, sunday: DayHours::AllDay },
        ..Settings::default()
    };
    let mut specs = vec![{
        let mut admin = AccountSpec::new("admin", Role::Admin);
        admin.consults = false;
        admin
    }];
    for i in 1..=accounts {
        let mut a = AccountSpec::new(&format!("a{i}"), Role::Agent);
        a.logged_in = true;
        a.on_break = on_break;
        specs.push(a);
    }
    let config = EngineConfig {
        site_id: "BENCH".into(),
        settings,
        catalog: Catalog {
            channels: vec![Channel { id: "web_chat_v1".into(), kind: ChannelKind::WebChatV1 }],
            categories: vec![Category { major: "Sample".into(), middle: "Inquiry 1".into(), in_use: true }],
        },
        accounts: specs,
        holidays: Vec::new(),
        closed_retention: Duration(0),
    };
    let mut e = Engine::new(config).expect("bench config");
    e.start(T0);
    e
}

fn created(n: u64) -> Event {
    Event::RoomCreated {
        room: RoomId(n),
        customer: CustomerId(n),
        channel: ChannelId(0),
        category: None,
        profile: ProfileOutcome::Entered,
    }
}

fn connection_decision(c: &mut Criterion) {
    let mut group = c.benchmark_group("connection_decision/least_load");
    for accounts in [10usize, 100, 1_000] {
        let mut e = engine(accounts, false);
        // Two rooms per account, left open.
        let mut next = 0u64;
        for _ in 0..2 * accounts {
            next += 1;
            e.handle(T0, &created(next)).expect("preload");
        }
        let mut now = T0;
        group.bench_function(BenchmarkId::from_parameter(accounts), |b| {
            b.iter(|| {
                now += 1; // closed rooms leave the engine one second later (retention 0)
                next += 1;
                e.handle(now, black_box(&created(next))).expect("assign");
                debug_assert!(e.room(RoomId(next)).is_some_and(|r| r.owner.account().is_some()));
                e.handle(now, &Event::CustomerClose { room: RoomId(next) }).expect("close");
                black_box(e.effects().len())
            })
        });
    }
    group.finish();
}

fn batch_drain(c: &mut Criterion) {
    let mut group = c.benchmark_group("batch_drain");
    group.sample_size(20);
    for rooms in [10u64, 10_000] {
        for accounts in [10usize, 100, 1_000] {
            // Everyone on break (break intake N): every room waits with W2. At T0 + 60 every
            // account comes back: one batch is requested for that instant (B3, SIM3).
            let mut e = engine(accounts, true);
            for n in 1..=rooms {
                e.handle(T0, &created(n)).expect("room");
            }
            assert_eq!(e.waiting_count() as u64, rooms);
            let at = T0 + 60;
            for i in 1..=accounts {
                e.handle(at, &Event::BreakEnd { account: AccountId(i as u32) }).expect("break end");
            }
            let id = BenchmarkId::new(format!("{rooms}_rooms"), accounts);
            group.bench_function(id, |b| {
                b.iter_batched(
                    || e.clone(),
                    |mut e| {
                        e.handle(at, &Event::Timer(Timer::Batch)).expect("batch");
                        debug_assert_eq!(e.waiting_count(), 0);
                        e
                    },
                    BatchSize::LargeInput,
                )
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = connection_decision, batch_drain
}
criterion_main!(benches);
