//! wealth against recorded references.
//!
//! The reference for the small size (10,000 households, T = 200, the law of the final wealth is
//! the full size's since the process forgets w0 within ~50 steps) was recorded by the ignored test
//! `record_small_reference` below, run as
//! `cargo test --release -p parfor-kernels --test wealth -- --ignored record_small_reference --nocapture`:
//! - the median of 2,000,000 households (T = 200, seed 1, serial) is REFERENCE_MEDIAN; its own
//!   standard error is REFERENCE_SE = SMALL_SD * sqrt(10,000 / 2,000,000);
//! - over 100 seeds (100..200) the small size's median has a standard deviation of SMALL_SD =
//!   0.0163. That is about 1.8 times the 0.004 * sqrt(50,000 / 10,000) = 0.0089 the spec's
//!   full-size spread predicts; the same run measured full-size medians of
//!   1.8316, 1.8271, 1.8309, 1.8222, 1.8406 for seeds 1..=5 (sd 0.0067, also about 1.7 x 0.004),
//!   so the spec's 0.004 seems optimistic, and the tolerance uses the measured spread.
//!
//! The tolerance is 5 * SMALL_SD + 5 * REFERENCE_SE = 0.087.

use parfor_kernels::wealth;

/// Median of 2,000,000 households, T = 200, seed 1, serial (recorded: 1.8354488734852805).
const REFERENCE_MEDIAN: f64 = 1.835_448_873_485_280_5;
/// Standard deviation of the small size's median over seeds 100..200 (recorded: 0.01628670500209239;
/// their mean was 1.8359, agreeing with the reference).
const SMALL_SD: f64 = 0.016_286_705;
/// The reference's own standard error: SMALL_SD * sqrt(10,000 / 2,000,000).
const REFERENCE_SE: f64 = 0.001_15;

#[test]
fn small_size_median_matches_the_recorded_reference() {
    let p = wealth::Params::small();
    let tol = 5.0 * SMALL_SD + 5.0 * REFERENCE_SE;
    for seed in [1u64, 2, 3] {
        let m = wealth::parallel(p, seed, wealth::DEFAULT_SCHEDULE);
        assert!(
            (m - REFERENCE_MEDIAN).abs() < tol,
            "seed {seed}: median {m}, reference {REFERENCE_MEDIAN} +- {tol}"
        );
    }
}

/// The spec's full-size check: 1.834 +- 0.02 (takes a few seconds in release, longer in test).
#[test]
#[ignore = "full size: run with --ignored (best with --release)"]
fn full_size_median_is_1_834() {
    let m = wealth::parallel(
        wealth::Params::default(),
        parfor_kernels::DEFAULT_SEED,
        wealth::DEFAULT_SCHEDULE,
    );
    assert!((m - 1.834).abs() < 0.02, "median {m}");
}

/// Records the reference and the spread used above (prints them).
#[test]
#[ignore = "records the reference: minutes of CPU"]
fn record_small_reference() {
    let big = wealth::Params {
        households: 2_000_000,
        ..wealth::Params::small()
    };
    let t = std::time::Instant::now();
    let reference = wealth::serial(big, 1);
    println!(
        "reference median (2e6 households, T = 200, seed 1, serial): {reference} in {:?}",
        t.elapsed()
    );
    let p = wealth::Params::small();
    let medians: Vec<f64> = (100..200u64)
        .map(|seed| wealth::parallel(p, seed, wealth::DEFAULT_SCHEDULE))
        .collect();
    let mean = medians.iter().sum::<f64>() / medians.len() as f64;
    let sd = (medians.iter().map(|m| (m - mean) * (m - mean)).sum::<f64>()
        / (medians.len() - 1) as f64)
        .sqrt();
    println!("small size over 100 seeds: mean {mean}, sd {sd}");
    let full: Vec<f64> = (1..=5u64)
        .map(|seed| wealth::parallel(wealth::Params::default(), seed, wealth::DEFAULT_SCHEDULE))
        .collect();
    println!("full size, seeds 1..=5: {full:?}");
}
