//! One kernel on one runtime, timed in this process: the unit of benches/ab.sh's interleaved A/B
//! runs (every run its own process, so only one runtime's pool ever lives in it).
//!
//! ```text
//! ab <runtime> <kernel> [--size full|bench] [--reps R]
//! ab --summary <csv>
//! ```
//! `runtime` is `parfor` (the kernel's default schedule), `rayon` (benches/src/rayon_kernels.rs),
//! `openmp` (benches/c/kernels.c on libgomp) or `serial` (parfor-kernels' plain loop); team sizes
//! come from `OMP_NUM_THREADS` / `RAYON_NUM_THREADS`. `full` is the size of shared/kernels.md,
//! `bench` the criterion benches' size. After one untimed warm-up call, `R` calls (default 3) are
//! timed; the line printed is
//! `<kernel> <runtime> <threads> <size> <min seconds> <median seconds> <fingerprint>`, where the
//! fingerprint (a hash of the result's bits and of every output) must agree between runtimes.
//!
//! `--summary` reads the CSV that ab.sh wrote and prints, per kernel and runtime, the min, median
//! and max over the rounds of each process's fastest call; then each other runtime against the
//! first one of the CSV: the ratio of the medians and the verdict by the tie rule of
//! [`parfor_benches::compare`]. It exits with status 1 when two runtimes gave different bits.

use parfor_benches::compare::{Spread, Verdict};
use parfor_benches::{ffi, rayon_kernels as rk, sizes, SEED};
use parfor_kernels::{bootstrap, grid_max, mandelbrot, pi, roots, roots_sum, wealth, weather};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Instant;

/// The problem sizes of one run.
struct Sizes {
    pi: pi::Params,
    wealth: wealth::Params,
    weather: weather::Params,
    roots: u64,
    roots_sum: u64,
    grid_max: grid_max::Params,
    bootstrap: bootstrap::Params,
    mandelbrot: mandelbrot::Params,
}

impl Sizes {
    fn of(name: &str) -> Sizes {
        match name {
            "full" => Sizes {
                pi: pi::Params::default(),
                wealth: wealth::Params::default(),
                weather: weather::Params::default(),
                roots: roots::Params::default().n,
                roots_sum: roots_sum::Params::default().n,
                grid_max: grid_max::Params::default(),
                bootstrap: bootstrap::Params::default(),
                mandelbrot: mandelbrot::Params::default(),
            },
            "bench" => Sizes {
                pi: sizes::pi(),
                wealth: sizes::wealth(),
                weather: sizes::weather(),
                roots: sizes::roots().n,
                roots_sum: sizes::roots_sum().n,
                grid_max: sizes::grid_max(),
                bootstrap: sizes::bootstrap(),
                mandelbrot: sizes::mandelbrot(),
            },
            other => usage(&format!("unknown size {other}")),
        }
    }
}

fn usage(why: &str) -> ! {
    eprintln!(
        "ab: {why}\nusage: ab <parfor|rayon|openmp|serial> <kernel> [--size full|bench] [--reps R]"
    );
    std::process::exit(2)
}

/// The bits of a run's results, hashed.
fn fingerprint(bits: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    bits.hash(&mut h);
    h.finish()
}

