//! The serial baselines: parfor-kernels' plain Rust loops (`serial`) and the plain C loops
//! (`serial-c`, `gcc -O2`, no OpenMP region is entered). No thread pool runs in this process.

mod common;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use parfor_benches::{ffi, sizes, SEED};
use parfor_kernels::{bootstrap, grid_max, mandelbrot, pi, roots, roots_sum, wealth, weather};
use std::hint::black_box;

fn bench(c: &mut Criterion, kernel: &str, runtime: &str, f: impl FnMut()) {
    let mut f = f;
    c.benchmark_group(kernel)
        .bench_function(BenchmarkId::new(runtime, sizes::label(kernel)), |b| {
            b.iter(&mut f)
        });
}

fn benches(c: &mut Criterion) {
    let p = sizes::pi();
    bench(c, "pi", "serial", || {
        black_box(pi::serial(p, SEED));
    });
    bench(c, "pi", "serial-c", || {
        black_box(ffi::pi_serial(p.n, SEED));
    });

    let p = sizes::wealth();
    bench(c, "wealth", "serial", || {
        black_box(wealth::serial(p, SEED));
    });
    let mut w = vec![0.0; p.households as usize];
    bench(c, "wealth", "serial-c", || {
        black_box(ffi::wealth_serial(p.into(), SEED, &mut w));
    });

    let p = sizes::weather();
    bench(c, "weather", "serial", || {
        black_box(weather::serial(p, SEED));
    });
    bench(c, "weather", "serial-c", || {
        black_box(ffi::weather_serial(p.into(), SEED));
    });

    let mut x = vec![0.0; sizes::roots().n as usize];
    ffi::roots_input(SEED, &mut x);
    let mut out = vec![0.0f32; x.len()];
    bench(c, "roots", "serial", || roots::serial(&x, &mut out));
    bench(c, "roots", "serial-c", || ffi::roots_serial(&x, &mut out));
    drop((x, out));

    let mut x = vec![0.0; sizes::roots_sum().n as usize];
    ffi::roots_input(SEED, &mut x);
    let mut out = vec![0.0; x.len()];
    bench(c, "roots_sum", "serial", || roots_sum::serial(&x, &mut out));
    bench(c, "roots_sum", "serial-c", || {
        ffi::roots_sum_serial(&x, &mut out)
    });

    let p = sizes::grid_max();
    bench(c, "grid_max", "serial", || {
        black_box(grid_max::serial(p));
    });
    bench(c, "grid_max", "serial-c", || {
        black_box(ffi::grid_max_serial(p.n));
    });

    let p = sizes::bootstrap();
    let (mut m, mut s) = (vec![0.0; p.tasks as usize], vec![0.0; p.tasks as usize]);
    bench(c, "bootstrap", "serial", || {
        black_box(bootstrap::serial_fill(p, SEED, &mut m, &mut s));
    });
    bench(c, "bootstrap", "serial-c", || {
        black_box(ffi::bootstrap_serial(
            p.tasks, p.draws, SEED, &mut m, &mut s,
        ));
    });

    let p = sizes::mandelbrot();
    let mut counts = vec![0u32; p.pixels()];
    bench(c, "mandelbrot", "serial", || {
        black_box(mandelbrot::serial_counts(p, &mut counts));
    });
    bench(c, "mandelbrot", "serial-c", || {
        black_box(ffi::mandelbrot_serial(
            p.width,
            p.height,
            p.max_iter,
            &mut counts,
        ));
    });
}

criterion_group! {
    name = group;
    config = common::kernels();
    targets = benches
}
criterion_main!(group);
