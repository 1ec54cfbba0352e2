//! The charts, each drawn once per backend (SVG and PNG) by one generic function. Text is
//! English only: PNG text uses DejaVu Sans embedded in the binary (no system font is read);
//! SVG leaves glyphs to the viewer (`font-family="sans-serif"`).

use std::path::Path;
use std::sync::OnceLock;

use plotters::coord::Shift;
use std::ops::Range;

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, SegmentValue, ValueFormatter};
use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::ReportError;
use crate::engine::time::to_naive_datetime;

/// The charts, by file stem, in page order, with their titles.
pub const CHARTS: [(&str, &str); 5] = [
    ("queue", "Rooms by state over time"),
    ("latency_cdf", "Assignment latency, cumulative distribution"),
    ("latency_by_hour", "Assignment latency by hour of day"),
    ("entry_paths", "How requests entered"),
    ("agent_load", "Agent load over time"),
];

const WAITING: RGBColor = RGBColor(255, 127, 14);
const RECEIVED: RGBColor = RGBColor(31, 119, 180);
const IN_PROGRESS: RGBColor = RGBColor(44, 160, 44);
const CHATBOT: RGBColor = RGBColor(148, 103, 189);
const REJECTED: RGBColor = RGBColor(214, 39, 40);
const WORKING: RGBColor = RGBColor(232, 232, 232);
const GREY: RGBColor = RGBColor(90, 90, 90);

/// Registers the embedded font once (plotters' `ab_glyph` text needs it).
pub fn register_fonts() -> Result<(), ReportError> {
    static LOADED: OnceLock<bool> = OnceLock::new();
    let ok = *LOADED.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular()).is_ok()
    });
    if ok { Ok(()) } else { Err(ReportError::Chart("the embedded DejaVu Sans font did not load".into())) }
}

fn font(px: u32) -> FontDesc<'static> {
    ("sans-serif", px as f64).into_font()
}

fn err<E: std::fmt::Display>(e: E) -> ReportError {
    ReportError::Chart(e.to_string())
}

type Area<'a, DB> = DrawingArea<DB, Shift>;

/// Draws one chart to `<dir>/<name>.svg` and `<dir>/<name>.png`.
macro_rules! render {
    ($dir:expr, $name:expr, $size:expr, $draw:expr) => {{
        let svg = $dir.join(format!("{}.svg", $name));
        {
            let root = SVGBackend::new(&svg, $size).into_drawing_area();
            ($draw)(&root)?;
            root.present().map_err(err)?;
        }
        let png = $dir.join(format!("{}.png", $name));
        {
            let root = BitMapBackend::new(&png, $size).into_drawing_area();
            ($draw)(&root)?;
            root.present().map_err(err)?;
        }
    }};
}

/// Formats a virtual time on a time axis: with the hour when the window is short.
fn time_label(t: f64, window: f64) -> String {
    let dt = to_naive_datetime(t.round() as i64);
    if window <= 3.0 * 86_400.0 { dt.format("%m-%d %H:%M").to_string() } else { dt.format("%Y-%m-%d").to_string() }
}

fn trim(v: f64) -> String {
    if (v - v.round()).abs() < 0.05 { format!("{v:.0}") } else { format!("{v:.1}") }
}

/// A duration for an axis or a marker: `45 s`, `2.5 min`, `3 h`, `1.5 d`.
pub fn human_secs(s: f64) -> String {
    if s < 60.0 {
        format!("{s:.0} s")
    } else if s < 3600.0 {
        format!("{} min", trim(s / 60.0))
    } else if s < 86_400.0 {
        format!("{} h", trim(s / 3600.0))
    } else {
        format!("{} d", trim(s / 86_400.0))
    }
}

