//! The worksharing loop a thread is in, between gcc's iteration space and parfor's offsets.
//!
//! gcc describes a loop as `start`, `end` (exclusive) and `incr`, in `long` or in `unsigned long
//! long` with a direction flag, and wants chunks back as `[istart, iend)` in that space. parfor's
//! team deals chunks of offsets `0..len`. [`Space`] maps one to the other with wrapping
//! arithmetic, which serves both integer types (two's complement); the last chunk ends exactly at
//! `end`, so no bound overflows.
//!
//! Each thread keeps the loop it is in, in a thread-local: it starts a loop (`*_start`), takes
//! chunks (`*_next`) and leaves (`GOMP_loop_end*`) in that order, and a region entered meanwhile
//! (a nested `parallel` inside the loop body) saves and restores it ([`enter_region`]). Outside
//! any region (an orphaned construct) there is no team: the thread runs the whole loop itself.
//!
//! ```text
//! for (i = 10; i > 0; i -= 3)  ->  Space { start: 10, incr: -3, len: 4 }:
//! offsets [0, 2) -> [10, 4);  [2, 4) -> [4, end = 0)
//! ```

use parfor::{Schedule, Team};
use std::cell::Cell;

/// A loop's iteration space: iteration `k` is `start + k * incr`, for `k` in `0..len`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Space {
    start: u64,
    incr: u64,
    end: u64,
    len: u64,
}

impl Space {
    /// The space of `for (i = start; i < end; i += incr)` (or `>` when `incr < 0`) in `long`.
    pub fn signed(start: i64, end: i64, incr: i64) -> Space {
        let (start_w, end_w, incr_w) = (i128::from(start), i128::from(end), i128::from(incr));
        let len = if (incr > 0 && end > start) || (incr < 0 && end < start) {
            (end_w - start_w - incr_w.signum()) / incr_w + 1
        } else {
            0
        };
        Space::bits(start as u64, end as u64, incr as u64, len as u64)
    }

    /// The space of an `unsigned long long` loop: counting up when `up`, else down with `incr`
    /// holding the negative step in two's complement.
    pub fn unsigned(up: bool, start: u64, end: u64, incr: u64) -> Space {
        let len = match (up, incr) {
            (_, 0) => 0,
            (true, _) if end > start => (end - start - 1) / incr + 1,
            (false, _) if start > end => (start - end - 1) / incr.wrapping_neg() + 1,
            _ => 0,
        };
        Space::bits(start, end, incr, len)
    }

    /// Sections `1..=count`, as `GOMP_sections_*` number them.
    pub fn sections(count: u64) -> Space {
        Space::bits(1, count.wrapping_add(1), 1, count)
    }

    /// The space of no loop (what a thread outside any loop holds).
    const EMPTY: Space = Space::bits(0, 0, 0, 0);

    const fn bits(start: u64, end: u64, incr: u64, len: u64) -> Space {
        Space {
            start,
            incr,
            end,
            len,
        }
    }

    /// The number of iterations.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Offsets `lo..hi` as `(istart, iend)`, as bit patterns of the loop's integer type.
    pub fn bounds(&self, lo: u64, hi: u64) -> (u64, u64) {
        let at = |k: u64| self.start.wrapping_add(k.wrapping_mul(self.incr));
        (at(lo), if hi >= self.len { self.end } else { at(hi) })
    }
}

/// The loop this thread is in.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Current {
    space: Space,
    /// The handle of the team the loop was started on (null outside a region, and after the
    /// loop ended): `next` reaches it without a second thread-local lookup.
    team: *const Team,
    /// Outside a region: the next offset to run, and how many at a time.
    serial_next: u64,
    serial_chunk: u64,
}

impl Current {
    /// No loop.
    const NONE: Current = Current {
        space: Space::EMPTY,
        team: std::ptr::null(),
        serial_next: 0,
        serial_chunk: 0,
    };
}

thread_local! {
    // A constant initial value: no lazy-initialisation check on every chunk.
    static CURRENT: Cell<Current> = const { Cell::new(Current::NONE) };
}

/// Called by each thread as it starts its share of a region: the loop it was in outside, to
/// give back to [`leave_region`].
pub(crate) fn enter_region() -> Current {
    CURRENT.with(|c| c.replace(Current::NONE))
}

/// Restores the loop this thread was in before the region.
pub(crate) fn leave_region(outer: Current) {
    CURRENT.with(|c| c.set(outer))
}

/// Opens a worksharing loop over `space` on this thread's team (or alone, outside a region,
/// `serial_chunk` offsets at a time).
pub(crate) fn start(space: Space, schedule: Schedule, ordered: bool, serial_chunk: u64) {
    open(space, schedule, serial_chunk, |team, schedule| {
        team.loop_start(space.len(), schedule, ordered)
    })
}

/// Opens a doacross loop nest of `counts[d]` logical iterations in dimension `d`: a loop over
/// the outermost, `0..counts[0]`, whose team tracks the nest's dependences (see
/// `parfor::Team::doacross_start`). Outside a region the thread runs it whole, in order, and
/// has nothing to track.
pub(crate) fn start_doacross(counts: &[u64], schedule: Schedule) {
    let outer = counts.first().copied().unwrap_or(0);
    open(
        Space::unsigned(true, 0, outer, 1),
        schedule,
        u64::MAX,
        |team, schedule| team.doacross_start(counts, schedule),
    )
}

