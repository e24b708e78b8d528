//! Tasks on parfor's runtime: `GOMP_task` spawns a task of the encountering thread's current task
//! (`parfor::task_depend`), which any thread of the team may run, by the next barrier at the
//! latest; `GOMP_taskwait`, `GOMP_taskgroup_start/end`, `GOMP_taskyield` and `GOMP_taskloop` act on
//! the same tasks, and `depend` clauses (gcc's two array formats, see [`crate::task_depend`]) order
//! sibling tasks.
//!
//! A deferred task owns a copy of its firstprivate block, made when the task is created (by
//! gcc's `cpyfn`, else `memcpy`, at `arg_align`). `if(0)` and final tasks run at once on the
//! encountering thread (after the siblings their dependences name), with the block copied only
//! when gcc gives a `cpyfn`. The `priority` clause is accepted and ignored (it is a hint; every
//! task has the same priority). A task with `detach`, and task reductions, abort.
//!
//! ```c
//! #pragma omp task firstprivate(i)   // GOMP_task(fn, &data, NULL, 8, 8, 1, 0, NULL, 0, NULL)
//! work(i);
//! ```

use crate::missing::abort_with;
use crate::region::Body;
use crate::task_depend::{dependences, DependArray};
use crate::task_env::{self, TaskEnv};
use parfor::{Dep, TaskOptions};
use std::cell::Cell;
use std::ffi::c_void;
use std::os::raw::{c_int, c_long, c_uint, c_ulong};

const FLAG_FINAL: c_uint = 1 << 1;
const FLAG_DEPEND: c_uint = 1 << 3;
const FLAG_UP: c_uint = 1 << 8;
const FLAG_GRAINSIZE: c_uint = 1 << 9;
const FLAG_IF: c_uint = 1 << 10;
const FLAG_NOGROUP: c_uint = 1 << 11;
const FLAG_REDUCTION: c_uint = 1 << 12;
const FLAG_DETACH: c_uint = 1 << 13;
const FLAG_STRICT: c_uint = 1 << 14;

/// gcc's copy function for a task's firstprivate block: `cpyfn(destination, source)`.
pub type CopyFn = unsafe extern "C" fn(*mut c_void, *mut c_void);

thread_local! {
    /// Whether this thread runs a final task (its descendants are final too).
    static IN_FINAL: Cell<bool> = const { Cell::new(false) };
}

/// What gcc gives for a task's firstprivate block: where it is, how to copy it, its layout.
#[derive(Clone, Copy)]
struct Firstprivate {
    data: *mut c_void,
    cpyfn: Option<CopyFn>,
    size: usize,
    align: usize,
}

impl Firstprivate {
    fn new(data: *mut c_void, cpyfn: Option<CopyFn>, arg_size: c_long, arg_align: c_long) -> Self {
        Firstprivate {
            data,
            cpyfn,
            size: usize::try_from(arg_size).unwrap_or(0),
            align: usize::try_from(arg_align).unwrap_or(1).max(1),
        }
    }

    /// The block the task runs with: a copy it owns when it may run after the caller returns
    /// (`deferred`) or when gcc asks for copy constructors (`cpyfn`), else the caller's block.
    ///
    /// # Safety
    /// `data` holds `size` bytes (and what `cpyfn` reads).
    unsafe fn block(&self, deferred: bool) -> Block {
        if self.size == 0 || (!deferred && self.cpyfn.is_none()) {
            return Block {
                storage: Vec::new(),
                pointer: self.data,
            };
        }
        let mut storage = Vec::new();
        let pointer = aligned_buffer(&mut storage, self.size, self.align);
        match self.cpyfn {
            // SAFETY: `pointer` has `size` writable bytes at `align`; gcc's copy function fills it.
            Some(copy) => unsafe { copy(pointer, self.data) },
            // SAFETY: both ranges hold `size` bytes and do not overlap (a fresh allocation).
            None => unsafe {
                std::ptr::copy_nonoverlapping(self.data.cast::<u8>(), pointer.cast(), self.size)
            },
        }
        Block { storage, pointer }
    }
}

/// A task's firstprivate block: `pointer`, inside `storage` when the task owns a copy.
struct Block {
    storage: Vec<u8>,
    pointer: *mut c_void,
}

/// A task as gcc describes it, ready to run on any thread of the team.
struct GompTask {
    body: Body,
    block: Block,
    /// The data environment it inherits from the task that created it.
    env: TaskEnv,
    final_: bool,
    /// The taskgroup it was created in (see [`crate::cancel`]).
    taskgroup: Option<std::sync::Arc<crate::cancel::Taskgroup>>,
}

// SAFETY: gcc outlines a task to run on any thread of the team; its block is its own copy or, for
// an undeferred task, the creating thread's block, alive until the task has run.
unsafe impl Send for GompTask {}

