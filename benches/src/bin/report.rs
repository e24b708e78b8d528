//! Reads the criterion estimates that benches/run.sh saved and writes BENCHMARKS.md, a PNG plot
//! and the per-round CSV; or prints the readable summary of any criterion output directory.
//!
//! ```text
//! report --results target/bench-results --out BENCHMARKS.md --plot benches/plot.png \
//!        --csv benches/results/criterion-rounds.csv --command "benches/run.sh"
//! report --summary --results target/criterion [--threads 2]
//! ```
//! Layout read: `<results>/r<round>.<try>/t<threads>/**/new/{benchmark,estimates,sample}.json`
//! (or a plain `target/criterion`, taken as one round at `--threads`). Tables show the smallest
//! of the rounds' medians; every comparison's word follows the tie rule of
//! [`parfor_benches::compare`] over the rounds (over one round's samples when there is one).

use parfor_benches::compare::Verdict;
use parfor_benches::overhead::{DELAY_REPS, DYNAMIC_ITERS, TESTS};
use parfor_benches::results::{self, spread_of, Basis, Measurement};
use parfor_benches::sizes::{self, KERNELS};
use plotters::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// (threads, group, function) -> (median, its 95% confidence interval) of every round, in ns.
type Results = BTreeMap<(u32, String, String), Vec<(f64, f64, f64)>>;

fn by_bench(found: &[Measurement]) -> Results {
    let mut out = Results::new();
    for m in found {
        out.entry((m.threads, m.group.clone(), m.function.clone()))
            .or_default()
            .push((m.median, m.ci.0, m.ci.1));
    }
    out
}

struct Data {
    r: Results,
    found: Vec<Measurement>,
}

impl Data {
    /// Best (smallest) median over the rounds, in ns.
    fn get(&self, threads: u32, group: &str, function: &str) -> Option<f64> {
        self.best(threads, group, function).map(|b| b.0)
    }

    /// The round with the smallest median: (median, CI lower, CI upper).
    fn best(&self, threads: u32, group: &str, function: &str) -> Option<(f64, f64, f64)> {
        self.r
            .get(&(threads, group.to_string(), function.to_string()))
            .and_then(|v| v.iter().copied().min_by(|a, b| a.0.total_cmp(&b.0)))
    }

    /// `a` against `b` by the tie rule, over the rounds (or one round's samples).
    fn verdict(&self, threads: u32, group: &str, a: &str, b: &str) -> Option<(Verdict, Basis)> {
        let side = |f: &str| {
            let ms: Vec<&Measurement> = self
                .found
                .iter()
                .filter(|m| m.threads == threads && m.group == group && m.function == f)
                .collect();
            spread_of(&ms)
        };
        let ((x, basis), (y, _)) = (side(a)?, side(b)?);
        Some((x.verdict(&y), basis))
    }

    /// How many rounds (not tries) measured this bench.
    fn rounds(&self, threads: u32, group: &str, function: &str) -> usize {
        let mut rounds: Vec<u32> = self
            .found
            .iter()
            .filter(|m| m.threads == threads && m.group == group && m.function == function)
            .map(|m| m.round)
            .collect();
        rounds.dedup();
        rounds.len()
    }

    /// A kernel's serial time (taken at 1 thread; serial code has no team).
    fn serial(&self, kernel: &str, function: &str) -> Option<f64> {
        self.get(1, kernel, function)
    }

    /// The overhead test's time: function ids are `<runtime>/<test>`.
    fn ovh(&self, threads: u32, runtime: &str, test: &str) -> Option<f64> {
        self.get(threads, "overhead", &format!("{runtime}/{test}"))
    }
}

fn ms(ns: Option<f64>) -> String {
    ns.map_or("-".into(), |v| format!("{:.1}", v / 1e6))
}

fn us(ns: Option<f64>) -> String {
    ns.map_or("-".into(), |v| {
        if v < 10_000.0 {
            format!("{:.2}", v / 1e3)
        } else {
            format!("{:.1}", v / 1e3)
        }
    })
}

fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? / b?)
}

fn fx(r: Option<f64>) -> String {
    r.map_or("-".into(), |v| format!("{v:.2}"))
}

