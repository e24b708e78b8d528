//! The loop forms: `parallel_for`, `parallel_for_chunks`, `parallel_reduce` and the ordered
//! map-collect behind `prange(..).map(..).collect()`. Each is a few lines over one driver,
//! [`chunks_in`]: resolve the schedule, run a region, deal chunks with [`for_each_chunk`].

use crate::index::{sub_range, Index};
use crate::partials::Partials;
use crate::pool::{Pool, Registry};
use crate::schedule::Schedule;
use crate::team::{run_loop, run_loop_share, run_region, Team, Work};
use std::ops::Range;
use std::sync::Arc;

/// Runs `chunk(thread, lo, hi)` over offset chunks of a loop of `len` iterations on `registry`,
/// as a region of up to `team` threads whose body is this one loop: the one driver of every loop
/// form. A loop shorter than the serial threshold, or a team of one, runs every share of a team of
/// `team` in turn on the caller (a region of one thread), so its chunks are the same.
fn chunks_in<C: Fn(usize, u64, u64) + Sync>(
    registry: &Arc<Registry>,
    team: usize,
    len: u64,
    schedule: Schedule,
    chunk: &C,
) {
    if len == 0 {
        return;
    }
    let plan = schedule.resolve(registry.runtime_schedule());
    let serial = team == 1 || len < registry.serial_threshold();
    let mut master = |t: &Team| {
        if serial {
            for share in 0..team {
                run_loop_share(t.state(), plan, len, (team, share), chunk);
            }
        } else {
            run_loop_share(t.state(), plan, len, (t.num_threads(), 0), chunk);
        }
    };
    let work = Work {
        run: run_loop::<C>,
        data: (chunk as *const C).cast(),
        plan,
        len,
        master: &mut master,
    };
    run_region(registry, if serial { 1 } else { team }, work);
}

pub(crate) fn for_chunks_in<I: Index>(
    registry: &Arc<Registry>,
    range: Range<I>,
    schedule: Schedule,
    body: impl Fn(Range<I>) + Sync,
) {
    let team = registry.team_size(None);
    let len = I::len(&range);
    chunks_in(registry, team, len, schedule, &|_, lo, hi| {
        body(sub_range(&range, lo, hi))
    });
}

pub(crate) fn for_each_in<I: Index>(
    registry: &Arc<Registry>,
    range: Range<I>,
    schedule: Schedule,
    body: impl Fn(I) + Sync,
) {
    let start = range.start;
    let team = registry.team_size(None);
    chunks_in(registry, team, I::len(&range), schedule, &|_, lo, hi| {
        for off in lo..hi {
            body(start.offset(off));
        }
    });
}

pub(crate) fn reduce_chunks_in<I: Index, T: Clone + Send + Sync>(
    registry: &Arc<Registry>,
    range: Range<I>,
    schedule: Schedule,
    identity: T,
    fold: impl Fn(T, Range<I>) -> T + Sync,
    combine: impl Fn(T, T) -> T + Sync,
) -> T {
    let team = registry.team_size(None);
    let partials = Partials::new(team);
    chunks_in(
        registry,
        team,
        I::len(&range),
        schedule,
        &|thread, lo, hi| {
            // SAFETY: `chunks_in` calls this on thread `thread` of the region only, one chunk at a time.
            unsafe {
                partials.update(thread, |acc| {
                    fold(
                        acc.unwrap_or_else(|| identity.clone()),
                        sub_range(&range, lo, hi),
                    )
                })
            };
        },
    );
    // Combined in thread order, so a static schedule gives the same bits on every run.
    partials.into_fold(identity, combine)
}

pub(crate) fn reduce_in<I: Index, T: Clone + Send + Sync>(
    registry: &Arc<Registry>,
    range: Range<I>,
    schedule: Schedule,
    identity: T,
    map: impl Fn(I) -> T + Sync,
    combine: impl Fn(T, T) -> T + Sync,
) -> T {
    let start = range.start;
    let fold = |acc: T, chunk: Range<I>| {
        let (lo, hi) = (I::len(&(start..chunk.start)), I::len(&(start..chunk.end)));
        (lo..hi).fold(acc, |acc, off| combine(acc, map(start.offset(off))))
    };
    reduce_chunks_in(registry, range, schedule, identity, fold, &combine)
}

pub(crate) fn collect_in<I: Index, T: Send>(
    registry: &Arc<Registry>,
    range: Range<I>,
    schedule: Schedule,
    map: impl Fn(I) -> T + Sync,
) -> Vec<T> {
    let start = range.start;
    let len = I::len(&range);
    let n = usize::try_from(len).unwrap_or(usize::MAX);
    let mut out: Vec<T> = Vec::new();
    if out.try_reserve_exact(n).is_err() {
        let bytes = n.saturating_mul(std::mem::size_of::<T>());
        std::panic::resume_unwind(Box::new(crate::AllocError { bytes }));
    }
    let buffer = Output(out.as_mut_ptr());
    let team = registry.team_size(None);
    chunks_in(registry, team, len, schedule, &|_, lo, hi| {
        let buffer = &buffer;
        for off in lo..hi {
            // SAFETY: off < len = capacity, and the chunks give each offset to one thread once.
            unsafe { buffer.0.add(off as usize).write(map(start.offset(off))) };
        }
    });
    // SAFETY: the region returned normally (a panic would have resumed above), so every offset in
    // 0..n has been written exactly once. After a panic the written items leak, which is safe.
    unsafe { out.set_len(n) };
    out
}

