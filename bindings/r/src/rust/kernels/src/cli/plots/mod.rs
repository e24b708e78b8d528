//! The PNG pictures of `parfor run --out DIR` and `--plot FILE.png`, drawn with plotters:
//! histograms, a line, the thread-scaling curve, and the Mandelbrot image. Text comes from
//! [`Font8x8`], so no font needs to be installed.
//!
//! ```
//! use parfor_kernels::cli::plots;
//! let path = std::env::temp_dir().join(format!("parfor-plots-doc-{}.png", std::process::id()));
//! plots::histogram(&path, &[1.0, 2.0, 2.5, 3.0], (1.0, 3.0), "values", "x").unwrap();
//! assert!(std::fs::metadata(&path).unwrap().len() > 0);
//! std::fs::remove_file(&path).unwrap();
//! ```

mod font;

pub use font::Font8x8;

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// What drawing a picture may fail with (a file that cannot be written, mostly).
pub type PlotError = Box<dyn std::error::Error + Send + Sync>;

/// Size of the charts, in pixels.
const CHART: (u32, u32) = (800, 500);
/// Bars of a histogram.
const BINS: usize = 60;
/// The colour of bars and lines (matplotlib's first).
const BLUE_1: RGBColor = RGBColor(31, 119, 180);

fn err<E: std::error::Error + Send + Sync + 'static>(e: E) -> PlotError {
    Box::new(e)
}

/// A white chart area on the file `path`.
fn canvas(path: &Path) -> Result<DrawingArea<Font8x8<BitMapBackend<'_>>, Shift>, PlotError> {
    let root = Font8x8(BitMapBackend::new(path, CHART)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    Ok(root)
}

/// The chart of the pictures: axes of `f64` on a [`Font8x8`] bitmap.
type Chart<'a, 'b> =
    ChartContext<'a, Font8x8<BitMapBackend<'b>>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Axes over `x` and `y` on `root`, titled `title`.
fn chart<'a, 'b>(
    root: &'a DrawingArea<Font8x8<BitMapBackend<'b>>, Shift>,
    title: &str,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> Result<Chart<'a, 'b>, PlotError> {
    ChartBuilder::on(root)
        .caption(title, ("sans-serif", 16))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(80)
        .build_cartesian_2d(x, y)
        .map_err(err)
}

/// The `[min, max]` of the finite values (`None` when there are none).
///
/// ```
/// assert_eq!(parfor_kernels::cli::plots::finite_range(&[3.0, f64::NAN, -1.0]), Some((-1.0, 3.0)));
/// ```
pub fn finite_range(values: &[f64]) -> Option<(f64, f64)> {
    values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// Counts of `values` in [`BINS`] equal bins over `[lo, hi]` (values outside are left out).
fn bin_counts(values: &[f64], (lo, hi): (f64, f64)) -> Vec<u64> {
    let mut counts = vec![0u64; BINS];
    let width = (hi - lo) / BINS as f64;
    for &v in values {
        if v >= lo && v <= hi {
            let k = if width > 0.0 {
                (((v - lo) / width) as usize).min(BINS - 1)
            } else {
                0
            };
            counts[k] += 1;
        }
    }
    counts
}

/// A histogram of `values` over `range` ([`BINS`] bars), titled `title`, the x axis named
/// `x_label`.
///
/// # Errors
/// When the file cannot be written.
pub fn histogram(
    path: &Path,
    values: &[f64],
    range: (f64, f64),
    title: &str,
    x_label: &str,
) -> Result<(), PlotError> {
    let (lo, hi) = if range.1 > range.0 {
        range
    } else {
        (range.0 - 0.5, range.0 + 0.5)
    };
    let counts = bin_counts(values, (lo, hi));
    let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64 * 1.05;
    let root = canvas(path)?;
    let mut chart = chart(&root, title, lo..hi, 0.0..top)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(x_label)
        .y_desc("count")
        .y_label_formatter(&|c| format!("{c:.0}"))
        .label_style(("sans-serif", 8))
        .draw()
        .map_err(err)?;
    let width = (hi - lo) / BINS as f64;
    chart
        .draw_series(counts.iter().enumerate().map(|(k, &c)| {
            let x0 = lo + k as f64 * width;
            Rectangle::new([(x0, 0.0), (x0 + width, c as f64)], BLUE_1.filled())
        }))
        .map_err(err)?;
    root.present().map_err(err)
}

/// A line through `points`, titled `title`, with its axes named.
///
/// # Errors
/// When the file cannot be written.
///
/// ```
/// use parfor_kernels::cli::plots;
/// let path = std::env::temp_dir().join(format!("parfor-line-doc-{}.png", std::process::id()));
/// plots::line(&path, &[(0.0, 5.0), (1.0, 2.5)], "wealth", ("t", "wealth")).unwrap();
/// std::fs::remove_file(&path).unwrap();
/// ```
pub fn line(
    path: &Path,
    points: &[(f64, f64)],
    title: &str,
    (x_label, y_label): (&str, &str),
) -> Result<(), PlotError> {
    let xs: Vec<f64> = points.iter().map(|p| p.0).collect();
    let ys: Vec<f64> = points.iter().map(|p| p.1).collect();
    let (x0, x1) = finite_range(&xs).unwrap_or((0.0, 1.0));
    let (_, y1) = finite_range(&ys).unwrap_or((0.0, 1.0));
    let root = canvas(path)?;
    let y = 0.0..(y1 * 1.05).max(1e-9);
    let mut chart = chart(&root, title, x0..x1.max(x0 + 1.0), y)?;
    chart
        .configure_mesh()
        .light_line_style(WHITE)
        .x_desc(x_label)
        .y_desc(y_label)
        .label_style(("sans-serif", 8))
        .draw()
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            points.iter().copied(),
            BLUE_1.stroke_width(2),
        ))
        .map_err(err)?;
    root.present().map_err(err)
}

