//! EPCC-style overheads (parfor_benches::overhead) on plain serial loops: the bodies alone (empty_region runs OMP_NUM_THREADS iterations).

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use parfor_benches::overhead::serial_side as side;
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    let threads = std::env::var("OMP_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1usize);
    let mut g = c.benchmark_group("overhead");
    g.bench_function("serial/empty_region", |b| {
        b.iter(|| side::empty_region(threads))
    });
    g.bench_function("serial/for_1000", |b| b.iter(side::for_1000));
    g.bench_function("serial/reduce_1000", |b| {
        b.iter(|| black_box(side::reduce_1000()))
    });
    g.bench_function("serial/dynamic_10000", |b| b.iter(side::dynamic_10000));
    let mut a = vec![0.0f64; 1000];
    g.bench_function("serial/regions_100", |b| {
        b.iter(|| side::regions_100(&mut a))
    });
    g.finish();
}

criterion_group! {
    name = group;
    config = common::overheads();
    targets = benches
}
criterion_main!(group);
