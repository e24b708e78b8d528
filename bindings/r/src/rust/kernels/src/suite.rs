//! The suite as a whole: kernel names, sizes, and [`Workload`], which prepares a kernel's inputs
//! and output buffers once, runs its serial reference and its parallel version, and reports
//! their results and whether every output bit matched. The `parfor` CLI and the benches use it.
//!
//! ```
//! use parfor_kernels::suite::{Kernel, Size, Workload};
//! use parfor_kernels::Runner;
//! let mut w = Workload::new(Kernel::GridMax, Size::Small, 1);
//! w.serial();
//! w.parallel(Runner::Global, Kernel::GridMax.default_schedule());
//! assert!(w.outputs_match());
//! assert!(w.parallel_outcome().unwrap().result > 0.99);
//! ```

use crate::alloc::vec_of;
use crate::cli::params;
use crate::{bootstrap, grid_max, mandelbrot, pi, roots, roots_sum, wealth, weather, Runner};
use parfor::Schedule;
use std::fmt;
use std::str::FromStr;
use std::time::{Duration, Instant};

/// The eight kernels of the seed suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kernel {
    /// [`crate::pi`]
    Pi,
    /// [`crate::wealth`]
    Wealth,
    /// [`crate::weather`]
    Weather,
    /// [`crate::roots`]
    Roots,
    /// [`crate::roots_sum`]
    RootsSum,
    /// [`crate::grid_max`]
    GridMax,
    /// [`crate::bootstrap`]
    Bootstrap,
    /// [`crate::mandelbrot`]
    Mandelbrot,
}

impl Kernel {
    /// Every kernel, in the suite's order.
    pub const ALL: [Kernel; 8] = [
        Kernel::Pi,
        Kernel::Wealth,
        Kernel::Weather,
        Kernel::Roots,
        Kernel::RootsSum,
        Kernel::GridMax,
        Kernel::Bootstrap,
        Kernel::Mandelbrot,
    ];

    /// The kernel's name, as used everywhere (CLI, C symbols, benches).
    ///
    /// ```
    /// assert_eq!(parfor_kernels::suite::Kernel::RootsSum.name(), "roots_sum");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Kernel::Pi => "pi",
            Kernel::Wealth => "wealth",
            Kernel::Weather => "weather",
            Kernel::Roots => "roots",
            Kernel::RootsSum => "roots_sum",
            Kernel::GridMax => "grid_max",
            Kernel::Bootstrap => "bootstrap",
            Kernel::Mandelbrot => "mandelbrot",
        }
    }

    /// The kernel's default schedule.
    ///
    /// ```
    /// use parfor_kernels::suite::Kernel;
    /// assert_eq!(Kernel::Mandelbrot.default_schedule(), parfor_kernels::mandelbrot::DEFAULT_SCHEDULE);
    /// ```
    pub fn default_schedule(self) -> Schedule {
        match self {
            Kernel::Pi => pi::DEFAULT_SCHEDULE,
            Kernel::Wealth => wealth::DEFAULT_SCHEDULE,
            Kernel::Weather => weather::DEFAULT_SCHEDULE,
            Kernel::Roots => roots::DEFAULT_SCHEDULE,
            Kernel::RootsSum => roots_sum::DEFAULT_SCHEDULE,
            Kernel::GridMax => grid_max::DEFAULT_SCHEDULE,
            Kernel::Bootstrap => bootstrap::DEFAULT_SCHEDULE,
            Kernel::Mandelbrot => mandelbrot::DEFAULT_SCHEDULE,
        }
    }

    /// Whether the kernel draws random numbers (and so takes a seed).
    pub fn is_stochastic(self) -> bool {
        matches!(
            self,
            Kernel::Pi | Kernel::Wealth | Kernel::Weather | Kernel::Bootstrap
        )
    }

    /// What the reported result is, short enough for a table column.
    ///
    /// ```
    /// assert_eq!(parfor_kernels::suite::Kernel::Pi.result_meaning(), "estimate of pi");
    /// ```
    pub fn result_meaning(self) -> &'static str {
        match self {
            Kernel::Pi => "estimate of pi",
            Kernel::Wealth => "median final wealth",
            Kernel::Weather => "mean final temperature",
            Kernel::Roots => "sum of the outputs",
            Kernel::RootsSum => "out[0] = sum of sqrt(x)",
            Kernel::GridMax => "maximum of f on the grid",
            Kernel::Bootstrap => "mean of the task stds",
            Kernel::Mandelbrot => "total escape count",
        }
    }

    /// The seed workload the kernel comes from (shared/kernels.md), in one line.
    ///
    /// ```
    /// assert!(parfor_kernels::suite::Kernel::Weather.seed_workload().contains("weather"));
    /// ```
    pub fn seed_workload(self) -> &'static str {
        match self {
            Kernel::Pi => "Monte Carlo pi: the share of n uniform points in a circle, times 4",
            Kernel::Wealth => {
                "household wealth w' = R s w + y over T steps; the median of the final wealths"
            }
            Kernel::Weather => {
                "weather simulation temp' ~ N((center + temp)/2, sd); the final temperatures"
            }
            Kernel::Roots => "sqrt(x) as f32 of n inputs x = 500 U[0,1): an elementwise map",
            Kernel::RootsSum => "out[i] = sum over j of sqrt(x[j]) for every i: O(n^2) on purpose",
            Kernel::GridMax => "max of cos(x^2+y^2)/(1+x^2+y^2) on an n x n grid of [-3, 3]^2",
            Kernel::Bootstrap => {
                "tasks independent tasks of draws normals each: (mean, std) per task"
            }
            Kernel::Mandelbrot => "escape counts over a width x height grid of [-2,1] x [-1.5,1.5]",
        }
    }

    /// Further named numbers of an outcome besides the result ([`Outcome::extra`]).
    ///
    /// ```
    /// assert_eq!(parfor_kernels::suite::Kernel::Weather.extra_meaning(), &[("std", "std of the final temperatures")]);
    /// ```
    pub fn extra_meaning(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Kernel::Weather => &[("std", "std of the final temperatures")],
            Kernel::Bootstrap => &[("mean_of_means", "mean of the task means")],
            _ => &[],
        }
    }
}

