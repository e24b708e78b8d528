//! The eight kernels on parfor: each kernel's default schedule (`parfor`), and static vs guided
//! against it for mandelbrot and roots_sum, where the schedule matters. Only parfor's pool runs in
//! this process (team size from OMP_NUM_THREADS; the scaling group sets 1, 2, 4 and 8 in turn);
//! see benches/run.sh.

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use parfor::Schedule;
use parfor_benches::{sizes, SEED};
use parfor_kernels::{bootstrap, grid_max, mandelbrot, pi, roots, roots_sum, wealth, weather};
use std::hint::black_box;
use std::time::Duration;

/// `<kernel>/<runtime>/<size>`; the default schedule (`parfor`) also in the scaling group.
fn bench(c: &mut Criterion, kernel: &str, runtime: &str, f: impl FnMut() + Send) {
    let mut f = f;
    c.benchmark_group(kernel)
        .bench_function(BenchmarkId::new(runtime, sizes::label(kernel)), |b| {
            b.iter(&mut f)
        });
    if runtime == "parfor" {
        common::scaling(c, kernel, runtime, f, on_team);
    }
}

/// Times `iters` calls of `f` with parfor's global pool at `t` threads, then restores its size.
fn on_team(t: usize, f: &mut (dyn FnMut() + Send), iters: u64) -> Duration {
    let before = parfor::max_threads();
    parfor::set_num_threads(t).expect("a team of 1-8 threads");
    let took = common::timed(f, iters);
    parfor::set_num_threads(before).expect("the team size it had");
    took
}

fn benches(c: &mut Criterion) {
    let p = sizes::pi();
    bench(c, "pi", "parfor", || {
        black_box(pi::parallel(p, SEED, pi::DEFAULT_SCHEDULE));
    });

    let p = sizes::wealth();
    bench(c, "wealth", "parfor", || {
        black_box(wealth::parallel(p, SEED, wealth::DEFAULT_SCHEDULE));
    });

    let p = sizes::weather();
    bench(c, "weather", "parfor", || {
        black_box(weather::parallel(p, SEED, weather::DEFAULT_SCHEDULE));
    });

    let x = roots::input(sizes::roots(), SEED);
    let mut out = vec![0.0f32; x.len()];
    bench(c, "roots", "parfor", || {
        roots::parallel(&x, &mut out, roots::DEFAULT_SCHEDULE)
    });
    drop((x, out));

    let x = roots::input(
        roots::Params {
            n: sizes::roots_sum().n,
        },
        SEED,
    );
    let mut out = vec![0.0; x.len()];
    for (name, schedule) in [
        ("parfor", roots_sum::DEFAULT_SCHEDULE),
        ("parfor-static", Schedule::Static),
        ("parfor-guided1", Schedule::Guided(1)),
    ] {
        bench(c, "roots_sum", name, || {
            roots_sum::parallel(&x, &mut out, schedule)
        });
    }

    let p = sizes::grid_max();
    bench(c, "grid_max", "parfor", || {
        black_box(grid_max::parallel(p, grid_max::DEFAULT_SCHEDULE));
    });

    let p = sizes::bootstrap();
    let (mut m, mut s) = (vec![0.0; p.tasks as usize], vec![0.0; p.tasks as usize]);
    bench(c, "bootstrap", "parfor", || {
        black_box(bootstrap::fill(
            p,
            SEED,
            &mut m,
            &mut s,
            bootstrap::DEFAULT_SCHEDULE,
        ));
    });

    let p = sizes::mandelbrot();
    let mut counts = vec![0u32; p.pixels()];
    for (name, schedule) in [
        ("parfor", mandelbrot::DEFAULT_SCHEDULE),
        ("parfor-static", Schedule::Static),
        ("parfor-guided1", Schedule::Guided(1)),
    ] {
        bench(c, "mandelbrot", name, || {
            black_box(mandelbrot::counts(p, &mut counts, schedule));
        });
    }
}

criterion_group! {
    name = group;
    config = common::kernels();
    targets = benches
}
criterion_main!(group);
