//! The end of a plain `cargo bench`: cargo runs the bench targets in name order, so this one
//! comes after every `kernels_*` and `overhead_*` target and prints the summary of what they left
//! in criterion's output directory (`$CRITERION_HOME`, else `<target dir>/criterion`), at the team
//! size the benches ran with (`OMP_NUM_THREADS`, else every CPU). It measures nothing.

use parfor_benches::{results, summary};
use std::path::PathBuf;

/// Where criterion wrote: `$CRITERION_HOME`, else `criterion` in the target directory that holds
/// this executable (`<target>/release/deps/summary-<hash>`).
fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    let exe = std::env::current_exe().unwrap_or_default();
    exe.ancestors().nth(3).map_or_else(
        || PathBuf::from("target/criterion"),
        |t| t.join("criterion"),
    )
}

fn main() {
    let threads = std::env::var("OMP_NUM_THREADS")
        .ok()
        .and_then(|v| v.split(',').next()?.trim().parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get() as u32));
    let dir = criterion_dir();
    // `cargo bench -- --list` and friends pass their flags here too: nothing to summarise then.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    print!(
        "{}",
        summary::summary(&results::load(&dir, threads), threads, &dir)
    );
}
