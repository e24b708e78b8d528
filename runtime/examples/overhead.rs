//! A quick probe of region overheads, for one runtime per process (an idle pool of another
//! runtime may spin and would skew the numbers).
//!
//! ```text
//! cargo run --release -p parfor --example overhead -- parfor
//! cargo run --release -p parfor --example overhead -- rayon
//! gcc -O2 -fopenmp runtime/examples/overhead_omp.c -o /tmp/overhead_omp && /tmp/overhead_omp
//! ```
//! Prints the median over 7 batches of the time per region: an empty loop with one iteration
//! per thread, and a 1000-iteration sum reduction (body `i as f64`); and of the time per barrier
//! in a region that runs 20,000 of them (parfor and OpenMP only; rayon has no team barrier).

use std::hint::black_box;
use std::time::Instant;

fn per_call(mut f: impl FnMut()) -> f64 {
    let reps = 100_000;
    for _ in 0..reps / 10 {
        f();
    }
    let mut batches: Vec<f64> = (0..7)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..reps {
                f();
            }
            t.elapsed().as_secs_f64() / reps as f64
        })
        .collect();
    batches.sort_by(f64::total_cmp);
    batches[3]
}

/// The median over 7 regions of the time per barrier, each region running `reps` barriers.
fn per_barrier(run_region: impl Fn(usize)) -> f64 {
    let reps = 20_000;
    run_region(reps / 10);
    let mut batches: Vec<f64> = (0..7)
        .map(|_| {
            let t = Instant::now();
            run_region(reps);
            t.elapsed().as_secs_f64() / reps as f64
        })
        .collect();
    batches.sort_by(f64::total_cmp);
    batches[3]
}

fn main() {
    let which = std::env::args().nth(1).unwrap_or_else(|| "parfor".into());
    let threads = parfor::settings().num_threads.value;
    let (empty, reduce, barrier) = match which.as_str() {
        "parfor" => {
            use parfor::Schedule::Static;
            let empty = per_call(|| {
                parfor::parallel_for(0..threads, Static, |i| {
                    black_box(i);
                })
            });
            let reduce = per_call(|| {
                black_box(parfor::parallel_reduce(
                    0..1000u32,
                    Static,
                    0.0,
                    |i| i as f64,
                    |a, b| a + b,
                ));
            });
            let barrier = per_barrier(|reps| {
                parfor::parallel(|t| {
                    for _ in 0..reps {
                        t.barrier();
                    }
                })
            });
            (empty, reduce, Some(barrier))
        }
        "rayon" => {
            use rayon::prelude::*;
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build_global()
                .unwrap();
            let empty = per_call(|| {
                (0..threads).into_par_iter().for_each(|i| {
                    black_box(i);
                })
            });
            let reduce = per_call(|| {
                black_box((0..1000u32).into_par_iter().map(|i| i as f64).sum::<f64>());
            });
            (empty, reduce, None)
        }
        other => {
            eprintln!("overhead: unknown runtime '{other}' (expected parfor or rayon)");
            std::process::exit(2);
        }
    };
    let barrier = barrier.map_or("-".into(), |b| format!("{:.3}", b * 1e6));
    println!(
        "{which:6} threads={threads} empty_region_us={:.3} reduce_1000_us={:.3} barrier_us={barrier}",
        empty * 1e6,
        reduce * 1e6
    );
}
