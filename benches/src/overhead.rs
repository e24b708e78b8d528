//! The EPCC-style overhead loops (syncbench, schedbench) for parfor, rayon and plain serial code;
//! OpenMP's are in benches/c/overhead.c. Every runtime runs the same five tests:
//!
//! | test | what | per |
//! |---|---|---|
//! | `empty_region` | a loop with one empty iteration per thread (OpenMP: `parallel for` over `nthreads`) | region |
//! | `for_1000` | a static loop over 1000 trivial iterations (the body hides its index from the optimiser) | loop |
//! | `reduce_1000` | a 1000-iteration `f64` sum reduction of `i as f64` | loop |
//! | `dynamic_10000` | chunk-1 dynamic loop over 10,000 calls of [`crate::ffi::delay`] (~100 ns, out of line in C) | loop; per chunk: (t - t_serial / threads) / 10,000 |
//! | `regions_100` | 100 static loops back to back, each adding 1 to 1000 shared `f64`s | 100 loops |
//!
//! Team runtimes (parfor, OpenMP) also run `barriers_1000`: one region in which every thread passes
//! 1000 barriers; per barrier = time / 1000 (the region's own cost, under a microsecond, is inside).

use crate::ffi::delay;
use parfor::Schedule;
use rayon::prelude::*;
use std::collections::HashMap;
use std::hint::black_box;
use std::sync::Mutex;
use std::thread::ThreadId;

/// Iterations per OS thread, recorded by a thread-check loop.
#[derive(Default)]
struct PerThread(Mutex<HashMap<ThreadId, u64>>);

impl PerThread {
    fn count(&self) {
        let mut m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *m.entry(std::thread::current().id()).or_default() += 1;
    }

    fn into_counts(self) -> Vec<(ThreadId, u64)> {
        let m = self.0.into_inner().unwrap_or_else(|e| e.into_inner());
        m.into_iter().collect()
    }
}

/// Iterations of the dynamic test.
pub const DYNAMIC_ITERS: u32 = 10_000;

/// `delay(DELAY_REPS)` takes about 100 ns here (the serial bench measures it: `dynamic_10000`
/// serial / 10,000).
pub const DELAY_REPS: u32 = 200;

/// The five tests, in order.
pub const TESTS: [&str; 5] = [
    "empty_region",
    "for_1000",
    "reduce_1000",
    "dynamic_10000",
    "regions_100",
];

/// parfor.
pub mod parfor_side {
    use super::*;

    /// One region, one empty iteration per thread.
    pub fn empty_region(threads: usize) {
        parfor::parallel_for(0..threads, Schedule::Static, |i| {
            black_box(i);
        });
    }

    /// A static loop over 1000 trivial iterations.
    pub fn for_1000() {
        parfor::parallel_for(0..1000u32, Schedule::Static, |i| {
            black_box(i);
        });
    }

    /// A 1000-iteration sum reduction.
    pub fn reduce_1000() -> f64 {
        parfor::parallel_reduce(
            0..1000u32,
            Schedule::Static,
            0.0,
            |i| i as f64,
            |a, b| a + b,
        )
    }

    /// Dynamic, chunk 1, over 10,000 delay bodies.
    pub fn dynamic_10000() {
        parfor::parallel_for(0..DYNAMIC_ITERS, Schedule::Dynamic(1), |_| {
            delay(DELAY_REPS)
        });
    }

    /// The thread check: iterations per OS thread of a dynamic,1 loop over 10,000 delays.
    pub fn thread_counts() -> Vec<(ThreadId, u64)> {
        let seen = PerThread::default();
        parfor::parallel_for(0..DYNAMIC_ITERS, Schedule::Dynamic(1), |_| {
            delay(DELAY_REPS);
            seen.count();
        });
        seen.into_counts()
    }

    /// One region in which every thread passes 1000 barriers.
    pub fn barriers_1000() {
        parfor::parallel(|t| {
            for _ in 0..1000 {
                t.barrier();
            }
        });
    }

    /// 100 static loops over `a` back to back.
    pub fn regions_100(a: &mut [f64]) {
        for _ in 0..100 {
            parfor::parallel_for_slice(a, Schedule::Static, |_, chunk| {
                for x in chunk {
                    *x += 1.0;
                }
            });
        }
    }
}

/// rayon, written the way a rayon user would.
pub mod rayon_side {
    use super::*;

    /// One parallel iterator over one item per thread.
    pub fn empty_region(threads: usize) {
        (0..threads).into_par_iter().for_each(|i| {
            black_box(i);
        });
    }

    /// `for_each` over 1000 trivial items.
    pub fn for_1000() {
        (0..1000u32).into_par_iter().for_each(|i| {
            black_box(i);
        });
    }

    /// `map(..).sum()` over 1000 items.
    pub fn reduce_1000() -> f64 {
        (0..1000u32).into_par_iter().map(|i| i as f64).sum()
    }

    /// One item per job (`with_max_len(1)`, rayon's nearest to dynamic chunk 1), 10,000 delays.
    pub fn dynamic_10000() {
        (0..DYNAMIC_ITERS)
            .into_par_iter()
            .with_max_len(1)
            .for_each(|_| delay(DELAY_REPS));
    }

    /// One closure on every thread of the pool (`broadcast`), doing nothing.
    pub fn broadcast_region() {
        rayon::broadcast(|ctx| {
            black_box(ctx.index());
        });
    }

    /// The thread check: iterations per OS thread of a `with_max_len(1)` loop over 10,000
    /// delays (in the current pool: the global one, or the one of an enclosing `install`).
    pub fn thread_counts() -> Vec<(ThreadId, u64)> {
        let seen = PerThread::default();
        (0..DYNAMIC_ITERS)
            .into_par_iter()
            .with_max_len(1)
            .for_each(|_| {
                delay(DELAY_REPS);
                seen.count();
            });
        seen.into_counts()
    }

    /// 100 `par_iter_mut` loops over `a` back to back.
    pub fn regions_100(a: &mut [f64]) {
        for _ in 0..100 {
            a.par_iter_mut().for_each(|x| *x += 1.0);
        }
    }
}

/// Plain serial loops: the cost of the bodies alone.
pub mod serial_side {
    use super::*;

    /// One empty iteration per "thread".
    pub fn empty_region(threads: usize) {
        for i in 0..threads {
            black_box(i);
        }
    }

    /// 1000 trivial iterations.
    pub fn for_1000() {
        for i in 0..1000u32 {
            black_box(i);
        }
    }

    /// A 1000-iteration sum.
    pub fn reduce_1000() -> f64 {
        let mut s = 0.0;
        for i in 0..1000u32 {
            s += black_box(i) as f64;
        }
        s
    }

    /// 10,000 delays.
    pub fn dynamic_10000() {
        for _ in 0..DYNAMIC_ITERS {
            delay(DELAY_REPS);
        }
    }

    /// 100 loops over `a`.
    pub fn regions_100(a: &mut [f64]) {
        for _ in 0..100 {
            for x in a.iter_mut() {
                *x += 1.0;
            }
            black_box(&mut *a);
        }
    }
}
