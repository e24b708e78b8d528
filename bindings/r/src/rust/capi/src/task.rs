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
use crate::status::{guard, non_null, Failure, Outcome, PARFOR_ERR_CANCELLED, PARFOR_ERR_NOMEM};
use parfor::{Cancelled, Dep, TaskOptions};
use std::ffi::{c_int, c_void};

/// Flag of `parfor_task`: run the task at once on the calling thread (OpenMP's `if(0)`).
pub const PARFOR_TASK_UNDEFERRED: i32 = 1;
/// Flag of `parfor_task`: the task and every task spawned inside it run at once (`final`).
pub const PARFOR_TASK_FINAL: i32 = 2;

/// Kind of a `parfor_depend`: the task reads the datum.
pub const PARFOR_DEP_IN: i32 = 1;
/// Kind of a `parfor_depend`: the task writes the datum.
pub const PARFOR_DEP_OUT: i32 = 2;
/// Kind of a `parfor_depend`: the task reads and writes the datum.
pub const PARFOR_DEP_INOUT: i32 = 3;

/// A dependence of `parfor_task_depend`: a kind and the datum's key (usually its address).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
#[allow(non_camel_case_types)]
pub struct parfor_depend {
    /// `PARFOR_DEP_IN`, `PARFOR_DEP_OUT` or `PARFOR_DEP_INOUT`.
    pub kind: i32,
    /// Names the datum: tasks naming the same key are ordered.
    pub key: usize,
}

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

/// The dependences of `deps[0..count]`, or why they are invalid.
///
/// # Safety
/// `deps` is null or points to `count` readable elements.
unsafe fn dependences(deps: *const parfor_depend, count: i64) -> Outcome<Vec<Dep>> {
    let count = usize::try_from(count).map_err(|_| Failure::invalid("count is negative"))?;
    if count == 0 {
        return Ok(Vec::new());
    }
    non_null(deps, "deps")?;
    // SAFETY: non-null, and the caller vouches for `count` readable elements.
    let deps = unsafe { std::slice::from_raw_parts(deps, count) };
    let mut out = Vec::new();
    out.try_reserve_exact(count).map_err(|_| Failure {
        status: PARFOR_ERR_NOMEM,
        message: format!("{count} dependences cannot be allocated").into(),
    })?;
    for (i, d) in deps.iter().enumerate() {
        out.push(match d.kind {
            PARFOR_DEP_IN => Dep::In(d.key),
            PARFOR_DEP_OUT => Dep::Out(d.key),
            PARFOR_DEP_INOUT => Dep::InOut(d.key),
            k => return Err(Failure::invalid(format!("deps[{i}].kind is unknown: {k}"))),
        });
    }
    Ok(out)
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
    // SAFETY: the caller's contract, with no dependences.
    unsafe { parfor_task_depend(body, ctx, flags, std::ptr::null(), 0) }
}

/// `parfor_task` with dependences on the sibling tasks (those spawned by the same task): the task
/// runs after the previous writer of every key in `deps[0..count]` and, for a key it writes,
/// after the readers since (OpenMP's `depend` clause). An undeferred task waits for them first.
///
/// ```c
/// parfor_depend w = {PARFOR_DEP_OUT, (uintptr_t)&x}, r = {PARFOR_DEP_IN, (uintptr_t)&x};
/// parfor_task_depend(produce, &x, 0, &w, 1); parfor_task_depend(consume, &x, 0, &r, 1);
/// ```
///
/// # Safety
/// As `parfor_task`; `deps` must be null or point to `count` readable elements (read during the
/// call only).
#[no_mangle]
pub unsafe extern "C" fn parfor_task_depend(
    body: parfor_fn,
    ctx: *mut c_void,
    flags: i32,
    deps: *const parfor_depend,
    count: i64,
) -> c_int {
    guard(|| {
        let f = body.ok_or_else(|| Failure::null("body"))?;
        let options = options(flags)?;
        // SAFETY: the caller vouches for `deps` and `count`.
        let deps = unsafe { dependences(deps, count) }?;
        let ctx = Context(ctx);
        parfor::task_depend(options, &deps, move || {
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
        let refused = unsafe { parfor_task(None, std::ptr::null_mut(), 0) };
        assert_eq!(refused, PARFOR_ERR_NULL);
        let n = AtomicUsize::new(0);
        let ctx = (&n as *const AtomicUsize).cast_mut().cast();
        // SAFETY: `count` with a live counter.
        let bad_flags = unsafe { parfor_task(Some(count), ctx, 4) };
        assert_eq!(bad_flags, PARFOR_ERR_INVALID);
        assert_eq!(n.load(Relaxed), 0);
        parfor::parallel(|_| assert_eq!(parfor_taskgroup_end(), PARFOR_ERR_INVALID));
    }

    /// What `append` adds its value to.
    struct Step<'a> {
        log: &'a std::sync::Mutex<Vec<usize>>,
        value: usize,
    }

    unsafe extern "C" fn append(ctx: *mut c_void) {
        // SAFETY: the test passes a live Step.
        let step = unsafe { &*ctx.cast::<Step>() };
        step.log.lock().unwrap().push(step.value);
    }

    #[test]
    fn dependences_order_tasks_and_bad_ones_are_refused() {
        let log = std::sync::Mutex::new(vec![]);
        let steps: Vec<Step> = (0..3).map(|value| Step { log: &log, value }).collect();
        let addresses: Vec<usize> = steps.iter().map(|s| s as *const Step as usize).collect();
        parfor::parallel(|t| {
            t.masked(|| {
                let kinds = [PARFOR_DEP_OUT, PARFOR_DEP_IN, PARFOR_DEP_INOUT];
                for (kind, address) in kinds.into_iter().zip(&addresses) {
                    let dep = parfor_depend { kind, key: 1 };
                    let ctx = *address as *mut c_void;
                    // SAFETY: `append` with a Step that outlives the task (waited for below).
                    let status = unsafe { parfor_task_depend(Some(append), ctx, 0, &dep, 1) };
                    assert_eq!(status, PARFOR_OK);
                }
                assert_eq!(parfor_taskwait(), PARFOR_OK);
                let ctx = addresses[0] as *mut c_void;
                let bad = parfor_depend { kind: 9, key: 1 };
                // SAFETY: every call below is refused before anything runs.
                unsafe {
                    assert_eq!(
                        parfor_task_depend(Some(append), ctx, 0, &bad, 1),
                        PARFOR_ERR_INVALID
                    );
                    let null = std::ptr::null();
                    assert_eq!(
                        parfor_task_depend(Some(append), ctx, 0, null, 1),
                        PARFOR_ERR_NULL
                    );
                    assert_eq!(
                        parfor_task_depend(Some(append), ctx, 0, &bad, -1),
                        PARFOR_ERR_INVALID
                    );
                }
            })
        });
        assert_eq!(*log.lock().unwrap(), [0, 1, 2]);
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
