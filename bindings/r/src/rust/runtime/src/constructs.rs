//! The team constructs as closures, for Rust code inside [`crate::parallel`]: worksharing loops,
//! reductions, `single`, `masked`, `sections` and ordered loops. Each is a few lines over the raw
//! interface of [`crate::worksharing`], which the libgomp layer uses directly.

use crate::cancel::Cancelled;
use crate::index::Index;
use crate::loops::IntoRange;
use crate::schedule::Schedule;
use crate::team::Team;
use std::ops::Range;
use std::sync::atomic::Ordering::{Acquire, Release};

/// An ordered loop's handle for one iteration: [`Ordered::run`] runs a block in iteration order.
pub struct Ordered<'t> {
    team: &'t Team,
}

impl Ordered<'_> {
    /// Runs `f` after the ordered blocks of every earlier iteration, before those of later ones.
    ///
    /// ```
    /// use std::sync::Mutex;
    /// let seen = Mutex::new(vec![]);
    /// parfor::parallel(|t| t.for_each_ordered(0..10u32, parfor::Schedule::Dynamic(1), |i, ord| {
    ///     ord.run(|| seen.lock().unwrap().push(i));
    /// }));
    /// assert_eq!(seen.into_inner().unwrap(), (0..10).collect::<Vec<_>>());
    /// ```
    pub fn run<R>(&self, f: impl FnOnce() -> R) -> R {
        self.team.ordered_start();
        let r = f();
        self.team.ordered_end();
        r
    }
}

impl Team {
    /// The one driver of the closure loops: `chunk(range)` for this thread's chunks of `range`.
    fn chunks_nowait<I: Index>(
        &self,
        range: Range<I>,
        schedule: Schedule,
        ordered: bool,
        mut chunk: impl FnMut(Range<I>),
    ) {
        self.loop_start(I::len(&range), schedule, ordered);
        while let Some((lo, hi)) = self.loop_next() {
            chunk(crate::index::sub_range(&range, lo, hi));
        }
        self.loop_end_nowait();
    }

    /// A worksharing loop without the barrier at its end: this thread runs its share of
    /// `range`'s iterations and goes on (OpenMP's `for nowait`).
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
    /// let (a, b) = (AtomicU64::new(0), AtomicU64::new(0));
    /// parfor::parallel(|t| {
    ///     t.for_each_nowait(0..100u64, parfor::Schedule::Static, |i| { a.fetch_add(i, Relaxed); });
    ///     t.for_each_nowait(0..10u64, parfor::Schedule::Dynamic(1), |i| { b.fetch_add(i, Relaxed); });
    /// });
    /// assert_eq!((a.into_inner(), b.into_inner()), (4950, 45));
    /// ```
    pub fn for_each_nowait<I: Index>(
        &self,
        range: impl IntoRange<I>,
        schedule: Schedule,
        body: impl Fn(I),
    ) {
        self.chunks_nowait(range.into_range(), schedule, false, |r| {
            for_each_index(r, &body)
        });
    }

    /// A worksharing loop: the team shares `range`'s iterations, then waits at a barrier.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
    /// let out: Vec<AtomicU64> = (0..100).map(|_| AtomicU64::new(0)).collect();
    /// parfor::parallel(|t| {
    ///     t.for_each(0..100usize, parfor::Schedule::Dynamic(4), |i| out[i].store(i as u64 * 2, Relaxed));
    ///     // after the loop's barrier every element is written
    ///     assert_eq!(out[99].load(Relaxed), 198);
    /// });
    /// ```
    pub fn for_each<I: Index>(
        &self,
        range: impl IntoRange<I>,
        schedule: Schedule,
        body: impl Fn(I),
    ) {
        self.for_each_nowait(range, schedule, body);
        self.barrier();
    }

