//! EPCC-style overheads (parfor_benches::overhead) on parfor (OMP_NUM_THREADS); only parfor's pool runs in this process.
mod common;

use common::{overhead_benches, OverheadSide};
use criterion::{criterion_group, criterion_main, Criterion};
use parfor_benches::overhead::parfor_side as side;

fn benches(c: &mut Criterion) {
    let threads = parfor::max_threads();
    common::check_team("parfor", threads, side::thread_counts);
    overhead_benches(
        c,
        OverheadSide {
            name: "parfor",
            empty_region: || side::empty_region(threads),
            for_1000: side::for_1000,
            reduce_1000: side::reduce_1000,
            dynamic_10000: side::dynamic_10000,
            regions_100: side::regions_100,
        },
    );
    common::barrier_bench(c, "parfor", side::barriers_1000);
}

criterion_group! {
    name = group;
    config = common::overheads();
    targets = benches
}
criterion_main!(group);
