//! Every schedule runs every index exactly once, for every team size, on every kind of range;
//! the stealing (nonmonotonic) schedules also with threads that really run at once and rob each
//! other, through the loop forms and through worksharing loops in a region.

use parfor::{parallel_for_slice, prange, Pool, Schedule};
use proptest::prelude::*;
use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const SCHEDULES: [Schedule; 11] = [
    Schedule::Static,
    Schedule::StaticChunked(1),
    Schedule::StaticChunked(3),
    Schedule::Dynamic(1),
    Schedule::Dynamic(7),
    Schedule::Guided(1),
    Schedule::Guided(5),
    Schedule::MonotonicDynamic(1),
    Schedule::MonotonicGuided(3),
    Schedule::Auto,
    Schedule::Runtime,
];

/// The dynamic and guided schedules, nonmonotonic (stealing) and monotonic (shared counter).
const DYNAMIC: [Schedule; 4] = [
    Schedule::Dynamic(1),
    Schedule::Guided(1),
    Schedule::MonotonicDynamic(1),
    Schedule::MonotonicGuided(1),
];

fn pools() -> Vec<Pool> {
    [1, 2, 3, 4, 7]
        .iter()
        .map(|&t| Pool::builder().threads(t).build().unwrap())
        .collect()
}

fn hits_per_index(pool: &Pool, n: usize, schedule: Schedule) -> Vec<u32> {
    let hits: Vec<AtomicU32> = (0..n).map(|_| AtomicU32::new(0)).collect();
    pool.parallel_for(0..n, schedule, |i| {
        hits[i].fetch_add(1, Relaxed);
    });
    hits.into_iter().map(AtomicU32::into_inner).collect()
}

#[test]
fn every_schedule_covers_every_index_once() {
    for pool in pools() {
        for schedule in SCHEDULES {
            for n in [0, 1, 2, 3, 5, 6, 7, 8, 31, 64, 100, 1001] {
                let hits = hits_per_index(&pool, n, schedule);
                assert!(
                    hits.iter().all(|&h| h == 1),
                    "{schedule} n={n} threads={}: {hits:?}",
                    pool.max_threads()
                );
            }
        }
    }
}

#[test]
fn chunked_loops_get_disjoint_sub_ranges() {
    for pool in pools() {
        for schedule in SCHEDULES {
            let hits: Vec<AtomicU32> = (0..500).map(|_| AtomicU32::new(0)).collect();
            pool.parallel_for_chunks(-250i32..250, schedule, |r| {
                assert!(!r.is_empty());
                for i in r {
                    hits[(i + 250) as usize].fetch_add(1, Relaxed);
                }
            });
            assert!(hits.iter().all(|h| h.load(Relaxed) == 1), "{schedule}");
        }
    }
}

#[test]
fn ranges_at_the_ends_of_i64_and_u64() {
    let pool = Pool::builder().threads(3).build().unwrap();
    for schedule in SCHEDULES {
        let sum = AtomicU64::new(0);
        pool.parallel_for(i64::MIN..i64::MIN + 1000, schedule, |i| {
            sum.fetch_add((i - i64::MIN) as u64, Relaxed);
        });
        assert_eq!(sum.load(Relaxed), 999 * 1000 / 2, "{schedule}");
        let count = AtomicU64::new(0);
        pool.parallel_for(i64::MAX - 1000..i64::MAX, schedule, |i| {
            assert!(i < i64::MAX);
            count.fetch_add(1, Relaxed);
        });
        assert_eq!(count.load(Relaxed), 1000);
        let count = AtomicU64::new(0);
        pool.parallel_for(u64::MAX - 10..u64::MAX, schedule, |_| {
            count.fetch_add(1, Relaxed);
        });
        assert_eq!(count.load(Relaxed), 10);
        // The whole i64 range, cut into a few huge chunks: lengths add up to 2^64 - 1 exactly.
        let total = std::sync::Mutex::new(0u128);
        let huge = match schedule {
            Schedule::StaticChunked(_) => Schedule::StaticChunked(1 << 62),
            Schedule::Dynamic(_) => Schedule::Dynamic(1 << 62),
            Schedule::Guided(_) => Schedule::Guided(1 << 62),
            Schedule::MonotonicDynamic(_) => Schedule::MonotonicDynamic(1 << 62),
            Schedule::MonotonicGuided(_) => Schedule::MonotonicGuided(1 << 62),
            other => other,
        };
        pool.parallel_for_chunks(i64::MIN..i64::MAX, huge, |r| {
            *total.lock().unwrap() += (r.end as i128 - r.start as i128) as u128;
        });
        assert_eq!(total.into_inner().unwrap(), u64::MAX as u128, "{huge}");
    }
}

