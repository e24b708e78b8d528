//! A 4-byte mutex on a futex word, owned by a task: the one primitive behind `omp_lock_t`,
//! `omp_nest_lock_t`, unnamed and named `critical` and `GOMP_atomic_start`.
//!
//! The word holds 0 when free, else who holds it, with [`WAITERS`] set once some thread sleeps
//! on it (Drepper's "futexes are tricky", mutex 2). Who holds it is [`HELD`] for the locks that
//! never ask (simple locks, `critical`, atomics: no thread-local lookup on their path), the
//! owner's task id for nested locks (see `task_env`), which must recognise their owner.
//! Acquiring tries one compare-and-swap; if the lock is held, it polls the word with plain loads
//! (the line stays shared until the holder writes it, instead of bouncing between the cores on
//! every try), then sleeps in `FUTEX_WAIT`; releasing wakes one sleeper when the bit was set.
//! All-zero memory is a free lock, so static and zero-filled storage needs no initialisation.

use std::sync::atomic::{AtomicU32, Ordering::*};

/// Set in the lock word while a thread may be sleeping on it.
const WAITERS: u32 = 1 << 31;
/// The holder's mark in locks that do not record their owner.
pub(crate) const HELD: u32 = 1;
/// Polls of the word before sleeping.
const SPINS: u32 = 100;

/// A futex mutex laid over caller memory (`&AtomicU32` on a 4-byte, 4-aligned word).
///
/// ```text
/// let word = AtomicU32::new(0);
/// FutexLock(&word).lock();
/// FutexLock(&word).unlock();
/// ```
#[derive(Clone, Copy)]
pub(crate) struct FutexLock<'a>(pub &'a AtomicU32);

impl FutexLock<'_> {
    /// Takes the lock if it is free, marked [`HELD`]; true when taken.
    #[inline]
    pub fn try_lock(self) -> bool {
        self.try_lock_as(HELD)
    }

    /// Takes the lock if it is free, recording `me` (nonzero, below 2^31) as its holder.
    #[inline]
    pub fn try_lock_as(self, me: u32) -> bool {
        self.0.compare_exchange(0, me, Acquire, Relaxed).is_ok()
    }

    /// Who holds the lock (as given to [`FutexLock::lock_as`]), 0 when free.
    pub fn owner(self) -> u32 {
        self.0.load(Relaxed) & !WAITERS
    }

    /// Waits until the lock is free and takes it, marked [`HELD`].
    #[inline]
    pub fn lock(self) {
        self.lock_as(HELD)
    }

    /// Waits until the lock is free and takes it, recording `me` (nonzero, below 2^31).
    #[inline]
    pub fn lock_as(self, me: u32) {
        if !self.try_lock_as(me) {
            self.lock_contended(me)
        }
    }

    /// The slow path of [`FutexLock::lock_as`]: poll, then sleep until the lock is had.
    #[cold]
    fn lock_contended(self, me: u32) {
        for _ in 0..SPINS {
            std::hint::spin_loop();
            if self.0.load(Relaxed) == 0 && self.try_lock_as(me) {
                return;
            }
        }
        // From here on, take the lock with WAITERS set: another sleeper may still be waiting.
        loop {
            let seen = self.0.load(Relaxed);
            if seen == 0 {
                if self
                    .0
                    .compare_exchange(0, me | WAITERS, Acquire, Relaxed)
                    .is_ok()
                {
                    return;
                }
                continue;
            }
            if seen & WAITERS == 0
                && self
                    .0
                    .compare_exchange(seen, seen | WAITERS, Relaxed, Relaxed)
                    .is_err()
            {
                continue;
            }
            futex(
                self.0,
                libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
                seen | WAITERS,
            );
        }
    }

    /// Releases the lock (the caller owns it) and wakes one sleeper if any.
    #[inline]
    pub fn unlock(self) {
        if self.0.swap(0, Release) & WAITERS != 0 {
            futex(self.0, libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG, 1);
        }
    }
}

/// `futex(word, op, value)`; a wait returns at once when the word no longer holds `value`.
fn futex(word: &AtomicU32, op: i32, value: u32) {
    // SAFETY: `word` is a live, aligned 4-byte atomic for the duration of the call; the timeout
    // and second address are unused by FUTEX_WAIT (null: no timeout) and FUTEX_WAKE.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            op,
            value,
            std::ptr::null::<libc::timespec>(),
        )
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusion_on_a_plain_counter() {
        let word = AtomicU32::new(0);
        let mut count = 0u64;
        let count_ptr = &mut count as *mut u64 as usize;
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..20_000 {
                        FutexLock(&word).lock();
                        // SAFETY: the futex lock is held: no other thread touches `count`.
                        unsafe { *(count_ptr as *mut u64) += 1 };
                        FutexLock(&word).unlock();
                    }
                });
            }
        });
        assert_eq!(count, 80_000);
        assert_eq!(word.load(Relaxed), 0);
    }

    #[test]
    fn owner_and_try_lock() {
        let word = AtomicU32::new(0);
        assert!(FutexLock(&word).try_lock());
        assert_eq!(FutexLock(&word).owner(), HELD);
        std::thread::scope(|s| {
            s.spawn(|| assert!(!FutexLock(&word).try_lock()));
        });
        FutexLock(&word).unlock();
        assert_eq!(FutexLock(&word).owner(), 0);
        assert!(FutexLock(&word).try_lock_as(7));
        assert_eq!(FutexLock(&word).owner(), 7);
        assert!(!FutexLock(&word).try_lock_as(7));
        FutexLock(&word).unlock();
    }

    #[test]
    fn a_sleeping_waiter_is_woken() {
        // The holder keeps the lock past the waiter's polls, so the waiter sleeps on the futex
        // and must be woken by the unlock.
        let word = AtomicU32::new(0);
        FutexLock(&word).lock();
        std::thread::scope(|s| {
            let waiter = s.spawn(|| {
                FutexLock(&word).lock_as(9);
                FutexLock(&word).owner()
            });
            while word.load(Relaxed) & WAITERS == 0 {
                std::thread::yield_now();
            }
            FutexLock(&word).unlock();
            assert_eq!(waiter.join().unwrap(), 9);
        });
        FutexLock(&word).unlock();
        assert_eq!(word.load(Relaxed), 0);
    }
}
