//! The simulation: one virtual clock, one future-event list, a workload and observers (SIM1).
//!
//! The loop pops the earliest item (see [`queue`] for the total order), hands engine events to
//! the engine, arms the timers the engine asks for, checks the invariants (when enabled), and
//! shows the effects to the observer and then to the workload, which may schedule follow-up
//! events. Nothing downstream knows whether the workload generates events or reads them from a
//! trace: both are a [`Workload`].

pub mod arrivals;
pub mod dist;
mod pending;
pub mod queue;
pub mod rng;
pub mod workload;

use std::collections::BTreeMap;

use crate::engine::invariants::{self, Violation};
use crate::engine::{Effect, Engine, Event, Rejection, Time};
pub use queue::{EventQueue, Item};

/// A source of exogenous events (SIM2): the generator or a recorded trace.
pub trait Workload {
    /// Schedules the first events.
    fn init(&mut self, engine: &Engine, q: &mut EventQueue);
    /// Whether a scheduled event still applies (a tag the workload chose when scheduling it;
    /// stale events, such as a patience timeout for a room already assigned, are dropped here).
    fn admit(&mut self, _at: Time, _event: &Event, _tag: u32, _engine: &Engine) -> bool {
        true
    }
    /// Fills in what a scheduled event could not know when it was scheduled (a scripted agent
    /// action names "the owner at that time"). Identity by default.
    #[inline]
    fn resolve(&mut self, event: Event, _engine: &Engine) -> Event {
        event
    }
    /// The engine handled an event: react to its effects.
    #[allow(clippy::too_many_arguments)]
    fn delivered(
        &mut self,
        at: Time,
        event: &Event,
        tag: u32,
        outcome: &Result<(), Rejection>,
        effects: &[Effect],
        engine: &Engine,
        q: &mut EventQueue,
    );
    /// A wake-up the workload scheduled.
    fn wake(&mut self, _at: Time, _token: u64, _engine: &Engine, _q: &mut EventQueue) {}
    /// `admit` refused a scheduled event (a replay moves on to its next row here).
    #[inline]
    fn dropped(&mut self, _at: Time, _event: &Event, _tag: u32, _engine: &Engine, _q: &mut EventQueue) {}
}

/// Sees every handled event and its effects (statistics, recorders, expectation probes).
pub trait Observer {
    /// Before the first event.
    fn start(&mut self, _at: Time, _engine: &Engine) {}
    /// Before each engine event is handled (the state still excludes it).
    #[inline]
    fn before(&mut self, _at: Time, _engine: &Engine) {}
    /// After each handled event.
    fn observe(
        &mut self,
        at: Time,
        event: &Event,
        outcome: &Result<(), Rejection>,
        effects: &[Effect],
        engine: &Engine,
    );
    /// At the end of the run (the horizon).
    fn finish(&mut self, _end: Time, _engine: &Engine) {}
}

/// Observers compose as pairs.
impl<A: Observer, B: Observer> Observer for (A, B) {
    fn start(&mut self, at: Time, engine: &Engine) {
        self.0.start(at, engine);
        self.1.start(at, engine);
    }
    #[inline]
    fn before(&mut self, at: Time, engine: &Engine) {
        self.0.before(at, engine);
        self.1.before(at, engine);
    }
    fn observe(
        &mut self,
        at: Time,
        event: &Event,
        outcome: &Result<(), Rejection>,
        effects: &[Effect],
        engine: &Engine,
    ) {
        self.0.observe(at, event, outcome, effects, engine);
        self.1.observe(at, event, outcome, effects, engine);
    }
    fn finish(&mut self, end: Time, engine: &Engine) {
        self.0.finish(end, engine);
        self.1.finish(end, engine);
    }
}

/// An optional observer (for example a trace recorder only when `--record` is given).
impl<O: Observer> Observer for Option<O> {
    fn start(&mut self, at: Time, engine: &Engine) {
        if let Some(o) = self {
            o.start(at, engine);
        }
    }
    #[inline]
    fn before(&mut self, at: Time, engine: &Engine) {
        if let Some(o) = self {
            o.before(at, engine);
        }
    }
    fn observe(
        &mut self,
        at: Time,
        event: &Event,
        outcome: &Result<(), Rejection>,
        effects: &[Effect],
        engine: &Engine,
    ) {
        if let Some(o) = self {
            o.observe(at, event, outcome, effects, engine);
        }
    }
    fn finish(&mut self, end: Time, engine: &Engine) {
        if let Some(o) = self {
            o.finish(end, engine);
        }
    }
}

