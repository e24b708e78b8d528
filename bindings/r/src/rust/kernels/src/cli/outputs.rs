//! What `parfor run --out DIR` writes for each kernel: the values the seed notebooks look at, in
//! files their users open, and (with the `plots` feature) their pictures.
//!
//! | kernel | files |
//! |---|---|
//! | weather | `weather_final_temperatures.csv` (one per run) and `.png` (histogram) |
//! | wealth | `wealth_final_wealth.csv` (one per household) and `.png` (histogram); `wealth_path.csv` and `.png`: household 0 over T = 100 steps from w0 = 5, as in the seed |
//! | bootstrap | `bootstrap_tasks.csv`: each task's mean and std |
//! | mandelbrot | `mandelbrot_counts.npy` (uint32, height x width) and `mandelbrot.png` |
//!
//! The other kernels' outputs are single numbers, which the table and `--json` show.
//!
//! ```
//! use parfor_kernels::cli::outputs;
//! use parfor_kernels::suite::{Kernel, Size, Workload};
//! let dir = std::env::temp_dir().join(format!("parfor-outputs-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let mut w = Workload::new(Kernel::Bootstrap, Size::Small, 1);
//! w.parallel(parfor_kernels::Runner::Global, Kernel::Bootstrap.default_schedule());
//! let written = outputs::write(&dir, &w, Kernel::Bootstrap.default_schedule()).unwrap();
//! assert_eq!(written, [dir.join("bootstrap_tasks.csv")]);
//! std::fs::remove_dir_all(&dir).unwrap();
//! ```

use super::files;
use crate::alloc::vec_of;
use crate::suite::{Kernel, Outputs, Workload};
use crate::{wealth, weather, Runner};
use parfor::Schedule;
use std::path::{Path, PathBuf};

/// What writing the outputs may fail with: a file, an allocation, a picture.
pub type OutputError = Box<dyn std::error::Error + Send + Sync>;

/// The seed notebook's wealth path: T = 100 steps from w0 = 5.
pub const PATH_STEPS: u32 = 100;
/// The starting wealth of the path.
pub const PATH_W0: f64 = 5.0;

/// Writes `w`'s files into `dir` (which must exist); `w`'s parallel side must have run.
/// Weather's final temperatures are computed again here, in parallel with `schedule` (the kernel
/// itself keeps only their moments). Returns the paths written, in order.
///
/// # Errors
/// When a file cannot be written. Unwinds with [`parfor::AllocError`] when memory for
/// weather's temperatures cannot be had.
pub fn write(dir: &Path, w: &Workload, schedule: Schedule) -> Result<Vec<PathBuf>, OutputError> {
    let mut written = Vec::new();
    let p = w.params();
    match (w.kernel(), w.parallel_outputs()) {
        (Kernel::Weather, _) => {
            let runs = p.weather.runs;
            let mut t = vec_of(runs, f64::NAN);
            weather::final_temperatures_on(Runner::Global, p.weather, w.seed(), &mut t, schedule);
            let name = "weather_final_temperatures";
            csv_column(dir, name, "final_temperature", &t, &mut written)?;
            let title = format!("final temperatures of {runs} runs");
            let picture = Picture::Histogram {
                values: &t,
                upper: None,
                title: &title,
                x_label: "final temperature",
            };
            draw(dir, name, picture, &mut written)?;
        }
        (Kernel::Wealth, Outputs::F64(finals)) => {
            let name = "wealth_final_wealth";
            csv_column(dir, name, "final_wealth", finals, &mut written)?;
            let cut = percentile(finals, 0.99);
            let title = format!("final wealths (the 1% above {cut:.2} not shown)");
            let picture = Picture::Histogram {
                values: finals,
                upper: Some(cut),
                title: &title,
                x_label: "final wealth",
            };
            draw(dir, name, picture, &mut written)?;
            let path_params = wealth::Params {
                steps: PATH_STEPS,
                w0: PATH_W0,
                ..p.wealth
            };
            let mut path = vec![0.0; PATH_STEPS as usize + 1];
            wealth::path(path_params, w.seed(), 0, &mut path);
            let t: Vec<f64> = (0..path.len()).map(|t| t as f64).collect();
            let file = dir.join("wealth_path.csv");
            files::write_csv(&file, &["t", "wealth"], &[&t, &path])?;
            written.push(file);
            let title = format!("wealth of household 0 (T = {PATH_STEPS}, w0 = {PATH_W0})");
            let picture = Picture::Path {
                values: &path,
                title: &title,
            };
            draw(dir, "wealth_path", picture, &mut written)?;
        }
        (Kernel::Bootstrap, Outputs::Pair(means, stds)) => {
            let file = dir.join("bootstrap_tasks.csv");
            files::write_csv(&file, &["mean", "std"], &[means, stds])?;
            written.push(file);
        }
        (Kernel::Mandelbrot, Outputs::U32(counts)) => {
            let m = p.mandelbrot;
            let file = dir.join("mandelbrot_counts.npy");
            let shape = [m.height as usize, m.width as usize];
            files::write_npy_u32(&file, &shape, counts)?;
            written.push(file);
            let picture = Picture::Counts { counts, params: m };
            draw(dir, "mandelbrot", picture, &mut written)?;
        }
        _ => {}
    }
    Ok(written)
}

