//! EPCC-style overheads (parfor_benches::overhead) on rayon (RAYON_NUM_THREADS), written the way a
//! rayon user would, measured two ways: `rayon/*` from outside the pool (the bench loop on the
//! main thread, each call sent into the global pool, as from a plain program's `main`), and
//! `rayon-install/*` from inside a pool of the same size (the whole timed loop in one
//! `ThreadPool::install`, so each call starts on a worker thread). `rayon-broadcast` and
//! `rayon-install-broadcast` time `broadcast` (one closure on every thread), rayon's nearest to an
//! empty parallel region. Only rayon's pools run in this process.
mod common;

use common::{overhead_benches, overhead_benches_in, OverheadSide};
use criterion::{criterion_group, criterion_main, Criterion};
use parfor_benches::overhead::rayon_side as side;

fn benches(c: &mut Criterion) {
    let threads = rayon::current_num_threads();
    common::check_team("rayon (outside the pool)", threads, side::thread_counts);
    overhead_benches(
        c,
        OverheadSide {
            name: "rayon",
            empty_region: || side::empty_region(threads),
            for_1000: side::for_1000,
            reduce_1000: side::reduce_1000,
            dynamic_10000: side::dynamic_10000,
            regions_100: side::regions_100,
        },
    );
    common::single_bench(
        c,
        "rayon-broadcast/empty_region",
        side::broadcast_region,
        common::timed,
    );

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a rayon pool");
    common::check_team("rayon (inside install)", threads, || {
        pool.install(side::thread_counts)
    });
    let inside =
        |op: &mut (dyn FnMut() + Send), iters: u64| pool.install(|| common::timed(op, iters));
    overhead_benches_in(
        c,
        OverheadSide {
            name: "rayon-install",
            empty_region: || side::empty_region(threads),
            for_1000: side::for_1000,
            reduce_1000: side::reduce_1000,
            dynamic_10000: side::dynamic_10000,
            regions_100: side::regions_100,
        },
        inside,
    );
    common::single_bench(
        c,
        "rayon-install-broadcast/empty_region",
        side::broadcast_region,
        inside,
    );
}

criterion_group! {
    name = group;
    config = common::overheads();
    targets = benches
}
criterion_main!(group);
