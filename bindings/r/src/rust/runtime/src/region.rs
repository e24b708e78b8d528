//! Parallel regions: [`parallel`] runs a closure on every thread of a team, and [`Region`] sets
//! the team's size or runs it on one thread (OpenMP's `num_threads` and `if` clauses).
//!
//! ```
//! use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
//! let visits = AtomicUsize::new(0);
//! parfor::region().num_threads(2).run(|t| {
//!     visits.fetch_add(1, Relaxed);
//!     t.barrier();
//! });
//! assert!(visits.into_inner() >= 1);
//! ```

use crate::pool::{Pool, Registry};
use crate::team::{run_body, run_region, OpenRegion, Team, Work};
use std::sync::Arc;

/// A parallel region waiting to run: built by [`region`] or [`Pool::region`].
#[must_use = "a region does nothing until run is called"]
pub struct Region<'p> {
    registry: &'p Arc<Registry>,
    num_threads: Option<usize>,
    parallel: bool,
}

/// A region on the global pool, with the team size of [`crate::max_threads`] unless told
/// otherwise.
///
/// ```
/// parfor::region().num_threads(3).run(|t| assert!(t.num_threads() <= 3));
/// ```
pub fn region() -> Region<'static> {
    Region {
        registry: crate::global::registry(),
        num_threads: None,
        parallel: true,
    }
}

/// Runs `body` on every thread of a team of the global pool, the calling thread as thread 0;
/// returns when all have finished. A panic on any thread stops the region (no further chunk, every
/// barrier unwinds) and resumes here; a [`crate::cancel`] makes it unwind with
/// [`crate::Cancelled`].
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
/// let threads = AtomicUsize::new(0);
/// parfor::parallel(|t| {
///     threads.fetch_add(1, Relaxed);
///     t.single(|| println!("{} threads", t.num_threads()));
/// });
/// assert_eq!(threads.into_inner(), parfor::max_threads());
/// ```
pub fn parallel(body: impl Fn(&Team) + Sync) {
    region().run(body)
}

impl<'p> Region<'p> {
    /// Asks for a team of `n` threads (`num_threads` clause); limits still apply, and the team is
    /// smaller when threads cannot be had.
    pub fn num_threads(mut self, n: usize) -> Self {
        self.num_threads = Some(n.max(1));
        self
    }

    /// With `false`, the region runs on the calling thread alone (OpenMP's `if` clause).
    ///
    /// ```
    /// parfor::region().if_(false).run(|t| assert_eq!(t.num_threads(), 1));
    /// ```
    pub fn if_(mut self, parallel: bool) -> Self {
        self.parallel = parallel;
        self
    }

    /// Runs `body` on every thread of the team; see [`parallel`].
    pub fn run<F: Fn(&Team) + Sync>(self, body: F) {
        let size = if self.parallel {
            self.registry.team_size(self.num_threads)
        } else {
            1
        };
        let work = Work {
            run: run_body::<F>,
            data: (&body as *const F).cast(),
            plan: crate::schedule::Plan::Blocks,
            len: 0,
            master: &mut |t| body(t),
        };
        run_region(self.registry, size, work);
    }

    /// Starts the region's workers on `body` and returns with the calling thread as thread 0 of
    /// the team: it runs its own share while the region is open (with [`OpenRegion::team`], or
    /// through [`crate::with_team`] and everything built on it), then calls [`OpenRegion::end`].
    /// For callers whose master share cannot be a closure (gcc's `GOMP_parallel_start`); Rust
    /// code uses [`Region::run`].
    ///
    /// # Safety
    /// `body` must stay alive until the region has ended; the region must end on this thread,
    /// after every region opened on this thread later (regions end in reverse order of opening).
    ///
    /// ```
    /// let body = |t: &parfor::Team| t.barrier();
    /// // SAFETY: `body` outlives the region, which ends on this thread below.
    /// let open = unsafe { parfor::region().num_threads(2).open(&body) };
    /// body(open.team());
    /// open.end();
    /// ```
    pub unsafe fn open<F: Fn(&Team) + Sync>(self, body: *const F) -> OpenRegion {
        let size = if self.parallel {
            self.registry.team_size(self.num_threads)
        } else {
            1
        };
        // SAFETY: the caller's contract.
        unsafe { OpenRegion::open(self.registry, size, body) }
    }
}

impl Pool {
    /// A region on this pool.
    ///
    /// ```
    /// let pool = parfor::Pool::builder().threads(2).build().unwrap();
    /// pool.region().num_threads(2).run(|t| assert!(t.num_threads() <= 2));
    /// ```
    pub fn region(&self) -> Region<'_> {
        Region {
            registry: &self.registry,
            num_threads: None,
            parallel: true,
        }
    }

    /// [`parallel`] on this pool.
    ///
    /// ```
    /// let pool = parfor::Pool::builder().threads(2).build().unwrap();
    /// pool.parallel(|t| t.barrier());
    /// ```
    pub fn parallel(&self, body: impl Fn(&Team) + Sync) {
        self.region().run(body)
    }
}