/// An observer that sees nothing.
impl Observer for () {
    fn observe(&mut self, _: Time, _: &Event, _: &Result<(), Rejection>, _: &[Effect], _: &Engine) {}
}

/// How to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// First instant.
    pub start: Time,
    /// End of the run: events at or after it are not processed.
    pub end: Time,
    /// Check SIM6 after every event.
    pub check_invariants: bool,
    /// The seed, for messages.
    pub seed: u64,
    /// Treat a rejected input as an error (replayed traces must be valid).
    pub strict: bool,
}

/// What the loop counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunCounters {
    /// Engine events handled (exogenous and timers).
    pub events: u64,
    /// Exogenous events handled.
    pub exogenous: u64,
    /// Inputs the engine rejected (D6), per rule.
    pub rejected: BTreeMap<&'static str, u64>,
    /// Scheduled events dropped by the workload as stale.
    pub dropped: u64,
}

/// A run that could not finish.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SimError {
    /// SIM6.
    #[error("{violation}; reproduce with --seed {seed}")]
    Invariant {
        /// What broke.
        violation: Violation,
        /// Seed.
        seed: u64,
    },
    /// A rejected input in strict mode.
    #[error("rejected input at {at}: {event}: {rejection}")]
    Rejected {
        /// Time.
        at: String,
        /// Event name.
        event: &'static str,
        /// Why.
        rejection: Rejection,
    },
}

/// Runs a simulation to its end.
pub fn run<W: Workload, O: Observer>(
    engine: &mut Engine,
    workload: &mut W,
    observer: &mut O,
    opts: &RunOptions,
) -> Result<RunCounters, SimError> {
    let mut q = EventQueue::new();
    let mut counters = RunCounters::default();
    engine.start(opts.start);
    arm(&mut q, engine.effects());
    observer.start(opts.start, engine);
    workload.init(engine, &mut q);
    while let Some(t) = q.peek_time() {
        if t >= opts.end {
            break;
        }
        let Some((at, item)) = q.pop() else { break };
        match item {
            Item::Wake(token) => workload.wake(at, token, engine, &mut q),
            Item::Event(event, tag) => {
                // Engine timers always apply (the engine discards stale ones itself).
                if !matches!(event, Event::Timer(_)) && !workload.admit(at, &event, tag, engine) {
                    counters.dropped += 1;
                    workload.dropped(at, &event, tag, engine, &mut q);
                    continue;
                }
                let event = workload.resolve(event, engine);
                observer.before(at, engine);
                let outcome = engine.handle(at, &event);
                counters.events += 1;
                if !matches!(event, Event::Timer(_)) {
                    counters.exogenous += 1;
                }
                if let Err(r) = &outcome {
                    if opts.strict {
                        return Err(SimError::Rejected {
                            at: crate::engine::time::format_time(at),
                            event: event.name(),
                            rejection: r.clone(),
                        });
                    }
                    *counters.rejected.entry(r.rule).or_insert(0) += 1;
                }
                let effects = engine.effects();
                arm(&mut q, effects);
                if opts.check_invariants {
                    invariants::check_event(engine, &event, effects)
                        .map_err(|violation| SimError::Invariant { violation, seed: opts.seed })?;
                }
                observer.observe(at, &event, &outcome, effects, engine);
                workload.delivered(at, &event, tag, &outcome, effects, engine, &mut q);
            }
        }
    }
    if opts.check_invariants {
        invariants::check_all(engine).map_err(|violation| SimError::Invariant { violation, seed: opts.seed })?;
    }
    observer.finish(opts.end, engine);
    Ok(counters)
}

/// Puts the timers the engine asked for into the queue.
#[inline]
fn arm(q: &mut EventQueue, effects: &[Effect]) {
    for e in effects {
        if let Effect::ArmTimer { at, timer } = e {
            q.push_timer(*at, *timer);
        }
    }
}
