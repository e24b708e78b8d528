//! Loops with C callbacks: `parfor_parallel_for` and `parfor_parallel_reduce_f64`.

use crate::schedule::parfor_schedule;
use crate::status::{guard, non_null, Failure, Outcome};
use std::ffi::{c_int, c_void};

/// A loop body: runs the iterations `begin .. end-1`. It may be called from several threads at
/// once, with disjoint ranges, and must not unwind or `longjmp` out.
#[allow(non_camel_case_types)]
pub type parfor_body = Option<unsafe extern "C" fn(begin: i64, end: i64, ctx: *mut c_void)>;

/// A reduction body: returns the partial result of the iterations `begin .. end-1`.
#[allow(non_camel_case_types)]
pub type parfor_body_f64 =
    Option<unsafe extern "C" fn(begin: i64, end: i64, ctx: *mut c_void) -> f64>;

/// Sum; identity 0.
pub const PARFOR_SUM: i32 = 0;
/// Product; identity 1.
pub const PARFOR_PROD: i32 = 1;
/// Minimum (NaN partials are ignored, as by `fmin`); identity +infinity.
pub const PARFOR_MIN: i32 = 2;
/// Maximum (NaN partials are ignored, as by `fmax`); identity -infinity.
pub const PARFOR_MAX: i32 = 3;

/// The caller's context pointer, shared by the team. The C contract makes the body responsible
/// for what it does with it from several threads.
#[derive(Clone, Copy)]
pub(crate) struct Context(pub(crate) *mut c_void);
// SAFETY: parfor only passes the pointer back to the caller's body; concurrent use from several
// threads is documented in the ABI, and the pointer is never dereferenced by Rust.
unsafe impl Sync for Context {}
// SAFETY: as above.
unsafe impl Send for Context {}

/// A reduction operator's identity and combining function.
pub(crate) type Operator = (f64, fn(f64, f64) -> f64);

/// The operator with C code `op`.
pub(crate) fn operator(op: i32) -> Outcome<Operator> {
    match op {
        PARFOR_SUM => Ok((0.0, |a, b| a + b)),
        PARFOR_PROD => Ok((1.0, |a, b| a * b)),
        PARFOR_MIN => Ok((f64::INFINITY, f64::min)),
        PARFOR_MAX => Ok((f64::NEG_INFINITY, f64::max)),
        _ => Err(Failure::invalid(format!(
            "op ({op}) is not PARFOR_SUM, PARFOR_PROD, PARFOR_MIN or PARFOR_MAX"
        ))),
    }
}

/// Runs `body(b, e, ctx)` over disjoint sub-ranges `[b, e)` covering `[begin, end)` exactly once,
/// on the global pool's team. `end <= begin` runs nothing. A loop started inside a body runs
/// serially on that thread.
///
/// ```c
/// static void fill(int64_t b, int64_t e, void *ctx) { double *x = ctx; for (int64_t i = b; i < e; i++) x[i] = i; }
/// parfor_parallel_for(0, n, (parfor_schedule){ PARFOR_STATIC, 0 }, fill, x);
/// ```
///
/// # Safety
/// `body`, if not null, must be a function that may be called as documented with `ctx`.
#[no_mangle]
pub unsafe extern "C" fn parfor_parallel_for(
    begin: i64,
    end: i64,
    schedule: parfor_schedule,
    body: parfor_body,
    ctx: *mut c_void,
) -> c_int {
    guard(|| {
        let body = body.ok_or_else(|| Failure::null("body"))?;
        let schedule = schedule.checked()?;
        let ctx = Context(ctx);
        parfor::parallel_for_chunks(begin..end, schedule, move |r| {
            let ctx = ctx;
            // SAFETY: the caller vouches for `body` and `ctx` (see the function's contract).
            unsafe { body(r.start, r.end, ctx.0) }
        });
        Ok(())
    })
}

/// Reduces the partials `body(b, e, ctx)` of disjoint sub-ranges covering `[begin, end)` with the
/// operator `op` (`PARFOR_SUM`, `PARFOR_PROD`, `PARFOR_MIN`, `PARFOR_MAX`) and writes the result to
/// `*out`. An empty range gives the operator's identity (0, 1, +inf, -inf). Each thread folds its
/// chunks' partials, and the threads' results are combined in thread order: with a static
/// schedule the result has the same bits on every run with the same team size.
///
/// ```c
/// static double quarter(int64_t b, int64_t e, void *ctx) { double s = 0; for (int64_t i = b; i < e; i++) s += 1.0 / (i + 1); return s; }
/// double h; parfor_parallel_reduce_f64(0, 1000, (parfor_schedule){ PARFOR_STATIC, 0 }, PARFOR_SUM, quarter, NULL, &h);
/// ```
///
/// # Safety
/// `body`, if not null, must be callable as documented with `ctx`; `out`, if not null, must point
/// to a writable `double`.
#[no_mangle]
pub unsafe extern "C" fn parfor_parallel_reduce_f64(
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
        let ctx = Context(ctx);
        let result = parfor::parallel_reduce_chunks(
            begin..end,
            schedule,
            identity,
            move |acc, r| {
                let ctx = ctx;
                // SAFETY: the caller vouches for `body` and `ctx`.
                combine(acc, unsafe { body(r.start, r.end, ctx.0) })
            },
            combine,
        );
        // SAFETY: `out` is non-null and, per the contract, writable.
        unsafe { out.write(result) };
        Ok(())
    })
}

/// The checked arguments of a reduction entry point (`parfor_parallel_reduce_f64`,
/// `parfor_for_reduce_f64`): the body, the schedule and the operator.
pub(crate) struct Reduction {
    pub body: unsafe extern "C" fn(i64, i64, *mut c_void) -> f64,
    pub schedule: parfor::Schedule,
    pub identity: f64,
    pub combine: fn(f64, f64) -> f64,
}

impl Reduction {
    /// Checks a reduction's arguments: `body` and `out` not null, the schedule and the operator
    /// in their tables.
    pub(crate) fn checked(
        body: parfor_body_f64,
        out: *mut f64,
        schedule: parfor_schedule,
        op: i32,
    ) -> Outcome<Reduction> {
        let body = body.ok_or_else(|| Failure::null("body"))?;
        non_null(out, "out")?;
        let schedule = schedule.checked()?;
        let (identity, combine) = operator(op)?;
        Ok(Reduction {
            body,
            schedule,
            identity,
            combine,
        })
    }
}

/// A self-test of panic containment: panics inside a parallel region (on a worker thread when
/// the team has one) and returns the status the caller sees, `PARFOR_ERR_PANIC`. The pool stays
/// usable afterwards.
///
/// ```c
/// assert(parfor_selftest_panic() == PARFOR_ERR_PANIC);
/// ```
#[no_mangle]
pub extern "C" fn parfor_selftest_panic() -> c_int {
    guard(|| {
        parfor::parallel_for(0..64, parfor::Schedule::StaticChunked(1), |i: i32| {
            if i == 1 {
                panic!("parfor_selftest_panic: a planned panic in iteration 1");
            }
        });
        Ok(())
    })
}