fn f64_bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// A call of `kernel` on `runtime` with its buffers made once: each call returns its fingerprint.
fn prepare(runtime: &str, kernel: &str, s: &Sizes) -> Box<dyn FnMut() -> u64> {
    let rt = runtime.to_string();
    match kernel {
        "pi" => {
            let p = s.pi;
            Box::new(move || {
                let v = match rt.as_str() {
                    "parfor" => pi::parallel(p, SEED, pi::DEFAULT_SCHEDULE),
                    "rayon" => rk::pi(p, SEED),
                    "openmp" => 4.0 * ffi::pi_omp(p.n, SEED) as f64 / p.n as f64,
                    _ => pi::serial(p, SEED),
                };
                v.to_bits()
            })
        }
        "wealth" => {
            let p = s.wealth;
            let mut w = vec![0.0; p.households as usize];
            Box::new(move || {
                let v = match rt.as_str() {
                    "parfor" => wealth::parallel(p, SEED, wealth::DEFAULT_SCHEDULE),
                    "rayon" => rk::wealth(p, SEED),
                    "openmp" => ffi::wealth_omp(p.into(), SEED, &mut w),
                    _ => wealth::serial(p, SEED),
                };
                v.to_bits()
            })
        }
        "weather" => {
            let p = s.weather;
            Box::new(move || {
                let (m, sd) = match rt.as_str() {
                    "parfor" => {
                        let w = weather::parallel(p, SEED, weather::DEFAULT_SCHEDULE);
                        (w.mean, w.std)
                    }
                    "rayon" => {
                        let w = rk::weather(p, SEED);
                        (w.mean, w.std)
                    }
                    "openmp" => ffi::weather_omp(p.into(), SEED),
                    _ => {
                        let w = weather::serial(p, SEED);
                        (w.mean, w.std)
                    }
                };
                fingerprint((m.to_bits(), sd.to_bits()))
            })
        }
        "roots" | "roots_sum" => {
            let n = if kernel == "roots" {
                s.roots
            } else {
                s.roots_sum
            };
            // Made by serial code (the same values as roots::input), so no second pool starts.
            let mut x = vec![0.0; n as usize];
            ffi::roots_input(SEED, &mut x);
            if kernel == "roots" {
                let mut out = vec![0.0f32; x.len()];
                Box::new(move || {
                    match rt.as_str() {
                        "parfor" => roots::parallel(&x, &mut out, roots::DEFAULT_SCHEDULE),
                        "rayon" => rk::roots(&x, &mut out),
                        "openmp" => ffi::roots_omp(&x, &mut out),
                        _ => roots::serial(&x, &mut out),
                    }
                    fingerprint(out.iter().map(|v| v.to_bits()).collect::<Vec<_>>())
                })
            } else {
                let mut out = vec![0.0; x.len()];
                Box::new(move || {
                    match rt.as_str() {
                        "parfor" => roots_sum::parallel(&x, &mut out, roots_sum::DEFAULT_SCHEDULE),
                        "rayon" => rk::roots_sum(&x, &mut out),
                        "openmp" => ffi::roots_sum_omp(&x, &mut out),
                        _ => roots_sum::serial(&x, &mut out),
                    }
                    fingerprint(f64_bits(&out))
                })
            }
        }
        "grid_max" => {
            let p = s.grid_max;
            Box::new(move || {
                let v = match rt.as_str() {
                    "parfor" => grid_max::parallel(p, grid_max::DEFAULT_SCHEDULE),
                    "rayon" => rk::grid_max(p),
                    "openmp" => ffi::grid_max_omp(p.n),
                    _ => grid_max::serial(p),
                };
                v.to_bits()
            })
        }
        "bootstrap" => {
            let p = s.bootstrap;
            let (mut m, mut sd) = (vec![0.0; p.tasks as usize], vec![0.0; p.tasks as usize]);
            Box::new(move || {
                match rt.as_str() {
                    "parfor" => {
                        bootstrap::fill(p, SEED, &mut m, &mut sd, bootstrap::DEFAULT_SCHEDULE);
                    }
                    "rayon" => {
                        rk::bootstrap(p, SEED, &mut m, &mut sd);
                    }
                    "openmp" => {
                        ffi::bootstrap_omp(p.tasks, p.draws, SEED, &mut m, &mut sd);
                    }
                    _ => {
                        bootstrap::serial_fill(p, SEED, &mut m, &mut sd);
                    }
                }
                fingerprint((f64_bits(&m), f64_bits(&sd)))
            })
        }
        "mandelbrot" => {
            let p = s.mandelbrot;
            let mut counts = vec![0u32; p.pixels()];
            Box::new(move || {
                match rt.as_str() {
                    "parfor" => {
                        mandelbrot::counts(p, &mut counts, mandelbrot::DEFAULT_SCHEDULE);
                    }
                    "rayon" => {
                        rk::mandelbrot(p, &mut counts);
                    }
                    "openmp" => {
                        ffi::mandelbrot_omp(p.width, p.height, p.max_iter, &mut counts);
                    }
                    _ => {
                        mandelbrot::serial_counts(p, &mut counts);
                    }
                }
                fingerprint(&counts)
            })
        }
        other => usage(&format!("unknown kernel {other}")),
    }
}

