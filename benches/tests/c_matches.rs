//! The C side computes the same algorithm as the Rust kernels: at small sizes, the C serial and
//! OpenMP versions give the same bits as parfor-kernels' serial references (pi's hit count, the
//! wealth median, weather's moments, roots, roots_sum, grid_max, bootstrap's per-task statistics,
//! mandelbrot's counts). PCG64 streams, uniforms and ziggurat normals are ported bit for bit.

use parfor_benches::ffi;
use parfor_kernels::{bootstrap, grid_max, mandelbrot, pi, roots, roots_sum, wealth, weather};
use std::ffi::CStr;

const SEED: u64 = 20_240_601;

#[test]
fn c_constants_match_the_rust_kernels() {
    let c = |name: &CStr| ffi::kernel_constant(name);
    assert_eq!(c(c"pi.block"), pi::BLOCK);
    assert_eq!(c(c"wealth.block"), wealth::BLOCK as u64);
    assert_eq!(c(c"weather.block"), weather::BLOCK);
    assert_eq!(c(c"roots.block"), roots::BLOCK as u64);
    assert_eq!(c(c"roots_sum.block"), roots_sum::BLOCK as u64);
    assert_eq!(c(c"grid_max.rows_per_block"), grid_max::ROWS_PER_BLOCK);
    assert_eq!(c(c"bootstrap.block"), bootstrap::BLOCK);
    // The OpenMP loops use each kernel's default parfor schedule.
    let chunk = |s: parfor::Schedule| match s {
        parfor::Schedule::Dynamic(c) => c,
        other => panic!("the C side assumes a dynamic default schedule, found {other}"),
    };
    assert_eq!(c(c"pi.chunk"), chunk(pi::DEFAULT_SCHEDULE));
    assert_eq!(c(c"wealth.chunk"), chunk(wealth::DEFAULT_SCHEDULE));
    assert_eq!(c(c"weather.chunk"), chunk(weather::DEFAULT_SCHEDULE));
    assert_eq!(c(c"roots_sum.chunk"), chunk(roots_sum::DEFAULT_SCHEDULE));
    assert_eq!(c(c"grid_max.chunk"), chunk(grid_max::DEFAULT_SCHEDULE));
    assert_eq!(c(c"bootstrap.chunk"), chunk(bootstrap::DEFAULT_SCHEDULE));
    assert_eq!(c(c"mandelbrot.chunk"), chunk(mandelbrot::DEFAULT_SCHEDULE));
    assert_eq!(roots::DEFAULT_SCHEDULE, parfor::Schedule::Static);
}

#[test]
fn pi_hit_counts_are_equal() {
    // Not a multiple of the block size: the last block is short.
    let p = pi::Params { n: 300_001 };
    let rust = pi::serial(p, SEED);
    let hits = ffi::pi_serial(p.n, SEED);
    assert_eq!(4.0 * hits as f64 / p.n as f64, rust);
    assert_eq!(ffi::pi_omp(p.n, SEED), hits);
    assert_ne!(ffi::pi_serial(p.n, SEED + 1), hits);
}

#[test]
fn wealth_medians_are_equal() {
    let p = wealth::Params {
        households: 1001,
        steps: 100,
        ..Default::default()
    };
    let rust = wealth::serial(p, SEED);
    let mut w = vec![0.0; p.households as usize];
    assert_eq!(
        ffi::wealth_serial(p.into(), SEED, &mut w).to_bits(),
        rust.to_bits()
    );
    assert_eq!(
        ffi::wealth_omp(p.into(), SEED, &mut w).to_bits(),
        rust.to_bits()
    );
    // An even count: the mean of the two middle values.
    let p = wealth::Params {
        households: 1000,
        ..p
    };
    let mut w = vec![0.0; 1000];
    assert_eq!(
        ffi::wealth_omp(p.into(), SEED, &mut w).to_bits(),
        wealth::serial(p, SEED).to_bits()
    );
}

#[test]
fn every_final_wealth_is_equal() {
    // Per household, including the ziggurat's rare tail and rejection branches (200,000 normals).
    let p = wealth::Params {
        households: 500,
        steps: 200,
        ..Default::default()
    };
    let mut rust = vec![0.0; 500];
    wealth::serial_fill(p, SEED, 0, &mut rust);
    let mut c = vec![0.0; 500];
    ffi::wealth_serial(p.into(), SEED, &mut c);
    let mut sorted = rust.clone();
    sorted.sort_by(f64::total_cmp);
    c.sort_by(f64::total_cmp);
    assert_eq!(sorted, c);
}

#[test]
fn weather_moments_are_equal() {
    let p = weather::Params {
        runs: 5000,
        ..weather::Params::small()
    };
    let rust = weather::serial(p, SEED);
    assert_eq!(ffi::weather_serial(p.into(), SEED), (rust.mean, rust.std));
    assert_eq!(ffi::weather_omp(p.into(), SEED), (rust.mean, rust.std));
}

#[test]
fn roots_inputs_and_outputs_are_equal() {
    let p = roots::Params { n: 50_000 };
    let x = roots::input(p, SEED);
    let mut xc = vec![0.0; x.len()];
    ffi::roots_input(SEED, &mut xc);
    assert_eq!(x, xc);
    let mut rust = vec![0.0f32; x.len()];
    roots::serial(&x, &mut rust);
    let mut c = vec![0.0f32; x.len()];
    ffi::roots_serial(&x, &mut c);
    assert_eq!(rust, c);
    c.fill(0.0);
    ffi::roots_omp(&x, &mut c);
    assert_eq!(rust, c);
}