    /// A worksharing loop whose iterations may run blocks in iteration order through
    /// [`Ordered::run`] (OpenMP's `ordered`); barrier at the end.
    pub fn for_each_ordered<I: Index>(
        &self,
        range: impl IntoRange<I>,
        schedule: Schedule,
        body: impl Fn(I, &Ordered<'_>),
    ) {
        let ord = Ordered { team: self };
        self.chunks_nowait(range.into_range(), schedule, true, |r| {
            for_each_index(r, |i| body(i, &ord))
        });
        self.barrier();
    }

    /// A reduction over a worksharing loop: every thread folds its iterations' `map(i)` with
    /// `combine` from `identity`, the partials are combined in thread order, and every thread gets
    /// the result (with a static schedule the same bits on every run of the same team size).
    ///
    /// ```
    /// parfor::parallel(|t| {
    ///     let s = t.reduce(1..=100u64, parfor::Schedule::Static, 0, |i| i, |a, b| a + b);
    ///     assert_eq!(s, 5050);
    /// });
    /// ```
    pub fn reduce<I: Index, T: Clone + Send + Sync>(
        &self,
        range: impl IntoRange<I>,
        schedule: Schedule,
        identity: T,
        map: impl Fn(I) -> T,
        combine: impl Fn(T, T) -> T,
    ) -> T {
        let range = range.into_range();
        let start = range.start;
        let fold = |acc: T, lo: u64, hi: u64| {
            (lo..hi).fold(acc, |acc, off| combine(acc, map(start.offset(off))))
        };
        let total = self.reduce_chunks(I::len(&range), schedule, identity, fold, &combine);
        total.unwrap_or_else(|_| self.barrier_unwinds())
    }

    /// The reduction driver over offsets `0..len`: `fold(acc, lo, hi)` folds one chunk into this
    /// thread's partial; the partials are combined in thread order with `combine`, and every
    /// thread gets the result. Ends with a barrier. `Err` when the region stops (and never
    /// unwinds, so C callers can use it).
    ///
    /// ```
    /// parfor::parallel(|t| {
    ///     let n = t.reduce_chunks(1000, parfor::Schedule::Dynamic(64), 0u64, |a, lo, hi| a + (hi - lo), |a, b| a + b);
    ///     assert_eq!(n, Ok(1000));
    /// });
    /// ```
    pub fn reduce_chunks<T: Clone + Send + Sync>(
        &self,
        len: u64,
        schedule: Schedule,
        identity: T,
        fold: impl Fn(T, u64, u64) -> T,
        combine: impl Fn(T, T) -> T,
    ) -> Result<T, Cancelled> {
        let mut partial = Some(identity.clone());
        self.loop_start(len, schedule, false);
        while let Some((lo, hi)) = self.loop_next() {
            partial = partial.map(|acc| fold(acc, lo, hi));
        }
        self.loop_end_nowait();
        // On the heap: if the region stops while others read it, it is leaked, not freed under
        // them (a stopped barrier does not wait for the readers).
        let mine = Box::into_raw(Box::new(partial));
        let slots = &self.state().reduce_slots;
        slots[self.thread_num()].store(mine as usize, Release);
        self.barrier_status()?;
        let total = (0..self.num_threads()).fold(identity, |acc, t| {
            // SAFETY: thread t stored its partial before the barrier above and frees it only
            // after the barrier below has seen every thread (this one included) arrive;
            // `T: Sync` lets this thread read it.
            let p = unsafe { &*(slots[t].load(Acquire) as *const Option<T>) };
            match p {
                Some(p) => combine(acc, p.clone()),
                None => acc,
            }
        });
        self.barrier_status()?;
        // SAFETY: made by `Box::into_raw` above; every reader has passed the barrier.
        drop(unsafe { Box::from_raw(mine) });
        Ok(total)
    }

    /// Runs `f` on one thread of the team (the first to arrive); the others wait at the barrier
    /// at its end.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    /// let n = AtomicUsize::new(0);
    /// parfor::parallel(|t| t.single(|| { n.fetch_add(1, Relaxed); }));
    /// assert_eq!(n.into_inner(), 1);
    /// ```
    pub fn single(&self, f: impl FnOnce()) {
        if self.single_start() {
            f();
        }
        self.barrier();
    }

    /// Runs `f` on one thread and gives every thread a clone of its value (copyprivate).
    ///
    /// ```
    /// parfor::parallel(|t| assert_eq!(t.single_copy(|| String::from("seed")), "seed"));
    /// ```
    pub fn single_copy<T: Clone + Send + Sync>(&self, f: impl FnOnce() -> T) -> T {
        match self.single_copy_start() {
            None if self.is_stopped() => {
                self.barrier();
                unreachable!("a barrier of a stopped region unwinds")
            }
            None => {
                let v = f();
                self.single_copy_end(&v as *const T as usize);
                self.barrier();
                v
            }
            Some(p) => {
                // SAFETY: the winner published the address of its value, which it keeps alive
                // until the barrier below; `T: Sync` lets this thread read it.
                let v = unsafe { &*(p as *const T) }.clone();
                self.barrier();
                v
            }
        }
    }

    /// Runs `f` on thread 0 only; no barrier (OpenMP's `masked`).
    ///
    /// ```
    /// parfor::parallel(|t| t.masked(|| assert_eq!(parfor::thread_num(), 0)));
    /// ```
    pub fn masked(&self, f: impl FnOnce()) {
        if self.thread_num() == 0 {
            f();
        }
    }

    /// Runs each of `sections` once, on some thread of the team; barrier at the end.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    /// let (a, b) = (AtomicUsize::new(0), AtomicUsize::new(0));
    /// parfor::parallel(|t| t.sections(&[&|| { a.fetch_add(1, Relaxed); }, &|| { b.fetch_add(1, Relaxed); }]));
    /// assert_eq!((a.into_inner(), b.into_inner()), (1, 1));
    /// ```
    pub fn sections(&self, sections: &[&(dyn Fn() + Sync)]) {
        let mut next = self.sections_start(sections.len() as u64);
        while let Some(i) = next {
            sections[i as usize]();
            next = self.sections_next();
        }
        self.loop_end_nowait();
        self.barrier();
    }
}

fn for_each_index<I: Index>(r: Range<I>, mut body: impl FnMut(I)) {
    let start = r.start;
    for off in 0..I::len(&r) {
        body(start.offset(off));
    }
}
