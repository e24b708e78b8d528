//! EPCC-style overheads (benches/c/overhead.c) on libgomp (OMP_NUM_THREADS); only libgomp's team
//! runs in this process.
mod common;

use common::{overhead_benches, OverheadSide};
use criterion::{criterion_group, criterion_main, Criterion};
use parfor_benches::ffi;
use parfor_benches::overhead::{DELAY_REPS, DYNAMIC_ITERS};

fn benches(c: &mut Criterion) {
    // gcc's GOMP_* calls must reach libgomp, not libomp's compatibility layer (both are linked).
    let provider = ffi::symbol_provider(c"GOMP_parallel");
    assert!(
        provider.contains("libgomp"),
        "GOMP_parallel comes from {provider:?}, not libgomp"
    );
    common::check_team("OpenMP (libgomp)", ffi::max_threads(), || {
        ffi::ovh_thread_counts(DYNAMIC_ITERS, DELAY_REPS)
    });
    overhead_benches(
        c,
        OverheadSide {
            name: "openmp",
            empty_region: ffi::ovh_empty_region,
            for_1000: ffi::ovh_for_1000,
            reduce_1000: ffi::ovh_reduce_1000,
            dynamic_10000: || ffi::ovh_dynamic_10000(DELAY_REPS),
            regions_100: ffi::ovh_regions_100,
        },
    );
    common::barrier_bench(c, "openmp", ffi::ovh_barriers_1000);
}

criterion_group! {
    name = group;
    config = common::overheads();
    targets = benches
}
criterion_main!(group);
