//! A 4-byte mutex on a futex word, owned by a task: the one primitive behind `omp_lock_t`,
//! `omp_nest_lock_t`, unnamed and named `critical` and `GOMP_atomic_start`.
//!
//! The word holds 0 when free, else the owner's task id (see `task_env`), with [`WAITERS`] set
//! once some thread sleeps on it (Drepper's "futexes are tricky", mutex 2, with the owner in
//! place of 1). Acquiring spins briefly, then sleeps in `FUTEX_WAIT`; releasing wakes one
//! sleeper when the bit was set.
//! All-zero memory is a free lock, so static and zero-filled storage needs no initialisation.

use crate::task_env::task_id as current_owner;
use std::sync::atomic::{AtomicU32, Ordering::*};

/// Set in the lock word while a thread may be sleeping on it.
const WAITERS: u32 = 1 << 31;
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
    /// Takes the lock if it is free; true when taken.
    pub fn try_lock(self) -> bool {
        self.0
            .compare_exchange(0, current_owner(), Acquire, Relaxed)
            .is_ok()
    }

    /// The owner's task id, 0 when free.
    pub fn owner(self) -> u32 {
        self.0.load(Relaxed) & !WAITERS
    }

    /// Waits until the lock is free and takes it.
    pub fn lock(self) {
        let me = current_owner();
        for _ in 0..SPINS {
            match self.0.compare_exchange_weak(0, me, Acquire, Relaxed) {
                Ok(_) => return,
                Err(_) => std::hint::spin_loop(),
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
        assert_eq!(FutexLock(&word).owner(), current_owner());
        std::thread::scope(|s| {
            s.spawn(|| assert!(!FutexLock(&word).try_lock()));
            s.spawn(|| assert_ne!(current_owner(), 0));
        });
        FutexLock(&word).unlock();
        assert_eq!(FutexLock(&word).owner(), 0);
    }
}
