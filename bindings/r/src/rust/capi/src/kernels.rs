//! The seed-suite kernels: `parfor_<kernel>(inputs..., outputs...)`, each returning a status.
//! Each runs on the global pool with the kernel's default schedule; stochastic kernels give the
//! same bits for a seed whatever the thread count.

use crate::args::{disjoint, input, output, positive, put};
use crate::status::{guard, non_null, Failure};
use parfor_kernels::{bootstrap, grid_max, mandelbrot, pi, roots, roots_sum, wealth, weather};
use std::ffi::c_int;

/// Monte Carlo pi from `n` points drawn with `seed`; `n = 0` is `PARFOR_ERR_INVALID`.
///
/// ```c
/// double pi; if (parfor_pi(100000000, 42, &pi) == PARFOR_OK) printf("%f\n", pi);
/// ```
///
/// # Safety
/// `out` must be null or point to a writable `double`.
#[no_mangle]
pub unsafe extern "C" fn parfor_pi(n: u64, seed: u64, out: *mut f64) -> c_int {
    guard(|| {
        non_null(out, "out")?;
        let n = positive(n, "n")?;
        let value = pi::parallel(pi::Params { n }, seed, pi::DEFAULT_SCHEDULE);
        // SAFETY: forwarded contract.
        unsafe { put(out, "out", value) }
    })
}

/// `out[i] = sqrt(x[i])` as `float`, for `n` elements; `x` and `out` must not overlap.
///
/// ```c
/// parfor_roots(x, y, n);
/// ```
///
/// # Safety
/// `x` must point to `n` readable doubles and `out` to `n` writable floats (or be null, which is
/// refused unless `n` is 0).
#[no_mangle]
pub unsafe extern "C" fn parfor_roots(x: *const f64, out: *mut f32, n: usize) -> c_int {
    guard(|| {
        disjoint((x, n, "x"), (out.cast_const(), n, "out"))?;
        // SAFETY: checked above; validity is the caller's contract.
        let (x, out) = unsafe { (input(x, n, "x")?, output(out, n, "out")?) };
        roots::parallel(x, out, roots::DEFAULT_SCHEDULE);
        Ok(())
    })
}

/// Fills `x` with `roots`' input for `seed`: `x[i] = 500 * U[0, 1)`.
///
/// ```c
/// parfor_roots_input(42, x, n);
/// ```
///
/// # Safety
/// `x` must point to `n` writable doubles.
#[no_mangle]
pub unsafe extern "C" fn parfor_roots_input(seed: u64, x: *mut f64, n: usize) -> c_int {
    guard(|| {
        // SAFETY: checked by `output`; validity is the caller's contract.
        let x = unsafe { output(x, n, "x")? };
        roots::fill_input(seed, x, roots::DEFAULT_SCHEDULE);
        Ok(())
    })
}

/// `out[i] = sum over j of sqrt(x[j])` for every `i` (deliberately O(n^2)); no overlap allowed.
///
/// ```c
/// parfor_roots_sum(x, sums, n);
/// ```
///
/// # Safety
/// `x` must point to `n` readable doubles and `out` to `n` writable doubles.
#[no_mangle]
pub unsafe extern "C" fn parfor_roots_sum(x: *const f64, out: *mut f64, n: usize) -> c_int {
    guard(|| {
        disjoint((x, n, "x"), (out.cast_const(), n, "out"))?;
        // SAFETY: checked above; validity is the caller's contract.
        let (x, out) = unsafe { (input(x, n, "x")?, output(out, n, "out")?) };
        roots_sum::parallel(x, out, roots_sum::DEFAULT_SCHEDULE);
        Ok(())
    })
}

/// The median final wealth of `households` households simulated for `steps` steps.
///
/// ```c
/// double median; parfor_wealth(50000, 1000, 42, &median);
/// ```
///
/// # Safety
/// `median` must be null or point to a writable `double`.
#[no_mangle]
pub unsafe extern "C" fn parfor_wealth(
    households: u64,
    steps: u32,
    seed: u64,
    median: *mut f64,
) -> c_int {
    guard(|| {
        non_null(median, "median")?;
        let p = wealth::Params {
            households: positive(households, "households")?,
            steps,
            ..Default::default()
        };
        // SAFETY: forwarded contract.
        unsafe {
            put(
                median,
                "median",
                wealth::parallel(p, seed, wealth::DEFAULT_SCHEDULE),
            )
        }
    })
}

/// Mean and standard deviation of the final temperatures of `runs` runs of `steps` steps.
///
/// ```c
/// double mean, sd; parfor_weather(5000000, 100, 42, &mean, &sd);
/// ```
///
/// # Safety
/// `mean` and `std` must be null or point to writable doubles.
#[no_mangle]
pub unsafe extern "C" fn parfor_weather(
    runs: u64,
    steps: u32,
    seed: u64,
    mean: *mut f64,
    std: *mut f64,
) -> c_int {
    guard(|| {
        non_null(mean, "mean")?;
        non_null(std, "std")?;
        let p = weather::Params {
            runs: positive(runs, "runs")?,
            steps,
            ..Default::default()
        };
        let stats = weather::parallel(p, seed, weather::DEFAULT_SCHEDULE);
        // SAFETY: forwarded contract.
        unsafe {
            put(mean, "mean", stats.mean)?;
            put(std, "std", stats.std)
        }
    })
}

