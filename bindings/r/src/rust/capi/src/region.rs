//! Parallel regions from C: `parfor_parallel` runs a function on every thread of a team, and the
//! team constructs are called from inside it (barrier, single, copyprivate, critical, worksharing
//! loops with nowait and ordered, sections, level queries).
//!
//! Outside a region every construct acts as on a team of one (OpenMP's orphaned constructs): a
//! barrier returns at once, a single runs, a loop runs all its iterations on the caller. Inside a
//! region that is stopping (`parfor_cancel`), constructs return `PARFOR_ERR_CANCELLED` instead of
//! waiting for threads that will not come.

use crate::loops::{parfor_body, parfor_body_f64, Context, Reduction};
use crate::schedule::parfor_schedule;
use crate::status::{guard, non_null, Failure, Outcome, PARFOR_ERR_CANCELLED};
use parfor::{Schedule, Team};
use std::ffi::{c_char, c_int, c_void, CStr};

/// A region body or a block run by a construct: called with the caller's context.
#[allow(non_camel_case_types)]
pub type parfor_fn = Option<unsafe extern "C" fn(ctx: *mut c_void)>;

/// A block that returns a value to share with the team (copyprivate).
#[allow(non_camel_case_types)]
pub type parfor_copy_fn = Option<unsafe extern "C" fn(ctx: *mut c_void) -> *mut c_void>;

/// A section of `parfor_sections`: called with its index (from 0) and the context.
#[allow(non_camel_case_types)]
pub type parfor_section_fn = Option<unsafe extern "C" fn(index: i32, ctx: *mut c_void)>;

/// Flag of `parfor_for`: no barrier at the end of the loop.
pub const PARFOR_NOWAIT: i32 = 1;
/// Flag of `parfor_for`: the body may call `parfor_ordered_begin` / `parfor_ordered_end`.
pub const PARFOR_ORDERED: i32 = 2;

/// The failure of a construct in a region that is stopping.
fn stopped<T>(_: T) -> Failure {
    Failure {
        status: PARFOR_ERR_CANCELLED,
        message: "the region was stopped (parfor_cancel or a failure on another thread)".into(),
    }
}

/// Runs `body(ctx)` on every thread of a team of the global pool (`num_threads` threads, or the
/// default team size when 0), the caller as thread 0; returns when all have finished. Inside,
/// `parfor_get_thread_num()` and `parfor_get_team_num_threads()` tell each thread its place.
///
/// ```c
/// static void hello(void *ctx) { printf("thread %d of %d\n", parfor_get_thread_num(), parfor_get_team_num_threads()); }
/// parfor_parallel(0, hello, NULL);
/// ```
///
/// # Safety
/// `body`, if not null, must be callable with `ctx` from several threads at once.
#[no_mangle]
pub unsafe extern "C" fn parfor_parallel(
    num_threads: i32,
    body: parfor_fn,
    ctx: *mut c_void,
) -> c_int {
    guard(|| {
        let body = body.ok_or_else(|| Failure::null("body"))?;
        let n = usize::try_from(num_threads)
            .map_err(|_| Failure::invalid("num_threads is negative"))?;
        let ctx = Context(ctx);
        let mut region = parfor::region();
        if n > 0 {
            region = region.num_threads(n);
        }
        region.run(move |_| {
            let ctx = ctx;
            // SAFETY: the caller vouches for `body` and `ctx` (see the function's contract).
            unsafe { body(ctx.0) }
        });
        Ok(())
    })
}

/// Stops the calling thread's region: the other threads take no further chunk and every barrier
/// returns `PARFOR_ERR_CANCELLED` at once. For a thread that must leave its region body early (a
/// C++ exception caught at the body's boundary), so that no thread waits for it forever.
/// Outside a region it does nothing.
///
/// ```c
/// if (failed) { parfor_stop_region(); return; }
/// ```
#[no_mangle]
pub extern "C" fn parfor_stop_region() -> c_int {
    guard(|| {
        in_team(|t| {
            t.stop();
            Ok(())
        })
    })
}

