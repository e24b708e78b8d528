//! `critical` (unnamed and named) and the lock gcc wraps around atomics it cannot do in one
//! instruction (`GOMP_atomic_start/end`).
//!
//! For a named critical section gcc passes the address of an 8-byte, zero-initialised slot
//! (`.gomp_critical_user_NAME`, one per name, shared by every object of the program). A
//! [`FutexLock`] word needs 4 bytes, so the lock lives in the slot itself: nothing to allocate.
//!
//! ```c
//! #pragma omp critical (io)   // GOMP_critical_name_start(&.gomp_critical_user_io) ... _end
//! ```

use crate::futex_lock::FutexLock;
use std::sync::atomic::AtomicU32;

/// The lock of every unnamed `critical` in the process.
static UNNAMED: AtomicU32 = AtomicU32::new(0);
/// The lock of `GOMP_atomic_start/end`.
static ATOMIC: AtomicU32 = AtomicU32::new(0);

/// Enters the unnamed critical section.
#[no_mangle]
pub extern "C" fn GOMP_critical_start() {
    FutexLock(&UNNAMED).lock()
}

/// Leaves the unnamed critical section.
#[no_mangle]
pub extern "C" fn GOMP_critical_end() {
    FutexLock(&UNNAMED).unlock()
}

/// The lock word inside a named critical section's slot.
///
/// # Safety
/// `slot` is the 8-byte, 8-aligned slot gcc allocates for the name, live for the program.
unsafe fn slot_lock<'a>(slot: *mut *mut libc::c_void) -> FutexLock<'a> {
    // SAFETY: the slot is 8-aligned and 8 bytes, so its first 4 bytes are a valid AtomicU32; it
    // is only ever accessed through this function.
    FutexLock(unsafe { &*slot.cast::<AtomicU32>() })
}

/// Enters the critical section named by `slot`.
///
/// # Safety
/// `slot` is the slot gcc emits for the name.
#[no_mangle]
pub unsafe extern "C" fn GOMP_critical_name_start(slot: *mut *mut libc::c_void) {
    // SAFETY: forwarded contract.
    unsafe { slot_lock(slot) }.lock()
}

/// Leaves the critical section named by `slot`.
///
/// # Safety
/// As [`GOMP_critical_name_start`], which this thread called.
#[no_mangle]
pub unsafe extern "C" fn GOMP_critical_name_end(slot: *mut *mut libc::c_void) {
    // SAFETY: forwarded contract.
    unsafe { slot_lock(slot) }.unlock()
}

/// Enters the process-wide atomic lock.
#[no_mangle]
pub extern "C" fn GOMP_atomic_start() {
    FutexLock(&ATOMIC).lock()
}

/// Leaves the process-wide atomic lock.
#[no_mangle]
pub extern "C" fn GOMP_atomic_end() {
    FutexLock(&ATOMIC).unlock()
}