/// The maximum of cos(x^2+y^2)/(1+x^2+y^2) over an `n` x `n` grid of [-3, 3]^2.
///
/// ```c
/// double m; parfor_grid_max(5000, &m);
/// ```
///
/// # Safety
/// `out` must be null or point to a writable `double`.
#[no_mangle]
pub unsafe extern "C" fn parfor_grid_max(n: u64, out: *mut f64) -> c_int {
    guard(|| {
        non_null(out, "out")?;
        let p = grid_max::Params {
            n: positive(n, "n")?,
        };
        // SAFETY: forwarded contract.
        unsafe {
            put(
                out,
                "out",
                grid_max::parallel(p, grid_max::DEFAULT_SCHEDULE),
            )
        }
    })
}

/// `tasks` tasks, each drawing `draws` standard normals from its own stream: fills `means` and
/// `stds` (each of length `len`, which must equal `tasks`; both may be null with `len` 0 to get
/// only the summary) and writes the mean of the means and the mean of the stds (divisor `draws`).
///
/// ```c
/// double mm, ms; parfor_bootstrap(100000, 1000, 42, means, stds, 100000, &mm, &ms);
/// ```
///
/// # Safety
/// `means` and `stds` must point to `len` writable doubles each (or be null with `len` 0);
/// `mean_of_means` and `mean_of_stds` must be null or writable.
#[no_mangle]
pub unsafe extern "C" fn parfor_bootstrap(
    tasks: u64,
    draws: u64,
    seed: u64,
    means: *mut f64,
    stds: *mut f64,
    len: usize,
    mean_of_means: *mut f64,
    mean_of_stds: *mut f64,
) -> c_int {
    guard(|| {
        non_null(mean_of_means, "mean_of_means")?;
        non_null(mean_of_stds, "mean_of_stds")?;
        let p = bootstrap::Params {
            tasks: positive(tasks, "tasks")?,
            draws: positive(draws, "draws")?,
        };
        let summary = if len == 0 && means.is_null() && stds.is_null() {
            bootstrap::summary(p, seed, bootstrap::DEFAULT_SCHEDULE)
        } else {
            if len as u64 != tasks {
                return Err(Failure::invalid(format!(
                    "len ({len}) must equal tasks ({tasks}), or be 0 with means and stds null"
                )));
            }
            disjoint(
                (means.cast_const(), len, "means"),
                (stds.cast_const(), len, "stds"),
            )?;
            // SAFETY: checked; validity is the caller's contract.
            let (means, stds) =
                unsafe { (output(means, len, "means")?, output(stds, len, "stds")?) };
            bootstrap::fill(p, seed, means, stds, bootstrap::DEFAULT_SCHEDULE)
        };
        // SAFETY: forwarded contract.
        unsafe {
            put(mean_of_means, "mean_of_means", summary.mean_of_means)?;
            put(mean_of_stds, "mean_of_stds", summary.mean_of_stds)
        }
    })
}

/// Escape counts (at most `max_iter`) over a `width` x `height` grid of [-2, 1] x [-1.5, 1.5],
/// row by row into `counts` (length `len` = width * height; null with `len` 0 for the total only),
/// and their total.
///
/// ```c
/// uint64_t total; parfor_mandelbrot(2000, 2000, 1000, counts, 2000 * 2000, &total);
/// ```
///
/// # Safety
/// `counts` must point to `len` writable `uint32_t` (or be null with `len` 0); `total` must be
/// null or writable.
#[no_mangle]
pub unsafe extern "C" fn parfor_mandelbrot(
    width: u32,
    height: u32,
    max_iter: u32,
    counts: *mut u32,
    len: usize,
    total: *mut u64,
) -> c_int {
    guard(|| {
        non_null(total, "total")?;
        let p = crate::blocks::mandelbrot_params(width, height, max_iter)?;
        let sum = if len == 0 && counts.is_null() {
            mandelbrot::total(p, mandelbrot::DEFAULT_SCHEDULE)
        } else {
            if len != p.pixels() {
                return Err(Failure::invalid(format!(
                    "len ({len}) must equal width * height, or be 0 with counts null"
                )));
            }
            // SAFETY: checked by `output`; validity is the caller's contract.
            let counts = unsafe { output(counts, len, "counts")? };
            mandelbrot::counts(p, counts, mandelbrot::DEFAULT_SCHEDULE)
        };
        // SAFETY: forwarded contract.
        unsafe { put(total, "total", sum) }
    })
}
