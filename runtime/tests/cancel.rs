//! `parfor::cancel()`: running loops stop promptly and report `Cancelled`; a cancel with nothing
//! running does not affect the next loop; the pool stays usable; the call is safe from a signal
//! handler. And allocation sized from the loop fails with `AllocError`, not an abort.

use parfor::{cancellable, AllocError, Cancelled, Schedule};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::*};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// A cancel stops every loop in the process: the tests of this file take turns.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

/// A loop that would run for hours, cancelled from another thread once it has started.
fn cancel_a_long_loop_from(canceller: impl FnOnce() + Send) -> (Result<(), Cancelled>, u64) {
    let started = AtomicBool::new(false);
    let ran = AtomicU64::new(0);
    let result = std::thread::scope(|s| {
        s.spawn(|| {
            while !started.load(Acquire) {
                std::thread::yield_now();
            }
            canceller();
        });
        cancellable(|| {
            parfor::parallel_for(0..u64::MAX, Schedule::Dynamic(1), |_| {
                started.store(true, Release);
                ran.fetch_add(1, Relaxed);
                std::thread::sleep(Duration::from_micros(100));
            })
        })
    });
    (result, ran.into_inner())
}

#[test]
fn a_running_loop_stops_and_reports_cancelled() {
    let _turn = one_at_a_time();
    let t0 = Instant::now();
    let (result, ran) = cancel_a_long_loop_from(parfor::cancel);
    assert_eq!(result, Err(Cancelled));
    assert!((1..1_000_000).contains(&ran), "ran {ran} iterations");
    // Not a speed check: a loop that ignored the cancel would run for centuries.
    assert!(t0.elapsed() < Duration::from_secs(60));
    // The pool is usable after, with every thread.
    let sum = parfor::parallel_reduce(0..1000u64, Schedule::Dynamic(3), 0, |i| i, |a, b| a + b);
    assert_eq!(sum, 499_500);
}

#[test]
fn a_cancel_with_nothing_running_does_not_affect_the_next_loop() {
    let _turn = one_at_a_time();
    parfor::cancel();
    parfor::cancel();
    let r = cancellable(|| {
        parfor::parallel_reduce(0..100u32, Schedule::Static, 0, |i| i, |a, b| a + b)
    });
    assert_eq!(r, Ok(4950));
}

#[test]
fn other_panics_pass_through_cancellable() {
    let _turn = one_at_a_time();
    let r = std::panic::catch_unwind(|| {
        let _ = cancellable(|| parfor::parallel_for(0..10, Schedule::Static, |i| assert!(i < 5)));
    });
    let payload = r.unwrap_err();
    assert!(!payload.is::<Cancelled>());
}

extern "C" fn on_signal(_: libc::c_int) {
    parfor::cancel();
}

#[test]
fn cancel_is_callable_from_a_signal_handler() {
    let _turn = one_at_a_time();
    // SAFETY: installs a handler that only bumps an atomic counter (async-signal-safe).
    let old = unsafe { libc::signal(libc::SIGUSR2, on_signal as *const () as libc::sighandler_t) };
    assert_ne!(old, libc::SIG_ERR);
    // SAFETY: getpid has no preconditions; kill sends SIGUSR2, handled above, to this process.
    let (result, _) = cancel_a_long_loop_from(|| unsafe {
        libc::kill(libc::getpid(), libc::SIGUSR2);
    });
    assert_eq!(result, Err(Cancelled));
}

#[test]
fn collecting_more_than_memory_holds_is_an_alloc_error() {
    let _turn = one_at_a_time();
    let r = std::panic::catch_unwind(|| {
        let v: Vec<u64> = parfor::prange(0..u64::MAX).map(|i| i).collect();
        v.len()
    });
    let payload = r.unwrap_err();
    let e = payload
        .downcast_ref::<AllocError>()
        .expect("an AllocError payload");
    assert_eq!(e.bytes, usize::MAX);
}