impl fmt::Display for Kernel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not one of the kernels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownKernel(pub String);

impl fmt::Display for UnknownKernel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Kernel::ALL.iter().map(|k| k.name()).collect();
        write!(
            f,
            "unknown kernel '{}': expected one of {}",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownKernel {}

impl FromStr for Kernel {
    type Err = UnknownKernel;

    /// ```
    /// use parfor_kernels::suite::Kernel;
    /// assert_eq!("grid_max".parse::<Kernel>(), Ok(Kernel::GridMax));
    /// assert!("gridmax".parse::<Kernel>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kernel::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| UnknownKernel(s.to_string()))
    }
}

/// Problem sizes: the spec's full size, or the small test/CI size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Size {
    /// Each kernel's `Params::small()`.
    Small,
    /// Each kernel's `Params::default()`, the spec's full size.
    #[default]
    Full,
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Size::Small => "small",
            Size::Full => "full",
        })
    }
}

impl FromStr for Size {
    type Err = String;

    /// ```
    /// assert_eq!("small".parse(), Ok(parfor_kernels::suite::Size::Small));
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "small" => Ok(Size::Small),
            "full" => Ok(Size::Full),
            _ => Err(format!("unknown size '{s}': expected small or full")),
        }
    }
}

/// What one run of a kernel produced.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The kernel's headline number (see [`Kernel::result_meaning`]).
    pub result: f64,
    /// Further named numbers (e.g. weather's std).
    pub extra: Vec<(&'static str, f64)>,
    /// A hash of every output bit (the result and any output arrays).
    pub digest: u64,
}

