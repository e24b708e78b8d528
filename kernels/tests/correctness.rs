//! The spec's expected results (shared/kernels.md), at the small sizes, with the spec's
//! 5-standard-error tolerances scaled to those sizes; and references that share none of the
//! kernels' helpers: grid_max's closed form, roots_sum's plain sum and its law, and an
//! independent implementation of wealth.

use parfor_kernels::{bootstrap, grid_max, mandelbrot, pi, roots, roots_sum, wealth, weather};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};

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
    // Every element is the sequential sum of sqrt(x[j]), j from 0 up: a plain fold gives its bits.
    let plain: f64 = x.iter().map(|v| v.sqrt()).sum();
    assert!(a.iter().all(|&v| v.to_bits() == plain.to_bits()));
}

#[test]
fn roots_sum_mean_is_within_five_standard_deviations_of_its_law() {
    // sqrt(500 U) has mean (2/3) sqrt(500) = 14.907 and variance 500 E[U] - mean^2 = 250 - 2000/9
    // = 27.78; the mean of n of them is within 5 sqrt(27.78 / n) (0.83 at n = 1000) of 14.907.
    let n = roots_sum::Params::small().n;
    let (mean, var) = ((2.0 / 3.0) * 500f64.sqrt(), 250.0 - 2000.0 / 9.0);
    let tol = 5.0 * (var / n as f64).sqrt();
    for seed in [1, 2, 3] {
        let x = roots::input(roots::Params { n }, seed);
        let mut out = vec![0.0; x.len()];
        roots_sum::parallel(&x, &mut out, roots_sum::DEFAULT_SCHEDULE);
        let got = out[0] / n as f64;
        assert!((got - mean).abs() < tol, "seed {seed}: {got} (tol {tol})");
    }
}

#[test]
fn grid_max_equals_the_closed_form_at_the_grid_point_nearest_the_origin() {
    // f(x, y) = cos(r) / (1 + r), r = x^2 + y^2, falls as r grows from 0 (up to r = pi / 2 and
    // stays below there after), so the maximum is at the grid point nearest the origin. For even
    // n that is (+-h/2, +-h/2) with h = 6 / (n - 1): r = h^2 / 2. For odd n the grid holds the
    // origin: exactly 1.
    for n in [600u64, 1000] {
        let h = 6.0 / (n - 1) as f64;
        let r = h * h / 2.0;
        let expected = r.cos() / (1.0 + r);
        let m = grid_max::parallel(grid_max::Params { n }, grid_max::DEFAULT_SCHEDULE);
        assert!(
            (m - expected).abs() < 1e-12,
            "n = {n}: {m}, closed form {expected}"
        );
    }
    for n in [601u64, 3] {
        assert_eq!(
            grid_max::parallel(grid_max::Params { n }, grid_max::DEFAULT_SCHEDULE),
            1.0
        );
    }
}

#[test]
fn grid_max_over_the_precomputed_grid_has_the_bits_of_linspace_computed_in_the_loop() {
    // The kernel computes linspace once per point (grid_max::grid); the loop below computes it
    // for every pair, as the kernel once did. Both must give the same bits.
    use parfor_kernels::blocks::linspace;
    for n in [0u64, 1, 2, 3, 333, 600, 1001] {
        let mut m = f64::NEG_INFINITY;
        for i in 0..n {
            let x = linspace(-3.0, 3.0, n, i);
            for j in 0..n {
                let v = grid_max::f(x, linspace(-3.0, 3.0, n, j));
                if v > m {
                    m = v;
                }
            }
        }
        let p = grid_max::Params { n };
        assert_eq!(grid_max::serial(p).to_bits(), m.to_bits(), "n = {n}");
        assert_eq!(
            grid_max::parallel(p, grid_max::DEFAULT_SCHEDULE).to_bits(),
            m.to_bits(),
            "n = {n}"
        );
    }
}

/// The wealth model written again without any of the kernel's code: its own generator
/// (rand_pcg's Mcg128Xsl64, `pcg64_fast`, seeded per chunk with `seed_from_u64`), normals drawn
/// straight from rand_distr, plain std threads, and a sort for the median.
fn independent_wealth_median(households: usize, steps: u32, seed: u64) -> f64 {
    let (r, s, v1, v2, w0) = (0.1f64, 0.3f64, 0.1f64, 1.0f64, 1.0f64);
    const CHUNKS: usize = 8;
    let per_chunk = households.div_ceil(CHUNKS);
    let mut finals: Vec<f64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..CHUNKS)
            .map(|c| {
                scope.spawn(move || {
                    let mut rng =
                        rand_pcg::Pcg64Mcg::seed_from_u64(seed.wrapping_mul(31) + c as u64);
                    let count = per_chunk.min(households.saturating_sub(c * per_chunk));
                    (0..count)
                        .map(|_| {
                            let mut w = w0;
                            for _ in 0..steps {
                                let xi: f64 = StandardNormal.sample(&mut rng);
                                let zeta: f64 = StandardNormal.sample(&mut rng);
                                w = (v1 * xi).exp() * (1.0 + r) * s * w + (v2 * zeta).exp();
                            }
                            w
                        })
                        .collect::<Vec<f64>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    finals.sort_by(f64::total_cmp);
    let n = finals.len();
    if n % 2 == 1 {
        finals[n / 2]
    } else {
        0.5 * (finals[n / 2 - 1] + finals[n / 2])
    }
}

#[test]
fn wealth_agrees_with_an_independent_implementation_at_full_size() {
    // shared/kernels.md: at full size (50,000 households, T = 1000) the median is 1.835 +- 0.04,
    // and its spread across seeds is about 0.008 (one standard deviation). Two independent
    // medians differ by a standard deviation of 0.008 * sqrt(2): 5 of those is 0.057.
    let p = wealth::Params::default();
    let kernel = wealth::parallel(p, parfor_kernels::DEFAULT_SEED, wealth::DEFAULT_SCHEDULE);
    let independent = independent_wealth_median(p.households as usize, p.steps, 7);
    assert!(
        (independent - 1.835).abs() < 0.04,
        "independent median {independent}"
    );
    assert!((kernel - 1.835).abs() < 0.04, "kernel median {kernel}");
    let tol = 5.0 * 0.008 * 2f64.sqrt();
    assert!(
        (kernel - independent).abs() < tol,
        "kernel {kernel}, independent {independent}, tolerance {tol}"
    );
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
