//! After fork(), the child's first loop works at once on a fresh pool; the parent is unaffected.

use parfor::Schedule;

fn sum(n: u64) -> u64 {
    parfor::parallel_reduce(0..n, Schedule::Dynamic(7), 0, |i| i, |a, b| a + b)
}

/// Forks, runs `child` in the child under a 10 s alarm (a hang kills it), returns its exit code.
fn in_child(child: impl FnOnce() -> bool) -> i32 {
    // SAFETY: the child runs only parfor and the allocator (which glibc makes fork-safe), then
    // leaves with _exit, never returning into the test harness.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        // SAFETY: alarm and _exit are async-signal-safe.
        unsafe { libc::alarm(10) };
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(child)).unwrap_or(false);
        unsafe { libc::_exit(if ok { 0 } else { 1 }) };
    }
    let mut status = 0;
    // SAFETY: waiting for our own child.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    }
}

#[test]
fn loops_work_in_children_and_parent_after_fork() {
    parfor::set_num_threads(3).unwrap();
    assert_eq!(sum(10_000), 49_995_000);
    let pool = parfor::Pool::builder().threads(2).build().unwrap();
    for round in 0..5 {
        let code = in_child(|| {
            let ok = sum(10_000) == 49_995_000 && parfor::max_threads() == 3;
            // A grandchild works too.
            let grand = in_child(|| sum(1000) == 499_500);
            // A pool built before the fork runs its loops on the calling thread here.
            let built =
                pool.parallel_reduce(0..100, Schedule::Static, 0, |i| i, |a, b| a + b) == 4950;
            ok && grand == 0 && built
        });
        assert_eq!(code, 0, "child of round {round} failed or hung");
        assert_eq!(sum(100_000), 4_999_950_000, "parent after round {round}");
    }
    assert_eq!(
        pool.parallel_reduce(0..100, Schedule::Static, 0, |i| i, |a, b| a + b),
        4950
    );
}