/// Runs `f` with the calling thread's team; `Ok` outside any region (a team of one).
fn in_team(f: impl FnOnce(&Team) -> Outcome) -> Outcome {
    parfor::with_team(|t| t.map_or(Ok(()), f))
}

/// Waits until every thread of the team has called it (`PARFOR_ERR_CANCELLED` if the region is
/// stopping).
///
/// ```c
/// fill_my_part(a); parfor_barrier(); read_all(a);
/// ```
#[no_mangle]
pub extern "C" fn parfor_barrier() -> c_int {
    guard(|| in_team(|t| t.barrier_status().map_err(stopped)))
}

/// A single construct: `*selected` is 1 on exactly one thread of the team, which runs the block;
/// 0 on the others. No barrier (call `parfor_barrier` for one).
///
/// ```c
/// int me; parfor_single(&me); if (me) setup(); parfor_barrier();
/// ```
///
/// # Safety
/// `selected` must be null or writable.
#[no_mangle]
pub unsafe extern "C" fn parfor_single(selected: *mut i32) -> c_int {
    guard(|| {
        non_null(selected, "selected")?;
        let won = parfor::with_team(|t| t.map_or(true, Team::single_start));
        // SAFETY: checked non-null; the caller vouches it is writable.
        unsafe { selected.write(i32::from(won)) };
        Ok(())
    })
}

/// Runs `f(ctx)` on one thread and gives every thread its result in `*value` (copyprivate); ends
/// with a barrier, so the value may point to the running thread's stack only if it stays alive
/// until then.
///
/// ```c
/// static void *read_seed(void *ctx) { static long seed; seed = time(NULL); return &seed; }
/// void *p; parfor_single_copy(read_seed, NULL, &p); long seed = *(long *)p;
/// ```
///
/// # Safety
/// `f` must be callable with `ctx`; `value` must be null or writable.
#[no_mangle]
pub unsafe extern "C" fn parfor_single_copy(
    f: parfor_copy_fn,
    ctx: *mut c_void,
    value: *mut *mut c_void,
) -> c_int {
    guard(|| {
        let f = f.ok_or_else(|| Failure::null("f"))?;
        non_null(value, "value")?;
        // SAFETY: the caller vouches for `f` and `ctx`.
        let run = || unsafe { f(ctx) } as usize;
        let v = parfor::with_team(|t| match t {
            None => Ok(run()),
            Some(t) => {
                let v = match t.single_copy_start() {
                    None if t.is_stopped() => return Err(stopped(())),
                    None => {
                        let v = run();
                        t.single_copy_end(v);
                        v
                    }
                    Some(v) => v,
                };
                t.barrier_status().map_err(stopped)?;
                Ok(v)
            }
        })?;
        // SAFETY: checked non-null; the caller vouches it is writable.
        unsafe { value.write(v as *mut c_void) };
        Ok(())
    })
}

/// Runs `f(ctx)` while no other thread runs a critical section of the same name (`name` NULL:
/// the unnamed one, shared by the whole process).
///
/// ```c
/// static void add(void *ctx) { total += *(double *)ctx; }
/// parfor_critical(NULL, add, &mine);
/// ```
///
/// # Safety
/// `f` must be callable with `ctx`; `name` must be null or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn parfor_critical(
    name: *const c_char,
    f: parfor_fn,
    ctx: *mut c_void,
) -> c_int {
    guard(|| {
        let f = f.ok_or_else(|| Failure::null("f"))?;
        // SAFETY: the caller vouches for `f` and `ctx`.
        let run = || unsafe { f(ctx) };
        if name.is_null() {
            parfor::critical(run);
        } else {
            // SAFETY: non-null; the caller vouches it is NUL-terminated.
            let name = unsafe { CStr::from_ptr(name) }.to_string_lossy();
            parfor::critical_named(&name, run);
        }
        Ok(())
    })
}

