//! Compiles the C side of the benches (benches/c/*.c) with `gcc -O2 -fopenmp`, no -ffast-math,
//! into a static library linked with libgomp.

use std::path::Path;

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
    cc::Build::new()
        .compiler("gcc")
        .files(&sources)
        .include(dir)
        // The same flags on every side: -O2, OpenMP, no fast-math; cc's profile-dependent
        // optimisation level is overridden so that test and bench builds compile the same C.
        .opt_level(2)
        .flag("-fopenmp")
        .flag("-std=gnu11")
        .warnings(true)
        .compile("parfor_bench_c");
    println!("cargo:rustc-link-lib=gomp");
}
