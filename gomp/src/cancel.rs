//! Cancellation (`#pragma omp cancel` and `cancellation point`), honouring `OMP_CANCELLATION`.
//!
//! gcc calls `GOMP_cancel(which, do_cancel)` for `cancel` (`do_cancel` is the `if` clause: false
//! makes it a cancellation point) and `GOMP_cancellation_point(which)`; a true result makes the
//! thread jump to the end of the cancelled construct. The barriers of a region that may be
//! cancelled are `GOMP_barrier_cancel`, `GOMP_loop_end_cancel` and `GOMP_sections_end_cancel`,
//! true when the region was cancelled (the thread then jumps to the end of the region).
//!
//! - `parallel`: stops the team (`parfor::Team::stop`): its barriers release every waiting
//!   thread, loops deal no further chunk, tasks not yet started are dropped. Only the innermost
//!   team is affected; the region returns normally and the next one starts clean.
//! - `for` and `sections`: a cancel flag of the region (in its shared state, see
//!   [`crate::region`]) records the barrier interval it was set in (`Team::barrier_interval`):
//!   threads in that interval see the construct cancelled (no further chunk or section, and
//!   cancellation points true); the construct's closing barrier ends the interval, so the next
//!   construct is not affected, as libgomp's team-wide flag cleared by its barriers.
//! - `taskgroup`: each taskgroup has a flag, inherited by the tasks created in it; tasks of a
//!   cancelled taskgroup that have not started are discarded, and cancellation points in its tasks
//!   are true (as they are once the region is cancelled).
//!
//! With cancellation off (the default) `cancel` and `cancellation point` are false and do
//! nothing; the `_cancel` barriers still report a region stopped by `parfor_cancel()`.
//!
//! ```c
//! #pragma omp for                           // in the loop body:
//! for (i = 0; i < n; i++)                   // if (GOMP_cancel(2, found(i))) goto end;
//!   { if (found(i)) { #pragma omp cancel for } }
//! ```

use crate::region;
use parfor::Team;
use std::cell::RefCell;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::*};
use std::sync::Arc;

/// `which` of gcc's cancel calls (libgomp's `enum gomp_cancel_kind`).
const PARALLEL: c_int = 1;
const LOOP: c_int = 2;
const SECTIONS: c_int = 4;
const TASKGROUP: c_int = 8;

/// A region's cancel flag for its `for` and `sections` constructs: 0, or 1 + the barrier interval
/// in which one was cancelled.
#[derive(Default)]
pub(crate) struct WorkshareCancel {
    at: AtomicU64,
}

impl WorkshareCancel {
    /// Cancels the construct `team`'s threads run in this barrier interval.
    fn cancel(&self, team: &Team) {
        self.at.fetch_max(team.barrier_interval() + 1, Release);
    }

    /// Whether the construct this thread runs was cancelled.
    fn cancelled(&self, team: &Team) -> bool {
        let at = self.at.load(Acquire);
        at != 0 && at == team.barrier_interval() + 1
    }
}

/// Runs `f` with the team of more than one thread this thread runs in and its region's flag.
fn with_workshare<R>(alone: R, f: impl FnOnce(&Team, &WorkshareCancel) -> R) -> R {
    parfor::with_team(|team| match team {
        // A team of one has no barrier to end an interval: its one thread leaves the construct
        // by the cancel's own jump, and nobody else is there to see the flag.
        Some(team) if team.num_threads() > 1 => {
            region::with_workshare_cancel(|flag| flag.map_or(alone, |flag| f(team, flag)))
        }
        _ => alone,
    })
}

/// Whether this thread's `for` or `sections` construct was cancelled: its `_next` calls then
/// deal nothing.
pub(crate) fn workshare_cancelled() -> bool {
    crate::icv::cancellation() && with_workshare(false, |team, flag| flag.cancelled(team))
}

/// A taskgroup's cancel flag; tasks created in the group carry it.
#[derive(Default)]
pub(crate) struct Taskgroup {
    cancelled: AtomicBool,
    /// The group around it in the same task.
    outer: Option<Arc<Taskgroup>>,
}

thread_local! {
    /// The innermost taskgroup of the task this thread runs.
    static GROUP: RefCell<Option<Arc<Taskgroup>>> = const { RefCell::new(None) };
}

/// The innermost taskgroup of the current task, for a task created now to carry.
pub(crate) fn current_taskgroup() -> Option<Arc<Taskgroup>> {
    GROUP.with(|g| g.borrow().clone())
}

/// Opens a taskgroup in the current task (`GOMP_taskgroup_start`, `taskloop`).
pub(crate) fn taskgroup_start() {
    GROUP.with(|g| {
        let outer = g.borrow_mut().take();
        *g.borrow_mut() = Some(Arc::new(Taskgroup {
            cancelled: AtomicBool::new(false),
            outer,
        }))
    })
}

/// Ends the innermost taskgroup of the current task.
pub(crate) fn taskgroup_end() {
    GROUP.with(|g| {
        let inner = g.borrow_mut().take();
        *g.borrow_mut() = inner.and_then(|group| group.outer.clone());
    })
}