/// A worksharing loop inside a region: the team shares `[begin, end)`, calling `body(b, e, ctx)`
/// for each chunk; every thread of the team must call it with the same arguments. `flags`:
/// `PARFOR_NOWAIT` (no barrier at the end), `PARFOR_ORDERED` (the body may use
/// `parfor_ordered_begin`/`_end`). Outside a region the caller runs the whole range.
///
/// ```c
/// parfor_for(0, n, (parfor_schedule){PARFOR_DYNAMIC, 16}, 0, body, ctx);
/// ```
///
/// # Safety
/// `body` must be callable as documented with `ctx`, from several threads at once.
#[no_mangle]
pub unsafe extern "C" fn parfor_for(
    begin: i64,
    end: i64,
    schedule: parfor_schedule,
    flags: i32,
    body: parfor_body,
    ctx: *mut c_void,
) -> c_int {
    guard(|| {
        let body = body.ok_or_else(|| Failure::null("body"))?;
        let schedule = schedule.checked()?;
        if flags & !(PARFOR_NOWAIT | PARFOR_ORDERED) != 0 {
            return Err(Failure::invalid(
                "flags has bits other than PARFOR_NOWAIT and PARFOR_ORDERED",
            ));
        }
        // SAFETY: the caller vouches for `body` and `ctx`.
        let run = |b: i64, e: i64| unsafe { body(b, e, ctx) };
        team_loop(begin, end, schedule, flags, run)
    })
}

/// The one driver of the C worksharing loops: `chunk(b, e)` for this thread's chunks.
fn team_loop(
    begin: i64,
    end: i64,
    schedule: Schedule,
    flags: i32,
    mut chunk: impl FnMut(i64, i64),
) -> Outcome {
    let len = parfor::Index::len(&(begin..end));
    parfor::with_team(|t| {
        let Some(t) = t else {
            if len > 0 {
                chunk(begin, end);
            }
            return Ok(());
        };
        t.loop_start(len, schedule, flags & PARFOR_ORDERED != 0);
        while let Some((lo, hi)) = t.loop_next() {
            chunk(begin.wrapping_add(lo as i64), begin.wrapping_add(hi as i64));
        }
        t.loop_end_nowait();
        if flags & PARFOR_NOWAIT == 0 {
            t.barrier_status().map_err(stopped)?;
        }
        if t.is_stopped() {
            return Err(stopped(()));
        }
        Ok(())
    })
}

/// A reduction over a worksharing loop inside a region: every thread gets in `*out` the
/// combination (with `op`) of `body`'s partials over `[begin, end)`, in thread order. Ends with a
/// barrier.
///
/// ```c
/// double s; parfor_for_reduce_f64(0, n, (parfor_schedule){PARFOR_STATIC, 0}, PARFOR_SUM, part, ctx, &s);
/// ```
///
/// # Safety
/// `body` must be callable as documented with `ctx`; `out` must be null or writable.
#[no_mangle]
pub unsafe extern "C" fn parfor_for_reduce_f64(
    begin: i64,
    end: i64,
    schedule: parfor_schedule,
    op: i32,
    body: parfor_body_f64,
    ctx: *mut c_void,
    out: *mut f64,
) -> c_int {
    guard(|| {
        let Reduction {
            body,
            schedule,
            identity,
            combine,
        } = Reduction::checked(body, out, schedule, op)?;
        let len = parfor::Index::len(&(begin..end));
        // SAFETY: the caller vouches for `body` and `ctx`.
        let part = |b: i64, e: i64| unsafe { body(b, e, ctx) };
        let chunk = |acc: f64, lo: u64, hi: u64| {
            let (b, e) = (begin.wrapping_add(lo as i64), begin.wrapping_add(hi as i64));
            combine(acc, part(b, e))
        };
        let total = parfor::with_team(|t| match t {
            None if len == 0 => Ok(identity),
            None => Ok(combine(identity, part(begin, end))),
            Some(t) => t
                .reduce_chunks(len, schedule, identity, chunk, combine)
                .map_err(stopped),
        })?;
        // SAFETY: checked non-null; the caller vouches it is writable.
        unsafe { out.write(total) };
        Ok(())
    })
}

