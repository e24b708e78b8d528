//! Compiles the C side of the benches (benches/c/*.c) twice, as a C performance user would
//! (`-O3 -fno-math-errno`, no `-ffast-math`, no `-march`):
//! - with `gcc -fopenmp` into `parfor_bench_c`, linked with libgomp;
//! - kernels.c and overhead.c again with `clang -fopenmp` into `parfor_bench_llvm`, linked with
//!   LLVM's libomp, every function they define renamed with the suffix `_llvm` (objcopy), so that
//!   both builds live in one library and each bench process calls one of them.
//!
//! libgomp comes first on the link line, so gcc's `GOMP_*` calls bind to libgomp even though
//! libomp exports a GOMP compatibility layer (benches/tests/c_matches.rs checks which library
//! provides them). Without clang and libomp the LLVM side is left out (cfg `no_libomp`, a cargo
//! warning); `PARFOR_REQUIRE_LIBOMP=1` (CI) makes that an error.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The flags of both C builds, shown in BENCHMARKS.md (`parfor_benches::ffi::C_FLAGS`).
const FLAGS: [&str; 3] = ["-O3", "-fno-math-errno", "-std=gnu11"];

fn base(compiler: &str, dir: &Path) -> cc::Build {
    let mut b = cc::Build::new();
    b.compiler(compiler)
        .include(dir)
        .flag("-fopenmp")
        .warnings(true);
    // cc's profile-dependent optimisation level is overridden so that test and bench builds
    // compile the same C.
    b.opt_level(3);
    for f in FLAGS.iter().skip(1) {
        b.flag(f);
    }
    b
}

/// Where clang's libomp is: (directory, file name), the development link `libomp.so` or else the
/// runtime library `libomp.so.5` (Debian's libomp-dev puts the link outside clang's search path).
fn libomp() -> Option<(PathBuf, String)> {
    ["libomp.so", "libomp.so.5"].into_iter().find_map(|name| {
        let out = Command::new("clang")
            .arg(format!("-print-file-name={name}"))
            .output()
            .ok()?;
        let path = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
        // clang prints the bare name back when it does not find the file.
        if !(path.is_absolute() && path.exists()) {
            return None;
        }
        Some((path.parent()?.to_path_buf(), name.to_string()))
    })
}

/// Renames every global symbol that the archive `lib` defines to `<name>_llvm`.
fn suffix_symbols(lib: &Path, out_dir: &Path) {
    let nm = Command::new("nm")
        .args(["--defined-only", "-g", "-P"])
        .arg(lib)
        .output()
        .expect("nm (binutils) runs");
    assert!(nm.status.success(), "nm failed on {}", lib.display());
    let mut map = String::new();
    for line in String::from_utf8_lossy(&nm.stdout).lines() {
        let mut f = line.split_whitespace();
        if let (Some(name), Some(kind)) = (f.next(), f.next()) {
            if kind == "T" && !name.ends_with(':') {
                map.push_str(&format!("{name} {name}_llvm\n"));
            }
        }
    }
    let map_path = out_dir.join("llvm-symbols.map");
    std::fs::write(&map_path, map).expect("write the symbol map");
    let status = Command::new("objcopy")
        .arg(format!("--redefine-syms={}", map_path.display()))
        .arg(lib)
        .status()
        .expect("objcopy (binutils) runs");
    assert!(status.success(), "objcopy failed on {}", lib.display());
}

fn main() {
    let dir = Path::new("c");
    let mut sources: Vec<_> = std::fs::read_dir(dir)
        .expect("benches/c exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    sources.sort();
    for p in sources.iter() {
        println!("cargo:rerun-if-changed={}", p.display());
    }
    for h in ["pcg64.h", "zig_tables.h", "delay.h"] {
        println!("cargo:rerun-if-changed=c/{h}");
    }
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=PARFOR_REQUIRE_LIBOMP");
    println!("cargo::rustc-check-cfg=cfg(no_libomp)");
    println!("cargo:rustc-env=PARFOR_BENCH_C_FLAGS={}", FLAGS.join(" "));

    base("gcc", dir).files(&sources).compile("parfor_bench_c");
    println!("cargo:rustc-link-lib=gomp");

    match libomp() {
        Some((omp_dir, omp_file)) => {
            let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
            base("clang", dir)
                .files(["c/kernels.c", "c/overhead.c"])
                .cargo_metadata(false)
                .compile("parfor_bench_llvm");
            suffix_symbols(&out_dir.join("libparfor_bench_llvm.a"), &out_dir);
            println!("cargo:rustc-link-lib=static=parfor_bench_llvm");
            println!("cargo:rustc-link-search=native={}", omp_dir.display());
            println!("cargo:rustc-link-lib=dylib:+verbatim={omp_file}");
        }
        None => {
            if std::env::var_os("PARFOR_REQUIRE_LIBOMP").is_some_and(|v| v == "1") {
                panic!("PARFOR_REQUIRE_LIBOMP=1 but clang or libomp is missing (apt-get install clang libomp-dev)");
            }
            println!("cargo:warning=clang or libomp not found: the libomp benches are left out (apt-get install clang libomp-dev)");
            println!("cargo:rustc-cfg=no_libomp");
        }
    }
}
