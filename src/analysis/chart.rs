//! Line charts of the analysis commands (staffing curves, per-variant KPIs, latency CDF and queue
//! overlays), drawn once per backend by one generic function — SVG and PNG, like the run
//! report's charts (`report::charts`), with the same embedded DejaVu font for PNG text.
//!
//! Both files are drawn to a temporary name beside the target and renamed into place, so a
//! reader never sees half a chart, and the same inputs give the same bytes.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

/// One line of a chart: points `(x, y, ±half)` (NaN half = no error bar).
pub struct Line {
    /// Legend.
    pub label: String,
    /// Points.
    pub points: Vec<(f64, f64, f64)>,
    /// Drawn dashed without markers: an analytic (Erlang) curve beside a simulated one.
    pub dashed: bool,
}

impl Line {
    /// A solid line (simulated values).
    pub fn solid(label: impl Into<String>, points: Vec<(f64, f64, f64)>) -> Line {
        Line { label: label.into(), points, dashed: false }
    }

    /// A dashed line (analytic values).
    pub fn dashed(label: impl Into<String>, points: Vec<(f64, f64, f64)>) -> Line {
        Line { label: label.into(), points, dashed: true }
    }
}

/// What one chart shows.
pub struct Chart<'a> {
    /// Title above the plot.
    pub caption: &'a str,
    /// X axis description.
    pub x_desc: &'a str,
    /// Y axis description.
    pub y_desc: &'a str,
    /// Lines, in legend order.
    pub lines: &'a [Line],
    /// Horizontal reference lines (a staffing target): label and height.
    pub targets: &'a [(String, f64)],
}

/// Chart size in pixels (both backends).
const SIZE: (u32, u32) = (900, 560);

/// Writes `<dir>/<stem>.svg` and `<dir>/<stem>.png`, each atomically.
pub fn write(dir: &Path, stem: &str, chart: &Chart) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("chart {}: {e}", dir.join(stem).display());
    crate::report::charts::register_fonts().map_err(|e| err(&e))?;
    std::fs::create_dir_all(dir).map_err(|e| err(&e))?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        draw(&root, chart)?;
        root.present().map_err(|e| err(&e))?;
    }
    crate::cli::write_atomic(&dir.join(format!("{stem}.svg")), svg.as_bytes()).map_err(|e| err(&e))?;
    // The bitmap backend picks its encoder from the extension, so the temporary name ends in .png.
    let tmp = dir.join(format!(".{stem}.tmp.png"));
    {
        let root = BitMapBackend::new(&tmp, SIZE).into_drawing_area();
        draw(&root, chart)?;
        root.present().map_err(|e| err(&e))?;
    }
    std::fs::rename(&tmp, dir.join(format!("{stem}.png"))).map_err(|e| err(&e))
}

/// The axis ranges: every point with its error bar and every target, padded by 8 % vertically
/// (never below 0 when the data are not), a unit range when there is nothing to show.
fn ranges(chart: &Chart) -> ((f64, f64), (f64, f64)) {
    let xs = chart.lines.iter().flat_map(|l| l.points.iter().map(|p| p.0)).filter(|v| v.is_finite());
    let ys = chart
        .lines
        .iter()
        .flat_map(|l| l.points.iter().flat_map(|p| [p.1 - p.2.max(0.0), p.1 + p.2.max(0.0), p.1]))
        .chain(chart.targets.iter().map(|t| t.1))
        .filter(|v| v.is_finite());
    let (mut x0, mut x1) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
    let (mut y0, mut y1) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| (a.min(y), b.max(y)));
    if !x0.is_finite() {
        (x0, x1) = (0.0, 1.0);
    }
    if !y0.is_finite() {
        (y0, y1) = (0.0, 1.0);
    }
    if x1 <= x0 {
        (x0, x1) = (x0 - 0.5, x0 + 0.5);
    }
    if y1 - y0 < 1e-9 {
        y1 = y0 + 1.0; // a flat line (no abandonment at all): a unit span above it
    }
    let pad = ((y1 - y0) * 0.08).max(1e-9);
    // Error bars may reach below 0 (a rate of 0 % ± something); the axis does not when no value does.
    let nonnegative = chart.lines.iter().flat_map(|l| l.points.iter()).all(|p| p.1 >= 0.0 || p.1.is_nan())
        && chart.targets.iter().all(|t| t.1 >= 0.0 || t.1.is_nan());
    let low = if nonnegative { (y0 - pad).max(0.0) } else { y0 - pad };
    ((x0, x1), (low, y1 + pad))
}

