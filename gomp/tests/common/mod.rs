//! What the drop-in's tests share: building libparfor_gomp.so and gomp/libgomp.so.1 in this test
//! run's profile directory, compiling C programs with `gcc -fopenmp`, and running a program on
//! one of the three runtimes (gcc's libgomp, the preload, the installed-as-libgomp file).

#![allow(dead_code)] // each test file uses a part

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The runtimes a `gcc -fopenmp` program can run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runtime {
    /// gcc's own libgomp, as the program was linked.
    Libgomp,
    /// `LD_PRELOAD=libparfor_gomp.so`.
    Preload,
    /// `LD_LIBRARY_PATH=.../gomp`: our libgomp.so.1 in place of gcc's.
    DropIn,
}

/// target/<profile>, where this test run's libraries are built.
pub fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().to_path_buf()
}

/// Builds libparfor_gomp.{so,a} with this test run's profile, then links gomp/libgomp.so.1 with
/// link-libgomp.sh (once per test process). `cargo test` alone would not build the cdylib.
pub fn build() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let lib = lib_dir();
        let profile = match lib.file_name().and_then(|n| n.to_str()) {
            Some("debug") | None => "test",
            Some(other) => other,
        };
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let out = Command::new(cargo)
            .args([
                "build",
                "--quiet",
                "-p",
                "parfor-gomp",
                "--profile",
                profile,
            ])
            .arg("--target-dir")
            .arg(lib.parent().unwrap())
            .output()
            .expect("cargo runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = Command::new(manifest_dir().join("link-libgomp.sh"))
            .arg(&lib)
            .output()
            .expect("link-libgomp.sh runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        lib
    })
}

/// The gomp/ directory.
pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compiles gomp/tests/c/NAME.c with `gcc -fopenmp -O2` (plus `extra`) into the build directory.
pub fn compile(name: &str, extra: &[&str]) -> PathBuf {
    compile_as(name, name, extra)
}

/// As [`compile`], into the program `exe_name` (for one source built with different flags).
pub fn compile_as(name: &str, exe_name: &str, extra: &[&str]) -> PathBuf {
    let out_dir = build().join("gomp-tests");
    std::fs::create_dir_all(&out_dir).unwrap();
    let exe = out_dir.join(exe_name);
    let out = Command::new("gcc")
        .args(["-fopenmp", "-O2", "-Wall", "-o"])
        .arg(&exe)
        .arg(manifest_dir().join("tests/c").join(format!("{name}.c")))
        .args(extra)
        .output()
        .expect("gcc runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

/// A command for `exe` on `runtime`, with `OMP_*` settings of the caller's environment removed.
pub fn command(exe: &Path, runtime: Runtime) -> Command {
    let mut cmd = Command::new(exe);
    for (key, _) in std::env::vars() {
        if key.starts_with("OMP_") || key.starts_with("GOMP_") {
            cmd.env_remove(key);
        }
    }
    match runtime {
        Runtime::Libgomp => {}
        Runtime::Preload => {
            cmd.env("LD_PRELOAD", build().join("libparfor_gomp.so"));
        }
        Runtime::DropIn => {
            cmd.env("LD_LIBRARY_PATH", build().join("gomp"));
        }
    }
    cmd
}

/// Runs `cmd` and returns its output, with stdout and stderr as text for messages.
pub fn run(cmd: &mut Command) -> (Output, String) {
    let out = cmd.output().expect("program runs");
    let text = format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out, text)
}

/// Runs with a timeout (a hang is a failure, not a stuck test); `None` when it timed out.
pub fn run_with_timeout(cmd: &mut Command, limit: std::time::Duration) -> Option<(bool, String)> {
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("program starts");
    let started = std::time::Instant::now();
    while started.elapsed() < limit {
        if child.try_wait().expect("wait works").is_some() {
            let out = child.wait_with_output().expect("output");
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            return Some((out.status.success(), text));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}