#[test]
fn roots_sum_is_equal() {
    let x = roots::input(roots::Params { n: 700 }, SEED);
    let mut rust = vec![0.0; 700];
    roots_sum::serial(&x, &mut rust);
    let mut c = vec![0.0; 700];
    ffi::roots_sum_serial(&x, &mut c);
    assert_eq!(rust, c);
    c.fill(0.0);
    ffi::roots_sum_omp(&x, &mut c);
    assert_eq!(rust, c);
    c.fill(0.0);
    ffi::set_schedule(ffi::OmpSchedule::Guided(1));
    ffi::roots_sum_omp_runtime(&x, &mut c);
    assert_eq!(rust, c);
}

#[test]
fn grid_max_is_equal() {
    for n in [1, 2, 301, 400] {
        let rust = grid_max::serial(grid_max::Params { n });
        assert_eq!(ffi::grid_max_serial(n).to_bits(), rust.to_bits(), "n = {n}");
        assert_eq!(ffi::grid_max_omp(n).to_bits(), rust.to_bits(), "n = {n}");
    }
}

#[test]
fn bootstrap_tasks_are_equal() {
    let p = bootstrap::Params {
        tasks: 300,
        draws: 1000,
    };
    let (mut m, mut s) = (vec![0.0; 300], vec![0.0; 300]);
    let rust = bootstrap::serial_fill(p, SEED, &mut m, &mut s);
    let (mut mc, mut sc) = (vec![0.0; 300], vec![0.0; 300]);
    let c = ffi::bootstrap_serial(p.tasks, p.draws, SEED, &mut mc, &mut sc);
    assert_eq!((m.clone(), s.clone()), (mc.clone(), sc.clone()));
    assert_eq!(c, (rust.mean_of_means, rust.mean_of_stds));
    mc.fill(0.0);
    sc.fill(0.0);
    let c = ffi::bootstrap_omp(p.tasks, p.draws, SEED, &mut mc, &mut sc);
    assert_eq!((m, s), (mc, sc));
    assert_eq!(c, (rust.mean_of_means, rust.mean_of_stds));
}

#[test]
fn mandelbrot_counts_are_equal() {
    let p = mandelbrot::Params {
        width: 200,
        height: 150,
        max_iter: 500,
    };
    let mut rust = vec![0u32; p.pixels()];
    let total = mandelbrot::serial_counts(p, &mut rust);
    let mut c = vec![0u32; p.pixels()];
    assert_eq!(
        ffi::mandelbrot_serial(p.width, p.height, p.max_iter, &mut c),
        total
    );
    assert_eq!(rust, c);
    c.fill(0);
    assert_eq!(
        ffi::mandelbrot_omp(p.width, p.height, p.max_iter, &mut c),
        total
    );
    assert_eq!(rust, c);
    for s in [
        ffi::OmpSchedule::Static(0),
        ffi::OmpSchedule::Dynamic(1),
        ffi::OmpSchedule::Guided(1),
    ] {
        c.fill(0);
        ffi::set_schedule(s);
        assert_eq!(
            ffi::mandelbrot_omp_runtime(p.width, p.height, p.max_iter, &mut c),
            total
        );
        assert_eq!(rust, c);
    }
}

#[test]
fn each_c_build_reaches_its_own_openmp_runtime() {
    // gcc's calls go to libgomp although libomp (linked too) exports a GOMP layer.
    let gomp = ffi::symbol_provider(c"GOMP_parallel");
    assert!(gomp.contains("libgomp"), "GOMP_parallel from {gomp:?}");
    if ffi::HAS_LIBOMP {
        let kmpc = ffi::symbol_provider(c"__kmpc_fork_call");
        assert!(kmpc.contains("libomp"), "__kmpc_fork_call from {kmpc:?}");
    }
}

#[cfg(not(no_libomp))]
#[test]
fn the_clang_libomp_build_gives_the_same_bits() {
    use ffi::llvm;
    let p = pi::Params { n: 300_001 };
    assert_eq!(
        llvm::pi_omp(p.n, SEED) as f64 * 4.0 / p.n as f64,
        pi::serial(p, SEED)
    );
    for n in [1, 2, 301] {
        let rust = grid_max::serial(grid_max::Params { n });
        assert_eq!(llvm::grid_max_omp(n).to_bits(), rust.to_bits(), "n = {n}");
    }
    let x = roots::input(roots::Params { n: 700 }, SEED);
    let (mut rust, mut c) = (vec![0.0; 700], vec![0.0; 700]);
    roots_sum::serial(&x, &mut rust);
    llvm::roots_sum_omp(&x, &mut c);
    assert_eq!(rust, c);
    let p = weather::Params {
        runs: 3000,
        ..Default::default()
    };
    let w = weather::serial(p, SEED);
    assert_eq!(llvm::weather_omp(p.into(), SEED), (w.mean, w.std));
    let counts = llvm::ovh_thread_counts(2000, 10);
    assert_eq!(counts.iter().map(|c| c.1).sum::<u64>(), 2000);
}
