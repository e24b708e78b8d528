//! Tasks at team sizes 1, 2 and 8 (8 threads on this 2-core machine oversubscribes it): every
//! task runs exactly once, on distinct OS threads where the team has several; recursive
//! divide and conquer with taskwait at any depth; taskgroups, undeferred and final tasks,
//! taskloop, dependences; tasks finish by barriers and the end of the region; panics reach the
//! caller.

use parfor::{Dep, Grain, Pool, Scope, TaskOptions, Team};
use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::*};
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;

const SIZES: [usize; 3] = [1, 2, 8];

/// Runs `body` on a region of `n` threads on a pool of its own, asserting the team's size.
fn on_team(n: usize, body: impl Fn(&Team) + Sync) {
    let pool = Pool::builder().threads(n).build().unwrap();
    pool.parallel(|t| {
        assert_eq!(t.num_threads(), n);
        body(t)
    });
}

#[test]
fn every_thread_of_the_team_runs_tasks_spawned_by_one() {
    // Each task waits until every thread of the team has started one, so the team's threads
    // must each take one from the spawner's deque (a thread running a task takes no other).
    for n in SIZES {
        let threads = Mutex::new(HashSet::<ThreadId>::new());
        on_team(n, |t| {
            t.taskgroup(|s| {
                t.single(|| {
                    for _ in 0..2 * n {
                        s.spawn(|_| {
                            threads.lock().unwrap().insert(std::thread::current().id());
                            while threads.lock().unwrap().len() < n {
                                std::thread::yield_now();
                            }
                        });
                    }
                })
            })
        });
        assert_eq!(threads.into_inner().unwrap().len(), n, "team {n}");
    }
}

fn fib_serial(n: u64) -> u64 {
    (0..n).fold((0, 1), |(a, b), _| (b, a + b)).0
}

/// Fibonacci with a task per call above `cutoff`, each waiting for its child with taskwait.
fn fib(s: &Scope<'_>, n: u64) -> u64 {
    if n < 12 {
        return fib_serial(n);
    }
    let child = AtomicU64::new(0);
    let mut mine = 0;
    s.taskgroup(|g| {
        g.spawn(|s| child.store(fib(s, n - 1), Relaxed));
        mine = fib(g, n - 2);
        g.taskwait();
        assert_ne!(
            child.load(Relaxed),
            0,
            "taskwait returned before the child ran"
        );
    });
    child.into_inner() + mine
}

#[test]
fn fib_as_tasks_with_taskwait() {
    for n in SIZES {
        let result = AtomicU64::new(0);
        on_team(n, |t| {
            t.taskgroup(|s| t.single(|| result.store(fib(s, 27), Relaxed)));
        });
        assert_eq!(result.into_inner(), fib_serial(27), "team {n}");
    }
}

/// Solutions of n-queens, one task per placement in the first `depth` rows.
fn queens<'s>(s: &Scope<'s>, n: usize, placed: Vec<usize>, found: &'s AtomicU64) {
    let row = placed.len();
    if row == n {
        found.fetch_add(1, Relaxed);
        return;
    }
    for col in 0..n {
        let safe = placed
            .iter()
            .enumerate()
            .all(|(r, &c)| c != col && row - r != col.abs_diff(c));
        if safe {
            let mut next = placed.clone();
            next.push(col);
            if row < 4 {
                s.spawn(move |s| queens(s, n, next, found));
            } else {
                queens(s, n, next, found);
            }
        }
    }
}

#[test]
fn nqueens_as_tasks() {
    for n in SIZES {
        for (board, solutions) in [(8, 92), (9, 352), (10, 724)] {
            let found = AtomicU64::new(0);
            on_team(n, |t| {
                t.taskgroup(|s| t.single(|| queens(s, board, vec![], &found)))
            });
            assert_eq!(found.into_inner(), solutions, "{board} queens, team {n}");
        }
    }
}

/// Merge sort: the halves are sorted by tasks borrowing disjoint parts of the slice.
fn merge_sort(s: &Scope<'_>, v: &mut [u64], scratch: &mut [u64]) {
    if v.len() <= 256 {
        v.sort_unstable();
        return;
    }
    let mid = v.len() / 2;
    let (left, right) = v.split_at_mut(mid);
    let (sl, sr) = scratch.split_at_mut(mid);
    s.taskgroup(|g| {
        g.spawn(|g| merge_sort(g, left, sl));
        merge_sort(g, right, sr);
    });
    let (mut i, mut j) = (0, mid);
    for out in scratch.iter_mut() {
        if j == v.len() || (i < mid && v[i] <= v[j]) {
            *out = v[i];
            i += 1;
        } else {
            *out = v[j];
            j += 1;
        }
    }
    v.copy_from_slice(scratch);
}

