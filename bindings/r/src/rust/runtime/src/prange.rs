//! `prange`: the builder form of a parallel loop, as Numba's `prange` reads in Python.
//!
//! ```
//! use parfor::{prange, Schedule};
//! let squares: Vec<u64> = prange(0..5u64).schedule(Schedule::Dynamic(2)).map(|i| i * i).collect();
//! assert_eq!(squares, vec![0, 1, 4, 9, 16]);
//! ```

use crate::index::Index;
use crate::loops::{collect_in, for_chunks_in, for_each_in, reduce_in, IntoRange};
use crate::pool::{Pool, Registry};
use crate::schedule::Schedule;
use std::ops::Range;
use std::sync::Arc;

/// A parallel loop over a range, waiting for `.for_each`, `.map(..).collect()` or `.reduce`.
#[must_use = "a prange does nothing until for_each, map(..).collect() or reduce is called"]
pub struct Prange<'p, I> {
    range: Range<I>,
    schedule: Schedule,
    pool: Option<&'p Pool>,
}

/// A parallel loop over `range` on the global pool, with the static schedule unless told otherwise.
///
/// ```
/// use std::sync::atomic::{AtomicI64, Ordering};
/// let total = AtomicI64::new(0);
/// parfor::prange(-10..=10i64).for_each(|i| { total.fetch_add(i, Ordering::Relaxed); });
/// assert_eq!(total.into_inner(), 0);
/// ```
pub fn prange<I: Index>(range: impl IntoRange<I>) -> Prange<'static, I> {
    Prange {
        range: range.into_range(),
        schedule: Schedule::Static,
        pool: None,
    }
}

impl Pool {
    /// A parallel loop on this pool.
    ///
    /// ```
    /// let pool = parfor::Pool::builder().threads(2).build().unwrap();
    /// let v: Vec<i32> = pool.prange(0..3).map(|i| -i).collect();
    /// assert_eq!(v, vec![0, -1, -2]);
    /// ```
    pub fn prange<I: Index>(&self, range: impl IntoRange<I>) -> Prange<'_, I> {
        Prange {
            range: range.into_range(),
            schedule: Schedule::Static,
            pool: Some(self),
        }
    }
}

impl<'p, I: Index> Prange<'p, I> {
    /// Sets the schedule.
    pub fn schedule(mut self, schedule: Schedule) -> Self {
        self.schedule = schedule;
        self
    }

    fn registry(&self) -> &'p Arc<Registry> {
        match self.pool {
            Some(pool) => &pool.registry,
            None => crate::global::registry(),
        }
    }

    /// Runs `body(i)` for every index.
    pub fn for_each(self, body: impl Fn(I) + Sync) {
        for_each_in(self.registry(), self.range, self.schedule, body)
    }

    /// Runs `body(sub_range)` for every chunk.
    ///
    /// ```
    /// parfor::prange(0..10u8).for_each_chunk(|r| assert!(!r.is_empty()));
    /// ```
    pub fn for_each_chunk(self, body: impl Fn(Range<I>) + Sync) {
        for_chunks_in(self.registry(), self.range, self.schedule, body)
    }

    /// Maps every index; `.collect()` gathers the results in index order.
    pub fn map<T: Send, F: Fn(I) -> T + Sync>(self, f: F) -> PrangeMap<'p, I, F> {
        PrangeMap { loop_: self, f }
    }

    /// Reduces `map(i)` with `combine` (see [`crate::parallel_reduce`]).
    ///
    /// ```
    /// let m = parfor::prange(0..100).reduce(i32::MIN, |i| (i * 37) % 101, i32::max);
    /// assert_eq!(m, 100);
    /// ```
    pub fn reduce<T: Clone + Send + Sync>(
        self,
        identity: T,
        map: impl Fn(I) -> T + Sync,
        combine: impl Fn(T, T) -> T + Sync,
    ) -> T {
        reduce_in(
            self.registry(),
            self.range,
            self.schedule,
            identity,
            map,
            combine,
        )
    }
}

/// A mapped parallel loop, waiting for `.collect()`.
#[must_use = "a mapped prange does nothing until collect is called"]
pub struct PrangeMap<'p, I, F> {
    loop_: Prange<'p, I>,
    f: F,
}

impl<I: Index, T: Send, F: Fn(I) -> T + Sync> PrangeMap<'_, I, F> {
    /// Runs the loop and gathers `f(i)` in index order (into a `Vec` without copying).
    pub fn collect<C: FromIterator<T>>(self) -> C {
        let registry = self.loop_.registry();
        collect_in(registry, self.loop_.range, self.loop_.schedule, self.f)
            .into_iter()
            .collect()
    }
}
