//! `weather`: `runs` independent runs of `temp_{t+1} ~ N((center + temp_t) / 2, sd)` from
//! `temp_0 = start` for `steps` steps; the mean and std (divisor n) of the final temperatures.
//!
//! Runs are cut into blocks of [`BLOCK`] runs; block `b` draws its runs' normals in order (run by
//! run, step by step) from [`rng::stream`]`(seed, b)`. Each block's final temperatures are summed up
//! with Welford's update into [`Moments`]; block moments are merged in block order with Chan et
//! al.'s formula. A range of blocks keeps its per-block moments ([`WeatherPartial`]), so partials of
//! consecutive ranges combine into exactly the bits of the whole run.
//!
//! ```
//! use parfor_kernels::weather;
//! let p = weather::Params { runs: 20_000, ..weather::Params::small() };
//! let s = weather::parallel(p, 1, weather::DEFAULT_SCHEDULE);
//! assert_eq!(s, weather::serial(p, 1));
//! assert!((s.mean - 72.0).abs() < 0.3 && (s.std - 5.7735).abs() < 0.2);
//! ```

use crate::blocks::{self, PerBlock, Runner};
use crate::rng;
use parfor::Schedule;
use std::ops::Range;

use crate::rng::Pcg64;

/// Runs per block.
pub const BLOCK: u64 = 1024;

/// Call-site tags of the normal sampler (see [`rng::Tagged`]).
enum BlockLoop {}
enum SerialLoop {}

/// The default schedule (blocks are of equal cost).
pub const DEFAULT_SCHEDULE: Schedule = Schedule::Dynamic(2);

/// Problem size and model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
    /// Independent runs.
    pub runs: u64,
    /// Steps per run.
    pub steps: u32,
    /// Starting temperature (75).
    pub start: f64,
    /// The temperature the process reverts to (72).
    pub center: f64,
    /// Standard deviation of a step (5).
    pub sd: f64,
}

impl Default for Params {
    /// The full size: 5,000,000 runs of 100 steps, start 75, center 72, sd 5.
    fn default() -> Self {
        Params {
            runs: 5_000_000,
            steps: 100,
            start: 75.0,
            center: 72.0,
            sd: 5.0,
        }
    }
}

impl Params {
    /// The test/CI size: 100,000 runs of 100 steps.
    ///
    /// ```
    /// assert_eq!(parfor_kernels::weather::Params::small().runs, 100_000);
    /// ```
    pub fn small() -> Self {
        Params {
            runs: 100_000,
            ..Params::default()
        }
    }
}

/// Count, mean and sum of squared deviations of a sample (Welford / Chan et al.).
///
/// ```
/// use parfor_kernels::weather::Moments;
/// let mut m = Moments::default();
/// for x in [1.0, 2.0, 3.0, 4.0] { m.push(x); }
/// assert_eq!(m.mean, 2.5);
/// assert_eq!(m.std(), 1.25f64.sqrt());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Moments {
    /// Number of values.
    pub count: u64,
    /// Their mean.
    pub mean: f64,
    /// Sum of squared deviations from the mean.
    pub m2: f64,
}

impl Moments {
    /// Adds one value (Welford's update).
    #[inline]
    pub fn push(&mut self, x: f64) {
        self.count += 1;
        let d = x - self.mean;
        self.mean += d / self.count as f64;
        self.m2 += d * (x - self.mean);
    }

    /// The moments of `self`'s values followed by `other`'s (Chan, Golub and LeVeque's merge).
    ///
    /// ```
    /// use parfor_kernels::weather::Moments;
    /// let (mut a, mut b) = (Moments::default(), Moments::default());
    /// a.push(1.0); a.push(2.0); b.push(3.0); b.push(4.0);
    /// assert_eq!(a.merge(&b).mean, 2.5);
    /// ```
    pub fn merge(&self, other: &Moments) -> Moments {
        if self.count == 0 {
            return *other;
        }
        if other.count == 0 {
            return *self;
        }
        let (na, nb) = (self.count as f64, other.count as f64);
        let n = na + nb;
        let delta = other.mean - self.mean;
        Moments {
            count: self.count + other.count,
            mean: self.mean + delta * (nb / n),
            m2: self.m2 + other.m2 + delta * delta * (na * nb / n),
        }
    }

    /// The standard deviation with divisor n (NumPy's default), NaN for no values.
    pub fn std(&self) -> f64 {
        (self.m2 / self.count as f64).sqrt()
    }

    /// Mean and std.
    pub fn stats(&self) -> WeatherStats {
        WeatherStats {
            mean: if self.count == 0 { f64::NAN } else { self.mean },
            std: self.std(),
        }
    }
}

/// Mean and standard deviation (divisor n) of the final temperatures.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WeatherStats {
    /// Mean final temperature.
    pub mean: f64,
    /// Standard deviation of the final temperatures, divisor n.
    pub std: f64,
}

/// Number of blocks of a problem.
///
/// ```
/// use parfor_kernels::weather;
/// assert_eq!(weather::num_blocks(weather::Params::default()), 4883);
/// ```
pub fn num_blocks(p: Params) -> u64 {
    blocks::count(p.runs, BLOCK)
}

/// The final temperature of one run, drawing its `steps` normals from `rng` as it goes.
#[inline]
fn one_run(p: &Params, rng: &mut Pcg64) -> f64 {
    let mut t = p.start;
    for _ in 0..p.steps {
        let z: f64 = rng::normal::<BlockLoop>(rng);
        t = 0.5 * (p.center + t) + p.sd * z;
    }
    t
}

