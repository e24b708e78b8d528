//! The team model: every construct at team sizes 1 to 8 (8 threads on this 2-core machine
//! oversubscribes it), checked for its OpenMP meaning, with distinct OS threads taking part.

use parfor::{Pool, Schedule, Team};
use std::cell::UnsafeCell;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::*};
use std::sync::Mutex;
use std::thread::ThreadId;

const SIZES: [usize; 8] = [1, 2, 3, 4, 5, 6, 7, 8];

/// Runs `body` in a region of `n` threads on a pool of its own and checks that the team had `n`
/// threads, each on a distinct OS thread.
fn on_team(n: usize, body: impl Fn(&Team) + Sync) {
    let pool = Pool::builder().threads(n).build().unwrap();
    let ids = Mutex::new(HashSet::<ThreadId>::new());
    let sizes = AtomicUsize::new(0);
    pool.parallel(|t| {
        assert_eq!(t.num_threads(), n);
        sizes.fetch_add(1, Relaxed);
        ids.lock().unwrap().insert(std::thread::current().id());
        body(t);
    });
    assert_eq!(sizes.into_inner(), n, "every thread ran the body once");
    assert_eq!(
        ids.into_inner().unwrap().len(),
        n,
        "distinct OS threads took part"
    );
}

#[test]
fn no_thread_passes_a_barrier_before_all_reach_it() {
    for n in SIZES {
        let phase = AtomicUsize::new(0);
        on_team(n, |t| {
            for k in 0..50 {
                phase.fetch_add(1, AcqRel);
                t.barrier();
                // Every thread of phase k has arrived; none of phase k + 1 can have yet.
                assert_eq!(phase.load(Acquire), (k + 1) * n, "team {n} phase {k}");
                t.barrier();
            }
        });
    }
}

#[test]
fn single_runs_once_per_encounter_and_copyprivate_reaches_every_thread() {
    for n in SIZES {
        let runs = AtomicUsize::new(0);
        on_team(n, |t| {
            for k in 0..20u64 {
                t.single(|| {
                    runs.fetch_add(1, Relaxed);
                });
                let v = t.single_copy(|| k * 1000 + 7);
                assert_eq!(v, k * 1000 + 7);
            }
        });
        assert_eq!(runs.into_inner(), 20, "team {n}");
    }
}

/// A counter that is not atomic: only mutual exclusion keeps its increments.
struct Racy(UnsafeCell<u64>);
// SAFETY: `bump` is only called inside a critical section that excludes other bumps.
unsafe impl Sync for Racy {}

impl Racy {
    /// # Safety
    /// No other thread may bump at the same time.
    unsafe fn bump(&self) {
        // SAFETY: per the contract.
        unsafe { *self.0.get() += 1 }
    }
}

#[test]
fn critical_sections_exclude_each_other() {
    for n in SIZES {
        let (a, b) = (Racy(UnsafeCell::new(0)), Racy(UnsafeCell::new(0)));
        on_team(n, |t| {
            for _ in 0..1000 {
                // SAFETY: the unnamed critical section excludes every other access to `a`.
                t.critical(|| unsafe { a.bump() });
                // SAFETY: the "b" critical section excludes every other access to `b`.
                t.critical_named("b", || unsafe { b.bump() });
            }
        });
        assert_eq!(a.0.into_inner(), 1000 * n as u64);
        assert_eq!(b.0.into_inner(), 1000 * n as u64);
    }
}

#[test]
fn ordered_blocks_run_strictly_in_iteration_order() {
    for n in SIZES {
        for schedule in [
            Schedule::Dynamic(1),
            Schedule::Static,
            Schedule::StaticChunked(3),
            Schedule::Guided(2),
        ] {
            let seen = Mutex::new(Vec::new());
            on_team(n, |t| {
                t.for_each_ordered(0..200u32, schedule, |i, ord| {
                    std::hint::black_box(i * 3);
                    ord.run(|| seen.lock().unwrap().push(i));
                });
            });
            assert_eq!(
                seen.into_inner().unwrap(),
                (0..200).collect::<Vec<_>>(),
                "team {n} {schedule}"
            );
        }
    }
}

