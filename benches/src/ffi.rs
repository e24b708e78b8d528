//! The C side (benches/c/*.c, built by build.rs with `gcc -O3 -fno-math-errno -fopenmp` on
//! libgomp, and again with clang on LLVM's libomp), declared and wrapped in safe functions that
//! check lengths. `*_serial` are plain C loops; `*_omp` are OpenMP loops on the build's team
//! (sized by `OMP_NUM_THREADS`). [`gomp`] (re-exported here) is the gcc build, [`llvm`] the clang
//! one. In the clang build, `set_schedule` and `max_threads` reach libgomp's `omp_*` functions
//! (libgomp comes first on the link line), so its `*_runtime` variants are not used.

use std::ffi::CStr;
use std::os::raw::c_char;

/// `parfor_kernels::wealth::Params`, as the C side reads it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WealthParams {
    /// Households.
    pub households: u64,
    /// Steps per household.
    pub steps: u32,
    /// r, s, v1, v2, w0.
    pub r: f64,
    /// Savings rate.
    pub s: f64,
    /// Volatility of returns.
    pub v1: f64,
    /// Volatility of income.
    pub v2: f64,
    /// Initial wealth.
    pub w0: f64,
}

impl From<parfor_kernels::wealth::Params> for WealthParams {
    fn from(p: parfor_kernels::wealth::Params) -> Self {
        WealthParams {
            households: p.households,
            steps: p.steps,
            r: p.r,
            s: p.s,
            v1: p.v1,
            v2: p.v2,
            w0: p.w0,
        }
    }
}

/// `parfor_kernels::weather::Params`, as the C side reads it.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct WeatherParams {
    /// Runs.
    pub runs: u64,
    /// Steps per run.
    pub steps: u32,
    /// Start temperature.
    pub start: f64,
    /// Mean-reversion centre.
    pub center: f64,
    /// Step standard deviation.
    pub sd: f64,
}

impl From<parfor_kernels::weather::Params> for WeatherParams {
    fn from(p: parfor_kernels::weather::Params) -> Self {
        WeatherParams {
            runs: p.runs,
            steps: p.steps,
            start: p.start,
            center: p.center,
            sd: p.sd,
        }
    }
}

