//! `parfor`: runs the seed suite on the parfor runtime and prints how fast it went.
//!
//! ```text
//! parfor run [KERNEL...] [--size small|full] [--threads N] [--schedule S] [--seed S] [--json]
//! parfor info
//! parfor list
//! ```

use clap::{Parser, Subcommand};
use parfor::Schedule;
use parfor_kernels::suite::{describe, measure, Kernel, Outcome, Size, Timing, Workload};
use parfor_kernels::{Runner, DEFAULT_SEED};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(
    name = "parfor",
    version,
    about = "The parfor seed suite: eight kernels, serial against parallel on the parfor runtime",
    arg_required_else_help = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run kernels (default: all) serially and in parallel; print a table or JSON lines.
    Run(RunArgs),
    /// Print the runtime settings in force and where each came from (environment or default).
    Info,
    /// List the kernels with their sizes and default schedules.
    List,
}

#[derive(clap::Args, Debug)]
struct RunArgs {
    /// Kernels to run, in this order (default: all): pi, wealth, weather, roots, roots_sum,
    /// grid_max, bootstrap, mandelbrot.
    #[arg(value_name = "KERNEL", value_parser = parse_kernel)]
    kernels: Vec<Kernel>,

    /// Problem size: `full` (the spec's) or `small` (the test size).
    #[arg(long, default_value = "full", value_parser = parse_size)]
    size: Size,

    /// Team size (default: OMP_NUM_THREADS, else the number of CPUs).
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    threads: Option<usize>,

    /// Schedule for every kernel, OMP_SCHEDULE syntax (e.g. `dynamic,64`, `guided,2`, `static`);
    /// the chunk counts each kernel's blocks. Default: each kernel's own best schedule.
    #[arg(long, value_name = "SCHEDULE", value_parser = parse_schedule)]
    schedule: Option<Schedule>,

    /// Seed of the random streams.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,

    /// Print one JSON object per kernel (one a line) instead of the table.
    #[arg(long)]
    json: bool,

    /// Skip the serial reference (no speed-up, no bit check).
    #[arg(long)]
    no_serial: bool,

    /// Least number of timed runs of each side; short kernels are repeated more (up to 20
    /// runs within about a second) and the median is reported.
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = parse_threads)]
    reps: usize,
}

fn parse_kernel(s: &str) -> Result<Kernel, String> {
    s.parse::<Kernel>().map_err(|e| e.to_string())
}

fn parse_size(s: &str) -> Result<Size, String> {
    s.parse::<Size>()
}

fn parse_threads(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("'{s}' is not a positive integer")),
    }
}

fn parse_schedule(s: &str) -> Result<Schedule, String> {
    s.parse::<Schedule>().map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => run(args),
        Command::Info => {
            info();
            ExitCode::SUCCESS
        }
        Command::List => {
            list();
            ExitCode::SUCCESS
        }
    }
}

fn info() {
    let s = parfor::settings();
    print!("{}", s.display());
    println!(
        "team size of the next region (max_threads): {}",
        parfor::max_threads()
    );
    println!(
        "run-time schedule (schedule(runtime)): {}",
        parfor::schedule()
    );
    println!(
        "OMP_NUM_THREADS: {} [{}]",
        s.num_threads.value, s.num_threads.source
    );
    println!("CPUs available to this process: {}", s.cpus);
    println!("default seed of `parfor run`: {DEFAULT_SEED}");
}

fn list() {
    println!(
        "{:<11} {:<34} {:<34} {:<12}",
        "kernel", "full size", "small size", "schedule"
    );
    for k in Kernel::ALL {
        let full = describe(k, Size::Full);
        let small = describe(k, Size::Small);
        println!(
            "{:<11} {:<34} {:<34} {:<12}",
            k.name(),
            full,
            small,
            k.default_schedule()
        );
    }
}

/// A progress line on stderr, only when stderr is a terminal.
struct Progress {
    on: bool,
}

impl Progress {
    fn show(&self, text: &str) {
        if self.on {
            let mut e = std::io::stderr().lock();
            let _ = write!(e, "\r\x1b[2K{text}");
            let _ = e.flush();
        }
    }