/// Prints the summary of an ab.sh CSV; false when two runtimes of a kernel gave different bits.
fn summary(csv: &str) -> bool {
    // (kernel, runtime) in order of first appearance -> (times, fingerprints, threads).
    type Runs = Vec<(f64, String)>;
    let mut rows: Vec<((String, String), Runs)> = Vec::new();
    for line in csv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("round,"))
    {
        let f: Vec<&str> = line.split(',').collect();
        let (Some(kernel), Some(runtime), Some(t), Some(print)) =
            (f.get(1), f.get(2), f.get(5), f.get(7))
        else {
            continue;
        };
        let Ok(t) = t.parse::<f64>() else { continue };
        let key = (kernel.to_string(), runtime.to_string());
        match rows.iter_mut().find(|(k, _)| *k == key) {
            Some((_, runs)) => runs.push((t, print.to_string())),
            None => rows.push((key, vec![(t, print.to_string())])),
        }
    }
    let mut kernels: Vec<String> = Vec::new();
    for ((k, _), _) in &rows {
        if !kernels.contains(k) {
            kernels.push(k.clone());
        }
    }
    let mut same_bits = true;
    println!(
        "{:<11} {:<8} {:>3} {:>10} {:>10} {:>10}   {:<26} bits",
        "kernel", "runtime", "n", "min s", "median s", "max s", "vs first runtime"
    );
    for k in &kernels {
        let sides: Vec<_> = rows.iter().filter(|((kk, _), _)| kk == k).collect();
        let first = &sides[0];
        let first_spread = Spread::of(&first.1.iter().map(|r| r.0).collect::<Vec<_>>());
        for ((_, rt), runs) in &sides {
            let times: Vec<f64> = runs.iter().map(|r| r.0).collect();
            let Some(s) = Spread::of(&times) else {
                continue;
            };
            let bits_agree = runs.iter().all(|r| r.1 == first.1[0].1);
            same_bits &= bits_agree;
            let against = match (rt == &first.0 .1, &first_spread) {
                (false, Some(f)) if f.n < 2 || s.n < 2 => {
                    format!(
                        "{}/{rt} = {:.3}: no verdict, 1 round",
                        first.0 .1,
                        f.median / s.median
                    )
                }
                (false, Some(f)) => {
                    let v = f.verdict(&s);
                    let words = match v {
                        Verdict::Tie => "tie".to_string(),
                        Verdict::Faster => format!("{} faster", first.0 .1),
                        Verdict::Slower => format!("{rt} faster"),
                    };
                    format!("{}/{rt} = {:.3}: {words}", first.0 .1, f.median / s.median)
                }
                _ => String::new(),
            };
            println!(
                "{k:<11} {rt:<8} {:>3} {:>10.4} {:>10.4} {:>10.4}   {against:<26} {}",
                s.n,
                s.min,
                s.median,
                s.max,
                if bits_agree { "same" } else { "DIFFERENT" }
            );
        }
    }
    println!(
        "(times: each process's fastest call; a ratio whose rounds' [min, max] ranges overlap is a tie)"
    );
    same_bits
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "--summary") {
        let Some(path) = args.get(1) else {
            usage("--summary needs the CSV")
        };
        let csv = std::fs::read_to_string(path).unwrap_or_else(|e| usage(&format!("{path}: {e}")));
        if !summary(&csv) {
            eprintln!("ab: runtimes gave different bits");
            std::process::exit(1);
        }
        return;
    }
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let (Some(runtime), Some(kernel)) = (args.first(), args.get(1)) else {
        usage("two arguments needed")
    };
    if !["parfor", "rayon", "openmp", "serial"].contains(&runtime.as_str()) {
        usage(&format!("unknown runtime {runtime}"));
    }
    let size = flag("--size").unwrap_or_else(|| "full".into());
    let reps: usize = flag("--reps").map_or(3, |r| {
        r.parse()
            .ok()
            .filter(|&r| r > 0)
            .unwrap_or_else(|| usage("--reps takes a positive number"))
    });
    let threads = match runtime.as_str() {
        "parfor" => parfor::max_threads(),
        "rayon" => rayon::current_num_threads(),
        "openmp" => ffi::max_threads(),
        _ => 1,
    };
    let mut call = prepare(runtime, kernel, &Sizes::of(&size));
    let print = call();
    let mut times = Vec::with_capacity(reps);
    for _ in 0..reps {
        let t = Instant::now();
        let f = call();
        times.push(t.elapsed().as_secs_f64());
        assert_eq!(
            f, print,
            "ab: {kernel} on {runtime} gave different bits in one process"
        );
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{kernel} {runtime} {threads} {size} {:.6} {:.6} {print:016x}",
        times[0],
        times[times.len() / 2]
    );
}
