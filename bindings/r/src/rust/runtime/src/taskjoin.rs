//! [`Scope::join`]: run two closures, one of them as a task another thread may take, as
//! `rayon::join` does inside a region. The join waits for its task itself, so the task needs no
//! allocation, no taskgroup and no counting.
//!
//! The task for `a` lives in a cell on the joining thread's stack and is queued on that
//! thread's deque like any task (idle threads steal it). Its head is counted nowhere: not as a
//! child of the calling task, not in its taskgroup, not in the team's task counts, because the
//! join returns only once it has run, and a barrier cannot complete while a thread of the team
//! is inside a join. After `b`, the joining thread pops its deque: if it gets the task back, it
//! runs `a` itself, with no task context of its own (as part of the calling task); if the deque
//! is empty, another thread has the task, and the joiner runs other tasks until the task has put
//! its result, the last thing it does with the cell (it checks that result before each task it
//! pops, so that a finished join does not wait for older tasks of its thread). The first region task that joins wakes the
//! threads asleep in a barrier, as a first spawn does.

use crate::sync::HandOff;
use crate::task::{queue_task, run, run_body, wait_until, Header, Scope, Task, TaskHead};
use std::cell::UnsafeCell;
use std::mem::ManuallyDrop;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::ptr::NonNull;
use std::thread;

/// The task of a join, on the joining thread's stack: its header, its body until it runs, and
/// its result once it has run (`None` if it was dropped unrun: the region stopped).
#[repr(C)]
struct JoinCell<A, RA> {
    /// Its head is moved out by the task's call, so the cell never drops it.
    header: ManuallyDrop<Header>,
    body: UnsafeCell<Option<A>>,
    result: HandOff<thread::Result<RA>>,
}