fn sh(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

fn machine(results: &Path) -> String {
    let lscpu = sh("lscpu", &[]);
    let field = |name: &str| {
        lscpu
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_else(|| "?".into())
    };
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or("?".into(), |kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0));
    let gcc = sh("gcc", &["--version"]);
    let mut s = String::new();
    let _ = writeln!(s, "| | |\n|---|---|");
    let _ = writeln!(s, "| CPU | {} |", field("Model name"));
    let _ = writeln!(
        s,
        "| CPUs (lscpu) | {} ({} thread(s) per core, {} core(s) per socket) |",
        field("CPU(s)"),
        field("Thread(s) per core"),
        field("Core(s) per socket")
    );
    let _ = writeln!(s, "| Hypervisor | {} |", field("Hypervisor vendor"));
    let _ = writeln!(s, "| Memory | {mem} |");
    let _ = writeln!(s, "| OS | {} |", sh("uname", &["-srm"]));
    let _ = writeln!(s, "| rustc | {} |", sh("rustc", &["-V"]));
    let _ = writeln!(s, "| gcc | {} |", gcc.lines().next().unwrap_or("?"));
    let commit = std::fs::read_to_string(results.join("commit.txt"))
        .map(|c| c.trim().to_string())
        .unwrap_or_else(|_| sh("git", &["rev-parse", "--short", "HEAD"]));
    let _ = writeln!(s, "| commit measured | {commit} |");
    s
}

