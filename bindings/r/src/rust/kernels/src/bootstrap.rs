//! `bootstrap`: `tasks` independent tasks; task `k` draws `draws` standard normals from its own
//! stream, [`rng::stream`]`(seed, k)`, and returns their mean and standard deviation (divisor
//! n, NumPy's default; two passes over the draws: mean first, then the squared deviations).
//!
//! The summary is the mean of the task means and the mean of the task stds. Tasks are grouped in
//! blocks of [`BLOCK`] tasks: each block sums its tasks' means and stds in task order, and the
//! block sums are added in block order, then divided by the number of tasks. A range of blocks
//! keeps its block sums ([`BootstrapPartial`]), so partials of consecutive ranges combine into
//! exactly the bits of the whole run, and [`Summary::from_tasks`] gives the same bits from
//! per-task arrays.
//!
//! ```
//! use parfor_kernels::bootstrap;
//! let p = bootstrap::Params { tasks: 500, draws: 1000 };
//! let s = bootstrap::summary(p, 1, bootstrap::DEFAULT_SCHEDULE);
//! assert_eq!(s, bootstrap::serial_summary(p, 1));
//! assert!((s.mean_of_stds - (1.0 - 0.75 / 1000.0)).abs() < 5.0 / (2.0f64 * 1000.0 * 500.0).sqrt());
//! ```

use crate::blocks::{self, PerBlock, Runner};
use crate::rng;
use parfor::Schedule;
use std::ops::Range;

/// Call-site tags of the normal sampler (see [`rng::Tagged`]).
enum TaskLoop {}
enum SerialLoop {}

/// Tasks per block.
pub const BLOCK: u64 = 64;

/// The default schedule (tasks are of equal cost).
pub const DEFAULT_SCHEDULE: Schedule = Schedule::Dynamic(2);

/// Problem size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// Number of tasks (p).
    pub tasks: u64,
    /// Normals drawn per task (n).
    pub draws: u64,
}

impl Default for Params {
    /// The full size: p = 100,000 tasks of n = 1000 draws.
    fn default() -> Self {
        Params {
            tasks: 100_000,
            draws: 1000,
        }
    }
}

impl Params {
    /// The test/CI size: p = 2,000 tasks of n = 1000 draws.
    ///
    /// ```
    /// assert_eq!(parfor_kernels::bootstrap::Params::small().tasks, 2000);
    /// ```
    pub fn small() -> Self {
        Params {
            tasks: 2000,
            draws: 1000,
        }
    }
}

/// Mean and standard deviation (divisor n) of one task's draws.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TaskStats {
    /// Mean of the draws.
    pub mean: f64,
    /// Standard deviation of the draws, divisor n.
    pub std: f64,
}

/// Task `k`'s statistics, using `buf` as scratch space for its draws.
///
/// ```
/// use parfor_kernels::bootstrap;
/// let mut buf = Vec::new();
/// let t = bootstrap::task(bootstrap::Params::small(), 1, 0, &mut buf);
/// assert!(t.mean.abs() < 0.2 && (t.std - 1.0).abs() < 0.2);
/// ```
pub fn task(p: Params, seed: u64, k: u64, buf: &mut Vec<f64>) -> TaskStats {
    let mut rng = rng::stream(seed, k);
    buf.clear();
    crate::alloc::reserve(buf, p.draws);
    buf.resize(p.draws as usize, 0.0);
    rng::fill_normals::<TaskLoop>(&mut rng, buf);
    let n = p.draws as f64;
    let mut sum = 0.0;
    for d in buf.iter() {
        sum += d;
    }
    let mean = sum / n;
    let mut ss = 0.0;
    for d in buf.iter() {
        ss += (d - mean) * (d - mean);
    }
    TaskStats {
        mean,
        std: (ss / n).sqrt(),
    }
}

/// Mean of the task means and mean of the task stds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// Mean of the task means.
    pub mean_of_means: f64,
    /// Mean of the task stds (expected about `1 - 3/(4n)` for divisor n).
    pub mean_of_stds: f64,
}