impl GompTask {
    fn run(self) {
        let was_final = IN_FINAL.with(|f| f.replace(self.final_));
        let outer = task_env::enter(self.env);
        let (body, pointer) = (self.body, self.block.pointer);
        crate::cancel::run_in_taskgroup(self.taskgroup, || {
            // SAFETY: gcc's task body with its firstprivate block.
            unsafe { body(pointer) }
        });
        task_env::leave(outer);
        IN_FINAL.with(|f| f.set(was_final));
        drop(self.block.storage);
    }
}

/// How a task runs: deferred unless `if(0)` or final; final when gcc says so or when it is
/// created inside a final task.
fn options(if_clause: bool, final_clause: bool) -> TaskOptions {
    let final_ = final_clause || IN_FINAL.with(Cell::get);
    TaskOptions {
        deferred: if_clause && !final_,
        final_,
    }
}

/// Spawns gcc's task `body` with firstprivate block `block` as a child of the current task, after
/// the sibling tasks `deps` names.
fn spawn(body: Body, block: Block, options: TaskOptions, deps: &[Dep]) {
    let task = GompTask {
        body,
        block,
        env: task_env::current(),
        final_: options.final_,
        taskgroup: crate::cancel::current_taskgroup(),
    };
    parfor::task_depend(options, deps, move || task.run());
}

/// `size` bytes at an `align`-aligned address inside `storage` (resized to fit); aborts when the
/// memory cannot be had (a task cannot report failure).
///
/// ```text
/// let mut v = Vec::new();
/// let p = aligned_buffer(&mut v, 24, 16);   // p % 16 == 0, 24 bytes usable
/// ```
pub(crate) fn aligned_buffer(storage: &mut Vec<u8>, size: usize, align: usize) -> *mut c_void {
    let align = align.max(1);
    let total = size.saturating_add(align - 1);
    if storage.try_reserve_exact(total).is_err() {
        abort_with("out of memory for a task's or target region's private copy");
    }
    storage.resize(total, 0);
    let base = storage.as_mut_ptr();
    base.wrapping_add(base.align_offset(align)).cast()
}

/// `#pragma omp task`: spawns a task of the current task (deferred unless `if(0)` or final).
/// `priority` is accepted and ignored.
///
/// # Safety
/// The arguments are what gcc emits for a task.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // gcc's signature
pub unsafe extern "C" fn GOMP_task(
    task: Body,
    data: *mut c_void,
    cpyfn: Option<CopyFn>,
    arg_size: c_long,
    arg_align: c_long,
    if_clause: bool,
    flags: c_uint,
    depend: *mut *mut c_void,
    _priority: c_int,
    _detach: *mut c_void,
) {
    if flags & FLAG_DETACH != 0 {
        abort_with("GOMP_task with detach (omp_fulfill_event) is not implemented");
    }
    let deps = if flags & FLAG_DEPEND != 0 {
        // SAFETY: gcc passes its depend array with the DEPEND flag.
        unsafe { dependences(DependArray(depend), "GOMP_task") }
    } else {
        Vec::new()
    };
    let options = options(if_clause, flags & FLAG_FINAL != 0);
    let data = Firstprivate::new(data, cpyfn, arg_size, arg_align);
    // SAFETY: forwarded contract.
    let block = unsafe { data.block(options.deferred) };
    spawn(task, block, options, &deps)
}

/// How `taskloop` splits `n` iterations as libgomp does: the number of tasks and, with the
/// `strict` modifier, the exact grain of every task but the last.
fn taskloop_tasks(n: u64, flags: c_uint, num_tasks: c_ulong) -> (u64, Option<u64>) {
    let team = u64::try_from(parfor::num_threads()).unwrap_or(1);
    if flags & FLAG_GRAINSIZE != 0 {
        let grain = num_tasks.max(1);
        if flags & FLAG_STRICT != 0 {
            return (n.div_ceil(grain), Some(grain));
        }
        return ((n / grain).max(1), None);
    }
    let wanted = if num_tasks == 0 { team } else { num_tasks };
    (wanted.clamp(1, n.max(1)), None)
}

/// Runs a taskloop over `n` iterations starting at bit pattern `start` with step `step`: each
/// task gets its own copy of `data` with its first two 64-bit words set to its bounds; the tasks
/// are deferred unless `if(0)` or final, in a taskgroup unless `nogroup`.
///
/// # Safety
/// As `GOMP_taskloop`.
unsafe fn taskloop(
    task: Body,
    data: Firstprivate,
    flags: c_uint,
    num_tasks: c_ulong,
    (start, step, n): (u64, u64, u64),
) {
    if flags & FLAG_REDUCTION != 0 {
        abort_with("GOMP_taskloop with reduction or in_reduction is not implemented");
    }
    if n == 0 {
        return; // gcc's task body assumes at least one iteration
    }
    if data.size < 16 {
        abort_with("GOMP_taskloop: the data block is smaller than the task's bounds");
    }
    let (tasks, strict) = taskloop_tasks(n, flags, num_tasks);
    let options = options(flags & FLAG_IF != 0, flags & FLAG_FINAL != 0);
    let group = flags & FLAG_NOGROUP == 0;
    if group {
        GOMP_taskgroup_start();
    }
    let mut lo = 0u64;
    for t in 0..tasks {
        let count = match strict {
            Some(grain) => grain.min(n - lo),
            None => n / tasks + u64::from(t < n % tasks),
        };
        let hi = lo + count;
        let bounds = [
            start.wrapping_add(lo.wrapping_mul(step)),
            start.wrapping_add(hi.wrapping_mul(step)),
        ];
        // SAFETY: forwarded contract; a copy even when undeferred: it carries the bounds.
        let block = unsafe { data.block(true) };
        // SAFETY: gcc's taskloop data begins with the task's start and end (two 64-bit words),
        // and `block` is aligned for them (`arg_align`).
        unsafe { block.pointer.cast::<[u64; 2]>().write(bounds) };
        spawn(task, block, options, &[]);
        lo = hi;
    }
    if group {
        GOMP_taskgroup_end();
    }
}

