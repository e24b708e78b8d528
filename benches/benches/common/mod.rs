//! Criterion settings shared by the bench targets: few samples and short times, so the whole suite
//! at 1 and 2 threads (and the 8-thread runs) finishes in about a quarter of an hour on 2 cores.

#![allow(dead_code)]

use criterion::Criterion;
use std::time::Duration;

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

/// Registers the five overhead benches of `side` in the group "overhead".
pub fn overhead_benches<E, F, R, D, G>(c: &mut Criterion, mut side: OverheadSide<E, F, R, D, G>)
where
    E: FnMut(),
    F: FnMut(),
    R: FnMut() -> f64,
    D: FnMut(),
    G: FnMut(&mut [f64]),
{
    let name = side.name;
    let mut g = c.benchmark_group("overhead");
    g.bench_function(format!("{name}/empty_region"), |b| {
        b.iter(&mut side.empty_region)
    });
    g.bench_function(format!("{name}/for_1000"), |b| b.iter(&mut side.for_1000));
    g.bench_function(format!("{name}/reduce_1000"), |b| {
        b.iter(|| std::hint::black_box((side.reduce_1000)()))
    });
    g.bench_function(format!("{name}/dynamic_10000"), |b| {
        b.iter(&mut side.dynamic_10000)
    });
    let mut a = vec![0.0f64; 1000];
    g.bench_function(format!("{name}/regions_100"), |b| {
        b.iter(|| (side.regions_100)(&mut a))
    });
    g.finish();
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