/// The `q` quantile of `values` (nearest rank), on a copy.
fn percentile(values: &[f64], q: f64) -> f64 {
    let mut copy = values.to_vec();
    if copy.is_empty() {
        return f64::NAN;
    }
    let k = ((copy.len() - 1) as f64 * q).round() as usize;
    let (_, &mut v, _) = copy.select_nth_unstable_by(k, f64::total_cmp);
    v
}

fn csv_column(
    dir: &Path,
    name: &str,
    header: &str,
    values: &[f64],
    written: &mut Vec<PathBuf>,
) -> Result<(), OutputError> {
    let file = dir.join(format!("{name}.csv"));
    files::write_csv(&file, &[header], &[values])?;
    written.push(file);
    Ok(())
}

/// A picture of some of the values written.
enum Picture<'a> {
    /// A histogram of `values` up to `upper` (default: their maximum).
    Histogram {
        values: &'a [f64],
        upper: Option<f64>,
        title: &'a str,
        x_label: &'a str,
    },
    /// The wealth path: `values[t]` against `t`.
    Path { values: &'a [f64], title: &'a str },
    /// The Mandelbrot counts as an image.
    Counts {
        counts: &'a [u32],
        params: crate::mandelbrot::Params,
    },
}

/// Draws `picture` into `dir/name.png` and records the path (without the `plots` feature: does
/// nothing).
#[cfg(feature = "plots")]
fn draw(
    dir: &Path,
    name: &str,
    picture: Picture<'_>,
    written: &mut Vec<PathBuf>,
) -> Result<(), OutputError> {
    use super::plots;
    let file = dir.join(format!("{name}.png"));
    match picture {
        Picture::Histogram {
            values,
            upper,
            title,
            x_label,
        } => {
            let Some((lo, hi)) = plots::finite_range(values) else {
                return Ok(());
            };
            plots::histogram(&file, values, (lo, upper.unwrap_or(hi)), title, x_label)?;
        }
        Picture::Path { values, title } => {
            let points: Vec<(f64, f64)> = values
                .iter()
                .enumerate()
                .map(|(t, &w)| (t as f64, w))
                .collect();
            plots::line(&file, &points, title, ("t", "wealth"))?;
        }
        Picture::Counts { counts, params } => {
            let size = (params.width, params.height);
            plots::counts_image(&file, counts, size, params.max_iter)?;
        }
    }
    written.push(file);
    Ok(())
}

#[cfg(not(feature = "plots"))]
fn draw(_: &Path, _: &str, _: Picture<'_>, _: &mut Vec<PathBuf>) -> Result<(), OutputError> {
    Ok(())
}
