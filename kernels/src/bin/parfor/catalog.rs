//! `parfor list` (the kernels, their parameters and what their result is) and `parfor info`
//! (the runtime settings in force), as text or JSON.

use crate::stop::Stop;
use parfor_kernels::cli::params;
use parfor_kernels::suite::{Kernel, Size, SuiteParams};
use parfor_kernels::DEFAULT_SEED;
use serde_json::{json, Map, Value};
use std::io::Write;
use std::process::ExitCode;

/// Writes `text` to standard output.
fn emit(text: &str) -> Result<ExitCode, Stop> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Stop::from_stdout)?;
    Ok(ExitCode::SUCCESS)
}

/// A parameter's text as a JSON number when it is one.
pub fn json_number(text: &str) -> Value {
    if let Ok(n) = text.parse::<u64>() {
        return json!(n);
    }
    text.parse::<f64>()
        .map_or_else(|_| json!(text), |x| json!(x))
}

/// `parfor list [--json]`.
pub fn list(as_json: bool) -> Result<ExitCode, Stop> {
    let (full, small) = (SuiteParams::of(Size::Full), SuiteParams::of(Size::Small));
    let rows = |k: Kernel| {
        let small_values = params::values(&small, k);
        params::values(&full, k)
            .into_iter()
            .zip(small_values)
            .map(|((key, full, meaning), (_, small, _))| (key, full, small, meaning))
            .collect::<Vec<_>>()
    };
    if as_json {
        let kernels: Vec<Value> = Kernel::ALL
            .iter()
            .map(|&k| {
                let parameters: Vec<Value> = rows(k)
                    .into_iter()
                    .map(|(key, full, small, meaning)| {
                        json!({"key": key, "full": json_number(&full), "small": json_number(&small), "meaning": meaning})
                    })
                    .collect();
                let extra: Map<String, Value> = k
                    .extra_meaning()
                    .iter()
                    .map(|(name, meaning)| (name.to_string(), json!(meaning)))
                    .collect();
                json!({
                    "kernel": k.name(),
                    "seed_workload": k.seed_workload(),
                    "result": k.result_meaning(),
                    "extra": extra,
                    "default_schedule": k.default_schedule().to_string(),
                    "stochastic": k.is_stochastic(),
                    "parameters": parameters,
                })
            })
            .collect();
        return emit(&format!("{}\n", Value::Array(kernels)));
    }
    let mut text = String::new();
    for k in Kernel::ALL {
        text += &format!("{k}: {}\n", k.seed_workload());
        text += &format!("  result is    {}\n", k.result_meaning());
        for (name, meaning) in k.extra_meaning() {
            text += &format!("  also ({name}) {meaning} (in --json)\n");
        }
        text += &format!("  schedule     {}\n", k.default_schedule());
        text += &format!(
            "  {:<12} {:>12} {:>12}  {}\n",
            "parameter", "full", "small", "meaning"
        );
        for (key, full, small, meaning) in rows(k) {
            text += &format!("  {key:<12} {full:>12} {small:>12}  {meaning}\n");
        }
        text += "\n";
    }
    text +=
        "Set any of them with `parfor run --set KEY=VALUE` (or KERNEL.KEY=VALUE for one kernel).\n";
    emit(&text)
}

/// The `NAME = 'VALUE'  [SOURCE]` lines of the runtime's OMP_DISPLAY_ENV text, as JSON.
fn settings_json(display: &str) -> Map<String, Value> {
    display
        .lines()
        .filter_map(|line| {
            let (name, rest) = line.trim().split_once(" = '")?;
            let (value, rest) = rest.split_once('\'')?;
            let source = rest.trim().trim_start_matches('[').trim_end_matches(']');
            let mut entry = json!({"value": value});
            if !source.is_empty() {
                entry["source"] = json!(source);
            }
            Some((name.to_string(), entry))
        })
        .collect()
}

/// `parfor info [--json]`.
pub fn info(as_json: bool) -> Result<ExitCode, Stop> {
    let s = parfor::settings();
    if as_json {
        let v = json!({
            "settings": settings_json(&s.display()),
            "max_threads": parfor::max_threads(),
            "runtime_schedule": parfor::schedule().to_string(),
            "cpus": s.cpus,
            "default_seed": DEFAULT_SEED,
        });
        return emit(&format!("{v}\n"));
    }
    let mut text = s.display();
    text += &format!(
        "team size of the next region (max_threads): {}\n",
        parfor::max_threads()
    );
    text += &format!(
        "run-time schedule (schedule(runtime)): {}\n",
        parfor::schedule()
    );
    text += &format!(
        "OMP_NUM_THREADS: {} [{}]\n",
        s.num_threads.value, s.num_threads.source
    );
    text += &format!("CPUs available to this process: {}\n", s.cpus);
    text += &format!("default seed of `parfor run`: {DEFAULT_SEED}\n");
    emit(&text)
}
