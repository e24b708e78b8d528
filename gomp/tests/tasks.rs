//! OpenMP tasks through the drop-in (gomp/tests/c/tasks.c): deferred tasks on distinct OS
//! threads, firstprivate copies, every task exactly once, dependences under random durations,
//! taskwait, taskgroup, if(0), final and taskloop, at team sizes 1 to 8, on libgomp (the
//! program's own check) and on parfor through both ways of loading it.

mod common;

use common::{command, compile, run, Runtime};

#[test]
fn tasks_at_team_sizes_1_to_8() {
    let exe = compile("tasks", &[]);
    for threads in [1, 2, 3, 8] {
        for runtime in [Runtime::Libgomp, Runtime::DropIn, Runtime::Preload] {
            let (out, text) =
                run(command(&exe, runtime).env("OMP_NUM_THREADS", threads.to_string()));
            let want = format!("tasks: OK (team of {threads})");
            assert!(
                out.status.success() && text.contains(&want),
                "{runtime:?} at {threads}: {text}"
            );
        }
    }
}
