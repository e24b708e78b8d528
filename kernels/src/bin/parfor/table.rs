//! One row of `parfor run`'s output (a kernel at one thread count): as a table line and as a
//! JSON object.

use crate::catalog::json_number;
use parfor::Schedule;
use parfor_kernels::cli::params;
use parfor_kernels::suite::{Kernel, Outcome, SuiteParams, Timing};
use serde_json::{json, Value};

/// What one row reports.
pub struct Row<'a> {
    pub kernel: Kernel,
    pub params: &'a SuiteParams,
    pub threads: usize,
    pub schedule: Schedule,
    pub outcome: Outcome,
    pub serial: Option<&'a Timing>,
    pub parallel: &'a Timing,
    /// Whether every output bit equals the serial reference's (None: no reference).
    pub matches: Option<bool>,
}

/// The column titles, matching [`Row::line`].
pub fn title() -> String {
    format!(
        "{:<11} {:>7} {:>16} {:>25} {:>25} {:>8} {:>6} {:<11} {:<8} {}",
        "kernel",
        "threads",
        "result",
        "serial (min-max)",
        "parallel (min-max)",
        "speed-up",
        "effic.",
        "schedule",
        "= serial",
        "result is"
    )
}

/// Median and range of a timing in the median's unit, about 4 significant digits:
/// `443.4 ms (440.1-450.2)`, `2.431 s (2.401-2.502)`; the one time of a single run.
fn time_cell(t: &Timing) -> String {
    let secs = |d: std::time::Duration| d.as_secs_f64();
    let median = secs(t.median());
    let (scale, unit) = if median >= 1.0 {
        (1.0, "s")
    } else if median >= 1e-3 {
        (1e3, "ms")
    } else {
        (1e6, "us")
    };
    let digits = match median * scale {
        m if m >= 100.0 => 1,
        m if m >= 10.0 => 2,
        _ => 3,
    };
    let show = |v: f64| format!("{:.*}", digits, v * scale);
    if t.runs.len() == 1 {
        format!("{} {unit}", show(median))
    } else {
        let (lo, hi) = (show(secs(t.min())), show(secs(t.max())));
        format!("{} {unit} ({lo}-{hi})", show(median))
    }
}

/// The result as the table shows it.
fn result_cell(kernel: Kernel, v: f64) -> String {
    if kernel == Kernel::Mandelbrot {
        format!("{v:.0}")
    } else if v.abs() >= 1e6 {
        format!("{v:.6e}")
    } else {
        format!("{v:.8}")
    }
}

/// A timing's numbers for JSON, in seconds.
fn timing_json(t: &Timing) -> Value {
    let (mean, sd) = t.mean_sd();
    let times: Vec<f64> = t.runs.iter().map(|d| d.as_secs_f64()).collect();
    json!({
        "median": t.median().as_secs_f64(),
        "min": t.min().as_secs_f64(),
        "max": t.max().as_secs_f64(),
        "mean": mean,
        "sd": sd,
        "runs": t.runs.len(),
        "times": times,
    })
}

impl Row<'_> {
    /// Serial median over parallel median.
    pub fn speedup(&self) -> Option<f64> {
        self.serial
            .map(|s| s.median().as_secs_f64() / self.parallel.median().as_secs_f64())
    }

    /// Speed-up per thread.
    pub fn efficiency(&self) -> Option<f64> {
        self.speedup().map(|s| s / self.threads as f64)
    }

    /// The table line.
    pub fn line(&self) -> String {
        let dash = || "-".to_string();
        format!(
            "{:<11} {:>7} {:>16} {:>25} {:>25} {:>8} {:>6} {:<11} {:<8} {}",
            self.kernel.name(),
            self.threads,
            result_cell(self.kernel, self.outcome.result),
            self.serial.map_or_else(dash, time_cell),
            time_cell(self.parallel),
            self.speedup().map_or_else(dash, |s| format!("{s:.2}x")),
            self.efficiency()
                .map_or_else(dash, |e| format!("{:.0}%", 100.0 * e)),
            self.schedule.to_string(),
            match self.matches {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "-",
            },
            self.kernel.result_meaning()
        )
    }

    /// The JSON object (one line of `--json`).
    pub fn json(&self, size: &str, seed: u64) -> Value {
        let params: serde_json::Map<String, Value> = params::values(self.params, self.kernel)
            .into_iter()
            .map(|(key, value, _)| (key.to_string(), json_number(&value)))
            .collect();
        let mut obj = json!({
            "kernel": self.kernel.name(),
            "size": size,
            "problem": params::describe(self.params, self.kernel),
            "params": params,
            "result": self.outcome.result,
            "result_meaning": self.kernel.result_meaning(),
            "serial_s": self.serial.map(|t| t.median().as_secs_f64()),
            "parallel_s": self.parallel.median().as_secs_f64(),
            "serial": self.serial.map(timing_json),
            "parallel": timing_json(self.parallel),
            "speedup": self.speedup(),
            "efficiency": self.efficiency(),
            "threads": self.threads,
            "schedule": self.schedule.to_string(),
            "seed": seed,
            "matches_serial": self.matches,
            "serial_runs": self.serial.map_or(0, |t| t.runs.len()),
            "parallel_runs": self.parallel.runs.len(),
        });
        for (name, v) in &self.outcome.extra {
            obj[*name] = json!(v);
        }
        obj
    }
}
