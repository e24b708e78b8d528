//! Block ranges: a slice of a kernel's run, for splitting one run across processes (MPI ranks).
//!
//! Every reducing kernel (pi, weather, bootstrap's summary, grid_max, mandelbrot's total) cuts its
//! work into a fixed number of blocks that depends only on the problem size, never on threads or
//! processes; stochastic blocks draw from their own random streams. For each kernel:
//! - `parfor_<kernel>_num_blocks(size..., &nblocks)` says how many blocks the problem has;
//! - `parfor_<kernel>_blocks(size..., [seed,] block_lo, block_hi, ...)` computes the blocks
//!   `block_lo .. block_hi-1` on parfor's pool and writes their partial result (an empty range,
//!   `block_lo == block_hi`, is allowed and gives an empty partial);
//! - `parfor_<kernel>_finish(partials..., &result)` combines the partials of consecutive ranges,
//!   given in block order, into exactly the bits of the whole-run function (`parfor_pi`, ...).
//!
//! Weather and bootstrap combine floating-point values, so their partials are per block (one
//! `parfor_moments` / `parfor_bootstrap_sums` per block, into a caller array) and their finish
//! functions fold them in block order exactly as the single-process run does. The arithmetic is
//! the kernels' own (`parfor_kernels::<kernel>::partial` and `*Partial::finish`).
//!
//! ```c
//! uint64_t nb; parfor_pi_num_blocks(n, &nb);
//! uint64_t lo = nb * rank / size, hi = nb * (rank + 1) / size;   // this rank's share
//! parfor_pi_partial mine; parfor_pi_blocks(n, seed, lo, hi, &mine);
//! // gather every rank's partial to rank 0, in rank order, then:
//! double pi; parfor_pi_finish(all, size, &pi);
//! ```

use crate::args::{input, output, positive, put};
use crate::status::{guard, non_null, Failure, Outcome};
use parfor_kernels::{bootstrap, grid_max, mandelbrot, pi, weather, Runner};
use std::ffi::c_int;
use std::ops::Range;

/// The range `lo..hi`, or `PARFOR_ERR_INVALID` unless `lo <= hi <= num_blocks`.
fn block_range(lo: u64, hi: u64, num_blocks: u64) -> Outcome<Range<u64>> {
    if lo <= hi && hi <= num_blocks {
        Ok(lo..hi)
    } else {
        Err(Failure::invalid(format!(
            "block_lo ({lo}) and block_hi ({hi}) must satisfy block_lo <= block_hi <= {num_blocks}, the number of blocks"
        )))
    }
}

/// `PARFOR_ERR_INVALID` unless the caller's array length `len` is the number of blocks of
/// `blocks`.
fn one_per_block(len: usize, blocks: &Range<u64>) -> Outcome {
    if len as u64 == blocks.end - blocks.start {
        Ok(())
    } else {
        Err(Failure::invalid(format!(
            "len ({len}) must equal block_hi - block_lo ({})",
            blocks.end - blocks.start
        )))
    }
}

/// The range `lo..hi` of a partial handed back by the caller, `PARFOR_ERR_INVALID` if reversed.
fn partial_range(lo: u64, hi: u64) -> Outcome<Range<u64>> {
    block_range(lo, hi, u64::MAX)
}

/// A caller's non-empty input array named `name` (`PARFOR_ERR_INVALID` when `len` is 0).
///
/// # Safety
/// As [`input`].
unsafe fn non_empty<'a, T>(ptr: *const T, len: usize, name: &str) -> Outcome<&'a [T]> {
    // SAFETY: forwarded contract.
    let items = unsafe { input(ptr, len, name)? };
    if items.is_empty() {
        Err(Failure::invalid(format!("{name}: len must be at least 1")))
    } else {
        Ok(items)
    }
}

/// Combines partials of consecutive block ranges in order (`PARFOR_ERR_INVALID` when a range does
/// not start where the previous one ends).
fn combine_all<P, E: std::fmt::Display>(
    parts: impl IntoIterator<Item = Outcome<P>>,
    join: impl Fn(P, P) -> Result<P, E>,
) -> Outcome<P> {
    let mut acc: Option<P> = None;
    for part in parts {
        let part = part?;
        acc = Some(match acc {
            None => part,
            Some(a) => join(a, part).map_err(|e| Failure::invalid(e.to_string()))?,
        });
    }
    acc.ok_or_else(|| Failure::invalid("partials: len must be at least 1"))
}

/// `PARFOR_ERR_INVALID` when the sum of the partials' `field` overflows a `u64`.
fn checked_total(values: impl IntoIterator<Item = u64>, field: &str) -> Outcome<u64> {
    values
        .into_iter()
        .try_fold(0u64, u64::checked_add)
        .ok_or_else(|| {
            Failure::invalid(format!(
                "the partials' {field} add up to more than 2^64 - 1"
            ))
        })
}

// ---------------------------------------------------------------------------------------------
// pi

/// The partial result of pi's blocks `block_lo .. block_hi-1`: points drawn and points inside
/// the circle. Plain integers, so ranks can send it as four `uint64_t` (`MPI_UINT64_T`).
///
/// ```c
/// parfor_pi_partial part;
/// parfor_pi_blocks(100000000, 42, 0, 763, &part);
/// MPI_Gather(&part, 4, MPI_UINT64_T, all, 4, MPI_UINT64_T, 0, MPI_COMM_WORLD);
/// ```
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub struct parfor_pi_partial {
    /// First block covered.
    pub block_lo: u64,
    /// One past the last block covered.
    pub block_hi: u64,
    /// Points inside the circle.
    pub hits: u64,
    /// Points drawn.
    pub points: u64,
}

