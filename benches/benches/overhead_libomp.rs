//! EPCC-style overheads (benches/c/overhead.c built by clang) on LLVM's libomp
//! (OMP_NUM_THREADS); only libomp's team runs in this process. Without clang and libomp at build
//! time (cfg `no_libomp`) it registers nothing and says so.
mod common;

use criterion::{criterion_group, criterion_main, Criterion};

#[cfg(not(no_libomp))]
fn benches(c: &mut Criterion) {
    use common::{overhead_benches, OverheadSide};
    use parfor_benches::ffi::llvm as ffi;
    use parfor_benches::overhead::{DELAY_REPS, DYNAMIC_ITERS};

    let provider = ffi::symbol_provider(c"__kmpc_fork_call");
    assert!(
        provider.contains("libomp"),
        "__kmpc_fork_call comes from {provider:?}, not libomp"
    );
    let threads = std::env::var("OMP_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2usize);
    common::check_team("OpenMP (libomp)", threads, || {
        ffi::ovh_thread_counts(DYNAMIC_ITERS, DELAY_REPS)
    });
    overhead_benches(
        c,
        OverheadSide {
            name: "libomp",
            empty_region: ffi::ovh_empty_region,
            for_1000: ffi::ovh_for_1000,
            reduce_1000: ffi::ovh_reduce_1000,
            dynamic_10000: || ffi::ovh_dynamic_10000(DELAY_REPS),
            regions_100: ffi::ovh_regions_100,
        },
    );
    common::barrier_bench(c, "libomp", ffi::ovh_barriers_1000);
}

#[cfg(no_libomp)]
fn benches(_: &mut Criterion) {
    eprintln!("overhead_libomp: built without clang and libomp: nothing to measure");
}

criterion_group! {
    name = group;
    config = common::overheads();
    targets = benches
}
criterion_main!(group);
