//! Ctrl-C: the first SIGINT asks the run to stop (it sets a flag and calls [`parfor::cancel`], so
//! the loop running stops taking chunks and unwinds with [`parfor::Cancelled`]); a second one ends
//! the process at once, for a serial reference, which no cancel reaches.
//!
//! The handler does only async-signal-safe things: an atomic swap, `parfor::cancel` (an atomic
//! add), and for the second signal `signal` and `raise`.

use std::sync::atomic::{AtomicBool, Ordering::SeqCst};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigint(_: libc::c_int) {
    if INTERRUPTED.swap(true, SeqCst) {
        // SAFETY: signal and raise are async-signal-safe (POSIX); restoring the default action
        // and raising the signal again ends the process as an unhandled SIGINT would.
        unsafe {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            libc::raise(libc::SIGINT);
        }
    }
    parfor::cancel();
}

/// Installs the SIGINT handler.
pub fn install() -> std::io::Result<()> {
    // SAFETY: a zeroed sigaction is a valid value of the plain C struct (empty mask, no flags);
    // the fields that matter are set below before it is passed to sigaction.
    let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
    action.sa_sigaction = on_sigint as extern "C" fn(libc::c_int) as libc::sighandler_t;
    action.sa_flags = libc::SA_RESTART;
    // SAFETY: sigemptyset initialises the mask the struct owns; sigaction reads the struct, which
    // lives for the call, and the handler it installs is a plain `extern "C" fn(c_int)` that only
    // does async-signal-safe work.
    let rc = unsafe {
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGINT, &action, std::ptr::null_mut())
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Whether Ctrl-C was pressed.
pub fn interrupted() -> bool {
    INTERRUPTED.load(SeqCst)
}

/// Unwinds with [`parfor::Cancelled`] (as a cancelled loop does) when Ctrl-C was pressed: the
/// check between runs, where no loop is running to be cancelled.
pub fn check() {
    if interrupted() {
        std::panic::resume_unwind(Box::new(parfor::Cancelled));
    }
}