impl From<pi::PiPartial> for parfor_pi_partial {
    fn from(p: pi::PiPartial) -> Self {
        parfor_pi_partial {
            block_lo: p.blocks.start,
            block_hi: p.blocks.end,
            hits: p.hits,
            points: p.points,
        }
    }
}

/// The number of blocks of a pi run of `n` points (`n = 0` is `PARFOR_ERR_INVALID`).
///
/// ```c
/// uint64_t nblocks; parfor_pi_num_blocks(100000000, &nblocks);   // 1526
/// ```
///
/// # Safety
/// `nblocks` must be null or point to a writable `uint64_t`.
#[no_mangle]
pub unsafe extern "C" fn parfor_pi_num_blocks(n: u64, nblocks: *mut u64) -> c_int {
    guard(|| {
        let p = pi::Params {
            n: positive(n, "n")?,
        };
        // SAFETY: forwarded contract.
        unsafe { put(nblocks, "nblocks", pi::num_blocks(p)) }
    })
}

/// Runs blocks `block_lo .. block_hi-1` of the pi run of `n` points with `seed` on parfor's pool
/// and writes their partial. `block_lo > block_hi`, `block_hi > num_blocks` and `n = 0` are
/// `PARFOR_ERR_INVALID`; `block_lo == block_hi` gives an empty partial.
///
/// ```c
/// parfor_pi_partial part; parfor_pi_blocks(100000000, 42, lo, hi, &part);
/// ```
///
/// # Safety
/// `partial` must be null or point to a writable `parfor_pi_partial`.
#[no_mangle]
pub unsafe extern "C" fn parfor_pi_blocks(
    n: u64,
    seed: u64,
    block_lo: u64,
    block_hi: u64,
    partial: *mut parfor_pi_partial,
) -> c_int {
    guard(|| {
        non_null(partial, "partial")?;
        let p = pi::Params {
            n: positive(n, "n")?,
        };
        let blocks = block_range(block_lo, block_hi, pi::num_blocks(p))?;
        let part = pi::partial(p, seed, blocks, pi::DEFAULT_SCHEDULE);
        // SAFETY: forwarded contract.
        unsafe { put(partial, "partial", part.into()) }
    })
}

/// The pi estimate of `len` partials of consecutive block ranges, in block order: with the
/// partials of `0 .. num_blocks` it has exactly the bits of `parfor_pi(n, seed, ...)`.
/// `len = 0`, ranges that do not follow each other and sums that overflow are
/// `PARFOR_ERR_INVALID`.
///
/// ```c
/// double pi; parfor_pi_finish(parts, nranks, &pi); printf("%.17g\n", pi);
/// ```
///
/// # Safety
/// `partials` must point to `len` readable partials; `pi` must be null or writable.
#[no_mangle]
pub unsafe extern "C" fn parfor_pi_finish(
    partials: *const parfor_pi_partial,
    len: usize,
    pi: *mut f64,
) -> c_int {
    guard(|| {
        non_null(pi, "pi")?;
        // SAFETY: checked by `input`; validity is the caller's contract.
        let parts = unsafe { non_empty(partials, len, "partials")? };
        checked_total(parts.iter().map(|p| p.hits), "hits")?;
        checked_total(parts.iter().map(|p| p.points), "points")?;
        let whole = combine_all(
            parts.iter().map(|c| {
                Ok(pi::PiPartial {
                    blocks: partial_range(c.block_lo, c.block_hi)?,
                    hits: c.hits,
                    points: c.points,
                })
            }),
            pi::PiPartial::try_combine,
        )?;
        // SAFETY: forwarded contract.
        unsafe { put(pi, "pi", whole.finish()) }
    })
}

/// Fills `out[k]` with `block(first + k)` for every `k`, in parallel on the global pool: the
/// per-block partials of a range of blocks go straight into the caller's array.
fn fill_per_block<T: Send>(
    out: &mut [T],
    first: u64,
    schedule: parfor::Schedule,
    block: impl Fn(u64) -> T + Sync,
) {
    Runner::Global.for_slice(out, schedule, |start, piece| {
        for (k, slot) in piece.iter_mut().enumerate() {
            *slot = block(first + (start + k) as u64);
        }
    });
}

// ---------------------------------------------------------------------------------------------
// weather

/// Count, mean and sum of squared deviations of one weather block's final temperatures
/// (Welford). Send it as 24 bytes (`MPI_BYTE`), or with a struct datatype.
///
/// ```c
/// parfor_moments *m = malloc((hi - lo) * sizeof *m);
/// parfor_weather_blocks(runs, 100, 42, lo, hi, m, hi - lo);
/// ```
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[allow(non_camel_case_types)]
pub struct parfor_moments {
    /// Number of values.
    pub count: u64,
    /// Their mean.
    pub mean: f64,
    /// Sum of squared deviations from the mean.
    pub m2: f64,
}

impl From<weather::Moments> for parfor_moments {
    fn from(m: weather::Moments) -> Self {
        parfor_moments {
            count: m.count,
            mean: m.mean,
            m2: m.m2,
        }
    }
}

impl From<parfor_moments> for weather::Moments {
    fn from(m: parfor_moments) -> Self {
        weather::Moments {
            count: m.count,
            mean: m.mean,
            m2: m.m2,
        }
    }
}

/// The number of blocks of a weather run of `runs` runs (`runs = 0` is `PARFOR_ERR_INVALID`).
///
/// ```c
/// uint64_t nblocks; parfor_weather_num_blocks(5000000, &nblocks);   // 4883
/// ```
///
/// # Safety
/// `nblocks` must be null or point to a writable `uint64_t`.
#[no_mangle]
pub unsafe extern "C" fn parfor_weather_num_blocks(runs: u64, nblocks: *mut u64) -> c_int {
    guard(|| {
        let p = weather::Params {
            runs: positive(runs, "runs")?,
            ..Default::default()
        };
        // SAFETY: forwarded contract.
        unsafe { put(nblocks, "nblocks", weather::num_blocks(p)) }
    })
}

