//! Recursive fib(n) as tasks with a cut-off (below it, plain recursion), on parfor's tasks and on
//! `rayon::join`, for gomp/bench/taskbench.sh (which runs the C version on libgomp beside it).
//! Each runtime gets a warm-up run, then `rounds` timed runs, alternating runtimes; one CSV line
//! a run: `runtime,n,cutoff,threads,round,seconds`.
//!
//! Runtimes: `parfor` (a region whose single thread spawns the tasks; the time includes starting
//! the region, as libgomp's `parallel` + `single` does; a taskgroup around each level, which the
//! scoped borrow needs), `parfor-join` (the same region, each level a `Scope::join`: the task
//! for fib(n - 1) waited for by the join, no taskgroup), `rayon` (`pool.install` from outside
//! the pool, timed outside) and `rayon-inside` (timed inside `install`, so without the hand-over
//! to the pool). Every one uses the same cut-off and the same serial leaf function.
//!
//! ```text
//! cargo run --release -p parfor-benches --example tasks_fib -- 30 10 5 2   # n cutoff rounds threads
//! ```
//! A fifth argument, a runtime's name, runs only that one (for profilers, or one process each).

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Instant;

fn fib_serial(n: u64) -> u64 {
    if n < 2 {
        n
    } else {
        fib_serial(n - 1) + fib_serial(n - 2)
    }
}

/// fib(n) with a task for fib(n - 1), as the C version's `task shared(x)` + `taskwait`.
fn fib_parfor(s: &parfor::Scope<'_>, n: u64, cutoff: u64) -> u64 {
    if n < cutoff {
        return fib_serial(n);
    }
    let (x, mut y) = (AtomicU64::new(0), 0);
    s.taskgroup(|g| {
        g.spawn(|s| x.store(fib_parfor(s, n - 1, cutoff), Relaxed));
        y = fib_parfor(g, n - 2, cutoff);
    });
    x.into_inner() + y
}

/// fib(n) with `Scope::join` (a task for fib(n - 1), waited for by the join itself).
fn fib_parfor_join(s: &parfor::Scope<'_>, n: u64, cutoff: u64) -> u64 {
    if n < cutoff {
        return fib_serial(n);
    }
    let (x, y) = s.join(
        |s| fib_parfor_join(s, n - 1, cutoff),
        |s| fib_parfor_join(s, n - 2, cutoff),
    );
    x + y
}

fn fib_rayon(n: u64, cutoff: u64) -> u64 {
    if n < cutoff {
        return fib_serial(n);
    }
    let (x, y) = rayon::join(|| fib_rayon(n - 1, cutoff), || fib_rayon(n - 2, cutoff));
    x + y
}

/// A timed run: fib(n) and the seconds it took.
type Run<'a> = dyn Fn() -> (u64, f64) + 'a;

fn main() {
    let arg = |i: usize, default: u64| {
        std::env::args()
            .nth(i)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (n, cutoff, rounds, threads) = (arg(1, 30), arg(2, 10), arg(3, 5), arg(4, 2) as usize);
    let expected = fib_serial(n);
    let rayon = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a rayon pool");
    let timed = |f: &dyn Fn() -> u64| {
        let began = Instant::now();
        let value = f();
        (value, began.elapsed().as_secs_f64())
    };
    // A region whose single thread runs `fib` in the region's taskgroup.
    type ParforFib = fn(&parfor::Scope<'_>, u64, u64) -> u64;
    let in_region = |fib: ParforFib| {
        timed(&|| {
            let result = AtomicU64::new(0);
            parfor::region()
                .num_threads(threads)
                .run(|t| t.taskgroup(|s| t.single(|| result.store(fib(s, n, cutoff), Relaxed))));
            result.into_inner()
        })
    };
    let run_parfor = || in_region(fib_parfor);
    let run_parfor_join = || in_region(fib_parfor_join);
    let run_rayon = || timed(&|| rayon.install(|| fib_rayon(n, cutoff)));
    let run_rayon_inside = || rayon.install(|| timed(&|| fib_rayon(n, cutoff)));
    let only = std::env::args().nth(5);
    let runs: Vec<(&str, &Run)> = [
        ("parfor", &run_parfor as &Run),
        ("parfor-join", &run_parfor_join),
        ("rayon", &run_rayon),
        ("rayon-inside", &run_rayon_inside),
    ]
    .into_iter()
    .filter(|(name, _)| only.as_deref().map_or(true, |o| o == *name))
    .collect();
    for (_, run) in &runs {
        assert_eq!(run().0, expected, "warm-up");
    }
    for round in 0..rounds {
        for k in 0..runs.len() {
            // Alternate which runtime goes first.
            let (name, run) = runs[(k + round as usize) % runs.len()];
            let (value, seconds) = run();
            assert_eq!(value, expected, "{name}");
            println!("{name},{n},{cutoff},{threads},{round},{seconds:.6}");
        }
    }
}