/// Fills the background and draws the title; the chart goes in the returned area below it.
fn caption<DB: DrawingBackend>(root: &Area<'_, DB>, title: &str) -> Result<Area<'static, DB>, ReportError> {
    root.fill(&WHITE).map_err(err)?;
    root.titled(title, font(19)).map_err(err)
}

/// Tick times of a time axis: round hours or days (Mondays for weeks), at most about ten.
pub fn time_ticks(from: i64, end: i64) -> Vec<f64> {
    const HOUR: i64 = 3600;
    const DAY: i64 = 86_400;
    let steps =
        [HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY, 56 * DAY, 91 * DAY];
    let span = (end - from).max(1);
    let step = steps.iter().copied().find(|s| span / s <= 10).unwrap_or(steps[steps.len() - 1]);
    // Weeks start on Mondays: 1970-01-05 was a Monday.
    let origin = if step >= 7 * DAY { 4 * DAY } else { 0 };
    let mut t = origin + (from - origin).div_euclid(step) * step;
    if t < from {
        t += step;
    }
    let mut out = Vec::new();
    while t <= end {
        out.push(t as f64);
        t += step;
    }
    out
}

/// A time axis in virtual seconds with ticks on round hours or days, labelled as local times.
#[derive(Debug, Clone)]
pub struct TimeAxis {
    from: f64,
    end: f64,
    ticks: Vec<f64>,
}

impl TimeAxis {
    /// The axis of the window `[from, end)`.
    pub fn new(from: i64, end: i64) -> TimeAxis {
        let end = end.max(from + 1);
        TimeAxis { from: from as f64, end: end as f64, ticks: time_ticks(from, end) }
    }
}

impl Ranged for TimeAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let f = (value - self.from) / (self.end - self.from);
        limit.0 + (f * (limit.1 - limit.0) as f64).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() { Vec::new() } else { self.ticks.clone() }
    }

    fn range(&self) -> Range<f64> {
        self.from..self.end
    }
}

impl ValueFormatter<f64> for TimeAxis {
    fn format_ext(&self, value: &f64) -> String {
        time_label(*value, self.end - self.from)
    }
}

/// Tick values of a log latency axis: 1 s, 10 s, 1 min, 10 min, 1 h, 10 h, 1 d, 10 d.
fn log_ticks(max: f64) -> Vec<f64> {
    [1.0, 10.0, 60.0, 600.0, 3600.0, 36_000.0, 86_400.0, 864_000.0].into_iter().filter(|v| *v <= max).collect()
}

/// A unit for a latency axis whose largest value is `max` seconds: (seconds per unit, name).
fn latency_unit(max: f64) -> (f64, &'static str) {
    if max < 180.0 {
        (1.0, "s")
    } else if max < 3.0 * 3600.0 {
        (60.0, "min")
    } else {
        (3600.0, "h")
    }
}

// ---------------------------------------------------------------------------------------------

/// The queue series, downsampled for drawing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueSeries {
    /// Window start.
    pub from: i64,
    /// Window end.
    pub end: i64,
    /// Start of each point's interval.
    pub t: Vec<i64>,
    /// Length of each point's interval.
    pub width: i64,
    /// Mean rooms per state over each interval: waiting, received, in progress, chatbot.
    pub layers: [Vec<f64>; 4],
    /// Working-time spans `[from, until)`.
    pub working: Vec<(i64, i64)>,
}

/// Layer names and colours of the queue chart, bottom first.
pub const QUEUE_LAYERS: [(&str, RGBColor); 4] =
    [("waiting", WAITING), ("received", RECEIVED), ("in progress", IN_PROGRESS), ("chatbot", CHATBOT)];

