//! Parallel regions: `GOMP_parallel`, and the start of every region the combined forms
//! (`GOMP_parallel_loop_*`, `GOMP_parallel_sections`) open.
//!
//! gcc outlines the body of `#pragma omp parallel` into `fn(data)`, where `data` points to the
//! shared variables on the encountering thread's stack; every thread of the team calls it. The
//! region runs on parfor's team model (`parfor::region()`), so OpenMP code and parfor's own API
//! share one pool, one nesting level count and one set of ICVs.
//!
//! gcc before 4.9 split a region in two calls: `GOMP_parallel_start` starts the workers and returns,
//! the encountering thread calls the body itself as thread 0, then `GOMP_parallel_end` waits for
//! the team (`parfor::Region::open`). Those open regions are kept on a per-thread stack.
//!
//! Not supported: the `proc_bind` clause (`flags & 7`) is ignored (`OMP_PROC_BIND` applies).
//!
//! ```c
//! #pragma omp parallel num_threads(4)   // GOMP_parallel(main._omp_fn.0, &data, 4, 0)
//! work();
//! ```

use crate::missing::abort_with;
use crate::{cancel, task_env, worksharing};
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
/// `lastprivate(conditional:)` loops), freed when the region has ended on every thread, and the
/// cancel flag of its `for` and `sections` constructs.
#[derive(Default)]
struct Arena {
    buffers: Mutex<Vec<Box<[u128]>>>,
    cancel: cancel::WorkshareCancel,
}

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
            .buffers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(buffer),
        None => ORPHAN.with(|o| *o.borrow_mut() = Some(buffer)),
    }
    pointer
}

/// The cancel flag of the `for` and `sections` constructs of the region this thread runs in
/// (`None` outside any).
pub(crate) fn with_workshare_cancel<R>(f: impl FnOnce(Option<&cancel::WorkshareCancel>) -> R) -> R {
    let arena = ARENA.with(Cell::get);
    // SAFETY: as in `region_memory`.
    f(unsafe { arena.as_ref() }.map(|a| &a.cancel))
}

/// What a thread of a region set up before the body, restored after it.
struct Entered {
    arena: *const Arena,
    task: Option<task_env::TaskEnv>,
    loop_: worksharing::Current,
    taskgroup: Option<std::sync::Arc<cancel::Taskgroup>>,
}

impl Entered {
    /// Makes `arena` this thread's region arena and gives it a fresh implicit task of `parent`
    /// and no loop.
    fn new(arena: &Arena, parent: task_env::TaskEnv) -> Entered {
        Entered {
            arena: ARENA.with(|a| a.replace(arena)),
            task: task_env::enter(parent),
            loop_: worksharing::enter_region(),
            taskgroup: cancel::swap_taskgroup(None),
        }
    }

    /// Restores what this thread had before the region.
    fn leave(self) {
        cancel::swap_taskgroup(self.taskgroup);
        worksharing::leave_region(self.loop_);
        task_env::leave(self.task);
        ARENA.with(|a| a.set(self.arena));
    }
}

/// What a region asks of the pool: its team size (None: the default), and the threads reserved
/// from the task's contention group (returned when the region ends).
struct Request {
    parent: task_env::TaskEnv,
    size: Option<usize>,
    reserved: Option<usize>,
}

impl Request {
    fn new(num_threads: c_uint) -> Request {
        let parent = task_env::current();
        let mut size = match usize::try_from(num_threads) {
            Ok(0) | Err(_) => task_env::nthreads(),
            Ok(n) => Some(n),
        };
        let reserved = task_env::thread_limit().map(|_| {
            let reserved = task_env::reserve(size.unwrap_or_else(parfor::max_threads));
            size = Some(reserved);
            reserved
        });
        Request {
            parent,
            size,
            reserved,
        }
    }

    fn region(&self) -> parfor::Region<'static> {
        match self.size {
            Some(n) => parfor::region().num_threads(n),
            None => parfor::region(),
        }
    }

    /// After the region: returns the reserved threads; aborts if the region failed other than
    /// by `parfor_cancel()`, since unwinding must not cross the C ABI.
    fn finish(self, ran: std::thread::Result<()>) {
        if let Some(size) = self.reserved {
            task_env::release(size);
        }
        if let Err(payload) = ran {
            if payload.downcast_ref::<parfor::Cancelled>().is_none() {
                abort_with("a parallel region failed inside the parfor runtime");
            }
        }
    }
}

/// Runs `body(data)` on every thread of a team of `num_threads` (0: the default size), after
/// `setup()` on each thread (the combined forms open their worksharing construct there).
///
/// A region stopped by `parfor_cancel()` returns normally; any other unwinding out of the
/// runtime aborts with a message, since it must not cross the C ABI.
pub(crate) fn run(body: Body, data: *mut c_void, num_threads: c_uint, setup: impl Fn() + Sync) {
    let outlined = Outlined { body, data };
    let request = Request::new(num_threads);
    let arena = Arena::default();
    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        request.region().run(|_| {
            let entered = Entered::new(&arena, request.parent);
            setup();
            outlined.call();
            entered.leave();
        })
    }));
    request.finish(ran);
}

