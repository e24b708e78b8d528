//! The export list of gomp/libgomp.so.1 is libgomp's (symbols.txt, and the installed
//! libgomp.so.1 when there is one), plus parfor's C API at PARFOR_0.1; the preload exports the
//! same names unversioned; an entry point that is not implemented aborts, naming itself.

mod common;

use common::{build, command, run, Runtime};
use std::collections::BTreeSet;
use std::os::unix::process::ExitStatusExt;
use std::process::Command;

const SIGABRT: i32 = 6;

/// `NAME@VERSION` (`@@` for the default version) of every function `lib` defines.
fn exported(lib: &std::path::Path) -> BTreeSet<String> {
    let out = Command::new("readelf")
        .args(["--dyn-syms", "-W"])
        .arg(lib)
        .output()
        .expect("readelf runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            (f.len() >= 8 && f[3] == "FUNC" && f[6] != "UND" && f[7].contains('@'))
                .then(|| f[7].to_string())
        })
        .collect()
}

/// A list of exports (symbols.txt, extra-symbols.txt) as `NAME@@VERSION` / `NAME@VERSION` (compat).
fn listed(file: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(common::manifest_dir().join(file)).unwrap();
    text.lines()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let at = if f.get(2) == Some(&"compat") {
                "@"
            } else {
                "@@"
            };
            format!("{}{at}{}", f[0], f[1])
        })
        .collect()
}

#[test]
fn libgomp_so_1_exports_what_libgomp_exports_plus_the_parfor_api() {
    let ours = exported(&build().join("gomp/libgomp.so.1"));
    let (mut gomp, extra): (BTreeSet<String>, BTreeSet<String>) =
        ours.into_iter().partition(|s| !s.ends_with("@@PARFOR_0.1"));
    for hint in listed("extra-symbols.txt") {
        assert!(gomp.remove(&hint), "{hint} missing");
    }
    assert_eq!(gomp, listed("symbols.txt"));
    assert!(
        extra.contains("parfor_parallel_for@@PARFOR_0.1"),
        "{extra:?}"
    );
    assert!(extra.iter().all(|s| s.starts_with("parfor_")), "{extra:?}");
    let system = std::path::Path::new("/usr/lib/x86_64-linux-gnu/libgomp.so.1");
    if system.exists() {
        assert_eq!(
            gomp,
            exported(system),
            "symbols.txt differs from the installed libgomp"
        );
    }
    let soname = Command::new("readelf")
        .args(["-d"])
        .arg(build().join("gomp/libgomp.so.1"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&soname.stdout).contains("[libgomp.so.1]"));
}

#[test]
fn the_preload_defines_every_name_unversioned() {
    let out = Command::new("nm")
        .args(["-D", "--defined-only"])
        .arg(build().join("libparfor_gomp.so"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let names: BTreeSet<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2))
        .collect();
    for entry in listed("symbols.txt")
        .into_iter()
        .chain(listed("extra-symbols.txt"))
    {
        let name = entry.split('@').next().unwrap();
        assert!(
            names.contains(name),
            "{name} missing from libparfor_gomp.so"
        );
    }
}

#[test]
fn an_unimplemented_entry_point_aborts_naming_itself() {
    let exe = common::compile("unimplemented", &[]);
    for runtime in [Runtime::Preload, Runtime::DropIn] {
        let (out, text) = run(&mut command(&exe, runtime));
        assert_eq!(out.status.signal(), Some(SIGABRT), "{runtime:?}: {text}");
        assert!(
            text.contains(
                "parfor-gomp: GOMP_taskgroup_reduction_register is not implemented (task reductions)"
            ),
            "{runtime:?}: {text}"
        );
    }
    let (_, text) = run(command(&exe, Runtime::DropIn).env("LD_DEBUG", "versions"));
    assert!(!text.contains("no version information"), "{text}");
}
