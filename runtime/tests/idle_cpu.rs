//! An idle pool sleeps: within a few ms of the last region it uses about no CPU.
//! (One test in this binary, so no other test's work is counted.)

use parfor::{Pool, Schedule};
use std::time::Duration;

fn process_cpu_seconds() -> f64 {
    // SAFETY: getrusage fills the struct it is given; all-zero is a valid initial value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid, writable rusage.
    assert_eq!(unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) }, 0);
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

#[test]
fn an_idle_pool_uses_no_cpu() {
    for threads in [2, 8] {
        let pool = Pool::builder().threads(threads).build().unwrap();
        for _ in 0..1000 {
            pool.parallel_for(0..threads * 4, Schedule::Dynamic(1), |_| {});
        }
        std::thread::sleep(Duration::from_millis(20)); // the spin budget runs out (well under 1 ms)
        let before = process_cpu_seconds();
        std::thread::sleep(Duration::from_millis(500));
        let used = process_cpu_seconds() - before;
        // 0.5 s of one busy core would be 0.5 s; sleeping threads use nothing measurable.
        assert!(
            used < 0.02,
            "{threads} threads used {used:.4} s of CPU while idle for 0.5 s"
        );
    }
}
