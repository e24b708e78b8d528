//! Locks, critical sections and the atomic lock under contention, on the three runtimes.

mod common;

use common::{command, compile, run, Runtime};

#[test]
fn locks_and_critical_sections_exclude_and_nest() {
    let exe = compile("locks", &["-lpthread"]);
    for runtime in [Runtime::Libgomp, Runtime::Preload, Runtime::DropIn] {
        let (out, text) = run(&mut command(&exe, runtime));
        assert!(out.status.success(), "{runtime:?}: {text}");
        assert!(text.contains("locks: OK"), "{runtime:?}: {text}");
    }
}

#[test]
fn locks_with_hints_link_against_the_drop_in() {
    let gomp = common::build().join("gomp");
    let rpath = format!("-Wl,-rpath,{}", gomp.display());
    let dir = format!("-L{}", gomp.display());
    let exe = common::compile_as(
        "locks",
        "locks_with_hint",
        &["-DWITH_HINT", "-lpthread", &dir, &rpath],
    );
    for runtime in [Runtime::Preload, Runtime::DropIn] {
        let (out, text) = run(&mut command(&exe, runtime));
        assert!(
            out.status.success() && text.contains("locks: OK"),
            "{runtime:?}: {text}"
        );
    }
}