/// The C side's declarations, with the symbol suffix of one build (`""`: gcc and libgomp;
/// `"_llvm"`: clang and libomp, renamed by build.rs).
macro_rules! c_side {
    ($suffix:literal) => {
        use super::{WealthParams, WeatherParams};
        use std::os::raw::c_char;
        extern "C" {
            #[link_name = concat!("c_kernel_constant", $suffix)]
            pub fn c_kernel_constant(name: *const c_char) -> u64;
            #[link_name = concat!("c_set_schedule", $suffix)]
            pub fn c_set_schedule(kind: i32, chunk: i32);
            #[link_name = concat!("c_max_threads", $suffix)]
            pub fn c_max_threads() -> i32;
            #[link_name = concat!("c_set_threads", $suffix)]
            pub fn c_set_threads(n: i32);
            #[link_name = concat!("c_pi_serial", $suffix)]
            pub fn c_pi_serial(n: u64, seed: u64) -> u64;
            #[link_name = concat!("c_pi_omp", $suffix)]
            pub fn c_pi_omp(n: u64, seed: u64) -> u64;
            #[link_name = concat!("c_wealth_serial", $suffix)]
            pub fn c_wealth_serial(p: *const WealthParams, seed: u64, w: *mut f64) -> f64;
            #[link_name = concat!("c_wealth_omp", $suffix)]
            pub fn c_wealth_omp(p: *const WealthParams, seed: u64, w: *mut f64) -> f64;
            #[link_name = concat!("c_weather_serial", $suffix)]
            pub fn c_weather_serial(
                p: *const WeatherParams,
                seed: u64,
                mean: *mut f64,
                std: *mut f64,
            );
            #[link_name = concat!("c_weather_omp", $suffix)]
            pub fn c_weather_omp(p: *const WeatherParams, seed: u64, mean: *mut f64, std: *mut f64);
            #[link_name = concat!("c_roots_input", $suffix)]
            pub fn c_roots_input(seed: u64, x: *mut f64, n: u64);
            #[link_name = concat!("c_roots_serial", $suffix)]
            pub fn c_roots_serial(x: *const f64, out: *mut f32, n: u64);
            #[link_name = concat!("c_roots_omp", $suffix)]
            pub fn c_roots_omp(x: *const f64, out: *mut f32, n: u64);
            #[link_name = concat!("c_roots_sum_serial", $suffix)]
            pub fn c_roots_sum_serial(x: *const f64, out: *mut f64, n: u64);
            #[link_name = concat!("c_roots_sum_omp", $suffix)]
            pub fn c_roots_sum_omp(x: *const f64, out: *mut f64, n: u64);
            #[link_name = concat!("c_roots_sum_omp_runtime", $suffix)]
            pub fn c_roots_sum_omp_runtime(x: *const f64, out: *mut f64, n: u64);
            #[link_name = concat!("c_grid_max_serial", $suffix)]
            pub fn c_grid_max_serial(n: u64) -> f64;
            #[link_name = concat!("c_grid_max_omp", $suffix)]
            pub fn c_grid_max_omp(n: u64) -> f64;
            #[link_name = concat!("c_bootstrap_serial", $suffix)]
            pub fn c_bootstrap_serial(
                tasks: u64,
                draws: u64,
                seed: u64,
                means: *mut f64,
                stds: *mut f64,
                summary: *mut f64,
            );
            #[link_name = concat!("c_bootstrap_omp", $suffix)]
            pub fn c_bootstrap_omp(
                tasks: u64,
                draws: u64,
                seed: u64,
                means: *mut f64,
                stds: *mut f64,
                summary: *mut f64,
            );
            #[link_name = concat!("c_mandelbrot_serial", $suffix)]
            pub fn c_mandelbrot_serial(w: u32, h: u32, max_iter: u32, counts: *mut u32) -> u64;
            #[link_name = concat!("c_mandelbrot_omp", $suffix)]
            pub fn c_mandelbrot_omp(w: u32, h: u32, max_iter: u32, counts: *mut u32) -> u64;
            #[link_name = concat!("c_mandelbrot_omp_runtime", $suffix)]
            pub fn c_mandelbrot_omp_runtime(w: u32, h: u32, max_iter: u32, counts: *mut u32)
                -> u64;
            #[link_name = concat!("c_ovh_empty_region", $suffix)]
            pub fn c_ovh_empty_region();
            #[link_name = concat!("c_ovh_for_1000", $suffix)]
            pub fn c_ovh_for_1000();
            #[link_name = concat!("c_ovh_reduce_1000", $suffix)]
            pub fn c_ovh_reduce_1000() -> f64;
            #[link_name = concat!("c_ovh_dynamic_10000", $suffix)]
            pub fn c_ovh_dynamic_10000(reps: u32);
            #[link_name = concat!("c_ovh_regions_100", $suffix)]
            pub fn c_ovh_regions_100(a: *mut f64);
            #[link_name = concat!("c_ovh_thread_counts", $suffix)]
            pub fn c_ovh_thread_counts(
                iters: u32,
                reps: u32,
                tids: *mut i64,
                counts: *mut u64,
                max: i32,
            ) -> i32;
            #[link_name = concat!("c_symbol_provider", $suffix)]
            pub fn c_symbol_provider(symbol: *const c_char) -> *const c_char;
            #[link_name = concat!("c_ovh_barriers_1000", $suffix)]
            pub fn c_ovh_barriers_1000();
        }
    };
}

mod sys {
    c_side!("");
}

#[cfg(not(no_libomp))]
mod sys_llvm {
    c_side!("_llvm");
}

mod delay_sys {
    extern "C" {
        pub fn bench_delay(reps: u32);
    }
}