impl Summary {
    /// The summary of per-task arrays, with the same bits as [`summary`].
    ///
    /// # Panics
    /// When the arrays differ in length.
    ///
    /// ```
    /// use parfor_kernels::bootstrap;
    /// let p = bootstrap::Params { tasks: 300, draws: 100 };
    /// let (mut m, mut s) = (vec![0.0; 300], vec![0.0; 300]);
    /// bootstrap::fill(p, 2, &mut m, &mut s, parfor::Schedule::Static);
    /// assert_eq!(bootstrap::Summary::from_tasks(&m, &s), bootstrap::summary(p, 2, parfor::Schedule::Static));
    /// ```
    pub fn from_tasks(means: &[f64], stds: &[f64]) -> Summary {
        assert_eq!(
            means.len(),
            stds.len(),
            "parfor-kernels: means and stds differ in length"
        );
        let per_block = means
            .chunks(BLOCK as usize)
            .zip(stds.chunks(BLOCK as usize))
            .map(|(m, s)| BlockSums {
                means: m.iter().fold(0.0, |acc, x| acc + x),
                stds: s.iter().fold(0.0, |acc, x| acc + x),
            });
        summary_of_blocks(per_block, means.len() as u64)
    }
}

/// Sums of the task means and task stds of one block, in task order.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BlockSums {
    /// Sum of the means.
    pub means: f64,
    /// Sum of the stds.
    pub stds: f64,
}

impl BlockSums {
    /// The running sums `self` followed by `block`'s.
    fn add(self, block: BlockSums) -> BlockSums {
        BlockSums {
            means: self.means + block.means,
            stds: self.stds + block.stds,
        }
    }

    /// The summary of `tasks` tasks whose sums these are.
    fn summary(self, tasks: u64) -> Summary {
        Summary {
            mean_of_means: self.means / tasks as f64,
            mean_of_stds: self.stds / tasks as f64,
        }
    }
}

/// The summary of `tasks` tasks from their blocks' sums, added in the order given (how every
/// bootstrap summary is made, so a split run gives the whole run's bits).
///
/// ```
/// use parfor_kernels::bootstrap;
/// let p = bootstrap::Params { tasks: 200, draws: 50 };
/// let sums = (0..bootstrap::num_blocks(p)).map(|b| bootstrap::block_sums(p, 4, b));
/// assert_eq!(bootstrap::summary_of_blocks(sums, 200), bootstrap::serial_summary(p, 4));
/// ```
pub fn summary_of_blocks(per_block: impl IntoIterator<Item = BlockSums>, tasks: u64) -> Summary {
    per_block
        .into_iter()
        .fold(BlockSums::default(), BlockSums::add)
        .summary(tasks)
}

/// Number of blocks of a problem.
///
/// ```
/// assert_eq!(parfor_kernels::bootstrap::num_blocks(parfor_kernels::bootstrap::Params::default()), 1563);
/// ```
pub fn num_blocks(p: Params) -> u64 {
    blocks::count(p.tasks, BLOCK)
}

/// The block sums of block `b`.
pub fn block_sums(p: Params, seed: u64, b: u64) -> BlockSums {
    let mut buf = Vec::new();
    let mut sums = BlockSums::default();
    for k in blocks::items(b, BLOCK, p.tasks) {
        let t = task(p, seed, k, &mut buf);
        sums.means += t.mean;
        sums.stds += t.std;
    }
    sums
}

fn check_len(p: Params, means: &[f64], stds: &[f64]) {
    assert!(
        means.len() as u64 == p.tasks && stds.len() as u64 == p.tasks,
        "parfor-kernels: bootstrap needs means and stds of length tasks = {}",
        p.tasks
    );
}

/// The serial reference: a plain loop over the tasks filling `means` and `stds`, then the summary.
///
/// # Panics
/// When `means` or `stds` is not of length `p.tasks`.
///
/// ```
/// use parfor_kernels::bootstrap;
/// let p = bootstrap::Params { tasks: 10, draws: 50 };
/// let (mut m, mut s) = (vec![0.0; 10], vec![0.0; 10]);
/// let sum = bootstrap::serial_fill(p, 1, &mut m, &mut s);
/// assert_eq!(sum, bootstrap::Summary::from_tasks(&m, &s));
/// ```
pub fn serial_fill(p: Params, seed: u64, means: &mut [f64], stds: &mut [f64]) -> Summary {
    check_len(p, means, stds);
    let n = p.draws as f64;
    let mut draws = crate::alloc::vec_of(p.draws, 0.0f64);
    for k in 0..p.tasks as usize {
        let mut rng = rng::stream(seed, k as u64);
        rng::fill_normals::<SerialLoop>(&mut rng, &mut draws);
        let mut sum = 0.0;
        for d in &draws {
            sum += d;
        }
        let mean = sum / n;
        let mut ss = 0.0;
        for d in &draws {
            ss += (d - mean) * (d - mean);
        }
        means[k] = mean;
        stds[k] = (ss / n).sqrt();
    }
    Summary::from_tasks(means, stds)
}