#[test]
#[allow(clippy::reversed_empty_ranges)] // reversed on purpose: such loops run nothing
fn empty_and_reversed_ranges_run_nothing() {
    let pool = Pool::builder().threads(2).build().unwrap();
    for schedule in SCHEDULES {
        pool.parallel_for(5..5, schedule, |_: i32| panic!("ran"));
        pool.parallel_for(5..-5, schedule, |_: i32| panic!("ran"));
        assert_eq!(
            pool.parallel_reduce(9u8..3, schedule, 7, |_| 1, |a, b| a + b),
            7
        );
        let v: Vec<u8> = pool.prange(3u8..3).map(|i| i).collect();
        assert!(v.is_empty());
    }
}

#[test]
fn millions_of_tiny_iterations() {
    let pool = Pool::builder().threads(2).build().unwrap();
    let n = 5_000_000u64;
    for schedule in [Schedule::Static, Schedule::Dynamic(1), Schedule::Guided(1)]
        .into_iter()
        .chain(DYNAMIC)
    {
        let sum = pool.parallel_reduce(0..n, schedule, 0u64, |i| i, |a, b| a + b);
        assert_eq!(sum, n * (n - 1) / 2, "{schedule}");
    }
}

#[test]
fn reductions_equal_the_serial_result() {
    for pool in pools() {
        for schedule in SCHEDULES {
            let n = 10_007u64;
            let serial_sum: u64 = (0..n).map(|i| i * i % 1013).sum();
            let sum = pool.parallel_reduce(0..n, schedule, 0, |i| i * i % 1013, |a, b| a + b);
            assert_eq!(sum, serial_sum);
            let max = pool.parallel_reduce(0..n, schedule, 0, |i| (i * 7919) % 10_007, u64::max);
            assert_eq!(max, 10_006);
            let min = pool.parallel_reduce(0..n, schedule, u64::MAX, |i| i + 3, u64::min);
            assert_eq!(min, 3);
        }
    }
}

#[test]
fn static_float_reductions_repeat_bit_for_bit() {
    let pool = Pool::builder().threads(3).build().unwrap();
    let run = || {
        pool.parallel_reduce(
            0..100_000,
            Schedule::Static,
            0.0f64,
            |i| (i as f64).sin(),
            |a, b| a + b,
        )
    };
    let first = run();
    for _ in 0..20 {
        assert_eq!(run().to_bits(), first.to_bits());
    }
}

#[test]
fn map_collect_is_in_index_order() {
    for pool in pools() {
        for schedule in SCHEDULES {
            let v: Vec<String> = pool
                .prange(-3..1000i64)
                .schedule(schedule)
                .map(|i| i.to_string())
                .collect();
            let want: Vec<String> = (-3..1000i64).map(|i| i.to_string()).collect();
            assert_eq!(v, want);
        }
    }
}

#[test]
fn slices_are_filled_in_disjoint_chunks() {
    for schedule in SCHEDULES {
        let mut v = vec![0usize; 1234];
        parallel_for_slice(&mut v, schedule, |start, chunk| {
            for (k, x) in chunk.iter_mut().enumerate() {
                *x += start + k;
            }
        });
        assert!(v.iter().enumerate().all(|(i, &x)| i == x), "{schedule}");
    }
}

#[test]
#[allow(clippy::reversed_empty_ranges)] // reversed on purpose: such loops run nothing
fn inclusive_ranges() {
    let v: Vec<u8> = prange(250u8..=255 - 1).map(|i| i).collect();
    assert_eq!(v, vec![250, 251, 252, 253, 254]);
    let empty: Vec<i32> = prange(5..=4).map(|i| i).collect();
    assert!(empty.is_empty());
    let r = std::panic::catch_unwind(|| prange(0u8..=255).for_each(|_| {}));
    assert!(
        r.is_err(),
        "an inclusive range to the type's maximum is refused"
    );
}

