//! Parallel regions: `GOMP_parallel`, and the start of every region the combined forms
//! (`GOMP_parallel_loop_*`, `GOMP_parallel_sections`) open.
//!
//! gcc outlines the body of `#pragma omp parallel` into `fn(data)`, where `data` points to the
//! shared variables on the encountering thread's stack; every thread of the team calls it. The
//! region runs on parfor's team model (`parfor::region()`), so OpenMP code and parfor's own API
//! share one pool, one nesting level count and one set of ICVs.
//!
//! Not supported: the `proc_bind` clause (`flags & 7`) is ignored (`OMP_PROC_BIND` applies), and
//! the split `GOMP_parallel_start`/`GOMP_parallel_end` of gcc before 4.9 abort, since parfor runs
//! a region as one call that returns when the team has finished.
//!
//! ```c
//! #pragma omp parallel num_threads(4)   // GOMP_parallel(main._omp_fn.0, &data, 4, 0)
//! work();
//! ```

use crate::missing::abort_with;
use crate::{task_env, worksharing};
use std::cell::{Cell, RefCell};
use std::ffi::c_void;
use std::os::raw::c_uint;
use std::sync::Mutex;

/// An outlined region body as gcc emits it.
pub type Body = unsafe extern "C" fn(*mut c_void);

/// The body and its data, handed to every thread of the team.
#[derive(Clone, Copy)]
struct Outlined {
    body: Body,
    data: *mut c_void,
}

impl Outlined {
    fn call(&self) {
        // SAFETY: gcc's outlined body, called with its own data as on every team thread.
        unsafe { (self.body)(self.data) }
    }
}

// SAFETY: gcc outlines a region body to be called on every thread of the team at once with the
// same `data` (its shared variables); synchronising access to them is the program's part.
unsafe impl Sync for Outlined {}

/// Memory the constructs of one region share (the buffers of `scan` and
/// `lastprivate(conditional:)` loops), freed when the region has ended on every thread.
#[derive(Default)]
struct Arena(Mutex<Vec<Box<[u128]>>>);

thread_local! {
    /// The arena of the region this thread runs in (null outside any).
    static ARENA: Cell<*const Arena> = const { Cell::new(std::ptr::null()) };
    /// Outside any region: the last buffer handed out, kept until the next.
    static ORPHAN: RefCell<Option<Box<[u128]>>> = const { RefCell::new(None) };
}

/// `size` zeroed bytes, 16-aligned, alive until the region this thread runs in ends (outside any
/// region: until the next call on this thread). Aborts when the memory cannot be had.
pub(crate) fn region_memory(size: usize) -> *mut c_void {
    let mut buffer = Vec::new();
    if buffer.try_reserve_exact(size.div_ceil(16)).is_err() {
        abort_with("out of memory for a loop's team-shared buffer");
    }
    buffer.resize(size.div_ceil(16), 0u128);
    let mut buffer = buffer.into_boxed_slice();
    let pointer = buffer.as_mut_ptr().cast::<c_void>();
    let arena = ARENA.with(Cell::get);
    // SAFETY: a non-null ARENA points to the arena of the region this thread runs in, which
    // `run` keeps alive until every thread of the team has left it.
    match unsafe { arena.as_ref() } {
        Some(arena) => arena
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(buffer),
        None => ORPHAN.with(|o| *o.borrow_mut() = Some(buffer)),
    }
    pointer
}

/// Runs `body(data)` on every thread of a team of `num_threads` (0: the default size), after
/// `setup()` on each thread (the combined forms open their worksharing construct there).
///
/// A region stopped by `parfor_cancel()` returns normally; any other unwinding out of the
/// runtime aborts with a message, since it must not cross the C ABI.
pub(crate) fn run(body: Body, data: *mut c_void, num_threads: c_uint, setup: impl Fn() + Sync) {
    let outlined = Outlined { body, data };
    let parent = task_env::current();
    let mut requested = match usize::try_from(num_threads) {
        Ok(0) | Err(_) => task_env::nthreads(),
        Ok(n) => Some(n),
    };
    let reserved = task_env::thread_limit().map(|_| {
        let size = task_env::reserve(requested.unwrap_or_else(parfor::max_threads));
        requested = Some(size);
        size
    });
    let mut region = parfor::region();
    if let Some(n) = requested {
        region = region.num_threads(n);
    }
    let arena = Arena::default();
    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        region.run(|_| {
            let outer_arena = ARENA.with(|a| a.replace(&arena));
            let outer_task = task_env::enter(parent);
            let outer_loop = worksharing::enter_region();
            setup();
            outlined.call();
            worksharing::leave_region(outer_loop);
            task_env::leave(outer_task);
            ARENA.with(|a| a.set(outer_arena));
        })
    }));
    if let Some(size) = reserved {
        task_env::release(size);
    }
    if let Err(payload) = ran {
        if payload.downcast_ref::<parfor::Cancelled>().is_none() {
            abort_with("a parallel region failed inside the parfor runtime");
        }
    }
}

/// `#pragma omp parallel`: runs `body(data)` on every thread of a team of `num_threads` threads
/// (0: `omp_get_max_threads()` of the encountering task; gcc passes 1 for a false `if` clause)
/// and returns when all are done. Nested regions get a team of one unless
/// `OMP_MAX_ACTIVE_LEVELS` allows more.
///
/// # Safety
/// `body` and `data` are what gcc emits for a parallel region.
#[no_mangle]
pub unsafe extern "C" fn GOMP_parallel(
    body: Body,
    data: *mut c_void,
    num_threads: c_uint,
    _flags: c_uint,
) {
    run(body, data, num_threads, || {})
}