fn mark(ok: Option<bool>) -> &'static str {
    match ok {
        Some(true) => "pass",
        Some(false) => "**miss**",
        None => "-",
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
            .unwrap_or_else(|| default.to_string())
    };
    let results = PathBuf::from(arg("--results", "target/bench-results"));
    let out = PathBuf::from(arg("--out", "BENCHMARKS.md"));
    let plot = PathBuf::from(arg("--plot", "benches/plot.png"));
    let command = arg("--command", "benches/run.sh");
    let threads: u32 = arg("--threads", "2").parse().unwrap_or(2);
    let found = results::load(&results, threads);
    if found.is_empty() {
        eprintln!("report: no criterion results under {}", results.display());
        std::process::exit(1);
    }
    if args.iter().any(|a| a == "--summary") {
        print!(
            "{}",
            parfor_benches::summary::summary(&found, threads, &results)
        );
        return;
    }
    if let Some(csv) = args
        .iter()
        .position(|a| a == "--csv")
        .and_then(|i| args.get(i + 1))
    {
        let commit = std::fs::read_to_string(results.join("commit.txt")).unwrap_or_default();
        let command: String = command
            .lines()
            .map(|l| format!("# command: {l}\n"))
            .collect();
        let text = format!(
            "{command}# commit: {}\n# criterion's median (and its 95% interval) of every bench, team size, round and try, in ns; \
             benches/run.sh's layout r<round>.<try>/t<threads>\n{}",
            commit.trim(),
            results::csv(&found)
        );
        std::fs::write(csv, text).expect("write the per-round CSV");
    }
    let d = Data {
        r: by_bench(&found),
        found,
    };
    let kernel_rounds = d.rounds(2, "pi", "parfor");
    let ovh_rounds = d.rounds(2, "overhead", "parfor/empty_region");

    let mut md = String::new();
    let w = &mut md;
    let _ = writeln!(w, "# Benchmarks\n");
    let _ = writeln!(
        w,
        "Generated by `benches/run.sh` (the `report` binary of `parfor-benches`); do not edit by hand.\n\
         parfor against serial code, rayon and OpenMP C (libgomp and LLVM's libomp) on the eight kernels \
         of the seed suite and on EPCC-style overhead microbenchmarks; the raw medians of every round \
         are in `benches/results/criterion-rounds.csv` (with the command). Times are criterion medians (10 samples for kernels, \
         20 for overheads). The machine is shared with other engineers' builds and tests: before each \
         bench process `run.sh` waits for a quiet second, measures the CPU time other processes take \
         while it runs, and runs it again when they took more than a tenth of a core on average; \
         kernels ran in {kernel_rounds} round(s) (pi, parfor, 2 threads) and overheads in \
         {ovh_rounds} (empty region, parfor), each round every bench process once; tables show the \
         smallest median of the rounds and tries (interference only ever slows a run down), and \
         words (faster / tie / slower) follow the spread of the rounds.\n"
    );
    let disturbed = std::fs::read_to_string(results.join("disturbed.txt")).unwrap_or_default();
    if !disturbed.trim().is_empty() {
        let _ = writeln!(
            w,
            "Runs that stayed disturbed in every try (their numbers are less trustworthy):\n"
        );
        for l in disturbed.lines() {
            let _ = writeln!(w, "- {l}");
        }
        let _ = writeln!(w);
    }
    let _ = writeln!(w, "## Machine\n\n{}", machine(&results));
    let _ = writeln!(w, "## Command\n\n```sh\n{command}\n```\n");
    let _ = writeln!(
        w,
        "Build: `cargo bench` (release, `-C opt-level=3`, no fast-math, no `-C target-cpu`); the C \
         side is built by `benches/build.rs` through the cc crate as a C performance user would: \
         `gcc {flags} -fopenmp` linked with libgomp (`OpenMP`), and the same kernels.c and \
         overhead.c again with `clang {flags} -fopenmp` linked with LLVM's libomp (`libomp`); no \
         `-ffast-math`, no `-march` on either side. The bench processes check which library serves \
         each build's OpenMP calls and that every thread of each team ran iterations.\n",
        flags = parfor_benches::ffi::C_FLAGS
    );
    let _ = writeln!(w, "## How the runtimes are kept apart\n");
    let _ = writeln!(
        w,
        "Each bench target loads one runtime: `kernels_parfor`/`overhead_parfor` (parfor's pool only), \
         `kernels_rayon`/`overhead_rayon` (rayon's global pool only), `kernels_openmp`/`overhead_openmp` \
         (libgomp's team only), `kernels_serial`/`overhead_serial` (no pool). `run.sh` runs every target \
         in its own process, one after the other, with `OMP_NUM_THREADS=N RAYON_NUM_THREADS=N` and its \
         own `CRITERION_HOME` (`target/bench-results/r<round>/t<N>`), so an idle pool of one runtime \
         (libgomp's workers spin after a region; rayon's sleep) is never alive while another runtime is \
         timed. Inputs of the rayon and OpenMP processes are made by serial code, so no second pool \
         ever starts in them (libgomp is linked into every target but creates no thread until its \
         first parallel region).\n"
    );
    let _ = writeln!(w, "## Same algorithm on every side\n");
    let _ = writeln!(
        w,
        "Every implementation uses parfor-kernels' fixed blocks and one PCG64 stream per block or task. \
         The rayon versions (`benches/src/rayon_kernels.rs`) call the same per-block functions and change \
         only the parallel loop (`into_par_iter().map().sum()`, `par_iter_mut`, `par_chunks_mut`, \
         `for_each_init`, `reduce`). The C versions (`benches/c/kernels.c`) port PCG64 (XSL-RR 128/64, \
         rand_pcg's seeding), rand's uniform `f64` and rand_distr's ziggurat normal (with its tables) \
         line by line, and use the same schedule as parfor's default for each kernel \
         (`schedule(dynamic, c)` over the same blocks; `static` for roots). \
         `benches/tests/c_matches.rs` and `rayon_matches.rs` check bit-equality with the serial \
         references (pi's hit count, every final wealth, weather's moments, roots, roots_sum, grid_max, \
         every bootstrap task, every mandelbrot count) in `cargo test`. roots_sum hides its input from \
         the optimiser once per output element on every side (`black_box` in Rust, an empty `asm` with a \
         memory clobber in C).\n"
    );

    // ------------------------------------------------------------- kernels
    let _ = writeln!(w, "## Kernels: median time per call (ms)\n");
    let _ = writeln!(
        w,
        "`serial` is parfor-kernels' plain Rust loop, `serial-c` the plain C loop; parfor runs each \
         kernel's default schedule.\n"
    );
    let _ = writeln!(
        w,
        "| kernel | size | serial | serial-c | parfor 1 | parfor 2 | rayon 1 | rayon 2 | OpenMP 1 | OpenMP 2 | libomp 1 | libomp 2 |"
    );
    let _ = writeln!(
        w,
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for k in KERNELS {
        let _ = writeln!(
            w,
            "| {k} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            sizes::label(k),
            ms(d.serial(k, "serial")),
            ms(d.serial(k, "serial-c")),
            ms(d.get(1, k, "parfor")),
            ms(d.get(2, k, "parfor")),
            ms(d.get(1, k, "rayon")),
            ms(d.get(2, k, "rayon")),
            ms(d.get(1, k, "openmp")),
            ms(d.get(2, k, "openmp")),
            ms(d.get(1, k, "libomp")),
            ms(d.get(2, k, "libomp")),
        );
    }
    let _ = writeln!(
        w,
        "\nThe C and Rust serial loops differ where the compilers do (gcc and clang at `{}`, rustc at \
         `-C opt-level=3`); the ratios to OpenMP compare whole programs built with the stated flags.",
        parfor_benches::ffi::C_FLAGS
    );
    let _ = writeln!(
        w,
        "\n## Kernels at 2 threads: ratios, verdicts and speed-ups\n"
    );
    let basis = match d.verdict(2, "pi", "parfor", "rayon").map(|v| v.1) {
        Some(Basis::Rounds(n)) => format!("the {n} rounds' medians (each round its own process)"),
        _ => "one round's criterion samples (a single round has no spread of rounds)".into(),
    };
    let _ = writeln!(
        w,
        "Ratio = parfor's median / the other's (smallest median of the rounds). The word follows the \
         intervals (benches/src/compare.rs): parfor is *faster* or *slower* only when the [min, max] \
         ranges of the two sides do not overlap, else it is a *tie*; ranges here are over {basis}. \
         Bars (issue 6): parfor/rayon <= 1 and parfor/OpenMP <= 1.05, a tie counting as met. \
         Speed-up = serial (Rust) time / parallel time; for OpenMP over the C serial loop.\n"
    );
    let _ = writeln!(
        w,
        "| kernel | parfor/rayon | parfor is | parfor/OpenMP | parfor is | parfor/libomp | parfor is | speed-up parfor | rayon | OpenMP (vs serial-c) |"
    );
    let _ = writeln!(w, "|---|---:|---|---:|---|---:|---|---:|---:|---:|");
    let mut bars: Vec<(String, bool)> = Vec::new();
    let word = |v: Option<Verdict>| match v {
        Some(Verdict::Slower) => "**slower**".to_string(),
        Some(v) => v.to_string(),
        None => "-".into(),
    };
    for k in KERNELS {
        let p2 = d.get(2, k, "parfor");
        let mut cells = String::new();
        for (other, bar) in [
            ("rayon", Some(1.0)),
            ("openmp", Some(1.05)),
            ("libomp", None),
        ] {
            let r = ratio(p2, d.get(2, k, other));
            let v = d.verdict(2, k, "parfor", other).map(|v| v.0);
            if let (Some(r), Some(bar), Some(v)) = (r, bar, v) {
                let name = if other == "openmp" { "OpenMP" } else { other };
                bars.push((
                    format!("{k}: parfor/{name} = {r:.3} (<= {bar}), parfor is {v}"),
                    r <= bar || v != Verdict::Slower,
                ));
            }
            let _ = write!(cells, " {} | {} |", fx(r), word(v));
        }
        let _ = writeln!(
            w,
            "| {k} |{cells} {} | {} | {} |",
            fx(ratio(d.serial(k, "serial"), p2)),
            fx(ratio(d.serial(k, "serial"), d.get(2, k, "rayon"))),
            fx(ratio(d.serial(k, "serial-c"), d.get(2, k, "openmp"))),
        );
    }

    let _ = writeln!(w, "\n## Schedules (ms): mandelbrot and roots_sum\n");
    let _ = writeln!(
        w,
        "parfor's default is `dynamic,1` for mandelbrot (rows) and `dynamic,4` for roots_sum (blocks of \
         16 outputs); OpenMP's `openmp` column uses the same schedule in the pragma, the others go \
         through `schedule(runtime)` and `omp_set_schedule`.\n"
    );
    let _ = writeln!(
        w,
        "| kernel | schedule | parfor 1 | parfor 2 | OpenMP 1 | OpenMP 2 |"
    );
    let _ = writeln!(w, "|---|---|---:|---:|---:|---:|");
    for k in ["mandelbrot", "roots_sum"] {
        let default = if k == "mandelbrot" {
            "dynamic,1 (default)"
        } else {
            "dynamic,4 (default)"
        };
        for (label, pf, om) in [
            (default, "parfor", "openmp"),
            ("static", "parfor-static", "openmp-static"),
            ("guided,1", "parfor-guided1", "openmp-guided1"),
        ] {
            let _ = writeln!(
                w,
                "| {k} | {label} | {} | {} | {} | {} |",
                ms(d.get(1, k, pf)),
                ms(d.get(2, k, pf)),
                ms(d.get(1, k, om)),
                ms(d.get(2, k, om)),
            );
        }
    }

    let _ = writeln!(w, "\n## Oversubscription: 8 threads on this machine (ms)\n");
    let _ = writeln!(
        w,
        "`OMP_NUM_THREADS=8` for parfor and libgomp against their own 2-thread times. Bar: 8-thread time \
         at most 1.3x the 2-thread time.\n"
    );
    let _ = writeln!(
        w,
        "| kernel | runtime | 2 threads | 8 threads | 8 / 2 | bar |"
    );
    let _ = writeln!(w, "|---|---|---:|---:|---:|---|");
    for k in ["pi", "mandelbrot"] {
        for (rt, f) in [("parfor", "parfor"), ("OpenMP", "openmp")] {
            let (t2, t8) = (d.get(2, k, f), d.get(8, k, f));
            let r = ratio(t8, t2);
            let ok = r.map(|r| r <= 1.3);
            if f == "parfor" {
                if let Some(ok) = ok {
                    bars.push((
                        format!("{k}: parfor 8/2 threads = {:.3} (<= 1.3)", r.unwrap()),
                        ok,
                    ));
                }
            }
            let _ = writeln!(
                w,
                "| {k} | {rt} | {} | {} | {} | {} |",
                ms(t2),
                ms(t8),
                fx(r),
                if f == "parfor" {
                    mark(ok)
                } else {
                    "(reference)"
                }
            );
        }
    }

    let _ = writeln!(
        w,
        "\n## Scaling: every kernel at 1, 2, 4 and 8 threads (ms)\n"
    );
    let _ = writeln!(
        w,
        "The machine has 2 cores: 4 and 8 threads oversubscribe it, so the interesting number there \
         is how little each runtime loses against its own 2-thread time.\n"
    );
    let _ = writeln!(w, "| kernel | runtime | 1 | 2 | 4 | 8 | 8 / 2 |");
    let _ = writeln!(w, "|---|---|---:|---:|---:|---:|---:|");
    for k in KERNELS {
        for (rt, f) in [
            ("parfor", "parfor"),
            ("rayon", "rayon"),
            ("OpenMP (libgomp)", "openmp"),
            ("libomp", "libomp"),
        ] {
            let _ = writeln!(
                w,
                "| {k} | {rt} | {} | {} | {} | {} | {} |",
                ms(d.get(1, k, f)),
                ms(d.get(2, k, f)),
                ms(d.get(4, k, f)),
                ms(d.get(8, k, f)),
                fx(ratio(d.get(8, k, f), d.get(2, k, f))),
            );
        }
    }

    // ------------------------------------------------------------- overheads
    let _ = writeln!(
        w,
        "\n## Overheads (EPCC-style): median time per call (µs)\n"
    );
    let _ = writeln!(
        w,
        "`rayon` is timed from outside its pool (the bench loop on the main thread), `rayon-install` \
         from inside a pool's `install` (each call starts on a worker).\n"
    );
    let _ = writeln!(
        w,
        "| test | what is timed | serial | parfor 1 | parfor 2 | rayon 1 | rayon 2 | rayon-install 2 | OpenMP 1 | OpenMP 2 | libomp 2 |"
    );
    let _ = writeln!(w, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let what = |t: &str| match t {
        "empty_region" => "one region, one empty iteration per thread",
        "for_1000" => "static loop, 1000 trivial iterations",
        "reduce_1000" => "1000-iteration f64 sum reduction",
        "dynamic_10000" => "dynamic,1 over 10,000 ~100 ns bodies",
        "regions_100" => "100 static loops back to back (1000 f64 += 1 each)",
        _ => "",
    };
    for t in TESTS {
        let _ = writeln!(
            w,
            "| {t} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            what(t),
            us(d.ovh(1, "serial", t)),
            us(d.ovh(1, "parfor", t)),
            us(d.ovh(2, "parfor", t)),
            us(d.ovh(1, "rayon", t)),
            us(d.ovh(2, "rayon", t)),
            us(d.ovh(2, "rayon-install", t)),
            us(d.ovh(1, "openmp", t)),
            us(d.ovh(2, "openmp", t)),
            us(d.ovh(2, "libomp", t)),
        );
    }
    let _ = writeln!(
        w,
        "| empty_region, `broadcast` | one closure on every thread (rayon's nearest to a region) | | | | {} | {} | {} | | | |",
        us(d.ovh(1, "rayon-broadcast", "empty_region")),
        us(d.ovh(2, "rayon-broadcast", "empty_region")),
        us(d.ovh(2, "rayon-install-broadcast", "empty_region")),
    );
    let per_barrier = |t: u32, rt: &str| d.ovh(t, rt, "barriers_1000").map(|v| v / 1000.0);
    let _ = writeln!(
        w,
        "| per barrier (barriers_1000 / 1000) | one region, 1000 barriers per thread | | {} | {} | | | | {} | {} | {} |",
        us(per_barrier(1, "parfor")),
        us(per_barrier(2, "parfor")),
        us(per_barrier(1, "openmp")),
        us(per_barrier(2, "openmp")),
        us(per_barrier(2, "libomp")),
    );
    let body = d
        .ovh(1, "serial", "dynamic_10000")
        .map(|t| t / DYNAMIC_ITERS as f64);
    let _ = writeln!(
        w,
        "\nThe dynamic test's body is `bench_delay({DELAY_REPS})` (benches/c/delay.c, out of line, called \
         by every runtime): {} ns per call here (serial time / 10,000). Per-chunk cost below = (time at \
         2 threads - serial time / 2) / 10,000: what each chunk costs beyond its share of the work.\n",
        body.map_or("?".into(), |b| format!("{b:.0}"))
    );
    let per_chunk = |rt: &str| -> Option<f64> {
        let t = d.ovh(2, rt, "dynamic_10000")?;
        let s = d.ovh(1, "serial", "dynamic_10000")?;
        Some((t - s / 2.0) / DYNAMIC_ITERS as f64)
    };
    let _ = writeln!(
        w,
        "| at 2 threads | parfor | rayon | OpenMP | parfor/OpenMP | parfor/rayon | bars |"
    );
    let _ = writeln!(w, "|---|---:|---:|---:|---:|---:|---|");
    for t in ["empty_region", "reduce_1000"] {
        let (p, r, o) = (
            d.ovh(2, "parfor", t),
            d.ovh(2, "rayon", t),
            d.ovh(2, "openmp", t),
        );
        let ok_o = ratio(p, o).map(|x| x <= 1.0);
        let ok_r = ratio(p, r).map(|x| x <= 1.0 / 3.0);
        if let (Some(a), Some(b)) = (ok_o, ok_r) {
            bars.push((
                format!(
                    "{t}: parfor {} µs vs OpenMP {} µs (<= 1x) and rayon {} µs (<= 1/3)",
                    us(p),
                    us(o),
                    us(r)
                ),
                a && b,
            ));
        }
        let _ = writeln!(
            w,
            "| {t} (µs) | {} | {} | {} | {} | {} | <= OpenMP: {}; <= rayon/3: {} |",
            us(p),
            us(r),
            us(o),
            fx(ratio(p, o)),
            fx(ratio(p, r)),
            mark(ok_o),
            mark(ok_r)
        );
    }
    let (pc_p, pc_r, pc_o) = (per_chunk("parfor"), per_chunk("rayon"), per_chunk("openmp"));
    let ok_chunk = ratio(pc_p, pc_o).map(|x| x <= 1.0);
    if let Some(ok) = ok_chunk {
        bars.push((
            format!(
                "dynamic chunk cost: parfor {:.1} ns vs OpenMP {:.1} ns (<= 1x)",
                pc_p.unwrap(),
                pc_o.unwrap()
            ),
            ok,
        ));
    }
    let ns = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.1}"));
    let _ = writeln!(
        w,
        "| per dynamic chunk (ns) | {} | {} | {} | {} | {} | <= OpenMP: {} |",
        ns(pc_p),
        ns(pc_r),
        ns(pc_o),
        fx(ratio(pc_p, pc_o)),
        fx(ratio(pc_p, pc_r)),
        mark(ok_chunk)
    );
    let per_region = |rt: &str| d.ovh(2, rt, "regions_100").map(|t| t / 100.0);
    let _ = writeln!(
        w,
        "| per region, back to back (µs) | {} | {} | {} | {} | {} | |",
        us(per_region("parfor")),
        us(per_region("rayon")),
        us(per_region("openmp")),
        fx(ratio(per_region("parfor"), per_region("openmp"))),
        fx(ratio(per_region("parfor"), per_region("rayon"))),
    );

    // ------------------------------------------------------------- bars
    let _ = writeln!(w, "\n## The bars of issue 6, in this run\n");
    for (what, ok) in &bars {
        let _ = writeln!(w, "- {}: {what}", if *ok { "pass" } else { "**miss**" });
    }
    let passed = bars.iter().filter(|b| b.1).count();
    let _ = writeln!(
        w,
        "\n{passed} of {} bars pass (a tie by the rule above counts as met; the overhead bars \
         compare the smallest medians).\n",
        bars.len()
    );

    // ------------------------------------------------------------- plot
    let plot_rel = plot
        .strip_prefix(out.parent().unwrap_or(Path::new("")))
        .unwrap_or(&plot)
        .to_path_buf();
    let _ = writeln!(w, "## Plot\n");
    let _ = writeln!(
        w,
        "Median time (ms) against threads per kernel (1, 2 and 8): parfor \
         (blue), rayon (orange), OpenMP (green); the grey line is the serial Rust loop.\n\n![time against threads]({})\n",
        plot_rel.display()
    );
    if let Err(e) = draw(&d, &plot) {
        eprintln!("report: plot failed: {e}");
        std::process::exit(1);
    }
    md.push_str(&kept_sections(&out));
    std::fs::write(&out, md).expect("write BENCHMARKS.md");
    println!("report: wrote {} and {}", out.display(), plot.display());
}

