//! `parfor run`: for each kernel, prepare its workload, time the serial reference, time the
//! parallel version at each thread count of the sweep, print a row per count, and write the
//! `--out` files; then draw `--plot`. Ctrl-C, a closed stdout and failed allocations stop it
//! with a message (see [`crate::stop`]).

use crate::signal;
use crate::stop::{self, Stop, Unwound};
use crate::table::{self, Row};
use crate::RunArgs;
use parfor_kernels::cli::{outputs, params};
use parfor_kernels::suite::{footprint, measure, Kernel, SuiteParams, Timing, Workload};
use parfor_kernels::Runner;
use std::io::{IsTerminal, StdoutLock, Write};
use std::process::ExitCode;
use std::time::Duration;

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
        self.show("");
    }
}

/// The parameters of the run: `--size`'s presets with every `--set` applied to the kernels run
/// that have the key (or to the one named before a dot).
fn resolve_params(args: &RunArgs, kernels: &[Kernel]) -> Result<SuiteParams, Stop> {
    let mut p = SuiteParams::of(args.size);
    for a in &args.set {
        let targets: Vec<Kernel> = match a.kernel {
            Some(k) if kernels.contains(&k) => vec![k],
            Some(k) => {
                return Err(Stop::Usage(format!(
                    "--set {k}.{}: {k} is not among the kernels run",
                    a.key
                )))
            }
            None => kernels
                .iter()
                .copied()
                .filter(|&k| params::keys(k).contains(&a.key.as_str()))
                .collect(),
        };
        if targets.is_empty() {
            let known: Vec<String> = kernels
                .iter()
                .map(|&k| format!("{k}: {}", params::keys(k).join(", ")))
                .collect();
            return Err(Stop::Usage(format!(
                "--set {}: no kernel run has a parameter '{}'; the parameters are {}",
                a.key,
                a.key,
                known.join("; ")
            )));
        }
        for k in targets {
            params::set(&mut p, k, &a.key, &a.value)
                .map_err(|e| Stop::Usage(format!("--set {}={}: {e}", a.key, a.value)))?;
        }
    }
    Ok(p)
}

/// Sets the team size for the next loops; warns when it is capped. Returns the size in force.
fn set_threads(n: usize) -> Result<usize, Stop> {
    parfor::set_num_threads(n).map_err(|e| Stop::Usage(format!("--threads {n}: {e}")))?;
    let got = parfor::max_threads();
    if got != n {
        eprintln!(
            "parfor: warning: --threads {n}: the team is capped at {got} (OMP_THREAD_LIMIT / the thread cap)"
        );
    }
    Ok(got)
}

/// Everything a kernel's rows share.
struct Plan<'a> {
    args: &'a RunArgs,
    params: SuiteParams,
    thread_counts: Vec<usize>,
    progress: Progress,
}

impl Plan<'_> {
    /// Times `f` as `--repeat` says, stopping between runs on Ctrl-C.
    fn time(&self, mut f: impl FnMut()) -> Timing {
        let (min_runs, max_runs) = match self.args.repeat {
            Some(n) => (n, n),
            None => (1, 20),
        };
        measure(min_runs, max_runs, Duration::from_secs(1), || {
            signal::check();
            f()
        })
    }
}

/// What one kernel's rows found.
struct KernelDone {
    all_match: bool,
    /// `(threads, speed-up)` for `--plot`.
    curve: Vec<(f64, f64)>,
}

/// Runs one kernel at every thread count and prints its rows; writes its `--out` files.
fn run_kernel(
    plan: &Plan<'_>,
    kernel: Kernel,
    step: &str,
    out: &mut StdoutLock<'_>,
) -> Result<KernelDone, Stop> {
    let args = plan.args;
    let schedule = args.schedule.unwrap_or_else(|| kernel.default_schedule());
    plan.progress.show(&format!("{step}: preparing input"));
    check_memory(kernel, &plan.params, args.out.is_some())?;
    let mut w = Workload::with_params(kernel, &plan.params, args.seed);
    let desc = w.describe();
    let serial = if args.no_serial {
        None
    } else {
        plan.progress
            .show(&format!("{step} ({desc}): serial reference"));
        Some(plan.time(|| w.serial()))
    };
    let mut done = KernelDone {
        all_match: true,
        curve: Vec::new(),
    };
    for &n in &plan.thread_counts {
        let threads = set_threads(n)?;
        plan.progress.show(&format!(
            "{step} ({desc}): parallel, {threads} threads, {schedule}"
        ));
        let parallel = plan.time(|| w.parallel(Runner::Global, schedule));
        plan.progress.clear();
        let matches = serial.as_ref().map(|_| w.outputs_match());
        done.all_match &= matches != Some(false);
        let row = Row {
            kernel,
            params: &plan.params,
            threads,
            schedule,
            outcome: w
                .parallel_outcome()
                .expect("the parallel side has run at least once"),
            serial: serial.as_ref(),
            parallel: &parallel,
            matches,
        };
        if let Some(s) = row.speedup() {
            done.curve.push((threads as f64, s));
        }
        let text = if args.json {
            row.json(&args.size.to_string(), args.seed).to_string()
        } else {
            row.line()
        };
        writeln!(out, "{text}")
            .and_then(|()| out.flush())
            .map_err(Stop::from_stdout)?;
    }
    if let Some(dir) = &args.out {
        plan.progress.show(&format!("{step}: writing files"));
        signal::check();
        let written = outputs::write(dir, &w, schedule)
            .map_err(|e| Stop::Failed(format!("{kernel}: writing into {}: {e}", dir.display())))?;
        plan.progress.clear();
        for path in written {
            eprintln!("parfor: wrote {}", path.display());
        }
    }
    Ok(done)
}