/// The serial reference for the summary alone (allocates the per-task arrays).
pub fn serial_summary(p: Params, seed: u64) -> Summary {
    let (mut m, mut s) = (
        crate::alloc::vec_of(p.tasks, 0.0),
        crate::alloc::vec_of(p.tasks, 0.0),
    );
    serial_fill(p, seed, &mut m, &mut s)
}

/// Fills `means[k]`, `stds[k]` for every task in parallel on the global pool; returns the summary.
///
/// # Panics
/// When `means` or `stds` is not of length `p.tasks`.
pub fn fill(
    p: Params,
    seed: u64,
    means: &mut [f64],
    stds: &mut [f64],
    schedule: Schedule,
) -> Summary {
    fill_on(Runner::Global, p, seed, means, stds, schedule)
}

/// [`fill`] on `runner`.
pub fn fill_on(
    runner: Runner<'_>,
    p: Params,
    seed: u64,
    means: &mut [f64],
    stds: &mut [f64],
    schedule: Schedule,
) -> Summary {
    check_len(p, means, stds);
    let b = BLOCK as usize;
    let mut pieces = crate::alloc::collect(means.chunks_mut(b).zip(stds.chunks_mut(b)));
    runner.for_slice(&mut pieces, schedule, |first, group| {
        let mut buf = Vec::new();
        for (j, (m, s)) in group.iter_mut().enumerate() {
            let k0 = (first + j) as u64 * BLOCK;
            for (i, (mi, si)) in m.iter_mut().zip(s.iter_mut()).enumerate() {
                let t = task(p, seed, k0 + i as u64, &mut buf);
                *mi = t.mean;
                *si = t.std;
            }
        }
    });
    Summary::from_tasks(means, stds)
}

/// The summary computed in parallel on the global pool, without per-task arrays.
pub fn summary(p: Params, seed: u64, schedule: Schedule) -> Summary {
    summary_on(Runner::Global, p, seed, schedule)
}

/// [`summary`] on `runner`.
pub fn summary_on(runner: Runner<'_>, p: Params, seed: u64, schedule: Schedule) -> Summary {
    let blocks = 0..num_blocks(p);
    let block = |b| block_sums(p, seed, b);
    runner
        .fold_in_order(
            blocks,
            schedule,
            BlockSums::default(),
            block,
            BlockSums::add,
        )
        .summary(p.tasks)
}

/// The partial summary of blocks `blocks`.
///
/// # Panics
/// When `blocks` is not within `0..num_blocks(p)`.
///
/// ```
/// use parfor_kernels::bootstrap;
/// let p = bootstrap::Params { tasks: 1000, draws: 100 };
/// let s = parfor::Schedule::Static;
/// let whole = bootstrap::summary(p, 3, s);
/// let n = bootstrap::num_blocks(p);
/// let split = bootstrap::partial(p, 3, 0..5, s).combine(bootstrap::partial(p, 3, 5..n, s));
/// assert_eq!(split.finish(p), whole);
/// ```
pub fn partial(p: Params, seed: u64, blocks: Range<u64>, schedule: Schedule) -> BootstrapPartial {
    partial_on(Runner::Global, p, seed, blocks, schedule)
}

/// [`partial`] on `runner`.
pub fn partial_on(
    runner: Runner<'_>,
    p: Params,
    seed: u64,
    blocks: Range<u64>,
    schedule: Schedule,
) -> BootstrapPartial {
    blocks::check_blocks(&blocks, num_blocks(p));
    let per_block = runner.map_collect(blocks.clone(), schedule, |b| block_sums(p, seed, b));
    BootstrapPartial { blocks, per_block }
}

/// Per-block sums of a contiguous range of blocks (see [`PerBlock`]).
pub type BootstrapPartial = PerBlock<BlockSums>;

impl BootstrapPartial {
    /// The summary over the tasks of these blocks (the whole run's when they are all of `p`'s).
    pub fn finish(&self, p: Params) -> Summary {
        let tasks = blocks::items_in(self.blocks.clone(), BLOCK, p.tasks);
        summary_of_blocks(self.per_block.iter().copied(), tasks)
    }
}
