//! Fork with a pool built by `Pool::builder`, in a process that never touches the global pool:
//! the child's regions run on fresh worker threads (distinct OS threads take part), dropping the
//! pool in the child joins only the threads made there, and the parent's pool is unaffected.

use parfor::Pool;
use std::collections::HashSet;
use std::sync::Mutex;

mod common;
use common::in_child;

/// The OS threads that ran a region of `pool`, and the team size they saw.
fn team_threads(pool: &Pool) -> (usize, usize) {
    let ids = Mutex::new(HashSet::new());
    let size = Mutex::new(0);
    pool.parallel(|t| {
        ids.lock().unwrap().insert(std::thread::current().id());
        *size.lock().unwrap() = t.num_threads();
        t.barrier();
    });
    let n = ids.into_inner().unwrap().len();
    (n, size.into_inner().unwrap())
}

#[test]
fn a_built_pool_works_in_the_child_and_can_be_dropped_there() {
    let pool = Pool::builder().threads(3).build().unwrap();
    assert_eq!(team_threads(&pool), (3, 3));
    for round in 0..3 {
        let code = in_child(|| {
            let in_child = team_threads(&pool) == (3, 3);
            let second = Pool::builder().threads(2).build().unwrap();
            let other = team_threads(&second) == (2, 2);
            drop(second);
            in_child && other
        });
        assert_eq!(code, 0, "child of round {round} failed or hung");
        assert_eq!(team_threads(&pool), (3, 3), "parent after round {round}");
    }
    // A pool dropped in the child joins only the threads it made there (the parent's do not
    // exist in the child): the child exits well before its 10 s alarm. The parent drops its own
    // copy when `in_child` returns.
    let doomed = Pool::builder().threads(2).build().unwrap();
    assert_eq!(team_threads(&doomed), (2, 2));
    let code = in_child(move || {
        let ok = team_threads(&doomed) == (2, 2);
        drop(doomed);
        ok
    });
    assert_eq!(code, 0);
}
