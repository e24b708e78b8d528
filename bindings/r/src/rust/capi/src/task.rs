//! Tasks from C: `parfor_task` spawns a function as a task of the calling thread's current task,
//! which any thread of the team may run; `parfor_taskwait` waits for the current task's children,
//! `parfor_taskgroup_begin` / `parfor_taskgroup_end` for every task spawned between them and their
//! descendants; `parfor_taskyield` lets the thread run a queued task.
//!
//! Every task finishes by the next barrier of its team or the end of its region; threads waiting
//! there (and in `parfor_taskwait` / `parfor_taskgroup_end`) run queued tasks meanwhile. Outside a
//! region a task runs at once. Inside a region that is stopping (`parfor_cancel`, a failure on
//! another thread), tasks not yet started are dropped and the waits return `PARFOR_ERR_CANCELLED`.

use crate::loops::Context;
use crate::region::parfor_fn;
use crate::status::{guard, Failure, Outcome, PARFOR_ERR_CANCELLED};
use parfor::{Cancelled, TaskOptions};
use std::ffi::{c_int, c_void};

/// Flag of `parfor_task`: run the task at once on the calling thread (OpenMP's `if(0)`).
pub const PARFOR_TASK_UNDEFERRED: i32 = 1;
/// Flag of `parfor_task`: the task and every task spawned inside it run at once (`final`).
pub const PARFOR_TASK_FINAL: i32 = 2;

/// The failure of a wait in a region that is stopping.
fn stopped(_: Cancelled) -> Failure {
    Failure {
        status: PARFOR_ERR_CANCELLED,
        message: "the region was stopped (parfor_cancel or a failure on another thread)".into(),
    }
}

/// The options of `flags`, or why they are invalid.
fn options(flags: i32) -> Outcome<TaskOptions> {
    if flags & !(PARFOR_TASK_UNDEFERRED | PARFOR_TASK_FINAL) != 0 {
        return Err(Failure::invalid(format!(
            "flags has unknown bits: {flags:#x}"
        )));
    }
    Ok(TaskOptions {
        deferred: flags & PARFOR_TASK_UNDEFERRED == 0,
        final_: flags & PARFOR_TASK_FINAL != 0,
    })
}

/// Spawns `body(ctx)` as a task: some thread of the team runs it once, by the next barrier or the
/// end of the region (at once outside a region, or with `PARFOR_TASK_UNDEFERRED`). `flags` is 0
/// or a combination of `PARFOR_TASK_UNDEFERRED` and `PARFOR_TASK_FINAL`.
///
/// ```c
/// static void visit(void *node) { ...; parfor_task(visit, child, 0); }
/// parfor_task(visit, root, 0); parfor_taskwait();
/// ```
///
/// # Safety
/// `body`, if not null, must be callable with `ctx` on any thread of the team, and `ctx` must stay
/// valid until the task has run (wait for it with `parfor_taskwait` or a taskgroup when it
/// points to the caller's stack).
#[no_mangle]
pub unsafe extern "C" fn parfor_task(body: parfor_fn, ctx: *mut c_void, flags: i32) -> c_int {
    guard(|| {
        let f = body.ok_or_else(|| Failure::null("body"))?;
        let options = options(flags)?;
        let ctx = Context(ctx);
        parfor::task(options, move || {
            let ctx = ctx;
            // SAFETY: the caller vouches for `body` and `ctx` (see the function's contract).
            unsafe { f(ctx.0) }
        });
        Ok(())
    })
}

/// Waits until the tasks the current task spawned have finished, running queued tasks meanwhile
/// (`PARFOR_ERR_CANCELLED` if the region is stopping). Outside a region returns at once.
///
/// ```c
/// parfor_task(left, &a, 0); parfor_task(right, &b, 0); parfor_taskwait(); use(a, b);
/// ```
#[no_mangle]
pub extern "C" fn parfor_taskwait() -> c_int {
    guard(|| parfor::taskwait().map_err(stopped))
}