/// The moments of block `b`'s final temperatures.
///
/// ```
/// use parfor_kernels::weather;
/// assert_eq!(weather::block_moments(weather::Params::small(), 1, 0).count, weather::BLOCK);
/// ```
pub fn block_moments(p: Params, seed: u64, b: u64) -> Moments {
    let mut rng = rng::stream(seed, b);
    let mut m = Moments::default();
    for _ in blocks::items(b, BLOCK, p.runs) {
        m.push(one_run(&p, &mut rng));
    }
    m
}

/// The serial reference: plain loops over blocks, runs and steps.
///
/// ```
/// use parfor_kernels::weather;
/// let s = weather::serial(weather::Params { runs: 5000, ..Default::default() }, 7);
/// assert!((s.mean - 72.0).abs() < 0.5);
/// ```
pub fn serial(p: Params, seed: u64) -> WeatherStats {
    let mut total = Moments::default();
    for b in 0..num_blocks(p) {
        let mut rng = rng::stream(seed, b);
        let mut block = Moments::default();
        for _ in blocks::items(b, BLOCK, p.runs) {
            let mut t = p.start;
            for _ in 0..p.steps {
                let z: f64 = rng::normal::<SerialLoop>(&mut rng);
                t = 0.5 * (p.center + t) + p.sd * z;
            }
            block.push(t);
        }
        total = total.merge(&block);
    }
    total.stats()
}

/// The parallel kernel on the global pool.
///
/// ```
/// use parfor_kernels::weather;
/// let p = weather::Params { runs: 3000, ..Default::default() };
/// assert_eq!(weather::parallel(p, 2, parfor::Schedule::Static), weather::serial(p, 2));
/// ```
pub fn parallel(p: Params, seed: u64, schedule: Schedule) -> WeatherStats {
    parallel_on(Runner::Global, p, seed, schedule)
}

/// The parallel kernel on `runner`.
pub fn parallel_on(runner: Runner<'_>, p: Params, seed: u64, schedule: Schedule) -> WeatherStats {
    let blocks = 0..num_blocks(p);
    let block = |b| block_moments(p, seed, b);
    let merge = |acc: Moments, m: Moments| acc.merge(&m);
    runner
        .fold_in_order(blocks, schedule, Moments::default(), block, merge)
        .stats()
}

/// The moments of `per_block`'s blocks, merged in the order given (the merge every weather
/// result uses, so a split run folded with it gives the whole run's bits).
///
/// ```
/// use parfor_kernels::weather::{self, Moments};
/// let p = weather::Params { runs: 3000, ..Default::default() };
/// let blocks = (0..weather::num_blocks(p)).map(|b| weather::block_moments(p, 1, b));
/// assert_eq!(weather::merge_in_order(blocks).stats(), weather::parallel(p, 1, parfor::Schedule::Static));
/// ```
pub fn merge_in_order(per_block: impl IntoIterator<Item = Moments>) -> Moments {
    per_block
        .into_iter()
        .fold(Moments::default(), |acc, m| acc.merge(&m))
}

/// The partial result of blocks `blocks`.
///
/// # Panics
/// When `blocks` is not within `0..num_blocks(p)`.
///
/// ```
/// use parfor_kernels::weather;
/// let p = weather::Params { runs: 5000, ..Default::default() };
/// let s = parfor::Schedule::Static;
/// let whole = weather::partial(p, 4, 0..5, s).finish();
/// let split = weather::partial(p, 4, 0..2, s).combine(weather::partial(p, 4, 2..5, s)).finish();
/// assert_eq!(whole, split);
/// ```
pub fn partial(p: Params, seed: u64, blocks: Range<u64>, schedule: Schedule) -> WeatherPartial {
    partial_on(Runner::Global, p, seed, blocks, schedule)
}

/// [`partial`] on `runner`.
pub fn partial_on(
    runner: Runner<'_>,
    p: Params,
    seed: u64,
    blocks: Range<u64>,
    schedule: Schedule,
) -> WeatherPartial {
    blocks::check_blocks(&blocks, num_blocks(p));
    let per_block = runner.map_collect(blocks.clone(), schedule, |b| block_moments(p, seed, b));
    WeatherPartial { blocks, per_block }
}

/// The per-block moments of a contiguous range of blocks (see [`PerBlock`]).
pub type WeatherPartial = PerBlock<Moments>;

impl WeatherPartial {
    /// The moments of all the blocks, merged in block order.
    pub fn moments(&self) -> Moments {
        merge_in_order(self.per_block.iter().copied())
    }

    /// Mean and std of the final temperatures of these blocks.
    pub fn finish(&self) -> WeatherStats {
        self.moments().stats()
    }
}

/// Fills `out[i]` with the final temperature of run `i`, for the first `out.len()` runs (the
/// values whose moments [`parallel`] reports: the same streams), in parallel on `runner`.
///
/// ```
/// use parfor_kernels::{weather, Runner};
/// let p = weather::Params { runs: 3000, ..Default::default() };
/// let mut t = vec![0.0; 3000];
/// weather::final_temperatures_on(Runner::Global, p, 1, &mut t, weather::DEFAULT_SCHEDULE);
/// let mut first_block = weather::Moments::default();
/// t[..weather::BLOCK as usize].iter().for_each(|&x| first_block.push(x));
/// assert_eq!(first_block, weather::block_moments(p, 1, 0));
/// ```
pub fn final_temperatures_on(
    runner: Runner<'_>,
    p: Params,
    seed: u64,
    out: &mut [f64],
    schedule: Schedule,
) {
    runner.for_blocks(out, BLOCK as usize, schedule, |b, piece| {
        let mut rng = rng::stream(seed, b);
        for slot in piece {
            *slot = one_run(&p, &mut rng);
        }
    });
}
