//! Entry points of libgomp that parfor does not implement: each one aborts the process with a
//! message naming it, so that a program never falls through to another OpenMP runtime silently.
//! build.rs generates one stub for every name of symbols.txt that src/ does not define.
//!
//! ```text
//! $ LD_PRELOAD=libparfor_gomp.so ./offload
//! parfor-gomp: GOMP_target_ext is not implemented (offloading); aborting
//! ```

/// Writes `parfor-gomp: NAME is not implemented (WHY); aborting` to stderr and aborts.
///
/// Uses `write(2)` directly, not Rust's stderr lock: the caller's state is unknown.
pub(crate) fn abort_unimplemented(name: &str, why: &str) -> ! {
    for part in [
        "parfor-gomp: ",
        name,
        " is not implemented (",
        why,
        "); aborting\n",
    ] {
        // SAFETY: writes `part.len()` bytes from a live string to fd 2.
        unsafe { libc::write(2, part.as_ptr().cast(), part.len()) };
    }
    std::process::abort()
}

/// Writes `parfor-gomp: WHAT; aborting` to stderr and aborts: for a call the runtime cannot
/// honour (an argument asking for an unimplemented feature).
pub(crate) fn abort_with(what: &str) -> ! {
    for part in ["parfor-gomp: ", what, "; aborting\n"] {
        // SAFETY: writes `part.len()` bytes from a live string to fd 2.
        unsafe { libc::write(2, part.as_ptr().cast(), part.len()) };
    }
    std::process::abort()
}

/// Defines `#[no_mangle] extern "C" fn NAME()` that aborts with [`abort_unimplemented`].
/// The arguments a caller passes are never read, so one signature fits every entry point.
macro_rules! unimplemented_entry {
    ($name:ident, $why:literal) => {
        #[no_mangle]
        #[doc = concat!("Not implemented (", $why, "): aborts, naming `", stringify!($name), "`.")]
        pub extern "C" fn $name() {
            abort_unimplemented(stringify!($name), $why)
        }
    };
}

include!(concat!(env!("OUT_DIR"), "/missing.rs"));
