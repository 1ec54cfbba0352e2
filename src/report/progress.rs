//! A progress bar over virtual time (indicatif). It stays hidden for the first second, so short
//! runs print nothing, and it never draws when stderr is not a terminal.

use std::io::IsTerminal as _;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::engine::{Effect, Engine, Event, Rejection, Time};
use crate::sim::Observer;

/// How long a run goes before the bar appears.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// Events between two looks at the wall clock.
const EVERY: u32 = 4096;

/// The progress observer.
#[derive(Debug)]
pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    shown: bool,
    start: Time,
    end: Time,
    countdown: u32,
}

impl Progress {
    /// A bar for a run over `[start, end)`; `enabled = false` gives an observer that does nothing.
    pub fn new(enabled: bool, start: Time, end: Time) -> Progress {
        let bar = (enabled && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(1000), ProgressDrawTarget::hidden());
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{bar:40}] {percent:>3}% virtual time, {elapsed} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar
        });
        Progress { bar, started: Instant::now(), shown: false, start, end, countdown: EVERY }
    }

    /// Shows a phase after the simulation ("writing tables", "drawing charts").
    pub fn phase(&self, msg: &'static str) {
        if let Some(bar) = &self.bar {
            bar.set_message(msg);
        }
    }

    /// Removes the bar.
    pub fn clear(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn tick(&mut self, at: Time) {
        let Some(bar) = &self.bar else { return };
        if !self.shown && self.started.elapsed() >= SHOW_AFTER {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown = true;
        }
        let span = (self.end - self.start).max(1);
        bar.set_position((((at - self.start).clamp(0, span)) * 1000 / span) as u64);
    }
}

impl Observer for Progress {
    #[inline]
    fn observe(&mut self, at: Time, _: &Event, _: &Result<(), Rejection>, _: &[Effect], _: &Engine) {
        if self.bar.is_none() {
            return;
        }
        self.countdown -= 1;
        if self.countdown == 0 {
            self.countdown = EVERY;
            self.tick(at);
        }
    }

    fn finish(&mut self, end: Time, _: &Engine) {
        self.tick(end);
    }
}
