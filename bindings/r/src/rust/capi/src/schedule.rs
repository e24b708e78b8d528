//! Schedules as the C ABI passes them: a kind and a chunk, checked before use.

use crate::status::{guard, Failure, Outcome};
use parfor::Schedule;
use std::ffi::c_int;

/// Static: one block per thread (chunk 0), or round-robin chunks of `chunk` iterations.
pub const PARFOR_STATIC: i32 = 0;
/// Dynamic: chunks of `chunk` iterations (0: 1), first-come first-served (nonmonotonic: each
/// thread takes from its own share and steals from the others' when it runs dry).
pub const PARFOR_DYNAMIC: i32 = 1;
/// Guided: shrinking chunks, never below `chunk` (0: 1).
pub const PARFOR_GUIDED: i32 = 2;
/// The run-time schedule: `OMP_SCHEDULE` or `parfor_set_schedule`.
pub const PARFOR_RUNTIME: i32 = 3;
/// The runtime's choice.
pub const PARFOR_AUTO: i32 = 4;

/// A loop schedule: `kind` is one of `PARFOR_STATIC` .. `PARFOR_AUTO`; `chunk` >= 0, 0 meaning
/// the default.
///
/// ```c
/// parfor_schedule dyn64 = { PARFOR_DYNAMIC, 64 };
/// ```
#[repr(C)]
#[derive(Clone, Copy, Debug)]
#[allow(non_camel_case_types)]
pub struct parfor_schedule {
    /// One of `PARFOR_STATIC`, `PARFOR_DYNAMIC`, `PARFOR_GUIDED`, `PARFOR_RUNTIME`, `PARFOR_AUTO`.
    pub kind: i32,
    /// Chunk size; 0 for the default; negative values are `PARFOR_ERR_INVALID`.
    pub chunk: i64,
}

impl parfor_schedule {
    /// The runtime's schedule, or `PARFOR_ERR_INVALID` for a kind outside the table, a negative
    /// chunk, or a chunk with `RUNTIME`/`AUTO`.
    pub(crate) fn checked(self) -> Outcome<Schedule> {
        let chunk = u64::try_from(self.chunk).map_err(|_| {
            Failure::invalid(format!("schedule.chunk ({}) is negative", self.chunk))
        })?;
        match (self.kind, chunk) {
            (PARFOR_STATIC, 0) => Ok(Schedule::Static),
            (PARFOR_STATIC, c) => Ok(Schedule::StaticChunked(c)),
            (PARFOR_DYNAMIC, c) => Ok(Schedule::Dynamic(c)),
            (PARFOR_GUIDED, c) => Ok(Schedule::Guided(c)),
            (PARFOR_RUNTIME, 0) => Ok(Schedule::Runtime),
            (PARFOR_AUTO, 0) => Ok(Schedule::Auto),
            (PARFOR_RUNTIME | PARFOR_AUTO, c) => Err(Failure::invalid(format!(
                "schedule.chunk ({c}) must be 0 with PARFOR_RUNTIME and PARFOR_AUTO"
            ))),
            (kind, _) => Err(Failure::invalid(format!(
                "schedule.kind ({kind}) is not one of PARFOR_STATIC .. PARFOR_AUTO"
            ))),
        }
    }

    /// The C form of a schedule.
    pub(crate) fn from_schedule(s: Schedule) -> parfor_schedule {
        let (kind, chunk) = match s {
            Schedule::Static => (PARFOR_STATIC, 0),
            Schedule::StaticChunked(c) => (PARFOR_STATIC, c),
            Schedule::Dynamic(c) => (PARFOR_DYNAMIC, c),
            Schedule::Guided(c) => (PARFOR_GUIDED, c),
            // The C kinds have no modifier: a monotonic run-time schedule (`OMP_SCHEDULE=
            // monotonic:dynamic`) reads back as its kind.
            Schedule::MonotonicDynamic(c) => (PARFOR_DYNAMIC, c),
            Schedule::MonotonicGuided(c) => (PARFOR_GUIDED, c),
            Schedule::Auto => (PARFOR_AUTO, 0),
            Schedule::Runtime => (PARFOR_RUNTIME, 0),
        };
        parfor_schedule {
            kind,
            chunk: i64::try_from(chunk).unwrap_or(i64::MAX),
        }
    }
}

/// Sets the schedule that `PARFOR_RUNTIME` stands for (as `omp_set_schedule`).
/// `PARFOR_RUNTIME` itself is `PARFOR_ERR_INVALID`.
///
/// ```c
/// parfor_set_schedule((parfor_schedule){ PARFOR_GUIDED, 4 });
/// ```
#[no_mangle]
pub extern "C" fn parfor_set_schedule(schedule: parfor_schedule) -> c_int {
    guard(|| match schedule.checked()? {
        Schedule::Runtime => Err(Failure::invalid(
            "schedule.kind may not be PARFOR_RUNTIME here: it is what PARFOR_RUNTIME stands for",
        )),
        s => {
            parfor::set_schedule(s);
            Ok(())
        }
    })
}

/// Writes the schedule that `PARFOR_RUNTIME` stands for to `*out`.
///
/// ```c
/// parfor_schedule s; parfor_get_schedule(&s);
/// ```
///
/// # Safety
/// `out` must be null or point to writable memory for one `parfor_schedule`.
#[no_mangle]
pub unsafe extern "C" fn parfor_get_schedule(out: *mut parfor_schedule) -> c_int {
    guard(|| {
        let s = parfor_schedule::from_schedule(parfor::schedule());
        // SAFETY: forwarded contract.
        unsafe { crate::args::put(out, "out", s) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_chunks_are_checked() {
        let s = |kind, chunk| {
            parfor_schedule { kind, chunk }
                .checked()
                .map_err(|f| f.status)
        };
        assert_eq!(s(PARFOR_STATIC, 0), Ok(Schedule::Static));
        assert_eq!(s(PARFOR_STATIC, 4), Ok(Schedule::StaticChunked(4)));
        assert_eq!(s(PARFOR_DYNAMIC, 0), Ok(Schedule::Dynamic(0)));
        assert_eq!(s(PARFOR_GUIDED, 9), Ok(Schedule::Guided(9)));
        assert_eq!(s(PARFOR_RUNTIME, 0), Ok(Schedule::Runtime));
        assert_eq!(s(PARFOR_AUTO, 0), Ok(Schedule::Auto));
        for (kind, chunk) in [
            (-1, 0),
            (5, 0),
            (i32::MAX, 1),
            (PARFOR_DYNAMIC, -1),
            (PARFOR_AUTO, 3),
            (PARFOR_RUNTIME, 1),
        ] {
            assert_eq!(
                s(kind, chunk),
                Err(crate::status::PARFOR_ERR_INVALID),
                "{kind} {chunk}"
            );
        }
    }
}
