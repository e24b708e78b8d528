//! Criterion settings shared by the bench targets: few samples and short times, so the whole suite
//! at 1 and 2 threads (and the 8-thread runs) finishes in about a quarter of an hour on 2 cores.

#![allow(dead_code)]

use criterion::{BenchmarkId, Criterion, SamplingMode};
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// Kernels: 50-300 ms per serial iteration; 10 samples.
pub fn kernels() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args()
}

/// Overheads: microseconds per iteration; 20 samples.
pub fn overheads() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_millis(1500))
        .configure_from_args()
}

/// Team sizes of the scaling group.
pub const SCALING_THREADS: [usize; 4] = [1, 2, 4, 8];

/// Whether the scaling group runs: yes in a plain `cargo bench`; `BENCH_SCALING=0` turns it off
/// (benches/run.sh measures scaling with one process per team size instead).
pub fn scaling_on() -> bool {
    std::env::var("BENCH_SCALING").map_or(true, |v| v != "0")
}

/// Registers `scaling-<kernel>/<runtime>/<t>` for every `t` of [`SCALING_THREADS`] (when
/// [`scaling_on`]): `run(t, f, iters)` times `iters` calls of `f` on a team of `t` threads. Ten
/// flat samples after 0.2 s of warm-up: about 1.5 s per team size for a 100 ms kernel.
///
/// ```ignore
/// common::scaling(c, "pi", "parfor", || pi(), |t, f, iters| on_team_of(t, || timed(f, iters)));
/// ```
pub fn scaling(
    c: &mut Criterion,
    kernel: &str,
    runtime: &str,
    mut f: impl FnMut() + Send,
    run: impl Fn(usize, &mut (dyn FnMut() + Send), u64) -> Duration,
) {
    if !scaling_on() {
        return;
    }
    let mut g = c.benchmark_group(format!("scaling-{kernel}"));
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_secs(1));
    for t in SCALING_THREADS {
        g.bench_function(BenchmarkId::new(runtime, t), |b| {
            b.iter_custom(|iters| run(t, &mut f, iters))
        });
    }
    g.finish();
}

/// The EPCC-style overhead loops of one runtime, as closures, so that every `overhead_*` target
/// registers the same five benches under its runtime's name.
pub struct OverheadSide<E, F, R, D, G> {
    /// The runtime's name, the prefix of each bench id.
    pub name: &'static str,
    /// One region, one empty iteration per thread.
    pub empty_region: E,
    /// A static loop over 1000 trivial iterations.
    pub for_1000: F,
    /// A 1000-iteration f64 sum reduction.
    pub reduce_1000: R,
    /// dynamic,1 over 10,000 short bodies.
    pub dynamic_10000: D,
    /// 100 static loops back to back over `a`.
    pub regions_100: G,
}

/// Runs `op` `iters` times on the calling thread and returns the time taken: how every overhead
/// bench times its loop unless it runs elsewhere (e.g. inside a rayon pool's `install`).
pub fn timed(op: &mut (dyn FnMut() + Send), iters: u64) -> Duration {
    let t = Instant::now();
    for _ in 0..iters {
        op();
    }
    t.elapsed()
}

/// Registers the five overhead benches of `side` in the group "overhead", timed on this thread.
pub fn overhead_benches<E, F, R, D, G>(c: &mut Criterion, side: OverheadSide<E, F, R, D, G>)
where
    E: FnMut() + Send,
    F: FnMut() + Send,
    R: FnMut() -> f64 + Send,
    D: FnMut() + Send,
    G: FnMut(&mut [f64]) + Send,
{
    overhead_benches_in(c, side, timed)
}

/// Registers the five overhead benches of `side`, each sample's loop run by `run(op, iters)`.
pub fn overhead_benches_in<E, F, R, D, G>(
    c: &mut Criterion,
    mut side: OverheadSide<E, F, R, D, G>,
    run: impl Fn(&mut (dyn FnMut() + Send), u64) -> Duration,
) where
    E: FnMut() + Send,
    F: FnMut() + Send,
    R: FnMut() -> f64 + Send,
    D: FnMut() + Send,
    G: FnMut(&mut [f64]) + Send,
{
    let name = side.name;
    let mut g = c.benchmark_group("overhead");
    g.bench_function(format!("{name}/empty_region"), |b| {
        b.iter_custom(|iters| run(&mut side.empty_region, iters))
    });
    g.bench_function(format!("{name}/for_1000"), |b| {
        b.iter_custom(|iters| run(&mut side.for_1000, iters))
    });
    g.bench_function(format!("{name}/reduce_1000"), |b| {
        b.iter_custom(|iters| {
            run(
                &mut || {
                    std::hint::black_box((side.reduce_1000)());
                },
                iters,
            )
        })
    });
    g.bench_function(format!("{name}/dynamic_10000"), |b| {
        b.iter_custom(|iters| run(&mut side.dynamic_10000, iters))
    });
    let mut a = vec![0.0f64; 1000];
    g.bench_function(format!("{name}/regions_100"), |b| {
        b.iter_custom(|iters| run(&mut || (side.regions_100)(&mut a), iters))
    });
    g.finish();
}

/// Registers one bench `overhead/{id}` whose samples' loops are run by `run(op, iters)`.
pub fn single_bench(
    c: &mut Criterion,
    id: &str,
    mut op: impl FnMut() + Send,
    run: impl Fn(&mut (dyn FnMut() + Send), u64) -> Duration,
) {
    let mut g = c.benchmark_group("overhead");
    g.bench_function(id, |b| b.iter_custom(|iters| run(&mut op, iters)));
    g.finish();
}

/// Fails loudly unless all `team` threads of a runtime ran iterations of `probe`'s loop (a
/// `dynamic,1` loop over 10,000 ~100 ns bodies that returns the iterations run per OS thread):
/// a bench "at 2 threads" that ran on one would be a wrong number, not a slow one. A thread
/// descheduled by another process can miss one short loop, so the probe is tried up to 20 times.
/// The counts are printed with the bench output.
pub fn check_team<T: Eq + std::hash::Hash + std::fmt::Debug>(
    name: &str,
    team: usize,
    mut probe: impl FnMut() -> Vec<(T, u64)>,
) {
    let mut last = Vec::new();
    for _ in 0..20 {
        let counts = probe();
        let ran: HashSet<&T> = counts.iter().filter(|c| c.1 > 0).map(|c| &c.0).collect();
        if ran.len() >= team {
            let per_thread: Vec<u64> = counts.iter().map(|c| c.1).collect();
            eprintln!("thread check: {name}: {team} OS thread(s) ran iterations {per_thread:?}");
            return;
        }
        last = counts;
    }
    panic!(
        "thread check FAILED: {name}: fewer than {team} OS threads ran iterations of a dynamic,1 \
         loop in 20 tries; iterations per thread in the last try: {last:?}"
    );
}

/// Registers `overhead/{name}/barriers_1000` (one region, 1000 barriers per thread) for a runtime
/// with team barriers (parfor, OpenMP).
pub fn barrier_bench(c: &mut Criterion, name: &str, mut barriers_1000: impl FnMut()) {
    let mut g = c.benchmark_group("overhead");
    g.bench_function(format!("{name}/barriers_1000"), |b| {
        b.iter(&mut barriers_1000)
    });
    g.finish();
}
