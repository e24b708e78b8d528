//! Annotations for valgrind's race detectors (helgrind, drd), compiled in with the `valgrind`
//! feature and no-ops otherwise.
//!
//! The detectors see locks and thread creation, but not the happens-before edges the dispatch
//! protocol builds from atomics, and they take every plain-looking access to an atomic for a
//! race. So the protocol tells them: [`happens_before`] / [`happens_after`] on the same tag mark
//! each handoff (region start: caller to workers; region end: workers to caller), and [`atomic`]
//! marks the words that are only ever accessed atomically (the dispatch's words and the pool's
//! loop state, which live as long as the pool).

#[cfg(feature = "valgrind")]
mod ffi {
    use std::ffi::c_void;
    extern "C" {
        pub fn parfor_hg_happens_before(tag: *const c_void);
        pub fn parfor_hg_happens_after(tag: *const c_void);
        pub fn parfor_hg_atomic(addr: *const c_void, len: usize);
        pub fn parfor_drd_happens_before(tag: *const c_void);
        pub fn parfor_drd_happens_after(tag: *const c_void);
        pub fn parfor_drd_atomic(addr: *const c_void, len: usize);
    }
}

/// Everything this thread did so far happens before whatever a thread does after
/// [`happens_after`] with the same tag.
#[inline(always)]
pub(crate) fn happens_before<T>(tag: &T) {
    #[cfg(feature = "valgrind")]
    // SAFETY: client requests only pass the address to valgrind (no-ops when not under it).
    unsafe {
        let p = (tag as *const T).cast();
        ffi::parfor_hg_happens_before(p);
        ffi::parfor_drd_happens_before(p);
    }
    #[cfg(not(feature = "valgrind"))]
    let _ = tag;
}

/// See [`happens_before`].
#[inline(always)]
pub(crate) fn happens_after<T>(tag: &T) {
    #[cfg(feature = "valgrind")]
    // SAFETY: as in `happens_before`.
    unsafe {
        let p = (tag as *const T).cast();
        ffi::parfor_hg_happens_after(p);
        ffi::parfor_drd_happens_after(p);
    }
    #[cfg(not(feature = "valgrind"))]
    let _ = tag;
}

/// `value` is only accessed atomically: its accesses are not races.
#[inline(always)]
pub(crate) fn atomic<T>(value: &T) {
    #[cfg(feature = "valgrind")]
    // SAFETY: as in `happens_before`.
    unsafe {
        let p = (value as *const T).cast();
        ffi::parfor_hg_atomic(p, std::mem::size_of::<T>());
        ffi::parfor_drd_atomic(p, std::mem::size_of::<T>());
    }
    #[cfg(not(feature = "valgrind"))]
    let _ = value;
}
