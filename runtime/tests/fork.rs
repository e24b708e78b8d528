//! After fork(), the child's first loop works at once on a fresh pool; the parent is unaffected.

use parfor::Schedule;

mod common;
use common::in_child;

fn sum(n: u64) -> u64 {
    parfor::parallel_reduce(0..n, Schedule::Dynamic(7), 0, |i| i, |a, b| a + b)
}

#[test]
fn loops_work_in_children_and_parent_after_fork() {
    parfor::set_num_threads(3).unwrap();
    assert_eq!(sum(10_000), 49_995_000);
    let pool = parfor::Pool::builder().threads(2).build().unwrap();
    for round in 0..5 {
        let code = in_child(|| {
            let ok = sum(10_000) == 49_995_000 && parfor::max_threads() == 3;
            // A grandchild works too.
            let grand = in_child(|| sum(1000) == 499_500);
            // A pool built before the fork starts fresh workers here.
            let built =
                pool.parallel_reduce(0..100, Schedule::Static, 0, |i| i, |a, b| a + b) == 4950;
            ok && grand == 0 && built
        });
        assert_eq!(code, 0, "child of round {round} failed or hung");
        assert_eq!(sum(100_000), 4_999_950_000, "parent after round {round}");
    }
    assert_eq!(
        pool.parallel_reduce(0..100, Schedule::Static, 0, |i| i, |a, b| a + b),
        4950
    );
}
