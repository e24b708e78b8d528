//! Generates an aborting stub for every libgomp export (symbols.txt) that src/ does not define.
//!
//! symbols.txt lists what Debian's libgomp.so.1 (gcc 12) exports, one `NAME VERSION [compat]` a
//! line (`readelf --dyn-syms`). A function counts as implemented when src/ holds
//! `extern "C" fn NAME(`; every other name gets `unimplemented_entry!(NAME, "why")`, which aborts
//! with a message naming it (see src/missing.rs). So the export list always matches libgomp's.

use std::collections::BTreeSet;
use std::path::Path;
use std::{env, fs};

/// Names that follow `fn ` in the .rs files under `dir`.
fn defined_in(dir: &Path, names: &mut BTreeSet<String>) {
    for entry in fs::read_dir(dir).expect("src/ is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            defined_in(&path, names);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&path).expect("source is readable");
            for piece in text.split("fn ").skip(1) {
                let name: String = piece
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                names.insert(name);
            }
        }
    }
}

/// Why an entry point is missing, from its name.
fn reason(name: &str) -> &'static str {
    if name.starts_with("GOACC_") || name.starts_with("acc_") || name.starts_with("OACC") {
        "OpenACC"
    } else if name.starts_with("GOMP_PLUGIN_") {
        "offload plugins"
    } else if name.contains("target") || name.contains("offload") || name.contains("teams") {
        "offloading"
    } else if name.ends_with('_') {
        "the Fortran API"
    } else if name.contains("cancel") {
        "cancellation"
    } else if name.contains("reduction") {
        "task reductions"
    } else if name == "omp_fulfill_event" {
        "task detach"
    } else if name.contains("task") || name.contains("depend") {
        "tasks"
    } else if name.contains("alloc") || name.ends_with("free") {
        "memory allocators"
    } else {
        "not yet"
    }
}

fn main() {
    println!("cargo:rerun-if-changed=symbols.txt");
    println!("cargo:rerun-if-changed=src");
    let symbols = fs::read_to_string("symbols.txt").expect("symbols.txt is readable");
    let mut defined = BTreeSet::new();
    defined_in(Path::new("src"), &mut defined);
    let wanted: BTreeSet<&str> = symbols
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let mut out = String::new();
    for name in wanted.iter().filter(|n| !defined.contains(**n)) {
        out.push_str(&format!(
            "unimplemented_entry!({name}, {:?});\n",
            reason(name)
        ));
    }
    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("missing.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}