/// Runs blocks `block_lo .. block_hi-1` of the weather run (`runs` runs of `steps` steps, `seed`,
/// as `parfor_weather`) and writes one `parfor_moments` per block, in block order, into
/// `moments` (length `len`, which must equal `block_hi - block_lo`).
///
/// ```c
/// parfor_weather_blocks(5000000, 100, 42, lo, hi, moments, hi - lo);
/// ```
///
/// # Safety
/// `moments` must point to `len` writable `parfor_moments` (or be null with `len` 0).
#[no_mangle]
pub unsafe extern "C" fn parfor_weather_blocks(
    runs: u64,
    steps: u32,
    seed: u64,
    block_lo: u64,
    block_hi: u64,
    moments: *mut parfor_moments,
    len: usize,
) -> c_int {
    guard(|| {
        let p = weather::Params {
            runs: positive(runs, "runs")?,
            steps,
            ..Default::default()
        };
        let blocks = block_range(block_lo, block_hi, weather::num_blocks(p))?;
        one_per_block(len, &blocks)?;
        // SAFETY: checked by `output`; validity is the caller's contract.
        let out = unsafe { output(moments, len, "moments")? };
        fill_per_block(out, blocks.start, weather::DEFAULT_SCHEDULE, |b| {
            weather::block_moments(p, seed, b).into()
        });
        Ok(())
    })
}

/// Mean and standard deviation (divisor n) of the final temperatures, from `len` per-block
/// moments in block order, merged in that order exactly as `parfor_weather` does: with the
/// moments of blocks `0 .. num_blocks` it gives that function's bits. `len = 0` is
/// `PARFOR_ERR_INVALID`.
///
/// ```c
/// double mean, sd; parfor_weather_finish(all_moments, nblocks, &mean, &sd);
/// ```
///
/// # Safety
/// `moments` must point to `len` readable `parfor_moments`; `mean` and `std` must be null or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn parfor_weather_finish(
    moments: *const parfor_moments,
    len: usize,
    mean: *mut f64,
    std: *mut f64,
) -> c_int {
    guard(|| {
        non_null(mean, "mean")?;
        non_null(std, "std")?;
        // SAFETY: checked by `input`; validity is the caller's contract.
        let per_block = unsafe { non_empty(moments, len, "moments")? };
        let stats = weather::merge_in_order(per_block.iter().map(|&m| m.into())).stats();
        // SAFETY: forwarded contract.
        unsafe {
            put(mean, "mean", stats.mean)?;
            put(std, "std", stats.std)
        }
    })
}

// ---------------------------------------------------------------------------------------------
// bootstrap

/// The sums of the task means and of the task stds of one bootstrap block, in task order.
/// Two doubles: send it as `2 * count` `MPI_DOUBLE`.
///
/// ```c
/// parfor_bootstrap_sums *s = malloc((hi - lo) * sizeof *s);
/// parfor_bootstrap_blocks(100000, 1000, 42, lo, hi, s, hi - lo);
/// ```
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[allow(non_camel_case_types)]
pub struct parfor_bootstrap_sums {
    /// Sum of the block's task means.
    pub means: f64,
    /// Sum of the block's task stds.
    pub stds: f64,
}

/// The number of blocks of a bootstrap run of `tasks` tasks (`tasks = 0` is
/// `PARFOR_ERR_INVALID`).
///
/// ```c
/// uint64_t nblocks; parfor_bootstrap_num_blocks(100000, &nblocks);   // 1563
/// ```
///
/// # Safety
/// `nblocks` must be null or point to a writable `uint64_t`.
#[no_mangle]
pub unsafe extern "C" fn parfor_bootstrap_num_blocks(tasks: u64, nblocks: *mut u64) -> c_int {
    guard(|| {
        let p = bootstrap::Params {
            tasks: positive(tasks, "tasks")?,
            draws: 1,
        };
        // SAFETY: forwarded contract.
        unsafe { put(nblocks, "nblocks", bootstrap::num_blocks(p)) }
    })
}

/// Runs blocks `block_lo .. block_hi-1` of the bootstrap run (`tasks` tasks of `draws` normals,
/// `seed`, as `parfor_bootstrap`) and writes one `parfor_bootstrap_sums` per block, in block
/// order, into `sums` (length `len`, which must equal `block_hi - block_lo`).
///
/// ```c
/// parfor_bootstrap_blocks(100000, 1000, 42, lo, hi, sums, hi - lo);
/// ```
///
/// # Safety
/// `sums` must point to `len` writable `parfor_bootstrap_sums` (or be null with `len` 0).
#[no_mangle]
pub unsafe extern "C" fn parfor_bootstrap_blocks(
    tasks: u64,
    draws: u64,
    seed: u64,
    block_lo: u64,
    block_hi: u64,
    sums: *mut parfor_bootstrap_sums,
    len: usize,
) -> c_int {
    guard(|| {
        let p = bootstrap::Params {
            tasks: positive(tasks, "tasks")?,
            draws: positive(draws, "draws")?,
        };
        let blocks = block_range(block_lo, block_hi, bootstrap::num_blocks(p))?;
        one_per_block(len, &blocks)?;
        // SAFETY: checked by `output`; validity is the caller's contract.
        let out = unsafe { output(sums, len, "sums")? };
        fill_per_block(out, blocks.start, bootstrap::DEFAULT_SCHEDULE, |b| {
            let s = bootstrap::block_sums(p, seed, b);
            parfor_bootstrap_sums {
                means: s.means,
                stds: s.stds,
            }
        });
        Ok(())
    })
}

