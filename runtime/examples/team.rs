//! Runs a loop on the global pool and prints the team's settings: the runtime's "hello world".
//!
//! `cargo run --release -p parfor --example team`
use parfor::{parallel_reduce, prange, Schedule};
use std::time::Instant;

fn main() {
    print!("{}", parfor::settings().display());
    let team: Vec<usize> = prange(0..parfor::max_threads())
        .schedule(Schedule::StaticChunked(1))
        .map(|_| parfor::thread_num())
        .collect();
    println!(
        "team of {}: thread numbers {:?}",
        parfor::max_threads(),
        team
    );
    let n = 100_000_000u64;
    let t = Instant::now();
    let sum = parallel_reduce(
        0..n,
        Schedule::Static,
        0.0f64,
        |i| 1.0 / ((i as f64) + 1.0).powi(2),
        |a, b| a + b,
    );
    println!(
        "sum of 1/i^2 over {n} terms = {sum:.12} (pi^2/6 = {:.12}) in {:.3} s",
        std::f64::consts::PI.powi(2) / 6.0,
        t.elapsed().as_secs_f64()
    );
}