/// Queue length over time, stacked by state, with working hours shaded.
pub fn queue_chart<DB: DrawingBackend>(root: &Area<'_, DB>, d: &QueueSeries) -> Result<(), ReportError> {
    let root = &caption(root, "Rooms by state over time (mean per interval; grey = working hours)")?;
    let n = d.t.len();
    let mut cum = vec![[0.0f64; 5]; n];
    for (i, c) in cum.iter_mut().enumerate() {
        for l in 0..4 {
            c[l + 1] = c[l] + d.layers[l][i];
        }
    }
    let ymax = cum.iter().map(|c| c[4]).fold(0.0, f64::max).max(1.0) * 1.1;
    let mut chart = ChartBuilder::on(root)
        .margin(14)
        .margin_right(40)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(TimeAxis::new(d.from, d.end), 0.0..ymax)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .y_label_formatter(&|y| trim(*y))
        .y_desc("rooms")
        .x_desc("local time")
        .label_style(font(13))
        .axis_desc_style(font(14))
        .draw()
        .map_err(err)?;
    chart
        .draw_series(
            d.working.iter().map(|&(a, b)| Rectangle::new([(a as f64, 0.0), (b as f64, ymax)], WORKING.filled())),
        )
        .map_err(err)?;
    // Each point holds its interval's mean: draw steps, so the area is the time integral.
    for l in (0..4).rev() {
        let (name, color) = QUEUE_LAYERS[l];
        let mut pts = Vec::with_capacity(4 * n + 2);
        for (i, &t) in d.t.iter().enumerate() {
            let b = (t + d.width).min(d.end) as f64;
            pts.push((t as f64, cum[i][l + 1]));
            pts.push((b, cum[i][l + 1]));
        }
        for (i, &t) in d.t.iter().enumerate().rev() {
            let b = (t + d.width).min(d.end) as f64;
            pts.push((b, cum[i][l]));
            pts.push((t as f64, cum[i][l]));
        }
        chart
            .draw_series(std::iter::once(Polygon::new(pts, color.mix(0.85).filled())))
            .map_err(err)?
            .label(name)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(GREY)
        .label_font(font(13))
        .draw()
        .map_err(err)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------

/// The empirical distribution of assignment latency.
#[derive(Debug, Clone, Default)]
pub struct Cdf {
    /// Distinct latencies, seconds, ascending.
    pub x: Vec<i64>,
    /// Share of requests assigned within each.
    pub y: Vec<f64>,
    /// Marked quantiles: label and value, seconds.
    pub marks: Vec<(&'static str, f64)>,
}

/// Assignment-latency CDF on a log time axis, with p50 / p90 / p99 marked.
pub fn latency_cdf_chart<DB: DrawingBackend>(root: &Area<'_, DB>, d: &Cdf) -> Result<(), ReportError> {
    let root = &caption(root, "Assignment latency: share of requests assigned within t")?;
    let xmax = d.x.last().copied().unwrap_or(10).max(10) as f64 * 1.3;
    let mut chart = ChartBuilder::on(root)
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d((1.0..xmax).log_scale().with_key_points(log_ticks(xmax)), 0.0..1.02)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_label_formatter(&|x| human_secs(*x))
        .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
        .x_desc("time from request to first assignment (log scale; 0 s drawn at 1 s)")
        .y_desc("share of assigned requests")
        .label_style(font(13))
        .axis_desc_style(font(14))
        .draw()
        .map_err(err)?;
    if d.x.is_empty() {
        chart.draw_series(std::iter::once(Text::new("no assigned requests", (2.0, 0.5), font(16)))).map_err(err)?;
        return Ok(());
    }
    // A step function: thin the points on the log axis so long runs stay small.
    let mut pts: Vec<(f64, f64)> = Vec::new();
    let mut prev_y = 0.0;
    let mut last_lx = f64::NEG_INFINITY;
    for (i, (&x, &y)) in d.x.iter().zip(&d.y).enumerate() {
        let xf = (x.max(1)) as f64;
        let lx = xf.log10();
        if lx - last_lx >= 0.002 || i + 1 == d.x.len() {
            pts.push((xf, prev_y));
            last_lx = lx;
        }
        pts.push((xf, y));
        prev_y = y;
    }
    pts.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    pts.push((xmax, prev_y));
    chart.draw_series(LineSeries::new(pts, RECEIVED.stroke_width(2))).map_err(err)?;
    for (i, &(label, v)) in d.marks.iter().enumerate() {
        let x = v.max(1.0);
        chart
            .draw_series(DashedLineSeries::new(vec![(x, 0.0), (x, 1.0)], 6, 4, REJECTED.stroke_width(1)))
            .map_err(err)?;
        let y = 0.08 + 0.08 * i as f64;
        // Labels right of their line, or left of it in the right third of the axis.
        let right_third = x.ln() > 2.0 * xmax.ln() / 3.0;
        let (tx, anchor) = if right_third { (x / 1.05, HPos::Right) } else { (x * 1.05, HPos::Left) };
        chart
            .draw_series(std::iter::once(Text::new(
                format!("{label} {}", human_secs(v)),
                (tx, y),
                font(13).color(&REJECTED).pos(Pos::new(anchor, VPos::Center)),
            )))
            .map_err(err)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------

/// Latency figures per hour of day (None where no request was assigned).
#[derive(Debug, Clone, Default)]
pub struct ByHour {
    /// Mean, p50 and p90 per hour, seconds.
    pub series: [(&'static str, [Option<f64>; 24]); 3],
    /// Assigned requests per hour.
    pub count: [u64; 24],
}

/// Assignment latency by hour of day of the request.
pub fn latency_by_hour_chart<DB: DrawingBackend>(root: &Area<'_, DB>, d: &ByHour) -> Result<(), ReportError> {
    let root = &caption(root, "Assignment latency by hour of day of the request")?;
    let top = d.series.iter().flat_map(|(_, s)| s.iter().flatten().copied()).fold(0.0, f64::max).max(1.0);
    let (unit, unit_name) = latency_unit(top);
    let ymax = top / unit * 1.15;
    let mut chart = ChartBuilder::on(root)
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(-0.5f64..23.5, 0.0..ymax)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(24)
        .x_label_formatter(&|h| format!("{:02}", h.round() as i64))
        .y_label_formatter(&|v| trim(*v))
        .x_desc("hour of day (request)")
        .y_desc(format!("latency ({unit_name})"))
        .label_style(font(13))
        .axis_desc_style(font(14))
        .draw()
        .map_err(err)?;
    let colors = [GREY, RECEIVED, WAITING];
    for ((name, values), color) in d.series.iter().zip(colors) {
        // Hours without assignments break the line.
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (h, v) in values.iter().enumerate() {
            match v {
                Some(v) => runs.last_mut().expect("one run").push((h as f64, *v / unit)),
                None if !runs.last().expect("one run").is_empty() => runs.push(Vec::new()),
                None => {}
            }
        }
        let mut first = true;
        for run in runs.into_iter().filter(|r| !r.is_empty()) {
            chart.draw_series(run.iter().map(|&p| Circle::new(p, 3, color.filled()))).map_err(err)?;
            let s = chart.draw_series(LineSeries::new(run, color.stroke_width(2))).map_err(err)?;
            if first {
                s.label(*name).legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2)));
                first = false;
            }
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(GREY)
        .label_font(font(13))
        .draw()
        .map_err(err)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------

/// One bar of the entry-path chart.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryBar {
    /// Label.
    pub label: String,
    /// assigned / waiting / rejected.
    pub kind: String,
    /// Count.
    pub count: u64,
}

/// Entry paths as horizontal bars: assigned at once, Waiting per code, rejected.
pub fn entry_paths_chart<DB: DrawingBackend>(root: &Area<'_, DB>, bars: &[EntryBar]) -> Result<(), ReportError> {
    let root = &caption(root, "How requests entered: assigned at once, waiting per code, rejected")?;
    let n = bars.len().max(1);
    let xmax = bars.iter().map(|b| b.count).max().unwrap_or(0).max(1) as f64 * 1.15;
    let mut chart = ChartBuilder::on(root)
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(170)
        .build_cartesian_2d(0.0..xmax, (0..n).into_segmented())
        .map_err(err)?;
    // Bars top-down in table order: row i is drawn at n - 1 - i.
    let label_of = |v: &SegmentValue<usize>| match v {
        SegmentValue::CenterOf(i) if *i < bars.len() => bars[bars.len() - 1 - i].label.clone(),
        _ => String::new(),
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n)
        .y_label_formatter(&label_of)
        .x_label_formatter(&|v| trim(*v))
        .x_desc("requests (rooms created in the measured window)")
        .label_style(font(13))
        .axis_desc_style(font(14))
        .draw()
        .map_err(err)?;
    let color = |kind: &str| match kind {
        "assigned" => IN_PROGRESS,
        "rejected" => REJECTED,
        _ => WAITING,
    };
    chart
        .draw_series(bars.iter().enumerate().map(|(i, b)| {
            let row = bars.len() - 1 - i;
            let mut r = Rectangle::new(
                [(0.0, SegmentValue::Exact(row)), (b.count as f64, SegmentValue::Exact(row + 1))],
                color(&b.kind).filled(),
            );
            r.set_margin(3, 3, 0, 0);
            r
        }))
        .map_err(err)?;
    chart
        .draw_series(bars.iter().enumerate().map(|(i, b)| {
            let row = bars.len() - 1 - i;
            Text::new(format!(" {}", b.count), (b.count as f64, SegmentValue::CenterOf(row)), font(12))
        }))
        .map_err(err)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------

/// Mean load per account and time bucket.
#[derive(Debug, Clone, Default)]
pub struct Heat {
    /// Window start.
    pub from: i64,
    /// Window end.
    pub end: i64,
    /// Bucket length, seconds.
    pub bucket: i64,
    /// Account labels, top first.
    pub accounts: Vec<String>,
    /// Mean rooms owned per bucket, per account (same order).
    pub cells: Vec<Vec<f64>>,
}

/// A sequential colour scale, white to dark blue.
fn heat_color(v: f64, vmax: f64) -> RGBColor {
    const STOPS: [(f64, (f64, f64, f64)); 4] = [
        (0.0, (247.0, 251.0, 255.0)),
        (0.35, (158.0, 202.0, 225.0)),
        (0.7, (49.0, 130.0, 189.0)),
        (1.0, (8.0, 48.0, 107.0)),
    ];
    let x = if vmax > 0.0 { (v / vmax).clamp(0.0, 1.0) } else { 0.0 };
    let k = STOPS.iter().position(|s| s.0 >= x).unwrap_or(STOPS.len() - 1).max(1);
    let (a, ca) = STOPS[k - 1];
    let (b, cb) = STOPS[k];
    let f = if b > a { (x - a) / (b - a) } else { 0.0 };
    let mix = |p: f64, q: f64| (p + (q - p) * f).round() as u8;
    RGBColor(mix(ca.0, cb.0), mix(ca.1, cb.1), mix(ca.2, cb.2))
}

/// Agent load as a heat map: accounts down, time across, colour = mean rooms owned.
pub fn agent_load_chart<DB: DrawingBackend>(root: &Area<'_, DB>, d: &Heat) -> Result<(), ReportError> {
    let bucket = human_secs(d.bucket as f64);
    let root = &caption(root, &format!("Agent load: mean rooms owned per {bucket}"))?;
    let (main, bar) = root.split_horizontally(root.dim_in_pixel().0.saturating_sub(110));
    let n = d.accounts.len().max(1);
    let vmax = d.cells.iter().flatten().copied().fold(0.0, f64::max);
    let mut chart = ChartBuilder::on(&main)
        .margin(14)
        .margin_right(40)
        .x_label_area_size(40)
        .y_label_area_size(110)
        .build_cartesian_2d(TimeAxis::new(d.from, d.end), (0..n).into_segmented())
        .map_err(err)?;
    let label_of = |v: &SegmentValue<usize>| match v {
        SegmentValue::CenterOf(i) if *i < d.accounts.len() => d.accounts[d.accounts.len() - 1 - i].clone(),
        _ => String::new(),
    };
    chart
        .configure_mesh()
        .disable_mesh()
        .y_labels(n.min(40))
        .y_label_formatter(&label_of)
        .x_desc("local time")
        .label_style(font(12))
        .axis_desc_style(font(14))
        .draw()
        .map_err(err)?;
    let rows = d.accounts.len();
    chart
        .draw_series(d.cells.iter().enumerate().flat_map(|(i, cells)| {
            let row = rows - 1 - i;
            cells.iter().enumerate().filter(|(_, v)| **v > 0.0).map(move |(k, &v)| {
                let t0 = (d.from + k as i64 * d.bucket) as f64;
                let t1 = (d.from + (k as i64 + 1) * d.bucket).min(d.end) as f64;
                Rectangle::new(
                    [(t0, SegmentValue::Exact(row)), (t1, SegmentValue::Exact(row + 1))],
                    heat_color(v, vmax).filled(),
                )
            })
        }))
        .map_err(err)?;
    // Colour bar.
    let top = if vmax > 0.0 { vmax } else { 1.0 };
    let mut scale = ChartBuilder::on(&bar)
        .margin_top(14)
        .margin_bottom(54)
        .margin_right(50)
        .y_label_area_size(0)
        .right_y_label_area_size(40)
        .build_cartesian_2d(0.0..1.0, 0.0..top)
        .map_err(err)?;
    scale
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_labels(6)
        .y_label_formatter(&|v| if top < 1.0 { format!("{v:.2}") } else { format!("{v:.1}") })
        .label_style(font(12))
        .draw()
        .map_err(err)?;
    let steps = 40;
    scale
        .draw_series((0..steps).map(|s| {
            let a = top * s as f64 / steps as f64;
            let b = top * (s + 1) as f64 / steps as f64;
            Rectangle::new([(0.0, a), (1.0, b)], heat_color((a + b) / 2.0, top).filled())
        }))
        .map_err(err)?;
    Ok(())
}

/// Draws every chart into `dir`.
pub fn draw_all(
    dir: &Path,
    queue: &QueueSeries,
    cdf: &Cdf,
    by_hour: &ByHour,
    entries: &[EntryBar],
    heat: &Heat,
) -> Result<(), ReportError> {
    register_fonts()?;
    render!(dir, "queue", (1100, 520), |r| queue_chart(r, queue));
    render!(dir, "latency_cdf", (900, 480), |r| latency_cdf_chart(r, cdf));
    render!(dir, "latency_by_hour", (900, 480), |r| latency_by_hour_chart(r, by_hour));
    render!(dir, "entry_paths", (900, 520), |r| entry_paths_chart(r, entries));
    let h = (140 + 16 * heat.accounts.len().clamp(4, 50)) as u32;
    render!(dir, "agent_load", (1100, h), |r| agent_load_chart(r, heat));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_ticks_fall_on_round_hours_or_mondays() {
        let day = 1_795_392_000; // 2026-11-23 00:00, a Monday
        let t = time_ticks(day + 600, day + 86_400);
        assert_eq!(t.first().copied(), Some((day + 3 * 3600) as f64), "3-hour ticks from 03:00");
        assert!(t.len() <= 10);
        let weeks = time_ticks(day - 86_400, day + 365 * 86_400);
        assert!(weeks.len() <= 10 && !weeks.is_empty());
        for w in weeks {
            assert_eq!(crate::engine::Date::of(w as i64).weekday(), chrono::Weekday::Mon);
        }
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(human_secs(0.0), "0 s");
        assert_eq!(human_secs(90.0), "1.5 min");
        assert_eq!(human_secs(2489.4), "41.5 min");
        assert_eq!(human_secs(7200.0), "2 h");
        assert_eq!(human_secs(604_800.0), "7 d");
    }

    #[test]
    fn heat_colours_run_from_white_to_dark_blue() {
        assert_eq!(heat_color(0.0, 2.0), RGBColor(247, 251, 255));
        assert_eq!(heat_color(2.0, 2.0), RGBColor(8, 48, 107));
        assert_eq!(heat_color(5.0, 0.0), RGBColor(247, 251, 255), "no load at all stays white");
    }
}