/// In an ordered loop's body: waits until the ordered blocks of every earlier iteration have
/// run. Pair with `parfor_ordered_end`.
///
/// ```c
/// parfor_ordered_begin(); printf("%lld\n", (long long)i); parfor_ordered_end();
/// ```
#[no_mangle]
pub extern "C" fn parfor_ordered_begin() -> c_int {
    guard(|| {
        in_team(|t| {
            t.ordered_start();
            Ok(())
        })
    })
}

/// Ends an ordered block (see `parfor_ordered_begin`).
#[no_mangle]
pub extern "C" fn parfor_ordered_end() -> c_int {
    guard(|| {
        in_team(|t| {
            t.ordered_end();
            Ok(())
        })
    })
}

/// Runs each of `count` sections `f(i, ctx)`, `i` from 0, once, on some thread of the team;
/// barrier at the end. Every thread of the team must call it.
///
/// ```c
/// static void part(int32_t i, void *ctx) { if (i == 0) load(ctx); else index(ctx); }
/// parfor_sections(2, part, ctx);
/// ```
///
/// # Safety
/// `f` must be callable with each index and `ctx`.
#[no_mangle]
pub unsafe extern "C" fn parfor_sections(
    count: i32,
    f: parfor_section_fn,
    ctx: *mut c_void,
) -> c_int {
    guard(|| {
        let f = f.ok_or_else(|| Failure::null("f"))?;
        let count = i64::from(count.max(0));
        let dynamic1 = parfor_schedule {
            kind: crate::schedule::PARFOR_DYNAMIC,
            chunk: 1,
        };
        // SAFETY: the caller vouches for `f` and `ctx`; indices are below `count`.
        let run = |b: i64, e: i64| (b..e).for_each(|i| unsafe { f(i as i32, ctx) });
        team_loop(0, count, dynamic1.checked()?, 0, run)
    })
}

/// The number of threads in the calling thread's team (as `omp_get_num_threads`): 1 outside a
/// region. (`parfor_get_num_threads` is the size the next region gets.)
///
/// ```c
/// static void body(void *ctx) { printf("%d of %d\n", parfor_get_thread_num(), parfor_get_team_num_threads()); }
/// ```
#[no_mangle]
pub extern "C" fn parfor_get_team_num_threads() -> i32 {
    saturate(parfor::num_threads())
}

/// The nesting level of the innermost region around the calling thread (0 outside any).
#[no_mangle]
pub extern "C" fn parfor_get_level() -> i32 {
    saturate(parfor::level())
}

/// Enclosing regions with more than one thread.
#[no_mangle]
pub extern "C" fn parfor_get_active_level() -> i32 {
    saturate(parfor::active_level())
}

/// The thread number of the calling thread's ancestor at `level`, or -1 if there is none.
#[no_mangle]
pub extern "C" fn parfor_get_ancestor_thread_num(level: i32) -> i32 {
    usize::try_from(level)
        .ok()
        .and_then(parfor::ancestor_thread_num)
        .map_or(-1, saturate)
}

/// The size of the team at `level` around the calling thread, or -1 if there is none.
#[no_mangle]
pub extern "C" fn parfor_get_team_size(level: i32) -> i32 {
    usize::try_from(level)
        .ok()
        .and_then(parfor::team_size)
        .map_or(-1, saturate)
}

/// Sets how many nested levels of regions may have more than one thread (default 1).
#[no_mangle]
pub extern "C" fn parfor_set_max_active_levels(levels: i32) -> c_int {
    guard(|| {
        let levels = usize::try_from(levels).map_err(|_| Failure::invalid("levels is negative"))?;
        parfor::set_max_active_levels(levels);
        Ok(())
    })
}

fn saturate(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}
