//! Criterion settings shared by the bench targets: few samples and short times, so the whole suite
//! at 1 and 2 threads (and the 8-thread runs) finishes in about a quarter of an hour on 2 cores.

#![allow(dead_code)]

use criterion::Criterion;
use std::time::Duration;

/// Kernels: 50-300 ms per serial iteration; 10 samples.
pub fn kernels() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args()
}

/// Overheads: microseconds per iteration; 20 samples.
pub fn overheads() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_millis(1500))
        .configure_from_args()
}