/// The header lines of the table.
fn header(plan: &Plan<'_>, kernels: &[Kernel]) -> String {
    let args = plan.args;
    let counts: Vec<String> = plan.thread_counts.iter().map(|n| n.to_string()).collect();
    let mut text = format!(
        "# parfor run: size {}, seed {}, threads {}, {} CPUs\n",
        args.size,
        args.seed,
        counts.join(","),
        parfor::settings().cpus
    );
    text += &match args.repeat {
        Some(n) => format!("# times: median (min-max) of {n} runs of each side\n"),
        None => "# times: median (min-max) of each side's runs (1 to 20, while a side stays within about 1 s; --repeat N for N)\n".to_string(),
    };
    let preset = SuiteParams::of(args.size);
    for &k in kernels {
        if params::values(&plan.params, k) != params::values(&preset, k) {
            text += &format!("# {k}: {}\n", params::describe(&plan.params, k));
        }
    }
    text + &table::title() + "\n"
}

/// Draws the speed-up curves of the sweep.
#[cfg(feature = "plots")]
fn draw_plot(file: &std::path::Path, curves: &[(String, Vec<(f64, f64)>)]) -> Result<(), Stop> {
    parfor_kernels::cli::plots::scaling(file, curves, "parfor: speed-up over the serial loop")
        .map_err(|e| Stop::Failed(format!("--plot {}: {e}", file.display())))?;
    eprintln!("parfor: wrote {}", file.display());
    Ok(())
}

#[cfg(not(feature = "plots"))]
fn draw_plot(_: &std::path::Path, _: &[(String, Vec<(f64, f64)>)]) -> Result<(), Stop> {
    unreachable!("--plot is refused before the run without the plots feature")
}

/// The memory the system says it can still give (`MemAvailable`), when it says (Linux).
fn available_memory() -> Option<u128> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u128 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Refuses a kernel whose arrays would not fit in the memory available: allocating them would
/// succeed (memory is overcommitted) and filling them would get the process killed.
fn check_memory(kernel: Kernel, params: &SuiteParams, out: bool) -> Result<(), Stop> {
    let mut need = footprint(kernel, params);
    if out && kernel == Kernel::Weather {
        need += 8 * u128::from(params.weather.runs);
    }
    match available_memory() {
        Some(have) if need > have => Err(Stop::Failed(format!(
            "{kernel} needs about {:.1} GB for its arrays, more than the {:.1} GB of memory available; try smaller sizes (--set, --size small)",
            need as f64 / 1e9,
            have as f64 / 1e9
        ))),
        _ => Ok(()),
    }
}

/// Checks the options that can be checked before anything runs.
fn check_options(args: &RunArgs) -> Result<(), Stop> {
    if let Some(file) = &args.plot {
        if !cfg!(feature = "plots") {
            return Err(Stop::Usage(
                "--plot: this parfor was built without the `plots` feature".into(),
            ));
        }
        if args.no_serial {
            return Err(Stop::Usage(
                "--plot draws speed-ups over the serial reference: drop --no-serial".into(),
            ));
        }
        if file.extension().and_then(|e| e.to_str()) != Some("png") {
            return Err(Stop::Usage(format!(
                "--plot {}: the file name must end in .png",
                file.display()
            )));
        }
    }
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir)
            .map_err(|e| Stop::Failed(format!("--out {}: {e}", dir.display())))?;
    }
    Ok(())
}

/// `parfor run`.
pub fn run(args: &RunArgs) -> Result<ExitCode, Stop> {
    let kernels = if args.kernels.is_empty() {
        Kernel::ALL.to_vec()
    } else {
        args.kernels.clone()
    };
    let params = resolve_params(args, &kernels)?;
    check_options(args)?;
    signal::install()
        .map_err(|e| Stop::Failed(format!("cannot install the Ctrl-C handler: {e}")))?;
    let thread_counts = match &args.threads {
        Some(list) => list.0.clone(),
        None => vec![parfor::max_threads()],
    };
    let plan = Plan {
        args,
        params,
        thread_counts,
        progress: Progress {
            on: std::io::stderr().is_terminal(),
        },
    };
    let mut out = std::io::stdout().lock();
    if !args.json {
        write!(out, "{}", header(&plan, &kernels))
            .and_then(|()| out.flush())
            .map_err(Stop::from_stdout)?;
    }
    let mut finished: Vec<String> = Vec::new();
    let mut mismatches: Vec<&str> = Vec::new();
    let mut curves = Vec::new();
    for (i, &kernel) in kernels.iter().enumerate() {
        let step = format!("[{}/{}] {kernel}", i + 1, kernels.len());
        let done = match stop::catching(|| run_kernel(&plan, kernel, &step, &mut out)) {
            Ok(done) => done?,
            Err(Unwound::Cancelled) => {
                plan.progress.clear();
                return Err(Stop::Interrupted {
                    done: finished,
                    during: kernel.name().to_string(),
                });
            }
            Err(Unwound::NoMemory(error)) => {
                return Err(Stop::NoMemory {
                    during: kernel.name().to_string(),
                    error,
                })
            }
        };
        if !done.all_match {
            mismatches.push(kernel.name());
        }
        curves.push((kernel.name().to_string(), done.curve));
        finished.push(kernel.name().to_string());
    }
    if let Some(file) = &args.plot {
        draw_plot(file, &curves)?;
    }
    if mismatches.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(Stop::Failed(format!(
            "parallel results differ from the serial reference for: {}",
            mismatches.join(", ")
        )))
    }
}