/// The summary of a bootstrap run of `tasks` tasks from its per-block sums, all `len` of them
/// (`len` must equal the number of blocks), in block order: the same bits as
/// `parfor_bootstrap`'s `mean_of_means` and `mean_of_stds`.
///
/// ```c
/// double mm, ms; parfor_bootstrap_finish(100000, all_sums, nblocks, &mm, &ms);
/// ```
///
/// # Safety
/// `sums` must point to `len` readable `parfor_bootstrap_sums`; `mean_of_means` and
/// `mean_of_stds` must be null or writable.
#[no_mangle]
pub unsafe extern "C" fn parfor_bootstrap_finish(
    tasks: u64,
    sums: *const parfor_bootstrap_sums,
    len: usize,
    mean_of_means: *mut f64,
    mean_of_stds: *mut f64,
) -> c_int {
    guard(|| {
        non_null(mean_of_means, "mean_of_means")?;
        non_null(mean_of_stds, "mean_of_stds")?;
        // `draws` plays no part in the summary of given sums.
        let p = bootstrap::Params {
            tasks: positive(tasks, "tasks")?,
            draws: 1,
        };
        one_per_block(len, &(0..bootstrap::num_blocks(p)))?;
        // SAFETY: checked by `input`; validity is the caller's contract.
        let sums = unsafe { non_empty(sums, len, "sums")? };
        let summary = bootstrap::summary_of_blocks(
            sums.iter().map(|s| bootstrap::BlockSums {
                means: s.means,
                stds: s.stds,
            }),
            tasks,
        );
        // SAFETY: forwarded contract.
        unsafe {
            put(mean_of_means, "mean_of_means", summary.mean_of_means)?;
            put(mean_of_stds, "mean_of_stds", summary.mean_of_stds)
        }
    })
}

// ---------------------------------------------------------------------------------------------
// grid_max

/// The maximum over grid_max's blocks (bands of rows) `block_lo .. block_hi-1`; `-inf` when empty.
///
/// ```c
/// parfor_grid_max_partial part; parfor_grid_max_blocks(5000, lo, hi, &part);
/// ```
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[allow(non_camel_case_types)]
pub struct parfor_grid_max_partial {
    /// First block covered.
    pub block_lo: u64,
    /// One past the last block covered.
    pub block_hi: u64,
    /// The maximum over these blocks.
    pub max: f64,
}

/// The number of blocks of an `n` x `n` grid_max problem (`n = 0` is `PARFOR_ERR_INVALID`).
///
/// ```c
/// uint64_t nblocks; parfor_grid_max_num_blocks(5000, &nblocks);   // 625
/// ```
///
/// # Safety
/// `nblocks` must be null or point to a writable `uint64_t`.
#[no_mangle]
pub unsafe extern "C" fn parfor_grid_max_num_blocks(n: u64, nblocks: *mut u64) -> c_int {
    guard(|| {
        let p = grid_max::Params {
            n: positive(n, "n")?,
        };
        // SAFETY: forwarded contract.
        unsafe { put(nblocks, "nblocks", grid_max::num_blocks(p)) }
    })
}

/// Runs blocks `block_lo .. block_hi-1` of the `n` x `n` grid_max problem and writes their
/// maximum.
///
/// ```c
/// parfor_grid_max_partial part; parfor_grid_max_blocks(5000, lo, hi, &part);
/// ```
///
/// # Safety
/// `partial` must be null or point to a writable `parfor_grid_max_partial`.
#[no_mangle]
pub unsafe extern "C" fn parfor_grid_max_blocks(
    n: u64,
    block_lo: u64,
    block_hi: u64,
    partial: *mut parfor_grid_max_partial,
) -> c_int {
    guard(|| {
        non_null(partial, "partial")?;
        let p = grid_max::Params {
            n: positive(n, "n")?,
        };
        let blocks = block_range(block_lo, block_hi, grid_max::num_blocks(p))?;
        let part = grid_max::partial(p, blocks, grid_max::DEFAULT_SCHEDULE);
        let value = parfor_grid_max_partial {
            block_lo: part.blocks.start,
            block_hi: part.blocks.end,
            max: part.max,
        };
        // SAFETY: forwarded contract.
        unsafe { put(partial, "partial", value) }
    })
}

/// The maximum of `len` partials of consecutive block ranges in block order: with the partials
/// of `0 .. num_blocks`, `parfor_grid_max`'s result.
///
/// ```c
/// double m; parfor_grid_max_finish(parts, nranks, &m);
/// ```
///
/// # Safety
/// `partials` must point to `len` readable partials; `max` must be null or writable.
#[no_mangle]
pub unsafe extern "C" fn parfor_grid_max_finish(
    partials: *const parfor_grid_max_partial,
    len: usize,
    max: *mut f64,
) -> c_int {
    guard(|| {
        non_null(max, "max")?;
        // SAFETY: checked by `input`; validity is the caller's contract.
        let parts = unsafe { non_empty(partials, len, "partials")? };
        let whole = combine_all(
            parts.iter().map(|c| {
                Ok(grid_max::GridMaxPartial {
                    blocks: partial_range(c.block_lo, c.block_hi)?,
                    max: c.max,
                })
            }),
            grid_max::GridMaxPartial::try_combine,
        )?;
        // SAFETY: forwarded contract.
        unsafe { put(max, "max", whole.finish()) }
    })
}

// ---------------------------------------------------------------------------------------------
// mandelbrot

