//! gcc's `depend` arrays, read into parfor's dependences ([`parfor::Dep`], keyed by address).
//!
//! gcc 12 emits two formats (the first word tells which):
//! - `[n, nout, addr...]` (n > 0): `nout` addresses written (`out`/`inout`), then `n - nout`
//!   read (`in`);
//! - `[0, n, nout, nmutexinoutset, nin, addr...]`: `nout` written, `nmutexinoutset`
//!   `mutexinoutset`, `nin` read, then `n - nout - nmutexinoutset - nin` pointers to `depobj`
//!   objects (`omp_depend_t`: the address, then its kind: 1 in, 2 out, 3 inout, 4
//!   mutexinoutset).
//!
//! `mutexinoutset` is ordered as `inout` (compliant: its tasks are mutually exclusive, and ordered
//! too). A `depobj` of another kind aborts with a message naming it.
//!
//! ```text
//! #pragma omp task depend(out: x) depend(in: y)   // depend = {2, 1, &x, &y}
//! ```

use crate::missing::abort_with;
use parfor::Dep;
use std::ffi::c_void;

const DEPEND_IN: usize = 1;
const DEPEND_OUT: usize = 2;
const DEPEND_INOUT: usize = 3;
const DEPEND_MUTEXINOUTSET: usize = 4;

/// A depend array as gcc passes it (`void **depend`).
#[derive(Clone, Copy)]
pub(crate) struct DependArray(pub *mut *mut c_void);

impl DependArray {
    /// Word `i` of the array.
    ///
    /// # Safety
    /// The array has more than `i` words.
    unsafe fn word(self, i: usize) -> usize {
        // SAFETY: the caller's obligation.
        unsafe { *self.0.add(i) as usize }
    }
}

/// The dependences `depend` lists, for `caller` (named when a kind is not supported).
///
/// # Safety
/// `depend` is null or one of gcc's depend arrays (module docs).
pub(crate) unsafe fn dependences(depend: DependArray, caller: &str) -> Vec<Dep> {
    if depend.0.is_null() {
        return Vec::new();
    }
    // SAFETY: gcc's array holds the counts and then the addresses they count (the caller's
    // obligation); every index read below is inside it.
    let word = |i: usize| unsafe { depend.word(i) };
    let old_format_total = word(0);
    if old_format_total != 0 {
        let written = word(1);
        return (0..old_format_total)
            .map(|i| match word(2 + i) {
                key if i < written => Dep::InOut(key),
                key => Dep::In(key),
            })
            .collect();
    }
    let (total, out, mutex, read) = (word(1), word(2), word(3), word(4));
    let plain = out.saturating_add(mutex).saturating_add(read).min(total);
    let mut deps = Vec::with_capacity(total);
    for i in 0..plain {
        let key = word(5 + i);
        deps.push(if i < out + mutex {
            Dep::InOut(key)
        } else {
            Dep::In(key)
        });
    }
    for i in plain..total {
        let object = word(5 + i) as *const usize;
        // SAFETY: a depobj entry points to an `omp_depend_t`: its address, then its kind.
        let (key, kind) = unsafe { (*object, *object.add(1)) };
        deps.push(match kind {
            DEPEND_IN => Dep::In(key),
            DEPEND_OUT | DEPEND_INOUT | DEPEND_MUTEXINOUTSET => Dep::InOut(key),
            _ => unsupported_kind(caller, kind),
        });
    }
    deps
}

/// Aborts: a depobj of a kind gcc 12 does not define (or parfor does not know).
fn unsupported_kind(caller: &str, kind: usize) -> ! {
    let what = format!("{caller}: a depend object of kind {kind} is not implemented");
    abort_with(&what)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(words: &mut [usize]) -> Vec<Dep> {
        // SAFETY: the arrays below follow gcc's formats.
        unsafe { dependences(DependArray(words.as_mut_ptr().cast()), "test") }
    }

    #[test]
    fn both_formats_and_depend_objects_are_read() {
        assert_eq!(
            read(&mut [3, 1, 10, 20, 30]),
            [Dep::InOut(10), Dep::In(20), Dep::In(30)]
        );
        let object = [40usize, DEPEND_IN];
        let object = object.as_ptr() as usize;
        assert_eq!(
            read(&mut [0, 4, 1, 1, 1, 10, 20, 30, object]),
            [Dep::InOut(10), Dep::InOut(20), Dep::In(30), Dep::In(40)]
        );
    }
}
