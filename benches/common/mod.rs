//! What every bench file shares.

use criterion::Criterion;

/// Criterion draws its HTML report's plots with plotters, which finds no system font on a bare
/// machine: it gets the font the reports embed.
pub fn config() -> Criterion {
    if let Err(e) = consult_sim::report::charts::register_fonts() {
        eprintln!("benchmark plots: {e}");
    }
    Criterion::default()
}