    fn clear(&self) {
        if self.on {
            let mut e = std::io::stderr().lock();
            let _ = write!(e, "\r\x1b[2K");
            let _ = e.flush();
        }
    }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn fmt_result(kernel: Kernel, v: f64) -> String {
    if kernel == Kernel::Mandelbrot {
        format!("{v:.0}")
    } else if v.abs() >= 1e6 {
        format!("{v:.6e}")
    } else {
        format!("{v:.8}")
    }
}

fn run(args: RunArgs) -> ExitCode {
    if let Some(n) = args.threads {
        if let Err(e) = parfor::set_num_threads(n) {
            eprintln!("parfor: error: --threads {n}: {e}");
            return ExitCode::from(2);
        }
        if parfor::max_threads() != n {
            eprintln!(
                "parfor: warning: --threads {n}: the team is capped at {} (OMP_THREAD_LIMIT / the thread cap)",
                parfor::max_threads()
            );
        }
    }
    let threads = parfor::max_threads();
    let kernels = if args.kernels.is_empty() {
        Kernel::ALL.to_vec()
    } else {
        args.kernels.clone()
    };
    let progress = Progress {
        on: std::io::stderr().is_terminal(),
    };
    let min_runs = args.reps;
    let max_runs = args.reps.max(20);
    let budget = Duration::from_secs(1);
    let mut stdout = std::io::stdout().lock();
    if !args.json {
        let _ = writeln!(
            stdout,
            "# parfor run: size {}, seed {}, {} threads, {} CPUs",
            args.size,
            args.seed,
            threads,
            parfor::settings().cpus
        );
        let _ = writeln!(
            stdout,
            "{:<11} {:>16} {:>10} {:>11} {:>9} {:>8} {:<11} {:<9}",
            "kernel",
            "result",
            "serial s",
            "parallel s",
            "speed-up",
            "threads",
            "schedule",
            "= serial"
        );
        let _ = stdout.flush();
    }
    let mut mismatches = Vec::new();
    for (i, &kernel) in kernels.iter().enumerate() {
        let schedule = args.schedule.unwrap_or_else(|| kernel.default_schedule());
        let step = format!("[{}/{}] {kernel}", i + 1, kernels.len());
        progress.show(&format!("{step}: preparing input"));
        let mut w = Workload::new(kernel, args.size, args.seed);
        let desc = w.describe();
        let serial: Option<Timing> = if args.no_serial {
            None
        } else {
            progress.show(&format!("{step} ({desc}): serial reference"));
            Some(measure(min_runs, max_runs, budget, || w.serial()))
        };
        progress.show(&format!(
            "{step} ({desc}): parallel, {threads} threads, {schedule}"
        ));
        let parallel = measure(min_runs, max_runs, budget, || {
            w.parallel(Runner::Global, schedule)
        });
        progress.clear();
        let outcome: Outcome = w
            .parallel_outcome()
            .expect("the parallel side has run at least once");
        let same = serial.as_ref().map(|_| w.outputs_match());
        if same == Some(false) {
            mismatches.push(kernel);
        }
        let serial_s = serial.as_ref().map(|t| secs(t.median()));
        let parallel_s = secs(parallel.median());
        let speedup = serial_s.map(|s| s / parallel_s);
        if args.json {
            let mut obj = serde_json::json!({
                "kernel": kernel.name(),
                "size": args.size.to_string(),
                "problem": desc,
                "result": outcome.result,
                "result_meaning": kernel.result_meaning(),
                "serial_s": serial_s,
                "parallel_s": parallel_s,
                "speedup": speedup,
                "threads": threads,
                "schedule": schedule.to_string(),
                "seed": args.seed,
                "matches_serial": same,
                "serial_runs": serial.as_ref().map_or(0, |t| t.runs.len()),
                "parallel_runs": parallel.runs.len(),
            });
            for (name, v) in &outcome.extra {
                obj[*name] = serde_json::json!(v);
            }
            let _ = writeln!(stdout, "{obj}");
        } else {
            let opt = |v: Option<f64>, f: &dyn Fn(f64) -> String| v.map_or("-".to_string(), f);
            let _ = writeln!(
                stdout,
                "{:<11} {:>16} {:>10} {:>11.4} {:>9} {:>8} {:<11} {:<9}",
                kernel.name(),
                fmt_result(kernel, outcome.result),
                opt(serial_s, &|s| format!("{s:.4}")),
                parallel_s,
                opt(speedup, &|s| format!("{s:.2}x")),
                threads,
                schedule.to_string(),
                match same {
                    Some(true) => "yes",
                    Some(false) => "NO",
                    None => "-",
                }
            );
        }
        let _ = stdout.flush();
    }
    if mismatches.is_empty() {
        ExitCode::SUCCESS
    } else {
        let names: Vec<&str> = mismatches.iter().map(|k| k.name()).collect();
        eprintln!(
            "parfor: error: parallel results differ from the serial reference for: {}",
            names.join(", ")
        );
        ExitCode::from(1)
    }
}
