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
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering::Relaxed};

/// What a task carries in its data environment.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TaskEnv {
    /// Nonzero, below 2^31 (it is stored in a futex word beside a flag bit).
    id: u32,
    /// `nthreads-var` when set in this task (or inherited), else the pool's setting.
    nthreads: Option<usize>,
    /// The team of the `teams` league this task runs in, and the league's size (0 of 1 outside).
    team_num: u32,
    num_teams: u32,
    /// The contention group of a `teams` or `target` `thread_limit` (null: the pool's limit).
    group: *const Group,
    /// The ICVs of a target region's data environment; `None`: the process's (parfor's own).
    icvs: Option<Icvs>,
}

// SAFETY: the only pointer, `group`, points to a `Group` (atomics and a constant) that outlives
// every task carrying it (see `reserve`); the team threads of a region read it concurrently.
unsafe impl Send for TaskEnv {}
// SAFETY: as above.
unsafe impl Sync for TaskEnv {}

/// The ICVs a target region gets fresh and keeps to itself (the host's stay as they were).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Icvs {
    pub dynamic: bool,
    pub max_active_levels: usize,
    pub schedule: parfor::Schedule,
}

impl Icvs {
    /// The values the environment gave at start.
    fn initial() -> Icvs {
        let s = parfor::settings();
        Icvs {
            dynamic: s.dynamic.value,
            max_active_levels: s.max_active_levels.value,
            schedule: s.schedule.value,
        }
    }
}

/// A contention group with a thread limit: the threads its regions hold at the moment.
///
/// ```text
/// teams thread_limit(6): parallel num_threads(5) { parallel num_threads(5) ... }
/// -> 5 threads, then the inner teams share the one thread left
/// ```
pub(crate) struct Group {
    limit: usize,
    in_use: AtomicUsize,
}

impl Group {
    /// A group of one thread (the one that creates it) allowed `limit` threads.
    pub fn new(limit: usize) -> Group {
        Group {
            limit: limit.max(1),
            in_use: AtomicUsize::new(1),
        }
    }
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
                team_num: 0,
                num_teams: 1,
                group: std::ptr::null(),
                icvs: None,
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

/// Enters a new task whose ICVs and league position are `parent`'s; returns the task to give
/// back to [`leave`].
pub(crate) fn enter(parent: TaskEnv) -> Option<TaskEnv> {
    let env = TaskEnv {
        id: fresh_id(),
        ..parent
    };
    CURRENT.with(|c| c.replace(Some(env)))
}

/// Makes this (fresh) thread the initial task of a target region: the ICVs the environment
/// gave, no league, and the contention group `group` if any.
pub(crate) fn start_target(group: Option<&Group>) {
    let env = TaskEnv {
        icvs: Some(Icvs::initial()),
        group: group.map_or(std::ptr::null(), |g| g as *const Group),
        ..current()
    };
    CURRENT.with(|c| c.set(Some(env)))
}

/// This task's target-region ICVs, `None` outside target regions.
pub(crate) fn icvs() -> Option<Icvs> {
    current().icvs
}

/// Changes this task's target-region ICVs; false outside target regions (the caller then sets
/// the process's).
pub(crate) fn update_icvs(change: impl FnOnce(&mut Icvs)) -> bool {
    let mut env = current();
    let Some(icvs) = env.icvs.as_mut() else {
        return false;
    };
    change(icvs);
    CURRENT.with(|c| c.set(Some(env)));
    true
}

/// Enters a task of contention group `group` (a `teams` `thread_limit`); [`leave`] before the
/// group goes away.
pub(crate) fn enter_group(group: &Group) -> Option<TaskEnv> {
    enter(TaskEnv { group, ..current() })
}

/// Reserves threads for a region of `wanted` threads in this task's contention group: how many
/// it may have (the encountering thread included); [`release`] gives the extra ones back.
pub(crate) fn reserve(wanted: usize) -> usize {
    let env = current();
    // SAFETY: a non-null group lives on the stack of the `in_group` call that is still running
    // around every task that carries it.
    let Some(group) = (unsafe { env.group.as_ref() }) else {
        return wanted;
    };
    let mut in_use = group.in_use.load(Relaxed);
    loop {
        let extra = wanted
            .saturating_sub(1)
            .min(group.limit.saturating_sub(in_use));
        match group
            .in_use
            .compare_exchange_weak(in_use, in_use + extra, Relaxed, Relaxed)
        {
            Ok(_) => return extra + 1,
            Err(seen) => in_use = seen,
        }
    }
}

/// Gives back the threads of a region of `size` from [`reserve`].
pub(crate) fn release(size: usize) {
    let env = current();
    // SAFETY: as in `reserve`.
    if let Some(group) = unsafe { env.group.as_ref() } {
        group.in_use.fetch_sub(size.saturating_sub(1), Relaxed);
    }
}

/// The team of the league this task runs in, and the league's size.
pub(crate) fn league() -> (u32, u32) {
    let env = current();
    (env.team_num, env.num_teams)
}

/// Places this task in team `team_num` of a league of `num_teams`.
pub(crate) fn set_league(team_num: u32, num_teams: u32) {
    let env = TaskEnv {
        team_num,
        num_teams,
        ..current()
    };
    CURRENT.with(|c| c.set(Some(env)))
}

/// Returns to the task this thread ran before [`enter`].
pub(crate) fn leave(outer: Option<TaskEnv>) {
    CURRENT.with(|c| c.set(outer))
}

/// This task's `thread-limit-var`: its contention group's, `None` when it is the pool's.
pub(crate) fn thread_limit() -> Option<usize> {
    // SAFETY: as in `reserve`.
    unsafe { current().group.as_ref() }.map(|g| g.limit)
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
