//! `parfor`: runs the seed suite on the parfor runtime and prints how fast it went.
//!
//! ```text
//! parfor run [KERNEL...] [--size small|full] [--set KEY=VALUE]... [--threads N[,N...]]
//!            [--repeat N] [--schedule S] [--seed S] [--json] [--out DIR] [--plot FILE.png]
//! parfor list [--json]
//! parfor info [--json]
//! ```
//!
//! Exit status: 0 done, 1 a kernel failed (results differ, memory, a file), 2 bad arguments,
//! 130 stopped by Ctrl-C, 141 standard output closed (as if killed by SIGPIPE).

mod catalog;
mod run;
mod signal;
mod stop;
mod table;

use clap::{Parser, Subcommand};
use parfor::Schedule;
use parfor_kernels::suite::{Kernel, Size};
use parfor_kernels::DEFAULT_SEED;
use std::path::PathBuf;
use std::process::ExitCode;

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
    Info {
        /// One JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List the kernels: the seed workload, the parameters with their defaults, what `result` is.
    List {
        /// One JSON array instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// The arguments of `parfor run`.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// Kernels to run, in this order (default: all): pi, wealth, weather, roots, roots_sum,
    /// grid_max, bootstrap, mandelbrot.
    #[arg(value_name = "KERNEL", value_parser = parse_kernel)]
    pub kernels: Vec<Kernel>,

    /// Preset parameters: `full` (the seed's sizes) or `small` (the test size).
    #[arg(long, default_value = "full", value_parser = parse_size)]
    pub size: Size,

    /// Set a parameter of the kernels run, with the seed's names (`parfor list` shows them):
    /// `--set steps=10`, `--set T=100`; `--set weather.steps=10` for one kernel only. Repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_assignment)]
    pub set: Vec<Assignment>,

    /// Team size, or a comma-separated list for a sweep (`1,2,4,8`): one row per count with
    /// speed-up and efficiency (default: OMP_NUM_THREADS, else the number of CPUs).
    #[arg(long, value_name = "N[,N...]", value_parser = parse_thread_list, allow_hyphen_values = true)]
    pub threads: Option<ThreadList>,

    /// Timed runs of each side (serial and parallel) per row; the table shows the median and the
    /// range (min-max). Default: at least one, and more up to 20 while a side stays within about
    /// a second.
    #[arg(long, visible_alias = "reps", value_name = "N", value_parser = parse_positive, allow_hyphen_values = true)]
    pub repeat: Option<usize>,

    /// Schedule for every kernel, OMP_SCHEDULE syntax (e.g. `dynamic,64`, `guided,2`, `static`);
    /// the chunk counts each kernel's blocks. Default: each kernel's own best schedule.
    #[arg(long, value_name = "SCHEDULE", value_parser = parse_schedule)]
    pub schedule: Option<Schedule>,

    /// Seed of the random streams: a whole number from 0 to 18446744073709551615.
    #[arg(long, default_value_t = DEFAULT_SEED, value_parser = parse_seed, allow_hyphen_values = true)]
    pub seed: u64,

    /// Print one JSON object per row (one a line) instead of the table.
    #[arg(long)]
    pub json: bool,

    /// Skip the serial reference (no speed-up, no bit check).
    #[arg(long)]
    pub no_serial: bool,

    /// Write what the seed notebooks look at into DIR (created if missing): final temperatures
    /// and wealths (CSV, histograms), a wealth path, bootstrap's per-task means and stds (CSV),
    /// the Mandelbrot counts (.npy) and image.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Draw speed-up against threads (the sweep of --threads) into FILE.png.
    #[arg(long, value_name = "FILE.png")]
    pub plot: Option<PathBuf>,
}

/// `--set KEY=VALUE`, with an optional `KERNEL.` before the key.
#[derive(Clone, Debug)]
pub struct Assignment {
    /// The kernel named before a dot, if any.
    pub kernel: Option<Kernel>,
    /// The parameter's name.
    pub key: String,
    /// The value, as written.
    pub value: String,
}

/// The thread counts of `--threads`.
#[derive(Clone, Debug)]
pub struct ThreadList(pub Vec<usize>);

fn parse_kernel(s: &str) -> Result<Kernel, String> {
    s.parse::<Kernel>().map_err(|e| e.to_string())
}

fn parse_size(s: &str) -> Result<Size, String> {
    s.parse::<Size>()
}

fn parse_positive(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("'{s}' is not a positive integer")),
    }
}

fn parse_thread_list(s: &str) -> Result<ThreadList, String> {
    let counts = s
        .split(',')
        .map(parse_positive)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ThreadList(counts))
}

fn parse_seed(s: &str) -> Result<u64, String> {
    s.trim().parse::<u64>().map_err(|_| {
        format!(
            "'{s}' is not a seed: a seed is a whole number from 0 to {}",
            u64::MAX
        )
    })
}

fn parse_schedule(s: &str) -> Result<Schedule, String> {
    s.parse::<Schedule>().map_err(|e| e.to_string())
}

fn parse_assignment(s: &str) -> Result<Assignment, String> {
    let Some((lhs, value)) = s.split_once('=') else {
        return Err(format!("'{s}' is not KEY=VALUE (e.g. steps=10)"));
    };
    let (kernel, key) = match lhs.split_once('.') {
        Some((k, key)) => (Some(parse_kernel(k)?), key),
        None => (None, lhs),
    };
    if key.is_empty() {
        return Err(format!("'{s}' has no parameter name before '='"));
    }
    Ok(Assignment {
        kernel,
        key: key.to_string(),
        value: value.to_string(),
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    stop::quiet_panics_for_stops();
    let done = match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Info { json } => catalog::info(json),
        Command::List { json } => catalog::list(json),
    };
    match done {
        Ok(code) => code,
        Err(stop) => stop.report(),
    }
}