/// The line after which BENCHMARKS.md holds sections made by other scripts (the libgomp drop-in's
/// EPCC table, tasks, before/after runs); the report keeps them when it rewrites the file.
const KEPT_MARKER: &str = "<!-- Sections below are not written by the report: it keeps them. -->";

/// The marker and everything after it in the existing `out` (the marker alone if there is none).
///
/// ```text
/// # Benchmarks ... (generated)
/// <!-- Sections below are not written by the report: it keeps them. -->
/// ## libgomp drop-in ... (kept)
/// ```
fn kept_sections(out: &std::path::Path) -> String {
    let old = std::fs::read_to_string(out).unwrap_or_default();
    match old.find(KEPT_MARKER) {
        Some(at) => format!("\n{}", &old[at..]),
        None => format!("\n{KEPT_MARKER}\n"),
    }
}

// ----------------------------------------------------------------- the plot

const W: u32 = 1200;
const H: u32 = 640;

/// Text from font8x8's 8x8 bitmaps, scaled: no system fonts or font libraries needed.
fn text<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    x: i32,
    y: i32,
    s: &str,
    scale: i32,
    color: &RGBColor,
) {
    for (k, ch) in s.chars().enumerate() {
        let Some(glyph) = font8x8::legacy::BASIC_LEGACY.get(ch as usize) else {
            continue;
        };
        for (row, bits) in glyph.iter().enumerate() {
            for col in 0..8 {
                if bits & (1 << col) != 0 {
                    let px = x + (k as i32 * 8 + col) * scale;
                    let py = y + row as i32 * scale;
                    for dx in 0..scale {
                        for dy in 0..scale {
                            let _ = area.draw_pixel((px + dx, py + dy), color);
                        }
                    }
                }
            }
        }
    }
}

