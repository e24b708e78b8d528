//! The data environment of the task a thread runs: its identity (OpenMP 3.0 locks are owned by
//! tasks, not threads) and its own `nthreads-var` (`omp_set_num_threads` inside a region or a
//! task changes it for that task and its descendants only, and each application thread is an
//! initial task with its own).
//!
//! A thread enters a new task when it starts its share of a region (the implicit task, which
//! inherits the encountering task's `nthreads-var`) or runs an undeferred explicit task, and
//! gets the outer one back when it leaves.
//!
//! ```text
//! omp_set_num_threads(4);              // initial task: 4 (and parfor's global setting)
//! #pragma omp parallel num_threads(2)
//! { omp_set_num_threads(3); }          // each implicit task: 3, for its own nested regions
//! omp_get_max_threads() == 4
//! ```

use std::cell::Cell;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

/// What a task carries in its data environment.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TaskEnv {
    /// Nonzero, below 2^31 (it is stored in a futex word beside a flag bit).
    id: u32,
    /// `nthreads-var` when set in this task (or inherited), else the pool's setting.
    nthreads: Option<usize>,
}

static NEXT_ID: AtomicU32 = AtomicU32::new(1);

/// A fresh task identity.
fn fresh_id() -> u32 {
    loop {
        let id = NEXT_ID.fetch_add(1, Relaxed) & 0x7fff_ffff;
        if id != 0 {
            return id;
        }
    }
}

thread_local! {
    static CURRENT: Cell<Option<TaskEnv>> = const { Cell::new(None) };
}

/// This thread's task (an initial task the first time a thread asks).
pub(crate) fn current() -> TaskEnv {
    CURRENT.with(|c| {
        c.get().unwrap_or_else(|| {
            let env = TaskEnv {
                id: fresh_id(),
                nthreads: None,
            };
            c.set(Some(env));
            env
        })
    })
}

/// The identity of the task this thread runs, as locks record their owner.
pub(crate) fn task_id() -> u32 {
    current().id
}

/// Enters a new task whose `nthreads-var` is `parent`'s; returns the task to give back to
/// [`leave`].
pub(crate) fn enter(parent: TaskEnv) -> Option<TaskEnv> {
    let env = TaskEnv {
        id: fresh_id(),
        nthreads: parent.nthreads,
    };
    CURRENT.with(|c| c.replace(Some(env)))
}

/// Returns to the task this thread ran before [`enter`].
pub(crate) fn leave(outer: Option<TaskEnv>) {
    CURRENT.with(|c| c.set(outer))
}

/// This task's `nthreads-var`, `None` when it follows the pool's setting.
pub(crate) fn nthreads() -> Option<usize> {
    current().nthreads
}

/// Sets this task's `nthreads-var`.
pub(crate) fn set_nthreads(n: usize) {
    let env = TaskEnv {
        nthreads: Some(n),
        ..current()
    };
    CURRENT.with(|c| c.set(Some(env)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_get_their_own_identity_and_inherit_nthreads() {
        set_nthreads(5);
        let outer_id = task_id();
        let saved = enter(current());
        assert_ne!(task_id(), outer_id);
        assert_eq!(nthreads(), Some(5));
        set_nthreads(2);
        leave(saved);
        assert_eq!((task_id(), nthreads()), (outer_id, Some(5)));
    }
}
