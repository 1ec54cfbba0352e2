//! Benches of the simulation as a whole (issue 9): the future-event list alone, and the
//! end-to-end M/M/c-equivalent scenarios through the real engine and event loop.
//!
//! `cargo bench --bench sim` measures; under `cargo test --all-targets` each bench runs once on
//! a tiny size so the suite stays fast.

use std::hint::black_box;
use std::path::Path;

use consult_sim::engine::{Event, RoomId};
use consult_sim::run::{RunSettings, run};
use consult_sim::scenario;
use consult_sim::sim::EventQueue;
mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench")
}

/// The future-event list: push and pop with a steady population of pending events.
fn event_queue(c: &mut Criterion) {
    let n: u64 = if measuring() { 1_000_000 } else { 1_000 };
    let mut g = c.benchmark_group("event_queue");
    g.throughput(Throughput::Elements(n));
    g.bench_function("hold_1000_push_pop", |b| {
        b.iter(|| {
            let mut q = EventQueue::new();
            let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
            for i in 0..1000u64 {
                q.push_event(i as i64, Event::CustomerMessage { room: RoomId(i) }, 0);
            }
            for i in 0..n {
                let (t, _) = q.pop().expect("non-empty");
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                q.push_event(t + (x % 600) as i64, Event::CustomerMessage { room: RoomId(i) }, 0);
            }
            black_box(q.len())
        })
    });
    g.finish();
}

/// The M/M/c scenarios of scenarios/bench/, with the horizon cut to a fixed number of rooms.
fn mmc(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (file, hours_measure) in [("mmc-50.yaml", 24 * 20), ("mmc-500.yaml", 48)] {
        let mut sc = scenario::load(&root.join("scenarios/bench").join(file)).expect("bench scenario loads");
        let hours = if measuring() { hours_measure } else { 1 };
        sc.file.horizon = consult_sim::engine::Duration::hours(hours);
        let probe = run(&sc, RunSettings { seed: None, check_invariants: false }).expect("runs");
        let rooms = probe.stats.rooms;
        let mut g = c.benchmark_group("mmc");
        g.sample_size(10);
        g.throughput(Throughput::Elements(rooms));
        g.bench_function(file.trim_end_matches(".yaml"), |b| {
            b.iter(|| {
                black_box(run(&sc, RunSettings { seed: None, check_invariants: false }).expect("runs").stats.rooms)
            })
        });
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = event_queue, mmc
}
criterion_main!(benches);