#[test]
fn parallel_merge_sort() {
    for n in SIZES {
        let mut data: Vec<u64> = (0..100_000u64)
            .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 20)
            .collect();
        let mut expected = data.clone();
        expected.sort_unstable();
        let mut scratch = vec![0; data.len()];
        let work = Mutex::new(Some((&mut data[..], &mut scratch[..])));
        on_team(n, |t| {
            t.taskgroup(|s| {
                if let Some((v, scratch)) = work.lock().unwrap().take() {
                    merge_sort(s, v, scratch);
                }
            })
        });
        assert!(data == expected, "team {n}");
    }
}

#[test]
fn every_task_runs_exactly_once_from_every_thread() {
    for n in SIZES {
        let runs: Vec<AtomicUsize> = (0..8 * 3000).map(|_| AtomicUsize::new(0)).collect();
        on_team(n, |t| {
            t.taskgroup(|s| {
                for k in 0..3000 {
                    let runs = &runs;
                    let i = t.thread_num() * 3000 + k;
                    s.spawn(move |s| {
                        // A nested task too: groups wait for descendants.
                        s.spawn(move |_| {
                            runs[i].fetch_add(1, Relaxed);
                        });
                    });
                }
            });
        });
        let ran: Vec<usize> = runs.iter().map(|r| r.load(Relaxed)).collect();
        assert!(ran[..n * 3000].iter().all(|&r| r == 1), "team {n}");
        assert!(ran[n * 3000..].iter().all(|&r| r == 0), "team {n}");
    }
}

#[test]
fn taskgroup_waits_for_every_descendant() {
    for n in SIZES {
        on_team(n, |t| {
            t.taskgroup(|s| {
                let leaves = AtomicUsize::new(0);
                s.taskgroup(|g| {
                    for _ in 0..10 {
                        g.spawn(|g| {
                            for _ in 0..10 {
                                g.spawn(|_| {
                                    std::thread::yield_now();
                                    leaves.fetch_add(1, Relaxed);
                                });
                            }
                        });
                    }
                });
                assert_eq!(leaves.load(Relaxed), 100, "team {n}");
            })
        });
    }
}

#[test]
fn undeferred_and_final_tasks_run_at_once_on_the_spawning_thread() {
    for n in SIZES {
        on_team(n, |t| {
            t.taskgroup(|s| {
                let me = std::thread::current().id();
                let steps = Mutex::new(vec![]);
                s.taskgroup(|g| {
                    let undeferred = TaskOptions {
                        deferred: false,
                        final_: false,
                    };
                    g.spawn_with(undeferred, |_| steps.lock().unwrap().push(1));
                    steps.lock().unwrap().push(2);
                    let final_ = TaskOptions {
                        deferred: true,
                        final_: true,
                    };
                    g.spawn_with(final_, |g| {
                        // Inside a final task, every task is included: runs here, at once.
                        g.spawn(|_| {
                            assert_eq!(std::thread::current().id(), me);
                            steps.lock().unwrap().push(3);
                        });
                        steps.lock().unwrap().push(4);
                    });
                    steps.lock().unwrap().push(5);
                });
                assert_eq!(*steps.lock().unwrap(), [1, 2, 3, 4, 5], "team {n}");
            })
        });
    }
}

#[test]
fn taskloop_runs_every_iteration_once() {
    for n in SIZES {
        for grain in [
            Grain::Size(1),
            Grain::Size(37),
            Grain::Tasks(7),
            Grain::Tasks(5000),
        ] {
            let hits: Vec<AtomicUsize> = (0..1000).map(|_| AtomicUsize::new(0)).collect();
            on_team(n, |t| {
                t.taskgroup(|s| {
                    t.single(|| {
                        s.taskloop(0..1000usize, grain, |i| {
                            hits[i].fetch_add(1, Relaxed);
                        })
                    })
                })
            });
            assert!(
                hits.iter().all(|h| h.load(Relaxed) == 1),
                "team {n} {grain:?}"
            );
        }
        on_team(n, |t| {
            t.taskgroup(|s| s.taskloop(5..5u32, Grain::Tasks(3), |_| panic!("empty range")))
        });
    }
}

