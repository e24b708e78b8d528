//! Instructions per chunk of a dynamic loop, for callgrind (repeatable under load, unlike time):
//!
//! ```text
//! cargo build --release -p parfor --example dynamic_probe
//! OMP_NUM_THREADS=2 valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
//!     target/release/examples/dynamic_probe dynamic,1
//! ```
//! Runs 10 loops of 100,000 chunks of one empty iteration under the schedule given (`dynamic,1`,
//! `monotonic:dynamic,1`, `guided`, ... in `OMP_SCHEDULE` syntax); the total instruction count
//! over 1,000,000 is the cost of one chunk (loop start and end included, spinning threads too).

use std::hint::black_box;

fn main() {
    let arg = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "dynamic,1".into());
    let schedule: parfor::Schedule = arg.parse().unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..10 {
        parfor::parallel_for(0..100_000u32, schedule, |i| {
            black_box(i);
        });
    }
}
