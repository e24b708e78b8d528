//! A panic in any iteration ends the region, resumes on the caller with its payload, and leaves
//! the pool working.

use parfor::{Pool, Schedule};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

fn payload_text(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn a_panic_resumes_on_the_caller_with_its_payload() {
    let pool = Pool::builder().threads(3).build().unwrap();
    for schedule in [
        Schedule::Static,
        Schedule::StaticChunked(2),
        Schedule::Dynamic(1),
        Schedule::Guided(1),
    ] {
        for bad in [0u64, 500, 999] {
            let err = catch_unwind(AssertUnwindSafe(|| {
                pool.parallel_for(0..1000u64, schedule, |i| {
                    if i == bad {
                        panic!("iteration {i} failed");
                    }
                })
            }))
            .unwrap_err();
            assert_eq!(payload_text(err), format!("iteration {bad} failed"));
            // The pool still works, with every thread.
            let sum = pool.parallel_reduce(0..1000u64, schedule, 0, |i| i, |a, b| a + b);
            assert_eq!(sum, 499_500);
        }
    }
}

#[test]
fn other_threads_stop_taking_work_after_a_panic() {
    let pool = Pool::builder().threads(2).build().unwrap();
    let ran = AtomicU64::new(0);
    let n = 100_000u64;
    let r = catch_unwind(AssertUnwindSafe(|| {
        pool.parallel_for(0..n, Schedule::Dynamic(1), |i| {
            ran.fetch_add(1, Relaxed);
            if i == 10 {
                panic!("stop");
            }
            std::thread::sleep(std::time::Duration::from_micros(20));
        })
    }));
    assert!(r.is_err());
    assert!(
        ran.load(Relaxed) < n / 2,
        "ran {} of {n} iterations",
        ran.load(Relaxed)
    );
}

#[test]
fn every_thread_panicking_reports_one_panic() {
    let pool = Pool::builder().threads(4).build().unwrap();
    let r = catch_unwind(AssertUnwindSafe(|| {
        pool.parallel_for(0..4, Schedule::StaticChunked(1), |_: i32| panic!("all"))
    }));
    assert_eq!(payload_text(r.unwrap_err()), "all");
    pool.parallel_for(0..4, Schedule::Static, |_: i32| {});
}

#[test]
fn panics_in_reductions_collects_and_nested_loops() {
    let pool = Pool::builder().threads(2).build().unwrap();
    let r = catch_unwind(AssertUnwindSafe(|| {
        pool.parallel_reduce(
            0..100,
            Schedule::Static,
            0,
            |i| if i == 77 { panic!("reduce") } else { i },
            |a, b| a + b,
        )
    }));
    assert_eq!(payload_text(r.unwrap_err()), "reduce");
    let r = catch_unwind(AssertUnwindSafe(|| {
        pool.prange(0..100)
            .map(|i| if i == 3 { panic!("map") } else { vec![i; 3] })
            .collect::<Vec<_>>()
    }));
    assert_eq!(payload_text(r.unwrap_err()), "map");
    let r = catch_unwind(AssertUnwindSafe(|| {
        pool.parallel_for(0..4, Schedule::Static, |_: i32| {
            parfor::parallel_for(0..4, Schedule::Dynamic(1), |j: i32| {
                if j == 2 {
                    panic!("inner")
                }
            });
        })
    }));
    assert_eq!(payload_text(r.unwrap_err()), "inner");
    assert!(!parfor::in_parallel(), "the team is left after a panic");
    assert_eq!(
        pool.parallel_reduce(0..10, Schedule::Static, 0, |i| i, |a, b| a + b),
        45
    );
}

#[test]
fn the_global_pool_survives_panics() {
    for _ in 0..50 {
        let r = catch_unwind(|| {
            parfor::parallel_for(0..64, Schedule::Dynamic(4), |i: i32| {
                if i % 9 == 0 {
                    panic!("x")
                }
            })
        });
        assert!(r.is_err());
    }
    let total = parfor::parallel_reduce(0..1000, Schedule::Guided(1), 0, |i| i, |a, b| a + b);
    assert_eq!(total, 499_500);
}

/// A panic payload whose own `Drop` panics.
struct PanicsWhenDropped;

impl Drop for PanicsWhenDropped {
    fn drop(&mut self) {
        panic!("the payload's drop panicked");
    }
}

/// The child side of the test below: two threads of a region panic with payloads whose `Drop`
/// panics; the runtime keeps the first and must drop the second, where unwinding would leave the
/// master waiting forever.
#[test]
#[ignore = "run by a_payload_that_panics_when_dropped_aborts_with_a_message in a child process"]
fn child_drops_a_payload_that_panics() {
    let pool = Pool::builder().threads(2).build().unwrap();
    let _ = catch_unwind(AssertUnwindSafe(|| {
        pool.parallel(|t| {
            t.barrier();
            std::panic::panic_any(PanicsWhenDropped)
        })
    }));
    println!("child: survived");
}

#[test]
fn a_payload_that_panics_when_dropped_aborts_with_a_message() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "child_drops_a_payload_that_panics",
            "--nocapture",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !out.status.success(),
        "the child should abort\n{stdout}\n{stderr}"
    );
    assert!(
        stderr.contains("parfor: fatal: a panic payload panicked while being dropped"),
        "{stderr}"
    );
    assert!(!stdout.contains("child: survived"));
}
