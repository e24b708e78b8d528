//! Doacross loops on the drop-in (tests/c/doacross.c): `ordered(n)` loops with `depend(sink)` and
//! `depend(source)` in every schedule, one and two dimensions (collapsed or not), negative steps,
//! unsigned long long, nowait chains, nests of 7 and 20 dimensions, and the C-variadic
//! `GOMP_doacross_wait` called with 1 to 20 arguments; every result checked against the serial
//! recurrence. The same program runs on gcc's libgomp, which must pass it too (not at 8 threads:
//! libgomp's doacross waits spin without yielding, and with 8 threads on a 2-core machine the
//! program takes minutes there).

mod common;

use common::{command, compile_as, run_with_timeout, Runtime};
use std::path::Path;
use std::time::Duration;

/// Runs the program `exe` (doacross.c) on `runtime` with `threads` threads and
/// `OMP_SCHEDULE=schedule`.
fn check(exe: &Path, runtime: Runtime, threads: usize, schedule: &str) {
    let mut cmd = command(exe, runtime);
    cmd.env("OMP_NUM_THREADS", threads.to_string())
        .env("OMP_SCHEDULE", schedule);
    let (ok, text) = run_with_timeout(&mut cmd, Duration::from_secs(120))
        .unwrap_or_else(|| panic!("{runtime:?} at {threads} threads, {schedule}: hung"));
    let want = format!("doacross: OK (team of {threads})");
    assert!(
        ok && text.contains(&want),
        "{runtime:?} at {threads} threads, {schedule}: {text}"
    );
}

#[test]
fn doacross_loops_honour_their_dependences_on_the_drop_in() {
    // One program per test: tests run at once, and a program being written cannot be run.
    let exe = compile_as("doacross", "doacross_drop_in", &[]);
    for threads in [1, 2, 3, 8] {
        for schedule in ["static", "dynamic,3", "guided"] {
            check(&exe, Runtime::DropIn, threads, schedule);
        }
        check(&exe, Runtime::Preload, threads, "static,2");
    }
}

#[test]
fn libgomp_passes_the_same_program() {
    let exe = compile_as("doacross", "doacross_libgomp", &[]);
    for threads in [1, 2, 3] {
        check(&exe, Runtime::Libgomp, threads, "dynamic,3");
    }
}
