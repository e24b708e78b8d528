//! include/parfor.h is generated from capi/src by cbindgen and committed: this test fails when the
//! committed header differs from a fresh one (regenerate with `PARFOR_BLESS=1 cargo test -p
//! parfor-capi --test header`), and checks that it compiles warning-free as C99 and as C++17.

use std::path::{Path, PathBuf};
use std::process::Command;

fn capi_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn header_path() -> PathBuf {
    capi_dir().join("../include/parfor.h")
}

fn fresh_header() -> String {
    let config = cbindgen::Config::from_file(capi_dir().join("cbindgen.toml")).unwrap();
    // cbindgen follows the `mod` declarations of lib.rs.
    let builder = cbindgen::Builder::new()
        .with_config(config)
        .with_src(capi_dir().join("src/lib.rs"));
    let mut out = Vec::new();
    builder.generate().expect("cbindgen").write(&mut out);
    String::from_utf8(out).unwrap()
}

#[test]
fn the_committed_header_is_fresh() {
    let fresh = fresh_header();
    if std::env::var_os("PARFOR_BLESS").is_some() {
        std::fs::write(header_path(), &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(header_path()).unwrap_or_default();
    assert!(
        committed == fresh,
        "include/parfor.h is stale: run `PARFOR_BLESS=1 cargo test -p parfor-capi --test header`"
    );
}

fn compiles(compiler: &str, args: &[&str], source: &Path) {
    let include = capi_dir().join("../include");
    let out = Command::new(compiler)
        .args(args)
        .arg("-I")
        .arg(&include)
        .args(["-fsyntax-only", "-Werror"])
        .arg(source)
        .output()
        .unwrap_or_else(|e| panic!("{compiler} not found: {e}"));
    assert!(
        out.status.success(),
        "{compiler} {args:?} rejected the header:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_header_compiles_as_c99_and_cpp17() {
    let dir = std::env::temp_dir().join(format!("parfor-header-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let c = dir.join("use.c");
    std::fs::write(
        &c,
        "#include \"parfor.h\"\nint main(void) { return parfor_get_num_threads() > 0 ? 0 : 1; }\n",
    )
    .unwrap();
    compiles("gcc", &["-std=c99", "-Wall", "-Wextra", "-pedantic"], &c);
    let cpp = dir.join("use.cpp");
    std::fs::write(&cpp, "#include \"parfor.h\"\n#include \"parfor.hpp\"\nint main() { return parfor_get_num_threads() > 0 ? 0 : 1; }\n").unwrap();
    compiles(
        "g++",
        &["-std=c++17", "-Wall", "-Wextra", "-pedantic"],
        &cpp,
    );
    std::fs::remove_dir_all(&dir).ok();
}