/// Opens a worksharing loop over `space`: `begin` starts it on this thread's team with the
/// schedule (the run-time one resolved from the ICVs); outside a region the thread deals
/// itself `serial_chunk` offsets at a time.
fn open(space: Space, schedule: Schedule, serial_chunk: u64, begin: impl FnOnce(&Team, Schedule)) {
    let schedule = match schedule {
        Schedule::Runtime => crate::icv::runtime_schedule(),
        other => other,
    };
    let team = parfor::with_team(|team| {
        team.map_or(std::ptr::null(), |team| {
            begin(team, schedule);
            team as *const Team
        })
    });
    CURRENT.with(|c| {
        c.set(Current {
            space,
            team,
            serial_next: 0,
            serial_chunk: serial_chunk.max(1),
        })
    });
}

/// The next chunk of the current loop for this thread, as `(istart, iend)` bit patterns.
pub(crate) fn next() -> Option<(u64, u64)> {
    if crate::cancel::workshare_cancelled() {
        return None; // `#pragma omp cancel for` (or `sections`): nothing more for anyone
    }
    CURRENT.with(|c| {
        let mut current = c.get();
        // SAFETY: a non-null `team` is the handle `start` found for this thread's share, which
        // outlives the loop: `end` clears it, and a region entered meanwhile (a nested
        // `parallel` in the body) saves and restores `CURRENT` around its own loops.
        match unsafe { current.team.as_ref() } {
            Some(team) => {
                let (lo, hi) = team.loop_next()?;
                Some(current.space.bounds(lo, hi))
            }
            None => {
                let lo = current.serial_next;
                if lo >= current.space.len() {
                    return None;
                }
                let hi = current
                    .space
                    .len()
                    .min(lo.saturating_add(current.serial_chunk));
                current.serial_next = hi;
                c.set(current);
                Some(current.space.bounds(lo, hi))
            }
        }
    })
}

/// Zeroed memory of `size` bytes that every thread of the team gets at the same address, for the
/// loop about to start (gcc's `scan` and `lastprivate(conditional:)` buffers): one thread
/// allocates it, the others wait for its address (a barrier). Freed when the region ends.
pub(crate) fn team_memory(size: usize) -> *mut std::ffi::c_void {
    parfor::with_team(|team| match team {
        None => crate::region::region_memory(size),
        Some(team) => match team.single_copy_start() {
            Some(address) => address as *mut std::ffi::c_void,
            None => {
                let memory = crate::region::region_memory(size);
                team.single_copy_end(memory as usize);
                memory
            }
        },
    })
}

/// Leaves the current loop: with the team's barrier unless `nowait`.
pub(crate) fn end(nowait: bool) {
    CURRENT.with(|c| {
        let mut current = c.get();
        current.team = std::ptr::null();
        c.set(current)
    });
    parfor::with_team(|team| match team {
        Some(team) if nowait => team.loop_end_nowait(),
        Some(team) => team.loop_end(),
        None => {}
    })
}

/// A GOMP schedule kind (`omp_sched_t` values; with the monotonic bit, dynamic and guided are
/// monotonic) and chunk as a parfor schedule. Unknown kinds run as the run-time schedule.
pub(crate) fn schedule(kind: i64, chunk: i64) -> Schedule {
    let monotonic = kind & 0x8000_0000 != 0;
    let kind = i32::try_from(kind & 0x7fff_ffff).unwrap_or(0);
    match crate::icv::schedule_from_omp(kind, chunk) {
        Some(s) if monotonic => s.monotonic(),
        Some(s) => s,
        None if monotonic => crate::icv::runtime_schedule().monotonic(),
        None => Schedule::Runtime,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(space: Space) -> Vec<i64> {
        let (a, b) = space.bounds(0, space.len());
        let (a, b, incr) = (a as i64, b as i64, space.incr as i64);
        let mut v = vec![];
        let mut i = a;
        while (incr > 0 && i < b) || (incr < 0 && i > b) {
            v.push(i);
            i += incr;
        }
        v
    }

    #[test]
    fn signed_spaces_count_and_map_iterations() {
        assert_eq!(all(Space::signed(0, 10, 3)), [0, 3, 6, 9]);
        assert_eq!(all(Space::signed(10, 0, -3)), [10, 7, 4, 1]);
        assert_eq!(Space::signed(5, 5, 1).len(), 0);
        assert_eq!(Space::signed(5, 0, 1).len(), 0);
        assert_eq!(Space::signed(i64::MIN, i64::MAX, 1).len(), u64::MAX);
        let s = Space::signed(10, 0, -3);
        assert_eq!(s.bounds(0, 2), (10, 4));
        assert_eq!(s.bounds(2, 4), (4, 0));
    }

    #[test]
    fn unsigned_spaces_count_both_ways() {
        assert_eq!(Space::unsigned(true, 0, 10, 3).len(), 4);
        assert_eq!(Space::unsigned(false, 10, 0, 3u64.wrapping_neg()).len(), 4);
        assert_eq!(Space::unsigned(true, 0, u64::MAX, 1).len(), u64::MAX);
        assert_eq!(Space::unsigned(true, 7, 7, 1).len(), 0);
        let s = Space::unsigned(false, 10, 0, 3u64.wrapping_neg());
        assert_eq!(s.bounds(1, 2), (7, 4));
    }

    #[test]
    fn sections_are_numbered_from_one() {
        let s = Space::sections(3);
        assert_eq!(s.len(), 3);
        assert_eq!(s.bounds(0, 1), (1, 2));
        assert_eq!(s.bounds(2, 3), (3, 4));
    }

    #[test]
    fn an_orphaned_loop_runs_whole_on_this_thread() {
        start(
            Space::signed(0, 100, 1),
            Schedule::Dynamic(7),
            false,
            u64::MAX,
        );
        assert_eq!(next(), Some((0, 100)));
        assert_eq!(next(), None);
        start(Space::sections(2), Schedule::Dynamic(1), false, 1);
        assert_eq!(next(), Some((1, 2)));
        assert_eq!(next(), Some((2, 3)));
        assert_eq!(next(), None);
    }
}