#[test]
fn static_tasks_finish_by_the_barrier_and_the_end_of_the_region() {
    for n in SIZES {
        let before = Arc::new(AtomicUsize::new(0));
        let after = Arc::new(AtomicUsize::new(0));
        on_team(n, |t| {
            for _ in 0..200 {
                let before = before.clone();
                parfor::task(TaskOptions::default(), move || {
                    std::thread::yield_now();
                    before.fetch_add(1, Relaxed);
                });
            }
            t.barrier();
            assert_eq!(before.load(Relaxed), 200 * n, "a task outlived the barrier");
            let after = after.clone();
            parfor::task(TaskOptions::default(), move || {
                after.fetch_add(1, Relaxed);
            });
        });
        assert_eq!(after.load(Relaxed), n, "a task outlived its region");
    }
}

#[test]
fn boxed_taskgroups_and_taskwait_from_plain_functions() {
    for n in SIZES {
        on_team(n, |_| {
            let done = Arc::new(AtomicUsize::new(0));
            assert_eq!(parfor::taskgroup_end(), Ok(false), "no group open");
            parfor::taskgroup_begin();
            for _ in 0..20 {
                let done = done.clone();
                parfor::task(TaskOptions::default(), move || {
                    let done = done.clone();
                    parfor::task(TaskOptions::default(), move || {
                        done.fetch_add(1, Relaxed);
                    });
                });
            }
            assert_eq!(parfor::taskgroup_end(), Ok(true));
            assert_eq!(done.load(Relaxed), 20);
            let child = Arc::new(AtomicUsize::new(0));
            let c = child.clone();
            parfor::task(TaskOptions::default(), move || {
                c.fetch_add(1, Relaxed);
            });
            assert!(parfor::taskwait().is_ok());
            assert_eq!(child.load(Relaxed), 1);
            // Left open: ended with the share.
            parfor::taskgroup_begin();
            parfor::task(TaskOptions::default(), parfor::taskyield);
        });
    }
    let ran = Arc::new(AtomicUsize::new(0));
    let r = ran.clone();
    parfor::task(TaskOptions::default(), move || {
        r.fetch_add(1, Relaxed);
    });
    assert_eq!(ran.load(Relaxed), 1, "outside a region a task runs at once");
}

#[test]
fn a_panic_in_a_task_reaches_the_caller_and_the_pool_stays_usable() {
    for n in SIZES {
        let pool = Pool::builder().threads(n).build().unwrap();
        let ran = AtomicUsize::new(0);
        let result = catch_unwind(AssertUnwindSafe(|| {
            pool.parallel(|t| {
                t.taskgroup(|s| {
                    t.single(|| {
                        for k in 0..100 {
                            let ran = &ran;
                            s.spawn(move |s| {
                                if k == 37 {
                                    panic!("task 37 failed");
                                }
                                s.spawn(move |_| {
                                    ran.fetch_add(1, Relaxed);
                                });
                            });
                        }
                    })
                });
            })
        }));
        let payload = result.expect_err("the panic reached the caller");
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"task 37 failed"));
        assert!(ran.into_inner() <= 99);
        let result = AtomicU64::new(0);
        pool.parallel(|t| {
            t.taskgroup(|s| t.single(|| result.store(fib(s, 20), Relaxed)));
        });
        assert_eq!(result.into_inner(), fib_serial(20), "pool usable, team {n}");
    }
}

#[test]
fn many_tasks_from_one_thread_complete_under_the_cutoff() {
    for n in SIZES {
        let runs = AtomicUsize::new(0);
        on_team(n, |t| {
            t.taskgroup(|s| {
                t.masked(|| {
                    for _ in 0..200_000 {
                        s.spawn(|_| {
                            runs.fetch_add(1, Relaxed);
                        });
                    }
                })
            })
        });
        assert_eq!(runs.into_inner(), 200_000, "team {n}");
    }
}

/// Busy work of a pseudo-random length (with a yield now and then), from `seed`.
fn random_work(seed: u64) {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let spins = x % 2000;
    for i in 0..spins {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        if i % 500 == 499 {
            std::thread::yield_now();
        }
    }
    std::hint::black_box(x);
}