/// Runs `body` as a task of `group`, unless the group was cancelled before it started (the
/// task is then discarded). A region's implicit tasks start with no group (`None`).
pub(crate) fn run_in_taskgroup(group: Option<Arc<Taskgroup>>, body: impl FnOnce()) {
    let discarded = group.as_ref().is_some_and(|g| g.cancelled.load(Acquire));
    let outer = swap_taskgroup(group);
    if !discarded {
        body();
    }
    swap_taskgroup(outer);
}

/// Makes `group` the current task's innermost taskgroup; the one it replaces.
pub(crate) fn swap_taskgroup(group: Option<Arc<Taskgroup>>) -> Option<Arc<Taskgroup>> {
    GROUP.with(|g| g.replace(group))
}

/// Whether the innermost taskgroup of the current task was cancelled.
fn taskgroup_cancelled() -> bool {
    GROUP.with(|g| {
        g.borrow()
            .as_ref()
            .is_some_and(|g| g.cancelled.load(Acquire))
    })
}

/// Runs `f` on this thread's team, or returns `alone` outside any region.
fn on_team<R>(alone: R, f: impl FnOnce(&Team) -> R) -> R {
    parfor::with_team(|team| team.map_or(alone, f))
}

/// `#pragma omp cancel` of the construct kind `which` (1 parallel, 2 for, 4 sections, 8
/// taskgroup): true when cancellation is on (`OMP_CANCELLATION=true`), after cancelling the
/// construct; with `do_cancel` false (an `if` clause that is false) a cancellation point.
/// With cancellation off: false, and nothing happens.
#[no_mangle]
pub extern "C" fn GOMP_cancel(which: c_int, do_cancel: bool) -> bool {
    if !crate::icv::cancellation() {
        return false;
    }
    if !do_cancel {
        return GOMP_cancellation_point(which);
    }
    if which & (LOOP | SECTIONS) != 0 {
        with_workshare((), |team, flag| flag.cancel(team));
    } else if which & TASKGROUP != 0 {
        GROUP.with(|g| {
            if let Some(group) = &*g.borrow() {
                group.cancelled.store(true, Release);
            }
        });
    } else if which & PARALLEL != 0 {
        on_team((), Team::stop);
    } else {
        return false;
    }
    true
}

/// `#pragma omp cancellation point`: true when the construct kind `which` was cancelled (for a
/// taskgroup, also when the region was), so that the thread leaves it; false with cancellation
/// off.
#[no_mangle]
pub extern "C" fn GOMP_cancellation_point(which: c_int) -> bool {
    if !crate::icv::cancellation() {
        return false;
    }
    if which & (LOOP | SECTIONS) != 0 {
        workshare_cancelled()
    } else if which & TASKGROUP != 0 && taskgroup_cancelled() {
        true
    } else {
        on_team(false, Team::is_stopped)
    }
}

/// 1 when `OMP_CANCELLATION=true` turned cancellation on, else 0.
#[no_mangle]
pub extern "C" fn omp_get_cancellation() -> c_int {
    c_int::from(crate::icv::cancellation())
}

/// The team's barrier; true when the region was cancelled (or stopped by `parfor_cancel()`):
/// the thread then leaves the region.
#[no_mangle]
pub extern "C" fn GOMP_barrier_cancel() -> bool {
    on_team(Ok(()), Team::barrier_status).is_err()
}

/// Leaves the `for` loop and waits for the team (the barrier that ends its cancellation); true
/// when the region was cancelled.
#[no_mangle]
pub extern "C" fn GOMP_loop_end_cancel() -> bool {
    crate::worksharing::end(true);
    GOMP_barrier_cancel()
}

/// Leaves the `sections` construct and waits for the team; true when the region was cancelled.
#[no_mangle]
pub extern "C" fn GOMP_sections_end_cancel() -> bool {
    GOMP_loop_end_cancel()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancelled_taskgroup_discards_its_tasks_not_the_groups_around_or_inside() {
        taskgroup_start();
        let group = current_taskgroup();
        group.as_ref().unwrap().cancelled.store(true, Relaxed);
        let mut ran = false;
        run_in_taskgroup(group.clone(), || ran = true);
        assert!(!ran, "a task of a cancelled taskgroup ran");
        assert!(taskgroup_cancelled());
        taskgroup_start();
        assert!(!taskgroup_cancelled(), "a group opened inside starts clean");
        taskgroup_end();
        assert!(taskgroup_cancelled());
        taskgroup_end();
        assert!(current_taskgroup().is_none());
        run_in_taskgroup(None, || ran = true);
        assert!(ran);
    }

    #[test]
    fn a_workshare_cancel_is_seen_by_the_team_until_the_next_barrier() {
        let flag = WorkshareCancel::default();
        parfor::region().num_threads(2).run(|t| {
            if t.num_threads() < 2 {
                return; // one thread only (a tiny machine): no barrier interval to test
            }
            if t.thread_num() == 0 {
                flag.cancel(t);
            }
            let mut polls = 0u64;
            while !flag.cancelled(t) {
                polls += 1;
                assert!(polls < 1 << 32, "the cancel was never seen");
                std::hint::spin_loop();
            }
            t.barrier();
            assert!(!flag.cancelled(t), "the cancel outlived its barrier");
        });
    }
}