/// Opens a taskgroup in the current task: `parfor_taskgroup_end` waits for every task spawned
/// until then and their descendants. A group left open is ended when its task ends.
///
/// ```c
/// parfor_taskgroup_begin(); parfor_task(walk, tree, 0); parfor_taskgroup_end();
/// ```
#[no_mangle]
pub extern "C" fn parfor_taskgroup_begin() -> c_int {
    guard(|| {
        parfor::taskgroup_begin();
        Ok(())
    })
}

/// Ends the innermost taskgroup the current task opened, once its tasks and their descendants
/// have finished. `PARFOR_ERR_INVALID` when the current task has no open group (inside a region),
/// `PARFOR_ERR_CANCELLED` if the region is stopping. Outside a region returns at once.
///
/// ```c
/// parfor_taskgroup_begin(); spawn_all(); if (parfor_taskgroup_end() != PARFOR_OK) abort();
/// ```
#[no_mangle]
pub extern "C" fn parfor_taskgroup_end() -> c_int {
    guard(|| match parfor::taskgroup_end().map_err(stopped)? {
        false if parfor::in_parallel() => Err(Failure::invalid(
            "no taskgroup opened by parfor_taskgroup_begin is open in this task",
        )),
        _ => Ok(()),
    })
}

/// Lets the calling thread run a queued task of its team before it continues.
///
/// ```c
/// while (!ready) parfor_taskyield();
/// ```
#[no_mangle]
pub extern "C" fn parfor_taskyield() -> c_int {
    guard(|| {
        parfor::taskyield();
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::{PARFOR_ERR_INVALID, PARFOR_ERR_NULL, PARFOR_OK};
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

    unsafe extern "C" fn count(ctx: *mut c_void) {
        // SAFETY: the tests pass a live AtomicUsize.
        unsafe { &*ctx.cast::<AtomicUsize>() }.fetch_add(1, Relaxed);
    }

    #[test]
    fn bad_arguments_are_refused() {
        // SAFETY: a null fn is refused before anything runs.
        assert_eq!(
            unsafe { parfor_task(None, std::ptr::null_mut(), 0) },
            PARFOR_ERR_NULL
        );
        let n = AtomicUsize::new(0);
        let ctx = (&n as *const AtomicUsize).cast_mut().cast();
        // SAFETY: `count` with a live counter.
        assert_eq!(
            unsafe { parfor_task(Some(count), ctx, 4) },
            PARFOR_ERR_INVALID
        );
        assert_eq!(n.load(Relaxed), 0);
        parfor::parallel(|_| assert_eq!(parfor_taskgroup_end(), PARFOR_ERR_INVALID));
    }

    #[test]
    fn tasks_run_by_the_waits_and_outside_regions() {
        let n = AtomicUsize::new(0);
        let counter = || (&n as *const AtomicUsize).cast_mut().cast::<c_void>();
        // SAFETY: `count` with a counter that outlives every task (waited for below).
        assert_eq!(unsafe { parfor_task(Some(count), counter(), 0) }, PARFOR_OK);
        assert_eq!(n.load(Relaxed), 1, "outside a region: at once");
        parfor::parallel(|_| {
            let ctx = counter();
            assert_eq!(parfor_taskgroup_begin(), PARFOR_OK);
            for _ in 0..10 {
                // SAFETY: as above.
                assert_eq!(unsafe { parfor_task(Some(count), ctx, 0) }, PARFOR_OK);
            }
            assert_eq!(parfor_taskgroup_end(), PARFOR_OK);
            let flags = PARFOR_TASK_UNDEFERRED | PARFOR_TASK_FINAL;
            // SAFETY: as above.
            assert_eq!(unsafe { parfor_task(Some(count), ctx, flags) }, PARFOR_OK);
            assert_eq!(parfor_taskyield(), PARFOR_OK);
            assert_eq!(parfor_taskwait(), PARFOR_OK);
        });
        assert_eq!(n.load(Relaxed), 1 + 11 * parfor::max_threads());
    }
}
