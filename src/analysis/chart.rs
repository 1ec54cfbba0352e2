//! Small SVG charts of the analysis commands (plotters, text in the embedded DejaVu font).

use std::path::Path;

use plotters::prelude::*;
use plotters::style::FontStyle;

fn register_fonts() {
    use std::sync::Once;
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular());
    });
}

/// One line of a chart: points `(x, y, ±half)` (NaN half = no error bar).
pub struct Line {
    /// Legend.
    pub label: String,
    /// Points.
    pub points: Vec<(f64, f64, f64)>,
}

/// Draws lines with 95 % error bars and optional horizontal target lines to an SVG file.
pub fn lines_svg(
    path: &Path,
    caption: &str,
    x_desc: &str,
    y_desc: &str,
    lines: &[Line],
    targets: &[(String, f64)],
) -> Result<(), String> {
    register_fonts();
    let err = |e: &dyn std::fmt::Display| format!("chart {}: {e}", path.display());
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| err(&e))?;
    }
    let xs = lines.iter().flat_map(|l| l.points.iter().map(|p| p.0));
    let ys = lines
        .iter()
        .flat_map(|l| l.points.iter().flat_map(|p| [p.1 - p.2.max(0.0), p.1 + p.2.max(0.0), p.1]))
        .chain(targets.iter().map(|t| t.1))
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
        x1 = x0 + 1.0;
    }
    let pad = ((y1 - y0) * 0.08).max(1e-9);
    let (y0, y1) = ((y0 - pad).min(0.0_f64.max(y0 - pad)), y1 + pad);
    let root = SVGBackend::new(path, (900, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(caption, ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(72)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(|e| err(&e))?;
    chart.configure_mesh().x_desc(x_desc).y_desc(y_desc).draw().map_err(|e| err(&e))?;
    let palette = [BLUE, RED, GREEN, MAGENTA, CYAN, BLACK];
    for (i, l) in lines.iter().enumerate() {
        let colour = palette[i % palette.len()];
        chart
            .draw_series(LineSeries::new(l.points.iter().map(|p| (p.0, p.1)), colour.stroke_width(2)))
            .map_err(|e| err(&e))?
            .label(l.label.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(2)));
        chart
            .draw_series(
                l.points
                    .iter()
                    .filter(|p| p.2.is_finite())
                    .map(|p| PathElement::new(vec![(p.0, p.1 - p.2), (p.0, p.1 + p.2)], colour.stroke_width(1))),
            )
            .map_err(|e| err(&e))?;
        // Markers only for short series (a staffing curve), not for time series or CDFs.
        if l.points.len() <= 100 {
            chart
                .draw_series(l.points.iter().map(|p| Circle::new((p.0, p.1), 3, colour.filled())))
                .map_err(|e| err(&e))?;
        }
    }
    for (label, v) in targets {
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
    root.present().map_err(|e| err(&e))?;
    Ok(())
}
