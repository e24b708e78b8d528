//! Regions of every schedule, back to back, with panics and nesting: the program that valgrind's
//! thread checkers (helgrind, drd) and memcheck run in CI.
//!
//! `cargo build --release -p parfor --example stress && valgrind --tool=drd target/release/examples/stress`
use parfor::{Pool, Schedule};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// A region with every team construct: nowait and barrier loops, single, copyprivate, a
/// reduction, ordered blocks, a doacross loop, sections; the written data is plain (not atomic) where the
/// construct's own synchronisation must order it.
fn team_constructs(pool: &Pool, s: Schedule, r: u64) {
    let cells: Vec<AtomicU64> = (0..64).map(|_| AtomicU64::new(0)).collect();
    let order = AtomicU64::new(0);
    let singles = AtomicU64::new(0);
    let chain: Vec<AtomicU64> = (0..16).map(|_| AtomicU64::new(0)).collect();
    pool.parallel(|t| {
        t.for_each_nowait(0..32usize, s, |i| cells[i].store(r + 1, Relaxed));
        t.for_each(32..64usize, s, |i| cells[i].store(r + 1, Relaxed));
        t.single(|| {
            singles.fetch_add(1, Relaxed);
        });
        let seed = t.single_copy(|| vec![r; 4]);
        assert_eq!(seed[3], r);
        let total = t.reduce(0..64usize, s, 0, |i| cells[i].load(Relaxed), |a, b| a + b);
        assert_eq!(total, 64 * (r + 1));
        t.for_each_ordered(0..16u64, s, |i, ord| {
            ord.run(|| assert_eq!(order.fetch_add(1, Relaxed), i));
        });
        // Doacross: each iteration reads the one before it (`depend(sink: i - 1)`).
        t.doacross_start(&[16], s);
        while let Some((lo, hi)) = t.loop_next() {
            for i in lo..hi {
                t.doacross_wait([i.wrapping_sub(1)]);
                let before = if i > 0 {
                    chain[i as usize - 1].load(Relaxed)
                } else {
                    r
                };
                chain[i as usize].store(before + 1, Relaxed);
                t.doacross_post([i]);
            }
        }
        t.loop_end();
        t.sections(&[&|| (), &|| ()]);
    });
    assert_eq!(singles.into_inner(), 1);
    assert_eq!(chain[15].load(Relaxed), r + 16);
}

fn main() {
    let rounds: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let pool = Pool::builder().threads(3).build().expect("pool");
    let schedules = [
        Schedule::Static,
        Schedule::StaticChunked(2),
        Schedule::Dynamic(1),
        Schedule::Guided(1),
    ];
    let mut out = vec![0u64; 64];
    for r in 0..rounds {
        for s in schedules {
            let sum = pool.parallel_reduce(0..100u64, s, 0, |i| i, |a, b| a + b);
            assert_eq!(sum, 4950);
            pool.parallel_for_slice(&mut out, s, |start, chunk| {
                for (k, x) in chunk.iter_mut().enumerate() {
                    *x = (start + k) as u64 + r;
                }
            });
            let v: Vec<u64> = pool.prange(0..32u64).schedule(s).map(|i| i * 2).collect();
            assert_eq!(v[31], 62);
            let hits = AtomicU64::new(0);
            pool.parallel_for(0..8, s, |_: i32| {
                parfor::parallel_for(0..4, s, |_: i32| {
                    hits.fetch_add(1, Relaxed);
                });
            });
            assert_eq!(hits.load(Relaxed), 32);
            team_constructs(&pool, s, r);
        }
        if r % 50 == 0 {
            let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                pool.parallel_for(0..10, Schedule::Dynamic(1), |i: i32| {
                    if i == 5 {
                        panic!("planned")
                    }
                });
            }));
            assert!(caught.is_err());
        }
    }
    assert_eq!(out[63], 63 + rounds - 1);
    println!("stress: {rounds} rounds of every schedule passed");
}
