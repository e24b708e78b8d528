//! Loops inside loops run serially on their thread; several application threads may use one pool.

use parfor::{Pool, Schedule};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;

#[test]
fn nested_loops_run_serially_with_correct_results() {
    let pool = Pool::builder().threads(3).build().unwrap();
    let total = AtomicU64::new(0);
    pool.parallel_for(0..30u64, Schedule::Dynamic(1), |i| {
        let outer = (parfor::thread_num(), parfor::num_threads());
        assert!(parfor::in_parallel());
        let inner = pool.parallel_reduce(
            0..100u64,
            Schedule::Static,
            0,
            |j| {
                assert_eq!(
                    (parfor::thread_num(), parfor::num_threads()),
                    (0, 1),
                    "a nested team has one thread"
                );
                i * j
            },
            |a, b| a + b,
        );
        parfor::parallel_for(0..10, Schedule::Guided(1), |_: i32| {});
        assert_eq!(
            (parfor::thread_num(), parfor::num_threads()),
            outer,
            "outer team restored"
        );
        total.fetch_add(inner, Relaxed);
    });
    assert_eq!(total.into_inner(), (0..30u64).sum::<u64>() * 4950);
}

#[test]
fn concurrent_callers_on_the_global_pool_all_complete() {
    let threads: Vec<_> = (0..6u64)
        .map(|k| {
            std::thread::spawn(move || {
                for round in 0..200u64 {
                    let n = 1000 + k * 10 + round;
                    let sum = parfor::parallel_reduce(
                        0..n,
                        Schedule::Dynamic(16),
                        0u64,
                        |i| i,
                        |a, b| a + b,
                    );
                    assert_eq!(sum, n * (n - 1) / 2);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn concurrent_callers_on_a_built_pool_all_complete() {
    let pool = Arc::new(Pool::builder().threads(2).build().unwrap());
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let pool = Arc::clone(&pool);
            std::thread::spawn(move || {
                for _ in 0..300 {
                    let v: Vec<u32> = pool
                        .prange(0..100u32)
                        .schedule(Schedule::Guided(2))
                        .map(|i| i * 2)
                        .collect();
                    assert_eq!(v[99], 198);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn back_to_back_regions_of_changing_size() {
    let pool = Pool::builder().threads(4).build().unwrap();
    for round in 0..20_000u64 {
        let n = (round % 9) as usize;
        let team = 1 + (round % 4) as usize;
        pool.set_num_threads(team).unwrap();
        let c = pool.parallel_reduce(0..n, Schedule::Static, 0, |_| 1usize, |a, b| a + b);
        assert_eq!(c, n);
    }
}
