//! Stopping a running loop or kernel from another thread or a signal handler.

/// Stops every loop and kernel running in the process at this moment: they stop taking new
/// blocks and return `PARFOR_ERR_CANCELLED` once the blocks already started have finished (within
/// one block of work). A cancel while nothing runs does not affect later calls. The pool stays
/// usable. Async-signal-safe (it only stores to atomics) and callable from any thread.
///
/// ```c
/// static void on_sigint(int sig) { (void)sig; parfor_cancel(); }
/// signal(SIGINT, on_sigint);
/// if (parfor_pi(1000000000000, 42, &pi) == PARFOR_ERR_CANCELLED) puts("stopped");
/// ```
#[no_mangle]
pub extern "C" fn parfor_cancel() {
    // parfor::cancel only stores to atomics and cannot unwind: no guard needed (a guard's
    // catch_unwind would not be async-signal-safe either).
    parfor::cancel();
}