/// `#pragma omp taskloop` over `long`. `priority` is accepted and ignored.
///
/// # Safety
/// The arguments are what gcc emits for a taskloop.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // gcc's signature
pub unsafe extern "C" fn GOMP_taskloop(
    task: Body,
    data: *mut c_void,
    cpyfn: Option<CopyFn>,
    arg_size: c_long,
    arg_align: c_long,
    flags: c_uint,
    num_tasks: c_ulong,
    _priority: c_int,
    start: c_long,
    end: c_long,
    step: c_long,
) {
    let n = crate::worksharing::Space::signed(start, end, step).len();
    let data = Firstprivate::new(data, cpyfn, arg_size, arg_align);
    // SAFETY: forwarded contract.
    unsafe { taskloop(task, data, flags, num_tasks, (start as u64, step as u64, n)) }
}

/// `#pragma omp taskloop` over `unsigned long long` (`flags` says the direction). `priority` is
/// accepted and ignored.
///
/// # Safety
/// The arguments are what gcc emits for a taskloop.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // gcc's signature
pub unsafe extern "C" fn GOMP_taskloop_ull(
    task: Body,
    data: *mut c_void,
    cpyfn: Option<CopyFn>,
    arg_size: c_long,
    arg_align: c_long,
    flags: c_uint,
    num_tasks: c_ulong,
    _priority: c_int,
    start: u64,
    end: u64,
    step: u64,
) {
    let n = crate::worksharing::Space::unsigned(flags & FLAG_UP != 0, start, end, step).len();
    let data = Firstprivate::new(data, cpyfn, arg_size, arg_align);
    // SAFETY: forwarded contract.
    unsafe { taskloop(task, data, flags, num_tasks, (start, step, n)) }
}

/// `#pragma omp taskwait`: waits for the current task's children, running queued tasks meanwhile.
#[no_mangle]
pub extern "C" fn GOMP_taskwait() {
    // A region stopped by parfor_cancel() releases its waits; C code just goes on to its end.
    parfor::taskwait().ok();
}

/// `#pragma omp taskwait depend(...)`: waits for the sibling tasks the dependences name.
///
/// # Safety
/// `depend` is gcc's depend array.
#[no_mangle]
pub unsafe extern "C" fn GOMP_taskwait_depend(depend: *mut *mut c_void) {
    // SAFETY: forwarded contract.
    unsafe { wait_for_dependences(depend, "GOMP_taskwait_depend") }
}

/// Waits (running queued tasks) until the earlier sibling tasks that `depend` names have
/// finished, as an undeferred task with those dependences does before it runs (`caller` is
/// named if a dependence kind is not supported). Null `depend`: returns at once.
///
/// # Safety
/// `depend` is null or gcc's depend array.
pub(crate) unsafe fn wait_for_dependences(depend: *mut *mut c_void, caller: &str) {
    // SAFETY: forwarded contract.
    let deps = unsafe { dependences(DependArray(depend), caller) };
    if deps.is_empty() {
        return;
    }
    let undeferred = TaskOptions {
        deferred: false,
        final_: false,
    };
    parfor::task_depend(undeferred, &deps, || {});
}

/// `#pragma omp taskyield`: runs a queued task of the team, if there is one.
#[no_mangle]
pub extern "C" fn GOMP_taskyield() {
    parfor::taskyield()
}

/// `#pragma omp taskgroup`: opens a taskgroup in the current task.
#[no_mangle]
pub extern "C" fn GOMP_taskgroup_start() {
    parfor::taskgroup_begin();
    crate::cancel::taskgroup_start();
}

/// The end of a taskgroup: waits for its tasks and their descendants.
#[no_mangle]
pub extern "C" fn GOMP_taskgroup_end() {
    parfor::taskgroup_end().ok();
    crate::cancel::taskgroup_end();
}

/// Whether this thread runs a final task.
#[no_mangle]
pub extern "C" fn omp_in_final() -> c_int {
    c_int::from(IN_FINAL.with(Cell::get))
}
