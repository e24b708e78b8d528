//! Arguments: out-pointers, sizes and caller arrays ((pointer, length) pairs), checked before use;
//! each failure names the argument.

use crate::status::{non_null, Failure, Outcome};
use std::mem::{align_of, size_of};

/// `n`, or `PARFOR_ERR_INVALID` naming `name` when it is 0.
pub(crate) fn positive(n: u64, name: &str) -> Outcome<u64> {
    if n == 0 {
        Err(Failure::invalid(format!("{name} must be at least 1")))
    } else {
        Ok(n)
    }
}

/// Writes `value` to the out-pointer `out` (named `name`), which must not be null.
///
/// # Safety
/// `out` must be null or point to a writable `T`.
pub(crate) unsafe fn put<T>(out: *mut T, name: &str, value: T) -> Outcome {
    non_null(out, name)?;
    // SAFETY: non-null, writable per the caller's contract.
    unsafe { out.write(value) };
    Ok(())
}

/// Checks that `ptr` (named `name`) can be viewed as `len` values of `T`: non-null (unless `len`
/// is 0), aligned, and no larger than a Rust slice may be. Returns the byte range it covers.
fn checked<T>(ptr: *const T, len: usize, name: &str) -> Outcome<std::ops::Range<usize>> {
    if len == 0 {
        return Ok(0..0);
    }
    non_null(ptr, name)?;
    if ptr as usize % align_of::<T>() != 0 {
        return Err(Failure::invalid(format!(
            "{name} is not aligned for its element type"
        )));
    }
    let too_long = || Failure::invalid(format!("the length of {name} ({len}) is too large"));
    let bytes = len
        .checked_mul(size_of::<T>())
        .filter(|&b| b <= isize::MAX as usize)
        .ok_or_else(too_long)?;
    let start = ptr as usize;
    let end = start.checked_add(bytes).ok_or_else(too_long)?;
    Ok(start..end)
}

/// A caller's input array, named `name` in failures.
///
/// # Safety
/// If the checks pass, `ptr` must point to `len` initialised values of `T` that stay unchanged
/// for `'a`.
pub(crate) unsafe fn input<'a, T>(ptr: *const T, len: usize, name: &str) -> Outcome<&'a [T]> {
    checked(ptr, len, name)?;
    if len == 0 {
        return Ok(&[]);
    }
    // SAFETY: non-null, aligned, at most isize::MAX bytes (checked), and valid per the contract.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// A caller's output array, named `name` in failures.
///
/// # Safety
/// If the checks pass, `ptr` must point to `len` writable values of `T`, used by nothing else
/// for `'a`.
pub(crate) unsafe fn output<'a, T>(ptr: *mut T, len: usize, name: &str) -> Outcome<&'a mut [T]> {
    checked(ptr.cast_const(), len, name)?;
    if len == 0 {
        return Ok(&mut []);
    }
    // SAFETY: non-null, aligned, at most isize::MAX bytes (checked), and exclusive per the contract.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr, len) })
}

/// `PARFOR_ERR_INVALID` ("a and b overlap") when two arrays overlap in memory (an output may not
/// alias anything).
pub(crate) fn disjoint<A, B>(
    (a, a_len, a_name): (*const A, usize, &str),
    (b, b_len, b_name): (*const B, usize, &str),
) -> Outcome {
    let (ra, rb) = (checked(a, a_len, a_name)?, checked(b, b_len, b_name)?);
    if ra.is_empty() || rb.is_empty() || ra.end <= rb.start || rb.end <= ra.start {
        Ok(())
    } else {
        Err(Failure::invalid(format!("{a_name} and {b_name} overlap")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::{PARFOR_ERR_INVALID, PARFOR_ERR_NULL};

    fn status<T>(r: Outcome<T>) -> i32 {
        r.map_or_else(|f| f.status, |_| 0)
    }

    #[test]
    fn arrays_are_checked() {
        let v = [1.0f64, 2.0, 3.0];
        // SAFETY: `v` is a valid array of 3 values.
        unsafe {
            assert_eq!(input(v.as_ptr(), 3, "x").unwrap(), &v);
            assert_eq!(
                input::<f64>(std::ptr::null(), 0, "x").unwrap(),
                &[] as &[f64]
            );
            assert_eq!(
                input::<f64>(std::ptr::null(), 1, "x"),
                Err(Failure::null("x"))
            );
            let odd = v.as_ptr().cast::<u8>().add(1).cast::<f64>();
            assert_eq!(status(input(odd, 1, "x")), PARFOR_ERR_INVALID);
            assert_eq!(
                status(input(v.as_ptr(), usize::MAX / 4, "x")),
                PARFOR_ERR_INVALID
            );
        }
        let overlap = disjoint((v.as_ptr(), 2, "x"), (v[1..].as_ptr(), 1, "out"));
        assert_eq!(overlap, Err(Failure::invalid("x and out overlap")));
        assert_eq!(
            disjoint((v.as_ptr(), 1, "x"), (v[1..].as_ptr(), 2, "y")),
            Ok(())
        );
        assert_eq!(disjoint((v.as_ptr(), 3, "x"), (v.as_ptr(), 0, "y")), Ok(()));
        assert_eq!(
            positive(0, "n"),
            Err(Failure::invalid("n must be at least 1"))
        );
        // SAFETY: a null out-pointer is refused before any write.
        let refused = unsafe { put(std::ptr::null_mut::<f64>(), "out", 1.0) };
        assert_eq!(status(refused), PARFOR_ERR_NULL);
    }
}