/// The total escape count of mandelbrot's blocks (rows) `block_lo .. block_hi-1`. Three
/// `uint64_t`: send it as `MPI_UINT64_T`.
///
/// ```c
/// parfor_mandelbrot_partial part; parfor_mandelbrot_blocks(2000, 2000, 1000, lo, hi, &part);
/// ```
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub struct parfor_mandelbrot_partial {
    /// First row covered.
    pub block_lo: u64,
    /// One past the last row covered.
    pub block_hi: u64,
    /// Their total escape count.
    pub total: u64,
}

/// The mandelbrot problem, `PARFOR_ERR_INVALID` for a zero size.
pub(crate) fn mandelbrot_params(
    width: u32,
    height: u32,
    max_iter: u32,
) -> Outcome<mandelbrot::Params> {
    for (value, name) in [(width, "width"), (height, "height"), (max_iter, "max_iter")] {
        positive(value.into(), name)?;
    }
    Ok(mandelbrot::Params {
        width,
        height,
        max_iter,
    })
}

/// The number of blocks (rows) of a `width` x `height` mandelbrot problem; any zero argument is
/// `PARFOR_ERR_INVALID`.
///
/// ```c
/// uint64_t nblocks; parfor_mandelbrot_num_blocks(2000, 2000, 1000, &nblocks);   // 2000
/// ```
///
/// # Safety
/// `nblocks` must be null or point to a writable `uint64_t`.
#[no_mangle]
pub unsafe extern "C" fn parfor_mandelbrot_num_blocks(
    width: u32,
    height: u32,
    max_iter: u32,
    nblocks: *mut u64,
) -> c_int {
    guard(|| {
        let p = mandelbrot_params(width, height, max_iter)?;
        // SAFETY: forwarded contract.
        unsafe { put(nblocks, "nblocks", mandelbrot::num_blocks(p)) }
    })
}

/// Runs rows `block_lo .. block_hi-1` of the mandelbrot problem and writes their total count.
///
/// ```c
/// parfor_mandelbrot_partial part; parfor_mandelbrot_blocks(2000, 2000, 1000, lo, hi, &part);
/// ```
///
/// # Safety
/// `partial` must be null or point to a writable `parfor_mandelbrot_partial`.
#[no_mangle]
pub unsafe extern "C" fn parfor_mandelbrot_blocks(
    width: u32,
    height: u32,
    max_iter: u32,
    block_lo: u64,
    block_hi: u64,
    partial: *mut parfor_mandelbrot_partial,
) -> c_int {
    guard(|| {
        non_null(partial, "partial")?;
        let p = mandelbrot_params(width, height, max_iter)?;
        let blocks = block_range(block_lo, block_hi, mandelbrot::num_blocks(p))?;
        let part = mandelbrot::partial(p, blocks, mandelbrot::DEFAULT_SCHEDULE);
        let value = parfor_mandelbrot_partial {
            block_lo: part.blocks.start,
            block_hi: part.blocks.end,
            total: part.total,
        };
        // SAFETY: forwarded contract.
        unsafe { put(partial, "partial", value) }
    })
}

