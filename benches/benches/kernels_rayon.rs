//! The eight kernels on rayon, written the way a rayon user writes them
//! (parfor_benches::rayon_kernels). Only rayon's global pool runs in this process (size from
//! RAYON_NUM_THREADS; the scaling group times each kernel inside `install` of pools of 1, 2, 4
//! and 8 threads); inputs are made by serial code so that no other pool starts.

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use parfor_benches::{ffi, rayon_kernels as rk, sizes, SEED};
use std::hint::black_box;
use std::time::Duration;

/// `<kernel>/<runtime>/<size>` on the global pool, then the scaling group.
fn bench(c: &mut Criterion, kernel: &str, runtime: &str, f: impl FnMut() + Send) {
    let mut f = f;
    c.benchmark_group(kernel)
        .bench_function(BenchmarkId::new(runtime, sizes::label(kernel)), |b| {
            b.iter(&mut f)
        });
    common::scaling(c, kernel, runtime, f, on_team);
}

/// Times `iters` calls of `f` inside `install` of a new pool of `t` threads (dropped after).
fn on_team(t: usize, f: &mut (dyn FnMut() + Send), iters: u64) -> Duration {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(t)
        .build()
        .expect("a rayon pool");
    pool.install(|| common::timed(f, iters))
}

fn benches(c: &mut Criterion) {
    let p = sizes::pi();
    bench(c, "pi", "rayon", || {
        black_box(rk::pi(p, SEED));
    });

    let p = sizes::wealth();
    bench(c, "wealth", "rayon", || {
        black_box(rk::wealth(p, SEED));
    });

    let p = sizes::weather();
    bench(c, "weather", "rayon", || {
        black_box(rk::weather(p, SEED));
    });

    let mut x = vec![0.0; sizes::roots().n as usize];
    ffi::roots_input(SEED, &mut x);
    let mut out = vec![0.0f32; x.len()];
    bench(c, "roots", "rayon", || rk::roots(&x, &mut out));
    drop((x, out));

    let mut x = vec![0.0; sizes::roots_sum().n as usize];
    ffi::roots_input(SEED, &mut x);
    let mut out = vec![0.0; x.len()];
    bench(c, "roots_sum", "rayon", || rk::roots_sum(&x, &mut out));

    let p = sizes::grid_max();
    bench(c, "grid_max", "rayon", || {
        black_box(rk::grid_max(p));
    });

    let p = sizes::bootstrap();
    let (mut m, mut s) = (vec![0.0; p.tasks as usize], vec![0.0; p.tasks as usize]);
    bench(c, "bootstrap", "rayon", || {
        black_box(rk::bootstrap(p, SEED, &mut m, &mut s));
    });

    let p = sizes::mandelbrot();
    let mut counts = vec![0u32; p.pixels()];
    bench(c, "mandelbrot", "rayon", || {
        black_box(rk::mandelbrot(p, &mut counts));
    });
}

criterion_group! {
    name = group;
    config = common::kernels();
    targets = benches
}
criterion_main!(group);
