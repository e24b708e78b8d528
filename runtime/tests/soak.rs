//! Many regions back to back: no deadlock, no new threads, no memory growth.
//! The long form (1,000,000 regions) is ignored by default; CI runs it in release with --ignored.

use parfor::{Pool, Schedule};

fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn soak(regions: u64) {
    let pool = Pool::builder().threads(8).build().unwrap();
    let schedules = [
        Schedule::Static,
        Schedule::StaticChunked(1),
        Schedule::Dynamic(1),
        Schedule::Guided(1),
    ];
    // Warm up: every size and schedule once, so that lazily allocated state exists.
    for team in 1..=8 {
        pool.set_num_threads(team).unwrap();
        for s in schedules {
            pool.parallel_for(0..16, s, |_: u32| {});
        }
    }
    pool.set_num_threads(2).unwrap();
    let (threads_before, rss_before) = (thread_count(), rss_kib());
    let mut total = 0u64;
    for r in 0..regions {
        let s = schedules[(r % 4) as usize];
        total += pool.parallel_reduce(0..4u64, s, 0, |i| i, |a, b| a + b);
    }
    assert_eq!(total, 6 * regions);
    for r in 0..10_000u64 {
        pool.set_num_threads(1 + (r % 8) as usize).unwrap();
        let c = pool.parallel_reduce(0..8u32, schedules[(r % 4) as usize], 0, |_| 1, |a, b| a + b);
        assert_eq!(c, 8);
    }
    let (threads_after, rss_after) = (thread_count(), rss_kib());
    assert!(
        threads_after <= threads_before,
        "threads grew from {threads_before} to {threads_after}"
    );
    assert!(
        rss_after <= rss_before + 4096,
        "RSS grew from {rss_before} KiB to {rss_after} KiB"
    );
}

#[test]
fn a_hundred_thousand_regions_leave_no_trace() {
    soak(100_000);
}

#[test]
#[ignore = "long form: a million regions; CI runs it with --release --ignored"]
fn a_million_regions_leave_no_trace() {
    soak(1_000_000);
}