/// Runs `body(i)` for every `i` in `range` on the global pool's team, chunks dealt by `schedule`.
/// Returns when every iteration has run; a panic in any iteration stops the loop and resumes here.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// let hits = AtomicU64::new(0);
/// parfor::parallel_for(-50i64..50, parfor::Schedule::Dynamic(8), |i| {
///     hits.fetch_add(i.unsigned_abs(), Ordering::Relaxed);
/// });
/// assert_eq!(hits.into_inner(), 2500);
/// ```
pub fn parallel_for<I: Index>(
    range: impl IntoRange<I>,
    schedule: Schedule,
    body: impl Fn(I) + Sync,
) {
    for_each_in(
        crate::global::registry(),
        range.into_range(),
        schedule,
        body,
    )
}

/// Like [`parallel_for`], but `body` gets whole chunks: disjoint sub-ranges covering `range`.
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// let covered = AtomicUsize::new(0);
/// parfor::parallel_for_chunks(0..1000usize, parfor::Schedule::Guided(16), |r| {
///     covered.fetch_add(r.len(), Ordering::Relaxed);
/// });
/// assert_eq!(covered.into_inner(), 1000);
/// ```
pub fn parallel_for_chunks<I: Index>(
    range: impl IntoRange<I>,
    schedule: Schedule,
    body: impl Fn(Range<I>) + Sync,
) {
    for_chunks_in(
        crate::global::registry(),
        range.into_range(),
        schedule,
        body,
    )
}

/// Reduces `map(i)` over `range` with `combine`, starting each thread from `identity`; thread
/// partials are combined in thread order. With a static schedule the result is the same on every
/// run with the same team size; for floating point sums that must not depend on the team size,
/// reduce over fixed blocks: `prange(0..blocks).map(..).collect()` and fold in order.
///
/// ```
/// let sum = parfor::parallel_reduce(1..=100u64, parfor::Schedule::Static, 0, |i| i, |a, b| a + b);
/// assert_eq!(sum, 5050);
/// ```
pub fn parallel_reduce<I: Index, T: Clone + Send + Sync>(
    range: impl IntoRange<I>,
    schedule: Schedule,
    identity: T,
    map: impl Fn(I) -> T + Sync,
    combine: impl Fn(T, T) -> T + Sync,
) -> T {
    reduce_in(
        crate::global::registry(),
        range.into_range(),
        schedule,
        identity,
        map,
        combine,
    )
}

/// Reduces over whole chunks: `fold(acc, chunk)` folds one chunk into a thread's partial (which
/// starts as `identity`), and the partials are combined with `combine` in thread order. The shape
/// the C ABI's reductions use, and the fastest when a chunk can be summed in a tight loop.
///
/// ```
/// let sum = parfor::parallel_reduce_chunks(0..1000u64, parfor::Schedule::Dynamic(100), 0,
///     |acc, chunk| acc + chunk.sum::<u64>(), |a, b| a + b);
/// assert_eq!(sum, 499_500);
/// ```
pub fn parallel_reduce_chunks<I: Index, T: Clone + Send + Sync>(
    range: impl IntoRange<I>,
    schedule: Schedule,
    identity: T,
    fold: impl Fn(T, Range<I>) -> T + Sync,
    combine: impl Fn(T, T) -> T + Sync,
) -> T {
    reduce_chunks_in(
        crate::global::registry(),
        range.into_range(),
        schedule,
        identity,
        fold,
        combine,
    )
}

/// Ranges a loop accepts: `a..b`, and `a..=b` (its end must not be the type's maximum).
///
/// ```
/// use parfor::IntoRange;
/// assert_eq!((1..=3u8).into_range(), 1..4);
/// ```
pub trait IntoRange<I> {
    /// The half-open range.
    fn into_range(self) -> Range<I>;
}

impl<I: Index> IntoRange<I> for Range<I> {
    fn into_range(self) -> Range<I> {
        self
    }
}

impl<I: Index> IntoRange<I> for std::ops::RangeInclusive<I> {
    /// # Panics
    /// When the end is the type's maximum, which a half-open range cannot reach.
    fn into_range(self) -> Range<I> {
        // An exhausted inclusive range (iterated to its end) still holds its bounds.
        let exhausted = self.is_empty();
        let (start, end) = self.into_inner();
        if exhausted || end < start {
            return start..start;
        }
        let after = end.successor().expect(
            "parfor: an inclusive range ending at the type's maximum is not supported; use a half-open range",
        );
        start..after
    }
}

/// A pointer to a buffer shared by the team, each element of which one thread writes.
struct Output<T>(*mut T);
// SAFETY: each offset of the buffer is touched by exactly one thread (chunks are disjoint), and
// `T: Send` lets values made or changed on one thread be owned by another.
unsafe impl<T: Send> Sync for Output<T> {}