fn draw(d: &Data, path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let root = BitMapBackend::new(path, (W, H)).into_drawing_area();
    root.fill(&WHITE)?;
    let black = RGBColor(0, 0, 0);
    let series = [
        ("parfor", RGBColor(31, 119, 180)),
        ("rayon", RGBColor(255, 127, 14)),
        ("openmp", RGBColor(44, 160, 44)),
    ];
    let grey = RGBColor(150, 150, 150);
    text(
        &root,
        10,
        8,
        "parfor benches: median time (ms) vs threads",
        2,
        &black,
    );
    let mut lx = 760;
    for (name, c) in series.iter().chain([("serial", grey)].iter()) {
        root.draw(&Rectangle::new([(lx, 12), (lx + 20, 20)], c.filled()))?;
        text(&root, lx + 26, 10, name, 1, &black);
        lx += 26 + 8 * name.len() as i32 + 20;
    }
    let body = root.margin(30, 0, 0, 0);
    let panels = body.split_evenly((2, 4));
    let xs = [1.0f64, 2.0, 8.0];
    // x axis: log2(threads) positions 0, 1, 3.
    let xpos = |t: f64| t.log2();
    for (panel, k) in panels.iter().zip(KERNELS) {
        let mut ymax: f64 = 0.0;
        for (f, _) in &series {
            for t in [1, 2, 8] {
                if let Some(v) = d.get(t, k, f) {
                    ymax = ymax.max(v / 1e6);
                }
            }
        }
        if let Some(s) = d.serial(k, "serial") {
            ymax = ymax.max(s / 1e6);
        }
        if ymax == 0.0 {
            ymax = 1.0;
        }
        let ymax = ymax * 1.1;
        let (pw, ph) = panel.dim_in_pixel();
        let (ox, oy) = (50i32, 22i32);
        let (iw, ih) = (pw as i32 - ox - 12, ph as i32 - oy - 24);
        let to_px = |x: f64, y: f64| -> (i32, i32) {
            (
                ox + (x / 3.0 * iw as f64) as i32,
                oy + ih - (y / ymax * ih as f64) as i32,
            )
        };
        text(panel, ox, 4, &format!("{k} {}", sizes::label(k)), 1, &black);
        // Axes, ticks and labels.
        panel.draw(&PathElement::new(
            vec![(ox, oy), (ox, oy + ih), (ox + iw, oy + ih)],
            black,
        ))?;
        for t in xs {
            let (px, py) = to_px(xpos(t), 0.0);
            panel.draw(&PathElement::new(vec![(px, py), (px, py + 4)], black))?;
            text(panel, px - 4, py + 8, &format!("{}", t as u32), 1, &black);
        }
        for frac in [0.0, 0.5, 1.0] {
            let v = ymax / 1.1 * frac;
            let (px, py) = to_px(0.0, v);
            panel.draw(&PathElement::new(vec![(px - 4, py), (px, py)], black))?;
            let label = if v >= 100.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.1}")
            };
            text(panel, 2, py - 4, &label, 1, &black);
        }
        if let Some(s) = d.serial(k, "serial") {
            let (a, b) = (to_px(0.0, s / 1e6), to_px(3.0, s / 1e6));
            panel.draw(&PathElement::new(vec![a, b], grey.stroke_width(1)))?;
        }
        for (f, c) in &series {
            let pts: Vec<(i32, i32)> = xs
                .iter()
                .filter_map(|&t| d.get(t as u32, k, f).map(|v| to_px(xpos(t), v / 1e6)))
                .collect();
            panel.draw(&PathElement::new(pts.clone(), c.stroke_width(2)))?;
            for p in pts {
                panel.draw(&Circle::new(p, 3, c.filled()))?;
            }
        }
    }
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_after_the_marker_are_kept_and_a_missing_marker_is_added() {
        let dir = std::env::temp_dir().join(format!("parfor-report-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("BENCHMARKS.md");
        std::fs::write(
            &file,
            format!("# old tables\n{KEPT_MARKER}\n\n## drop-in\n| a |\n"),
        )
        .unwrap();
        assert_eq!(
            kept_sections(&file),
            format!("\n{KEPT_MARKER}\n\n## drop-in\n| a |\n")
        );
        std::fs::write(&file, "# old tables only\n").unwrap();
        assert_eq!(kept_sections(&file), format!("\n{KEPT_MARKER}\n"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
