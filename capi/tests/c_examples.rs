//! Builds the C and C++ programs in c-examples/ against the libparfor that this `cargo test` built
//! (shared and static, as `make lib` packs them: SONAME'd .so, parfor_*-only .a), runs each one
//! and checks its output, then runs each once under valgrind memcheck (when valgrind is installed;
//! CI installs it) and requires zero errors.

mod common;

use common::{examples_dir, lib_dir};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Builds every program once (`make all`) into a directory of this test run.
fn build() -> &'static Path {
    static BUILD: OnceLock<PathBuf> = OnceLock::new();
    BUILD.get_or_init(|| common::make("all", "c-examples"))
}

/// The library files the programs link: `make lib`'s output.
fn packed_lib() -> PathBuf {
    build().join("lib")
}

fn run(program: &str, prefix: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    run_with_args(program, &[], prefix, env)
}

fn run_with_args(
    program: &str,
    args: &[&Path],
    prefix: &[&str],
    env: &[(&str, &str)],
) -> (bool, String, String) {
    let path = build().join(program);
    let mut cmd = match prefix.split_first() {
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg(&path);
            c
        }
        None => Command::new(&path),
    };
    cmd.args(args)
        .env("LD_LIBRARY_PATH", packed_lib())
        .env_remove("RUST_BACKTRACE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `program`, which must succeed and print its "<name>: OK" line.
fn check(program: &str, env: &[(&str, &str)]) -> String {
    check_with_args(program, &[], env)
}

fn check_with_args(program: &str, args: &[&Path], env: &[(&str, &str)]) -> String {
    let (ok, stdout, stderr) = run_with_args(program, args, &[], env);
    assert!(ok, "{program} failed\nstdout:\n{stdout}\nstderr:\n{stderr}");
    let name = program.trim_end_matches("_static");
    assert!(
        stdout.contains(&format!("{name}: OK")),
        "{program}: {stdout}"
    );
    stdout
}

#[test]
fn the_c_program_calls_every_kernel() {
    for threads in ["1", "2"] {
        check("kernels", &[("OMP_NUM_THREADS", threads)]);
    }
}

#[test]
fn the_c_callback_program_integrates_pi() {
    for threads in ["1", "2", "3"] {
        let out = check("integrate", &[("OMP_NUM_THREADS", threads)]);
        assert!(out.contains(&format!("threads={threads} ")), "{out}");
    }
}

#[test]
fn the_statically_linked_program_runs_without_the_shared_library() {
    let exe = build().join("integrate_static");
    let ldd = Command::new("ldd").arg(&exe).output().unwrap();
    assert!(
        !String::from_utf8_lossy(&ldd.stdout).contains("libparfor"),
        "integrate_static links libparfor.so"
    );
    check("integrate_static", &[]);
}

#[test]
fn the_cpp_program_uses_parfor_hpp_and_rethrows_exceptions() {
    check("cpp_example", &[("OMP_NUM_THREADS", "2")]);
}

/// Every status row (NOMEM and CANCELLED included), the last_error texts, and the library files:
/// SONAME and the exported symbols of the .so and the .a (bad_input runs readelf and nm on them).
#[test]
fn every_bad_input_row_from_c() {
    let lib = packed_lib();
    let out = check_with_args("bad_input", &[&lib], &[("OMP_NUM_THREADS", "2")]);
    assert!(out.contains("(0 failures)"), "{out}");
}

/// A region from C with every team construct (barrier, single, copyprivate, critical, nowait
/// and ordered loops, reduction, sections, level queries), at team sizes 1, 2 and 4 (4 threads on
/// a 2-core machine oversubscribes it).
#[test]
fn the_c_team_program_checks_every_construct() {
    for threads in ["1", "2", "4"] {
        let out = check("team", &[("OMP_NUM_THREADS", threads)]);
        assert!(out.contains("every construct checked"), "{out}");
    }
}

/// Tasks from C: a taskgroup of 5000 tasks with grandchildren (each run once), fib(27) with
/// taskwait, tasks ordered by dependences, an undeferred task, argument checks; at team sizes 1, 2 and 8 (8 threads on a
/// 2-core machine oversubscribes it).
#[test]
fn the_c_tasks_program_checks_every_task() {
    for threads in ["1", "2", "8"] {
        let out = check("tasks", &[("OMP_NUM_THREADS", threads)]);
        assert!(out.contains("every task checked"), "{out}");
    }
}

#[test]
fn forked_children_get_a_working_pool() {
    let out = check("fork_test", &[]);
    assert!(out.contains("20 rounds, 0 failures"), "{out}");
}

#[test]
fn memcheck_finds_no_errors_in_the_examples() {
    if Command::new("valgrind").arg("--version").output().is_err() {
        eprintln!("valgrind is not installed: memcheck skipped (CI installs it)");
        return;
    }
    for program in [
        "kernels",
        "integrate",
        "integrate_static",
        "cpp_example",
        "bad_input",
        "team",
        "tasks",
    ] {
        let (ok, stdout, stderr) = run(
            program,
            &[
                "valgrind",
                "--error-exitcode=99",
                "--quiet",
                "--track-origins=yes",
            ],
            &[("OMP_NUM_THREADS", "2")],
        );
        assert!(
            ok,
            "memcheck on {program}:\nstdout:\n{stdout}\nstderr:\n{stderr}"
        );
        assert!(
            !stderr.contains("ERROR SUMMARY") || stderr.contains("ERROR SUMMARY: 0 errors"),
            "{stderr}"
        );
    }
}

#[test]
fn make_install_gives_headers_libraries_and_a_pkg_config_file() {
    if Command::new("pkg-config")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("pkg-config is not installed: install test skipped (CI installs it)");
        return;
    }
    build(); // the library, built from the current sources
    let prefix = lib_dir().join(format!("install-{}", std::process::id()));
    let out = Command::new("make")
        .arg("-C")
        .arg(examples_dir())
        .arg(format!("LIBDIR={}", lib_dir().display()))
        .arg(format!("BUILD={}", build().display()))
        .arg(format!("PREFIX={}", prefix.display()))
        .arg("install")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "make install failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in [
        "include/parfor.h",
        "include/parfor.hpp",
        "lib/libparfor.so.0.1.0",
        "lib/libparfor.a",
        "lib/pkgconfig/parfor.pc",
    ] {
        assert!(prefix.join(file).exists(), "{file} not installed");
    }
    for (link, target) in [
        ("lib/libparfor.so.0", "libparfor.so.0.1.0"),
        ("lib/libparfor.so", "libparfor.so.0"),
    ] {
        let found = std::fs::read_link(prefix.join(link));
        assert_eq!(found.ok(), Some(PathBuf::from(target)), "{link}");
    }
    // A C user's compile-and-link line, from pkg-config alone.
    let flags = Command::new("pkg-config")
        .args(["--cflags", "--libs", "parfor"])
        .env("PKG_CONFIG_PATH", prefix.join("lib/pkgconfig"))
        .output()
        .unwrap();
    assert!(flags.status.success());
    let flags = String::from_utf8(flags.stdout).unwrap();
    let exe = prefix.join("integrate");
    let cc = Command::new("cc")
        .arg(examples_dir().join("integrate.c"))
        .arg("-o")
        .arg(&exe)
        .args(flags.split_whitespace())
        .arg("-lm")
        .output()
        .unwrap();
    assert!(
        cc.status.success(),
        "cc with pkg-config flags failed:\n{}",
        String::from_utf8_lossy(&cc.stderr)
    );
    let run = Command::new(&exe)
        .arg("100000")
        .env("LD_LIBRARY_PATH", prefix.join("lib"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&run.stdout).contains("integrate: OK"));
    std::fs::remove_dir_all(&prefix).ok();
}