/// A region opened by a split start (`GOMP_parallel_start` and the combined `_start` forms),
/// kept until its `GOMP_parallel_end`.
struct Split {
    /// Thread 0's set-up, restored at the end.
    entered: Option<Entered>,
    /// The workers' share (declared before what it points to: dropped first).
    workers: Box<dyn Fn(&parfor::Team) + Sync>,
    /// What every thread's share reads, on the heap so that its address holds while the master
    /// runs the body on its own.
    shared: Box<SplitShare>,
}

/// The part of a split region every thread reads.
struct SplitShare {
    outlined: Outlined,
    setup: Box<dyn Fn() + Sync>,
    arena: Arena,
    request: Request,
}

impl SplitShare {
    /// A thread's share up to the body: the region's arena and task, and the combined form's
    /// construct opened.
    fn enter(&self) -> Entered {
        let entered = Entered::new(&self.arena, self.request.parent);
        (self.setup)();
        entered
    }
}

/// The address of a [`SplitShare`], for the workers' share to carry.
#[derive(Clone, Copy)]
struct SharePtr(*const SplitShare);

// SAFETY: a `SplitShare` is shared by the team (its arena has a mutex, the rest is read-only);
// the pointer is only read, while `end_split` keeps the share alive.
unsafe impl Send for SharePtr {}
// SAFETY: as above.
unsafe impl Sync for SharePtr {}

thread_local! {
    /// The split regions this thread opened as master and has not ended, innermost last.
    static SPLIT: RefCell<Vec<(Box<Split>, parfor::OpenRegion)>> = const { RefCell::new(Vec::new()) };
}

/// Opens a region of `num_threads` (0: the default size) whose workers run `setup()` then
/// `body(data)`, and returns on thread 0 after its `setup()`: the caller runs `body(data)`, then
/// [`end_split`] ends the region.
pub(crate) fn start_split(
    body: Body,
    data: *mut c_void,
    num_threads: c_uint,
    setup: impl Fn() + Sync + 'static,
) {
    let shared = Box::new(SplitShare {
        outlined: Outlined { body, data },
        setup: Box::new(setup),
        arena: Arena::default(),
        request: Request::new(num_threads),
    });
    let share = SharePtr(&*shared);
    // Boxed: the workers run the closure at its address in `split`, which must not move.
    let mut split = Box::new(Split {
        entered: None,
        workers: Box::new(move |_| {
            let share = share;
            // SAFETY: `end_split` keeps the `SplitShare` until the team has finished.
            let shared = unsafe { &*share.0 };
            let entered = shared.enter();
            shared.outlined.call();
            entered.leave();
        }),
        shared,
    });
    let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: the body lives in the boxed closure of `split`, dropped by `end_split` after the
        // region has ended on this thread; regions end in reverse order through SPLIT's stack.
        unsafe { split.shared.request.region().open(&split.workers) }
    }));
    let Ok(open) = opened else {
        abort_with("a parallel region failed to start inside the parfor runtime")
    };
    split.entered = Some(split.shared.enter());
    SPLIT.with(|s| s.borrow_mut().push((split, open)));
}

/// Ends the innermost split region this thread opened: waits until its team has finished.
/// Aborts with a message when there is none.
pub(crate) fn end_split() {
    let Some((mut split, open)) = SPLIT.with(|s| s.borrow_mut().pop()) else {
        abort_with("GOMP_parallel_end called without a region opened by GOMP_parallel_start")
    };
    if let Some(entered) = split.entered.take() {
        entered.leave();
    }
    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| open.end()));
    let Split {
        workers, shared, ..
    } = *split;
    drop(workers);
    let SplitShare { request, .. } = *shared;
    request.finish(ran);
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

/// `#pragma omp parallel` as gcc before 4.9 emits it: starts the team's workers on `body(data)`
/// and returns; the caller then runs `body(data)` as thread 0 and calls [`GOMP_parallel_end`].
///
/// ```c
/// GOMP_parallel_start(main._omp_fn.0, &data, 0);
/// main._omp_fn.0(&data);
/// GOMP_parallel_end();
/// ```
///
/// # Safety
/// `body` and `data` are what gcc emits for a parallel region; they stay valid until the
/// matching `GOMP_parallel_end` on this thread.
#[no_mangle]
pub unsafe extern "C" fn GOMP_parallel_start(body: Body, data: *mut c_void, num_threads: c_uint) {
    start_split(body, data, num_threads, || {})
}

/// Ends the region the last `GOMP_parallel_start` (or combined `_start` form) on this thread
/// opened: returns when every thread of its team has finished.
#[no_mangle]
pub extern "C" fn GOMP_parallel_end() {
    end_split()
}