/// Doacross loops: a 2-D wavefront `a[i][j] = f(a[i-1][j], a[i][j-1], a[i-1][j+1])` per loop, in
/// nowait chains longer than the ring (so that several loops' progress is tracked at once), at
/// every schedule; each read checks that the iteration it reads from had finished (its flag is
/// set after its value), and the result is compared with the serial recurrence.
#[test]
fn doacross_wavefronts_honour_every_dependence_in_nowait_chains() {
    const R: u64 = 12;
    const C: u64 = 9;
    const LOOPS: usize = 11;
    let f = |up: u64, left: u64, diag: u64, k: u64| {
        (up.wrapping_mul(31) ^ left.wrapping_mul(7)).wrapping_add(diag) ^ (k + 1)
    };
    let mut want = vec![0u64; (R * C) as usize];
    for i in 0..R {
        for j in 0..C {
            let at = |i: u64, j: u64| want[(i * C + j) as usize];
            let up = if i > 0 { at(i - 1, j) } else { 0 };
            let left = if j > 0 { at(i, j - 1) } else { 0 };
            let diag = if i > 0 && j + 1 < C {
                at(i - 1, j + 1)
            } else {
                0
            };
            want[(i * C + j) as usize] = f(up, left, diag, i * C + j);
        }
    }
    let schedules = [
        Schedule::Static,
        Schedule::StaticChunked(1),
        Schedule::StaticChunked(3),
        Schedule::Dynamic(1),
        Schedule::Dynamic(2),
        Schedule::Guided(1),
        Schedule::MonotonicDynamic(1),
    ];
    for n in SIZES {
        let cells: Vec<Vec<(AtomicU64, AtomicBool)>> = (0..LOOPS)
            .map(|_| {
                (0..R * C)
                    .map(|_| (AtomicU64::new(0), AtomicBool::new(false)))
                    .collect()
            })
            .collect();
        let broken = AtomicUsize::new(0);
        on_team(n, |t| {
            for (k, cells) in cells.iter().enumerate() {
                let read = |i: u64, j: u64| {
                    let (value, done) = &cells[(i * C + j) as usize];
                    if !done.load(Acquire) {
                        broken.fetch_add(1, Relaxed);
                    }
                    value.load(Relaxed)
                };
                t.doacross_start(&[R, C], schedules[k % schedules.len()]);
                assert_eq!(t.doacross_dims(), if n > 1 { 2 } else { 0 });
                while let Some((lo, hi)) = t.loop_next() {
                    for i in lo..hi {
                        for j in 0..C {
                            if t.thread_num() == 0 && (i + j) % 5 == 0 {
                                std::thread::yield_now(); // let the others run ahead
                            }
                            t.doacross_wait([i.wrapping_sub(1), j]);
                            t.doacross_wait([i, j.wrapping_sub(1)]);
                            t.doacross_wait([i.wrapping_sub(1), j + 1]);
                            let up = if i > 0 { read(i - 1, j) } else { 0 };
                            let left = if j > 0 { read(i, j - 1) } else { 0 };
                            let diag = if i > 0 && j + 1 < C {
                                read(i - 1, j + 1)
                            } else {
                                0
                            };
                            let (value, done) = &cells[(i * C + j) as usize];
                            value.store(f(up, left, diag, i * C + j), Relaxed);
                            done.store(true, Release);
                            t.doacross_post([i, j]);
                        }
                    }
                }
                t.loop_end_nowait();
            }
            t.barrier();
        });
        assert_eq!(
            broken.into_inner(),
            0,
            "team {n}: a dependence was not honoured"
        );
        for (k, cells) in cells.iter().enumerate() {
            let got: Vec<u64> = cells.iter().map(|(v, _)| v.load(Relaxed)).collect();
            assert_eq!(got, want, "team {n}, loop {k}");
        }
    }
}

#[test]
fn sections_run_each_exactly_once() {
    for n in SIZES {
        let hits: Vec<AtomicUsize> = (0..5).map(|_| AtomicUsize::new(0)).collect();
        let hits = &hits;
        on_team(n, |t| {
            let s: Vec<Box<dyn Fn() + Sync>> = (0..5)
                .map(|i| {
                    Box::new(move || {
                        hits[i].fetch_add(1, Relaxed);
                    }) as Box<dyn Fn() + Sync>
                })
                .collect();
            let refs: Vec<&(dyn Fn() + Sync)> = s.iter().map(|b| b.as_ref()).collect();
            t.sections(&refs);
        });
        assert!(hits.iter().all(|h| h.load(Relaxed) == 1), "team {n}");
    }
}

