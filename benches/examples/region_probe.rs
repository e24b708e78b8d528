//! Runs `N` regions of one overhead test on one runtime, for profilers (callgrind, perf):
//!
//! ```text
//! OMP_NUM_THREADS=2 valgrind --tool=callgrind target/release/examples/region_probe parfor empty_region 10000
//! ```
//! Runtimes: parfor, rayon, openmp. Tests: empty_region, reduce_1000, for_1000; and for parfor
//! reduce_prealloc (a diagnostic reduction with partials kept across calls).

use parfor_benches::{ffi, overhead};
use std::hint::black_box;

#[repr(align(128))]
struct Slot(std::sync::atomic::AtomicU64);
#[allow(clippy::declare_interior_mutable_const)]
const ZERO: Slot = Slot(std::sync::atomic::AtomicU64::new(0));
static PARTIALS: [Slot; 64] = [ZERO; 64];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runtime = args.get(1).map_or("parfor", String::as_str);
    let test = args.get(2).map_or("empty_region", String::as_str);
    let n: usize = args.get(3).and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let threads = std::env::var("OMP_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2usize);
    let t = std::time::Instant::now();
    for _ in 0..n {
        match (runtime, test) {
            ("parfor", "empty_region") => overhead::parfor_side::empty_region(threads),
            ("parfor", "reduce_1000") => {
                black_box(overhead::parfor_side::reduce_1000());
            }
            ("parfor", "for_1000") => overhead::parfor_side::for_1000(),
            // Diagnostic: the same reduction with per-thread partials kept across calls (padded,
            // no allocation, no lock), to tell the runtime's reduce bookkeeping from the region.
            ("parfor", "reduce_prealloc") => {
                parfor::parallel_for_chunks(0..1000u32, parfor::Schedule::Static, |r| {
                    let mut acc = 0.0;
                    for i in r {
                        acc += i as f64;
                    }
                    let slot = &PARTIALS[parfor::thread_num()];
                    slot.0
                        .store(acc.to_bits(), std::sync::atomic::Ordering::Relaxed);
                });
                let n = parfor::max_threads();
                black_box(PARTIALS[..n].iter().fold(0.0, |a, p| {
                    a + f64::from_bits(p.0.load(std::sync::atomic::Ordering::Relaxed))
                }));
            }
            ("rayon", "empty_region") => overhead::rayon_side::empty_region(threads),
            ("rayon", "reduce_1000") => {
                black_box(overhead::rayon_side::reduce_1000());
            }
            ("rayon", "for_1000") => overhead::rayon_side::for_1000(),
            ("openmp", "empty_region") => ffi::ovh_empty_region(),
            ("openmp", "reduce_1000") => {
                black_box(ffi::ovh_reduce_1000());
            }
            ("openmp", "for_1000") => ffi::ovh_for_1000(),
            _ => {
                eprintln!("region_probe: unknown runtime/test {runtime} {test}");
                std::process::exit(2);
            }
        }
    }
    println!(
        "{runtime} {test}: {:.3} us per call over {n} calls",
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    );
}
