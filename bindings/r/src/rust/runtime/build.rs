//! With the `valgrind` feature, compiles the race-detector annotations (valgrind/*.c, which need
//! valgrind's headers: Debian's `valgrind` package). Without it, does nothing.

fn main() {
    println!("cargo::rerun-if-changed=valgrind");
    #[cfg(feature = "valgrind")]
    cc::Build::new()
        .file("valgrind/helgrind.c")
        .file("valgrind/drd.c")
        .warnings(true)
        .compile("parfor_valgrind");
}
