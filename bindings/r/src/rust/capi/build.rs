//! Gives libparfor.so its SONAME, `libparfor.so.<major>`, so that programs linked against it
//! record the ABI version they need (installed as libparfor.so.<version> with the symlinks
//! libparfor.so.<major> and libparfor.so; see c-examples/Makefile's `install`).

fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets the version");
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "linux" || target_os.ends_with("bsd") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libparfor.so.{major}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