/// Draws a chart on any backend.
fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, spec: &Chart) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("chart `{}`: {e}", spec.caption);
    let ((x0, x1), (y0, y1)) = ranges(spec);
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let mut chart = ChartBuilder::on(root)
        .caption(spec.caption, ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(72)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(|e| err(&e))?;
    // Team sizes are whole agents: label only whole numbers when every x is one.
    let whole_x = spec.lines.iter().flat_map(|l| l.points.iter()).all(|p| p.0.fract() == 0.0);
    let whole = |x: &f64| if (x - x.round()).abs() < 1e-9 { format!("{x:.0}") } else { String::new() };
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(spec.x_desc).y_desc(spec.y_desc);
    if whole_x {
        mesh.x_labels(((x1 - x0).round() as usize + 1).clamp(2, 12)).x_label_formatter(&whole);
    }
    mesh.draw().map_err(|e| err(&e))?;
    let palette = [BLUE, RED, GREEN, MAGENTA, CYAN, BLACK];
    // An analytic line takes the colour of the simulated line it follows, so "Erlang" sits
    // visibly beside the values it predicts.
    let mut colour_index = 0usize;
    for (i, l) in spec.lines.iter().enumerate() {
        if i > 0 && !l.dashed {
            colour_index += 1;
        }
        let colour = palette[colour_index % palette.len()];
        let points = l.points.iter().filter(|p| p.0.is_finite() && p.1.is_finite());
        if l.dashed {
            chart
                .draw_series(DashedLineSeries::new(points.map(|p| (p.0, p.1)), 8, 5, colour.stroke_width(2)))
                .map_err(|e| err(&e))?
                .label(l.label.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(1)));
            continue;
        }
        chart
            .draw_series(LineSeries::new(points.clone().map(|p| (p.0, p.1)), colour.stroke_width(2)))
            .map_err(|e| err(&e))?
            .label(l.label.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2)));
        chart
            .draw_series(
                points
                    .clone()
                    .filter(|p| p.2.is_finite())
                    .map(|p| PathElement::new(vec![(p.0, p.1 - p.2), (p.0, p.1 + p.2)], colour.stroke_width(1))),
            )
            .map_err(|e| err(&e))?;
        // Markers only for short series (a staffing curve), not for time series or CDFs.
        if l.points.len() <= 100 {
            chart.draw_series(points.map(|p| Circle::new((p.0, p.1), 3, colour.filled()))).map_err(|e| err(&e))?;
        }
    }
    for (label, v) in spec.targets {
        let v = *v;
        chart
            .draw_series(LineSeries::new(vec![(x0, v), (x1, v)], BLACK.mix(0.6).stroke_width(1)))
            .map_err(|e| err(&e))?
            .label(label.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], BLACK.mix(0.6)));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(|e| err(&e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(lines: &[Line]) -> Chart<'_> {
        Chart { caption: "t", x_desc: "agents", y_desc: "s", lines, targets: &[] }
    }

    /// A KPI that is never negative keeps its axis at 0 even when an error bar reaches below.
    #[test]
    fn the_axis_stays_at_zero_for_non_negative_values() {
        let lines = [Line::solid("base", vec![(18.0, 7.9, 8.1), (19.0, 120.0, 10.0)])];
        let ((x0, x1), (y0, y1)) = ranges(&chart(&lines));
        assert_eq!((x0, x1), (18.0, 19.0));
        assert_eq!(y0, 0.0);
        assert!(y1 > 130.0);
    }

    /// A flat line (no abandonment at any size) gets a unit span instead of a zero-height axis.
    #[test]
    fn a_flat_line_gets_a_unit_span() {
        let lines = [Line::solid("base", vec![(18.0, 0.0, 0.0), (22.0, 0.0, 0.0)])];
        let (_, (y0, y1)) = ranges(&chart(&lines));
        assert_eq!(y0, 0.0);
        assert!((1.0..1.2).contains(&y1), "{y1}");
    }
}
