//! The last resort where unwinding would be undefined behaviour or leave a team waiting forever:
//! a clear message on stderr, then `abort`, as rayon-core does.

/// Prints `parfor: fatal: {why}` and aborts the process.
pub(crate) fn abort(why: &str) -> ! {
    eprintln!("parfor: fatal: {why}; aborting");
    std::process::abort()
}

/// Aborts with its message if dropped while unwinding: put one on the stack around code that must
/// not unwind, and `forget` it once that code has returned.
pub(crate) struct AbortOnUnwind(pub &'static str);

impl Drop for AbortOnUnwind {
    fn drop(&mut self) {
        if std::thread::panicking() {
            abort(self.0)
        }
    }
}