/// One kernel's speed-ups: `(threads, speed-up)` points.
pub type Curve = (String, Vec<(f64, f64)>);

/// Speed-up against threads, one line per kernel, and the ideal `speed-up = threads` dashed.
///
/// # Errors
/// When the file cannot be written.
///
/// ```
/// use parfor_kernels::cli::plots;
/// let path = std::env::temp_dir().join(format!("parfor-scaling-doc-{}.png", std::process::id()));
/// let curves = vec![("pi".to_string(), vec![(1.0, 0.98), (2.0, 1.9)])];
/// plots::scaling(&path, &curves, "speed-up over the serial loop").unwrap();
/// std::fs::remove_file(&path).unwrap();
/// ```
pub fn scaling(path: &Path, curves: &[Curve], title: &str) -> Result<(), PlotError> {
    let all: Vec<(f64, f64)> = curves.iter().flat_map(|c| c.1.iter().copied()).collect();
    let max_threads = all.iter().map(|p| p.0).fold(1.0, f64::max);
    let max_speedup = all
        .iter()
        .map(|p| p.1)
        .filter(|s| s.is_finite())
        .fold(1.0, f64::max);
    let root = canvas(path)?;
    let y = 0.0..max_speedup.max(max_threads) * 1.1;
    let mut chart = chart(&root, title, 0.0..max_threads + 0.5, y)?;
    chart
        .configure_mesh()
        .light_line_style(WHITE)
        .x_desc("threads")
        .y_desc("speed-up")
        .x_labels(max_threads as usize + 2)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .label_style(("sans-serif", 8))
        .draw()
        .map_err(err)?;
    let grey = RGBColor(150, 150, 150);
    chart
        .draw_series(DashedLineSeries::new(
            [(0.0, 0.0), (max_threads, max_threads)],
            6,
            4,
            grey.stroke_width(1),
        ))
        .map_err(err)?
        .label("ideal")
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], grey));
    for (i, (name, points)) in curves.iter().enumerate() {
        let colour = Palette99::pick(i).to_rgba();
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                colour.stroke_width(2),
            ))
            .map_err(err)?
            .label(name)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], colour.stroke_width(2)));
        chart
            .draw_series(points.iter().map(|&p| Circle::new(p, 3, colour.filled())))
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .label_font(("sans-serif", 8))
        .draw()
        .map_err(err)?;
    root.present().map_err(err)
}

/// The Mandelbrot counts as a colour image, one pixel per count: points of the set (count
/// `max_iter`) black, the others coloured by `ln(1 + count)` on the viridis scale; the top row
/// is the grid's last row (imaginary part 1.5).
///
/// # Errors
/// When the file cannot be written, or `counts` is not `width * height` long.
///
/// ```
/// use parfor_kernels::cli::plots;
/// let path = std::env::temp_dir().join(format!("parfor-image-doc-{}.png", std::process::id()));
/// plots::counts_image(&path, &[1, 2, 3, 10, 10, 4], (3, 2), 10).unwrap();
/// assert!(plots::counts_image(&path, &[1, 2], (3, 2), 10).is_err());
/// std::fs::remove_file(&path).unwrap();
/// ```
pub fn counts_image(
    path: &Path,
    counts: &[u32],
    (width, height): (u32, u32),
    max_iter: u32,
) -> Result<(), PlotError> {
    if counts.len() != width as usize * height as usize {
        return Err("counts_image: counts is not width * height long".into());
    }
    let root = BitMapBackend::new(path, (width, height)).into_drawing_area();
    let scale = (1.0 + f64::from(max_iter)).ln();
    for (py, row) in counts.chunks(width as usize).enumerate() {
        let y = height as i32 - 1 - py as i32;
        for (px, &c) in row.iter().enumerate() {
            let colour = if c >= max_iter {
                BLACK
            } else {
                ViridisRGB.get_color((1.0 + f64::from(c)).ln() / scale)
            };
            root.draw_pixel((px as i32, y), &colour).map_err(err)?;
        }
    }
    root.present().map_err(err)
}
