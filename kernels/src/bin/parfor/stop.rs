//! Why a command stopped early, how that is told to the user, and the exit status it gives.
//!
//! Stopped loops and failed allocations unwind with the runtime's payloads ([`parfor::Cancelled`],
//! [`parfor::AllocError`]); [`catching`] turns them back into a [`Stop`], and the panic hook stays
//! quiet for them, so the user sees one plain message and no panic report.

use parfor::{AllocError, Cancelled};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::process::ExitCode;

/// Why a command stopped before its end.
#[derive(Debug)]
pub enum Stop {
    /// Ctrl-C; `done` lists what finished, `during` what was running.
    Interrupted { done: Vec<String>, during: String },
    /// Standard output was closed (`parfor run | head -1`).
    StdoutClosed,
    /// Memory sized from the parameters could not be had.
    NoMemory { during: String, error: AllocError },
    /// Bad arguments (exit status 2).
    Usage(String),
    /// Anything else that failed (exit status 1).
    Failed(String),
}

impl Stop {
    /// Prints the message (none for a closed stdout) and gives the exit status.
    pub fn report(self) -> ExitCode {
        match self {
            Stop::Interrupted { done, during } => {
                let finished = if done.is_empty() {
                    "nothing had finished".to_string()
                } else {
                    format!("finished: {}", done.join(", "))
                };
                eprintln!("parfor: interrupted during {during}; {finished}");
                ExitCode::from(130)
            }
            Stop::StdoutClosed => ExitCode::from(141),
            Stop::NoMemory { during, error } => {
                eprintln!(
                    "parfor: error: {during}: {error}; try smaller sizes (--set, --size small)"
                );
                ExitCode::from(1)
            }
            Stop::Usage(message) => {
                eprintln!("parfor: error: {message}");
                ExitCode::from(2)
            }
            Stop::Failed(message) => {
                eprintln!("parfor: error: {message}");
                ExitCode::from(1)
            }
        }
    }

    /// A failed write to standard output: a closed pipe stops quietly, anything else fails.
    pub fn from_stdout(e: std::io::Error) -> Stop {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Stop::StdoutClosed
        } else {
            Stop::Failed(format!("cannot write to standard output: {e}"))
        }
    }
}

/// How a piece of work ended when it did not return.
pub enum Unwound {
    /// Ctrl-C (a cancelled loop, or the check between runs).
    Cancelled,
    /// An allocation sized from the parameters failed.
    NoMemory(AllocError),
}

/// Runs `work`, turning the runtime's stop payloads into [`Unwound`]; any other panic resumes.
pub fn catching<R>(work: impl FnOnce() -> R) -> Result<R, Unwound> {
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(r) => Ok(r),
        Err(payload) => {
            if payload.is::<Cancelled>() {
                return Err(Unwound::Cancelled);
            }
            match payload.downcast::<AllocError>() {
                Ok(e) => Err(Unwound::NoMemory(*e)),
                Err(other) => resume_unwind(other),
            }
        }
    }
}

/// Installs a panic hook that is silent for the stop payloads (should a kernel raise them with a
/// panic rather than `resume_unwind`) and reports every other panic as before.
pub fn quiet_panics_for_stops() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        if !(payload.is::<Cancelled>() || payload.is::<AllocError>()) {
            report(info);
        }
    }));
}
