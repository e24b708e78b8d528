//! The spec's expected results (shared/kernels.md), at the small sizes, with the spec's
//! 5-standard-error tolerances scaled to those sizes.

use parfor_kernels::{bootstrap, grid_max, mandelbrot, pi, roots, roots_sum, weather};

#[test]
fn pi_is_within_five_standard_errors() {
    // se = 4 sqrt(q (1 - q) / n), q = pi / 4; n = 1e6 gives se = 0.00164, tolerance 0.0082.
    let p = pi::Params::small();
    let q = std::f64::consts::FRAC_PI_4;
    let tol = 5.0 * 4.0 * (q * (1.0 - q) / p.n as f64).sqrt();
    for seed in [1, 2] {
        let est = pi::parallel(p, seed, pi::DEFAULT_SCHEDULE);
        assert!(
            (est - std::f64::consts::PI).abs() < tol,
            "seed {seed}: {est} (tol {tol})"
        );
    }
}

#[test]
fn weather_reaches_its_stationary_law() {
    // Stationary mean 72, std sqrt(25 / (1 - 1/4)) = 5.7735. With runs = 1e5: the mean within
    // 5 * 5.7735 / sqrt(1e5) = 0.0913, the std within 5 * 5.7735 / sqrt(2e5) = 0.0645.
    let p = weather::Params::small();
    let sigma = (25.0f64 / 0.75).sqrt();
    let runs = p.runs as f64;
    let s = weather::parallel(p, 1, weather::DEFAULT_SCHEDULE);
    assert!(
        (s.mean - 72.0).abs() < 5.0 * sigma / runs.sqrt(),
        "mean {}",
        s.mean
    );
    assert!(
        (s.std - sigma).abs() < 5.0 * sigma / (2.0 * runs).sqrt(),
        "std {}",
        s.std
    );
}

#[test]
fn bootstrap_tasks_and_summary_are_within_tolerance() {
    // n = 1000 draws, p = 2000 tasks. Each task: mean within 6/sqrt(n) = 0.19 of 0, std within
    // 6/sqrt(2n) = 0.134 of 1. Mean of means within 5/sqrt(n p) = 0.0035 of 0; mean of stds within
    // 5/sqrt(2 n p) = 0.0025 of 1 - 3/(4n) (divisor n).
    let p = bootstrap::Params::small();
    let (n, tasks) = (p.draws as f64, p.tasks as f64);
    let (mut means, mut stds) = (vec![0.0; p.tasks as usize], vec![0.0; p.tasks as usize]);
    let s = bootstrap::fill(p, 1, &mut means, &mut stds, bootstrap::DEFAULT_SCHEDULE);
    for (k, (m, sd)) in means.iter().zip(&stds).enumerate() {
        assert!(m.abs() < 6.0 / n.sqrt(), "task {k}: mean {m}");
        assert!(
            (sd - 1.0).abs() < 6.0 / (2.0 * n).sqrt(),
            "task {k}: std {sd}"
        );
    }
    assert!(s.mean_of_means.abs() < 5.0 / (n * tasks).sqrt(), "{s:?}");
    let expected = 1.0 - 3.0 / (4.0 * n);
    assert!(
        (s.mean_of_stds - expected).abs() < 5.0 / (2.0 * n * tasks).sqrt(),
        "{s:?}"
    );
}

#[test]
fn bootstrap_std_uses_divisor_n() {
    let p = bootstrap::Params { tasks: 1, draws: 5 };
    let mut buf = Vec::new();
    let t = bootstrap::task(p, 3, 0, &mut buf);
    let mean = buf.iter().sum::<f64>() / 5.0;
    let var = buf.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / 5.0;
    assert!((t.mean - mean).abs() < 1e-15);
    assert!((t.std - var.sqrt()).abs() < 1e-15);
}

#[test]
fn roots_are_bit_identical_to_the_serial_loop() {
    let x = roots::input(roots::Params::small(), 1);
    assert!(x.iter().all(|v| (0.0..500.0).contains(v)));
    let (mut a, mut b) = (vec![0.0f32; x.len()], vec![1.0f32; x.len()]);
    roots::serial(&x, &mut a);
    roots::parallel(&x, &mut b, roots::DEFAULT_SCHEDULE);
    assert!(a.iter().zip(&b).all(|(p, q)| p.to_bits() == q.to_bits()));
    assert_eq!(a[123], x[123].sqrt() as f32);
}

#[test]
fn roots_sum_is_bit_identical_to_the_serial_loop() {
    let x = roots::input(
        roots::Params {
            n: roots_sum::Params::small().n,
        },
        1,
    );
    let (mut a, mut b) = (vec![0.0; x.len()], vec![1.0; x.len()]);
    roots_sum::serial(&x, &mut a);
    roots_sum::parallel(&x, &mut b, roots_sum::DEFAULT_SCHEDULE);
    assert!(a.iter().zip(&b).all(|(p, q)| p.to_bits() == q.to_bits()));
    // The mean of sqrt(500 U) is (2/3) sqrt(500) = 14.907.
    let mean = a[0] / x.len() as f64;
    assert!((mean - 14.907).abs() < 0.3, "{mean}");
}

#[test]
fn grid_max_is_bit_identical_to_the_serial_loop() {
    let p = grid_max::Params::small();
    let m = grid_max::parallel(p, grid_max::DEFAULT_SCHEDULE);
    assert_eq!(m.to_bits(), grid_max::serial(p).to_bits());
    // n even: the grid misses (0, 0); the nearest points are (+-h/2, +-h/2), h = 6 / (n - 1).
    let h = 6.0 / (p.n - 1) as f64;
    assert!(m < 1.0 && m > 1.0 - h * h, "{m}");
}

#[test]
fn mandelbrot_is_bit_identical_to_the_serial_loop() {
    let p = mandelbrot::Params::small();
    let (mut a, mut b) = (vec![0u32; p.pixels()], vec![7u32; p.pixels()]);
    let ta = mandelbrot::serial_counts(p, &mut a);
    let tb = mandelbrot::counts(p, &mut b, mandelbrot::DEFAULT_SCHEDULE);
    assert_eq!(ta, tb);
    assert_eq!(a, b);
    assert_eq!(mandelbrot::total(p, parfor::Schedule::Guided(1)), ta);
    // The centre of the grid's bottom-left quadrant region: c = -0.5 + 0i lies in the set.
    assert_eq!(mandelbrot::escape_count(-0.5, 0.0, 1000), 1000);
    // The set's area is about 1.5066 of the 9 square units: inside pixels are about 1/6 of them.
    let inside = a.iter().filter(|&&c| c == p.max_iter).count() as f64 / p.pixels() as f64;
    assert!((inside - 1.5066 / 9.0).abs() < 0.01, "{inside}");
}
