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

/// A value handed from one thread to another once: [`HandOff::put`] writes it, then sets a flag
/// (release); the receiver sees the flag (acquire, [`HandOff::is_done`]) and then takes the
/// value ([`HandOff::take`]). Under loom, the accesses to the value are checked for races.
pub(crate) struct HandOff<T> {
    #[cfg(loom)]
    value: loom::cell::UnsafeCell<Option<T>>,
    #[cfg(not(loom))]
    value: std::cell::UnsafeCell<Option<T>>,
    done: AtomicBool,
}

impl<T> HandOff<T> {
    pub(crate) fn new() -> HandOff<T> {
        HandOff {
            value: None.into(),
            done: AtomicBool::new(false),
        }
    }

    /// Writes `value` and sets the flag. Takes a pointer, not a reference: the receiver may free
    /// the hand-off as soon as the flag is set, before this returns.
    ///
    /// # Safety
    /// `this` is live; called once, by one thread; nothing else touches the value until the
    /// flag is set.
    pub(crate) unsafe fn put(this: *const HandOff<T>, value: Option<T>) {
        // SAFETY: live (the caller's obligation).
        let this = unsafe { &*this };
        #[cfg(loom)]
        // SAFETY: the only access before the flag (the caller's obligation).
        this.value.with_mut(|p| unsafe { *p = value });
        #[cfg(not(loom))]
        // SAFETY: the only access before the flag (the caller's obligation).
        unsafe {
            *this.value.get() = value
        };
        this.done.store(true, Ordering::Release);
    }

    /// Whether the value was put, with the writes before it visible.
    #[inline]
    pub(crate) fn is_done(&self) -> bool {
        self.done.load(Ordering::Acquire)
    }

    /// Moves the value put out (`None` when `None` was put).
    ///
    /// # Safety
    /// [`HandOff::is_done`] returned `true` on this thread, the only one that takes.
    pub(crate) unsafe fn take(&self) -> Option<T> {
        #[cfg(loom)]
        return self.value.with_mut(|p| {
            // SAFETY: the putter is done with the value (the caller's obligation).
            unsafe { (*p).take() }
        });
        #[cfg(not(loom))]
        // SAFETY: the putter is done with the value (the caller's obligation).
        unsafe {
            (*self.value.get()).take()
        }
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::{thread, Arc, HandOff};

    /// A value put on one thread is seen whole by the receiver once it sees the flag (loom
    /// reports a race on the value otherwise).
    #[test]
    fn loom_hand_off_value_seen_after_flag() {
        loom::model(|| {
            let hand_off = Arc::new(HandOff::new());
            let putter = hand_off.clone();
            let t = thread::spawn(move || {
                // SAFETY: live (an `Arc`); put once, by this thread.
                unsafe { HandOff::put(&*putter, Some(vec![1, 2, 3])) }
            });
            while !hand_off.is_done() {
                thread::yield_now();
            }
            // SAFETY: done, and this thread is the only one that takes.
            assert_eq!(unsafe { hand_off.take() }, Some(vec![1, 2, 3]));
            t.join().unwrap();
        });
    }
}