/// The safe wrappers of one build of the C side (`sys` is its declarations).
macro_rules! c_wrappers {
    () => {
        /// A constant of the C side (block sizes `"pi.block"`…, chunk sizes `"pi.chunk"`…); 0 if unknown.
        pub fn kernel_constant(name: &CStr) -> u64 {
            // SAFETY: a valid NUL-terminated string, only read.
            unsafe { sys::c_kernel_constant(name.as_ptr() as *const c_char) }
        }

        /// An OpenMP schedule for the `*_runtime` variants (`omp_set_schedule`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum OmpSchedule {
            /// `static` (chunk 0: equal blocks).
            Static(i32),
            /// `dynamic,c`.
            Dynamic(i32),
            /// `guided,c`.
            Guided(i32),
        }

        /// `omp_set_schedule`: the schedule the `*_runtime` variants use.
        pub fn set_schedule(s: OmpSchedule) {
            let (kind, chunk) = match s {
                OmpSchedule::Static(c) => (1, c),
                OmpSchedule::Dynamic(c) => (2, c),
                OmpSchedule::Guided(c) => (3, c),
            };
            // SAFETY: plain values.
            unsafe { sys::c_set_schedule(kind, chunk) }
        }

        /// `omp_get_max_threads()`.
        pub fn max_threads() -> usize {
            // SAFETY: no arguments.
            unsafe { sys::c_max_threads() as usize }
        }

        /// `omp_set_num_threads(n)`: the team size of later regions started from this thread.
        pub fn set_threads(n: usize) {
            let n = i32::try_from(n.max(1)).unwrap_or(i32::MAX);
            // SAFETY: a plain value.
            unsafe { sys::c_set_threads(n) }
        }

        /// pi's hit count, C serial.
        pub fn pi_serial(n: u64, seed: u64) -> u64 {
            // SAFETY: plain values.
            unsafe { sys::c_pi_serial(n, seed) }
        }

        /// pi's hit count, OpenMP.
        pub fn pi_omp(n: u64, seed: u64) -> u64 {
            // SAFETY: plain values.
            unsafe { sys::c_pi_omp(n, seed) }
        }

        fn check_wealth(p: &WealthParams, w: &[f64]) {
            assert_eq!(w.len() as u64, p.households, "wealth buffer length");
        }

        /// wealth's median, C serial; `w` (one slot per household) is scratch space.
        pub fn wealth_serial(p: WealthParams, seed: u64, w: &mut [f64]) -> f64 {
            check_wealth(&p, w);
            // SAFETY: `w` has `households` elements.
            unsafe { sys::c_wealth_serial(&p, seed, w.as_mut_ptr()) }
        }

        /// wealth's median, OpenMP.
        pub fn wealth_omp(p: WealthParams, seed: u64, w: &mut [f64]) -> f64 {
            check_wealth(&p, w);
            // SAFETY: `w` has `households` elements.
            unsafe { sys::c_wealth_omp(&p, seed, w.as_mut_ptr()) }
        }

        /// weather's (mean, std), C serial.
        pub fn weather_serial(p: WeatherParams, seed: u64) -> (f64, f64) {
            let (mut m, mut s) = (0.0, 0.0);
            // SAFETY: valid out-pointers.
            unsafe { sys::c_weather_serial(&p, seed, &mut m, &mut s) };
            (m, s)
        }

        /// weather's (mean, std), OpenMP.
        pub fn weather_omp(p: WeatherParams, seed: u64) -> (f64, f64) {
            let (mut m, mut s) = (0.0, 0.0);
            // SAFETY: valid out-pointers.
            unsafe { sys::c_weather_omp(&p, seed, &mut m, &mut s) };
            (m, s)
        }

        /// roots' input, made by the C side (the same values as `parfor_kernels::roots::input`).
        pub fn roots_input(seed: u64, x: &mut [f64]) {
            // SAFETY: `x` has `x.len()` elements.
            unsafe { sys::c_roots_input(seed, x.as_mut_ptr(), x.len() as u64) }
        }

        /// roots, C serial.
        pub fn roots_serial(x: &[f64], out: &mut [f32]) {
            assert_eq!(x.len(), out.len());
            // SAFETY: both have `x.len()` elements.
            unsafe { sys::c_roots_serial(x.as_ptr(), out.as_mut_ptr(), x.len() as u64) }
        }

        /// roots, OpenMP.
        pub fn roots_omp(x: &[f64], out: &mut [f32]) {
            assert_eq!(x.len(), out.len());
            // SAFETY: both have `x.len()` elements.
            unsafe { sys::c_roots_omp(x.as_ptr(), out.as_mut_ptr(), x.len() as u64) }
        }

        /// roots_sum, C serial.
        pub fn roots_sum_serial(x: &[f64], out: &mut [f64]) {
            assert_eq!(x.len(), out.len());
            // SAFETY: both have `x.len()` elements.
            unsafe { sys::c_roots_sum_serial(x.as_ptr(), out.as_mut_ptr(), x.len() as u64) }
        }

        /// roots_sum, OpenMP, `schedule(dynamic, 4)` over blocks of 16 outputs.
        pub fn roots_sum_omp(x: &[f64], out: &mut [f64]) {
            assert_eq!(x.len(), out.len());
            // SAFETY: both have `x.len()` elements.
            unsafe { sys::c_roots_sum_omp(x.as_ptr(), out.as_mut_ptr(), x.len() as u64) }
        }

        /// roots_sum, OpenMP, `schedule(runtime)` (see [`set_schedule`]).
        pub fn roots_sum_omp_runtime(x: &[f64], out: &mut [f64]) {
            assert_eq!(x.len(), out.len());
            // SAFETY: both have `x.len()` elements.
            unsafe { sys::c_roots_sum_omp_runtime(x.as_ptr(), out.as_mut_ptr(), x.len() as u64) }
        }

        /// grid_max, C serial.
        pub fn grid_max_serial(n: u64) -> f64 {
            // SAFETY: plain values.
            unsafe { sys::c_grid_max_serial(n) }
        }

        /// grid_max, OpenMP.
        pub fn grid_max_omp(n: u64) -> f64 {
            // SAFETY: plain values.
            unsafe { sys::c_grid_max_omp(n) }
        }

        fn check_bootstrap(tasks: u64, means: &[f64], stds: &[f64]) {
            assert!(means.len() as u64 == tasks && stds.len() as u64 == tasks);
        }

        /// bootstrap: fills per-task means and stds, returns (mean of means, mean of stds); C serial.
        pub fn bootstrap_serial(
            tasks: u64,
            draws: u64,
            seed: u64,
            means: &mut [f64],
            stds: &mut [f64],
        ) -> (f64, f64) {
            check_bootstrap(tasks, means, stds);
            let mut s = [0.0; 2];
            // SAFETY: both arrays have `tasks` elements; `s` has 2.
            unsafe {
                sys::c_bootstrap_serial(
                    tasks,
                    draws,
                    seed,
                    means.as_mut_ptr(),
                    stds.as_mut_ptr(),
                    s.as_mut_ptr(),
                )
            };
            (s[0], s[1])
        }

        /// bootstrap, OpenMP.
        pub fn bootstrap_omp(
            tasks: u64,
            draws: u64,
            seed: u64,
            means: &mut [f64],
            stds: &mut [f64],
        ) -> (f64, f64) {
            check_bootstrap(tasks, means, stds);
            let mut s = [0.0; 2];
            // SAFETY: both arrays have `tasks` elements; `s` has 2.
            unsafe {
                sys::c_bootstrap_omp(
                    tasks,
                    draws,
                    seed,
                    means.as_mut_ptr(),
                    stds.as_mut_ptr(),
                    s.as_mut_ptr(),
                )
            };
            (s[0], s[1])
        }

        fn check_mandel(w: u32, h: u32, counts: &[u32]) {
            assert_eq!(counts.len(), w as usize * h as usize);
        }

        /// mandelbrot: fills the counts, returns the total; C serial.
        pub fn mandelbrot_serial(w: u32, h: u32, max_iter: u32, counts: &mut [u32]) -> u64 {
            check_mandel(w, h, counts);
            // SAFETY: `counts` has w * h elements.
            unsafe { sys::c_mandelbrot_serial(w, h, max_iter, counts.as_mut_ptr()) }
        }

        /// mandelbrot, OpenMP, `schedule(dynamic, 1)` over rows.
        pub fn mandelbrot_omp(w: u32, h: u32, max_iter: u32, counts: &mut [u32]) -> u64 {
            check_mandel(w, h, counts);
            // SAFETY: `counts` has w * h elements.
            unsafe { sys::c_mandelbrot_omp(w, h, max_iter, counts.as_mut_ptr()) }
        }

        /// mandelbrot, OpenMP, `schedule(runtime)` (see [`set_schedule`]).
        pub fn mandelbrot_omp_runtime(w: u32, h: u32, max_iter: u32, counts: &mut [u32]) -> u64 {
            check_mandel(w, h, counts);
            // SAFETY: `counts` has w * h elements.
            unsafe { sys::c_mandelbrot_omp_runtime(w, h, max_iter, counts.as_mut_ptr()) }
        }

        /// The iterations each OS thread ran in a `schedule(dynamic, 1)` loop over `iters` delay
        /// bodies: (Linux thread id, iterations) per thread of the team.
        pub fn ovh_thread_counts(iters: u32, reps: u32) -> Vec<(i64, u64)> {
            const MAX: usize = 256;
            let (mut tids, mut counts) = ([0i64; MAX], [0u64; MAX]);
            // SAFETY: both arrays have MAX elements, and MAX is passed as their length.
            let n = unsafe {
                sys::c_ovh_thread_counts(
                    iters,
                    reps,
                    tids.as_mut_ptr(),
                    counts.as_mut_ptr(),
                    MAX as i32,
                )
            };
            (0..n.max(0) as usize)
                .map(|i| (tids[i], counts[i]))
                .collect()
        }

        /// The shared library that provides `symbol` to this process (empty if none).
        pub fn symbol_provider(symbol: &CStr) -> String {
            // SAFETY: a valid NUL-terminated string; the result is NUL-terminated (a static
            // string or dladdr's file name, which lives as long as the library is loaded).
            unsafe {
                let p = sys::c_symbol_provider(symbol.as_ptr());
                CStr::from_ptr(p).to_string_lossy().into_owned()
            }
        }

        /// OpenMP: an empty region with one iteration per thread.
        pub fn ovh_empty_region() {
            // SAFETY: no arguments.
            unsafe { sys::c_ovh_empty_region() }
        }

        /// OpenMP: a static loop over 1000 trivial iterations.
        pub fn ovh_for_1000() {
            // SAFETY: no arguments.
            unsafe { sys::c_ovh_for_1000() }
        }

        /// OpenMP: a 1000-iteration sum reduction.
        pub fn ovh_reduce_1000() -> f64 {
            // SAFETY: no arguments.
            unsafe { sys::c_ovh_reduce_1000() }
        }

        /// OpenMP: `schedule(dynamic, 1)` over 10,000 calls of [`delay`]`(reps)`.
        pub fn ovh_dynamic_10000(reps: u32) {
            // SAFETY: plain value.
            unsafe { sys::c_ovh_dynamic_10000(reps) }
        }

        /// OpenMP: one region in which every thread passes 1000 `#pragma omp barrier`s.
        pub fn ovh_barriers_1000() {
            // SAFETY: no arguments.
            unsafe { sys::c_ovh_barriers_1000() }
        }

        /// OpenMP: 100 static regions back to back over `a` (1000 elements).
        pub fn ovh_regions_100(a: &mut [f64]) {
            assert_eq!(a.len(), 1000);
            // SAFETY: `a` has 1000 elements.
            unsafe { sys::c_ovh_regions_100(a.as_mut_ptr()) }
        }
    };
}

/// The C side built by gcc, on libgomp (also re-exported at the top of this module).
pub mod gomp {
    use super::sys;
    use super::*;
    c_wrappers!();
}
pub use gomp::*;

/// The C side built by clang, on LLVM's libomp (absent without clang and libomp: cfg
/// `no_libomp`).
#[cfg(not(no_libomp))]
pub mod llvm {
    use super::sys_llvm as sys;
    use super::*;
    c_wrappers!();
}

/// Whether this build has the libomp side ([`llvm`]).
pub const HAS_LIBOMP: bool = cfg!(not(no_libomp));

/// The flags both C builds are compiled with (besides `-fopenmp`).
pub const C_FLAGS: &str = env!("PARFOR_BENCH_C_FLAGS");

/// The ~100 ns body of the dynamic-schedule overhead test (`reps` dependent additions).
#[inline(never)]
pub fn delay(reps: u32) {
    // SAFETY: plain value.
    unsafe { delay_sys::bench_delay(reps) }
}
