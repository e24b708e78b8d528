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

    /// What the reported result is.
    ///
    /// ```
    /// assert_eq!(parfor_kernels::suite::Kernel::Pi.result_meaning(), "estimate of pi");
    /// ```
    pub fn result_meaning(self) -> &'static str {
        match self {
            Kernel::Pi => "estimate of pi",
            Kernel::Wealth => "median final wealth",
            Kernel::Weather => "mean final temperature (std in extra)",
            Kernel::Roots => "checksum: sum of the outputs",
            Kernel::RootsSum => "out[0] (every element is the same sum)",
            Kernel::GridMax => "maximum",
            Kernel::Bootstrap => "mean of the task stds (mean of means in extra)",
            Kernel::Mandelbrot => "total escape count",
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

/// Output buffers of one side (serial or parallel) of a workload.
#[derive(Clone, Debug)]
enum Out {
    None,
    F64(Vec<f64>),
    F32(Vec<f32>),
    U32(Vec<u32>),
    Pair(Vec<f64>, Vec<f64>),
}

impl Out {
    fn words(&self) -> Vec<u64> {
        match self {
            Out::None => vec![],
            Out::F64(v) => v.iter().map(|x| x.to_bits()).collect(),
            Out::F32(v) => v.iter().map(|x| u64::from(x.to_bits())).collect(),
            Out::U32(v) => v.iter().map(|&x| u64::from(x)).collect(),
            Out::Pair(a, b) => a.iter().chain(b).map(|x| x.to_bits()).collect(),
        }
    }
}

/// The parameters of every kernel at one size.
#[derive(Clone, Copy, Debug)]
struct AllParams {
    pi: pi::Params,
    wealth: wealth::Params,
    weather: weather::Params,
    roots: roots::Params,
    roots_sum: roots_sum::Params,
    grid_max: grid_max::Params,
    bootstrap: bootstrap::Params,
    mandelbrot: mandelbrot::Params,
}

impl AllParams {
    fn of(size: Size) -> AllParams {
        match size {
            Size::Full => AllParams {
                pi: Default::default(),
                wealth: Default::default(),
                weather: Default::default(),
                roots: Default::default(),
                roots_sum: Default::default(),
                grid_max: Default::default(),
                bootstrap: Default::default(),
                mandelbrot: Default::default(),
            },
            Size::Small => AllParams {
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

/// A one-line description of `kernel`'s problem at `size`.
///
/// ```
/// use parfor_kernels::suite::{describe, Kernel, Size};
/// assert_eq!(describe(Kernel::Pi, Size::Full), "n = 100000000");
/// ```
pub fn describe(kernel: Kernel, size: Size) -> String {
    describe_params(kernel, &AllParams::of(size))
}

fn describe_params(kernel: Kernel, p: &AllParams) -> String {
    match kernel {
        Kernel::Pi => format!("n = {}", p.pi.n),
        Kernel::Wealth => format!(
            "households = {}, T = {}",
            p.wealth.households, p.wealth.steps
        ),
        Kernel::Weather => format!("runs = {}, steps = {}", p.weather.runs, p.weather.steps),
        Kernel::Roots => format!("n = {}", p.roots.n),
        Kernel::RootsSum => format!("n = {}", p.roots_sum.n),
        Kernel::GridMax => format!("{0} x {0}", p.grid_max.n),
        Kernel::Bootstrap => format!("p = {}, n = {}", p.bootstrap.tasks, p.bootstrap.draws),
        Kernel::Mandelbrot => format!(
            "{} x {}, max_iter = {}",
            p.mandelbrot.width, p.mandelbrot.height, p.mandelbrot.max_iter
        ),
    }
}

/// A kernel at one size and seed, with its inputs made and its output buffers allocated and
/// touched, so that [`Workload::serial`] and [`Workload::parallel`] time the kernel alone.
#[derive(Debug)]
pub struct Workload {
    kernel: Kernel,
    seed: u64,
    params: AllParams,
    input: Vec<f64>,
    serial: Side,
    parallel: Side,
}

#[derive(Debug)]
struct Side {
    out: Out,
    result: Option<f64>,
    extra: Vec<(&'static str, f64)>,
}

impl Workload {
    /// Prepares `kernel` at `size` with `seed` (ignored by deterministic kernels; roots and
    /// roots_sum use it for their input).
    pub fn new(kernel: Kernel, size: Size, seed: u64) -> Workload {
        let params = AllParams::of(size);
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
        let out = || match kernel {
            // Filled with NaN rather than zero, so every page is touched now, not while timed.
            Kernel::Wealth => Out::F64(vec![f64::NAN; params.wealth.households as usize]),
            Kernel::Roots => Out::F32(vec![f32::NAN; input.len()]),
            Kernel::RootsSum => Out::F64(vec![f64::NAN; input.len()]),
            Kernel::Bootstrap => {
                let p = params.bootstrap.tasks as usize;
                Out::Pair(vec![f64::NAN; p], vec![f64::NAN; p])
            }
            Kernel::Mandelbrot => Out::U32(vec![u32::MAX; params.mandelbrot.pixels()]),
            _ => Out::None,
        };
        let side = || Side {
            out: out(),
            result: None,
            extra: Vec::new(),
        };
        Workload {
            kernel,
            seed,
            params,
            serial: side(),
            parallel: side(),
            input,
        }
    }

    /// The kernel.
    pub fn kernel(&self) -> Kernel {
        self.kernel
    }

    /// A one-line description of the problem size.
    ///
    /// ```
    /// use parfor_kernels::suite::{Kernel, Size, Workload};
    /// assert_eq!(Workload::new(Kernel::GridMax, Size::Small, 1).describe(), "600 x 600");
    /// ```
    pub fn describe(&self) -> String {
        describe_params(self.kernel, &self.params)
    }

    /// Runs the serial reference once.
    pub fn serial(&mut self) {
        let (p, seed) = (self.params, self.seed);
        let side = &mut self.serial;
        let (result, extra): (f64, Vec<(&'static str, f64)>) = match (self.kernel, &mut side.out) {
            (Kernel::Pi, _) => (pi::serial(p.pi, seed), vec![]),
            (Kernel::Wealth, Out::F64(w)) => {
                wealth::serial_fill(p.wealth, seed, 0, w);
                (wealth::median(w), vec![])
            }
            (Kernel::Weather, _) => {
                let s = weather::serial(p.weather, seed);
                (s.mean, vec![("std", s.std)])
            }
            (Kernel::Roots, Out::F32(o)) => {
                roots::serial(&self.input, o);
                (f64::NAN, vec![])
            }
            (Kernel::RootsSum, Out::F64(o)) => {
                roots_sum::serial(&self.input, o);
                (f64::NAN, vec![])
            }
            (Kernel::GridMax, _) => (grid_max::serial(p.grid_max), vec![]),
            (Kernel::Bootstrap, Out::Pair(m, s)) => {
                let sum = bootstrap::serial_fill(p.bootstrap, seed, m, s);
                (sum.mean_of_stds, vec![("mean_of_means", sum.mean_of_means)])
            }
            (Kernel::Mandelbrot, Out::U32(c)) => {
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
            (Kernel::Wealth, Out::F64(w)) => {
                wealth::fill_on(runner, p.wealth, seed, 0, w, schedule);
                (wealth::median(w), vec![])
            }
            (Kernel::Weather, _) => {
                let s = weather::parallel_on(runner, p.weather, seed, schedule);
                (s.mean, vec![("std", s.std)])
            }
            (Kernel::Roots, Out::F32(o)) => {
                roots::parallel_on(runner, &self.input, o, schedule);
                (f64::NAN, vec![])
            }
            (Kernel::RootsSum, Out::F64(o)) => {
                roots_sum::parallel_on(runner, &self.input, o, schedule);
                (f64::NAN, vec![])
            }
            (Kernel::GridMax, _) => (grid_max::parallel_on(runner, p.grid_max, schedule), vec![]),
            (Kernel::Bootstrap, Out::Pair(m, s)) => {
                let sum = bootstrap::fill_on(runner, p.bootstrap, seed, m, s, schedule);
                (sum.mean_of_stds, vec![("mean_of_means", sum.mean_of_means)])
            }
            (Kernel::Mandelbrot, Out::U32(c)) => (
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
            Out::F32(o) if self.kernel == Kernel::Roots => {
                result = o.iter().map(|&v| f64::from(v)).sum();
            }
            Out::F64(o) if self.kernel == Kernel::RootsSum => {
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
