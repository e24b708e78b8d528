//! The eight kernels in C with OpenMP (benches/c/kernels.c, `gcc -O3 -fno-math-errno -fopenmp`), each with the
//! schedule of parfor's default for that kernel (`openmp`), and static vs guided for mandelbrot and
//! roots_sum through `schedule(runtime)`. Only libgomp's team runs in this process
//! (OMP_NUM_THREADS; the scaling group sets 1, 2, 4 and 8 in turn).

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use parfor_benches::ffi::{self, OmpSchedule};
use parfor_benches::{sizes, SEED};
use std::hint::black_box;
use std::time::Duration;

/// `<kernel>/<runtime>/<size>`; the default schedule (`openmp`) also in the scaling group.
fn bench(c: &mut Criterion, kernel: &str, runtime: &str, f: impl FnMut() + Send) {
    let mut f = f;
    c.benchmark_group(kernel)
        .bench_function(BenchmarkId::new(runtime, sizes::label(kernel)), |b| {
            b.iter(&mut f)
        });
    if runtime == "openmp" {
        common::scaling(c, kernel, runtime, f, on_team);
    }
}

/// Times `iters` calls of `f` with `omp_set_num_threads(t)`, then restores the team size.
fn on_team(t: usize, f: &mut (dyn FnMut() + Send), iters: u64) -> Duration {
    let before = ffi::max_threads();
    ffi::set_threads(t);
    let took = common::timed(f, iters);
    ffi::set_threads(before);
    took
}

fn benches(c: &mut Criterion) {
    let p = sizes::pi();
    bench(c, "pi", "openmp", || {
        black_box(ffi::pi_omp(p.n, SEED));
    });

    let p = sizes::wealth();
    let mut w = vec![0.0; p.households as usize];
    bench(c, "wealth", "openmp", || {
        black_box(ffi::wealth_omp(p.into(), SEED, &mut w));
    });

    let p = sizes::weather();
    bench(c, "weather", "openmp", || {
        black_box(ffi::weather_omp(p.into(), SEED));
    });

    let mut x = vec![0.0; sizes::roots().n as usize];
    ffi::roots_input(SEED, &mut x);
    let mut out = vec![0.0f32; x.len()];
    bench(c, "roots", "openmp", || ffi::roots_omp(&x, &mut out));
    drop((x, out));

    let mut x = vec![0.0; sizes::roots_sum().n as usize];
    ffi::roots_input(SEED, &mut x);
    let mut out = vec![0.0; x.len()];
    bench(c, "roots_sum", "openmp", || {
        ffi::roots_sum_omp(&x, &mut out)
    });
    for (name, s) in [
        ("openmp-static", OmpSchedule::Static(0)),
        ("openmp-guided1", OmpSchedule::Guided(1)),
    ] {
        ffi::set_schedule(s);
        bench(c, "roots_sum", name, || {
            ffi::roots_sum_omp_runtime(&x, &mut out)
        });
    }

    let p = sizes::grid_max();
    bench(c, "grid_max", "openmp", || {
        black_box(ffi::grid_max_omp(p.n));
    });

    let p = sizes::bootstrap();
    let (mut m, mut s) = (vec![0.0; p.tasks as usize], vec![0.0; p.tasks as usize]);
    bench(c, "bootstrap", "openmp", || {
        black_box(ffi::bootstrap_omp(p.tasks, p.draws, SEED, &mut m, &mut s));
    });

    let p = sizes::mandelbrot();
    let mut counts = vec![0u32; p.pixels()];
    bench(c, "mandelbrot", "openmp", || {
        black_box(ffi::mandelbrot_omp(
            p.width,
            p.height,
            p.max_iter,
            &mut counts,
        ));
    });
    for (name, s) in [
        ("openmp-static", OmpSchedule::Static(0)),
        ("openmp-guided1", OmpSchedule::Guided(1)),
    ] {
        ffi::set_schedule(s);
        bench(c, "mandelbrot", name, || {
            black_box(ffi::mandelbrot_omp_runtime(
                p.width,
                p.height,
                p.max_iter,
                &mut counts,
            ));
        });
    }
}

criterion_group! {
    name = group;
    config = common::kernels();
    targets = benches
}
criterion_main!(group);