/// The total count of `len` partials of consecutive row ranges in order: with the partials of
/// `0 .. num_blocks`, `parfor_mandelbrot`'s total.
///
/// ```c
/// uint64_t total; parfor_mandelbrot_finish(parts, nranks, &total);
/// ```
///
/// # Safety
/// `partials` must point to `len` readable partials; `total` must be null or writable.
#[no_mangle]
pub unsafe extern "C" fn parfor_mandelbrot_finish(
    partials: *const parfor_mandelbrot_partial,
    len: usize,
    total: *mut u64,
) -> c_int {
    guard(|| {
        non_null(total, "total")?;
        // SAFETY: checked by `input`; validity is the caller's contract.
        let parts = unsafe { non_empty(partials, len, "partials")? };
        checked_total(parts.iter().map(|p| p.total), "totals")?;
        let whole = combine_all(
            parts.iter().map(|c| {
                Ok(mandelbrot::MandelbrotPartial {
                    blocks: partial_range(c.block_lo, c.block_hi)?,
                    total: c.total,
                })
            }),
            mandelbrot::MandelbrotPartial::try_combine,
        )?;
        // SAFETY: forwarded contract.
        unsafe { put(total, "total", whole.finish()) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernels::{
        parfor_bootstrap, parfor_grid_max, parfor_mandelbrot, parfor_pi, parfor_weather,
    };
    use crate::status::{PARFOR_ERR_INVALID, PARFOR_ERR_NULL, PARFOR_OK};
    use std::ptr::{null, null_mut};

    /// Ways of cutting `0..n` into consecutive ranges: whole, halves, thirds (as MPI ranks would),
    /// one block each, and with empty ranges at both ends and in the middle.
    fn splits(n: u64) -> Vec<Vec<Range<u64>>> {
        let even = |r: u64| {
            (0..r)
                .map(|k| n * k / r..n * (k + 1) / r)
                .collect::<Vec<_>>()
        };
        let mut out = vec![even(1), even(2), even(3), even(n)];
        out.push(vec![0..0, 0..n / 2, n / 2..n / 2, n / 2..n, n..n]);
        out
    }

    fn ok(status: c_int) {
        assert_eq!(status, PARFOR_OK);
    }

    #[test]
    fn pi_splits_give_the_whole_runs_bits() {
        let (n, seed) = (5 * pi::BLOCK + 123, 42);
        let mut nb = 0;
        // SAFETY: valid out-pointers throughout this test.
        unsafe {
            ok(parfor_pi_num_blocks(n, &mut nb));
            assert_eq!(nb, 6);
            let mut whole = 0.0;
            ok(parfor_pi(n, seed, &mut whole));
            let reference = pi::parallel(pi::Params { n }, seed, pi::DEFAULT_SCHEDULE);
            assert_eq!(whole.to_bits(), reference.to_bits());
            for split in splits(nb) {
                let parts: Vec<parfor_pi_partial> = split
                    .iter()
                    .map(|r| {
                        let mut part = parfor_pi_partial::default();
                        ok(parfor_pi_blocks(n, seed, r.start, r.end, &mut part));
                        assert_eq!((part.block_lo, part.block_hi), (r.start, r.end));
                        part
                    })
                    .collect();
                let mut est = 0.0;
                ok(parfor_pi_finish(parts.as_ptr(), parts.len(), &mut est));
                assert_eq!(est.to_bits(), whole.to_bits(), "{split:?}");
            }
        }
    }

    #[test]
    fn weather_splits_give_the_whole_runs_bits() {
        let (runs, steps, seed) = (5 * weather::BLOCK + 77, 20, 7);
        let mut nb = 0;
        // SAFETY: valid pointers and lengths throughout this test.
        unsafe {
            ok(parfor_weather_num_blocks(runs, &mut nb));
            assert_eq!(nb, 6);
            let (mut mean, mut sd) = (0.0, 0.0);
            ok(parfor_weather(runs, steps, seed, &mut mean, &mut sd));
            let p = weather::Params {
                runs,
                steps,
                ..Default::default()
            };
            assert_eq!(
                weather::parallel(p, seed, weather::DEFAULT_SCHEDULE),
                weather::WeatherStats { mean, std: sd }
            );
            for split in splits(nb) {
                let mut all = Vec::new();
                for r in &split {
                    let len = (r.end - r.start) as usize;
                    let mut m = vec![parfor_moments::default(); len];
                    ok(parfor_weather_blocks(
                        runs,
                        steps,
                        seed,
                        r.start,
                        r.end,
                        m.as_mut_ptr(),
                        len,
                    ));
                    all.extend(m);
                }
                let (mut m2, mut s2) = (0.0, 0.0);
                ok(parfor_weather_finish(
                    all.as_ptr(),
                    all.len(),
                    &mut m2,
                    &mut s2,
                ));
                assert_eq!(
                    (m2.to_bits(), s2.to_bits()),
                    (mean.to_bits(), sd.to_bits()),
                    "{split:?}"
                );
            }
        }
    }

    #[test]
    fn bootstrap_splits_give_the_whole_runs_bits() {
        let (tasks, draws, seed) = (5 * bootstrap::BLOCK + 9, 50, 3);
        let mut nb = 0;
        // SAFETY: valid pointers and lengths throughout this test.
        unsafe {
            ok(parfor_bootstrap_num_blocks(tasks, &mut nb));
            assert_eq!(nb, 6);
            let (mut mm, mut ms) = (0.0, 0.0);
            ok(parfor_bootstrap(
                tasks,
                draws,
                seed,
                null_mut(),
                null_mut(),
                0,
                &mut mm,
                &mut ms,
            ));
            let reference = bootstrap::serial_summary(bootstrap::Params { tasks, draws }, seed);
            assert_eq!(
                (mm.to_bits(), ms.to_bits()),
                (
                    reference.mean_of_means.to_bits(),
                    reference.mean_of_stds.to_bits()
                )
            );
            for split in splits(nb) {
                let mut all = Vec::new();
                for r in &split {
                    let len = (r.end - r.start) as usize;
                    let mut s = vec![parfor_bootstrap_sums::default(); len];
                    ok(parfor_bootstrap_blocks(
                        tasks,
                        draws,
                        seed,
                        r.start,
                        r.end,
                        s.as_mut_ptr(),
                        len,
                    ));
                    all.extend(s);
                }
                let (mut m2, mut s2) = (0.0, 0.0);
                ok(parfor_bootstrap_finish(
                    tasks,
                    all.as_ptr(),
                    all.len(),
                    &mut m2,
                    &mut s2,
                ));
                assert_eq!(
                    (m2.to_bits(), s2.to_bits()),
                    (mm.to_bits(), ms.to_bits()),
                    "{split:?}"
                );
            }
        }
    }

    #[test]
    fn grid_max_splits_give_the_whole_runs_bits() {
        let n = 5 * grid_max::ROWS_PER_BLOCK + 3;
        let mut nb = 0;
        // SAFETY: valid out-pointers throughout this test.
        unsafe {
            ok(parfor_grid_max_num_blocks(n, &mut nb));
            assert_eq!(nb, 6);
            let mut whole = 0.0;
            ok(parfor_grid_max(n, &mut whole));
            assert_eq!(
                whole.to_bits(),
                grid_max::serial(grid_max::Params { n }).to_bits()
            );
            for split in splits(nb) {
                let parts: Vec<parfor_grid_max_partial> = split
                    .iter()
                    .map(|r| {
                        let mut part = parfor_grid_max_partial::default();
                        ok(parfor_grid_max_blocks(n, r.start, r.end, &mut part));
                        part
                    })
                    .collect();
                let mut m = 0.0;
                ok(parfor_grid_max_finish(parts.as_ptr(), parts.len(), &mut m));
                assert_eq!(m.to_bits(), whole.to_bits(), "{split:?}");
            }
        }
    }

    #[test]
    fn mandelbrot_splits_give_the_whole_runs_total() {
        let (w, h, it) = (50, 7, 200);
        let mut nb = 0;
        // SAFETY: valid out-pointers throughout this test.
        unsafe {
            ok(parfor_mandelbrot_num_blocks(w, h, it, &mut nb));
            assert_eq!(nb, 7);
            let mut whole = 0;
            ok(parfor_mandelbrot(w, h, it, null_mut(), 0, &mut whole));
            let p = mandelbrot::Params {
                width: w,
                height: h,
                max_iter: it,
            };
            assert_eq!(whole, mandelbrot::serial_total(p));
            for split in splits(nb) {
                let parts: Vec<parfor_mandelbrot_partial> = split
                    .iter()
                    .map(|r| {
                        let mut part = parfor_mandelbrot_partial::default();
                        ok(parfor_mandelbrot_blocks(
                            w, h, it, r.start, r.end, &mut part,
                        ));
                        part
                    })
                    .collect();
                let mut t = 0;
                ok(parfor_mandelbrot_finish(
                    parts.as_ptr(),
                    parts.len(),
                    &mut t,
                ));
                assert_eq!(t, whole, "{split:?}");
            }
        }
    }

    #[test]
    fn every_bad_input_is_a_status() {
        const INV: c_int = PARFOR_ERR_INVALID;
        const NUL: c_int = PARFOR_ERR_NULL;
        let n = 3 * pi::BLOCK; // 3 blocks
        let mut nb = 0u64;
        let mut pp = parfor_pi_partial::default();
        let mut x = 0.0f64;
        let mut y = 0.0f64;
        let mut t = 0u64;
        let mut m = [parfor_moments::default(); 2];
        let mut s = [parfor_bootstrap_sums::default(); 2];
        let mut gp = parfor_grid_max_partial::default();
        let mut mp = parfor_mandelbrot_partial::default();
        let wb = weather::BLOCK * 3;
        let bb = bootstrap::BLOCK * 3;
        // SAFETY: every pointer is valid or null, and every length matches its array or is refused.
        unsafe {
            // Zero sizes and null out-pointers.
            assert_eq!(parfor_pi_num_blocks(0, &mut nb), INV);
            assert_eq!(parfor_pi_num_blocks(n, null_mut()), NUL);
            assert_eq!(parfor_weather_num_blocks(0, &mut nb), INV);
            assert_eq!(parfor_weather_num_blocks(1, null_mut()), NUL);
            assert_eq!(parfor_bootstrap_num_blocks(0, &mut nb), INV);
            assert_eq!(parfor_bootstrap_num_blocks(1, null_mut()), NUL);
            assert_eq!(parfor_grid_max_num_blocks(0, &mut nb), INV);
            assert_eq!(parfor_grid_max_num_blocks(1, null_mut()), NUL);
            for (w, h, it) in [(0, 1, 1), (1, 0, 1), (1, 1, 0)] {
                assert_eq!(parfor_mandelbrot_num_blocks(w, h, it, &mut nb), INV);
                assert_eq!(parfor_mandelbrot_blocks(w, h, it, 0, 0, &mut mp), INV);
            }
            assert_eq!(parfor_mandelbrot_num_blocks(1, 1, 1, null_mut()), NUL);

            // pi: ranges, sizes, null.
            assert_eq!(parfor_pi_blocks(0, 1, 0, 0, &mut pp), INV);
            assert_eq!(parfor_pi_blocks(n, 1, 2, 1, &mut pp), INV);
            assert_eq!(parfor_pi_blocks(n, 1, 0, 4, &mut pp), INV);
            assert_eq!(parfor_pi_blocks(n, 1, 4, 4, &mut pp), INV);
            assert_eq!(parfor_pi_blocks(n, 1, 0, 1, null_mut()), NUL);
            ok(parfor_pi_blocks(n, 1, 3, 3, &mut pp));
            assert_eq!((pp.hits, pp.points), (0, 0));
            let a = parfor_pi_partial {
                block_lo: 0,
                block_hi: 1,
                hits: 3,
                points: 4,
            };
            let gap = [
                a,
                parfor_pi_partial {
                    block_lo: 2,
                    block_hi: 3,
                    ..a
                },
            ];
            let swapped = [
                parfor_pi_partial {
                    block_lo: 1,
                    block_hi: 2,
                    ..a
                },
                a,
            ];
            let reversed = [parfor_pi_partial {
                block_lo: 2,
                block_hi: 1,
                ..a
            }];
            let overflow = [
                parfor_pi_partial {
                    hits: u64::MAX,
                    ..a
                },
                parfor_pi_partial {
                    block_lo: 1,
                    block_hi: 2,
                    ..a
                },
            ];
            assert_eq!(parfor_pi_finish(gap.as_ptr(), 2, &mut x), INV);
            assert_eq!(parfor_pi_finish(swapped.as_ptr(), 2, &mut x), INV);
            assert_eq!(parfor_pi_finish(reversed.as_ptr(), 1, &mut x), INV);
            assert_eq!(parfor_pi_finish(overflow.as_ptr(), 2, &mut x), INV);
            assert_eq!(parfor_pi_finish(gap.as_ptr(), 0, &mut x), INV);
            assert_eq!(parfor_pi_finish(null(), 0, &mut x), INV);
            assert_eq!(parfor_pi_finish(null(), 1, &mut x), NUL);
            assert_eq!(parfor_pi_finish(gap.as_ptr(), 1, null_mut()), NUL);
            ok(parfor_pi_finish(gap.as_ptr(), 1, &mut x));
            assert_eq!(x, 3.0);

            // weather: lengths must match the range.
            let mp_ = m.as_mut_ptr();
            assert_eq!(parfor_weather_blocks(0, 1, 1, 0, 0, null_mut(), 0), INV);
            assert_eq!(parfor_weather_blocks(wb, 1, 1, 0, 1, mp_, 2), INV);
            assert_eq!(parfor_weather_blocks(wb, 1, 1, 0, 2, mp_, 1), INV);
            assert_eq!(parfor_weather_blocks(wb, 1, 1, 2, 1, mp_, 1), INV);
            assert_eq!(parfor_weather_blocks(wb, 1, 1, 2, 4, mp_, 2), INV);
            assert_eq!(parfor_weather_blocks(wb, 1, 1, 0, 1, null_mut(), 1), NUL);
            ok(parfor_weather_blocks(wb, 1, 1, 3, 3, null_mut(), 0));
            ok(parfor_weather_blocks(wb, 1, 1, 1, 3, mp_, 2));
            assert_eq!(m[0].count, weather::BLOCK);
            assert_eq!(parfor_weather_finish(m.as_ptr(), 0, &mut x, &mut y), INV);
            assert_eq!(parfor_weather_finish(null(), 2, &mut x, &mut y), NUL);
            assert_eq!(
                parfor_weather_finish(m.as_ptr(), 2, null_mut(), &mut y),
                NUL
            );
            assert_eq!(
                parfor_weather_finish(m.as_ptr(), 2, &mut x, null_mut()),
                NUL
            );
            ok(parfor_weather_finish(m.as_ptr(), 2, &mut x, &mut y));

            // bootstrap: lengths, zero draws, finish needs every block.
            let sp = s.as_mut_ptr();
            assert_eq!(parfor_bootstrap_blocks(0, 5, 1, 0, 0, null_mut(), 0), INV);
            assert_eq!(parfor_bootstrap_blocks(bb, 0, 1, 0, 1, sp, 1), INV);
            assert_eq!(parfor_bootstrap_blocks(bb, 5, 1, 0, 1, sp, 2), INV);
            assert_eq!(parfor_bootstrap_blocks(bb, 5, 1, 1, 0, sp, 1), INV);
            assert_eq!(parfor_bootstrap_blocks(bb, 5, 1, 2, 4, sp, 2), INV);
            assert_eq!(parfor_bootstrap_blocks(bb, 5, 1, 0, 1, null_mut(), 1), NUL);
            ok(parfor_bootstrap_blocks(bb, 5, 1, 1, 3, sp, 2));
            assert_eq!(
                parfor_bootstrap_finish(bb, s.as_ptr(), 2, &mut x, &mut y),
                INV
            );
            assert_eq!(
                parfor_bootstrap_finish(0, s.as_ptr(), 2, &mut x, &mut y),
                INV
            );
            assert_eq!(
                parfor_bootstrap_finish(2 * 64, null(), 2, &mut x, &mut y),
                NUL
            );
            assert_eq!(
                parfor_bootstrap_finish(2 * 64, s.as_ptr(), 2, null_mut(), &mut y),
                NUL
            );
            assert_eq!(
                parfor_bootstrap_finish(2 * 64, s.as_ptr(), 2, &mut x, null_mut()),
                NUL
            );
            ok(parfor_bootstrap_finish(
                2 * bootstrap::BLOCK,
                s.as_ptr(),
                2,
                &mut x,
                &mut y,
            ));

            // grid_max.
            assert_eq!(parfor_grid_max_blocks(0, 0, 0, &mut gp), INV);
            assert_eq!(parfor_grid_max_blocks(16, 1, 0, &mut gp), INV);
            assert_eq!(parfor_grid_max_blocks(16, 0, 3, &mut gp), INV);
            assert_eq!(parfor_grid_max_blocks(16, 0, 1, null_mut()), NUL);
            ok(parfor_grid_max_blocks(16, 2, 2, &mut gp));
            assert_eq!(gp.max, f64::NEG_INFINITY);
            let g = [gp, gp];
            assert_eq!(parfor_grid_max_finish(g.as_ptr(), 0, &mut x), INV);
            assert_eq!(parfor_grid_max_finish(null(), 1, &mut x), NUL);
            assert_eq!(parfor_grid_max_finish(g.as_ptr(), 1, null_mut()), NUL);
            let gap = [
                parfor_grid_max_partial {
                    block_lo: 0,
                    block_hi: 1,
                    max: 1.0,
                },
                gp,
            ];
            assert_eq!(parfor_grid_max_finish(gap.as_ptr(), 2, &mut x), INV);
            ok(parfor_grid_max_finish(g.as_ptr(), 2, &mut x));

            // mandelbrot.
            assert_eq!(parfor_mandelbrot_blocks(4, 4, 10, 3, 2, &mut mp), INV);
            assert_eq!(parfor_mandelbrot_blocks(4, 4, 10, 0, 5, &mut mp), INV);
            assert_eq!(parfor_mandelbrot_blocks(4, 4, 10, 0, 1, null_mut()), NUL);
            ok(parfor_mandelbrot_blocks(4, 4, 10, 1, 3, &mut mp));
            let parts = [
                parfor_mandelbrot_partial {
                    block_lo: 0,
                    block_hi: 1,
                    total: u64::MAX,
                },
                mp,
            ];
            assert_eq!(parfor_mandelbrot_finish(parts.as_ptr(), 2, &mut t), INV);
            assert_eq!(parfor_mandelbrot_finish(parts.as_ptr(), 0, &mut t), INV);
            assert_eq!(parfor_mandelbrot_finish(null(), 1, &mut t), NUL);
            assert_eq!(parfor_mandelbrot_finish(parts.as_ptr(), 1, null_mut()), NUL);
            let swapped = [mp, parts[0]];
            assert_eq!(parfor_mandelbrot_finish(swapped.as_ptr(), 2, &mut t), INV);
            ok(parfor_mandelbrot_finish([mp].as_ptr(), 1, &mut t));
            assert_eq!(t, mp.total);
        }
    }
}