#[test]
fn thread_numbers_inside_a_region() {
    let pool = Pool::builder().threads(4).build().unwrap();
    let seen: Vec<AtomicU32> = (0..4).map(|_| AtomicU32::new(0)).collect();
    pool.parallel_for(0..4, Schedule::StaticChunked(1), |i: usize| {
        assert_eq!(parfor::num_threads(), 4);
        assert_eq!(
            parfor::thread_num(),
            i,
            "chunk k of static,1 goes to thread k"
        );
        seen[parfor::thread_num()].fetch_add(1, Relaxed);
    });
    assert!(seen.iter().all(|s| s.load(Relaxed) == 1));
    assert_eq!((parfor::thread_num(), parfor::num_threads()), (0, 1));
}

#[test]
fn team_size_changes_take_effect_without_new_pools() {
    let pool = Pool::builder().threads(1).build().unwrap();
    for n in [3, 1, 2, 4, 2] {
        pool.set_num_threads(n).unwrap();
        let most = pool.parallel_reduce(
            0..64,
            Schedule::StaticChunked(1),
            0,
            |_| parfor::num_threads(),
            usize::max,
        );
        assert_eq!(most, n);
    }
    assert!(pool.set_num_threads(0).is_err());
}

/// A stealing loop in which thread 0's first iteration waits until another OS thread has run
/// an iteration of thread 0's share: it ends only if a thief took part (10 s at most, then the
/// assertion fails).
#[test]
fn a_thread_that_runs_dry_steals_from_a_busy_one() {
    let pool = Pool::builder().threads(2).build().unwrap();
    for schedule in [Schedule::Dynamic(1), Schedule::Guided(1)] {
        let n = 1000u64;
        let owners: Vec<Mutex<Option<std::thread::ThreadId>>> =
            (0..n).map(|_| Mutex::new(None)).collect();
        let robbed = AtomicU64::new(0);
        pool.parallel_for(0..n, schedule, |i: u64| {
            let me = std::thread::current().id();
            *owners[i as usize].lock().unwrap() = Some(me);
            if i == 0 {
                let deadline = Instant::now() + Duration::from_secs(10);
                while robbed.load(Relaxed) == 0 && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_micros(100));
                }
            } else if i < n / 2 && *owners[0].lock().unwrap() != Some(me) {
                robbed.fetch_add(1, Relaxed);
            }
        });
        let threads: HashSet<_> = owners.iter().map(|o| o.lock().unwrap().unwrap()).collect();
        assert_eq!(
            threads.len(),
            2,
            "{schedule}: two OS threads ran iterations"
        );
        assert!(
            robbed.load(Relaxed) > 0,
            "{schedule}: no iteration of the first half was stolen from the thread stuck in it"
        );
    }
}

/// A panic in a chunk stops every schedule's loop: the other threads take no more work.
#[test]
fn a_panic_stops_dynamic_and_guided_loops_of_both_kinds() {
    let pool = Pool::builder().threads(2).build().unwrap();
    for schedule in DYNAMIC {
        let ran = AtomicU64::new(0);
        let n = 100_000u64;
        let r = catch_unwind(AssertUnwindSafe(|| {
            pool.parallel_for(0..n, schedule, |i| {
                ran.fetch_add(1, Relaxed);
                if i == 10 {
                    panic!("stop");
                }
                std::thread::sleep(Duration::from_micros(20));
            })
        }));
        assert!(r.is_err(), "{schedule}");
        let ran = ran.load(Relaxed);
        assert!(ran < n / 2, "{schedule}: ran {ran} of {n} iterations");
        // The pool still works.
        assert_eq!(
            pool.parallel_reduce(0..100u64, schedule, 0, |i| i, |a, b| a + b),
            4950
        );
    }
}

/// Worksharing loops in one region, back to back without barriers (each in its own slot, so
/// several are in flight at once): every index of every loop once; ordered loops in order.
#[test]
fn nowait_worksharing_loops_of_every_kind_cover_their_ranges() {
    for threads in [1, 2, 3, 8] {
        let pool = Pool::builder().threads(threads).build().unwrap();
        let loops = 40;
        let n = 257u64;
        let hits: Vec<AtomicU32> = (0..loops * n).map(|_| AtomicU32::new(0)).collect();
        let order = Mutex::new(vec![]);
        pool.parallel(|t| {
            for l in 0..loops {
                t.loop_start(n, DYNAMIC[l as usize % 4], false);
                while let Some((lo, hi)) = t.loop_next() {
                    for i in lo..hi {
                        hits[(l * n + i) as usize].fetch_add(1, Relaxed);
                    }
                }
                t.loop_end_nowait();
            }
            t.loop_start(100, Schedule::Dynamic(1), true);
            while let Some((lo, _)) = t.loop_next() {
                t.ordered_start();
                order.lock().unwrap().push(lo);
                t.ordered_end();
            }
            t.loop_end();
        });
        assert!(
            hits.iter().all(|h| h.load(Relaxed) == 1),
            "{threads} threads"
        );
        assert_eq!(order.into_inner().unwrap(), (0..100).collect::<Vec<u64>>());
    }
}

