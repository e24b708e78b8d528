//! The synchronisation primitives the runtime is built from, switched to loom's model-checked
//! versions under `--cfg loom` so that the protocol in [`crate::dispatch`] can be model-checked
//! unchanged (`RUSTFLAGS="--cfg loom" cargo test -p parfor --release --lib loom`).

#[cfg(loom)]
pub(crate) use loom::{
    sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
    sync::{Arc, Condvar, Mutex, MutexGuard},
    thread,
};
#[cfg(not(loom))]
pub(crate) use std::{
    sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
    sync::{Condvar, Mutex, MutexGuard},
    thread,
};

/// One poll of a spinning thread: a pause instruction (under loom, a yield so the model advances).
#[inline]
pub(crate) fn spin_loop() {
    #[cfg(loom)]
    loom::thread::yield_now();
    #[cfg(not(loom))]
    std::hint::spin_loop();
}

/// A short sleep for a thread that has waited long (an ordered turn, a busy worksharing slot).
#[inline]
pub(crate) fn nap() {
    #[cfg(loom)]
    loom::thread::yield_now();
    #[cfg(not(loom))]
    std::thread::sleep(std::time::Duration::from_micros(50));
}

/// Gives the CPU to another runnable thread.
#[inline]
pub(crate) fn yield_now() {
    thread::yield_now();
}

/// A value on its own cache lines, so that threads polling it do not slow writers of its
/// neighbours (128 bytes: adjacent-line prefetch pairs 64-byte lines on x86).
#[derive(Default, Debug)]
#[repr(align(128))]
pub(crate) struct Padded<T>(pub T);

impl<T> std::ops::Deref for Padded<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// A cell written by one thread while no other thread can read it, as the dispatch protocol
/// guarantees (see [`crate::dispatch`]). Under loom, accesses are checked for races.
pub(crate) struct RacyCell<T: Copy> {
    #[cfg(loom)]
    inner: loom::cell::UnsafeCell<T>,
    #[cfg(not(loom))]
    inner: std::cell::UnsafeCell<T>,
}

impl<T: Copy> RacyCell<T> {
    pub(crate) fn new(value: T) -> Self {
        RacyCell {
            inner: value.into(),
        }
    }

    /// # Safety
    /// No other thread may access the cell during the call.
    pub(crate) unsafe fn write(&self, value: T) {
        #[cfg(loom)]
        // SAFETY: exclusive access is the caller's obligation.
        self.inner.with_mut(|p| unsafe { *p = value });
        #[cfg(not(loom))]
        // SAFETY: exclusive access is the caller's obligation.
        unsafe {
            *self.inner.get() = value
        };
    }

    /// # Safety
    /// No other thread may write the cell during the call.
    pub(crate) unsafe fn read(&self) -> T {
        #[cfg(loom)]
        // SAFETY: the absence of writers is the caller's obligation.
        return self.inner.with(|p| unsafe { *p });
        #[cfg(not(loom))]
        // SAFETY: the absence of writers is the caller's obligation.
        unsafe {
            *self.inner.get()
        }
    }
}
