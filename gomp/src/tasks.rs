//! Tasks, run undeferred: `GOMP_task` runs the task at once on the encountering thread (with its
//! firstprivate block copied as gcc asks), so every `taskwait`, `taskgroup` and dependence is
//! already satisfied when reached. `taskloop` runs its tasks one after another. A task with
//! `detach`, or task reductions, aborts: both need deferred tasks.
//!
//! ```c
//! #pragma omp task firstprivate(i)   // GOMP_task(fn, &data, NULL, 8, 8, 1, 0, NULL, 0, NULL)
//! work(i);
//! ```

use crate::missing::abort_with;
use crate::region::Body;
use crate::task_env;
use std::cell::Cell;
use std::ffi::c_void;
use std::os::raw::{c_int, c_long, c_uint, c_ulong};

const FLAG_FINAL: c_uint = 1 << 1;
const FLAG_UP: c_uint = 1 << 8;
const FLAG_GRAINSIZE: c_uint = 1 << 9;
const FLAG_REDUCTION: c_uint = 1 << 12;
const FLAG_DETACH: c_uint = 1 << 13;
const FLAG_STRICT: c_uint = 1 << 14;

/// gcc's copy function for a task's firstprivate block: `cpyfn(destination, source)`.
pub type CopyFn = unsafe extern "C" fn(*mut c_void, *mut c_void);

thread_local! {
    /// Whether this thread runs a final task (its descendants are final too).
    static IN_FINAL: Cell<bool> = const { Cell::new(false) };
}

/// Runs `task(block)` where `block` is a fresh, aligned copy of `data` (`cpyfn`, else memcpy),
/// or `data` itself when there is nothing to copy; `prepare(block)` runs after the copy (taskloop
/// writes the task's bounds there). `final_task` makes the task and its descendants final.
///
/// # Safety
/// As `GOMP_task`: `data` holds `arg_size` bytes; `task` and `cpyfn` are gcc's.
unsafe fn run_task(
    task: Body,
    data: *mut c_void,
    cpyfn: Option<CopyFn>,
    arg_size: c_long,
    arg_align: c_long,
    final_task: bool,
    prepare: impl FnOnce(*mut c_void),
) {
    let size = usize::try_from(arg_size).unwrap_or(0);
    let align = usize::try_from(arg_align).unwrap_or(1);
    let mut storage = Vec::new();
    let block = if size == 0 {
        data
    } else {
        let block = aligned_buffer(&mut storage, size, align);
        match cpyfn {
            // SAFETY: `block` has `size` writable bytes at `align`; gcc's copy function fills it.
            Some(copy) => unsafe { copy(block, data) },
            // SAFETY: both ranges hold `size` bytes and do not overlap (fresh allocation).
            None => unsafe { std::ptr::copy_nonoverlapping(data.cast::<u8>(), block.cast(), size) },
        }
        block
    };
    prepare(block);
    let was_final = IN_FINAL.with(|f| f.replace(f.get() || final_task));
    let outer = task_env::enter(task_env::current());
    // SAFETY: gcc's task body with its own data block.
    unsafe { task(block) };
    task_env::leave(outer);
    IN_FINAL.with(|f| f.set(was_final));
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

/// `#pragma omp task`: runs the task now, on this thread (undeferred).
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
    _if_clause: bool,
    flags: c_uint,
    _depend: *mut *mut c_void,
    _priority: c_int,
    _detach: *mut c_void,
) {
    if flags & FLAG_DETACH != 0 {
        abort_with("GOMP_task with detach is not implemented (tasks run undeferred)");
    }
    // SAFETY: forwarded contract.
    unsafe {
        run_task(
            task,
            data,
            cpyfn,
            arg_size,
            arg_align,
            flags & FLAG_FINAL != 0,
            |_| {},
        )
    }
}

/// How `taskloop` splits `n` iterations: the number of tasks and whether every task but the last
/// gets exactly `grainsize` (the `strict` modifier).
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
/// task gets its own copy of `data` with its first two 64-bit words set to its bounds.
///
/// # Safety
/// As `GOMP_taskloop`.
#[allow(clippy::too_many_arguments)]
unsafe fn taskloop(
    task: Body,
    data: *mut c_void,
    cpyfn: Option<CopyFn>,
    arg_size: c_long,
    arg_align: c_long,
    flags: c_uint,
    num_tasks: c_ulong,
    (start, step, n): (u64, u64, u64),
) {
    if flags & FLAG_REDUCTION != 0 {
        abort_with("GOMP_taskloop with reductions is not implemented");
    }
    if n == 0 {
        return; // gcc's task body assumes at least one iteration
    }
    let (tasks, strict) = taskloop_tasks(n, flags, num_tasks);
    let mut lo = 0u64;
    for t in 0..tasks {
        let count = match strict {
            Some(grain) => grain.min(n - lo),
            None => n / tasks + u64::from(t < n % tasks),
        };
        let hi = lo + count;
        let bounds = (
            start.wrapping_add(lo.wrapping_mul(step)),
            start.wrapping_add(hi.wrapping_mul(step)),
        );
        let set_bounds = |block: *mut c_void| {
            // SAFETY: gcc's taskloop data begins with the task's start and end (two 64-bit words).
            unsafe {
                block.cast::<u64>().write(bounds.0);
                block.cast::<u64>().add(1).write(bounds.1);
            }
        };
        let final_task = flags & FLAG_FINAL != 0;
        // SAFETY: forwarded contract.
        unsafe {
            run_task(
                task, data, cpyfn, arg_size, arg_align, final_task, set_bounds,
            )
        };
        lo = hi;
    }
}

/// `#pragma omp taskloop` over `long`: its tasks run now, one after another.
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
    let space = (start as u64, step as u64, n);
    // SAFETY: forwarded contract.
    unsafe {
        taskloop(
            task, data, cpyfn, arg_size, arg_align, flags, num_tasks, space,
        )
    }
}

/// `#pragma omp taskloop` over `unsigned long long` (`flags` says the direction).
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
    // SAFETY: forwarded contract.
    unsafe {
        taskloop(
            task,
            data,
            cpyfn,
            arg_size,
            arg_align,
            flags,
            num_tasks,
            (start, step, n),
        )
    }
}

/// Nothing to wait for: child tasks ran when created.
#[no_mangle]
pub extern "C" fn GOMP_taskwait() {}

/// Nothing to wait for (dependences of undeferred tasks are met in program order).
#[no_mangle]
pub extern "C" fn GOMP_taskwait_depend(_depend: *mut *mut c_void) {}

/// No other task to switch to.
#[no_mangle]
pub extern "C" fn GOMP_taskyield() {}

/// A taskgroup: its tasks run as they are created.
#[no_mangle]
pub extern "C" fn GOMP_taskgroup_start() {}

/// The end of a taskgroup: its tasks have already run.
#[no_mangle]
pub extern "C" fn GOMP_taskgroup_end() {}

/// Whether this thread runs a final task.
#[no_mangle]
pub extern "C" fn omp_in_final() -> c_int {
    c_int::from(IN_FINAL.with(Cell::get))
}
