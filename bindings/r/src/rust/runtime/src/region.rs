//! What a worker is told to run: one loop, described by a value small enough to travel on the
//! dispatch's start line with the signal itself.
//!
//! A woken worker first needs to know what to run. If that were a pointer to a closure on the
//! caller's stack, which points to another closure, which points to the loop state, each of those
//! lines would be one more transfer from the caller's core, one after another. So the caller
//! copies the loop's plan, its length and a pointer to its chunk body into the start line (one
//! transfer for all of them), and the loop's shared state (the dynamic counter and the cancel
//! flag) and its first panic live in the pool's registry, at addresses a worker knows before it
//! wakes. Regions of a pool are serialised, so one of each per pool is enough; a loop that runs on
//! the caller alone (nested, short, or a team of one) uses its own on the stack.

use crate::schedule::{for_each_chunk, LoopState, Plan};
use crate::team::{self, PanicSlot};

/// The body of a loop: `chunk(thread, lo, hi)` runs offsets `lo..hi` on thread `thread`.
pub(crate) type ChunkBody<'a> = dyn Fn(usize, u64, u64) + Sync + 'a;

/// One loop as a region's job: plan, length and chunk body, copied into the start line.
#[derive(Clone, Copy)]
pub(crate) struct LoopJob {
    plan: Plan,
    len: u64,
    /// The caller's chunk body, its lifetime erased: see [`LoopJob::new`].
    chunk: *const ChunkBody<'static>,
}

// SAFETY: `chunk` points to a `Sync` closure (shared by reference across the team), and the
// pool's protocol keeps it alive while any thread can use the job (see `LoopJob::new`).
unsafe impl Send for LoopJob {}
// SAFETY: as above.
unsafe impl Sync for LoopJob {}

// The dispatch puts a u64 signal beside the job: both must fit one 64-byte cache line.
const _: () = assert!(std::mem::size_of::<LoopJob>() + 8 <= 64);

fn no_chunk(_: usize, _: u64, _: u64) {}

impl Default for LoopJob {
    /// A job of no iterations, the start line's content before the first region.
    fn default() -> LoopJob {
        LoopJob {
            plan: Plan::Blocks,
            len: 0,
            chunk: &no_chunk as &ChunkBody<'static>,
        }
    }
}

impl LoopJob {
    /// The job of running `chunk` over `0..len` as `plan` deals it.
    ///
    /// # Safety
    /// The job may be run only while `chunk` is alive: the caller keeps it until every thread of
    /// the region is done.
    pub(crate) unsafe fn new(plan: Plan, len: u64, chunk: &ChunkBody<'_>) -> LoopJob {
        // SAFETY: only the lifetime changes (same fat pointer); the contract above keeps every
        // use of the pointer within the real lifetime.
        let chunk = unsafe { std::mem::transmute::<&ChunkBody<'_>, &ChunkBody<'static>>(chunk) };
        LoopJob { plan, len, chunk }
    }

    /// Runs thread `thread`'s share of this loop in a team of `team`: its chunks as the plan
    /// deals them, with `state` shared by the team. A panic stops the loop (through `state`) and
    /// is kept in `panics`; it never unwinds out of here.
    ///
    /// # Safety
    /// The chunk body this job was made from must still be alive.
    pub(crate) unsafe fn run_share(
        self,
        thread: usize,
        team: usize,
        state: &LoopState,
        panics: &PanicSlot,
    ) {
        // SAFETY: alive, per the contract.
        let chunk = unsafe { &*self.chunk };
        let body = |t: usize| {
            for_each_chunk(self.plan, self.len, team, t, state, |lo, hi| {
                chunk(t, lo, hi)
            })
        };
        team::run_share(thread, team, &body, &|| state.stop(), panics);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

    #[test]
    fn a_job_runs_every_offset_once_over_its_team() {
        let hits: Vec<AtomicU64> = (0..100).map(|_| AtomicU64::new(0)).collect();
        let chunk = |_t: usize, lo: u64, hi: u64| {
            for i in lo..hi {
                hits[i as usize].fetch_add(1, Relaxed);
            }
        };
        // SAFETY: `chunk` outlives every use of the job below.
        let job = unsafe { LoopJob::new(Plan::Dynamic { chunk: 7 }, 100, &chunk) };
        let (state, panics) = (LoopState::new(), PanicSlot::default());
        for t in 0..3 {
            // SAFETY: as above.
            unsafe { job.run_share(t, 3, &state, &panics) };
        }
        panics.resume();
        assert!(hits.iter().all(|h| h.load(Relaxed) == 1));
    }
}