/// Many threads over a loop of few chunks, and one chunk: no thread waits forever for work.
#[test]
fn more_threads_than_chunks() {
    let pool = Pool::builder().threads(8).build().unwrap();
    for schedule in DYNAMIC {
        for n in [0u64, 1, 3, 7] {
            let count = AtomicUsize::new(0);
            pool.parallel_for(0..n, schedule, |_| {
                count.fetch_add(1, Relaxed);
            });
            assert_eq!(count.into_inner() as u64, n, "{schedule}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_loop_covers_its_range_once(
        start in -1000i64..1000, len in 0usize..3000, threads in 1usize..6,
        kind in 0usize..4, chunk in 0u64..50,
    ) {
        let pool = Pool::builder().threads(threads).build().unwrap();
        let schedule = [Schedule::StaticChunked(chunk), Schedule::Dynamic(chunk), Schedule::Guided(chunk), Schedule::Static][kind];
        let hits: Vec<AtomicU32> = (0..len).map(|_| AtomicU32::new(0)).collect();
        pool.parallel_for(start..start + len as i64, schedule, |i| {
            hits[(i - start) as usize].fetch_add(1, Relaxed);
        });
        prop_assert!(hits.iter().all(|h| h.load(Relaxed) == 1));
    }

    /// Dynamic and guided, nonmonotonic and monotonic, teams of 1 to 8, through the loop form
    /// and through a worksharing loop; lengths from empty to a few thousand, and a few near the
    /// end of u64 (offsets near the maximum, chunks large enough to count in a range).
    #[test]
    fn dynamic_and_guided_of_both_kinds_cover_their_range_once(
        len in 0u64..3000, threads in 1usize..=8, kind in 0usize..4, chunk in 1u64..64,
        near_max in any::<bool>(),
    ) {
        let pool = Pool::builder().threads(threads).build().unwrap();
        let schedule = match kind {
            0 => Schedule::Dynamic(chunk),
            1 => Schedule::Guided(chunk),
            2 => Schedule::MonotonicDynamic(chunk),
            _ => Schedule::MonotonicGuided(chunk),
        };
        let start = if near_max { u64::MAX - len } else { 0 };
        let hits: Vec<AtomicU32> = (0..len).map(|_| AtomicU32::new(0)).collect();
        let dynamic = kind % 2 == 0;
        pool.parallel_for_chunks(start..start + len, schedule, |r| {
            assert_chunk(&r, start..start + len, dynamic.then_some(chunk));
            for i in r {
                hits[(i - start) as usize].fetch_add(1, Relaxed);
            }
        });
        prop_assert!(hits.iter().all(|h| h.swap(0, Relaxed) == 1), "loop form");
        pool.parallel(|t| {
            t.loop_start(len, schedule, false);
            while let Some((lo, hi)) = t.loop_next() {
                assert_chunk(&(lo..hi), 0..len, dynamic.then_some(chunk));
                for i in lo..hi {
                    hits[i as usize].fetch_add(1, Relaxed);
                }
            }
            t.loop_end();
        });
        prop_assert!(hits.iter().all(|h| h.load(Relaxed) == 1), "worksharing loop");
    }
}

/// A chunk of a loop over `whole` is a non-empty part of it, of at most `most` iterations.
fn assert_chunk(r: &std::ops::Range<u64>, whole: std::ops::Range<u64>, most: Option<u64>) {
    assert!(
        whole.start <= r.start && r.start < r.end && r.end <= whole.end,
        "{r:?} in {whole:?}"
    );
    assert!(
        r.end - r.start <= most.unwrap_or(u64::MAX),
        "{r:?}: chunk {most:?}"
    );
}
