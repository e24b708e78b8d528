//! Cancellation on the drop-in (tests/c/cancel.c): with `OMP_CANCELLATION=true` a cancelled
//! parallel region releases the threads waiting at its barrier (no hang), a cancelled dynamic loop
//! stops dealing iterations, a nested region's cancel stays in its team, a cancelled taskgroup
//! discards its tasks not yet started; without it every cancel is a no-op.

mod common;

use common::{command, compile_as, run_with_timeout, Runtime};
use std::time::Duration;

/// Runs cancel.c on both forms of the drop-in at `threads`, with cancellation on or off.
fn check(on: bool, threads: usize) {
    // One program per test: tests run at once, and a program being written cannot be run.
    let exe = compile_as("cancel", if on { "cancel_on" } else { "cancel_off" }, &[]);
    for runtime in [Runtime::Preload, Runtime::DropIn] {
        let mut cmd = command(&exe, runtime);
        cmd.env("OMP_NUM_THREADS", threads.to_string());
        if on {
            cmd.env("OMP_CANCELLATION", "true");
        }
        let (ok, text) = run_with_timeout(&mut cmd, Duration::from_secs(60))
            .unwrap_or_else(|| panic!("{runtime:?} (on: {on}, {threads} threads): hung"));
        let want = format!(
            "cancel: OK (cancellation {}, team of {threads})",
            if on { "on" } else { "off" }
        );
        assert!(ok && text.contains(&want), "{runtime:?} (on: {on}): {text}");
    }
}

#[test]
fn cancel_constructs_leave_without_deadlock_when_cancellation_is_on() {
    for threads in [1, 2, 4] {
        check(true, threads);
    }
}

#[test]
fn cancel_is_a_no_op_when_cancellation_is_off() {
    for threads in [1, 4] {
        check(false, threads);
    }
}