impl<'s> Scope<'s> {
    /// Runs `a` and `b`, possibly at the same time, and returns both results: `b` on this
    /// thread, `a` either here after `b` or, if an idle thread of the team takes it meanwhile,
    /// on that thread (as a task of its own). Both may borrow from the caller's frame; tasks
    /// they spawn belong to this scope's taskgroup. A panic in either resumes here, after both
    /// have finished. Inside `a`, `taskwait` waits for the tasks `a` spawned (and, when `a` runs
    /// here, for this task's other children too).
    ///
    /// ```
    /// fn fib(s: &parfor::Scope<'_>, n: u64) -> u64 {
    ///     if n < 15 { return (1..=n).fold((0, 1), |(a, b), _| (b, a + b)).0 }
    ///     let (x, y) = s.join(|s| fib(s, n - 1), |s| fib(s, n - 2));
    ///     x + y
    /// }
    /// let result = std::sync::Mutex::new(0);
    /// parfor::parallel(|t| t.taskgroup(|s| t.single(|| *result.lock().unwrap() = fib(s, 25))));
    /// assert_eq!(result.into_inner().unwrap(), 75025);
    /// ```
    pub fn join<A, B, RA, RB>(&self, a: A, b: B) -> (RA, RB)
    where
        A: FnOnce(&Scope<'s>) -> RA + Send,
        B: FnOnce(&Scope<'s>) -> RB,
        RA: Send,
    {
        let ctx = self.ctx();
        let team = ctx.team();
        let Some(head) = ctx.join_head() else {
            let ra = catch_unwind(AssertUnwindSafe(|| a(self)));
            let rb = catch_unwind(AssertUnwindSafe(|| b(self)));
            return finish(Some(ra), rb, self);
        };
        let cell = JoinCell {
            header: ManuallyDrop::new(Header::new(call_joined::<A, RA>, head)),
            body: UnsafeCell::new(Some(a)),
            result: HandOff::new(),
        };
        let job: NonNull<Header> = NonNull::from(&cell).cast();
        // SAFETY: `call_joined` was made for this cell's types; the cell stays on this frame,
        // unmoved, until the task is taken back below or has put its result (the wait below
        // runs even if `b` panics), and the task's call is its last user.
        queue_task(unsafe { Task::from_header(job) }, team);
        let rb = catch_unwind(AssertUnwindSafe(|| b(self)));
        let ra = loop {
            if cell.result.is_done() {
                // Taken and finished by another thread while this one ran other tasks.
                // SAFETY: done (the task's last use of the cell), and only this thread takes.
                break unsafe { cell.result.take() };
            }
            // SAFETY: `team` is this thread's handle in the region running on its state.
            match unsafe { team.state().tasks.pop_own(team.thread_num()) } {
                // Nobody took it: run `a` here, as part of this task.
                Some(task) if task.header() == job => {
                    task.forget();
                    // SAFETY: taken back uncalled: the head and body are still in the cell
                    // (the head holds nothing to release: a join's task is counted nowhere).
                    let (head, body) =
                        unsafe { (Header::take_head(job), (*cell.body.get()).take()) };
                    drop(head);
                    let a = body.expect("a join's task runs once");
                    if team.is_stopped() {
                        drop(a);
                        break None;
                    }
                    break Some(catch_unwind(AssertUnwindSafe(|| a(self))));
                }
                // Another task of this thread: left queued by `b` (the job is below it), or
                // older than the job when another thread took the job. Run it, then look again.
                Some(task) => run(task, team),
                // Another thread took it: help with other tasks until it is done.
                None => {
                    wait_until(team, || cell.result.is_done());
                    // SAFETY: done (the task's last use of the cell), and only this thread takes.
                    break unsafe { cell.result.take() };
                }
            }
        };
        finish(ra, rb, self)
    }
}

/// Both results, or the first panic resumed, or (when `a` was dropped unrun because the region
/// stopped) the unwinding out of the stopped region.
fn finish<RA, RB>(
    ra: Option<thread::Result<RA>>,
    rb: thread::Result<RB>,
    scope: &Scope<'_>,
) -> (RA, RB) {
    match (ra, rb) {
        (Some(Ok(ra)), Ok(rb)) => (ra, rb),
        (Some(Err(payload)), _) | (_, Err(payload)) => resume_unwind(payload),
        (None, Ok(_)) => scope.ctx().team().barrier_unwinds(),
    }
}

/// The call of a join's task (a [`crate::task::CallFn`]): moves the head out, runs the body with
/// `scope` (drops it when `None`) and puts the result.
///
/// # Safety
/// `header` starts a live `JoinCell<A, RA>` whose task has not been called yet.
unsafe fn call_joined<'s, A: FnOnce(&Scope<'s>) -> RA + Send, RA: Send>(
    header: NonNull<Header>,
    scope: Option<&Scope<'static>>,
) -> (TaskHead, thread::Result<()>) {
    // SAFETY: the caller's obligation: the cell is live and this is its only call.
    let cell = unsafe { header.cast::<JoinCell<A, RA>>().as_ref() };
    // SAFETY: the head is moved out once, here; the cell never drops it (`ManuallyDrop`).
    let head = unsafe { Header::take_head(header) };
    // SAFETY: only this call touches the body and the result before `done` is set.
    let body = unsafe { (*cell.body.get()).take() };
    let mut value = None;
    let ran = run_body(|s: &Scope<'s>| value = body.map(|a| a(s)), scope);
    let result = match (ran, value) {
        (Ok(()), Some(v)) => Some(Ok(v)),
        (Err(payload), _) => Some(Err(payload)),
        (Ok(()), None) => None,
    };
    // SAFETY: the cell is live until the result is put, which happens once, here.
    unsafe { HandOff::put(&cell.result, result) };
    // The cell may be gone from here on: only the moved-out head is used.
    (head, Ok(()))
}

#[cfg(all(test, not(loom)))]
mod tests {
    use std::collections::HashSet;
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    use std::sync::Mutex;

    fn fib(s: &crate::Scope<'_>, n: u64, threads: &Mutex<HashSet<std::thread::ThreadId>>) -> u64 {
        if n < 2 {
            threads.lock().unwrap().insert(std::thread::current().id());
            return n;
        }
        let (x, y) = s.join(|s| fib(s, n - 1, threads), |s| fib(s, n - 2, threads));
        x + y
    }

    #[test]
    fn join_computes_fib_in_teams_of_every_size() {
        for size in [1, 2, 3, 8] {
            let threads = Mutex::new(HashSet::new());
            let result = Mutex::new(0);
            crate::region().num_threads(size).run(|t| {
                t.taskgroup(|s| t.single(|| *result.lock().unwrap() = fib(s, 22, &threads)))
            });
            assert_eq!(result.into_inner().unwrap(), 17711, "team of {size}");
        }
    }

    /// Calls of `count` for fib(n) in joins: each call once, whoever runs it.
    fn counted_fib(s: &crate::Scope<'_>, n: u64, calls: &AtomicUsize) -> u64 {
        calls.fetch_add(1, Relaxed);
        if n < 2 {
            return n;
        }
        let (x, y) = s.join(
            |s| counted_fib(s, n - 1, calls),
            |s| counted_fib(s, n - 2, calls),
        );
        x + y
    }

    #[test]
    fn every_joined_side_runs_exactly_once() {
        // fib(20) makes 2 * fib(21) - 1 = 21891 calls when each runs once.
        for size in [2, 3, 8] {
            for _ in 0..20 {
                let calls = AtomicUsize::new(0);
                crate::region().num_threads(size).run(|t| {
                    t.taskgroup(|s| t.single(|| assert_eq!(counted_fib(s, 20, &calls), 6765)))
                });
                assert_eq!(calls.into_inner(), 21891, "team of {size}");
            }
        }
    }

    #[test]
    fn joined_tasks_are_taken_by_other_threads() {
        // One run may find the other thread busy elsewhere; 50 runs of fib(22) that never
        // share the work mean stealing joined tasks does not work.
        let shared = (0..50).any(|_| {
            let threads = Mutex::new(HashSet::new());
            crate::region()
                .num_threads(2)
                .run(|t| t.taskgroup(|s| t.single(|| assert_eq!(fib(s, 22, &threads), 17711))));
            let distinct = threads.into_inner().unwrap().len();
            distinct >= 2
        });
        assert!(shared, "no run had leaves computed on two OS threads");
    }

    #[test]
    fn join_borrows_the_callers_frame_and_spawns_into_its_group() {
        let spawned = AtomicUsize::new(0);
        crate::parallel(|t| {
            t.taskgroup(|s| {
                t.single(|| {
                    let mut left = vec![0u32; 100];
                    let mut right = vec![0u32; 100];
                    s.join(
                        |s| {
                            left.iter_mut().for_each(|v| *v = 1);
                            s.spawn(|_| {
                                spawned.fetch_add(1, Relaxed);
                            });
                        },
                        |_| right.iter_mut().for_each(|v| *v = 2),
                    );
                    assert_eq!(left.iter().sum::<u32>(), 100);
                    assert_eq!(right.iter().sum::<u32>(), 200);
                })
            })
        });
        assert_eq!(
            spawned.into_inner(),
            1,
            "the task spawned in `a` ran by the group's end"
        );
    }

    #[test]
    fn a_region_stopped_elsewhere_unwinds_out_of_joins() {
        let threads = Mutex::new(HashSet::new());
        let rounds = AtomicUsize::new(0);
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            crate::region().num_threads(2).run(|t| {
                if t.thread_num() == 1 {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    panic!("elsewhere");
                }
                t.taskgroup(|s| {
                    for _ in 0..100_000 {
                        fib(s, 18, &threads);
                        rounds.fetch_add(1, Relaxed);
                    }
                })
            })
        }));
        let payload = caught.expect_err("the panic reaches the region's caller");
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"elsewhere"));
        assert!(
            rounds.into_inner() < 100_000,
            "the joins went on in a stopped region"
        );
    }

    #[test]
    fn a_panic_in_either_side_resumes_after_both_finished() {
        for left_panics in [true, false] {
            let other_ran = AtomicUsize::new(0);
            let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                crate::region().num_threads(2).run(|t| {
                    t.taskgroup(|s| {
                        t.single(|| {
                            s.join(
                                |_| {
                                    if left_panics {
                                        panic!("left")
                                    }
                                    other_ran.fetch_add(1, Relaxed);
                                },
                                |_| {
                                    if !left_panics {
                                        panic!("right")
                                    }
                                    other_ran.fetch_add(1, Relaxed);
                                },
                            );
                        })
                    })
                })
            }));
            assert!(caught.is_err());
            assert_eq!(other_ran.into_inner(), 1, "the side that did not panic ran");
        }
        // The pool is still usable.
        let x = Mutex::new((0, 0));
        crate::parallel(|t| {
            t.taskgroup(|s| t.single(|| *x.lock().unwrap() = s.join(|_| 1, |_| 2)))
        });
        assert_eq!(x.into_inner().unwrap(), (1, 2));
    }
}
