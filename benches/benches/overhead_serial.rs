//! EPCC-style overheads (parfor_benches::overhead) on plain serial loops: the bodies alone (empty_region runs OMP_NUM_THREADS iterations).
mod common;

use common::{overhead_benches, OverheadSide};
use criterion::{criterion_group, criterion_main, Criterion};
use parfor_benches::overhead::serial_side as side;

fn benches(c: &mut Criterion) {
    let threads = std::env::var("OMP_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1usize);
    overhead_benches(
        c,
        OverheadSide {
            name: "serial",
            empty_region: || side::empty_region(threads),
            for_1000: side::for_1000,
            reduce_1000: side::reduce_1000,
            dynamic_10000: side::dynamic_10000,
            regions_100: side::regions_100,
        },
    );
}

criterion_group! {
    name = group;
    config = common::overheads();
    targets = benches
}
criterion_main!(group);