#[test]
fn dependences_order_writers_and_readers_under_random_durations() {
    const KEYS: usize = 4;
    for n in SIZES {
        // Per key: how many writers have finished, and who is inside (-1: a writer; k > 0: k
        // readers). A writer must find no one inside and exactly the writers spawned before it
        // finished; a reader no writer inside and the same count of writers.
        let version: Vec<AtomicUsize> = (0..KEYS).map(|_| AtomicUsize::new(0)).collect();
        let inside: Vec<std::sync::atomic::AtomicI64> = (0..KEYS)
            .map(|_| std::sync::atomic::AtomicI64::new(0))
            .collect();
        let ran = AtomicUsize::new(0);
        on_team(n, |t| {
            t.taskgroup(|s| {
                t.single(|| {
                    let mut writers = [0usize; KEYS];
                    let mut rng = 12345u64;
                    for i in 0..400u64 {
                        rng = rng
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        let key = (rng >> 33) as usize % KEYS;
                        let writes = (rng >> 40) % 3 == 0;
                        let expected = writers[key];
                        let (version, inside, ran) = (&version[key], &inside[key], &ran);
                        if writes {
                            writers[key] += 1;
                            let dep = if i % 2 == 0 {
                                Dep::Out(key)
                            } else {
                                Dep::InOut(key)
                            };
                            s.spawn_depend(&[dep], move |_| {
                                assert_eq!(inside.compare_exchange(0, -1, AcqRel, Acquire), Ok(0));
                                assert_eq!(version.load(Acquire), expected, "writer out of order");
                                random_work(i);
                                version.store(expected + 1, Release);
                                inside.store(0, Release);
                                ran.fetch_add(1, Relaxed);
                            });
                        } else {
                            s.spawn_depend(&[Dep::In(key)], move |_| {
                                assert!(inside.fetch_add(1, AcqRel) >= 0, "a writer is inside");
                                assert_eq!(version.load(Acquire), expected, "reader out of order");
                                random_work(i);
                                inside.fetch_sub(1, AcqRel);
                                ran.fetch_add(1, Relaxed);
                            });
                        }
                    }
                })
            })
        });
        assert_eq!(ran.into_inner(), 400, "team {n}");
    }
}

#[test]
fn dependences_chain_across_keys_and_end_at_a_taskwait() {
    for n in SIZES {
        on_team(n, |t| {
            t.taskgroup(|s| {
                let log = Mutex::new(vec![]);
                s.taskgroup(|g| {
                    g.spawn_depend(&[Dep::Out(7)], |_| {
                        random_work(3);
                        log.lock().unwrap().push(1)
                    });
                    g.spawn_depend(&[Dep::In(7), Dep::Out(8)], |_| log.lock().unwrap().push(2));
                    g.taskwait();
                    g.spawn_depend(&[Dep::InOut(8)], |_| log.lock().unwrap().push(3));
                });
                assert_eq!(*log.lock().unwrap(), [1, 2, 3], "team {n}");
            })
        });
    }
}

#[test]
fn team_constructs_inside_a_task_panic_instead_of_deadlocking() {
    let barrier = |t: &Team| t.barrier();
    let single = |t: &Team| t.single(|| {});
    for (construct, expected) in [
        (
            &barrier as &(dyn Fn(&Team) + Sync),
            "a barrier inside a task",
        ),
        (&single, "a worksharing construct inside a task"),
    ] {
        for n in SIZES {
            let pool = Pool::builder().threads(n).build().unwrap();
            let result = catch_unwind(AssertUnwindSafe(|| {
                pool.parallel(|t| {
                    t.taskgroup(|s| {
                        s.spawn(|_| parfor::with_team(|team| construct(team.unwrap())));
                    });
                })
            }));
            let payload = result.expect_err("the construct in a task panicked");
            let message = payload.downcast_ref::<&str>().copied().unwrap_or_default();
            assert!(message.starts_with(expected), "{message}");
            pool.parallel(|t| t.single(|| {}));
        }
    }
}

/// A chain of tasks, each spawning the next and waiting for it.
fn chain(s: &Scope<'_>, depth: usize, reached: &AtomicUsize) {
    reached.fetch_add(1, Relaxed);
    if depth == 0 {
        return;
    }
    s.taskgroup(|g| g.spawn(|g| chain(g, depth - 1, reached)));
}

#[test]
fn a_deep_chain_of_tasks_waiting_for_their_children_completes() {
    const DEPTH: usize = 1000;
    for n in SIZES {
        let reached = AtomicUsize::new(0);
        on_team(n, |t| {
            t.taskgroup(|s| t.single(|| chain(s, DEPTH, &reached)))
        });
        assert_eq!(reached.into_inner(), DEPTH + 1, "team {n}");
    }
}