#[test]
fn worksharing_loops_cover_every_index_once_in_nowait_chains() {
    for n in SIZES {
        // More nowait loops in a row than the ring has slots: fast threads run ahead.
        let hits: Vec<Vec<AtomicU64>> = (0..20)
            .map(|_| (0..257).map(|_| AtomicU64::new(0)).collect())
            .collect();
        on_team(n, |t| {
            for (k, h) in hits.iter().enumerate() {
                let schedule = [
                    Schedule::Static,
                    Schedule::Dynamic(3),
                    Schedule::Guided(1),
                    Schedule::StaticChunked(2),
                ][k % 4];
                t.for_each_nowait(0..257usize, schedule, |i| {
                    if t.thread_num() == 0 && k % 3 == 0 {
                        std::thread::yield_now(); // let the others run ahead
                    }
                    h[i].fetch_add(1, Relaxed);
                });
            }
            t.barrier();
        });
        assert!(
            hits.iter().flatten().all(|h| h.load(Relaxed) == 1),
            "team {n}"
        );
    }
}

/// Every schedule gives the chunk that ends a loop to its thread last, stealing ones included:
/// gcc's `lastprivate` code (through the drop-in) copies out on the thread whose final chunk ended
/// at the loop's end. Many short loops, so that threads steal in varying orders.
#[test]
fn the_chunk_that_ends_a_loop_is_the_last_of_its_thread() {
    let schedules = [
        Schedule::Dynamic(1),
        Schedule::Dynamic(3),
        Schedule::Guided(1),
        Schedule::Guided(2),
        Schedule::MonotonicDynamic(2),
        Schedule::StaticChunked(2),
    ];
    for n in [2, 3, 4, 8] {
        let enders = AtomicUsize::new(0);
        let rounds = 200;
        on_team(n, |t| {
            for round in 0..rounds {
                let schedule = schedules[round % schedules.len()];
                let len = 37 + round as u64 % 5;
                let mut ended = false;
                t.loop_start(len, schedule, false);
                while let Some((lo, hi)) = t.loop_next() {
                    assert!(
                        !ended,
                        "{schedule} team {n}: {lo}..{hi} after the last chunk"
                    );
                    // Uneven work, so that threads run dry at different times.
                    (0..(lo % 5) * 200).for_each(|k| {
                        std::hint::black_box(k);
                    });
                    ended = hi == len;
                }
                t.loop_end_nowait();
                enders.fetch_add(usize::from(ended), Relaxed);
            }
            t.barrier();
        });
        assert_eq!(
            enders.into_inner(),
            rounds,
            "one thread ran each loop's end"
        );
    }
}

#[test]
fn reductions_give_every_thread_the_same_value() {
    for n in SIZES {
        on_team(n, |t| {
            let s = t.reduce(0..10_000u64, Schedule::Dynamic(7), 0, |i| i, |a, b| a + b);
            assert_eq!(s, 49_995_000);
            let f = t.reduce(
                0..1000u32,
                Schedule::Static,
                0.0f64,
                |i| f64::from(i).sqrt(),
                |a, b| a + b,
            );
            let again = t.reduce(
                0..1000u32,
                Schedule::Static,
                0.0f64,
                |i| f64::from(i).sqrt(),
                |a, b| a + b,
            );
            assert_eq!(
                f.to_bits(),
                again.to_bits(),
                "static reductions repeat bit for bit"
            );
        });
    }
}

#[test]
fn masked_runs_on_thread_zero_only() {
    for n in SIZES {
        let who = Mutex::new(vec![]);
        on_team(n, |t| t.masked(|| who.lock().unwrap().push(t.thread_num())));
        assert_eq!(who.into_inner().unwrap(), vec![0]);
    }
}