/// FNV-1a over 64-bit words.
fn digest(words: impl IntoIterator<Item = u64>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for w in words {
        for byte in w.to_le_bytes() {
            h ^= u64::from(byte);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The output arrays of one side (serial or parallel) of a [`Workload`].
///
/// ```
/// use parfor_kernels::suite::{Kernel, Outputs, Size, Workload};
/// let w = Workload::new(Kernel::Pi, Size::Small, 1);
/// assert_eq!(w.parallel_outputs(), &Outputs::None);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Outputs {
    /// The kernel returns numbers only (pi, weather, grid_max).
    None,
    /// One `f64` per item: wealth's final wealths (household order), roots_sum's sums.
    F64(Vec<f64>),
    /// roots' square roots.
    F32(Vec<f32>),
    /// mandelbrot's counts, row by row.
    U32(Vec<u32>),
    /// bootstrap's per-task means and stds.
    Pair(Vec<f64>, Vec<f64>),
}

impl Outputs {
    fn words(&self) -> Vec<u64> {
        match self {
            Outputs::None => vec![],
            Outputs::F64(v) => v.iter().map(|x| x.to_bits()).collect(),
            Outputs::F32(v) => v.iter().map(|x| u64::from(x.to_bits())).collect(),
            Outputs::U32(v) => v.iter().map(|&x| u64::from(x)).collect(),
            Outputs::Pair(a, b) => a.iter().chain(b).map(|x| x.to_bits()).collect(),
        }
    }
}

/// The parameters of every kernel: a size's presets, changed by name with
/// [`crate::cli::params::set`].
///
/// ```
/// use parfor_kernels::suite::{Size, SuiteParams};
/// assert_eq!(SuiteParams::of(Size::Full).weather.runs, 5_000_000);
/// assert_eq!(SuiteParams::of(Size::Small).weather.runs, 100_000);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SuiteParams {
    /// [`crate::pi`]'s.
    pub pi: pi::Params,
    /// [`crate::wealth`]'s.
    pub wealth: wealth::Params,
    /// [`crate::weather`]'s.
    pub weather: weather::Params,
    /// [`crate::roots`]'s.
    pub roots: roots::Params,
    /// [`crate::roots_sum`]'s.
    pub roots_sum: roots_sum::Params,
    /// [`crate::grid_max`]'s.
    pub grid_max: grid_max::Params,
    /// [`crate::bootstrap`]'s.
    pub bootstrap: bootstrap::Params,
    /// [`crate::mandelbrot`]'s.
    pub mandelbrot: mandelbrot::Params,
}

impl SuiteParams {
    /// Every kernel's parameters at `size`.
    pub fn of(size: Size) -> SuiteParams {
        match size {
            Size::Full => SuiteParams {
                pi: Default::default(),
                wealth: Default::default(),
                weather: Default::default(),
                roots: Default::default(),
                roots_sum: Default::default(),
                grid_max: Default::default(),
                bootstrap: Default::default(),
                mandelbrot: Default::default(),
            },
            Size::Small => SuiteParams {
                pi: pi::Params::small(),
                wealth: wealth::Params::small(),
                weather: weather::Params::small(),
                roots: roots::Params::small(),
                roots_sum: roots_sum::Params::small(),
                grid_max: grid_max::Params::small(),
                bootstrap: bootstrap::Params::small(),
                mandelbrot: mandelbrot::Params::small(),
            },
        }
    }
}

/// A one-line description of `kernel`'s problem at `size`: its parameters by name.
///
/// ```
/// use parfor_kernels::suite::{describe, Kernel, Size};
/// assert_eq!(describe(Kernel::Pi, Size::Full), "n = 100000000");
/// ```
pub fn describe(kernel: Kernel, size: Size) -> String {
    params::describe(&SuiteParams::of(size), kernel)
}

/// A kernel at one size and seed, with its inputs made and its output buffers allocated and
/// touched, so that [`Workload::serial`] and [`Workload::parallel`] time the kernel alone.
#[derive(Debug)]
pub struct Workload {
    kernel: Kernel,
    seed: u64,
    params: SuiteParams,
    input: Vec<f64>,
    serial: Side,
    parallel: Side,
}

#[derive(Debug)]
struct Side {
    out: Outputs,
    /// wealth's median reorders its input: it works on this copy, so `out` keeps household order.
    scratch: Vec<f64>,
    result: Option<f64>,
    extra: Vec<(&'static str, f64)>,
}

impl Side {
    /// Unwinds with [`parfor::AllocError`] when the buffers cannot be allocated.
    fn new(kernel: Kernel, p: &SuiteParams, input_len: usize) -> Side {
        // Filled with NaN rather than zero, so every page is touched now, not while timed.
        let nan = |n: u64| vec_of(n, f64::NAN);
        let input_len = input_len as u64;
        let out = match kernel {
            Kernel::Wealth => Outputs::F64(nan(p.wealth.households)),
            Kernel::Roots => Outputs::F32(vec_of(input_len, f32::NAN)),
            Kernel::RootsSum => Outputs::F64(nan(input_len)),
            Kernel::Bootstrap => Outputs::Pair(nan(p.bootstrap.tasks), nan(p.bootstrap.tasks)),
            Kernel::Mandelbrot => {
                let m = p.mandelbrot;
                Outputs::U32(vec_of(u64::from(m.width) * u64::from(m.height), u32::MAX))
            }
            _ => Outputs::None,
        };
        let scratch = match &out {
            Outputs::F64(w) if kernel == Kernel::Wealth => nan(w.len() as u64),
            _ => Vec::new(),
        };
        Side {
            out,
            scratch,
            result: None,
            extra: Vec::new(),
        }
    }
}

/// The bytes [`Workload::with_params`] allocates for `kernel` with `p`: the input and both
/// sides' output arrays (what `--out` adds for weather: `8 * runs` more).
///
/// ```
/// use parfor_kernels::suite::{footprint, Kernel, Size, SuiteParams};
/// let p = SuiteParams::of(Size::Full);
/// assert_eq!(footprint(Kernel::Mandelbrot, &p), 2 * 4 * 2000 * 2000);
/// assert_eq!(footprint(Kernel::Pi, &p), 0);
/// ```
pub fn footprint(kernel: Kernel, p: &SuiteParams) -> u128 {
    let n = u128::from;
    match kernel {
        Kernel::Roots => 8 * n(p.roots.n) + 2 * 4 * n(p.roots.n),
        Kernel::RootsSum => 8 * n(p.roots_sum.n) + 2 * 8 * n(p.roots_sum.n),
        // Final wealths and the median's scratch copy, on each side.
        Kernel::Wealth => 2 * 2 * 8 * n(p.wealth.households),
        Kernel::Bootstrap => 2 * 2 * 8 * n(p.bootstrap.tasks),
        Kernel::Mandelbrot => {
            2 * 4 * u128::from(p.mandelbrot.width) * u128::from(p.mandelbrot.height)
        }
        Kernel::Pi | Kernel::Weather | Kernel::GridMax => 0,
    }
}

impl Workload {
    /// Prepares `kernel` at `size` with `seed` (ignored by deterministic kernels; roots and
    /// roots_sum use it for their input).
    pub fn new(kernel: Kernel, size: Size, seed: u64) -> Workload {
        Workload::with_params(kernel, &SuiteParams::of(size), seed)
    }

    /// Prepares `kernel` with the parameters `params` (only `kernel`'s own are used) and `seed`.
    /// Unwinds with [`parfor::AllocError`] when its inputs or outputs cannot be allocated.
    ///
    /// ```
    /// use parfor_kernels::suite::{Kernel, Size, SuiteParams, Workload};
    /// let mut p = SuiteParams::of(Size::Small);
    /// p.weather.steps = 10;
    /// let w = Workload::with_params(Kernel::Weather, &p, 1);
    /// assert_eq!(w.describe(), "runs = 100000, steps = 10, start = 75, center = 72, sd = 5");
    /// p.mandelbrot.width = u32::MAX;
    /// p.mandelbrot.height = u32::MAX;
    /// let huge = std::panic::catch_unwind(|| Workload::with_params(Kernel::Mandelbrot, &p, 1));
    /// assert!(huge.unwrap_err().is::<parfor::AllocError>());
    /// ```
    pub fn with_params(kernel: Kernel, params: &SuiteParams, seed: u64) -> Workload {
        let input = match kernel {
            Kernel::Roots => roots::input(params.roots, seed),
            Kernel::RootsSum => roots::input(
                roots::Params {
                    n: params.roots_sum.n,
                },
                seed,
            ),
            _ => Vec::new(),
        };
        Workload {
            kernel,
            seed,
            params: *params,
            serial: Side::new(kernel, params, input.len()),
            parallel: Side::new(kernel, params, input.len()),
            input,
        }
    }

    /// The kernel.
    pub fn kernel(&self) -> Kernel {
        self.kernel
    }

    /// The parameters (the kernel's own are those used).
    ///
    /// ```
    /// use parfor_kernels::suite::{Kernel, Size, Workload};
    /// assert_eq!(Workload::new(Kernel::Pi, Size::Small, 1).params().pi.n, 1_000_000);
    /// ```
    pub fn params(&self) -> &SuiteParams {
        &self.params
    }

    /// The seed.
    ///
    /// ```
    /// use parfor_kernels::suite::{Kernel, Size, Workload};
    /// assert_eq!(Workload::new(Kernel::Pi, Size::Small, 9).seed(), 9);
    /// ```
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The output arrays of the parallel side (NaN-filled until it has run).
    ///
    /// ```
    /// use parfor_kernels::suite::{Kernel, Outputs, Size, Workload};
    /// let mut w = Workload::new(Kernel::Bootstrap, Size::Small, 1);
    /// w.parallel(parfor_kernels::Runner::Global, Kernel::Bootstrap.default_schedule());
    /// let Outputs::Pair(means, stds) = w.parallel_outputs() else { unreachable!() };
    /// assert_eq!((means.len(), stds.len()), (2000, 2000));
    /// ```
    pub fn parallel_outputs(&self) -> &Outputs {
        &self.parallel.out
    }

    /// A one-line description of the problem: the kernel's parameters by name.
    ///
    /// ```
    /// use parfor_kernels::suite::{Kernel, Size, Workload};
    /// assert_eq!(Workload::new(Kernel::GridMax, Size::Small, 1).describe(), "n = 600");
    /// ```
    pub fn describe(&self) -> String {
        params::describe(&self.params, self.kernel)
    }

    /// Runs the serial reference once.
    pub fn serial(&mut self) {
        let (p, seed) = (self.params, self.seed);
        let side = &mut self.serial;
        let (result, extra): (f64, Vec<(&'static str, f64)>) = match (self.kernel, &mut side.out) {
            (Kernel::Pi, _) => (pi::serial(p.pi, seed), vec![]),
            (Kernel::Wealth, Outputs::F64(w)) => {
                wealth::serial_fill(p.wealth, seed, 0, w);
                (median_of_copy(w, &mut side.scratch), vec![])
            }
            (Kernel::Weather, _) => {
                let s = weather::serial(p.weather, seed);
                (s.mean, vec![("std", s.std)])
            }
            (Kernel::Roots, Outputs::F32(o)) => {
                roots::serial(&self.input, o);
                (f64::NAN, vec![])
            }
            (Kernel::RootsSum, Outputs::F64(o)) => {
                roots_sum::serial(&self.input, o);
                (f64::NAN, vec![])
            }
            (Kernel::GridMax, _) => (grid_max::serial(p.grid_max), vec![]),
            (Kernel::Bootstrap, Outputs::Pair(m, s)) => {
                let sum = bootstrap::serial_fill(p.bootstrap, seed, m, s);
                (sum.mean_of_stds, vec![("mean_of_means", sum.mean_of_means)])
            }
            (Kernel::Mandelbrot, Outputs::U32(c)) => {
                (mandelbrot::serial_counts(p.mandelbrot, c) as f64, vec![])
            }
            _ => unreachable!("buffers are made for their kernel"),
        };
        side.result = Some(result);
        side.extra = extra;
    }

    /// Runs the parallel version once, on `runner` with `schedule`.
    pub fn parallel(&mut self, runner: Runner<'_>, schedule: Schedule) {
        let (p, seed) = (self.params, self.seed);
        let side = &mut self.parallel;
        let (result, extra): (f64, Vec<(&'static str, f64)>) = match (self.kernel, &mut side.out) {
            (Kernel::Pi, _) => (pi::parallel_on(runner, p.pi, seed, schedule), vec![]),
            (Kernel::Wealth, Outputs::F64(w)) => {
                wealth::fill_on(runner, p.wealth, seed, 0, w, schedule);
                (median_of_copy(w, &mut side.scratch), vec![])
            }
            (Kernel::Weather, _) => {
                let s = weather::parallel_on(runner, p.weather, seed, schedule);
                (s.mean, vec![("std", s.std)])
            }
            (Kernel::Roots, Outputs::F32(o)) => {
                roots::parallel_on(runner, &self.input, o, schedule);
                (f64::NAN, vec![])
            }
            (Kernel::RootsSum, Outputs::F64(o)) => {
                roots_sum::parallel_on(runner, &self.input, o, schedule);
                (f64::NAN, vec![])
            }
            (Kernel::GridMax, _) => (grid_max::parallel_on(runner, p.grid_max, schedule), vec![]),
            (Kernel::Bootstrap, Outputs::Pair(m, s)) => {
                let sum = bootstrap::fill_on(runner, p.bootstrap, seed, m, s, schedule);
                (sum.mean_of_stds, vec![("mean_of_means", sum.mean_of_means)])
            }
            (Kernel::Mandelbrot, Outputs::U32(c)) => (
                mandelbrot::counts_on(runner, p.mandelbrot, c, schedule) as f64,
                vec![],
            ),
            _ => unreachable!("buffers are made for their kernel"),
        };
        side.result = Some(result);
        side.extra = extra;
    }

    fn outcome(&self, side: &Side) -> Option<Outcome> {
        let mut result = side.result?;
        // Array kernels report a number computed from the array, outside the timed run.
        match &side.out {
            Outputs::F32(o) if self.kernel == Kernel::Roots => {
                result = o.iter().map(|&v| f64::from(v)).sum();
            }
            Outputs::F64(o) if self.kernel == Kernel::RootsSum => {
                result = o.first().copied().unwrap_or(0.0);
            }
            _ => {}
        }
        let words = std::iter::once(result.to_bits())
            .chain(side.extra.iter().map(|(_, v)| v.to_bits()))
            .chain(side.out.words());
        Some(Outcome {
            result,
            extra: side.extra.clone(),
            digest: digest(words),
        })
    }

    /// The serial reference's outcome, once it has run.
    pub fn serial_outcome(&self) -> Option<Outcome> {
        self.outcome(&self.serial)
    }

    /// The parallel version's outcome, once it has run.
    pub fn parallel_outcome(&self) -> Option<Outcome> {
        self.outcome(&self.parallel)
    }

    /// Whether both sides have run and every output bit agrees.
    pub fn outputs_match(&self) -> bool {
        match (self.serial_outcome(), self.parallel_outcome()) {
            (Some(s), Some(p)) => s.digest == p.digest,
            _ => false,
        }
    }
}

/// The median of `values`, taken on a copy in `scratch` (of the same length) so that `values`
/// keeps its order.
fn median_of_copy(values: &[f64], scratch: &mut [f64]) -> f64 {
    scratch.copy_from_slice(values);
    wealth::median(scratch)
}

/// Wall times of repeated runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Timing {
    /// Every run's time, in the order run.
    pub runs: Vec<Duration>,
}

impl Timing {
    /// The median run time (the mean of the middle two for an even count).
    ///
    /// ```
    /// use std::time::Duration;
    /// let t = parfor_kernels::suite::Timing { runs: vec![Duration::from_secs(3), Duration::from_secs(1), Duration::from_secs(2)] };
    /// assert_eq!(t.median(), Duration::from_secs(2));
    /// ```
    pub fn median(&self) -> Duration {
        let mut v = self.runs.clone();
        v.sort();
        match v.len() {
            0 => Duration::ZERO,
            n if n % 2 == 1 => v[n / 2],
            n => (v[n / 2 - 1] + v[n / 2]) / 2,
        }
    }

    /// The shortest run (zero when none ran).
    ///
    /// ```
    /// use std::time::Duration;
    /// let t = parfor_kernels::suite::Timing { runs: vec![Duration::from_secs(3), Duration::from_secs(1)] };
    /// assert_eq!((t.min(), t.max()), (Duration::from_secs(1), Duration::from_secs(3)));
    /// ```
    pub fn min(&self) -> Duration {
        self.runs.iter().copied().min().unwrap_or_default()
    }

    /// The longest run (zero when none ran).
    ///
    /// ```
    /// use std::time::Duration;
    /// assert_eq!(parfor_kernels::suite::Timing { runs: vec![] }.max(), Duration::ZERO);
    /// ```
    pub fn max(&self) -> Duration {
        self.runs.iter().copied().max().unwrap_or_default()
    }

    /// Mean and standard deviation (divisor n - 1; 0 for one run) of the run times, in seconds,
    /// as `%timeit` reports them.
    ///
    /// ```
    /// use std::time::Duration;
    /// let t = parfor_kernels::suite::Timing { runs: vec![Duration::from_secs(1), Duration::from_secs(3)] };
    /// assert_eq!(t.mean_sd(), (2.0, 2f64.sqrt()));
    /// ```
    pub fn mean_sd(&self) -> (f64, f64) {
        let secs: Vec<f64> = self.runs.iter().map(Duration::as_secs_f64).collect();
        let n = secs.len() as f64;
        if secs.is_empty() {
            return (f64::NAN, f64::NAN);
        }
        let mean = secs.iter().sum::<f64>() / n;
        let ss: f64 = secs.iter().map(|x| (x - mean) * (x - mean)).sum();
        let sd = if secs.len() > 1 {
            (ss / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        (mean, sd)
    }
}

/// Runs `f` at least `min_runs` times, and more while the total stays under `budget`
/// (at most `max_runs`), and returns the times: short kernels get repeated, long ones do not.
///
/// ```
/// use std::time::Duration;
/// let t = parfor_kernels::suite::measure(1, 5, Duration::from_millis(1), || {});
/// assert!((1..=5).contains(&t.runs.len()));
/// ```
pub fn measure(min_runs: usize, max_runs: usize, budget: Duration, mut f: impl FnMut()) -> Timing {
    let mut runs = Vec::new();
    let started = Instant::now();
    while runs.len() < min_runs.max(1)
        || (runs.len() < max_runs
            && started.elapsed() + runs.last().copied().unwrap_or_default() < budget)
    {
        let t = Instant::now();
        f();
        runs.push(t.elapsed());
    }
    Timing { runs }
}
