//! What the C-program tests share: where this test run's libparfor lives, building it, and
//! building the programs of c-examples/ against it.

use std::path::PathBuf;
use std::process::Command;

/// target/<profile>, where cargo puts libparfor.so and libparfor.a for this test run.
pub fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().to_path_buf()
}

/// The c-examples/ directory.
pub fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../c-examples")
}

/// Builds libparfor.so from the current sources into `lib_dir()`, with the profile of this test
/// run. `cargo test` builds a package's library for its integration tests only when the library is
/// linkable from Rust (an rlib), and parfor-capi is a cdylib/staticlib: without this step the
/// programs would link whatever libparfor.so an earlier `cargo build` left there, or none.
pub fn build_library() {
    let lib = lib_dir();
    let target_dir = lib.parent().unwrap();
    let profile = match lib.file_name().and_then(|n| n.to_str()) {
        Some("debug") => "test",
        Some(other) => other,
        None => "test",
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "-p",
            "parfor-capi",
            "--profile",
            profile,
        ])
        .arg("--target-dir")
        .arg(target_dir)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo not found");
    assert!(
        out.status.success(),
        "cargo build -p parfor-capi failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in ["libparfor.so", "libparfor.a"] {
        assert!(
            lib.join(file).exists(),
            "{file} not found in {}",
            lib.display()
        );
    }
}

/// Builds the library, then runs `make TARGET` in c-examples/ into `lib_dir()/BUILD_DIR`.
pub fn make(target: &str, build_dir: &str) -> PathBuf {
    build_library();
    let lib = lib_dir();
    let build = lib.join(build_dir);
    let out = Command::new("make")
        .arg("-C")
        .arg(examples_dir())
        .arg(format!("LIBDIR={}", lib.display()))
        .arg(format!("BUILD={}", build.display()))
        .arg(target)
        .output()
        .expect("make not found");
    assert!(
        out.status.success(),
        "make {target} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    build
}