#[test]
fn a_panic_in_any_construct_reaches_the_caller_and_no_thread_hangs() {
    let pool = Pool::builder().threads(4).build().unwrap();
    for construct in 0..5 {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pool.parallel(|t| match construct {
                0 => {
                    if t.thread_num() == 2 {
                        panic!("in the body");
                    }
                    t.barrier();
                    t.barrier();
                }
                1 => t.for_each(0..1000, Schedule::Dynamic(1), |i| {
                    assert!(i != 500, "in a loop")
                }),
                2 => t.single(|| panic!("in single")),
                3 => {
                    let _ = t.single_copy(|| -> u64 { panic!("in single_copy") });
                }
                _ => t.for_each_ordered(0..100, Schedule::Dynamic(1), |i, ord| {
                    ord.run(|| assert!(i != 50, "in ordered"))
                }),
            })
        }));
        let payload = r.expect_err("the panic resumes on the caller");
        assert!(
            payload.downcast_ref::<String>().is_some() || payload.downcast_ref::<&str>().is_some()
        );
        // The pool is usable after, by every thread.
        let count = AtomicUsize::new(0);
        pool.parallel(|t| {
            t.barrier();
            count.fetch_add(1, Relaxed);
            t.single(|| ());
        });
        assert_eq!(count.into_inner(), 4, "construct {construct}");
    }
}

#[test]
fn two_callers_whose_regions_wait_for_each_other_both_finish() {
    let pool = Pool::builder().threads(2).build().unwrap();
    let (a_started, b_done) = (AtomicBool::new(false), AtomicBool::new(false));
    std::thread::scope(|s| {
        s.spawn(|| {
            pool.parallel(|t| {
                a_started.store(true, Release);
                if t.thread_num() == 0 {
                    while !b_done.load(Acquire) {
                        std::thread::yield_now();
                    }
                }
            })
        });
        s.spawn(|| {
            while !a_started.load(Acquire) {
                std::thread::yield_now();
            }
            // A's region is running and will not end before this one does: it needs a team of
            // its own.
            pool.parallel(|t| {
                t.barrier();
                b_done.store(true, Release);
            })
        });
    });
}

#[test]
fn a_loop_body_can_run_a_thread_that_runs_a_parallel_loop() {
    let pool = Pool::builder().threads(2).build().unwrap();
    pool.parallel_for(0..4, Schedule::Dynamic(1), |_| {
        let inner = std::thread::spawn(|| {
            parfor::parallel_reduce(0..1000u64, Schedule::Static, 0, |i| i, |a, b| a + b)
        });
        assert_eq!(inner.join().unwrap(), 499_500);
    });
}

#[test]
fn nested_regions_get_real_teams_when_max_active_levels_allows() {
    // The global pool's max-active-levels is process-wide: this is the only test in this binary
    // that uses the global pool's nesting.
    parfor::set_num_threads(2).unwrap();
    let inner_sizes = Mutex::new(vec![]);
    parfor::set_max_active_levels(1);
    parfor::parallel(|_| parfor::parallel(|t| inner_sizes.lock().unwrap().push(t.num_threads())));
    assert!(
        inner_sizes.lock().unwrap().iter().all(|&s| s == 1),
        "one active level by default"
    );
    inner_sizes.lock().unwrap().clear();
    parfor::set_max_active_levels(2);
    let ids = Mutex::new(HashSet::new());
    parfor::parallel(|outer| {
        assert_eq!(parfor::level(), 1);
        let (outer_num, outer_size) = (outer.thread_num(), outer.num_threads());
        parfor::parallel(|t| {
            ids.lock()
                .unwrap()
                .insert((outer_num, std::thread::current().id()));
            inner_sizes.lock().unwrap().push(t.num_threads());
            assert_eq!((parfor::level(), parfor::active_level()), (2, 2));
            assert_eq!(parfor::ancestor_thread_num(1), Some(outer_num));
            assert_eq!(parfor::ancestor_thread_num(2), Some(t.thread_num()));
            assert_eq!(parfor::team_size(1), Some(outer_size));
            assert_eq!(parfor::ancestor_thread_num(3), None);
        });
    });
    parfor::set_max_active_levels(1);
    assert!(
        inner_sizes.into_inner().unwrap().iter().all(|&s| s == 2),
        "nested teams of 2"
    );
    // Each inner team had two distinct OS threads (a worker freed by one inner team may serve
    // the other later).
    assert_eq!(
        ids.into_inner().unwrap().len(),
        4,
        "2 x 2 distinct OS threads"
    );
}
