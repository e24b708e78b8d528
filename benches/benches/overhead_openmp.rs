//! EPCC-style overheads (benches/c/overhead.c) on libgomp (OMP_NUM_THREADS); only libgomp's team
//! runs in this process.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use parfor_benches::ffi;
use parfor_benches::overhead::DELAY_REPS;
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("overhead");
    g.bench_function("openmp/empty_region", |b| b.iter(ffi::ovh_empty_region));
    g.bench_function("openmp/for_1000", |b| b.iter(ffi::ovh_for_1000));
    g.bench_function("openmp/reduce_1000", |b| {
        b.iter(|| black_box(ffi::ovh_reduce_1000()))
    });
    g.bench_function("openmp/dynamic_10000", |b| {
        b.iter(|| ffi::ovh_dynamic_10000(DELAY_REPS))
    });
    let mut a = vec![0.0f64; 1000];
    g.bench_function("openmp/regions_100", |b| {
        b.iter(|| ffi::ovh_regions_100(&mut a))
    });
    g.finish();
}

criterion_group! {
    name = group;
    config = common::overheads();
    targets = benches
}
criterion_main!(group);
