//! EPCC-style overheads (parfor_benches::overhead) on parfor (OMP_NUM_THREADS); only parfor's pool runs in this process.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use parfor_benches::overhead::parfor_side as side;
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    let threads = parfor::max_threads();
    let mut g = c.benchmark_group("overhead");
    g.bench_function("parfor/empty_region", |b| {
        b.iter(|| side::empty_region(threads))
    });
    g.bench_function("parfor/for_1000", |b| b.iter(side::for_1000));
    g.bench_function("parfor/reduce_1000", |b| {
        b.iter(|| black_box(side::reduce_1000()))
    });
    g.bench_function("parfor/dynamic_10000", |b| b.iter(side::dynamic_10000));
    let mut a = vec![0.0f64; 1000];
    g.bench_function("parfor/regions_100", |b| {
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
