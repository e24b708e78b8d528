//! Every result is bit-identical for any team size and schedule, equal to the serial reference's
//! bits, and the same when a run is split into block ranges; different seeds differ.
//!
//! Pools are built per test with `Pool::builder()`, so tests running at the same time never change
//! the global pool's team size under each other.

use parfor::{Pool, Schedule};
use parfor_kernels::{
    bootstrap, grid_max, mandelbrot, pi, roots, roots_sum, wealth, weather, Runner,
};

const THREADS: [usize; 5] = [1, 2, 3, 4, 7];
const SCHEDULES: [Schedule; 5] = [
    Schedule::Static,
    Schedule::StaticChunked(3),
    Schedule::Dynamic(1),
    Schedule::Dynamic(7),
    Schedule::Guided(2),
];

fn pools() -> Vec<Pool> {
    THREADS
        .iter()
        .map(|&t| Pool::builder().threads(t).build().expect("pool"))
        .collect()
}

/// Runs `f` on every pool under every schedule and checks each result against `expected`.
fn every_team_and_schedule<T: PartialEq + std::fmt::Debug>(
    expected: &T,
    f: impl Fn(Runner<'_>, Schedule) -> T,
) {
    for pool in pools() {
        for s in SCHEDULES {
            let got = f(Runner::Pool(&pool), s);
            assert_eq!(
                &got,
                expected,
                "{} threads, schedule {s}",
                pool.max_threads()
            );
        }
    }
}

// f64 comparisons below use to_bits, so that "equal" means "the same bits".

#[test]
fn pi_is_the_same_for_every_team_and_schedule() {
    let p = pi::Params { n: 1_000_003 }; // 16 blocks, the last one short
    let reference = pi::serial(p, 11).to_bits();
    every_team_and_schedule(&reference, |r, s| pi::parallel_on(r, p, 11, s).to_bits());
}

#[test]
fn weather_is_the_same_for_every_team_and_schedule() {
    let p = weather::Params {
        runs: 20_000,
        steps: 50,
        ..Default::default()
    }; // 20 blocks
    let bits = |s: weather::WeatherStats| (s.mean.to_bits(), s.std.to_bits());
    let reference = bits(weather::serial(p, 12));
    every_team_and_schedule(&reference, |r, s| bits(weather::parallel_on(r, p, 12, s)));
}

#[test]
fn wealth_is_the_same_for_every_team_and_schedule() {
    let p = wealth::Params {
        households: 2_001,
        steps: 60,
        ..Default::default()
    }; // 32 blocks
    let mut w = vec![0.0; 2_001];
    wealth::serial_fill(p, 13, 0, &mut w);
    let reference: Vec<u64> = w.iter().map(|x| x.to_bits()).collect();
    every_team_and_schedule(&reference, |r, s| {
        let mut out = vec![0.0; 2_001];
        wealth::fill_on(r, p, 13, 0, &mut out, s);
        out.iter().map(|x| x.to_bits()).collect()
    });
    let median = wealth::serial(p, 13).to_bits();
    every_team_and_schedule(&median, |r, s| wealth::parallel_on(r, p, 13, s).to_bits());
}

#[test]
fn bootstrap_is_the_same_for_every_team_and_schedule() {
    let p = bootstrap::Params {
        tasks: 1_000,
        draws: 100,
    }; // 16 blocks
    let (mut m, mut sd) = (vec![0.0; 1_000], vec![0.0; 1_000]);
    let summary = bootstrap::serial_fill(p, 14, &mut m, &mut sd);
    let bits = |s: bootstrap::Summary| (s.mean_of_means.to_bits(), s.mean_of_stds.to_bits());
    let tasks: Vec<u64> = m.iter().chain(&sd).map(|x| x.to_bits()).collect();
    every_team_and_schedule(&(bits(summary), tasks), |r, s| {
        let (mut m, mut sd) = (vec![0.0; 1_000], vec![0.0; 1_000]);
        let sum = bootstrap::fill_on(r, p, 14, &mut m, &mut sd, s);
        (
            bits(sum),
            m.iter().chain(&sd).map(|x| x.to_bits()).collect(),
        )
    });
    every_team_and_schedule(&bits(summary), |r, s| {
        bits(bootstrap::summary_on(r, p, 14, s))
    });
}

#[test]
fn roots_input_is_the_same_for_every_team_and_schedule() {
    let x = roots::input(roots::Params { n: 100_003 }, 15);
    let bits: Vec<u64> = x.iter().map(|v| v.to_bits()).collect();
    every_team_and_schedule(&bits, |r, s| {
        let mut y = vec![0.0; 100_003];
        roots::fill_input_on(r, 15, &mut y, s);
        y.iter().map(|v| v.to_bits()).collect()
    });
}

#[test]
fn deterministic_kernels_equal_their_serial_loops_for_every_team_and_schedule() {
    let x = roots::input(roots::Params { n: 50_001 }, 16);
    let mut out = vec![0.0f32; x.len()];
    roots::serial(&x, &mut out);
    let reference: Vec<u32> = out.iter().map(|v| v.to_bits()).collect();
    every_team_and_schedule(&reference, |r, s| {
        let mut o = vec![0.0f32; x.len()];
        roots::parallel_on(r, &x, &mut o, s);
        o.iter().map(|v| v.to_bits()).collect()
    });

    let xs = roots::input(roots::Params { n: 300 }, 17);
    let mut sums = vec![0.0; 300];
    roots_sum::serial(&xs, &mut sums);
    let reference: Vec<u64> = sums.iter().map(|v| v.to_bits()).collect();
    every_team_and_schedule(&reference, |r, s| {
        let mut o = vec![0.0; 300];
        roots_sum::parallel_on(r, &xs, &mut o, s);
        o.iter().map(|v| v.to_bits()).collect()
    });

    let g = grid_max::Params { n: 200 };
    let reference = grid_max::serial(g).to_bits();
    every_team_and_schedule(&reference, |r, s| grid_max::parallel_on(r, g, s).to_bits());

    let m = mandelbrot::Params {
        width: 90,
        height: 61,
        max_iter: 300,
    };
    let mut counts = vec![0u32; m.pixels()];
    let total = mandelbrot::serial_counts(m, &mut counts);
    every_team_and_schedule(&(total, counts.clone()), |r, s| {
        let mut c = vec![0u32; m.pixels()];
        (mandelbrot::counts_on(r, m, &mut c, s), c)
    });
    every_team_and_schedule(&total, |r, s| mandelbrot::total_on(r, m, s));
}

#[test]
fn the_global_pool_gives_the_same_bits() {
    let p = pi::Params { n: 300_000 };
    assert_eq!(pi::parallel(p, 1, Schedule::Runtime), pi::serial(p, 1));
    let w = weather::Params {
        runs: 5_000,
        ..Default::default()
    };
    assert_eq!(
        weather::parallel(w, 1, Schedule::Auto),
        weather::serial(w, 1)
    );
}

#[test]
fn different_seeds_give_different_results() {
    let p = pi::Params { n: 200_000 };
    assert_ne!(pi::serial(p, 1), pi::serial(p, 2));
    let w = weather::Params {
        runs: 2_000,
        ..Default::default()
    };
    assert_ne!(weather::serial(w, 1), weather::serial(w, 2));
    let h = wealth::Params {
        households: 500,
        steps: 50,
        ..Default::default()
    };
    assert_ne!(wealth::serial(h, 1), wealth::serial(h, 2));
    let b = bootstrap::Params {
        tasks: 100,
        draws: 100,
    };
    assert_ne!(
        bootstrap::serial_summary(b, 1),
        bootstrap::serial_summary(b, 2)
    );
    let r = roots::Params { n: 1000 };
    assert_ne!(roots::input(r, 1), roots::input(r, 2));
}

/// Every split point `k` (and a three-way split) of `0..n` combines into the whole run's bits.
fn splits(n: u64) -> Vec<Vec<std::ops::Range<u64>>> {
    let mut out = vec![vec![0..n]];
    for k in [0, 1, n / 3, n / 2, n.saturating_sub(1), n] {
        out.push(vec![0..k, k..n]);
    }
    out.push(vec![0..n / 4, n / 4..n / 2 + 1, n / 2 + 1..n]);
    out
}

#[test]
fn block_range_splits_give_the_whole_runs_bits() {
    let s = Schedule::Dynamic(1);

    let p = pi::Params { n: 1_000_003 };
    let whole = pi::parallel(p, 21, s).to_bits();
    for parts in splits(pi::num_blocks(p)) {
        let combined = parts
            .into_iter()
            .map(|r| pi::partial(p, 21, r, s))
            .reduce(|a, b| a.combine(b))
            .unwrap();
        assert_eq!(combined.finish().to_bits(), whole);
    }

    let w = weather::Params {
        runs: 20_500,
        steps: 40,
        ..Default::default()
    };
    let whole = weather::serial(w, 22);
    for parts in splits(weather::num_blocks(w)) {
        let combined = parts
            .into_iter()
            .map(|r| weather::partial(w, 22, r, s))
            .reduce(|a, b| a.combine(b))
            .unwrap();
        let got = combined.finish();
        assert_eq!(
            (got.mean.to_bits(), got.std.to_bits()),
            (whole.mean.to_bits(), whole.std.to_bits())
        );
    }

    let b = bootstrap::Params {
        tasks: 1_030,
        draws: 50,
    };
    let whole = bootstrap::serial_summary(b, 23);
    for parts in splits(bootstrap::num_blocks(b)) {
        let combined = parts
            .into_iter()
            .map(|r| bootstrap::partial(b, 23, r, s))
            .reduce(|a, b| a.combine(b))
            .unwrap();
        let got = combined.finish(b);
        assert_eq!(got.mean_of_means.to_bits(), whole.mean_of_means.to_bits());
        assert_eq!(got.mean_of_stds.to_bits(), whole.mean_of_stds.to_bits());
    }

    let g = grid_max::Params { n: 203 };
    let whole = grid_max::serial(g).to_bits();
    for parts in splits(grid_max::num_blocks(g)) {
        let combined = parts
            .into_iter()
            .map(|r| grid_max::partial(g, r, s))
            .reduce(|a, b| a.combine(b))
            .unwrap();
        assert_eq!(combined.finish().to_bits(), whole);
    }

    let m = mandelbrot::Params {
        width: 64,
        height: 45,
        max_iter: 200,
    };
    let whole = mandelbrot::serial_total(m);
    for parts in splits(mandelbrot::num_blocks(m)) {
        let combined = parts
            .into_iter()
            .map(|r| mandelbrot::partial(m, r, s))
            .reduce(|a, b| a.combine(b))
            .unwrap();
        assert_eq!(combined.finish(), whole);
    }
}

#[test]
fn partials_out_of_order_are_refused() {
    let p = pi::Params { n: 1 << 20 };
    let s = Schedule::Static;
    let a = pi::partial(p, 1, 0..4, s);
    let b = pi::partial(p, 1, 4..8, s);
    assert!(b.clone().try_combine(a.clone()).is_err());
    let err = a.try_combine(pi::partial(p, 1, 5..8, s)).unwrap_err();
    assert!(err.to_string().contains("not adjacent"));
    let w = weather::Params {
        runs: 4096,
        ..Default::default()
    };
    assert!(weather::partial(w, 1, 2..4, s)
        .try_combine(weather::partial(w, 1, 0..2, s))
        .is_err());
}

#[test]
#[should_panic(expected = "not within")]
fn partials_beyond_the_last_block_panic() {
    let _ = pi::partial(pi::Params { n: 10 }, 1, 0..2, Schedule::Static);
}

#[test]
fn empty_problems_do_not_panic() {
    assert!(pi::parallel(pi::Params { n: 0 }, 1, Schedule::Static).is_nan());
    assert!(weather::parallel(
        weather::Params {
            runs: 0,
            ..Default::default()
        },
        1,
        Schedule::Static
    )
    .mean
    .is_nan());
    assert!(wealth::parallel(
        wealth::Params {
            households: 0,
            ..Default::default()
        },
        1,
        Schedule::Static
    )
    .is_nan());
    roots::parallel(&[], &mut [], Schedule::Static);
    roots_sum::parallel(&[], &mut [], Schedule::Static);
    assert_eq!(
        grid_max::parallel(grid_max::Params { n: 0 }, Schedule::Static),
        f64::NEG_INFINITY
    );
    let m = mandelbrot::Params {
        width: 0,
        height: 5,
        max_iter: 10,
    };
    assert_eq!(mandelbrot::counts(m, &mut [], Schedule::Static), 0);
    assert_eq!(mandelbrot::total(m, Schedule::Static), 0);
    let b = bootstrap::Params {
        tasks: 0,
        draws: 10,
    };
    assert!(bootstrap::summary(b, 1, Schedule::Static)
        .mean_of_means
        .is_nan());
}

/// Reductions fold their blocks window by window (`blocks::WINDOW` at a time): across window
/// boundaries the bits are still those of one serial fold, and mandelbrot's rows wider than a
/// segment (`blocks::SEGMENT`) add up to the serial total, and grid_max's give its maximum.
#[test]
fn windows_and_segments_keep_the_serial_bits() {
    let window = parfor_kernels::blocks::WINDOW;
    let pool = Pool::builder().threads(3).build().expect("pool");
    let runner = Runner::Pool(&pool);
    let s = Schedule::Dynamic(64);
    let w = weather::Params {
        runs: (window + 3) * weather::BLOCK - 5,
        steps: 1,
        ..Default::default()
    };
    assert_eq!(weather::parallel_on(runner, w, 3, s), weather::serial(w, 3));
    let b = bootstrap::Params {
        tasks: (window + 2) * bootstrap::BLOCK + 1,
        draws: 2,
    };
    assert_eq!(
        bootstrap::summary_on(runner, b, 3, s),
        bootstrap::serial_summary(b, 3)
    );
    let m = mandelbrot::Params {
        width: 3 * parfor_kernels::blocks::SEGMENT as u32 + 7,
        height: 3,
        max_iter: 30,
    };
    let g = grid_max::Params {
        n: 2 * parfor_kernels::blocks::SEGMENT + 5,
    };
    let bands = grid_max::num_blocks(g);
    let split = grid_max::partial_on(runner, g, 0..3, s)
        .combine(grid_max::partial_on(runner, g, 3..bands, s))
        .finish();
    assert_eq!(split.to_bits(), grid_max::serial(g).to_bits());
    let mut counts = vec![0; m.pixels()];
    assert_eq!(
        mandelbrot::total_on(runner, m, s),
        mandelbrot::serial_counts(m, &mut counts)
    );
}