pub(crate) fn for_slice_in<T: Send>(
    registry: &Arc<Registry>,
    data: &mut [T],
    schedule: Schedule,
    body: impl Fn(usize, &mut [T]) + Sync,
) {
    let buffer = Output(data.as_mut_ptr());
    let team = registry.team_size(None);
    chunks_in(registry, team, data.len() as u64, schedule, &|_, lo, hi| {
        let buffer = &buffer;
        // SAFETY: lo..hi lies within `data` (hi <= len) and chunks are disjoint, so this is the
        // only reference to these elements while `data` is mutably borrowed by this call.
        let chunk = unsafe {
            std::slice::from_raw_parts_mut(buffer.0.add(lo as usize), (hi - lo) as usize)
        };
        body(lo as usize, chunk);
    });
}

/// Runs `body(start, chunk)` over disjoint mutable chunks of `data`, where `chunk` is
/// `data[start..start + chunk.len()]`: the safe way to fill an output array in parallel.
///
/// ```
/// let mut squares = vec![0u64; 1000];
/// parfor::parallel_for_slice(&mut squares, parfor::Schedule::Static, |start, chunk| {
///     for (k, x) in chunk.iter_mut().enumerate() {
///         let i = (start + k) as u64;
///         *x = i * i;
///     }
/// });
/// assert_eq!(squares[999], 998_001);
/// ```
pub fn parallel_for_slice<T: Send>(
    data: &mut [T],
    schedule: Schedule,
    body: impl Fn(usize, &mut [T]) + Sync,
) {
    for_slice_in(crate::global::registry(), data, schedule, body)
}

impl Pool {
    /// [`parallel_for`] on this pool.
    ///
    /// ```
    /// let pool = parfor::Pool::builder().threads(2).build().unwrap();
    /// pool.parallel_for(0..10, parfor::Schedule::Static, |i| assert!(i < 10));
    /// ```
    pub fn parallel_for<I: Index>(
        &self,
        range: impl IntoRange<I>,
        schedule: Schedule,
        body: impl Fn(I) + Sync,
    ) {
        for_each_in(&self.registry, range.into_range(), schedule, body)
    }

    /// [`parallel_for_chunks`] on this pool.
    ///
    /// ```
    /// let pool = parfor::Pool::builder().threads(2).build().unwrap();
    /// pool.parallel_for_chunks(0..10u32, parfor::Schedule::Dynamic(3), |r| assert!(r.len() <= 3));
    /// ```
    pub fn parallel_for_chunks<I: Index>(
        &self,
        range: impl IntoRange<I>,
        schedule: Schedule,
        body: impl Fn(Range<I>) + Sync,
    ) {
        for_chunks_in(&self.registry, range.into_range(), schedule, body)
    }

    /// [`parallel_for_slice`] on this pool.
    ///
    /// ```
    /// let pool = parfor::Pool::builder().threads(2).build().unwrap();
    /// let mut v = vec![1; 10];
    /// pool.parallel_for_slice(&mut v, parfor::Schedule::Dynamic(3), |_, c| c.iter_mut().for_each(|x| *x += 1));
    /// assert_eq!(v, vec![2; 10]);
    /// ```
    pub fn parallel_for_slice<T: Send>(
        &self,
        data: &mut [T],
        schedule: Schedule,
        body: impl Fn(usize, &mut [T]) + Sync,
    ) {
        for_slice_in(&self.registry, data, schedule, body)
    }

    /// [`parallel_reduce_chunks`] on this pool.
    ///
    /// ```
    /// let pool = parfor::Pool::builder().threads(2).build().unwrap();
    /// let n = pool.parallel_reduce_chunks(0..10, parfor::Schedule::Static, 0, |a, r| a + r.len(), |a, b| a + b);
    /// assert_eq!(n, 10);
    /// ```
    pub fn parallel_reduce_chunks<I: Index, T: Clone + Send + Sync>(
        &self,
        range: impl IntoRange<I>,
        schedule: Schedule,
        identity: T,
        fold: impl Fn(T, Range<I>) -> T + Sync,
        combine: impl Fn(T, T) -> T + Sync,
    ) -> T {
        reduce_chunks_in(
            &self.registry,
            range.into_range(),
            schedule,
            identity,
            fold,
            combine,
        )
    }

    /// [`parallel_reduce`] on this pool.
    ///
    /// ```
    /// let pool = parfor::Pool::builder().threads(2).build().unwrap();
    /// assert_eq!(pool.parallel_reduce(0..4, parfor::Schedule::Static, 1, |i| i + 1, |a, b| a * b), 24);
    /// ```
    pub fn parallel_reduce<I: Index, T: Clone + Send + Sync>(
        &self,
        range: impl IntoRange<I>,
        schedule: Schedule,
        identity: T,
        map: impl Fn(I) -> T + Sync,
        combine: impl Fn(T, T) -> T + Sync,
    ) -> T {
        reduce_in(
            &self.registry,
            range.into_range(),
            schedule,
            identity,
            map,
            combine,
        )
    }
}
