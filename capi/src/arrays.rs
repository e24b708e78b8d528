//! Caller arrays: (pointer, length) pairs checked before a slice is made of them.

use crate::status::{PARFOR_ERR_INVALID, PARFOR_ERR_NULL};
use std::ffi::c_int;
use std::mem::{align_of, size_of};

/// Checks that `ptr` can be viewed as `len` values of `T`: non-null (unless `len` is 0), aligned,
/// and no larger than a Rust slice may be. Returns the byte range it covers.
fn checked<T>(ptr: *const T, len: usize) -> Result<std::ops::Range<usize>, c_int> {
    if len == 0 {
        return Ok(0..0);
    }
    if ptr.is_null() {
        return Err(PARFOR_ERR_NULL);
    }
    if ptr as usize % align_of::<T>() != 0 {
        return Err(PARFOR_ERR_INVALID);
    }
    let bytes = len
        .checked_mul(size_of::<T>())
        .filter(|&b| b <= isize::MAX as usize)
        .ok_or(PARFOR_ERR_INVALID)?;
    let start = ptr as usize;
    let end = start.checked_add(bytes).ok_or(PARFOR_ERR_INVALID)?;
    Ok(start..end)
}

/// A caller's input array.
///
/// # Safety
/// If the checks pass, `ptr` must point to `len` initialised values of `T` that stay unchanged
/// for `'a`.
pub(crate) unsafe fn input<'a, T>(ptr: *const T, len: usize) -> Result<&'a [T], c_int> {
    checked(ptr, len)?;
    if len == 0 {
        return Ok(&[]);
    }
    // SAFETY: non-null, aligned, at most isize::MAX bytes (checked), and valid per the contract.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// A caller's output array.
///
/// # Safety
/// If the checks pass, `ptr` must point to `len` writable values of `T`, used by nothing else
/// for `'a`.
pub(crate) unsafe fn output<'a, T>(ptr: *mut T, len: usize) -> Result<&'a mut [T], c_int> {
    checked(ptr.cast_const(), len)?;
    if len == 0 {
        return Ok(&mut []);
    }
    // SAFETY: non-null, aligned, at most isize::MAX bytes (checked), and exclusive per the contract.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr, len) })
}

/// `PARFOR_ERR_INVALID` when two arrays overlap in memory (an output may not alias anything).
pub(crate) fn disjoint<A, B>(
    a: *const A,
    a_len: usize,
    b: *const B,
    b_len: usize,
) -> Result<(), c_int> {
    let (a, b) = (checked(a, a_len)?, checked(b, b_len)?);
    if a.is_empty() || b.is_empty() || a.end <= b.start || b.end <= a.start {
        Ok(())
    } else {
        Err(PARFOR_ERR_INVALID)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_are_checked() {
        let v = [1.0f64, 2.0, 3.0];
        // SAFETY: `v` is a valid array of 3 values.
        unsafe {
            assert_eq!(input(v.as_ptr(), 3).unwrap(), &v);
            assert_eq!(input::<f64>(std::ptr::null(), 0).unwrap(), &[] as &[f64]);
            assert_eq!(input::<f64>(std::ptr::null(), 1), Err(PARFOR_ERR_NULL));
            assert_eq!(
                input(v.as_ptr().cast::<u8>().add(1).cast::<f64>(), 1),
                Err(PARFOR_ERR_INVALID)
            );
            assert_eq!(input(v.as_ptr(), usize::MAX / 4), Err(PARFOR_ERR_INVALID));
        }
        assert_eq!(
            disjoint(v.as_ptr(), 2, v[1..].as_ptr(), 1),
            Err(PARFOR_ERR_INVALID)
        );
        assert_eq!(disjoint(v.as_ptr(), 1, v[1..].as_ptr(), 2), Ok(()));
        assert_eq!(disjoint(v.as_ptr(), 3, v.as_ptr(), 0), Ok(()));
    }
}
