//! Times one serial iteration of every kernel at its bench size (to choose `sizes`, 50-300 ms)
//! and the delay body of the dynamic overhead test (about 100 ns):
//! `cargo run --release -p parfor-benches --example calibrate`.

use parfor_benches::{ffi, overhead, sizes, SEED};
use parfor_kernels::{bootstrap, grid_max, mandelbrot, pi, roots, roots_sum, wealth, weather};
use std::hint::black_box;
use std::time::Instant;

fn time(name: &str, mut f: impl FnMut()) {
    f();
    let t = Instant::now();
    f();
    println!(
        "{name:12} {:>28} {:8.1} ms",
        sizes::label(name),
        t.elapsed().as_secs_f64() * 1e3
    );
}

fn main() {
    time("pi", || {
        black_box(pi::serial(sizes::pi(), SEED));
    });
    time("wealth", || {
        black_box(wealth::serial(sizes::wealth(), SEED));
    });
    time("weather", || {
        black_box(weather::serial(sizes::weather(), SEED));
    });
    let x = roots::input(sizes::roots(), SEED);
    let mut out = vec![0.0f32; x.len()];
    time("roots", || roots::serial(&x, &mut out));
    let xs = roots::input(
        roots::Params {
            n: sizes::roots_sum().n,
        },
        SEED,
    );
    let mut o = vec![0.0; xs.len()];
    time("roots_sum", || roots_sum::serial(&xs, &mut o));
    time("grid_max", || {
        black_box(grid_max::serial(sizes::grid_max()));
    });
    let b = sizes::bootstrap();
    let (mut m, mut s) = (vec![0.0; b.tasks as usize], vec![0.0; b.tasks as usize]);
    time("bootstrap", || {
        black_box(bootstrap::serial_fill(b, SEED, &mut m, &mut s));
    });
    let mp = sizes::mandelbrot();
    let mut c = vec![0u32; mp.pixels()];
    time("mandelbrot", || {
        black_box(mandelbrot::serial_counts(mp, &mut c));
    });
    let reps = 1_000_000;
    let t = Instant::now();
    for _ in 0..reps {
        ffi::delay(overhead::DELAY_REPS);
    }
    println!(
        "delay({}) {:.1} ns",
        overhead::DELAY_REPS,
        t.elapsed().as_secs_f64() * 1e9 / reps as f64
    );
}
