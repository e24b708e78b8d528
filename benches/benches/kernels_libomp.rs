//! The eight kernels in C (benches/c/kernels.c built by clang `-O3 -fno-math-errno -fopenmp`) on
//! LLVM's libomp, each in the schedule of parfor's default (OMP_NUM_THREADS; the scaling group
//! sets 1, 2, 4 and 8 in turn); only libomp's team runs in this process. Without clang and libomp at build time (cfg `no_libomp`) it registers
//! nothing and says so.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};

#[cfg(not(no_libomp))]
fn benches(c: &mut Criterion) {
    use criterion::BenchmarkId;
    use parfor_benches::ffi::llvm as ffi;
    use parfor_benches::{sizes, SEED};
    use std::hint::black_box;

    fn bench(c: &mut Criterion, kernel: &str, f: impl FnMut() + Send) {
        let mut f = f;
        c.benchmark_group(kernel)
            .bench_function(BenchmarkId::new("libomp", sizes::label(kernel)), |b| {
                b.iter(&mut f)
            });
        common::scaling(c, kernel, "libomp", f, on_team);
    }

    /// Times `iters` calls of `f` with libomp's `omp_set_num_threads(t)`, then restores it.
    fn on_team(t: usize, f: &mut (dyn FnMut() + Send), iters: u64) -> std::time::Duration {
        let before = ffi::max_threads();
        ffi::set_threads(t);
        let took = common::timed(f, iters);
        ffi::set_threads(before);
        took
    }

    let provider = ffi::symbol_provider(c"__kmpc_fork_call");
    assert!(
        provider.contains("libomp"),
        "__kmpc_fork_call comes from {provider:?}, not libomp"
    );

    let p = sizes::pi();
    bench(c, "pi", || {
        black_box(ffi::pi_omp(p.n, SEED));
    });

    let p = sizes::wealth();
    let mut w = vec![0.0; p.households as usize];
    bench(c, "wealth", || {
        black_box(ffi::wealth_omp(p.into(), SEED, &mut w));
    });

    let p = sizes::weather();
    bench(c, "weather", || {
        black_box(ffi::weather_omp(p.into(), SEED));
    });

    let mut x = vec![0.0; sizes::roots().n as usize];
    ffi::roots_input(SEED, &mut x);
    let mut out = vec![0.0f32; x.len()];
    bench(c, "roots", || ffi::roots_omp(&x, &mut out));
    drop((x, out));

    let mut x = vec![0.0; sizes::roots_sum().n as usize];
    ffi::roots_input(SEED, &mut x);
    let mut out = vec![0.0; x.len()];
    bench(c, "roots_sum", || ffi::roots_sum_omp(&x, &mut out));

    let p = sizes::grid_max();
    bench(c, "grid_max", || {
        black_box(ffi::grid_max_omp(p.n));
    });

    let p = sizes::bootstrap();
    let (mut m, mut s) = (vec![0.0; p.tasks as usize], vec![0.0; p.tasks as usize]);
    bench(c, "bootstrap", || {
        black_box(ffi::bootstrap_omp(p.tasks, p.draws, SEED, &mut m, &mut s));
    });

    let p = sizes::mandelbrot();
    let mut counts = vec![0u32; p.pixels()];
    bench(c, "mandelbrot", || {
        black_box(ffi::mandelbrot_omp(
            p.width,
            p.height,
            p.max_iter,
            &mut counts,
        ));
    });
}

#[cfg(no_libomp)]
fn benches(_: &mut Criterion) {
    eprintln!("kernels_libomp: built without clang and libomp: nothing to measure");
}

criterion_group! {
    name = group;
    config = common::kernels();
    targets = benches
}
criterion_main!(group);
