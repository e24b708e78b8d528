//! The readable summary that ends a plain `cargo bench` (the `summary` bench target) and
//! `report --summary`: kernels at one team size with parfor's verdict against every other
//! runtime by the tie rule of [`crate::compare`], the scaling table at 1, 2, 4 and 8 threads, and
//! the overheads, all read from criterion's own output ([`crate::results`]).
//!
//! ```
//! let text = parfor_benches::summary::summary(&[], 2, std::path::Path::new("target/criterion"));
//! assert!(text.contains("no criterion results"));
//! ```

use crate::compare::{Spread, Verdict};
use crate::overhead::TESTS;
use crate::results::{spread_of, Basis, Measurement};
use crate::sizes::KERNELS;
use std::fmt::Write as _;
use std::path::Path;

/// The kernel runtimes, in the order of the tables; the first is the one compared.
const RUNTIMES: [&str; 6] = ["parfor", "rayon", "openmp", "libomp", "serial", "serial-c"];
/// The overhead runtimes (function ids `<runtime>/<test>`).
const OVH_RUNTIMES: [&str; 6] = [
    "parfor",
    "rayon",
    "rayon-install",
    "openmp",
    "libomp",
    "serial",
];
/// Team sizes of the scaling table.
const SCALING: [u32; 4] = [1, 2, 4, 8];

fn pick(found: &[Measurement], keep: impl Fn(&Measurement) -> bool) -> Vec<&Measurement> {
    found.iter().filter(|m| keep(m)).collect()
}

/// A kernel's result on `runtime` at `threads`: serial code has no team, so any team size.
fn kernel<'a>(
    found: &'a [Measurement],
    k: &str,
    runtime: &str,
    threads: u32,
) -> Vec<&'a Measurement> {
    let serial = runtime.starts_with("serial");
    pick(found, |m| {
        m.group == k && m.function == runtime && (serial || m.threads == threads)
    })
}

/// A kernel's median on `runtime` at `t` threads: from the in-process scaling group
/// (`scaling-<k>/<runtime>/<t>`, plain `cargo bench`) or from a process run at `t` threads
/// (benches/run.sh); the smallest of the rounds.
fn scaled(found: &[Measurement], k: &str, runtime: &str, t: u32) -> Option<f64> {
    let group = format!("scaling-{k}");
    let from_group = pick(found, |m| {
        m.group == group && m.function == runtime && m.value == t.to_string()
    });
    let ms = if from_group.is_empty() {
        kernel(found, k, runtime, t)
    } else {
        from_group
    };
    ms.iter().map(|m| m.median).min_by(f64::total_cmp)
}

fn ms(ns: f64) -> String {
    format!("{:.2}", ns / 1e6)
}

fn opt(v: Option<f64>, unit: f64) -> String {
    v.map_or("-".into(), |v| format!("{:.2}", v / unit))
}

/// The summary of `found` (results at `threads` for the per-kernel and overhead tables), read
/// from `dir`.
pub fn summary(found: &[Measurement], threads: u32, dir: &Path) -> String {
    let mut s = String::new();
    let w = &mut s;
    let _ = writeln!(
        w,
        "\n==== parfor-benches summary (criterion's results under {}) ====",
        dir.display()
    );
    if found.is_empty() {
        let _ = writeln!(w, "no criterion results found there");
        return s;
    }
    let _ = writeln!(
        w,
        "Words follow intervals: parfor and another runtime tie when the [min, max] ranges of their \
         times overlap\n(the rounds' medians with 2 rounds or more, else one run's criterion samples)."
    );

    let mut losses = Vec::new();
    let _ = writeln!(w, "\nKernels at {threads} thread(s), ms per call:");
    let _ = writeln!(
        w,
        "{:<11} {:<9} {:>9} {:>19}  {:<12} {:>8}  parfor is",
        "kernel", "runtime", "median", "min - max", "over", "parfor/x"
    );
    for k in KERNELS {
        let base = spread_of(&kernel(found, k, "parfor", threads));
        for rt in RUNTIMES {
            let Some((sp, basis)) = spread_of(&kernel(found, k, rt, threads)) else {
                continue;
            };
            let over = match basis {
                Basis::Rounds(n) => format!("{n} rounds"),
                Basis::Samples => "samples".into(),
            };
            let mut line = format!(
                "{:<11} {:<9} {:>9} {:>9} - {:>7}  {:<12}",
                k,
                rt,
                ms(sp.median),
                ms(sp.min),
                ms(sp.max),
                over
            );
            if let (Some((p, _)), true) = (base, rt != "parfor") {
                let verdict = p.verdict(&sp);
                let _ = write!(line, " {:>8.3}  {verdict}", p.median / sp.median);
                if verdict == Verdict::Slower && !rt.starts_with("serial") {
                    losses.push(format!("{k}: {rt} ({:.3}x)", p.median / sp.median));
                }
            }
            let _ = writeln!(w, "{}", line.trim_end());
        }
    }

    let any_scaling = KERNELS.iter().any(|k| {
        SCALING
            .iter()
            .filter(|&&t| scaled(found, k, "parfor", t).is_some())
            .count()
            > 1
    });
    if any_scaling {
        let _ = writeln!(
            w,
            "\nScaling, ms per call (median) at 1, 2, 4 and 8 threads; 4 and 8 oversubscribe a \
             machine with fewer cores ({} here):",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        let _ = writeln!(
            w,
            "{:<11} {:<9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8}",
            "kernel", "runtime", "1", "2", "4", "8", "1/2", "8/2"
        );
        for k in KERNELS {
            for rt in ["parfor", "rayon", "openmp", "libomp"] {
                let t: Vec<Option<f64>> =
                    SCALING.iter().map(|&n| scaled(found, k, rt, n)).collect();
                if t.iter().filter(|v| v.is_some()).count() < 2 {
                    continue;
                }
                let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
                    (Some(a), Some(b)) => format!("{:.2}", a / b),
                    _ => "-".into(),
                };
                let _ = writeln!(
                    w,
                    "{:<11} {:<9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>8}",
                    k,
                    rt,
                    opt(t[0], 1e6),
                    opt(t[1], 1e6),
                    opt(t[2], 1e6),
                    opt(t[3], 1e6),
                    ratio(t[0], t[1]),
                    ratio(t[3], t[1])
                );
            }
        }
    }

    let ovh = |rt: &str, test: &str| -> Option<Spread> {
        let f = format!("{rt}/{test}");
        let serial = rt == "serial";
        spread_of(&pick(found, |m| {
            m.group == "overhead" && m.function == f && (serial || m.threads == threads)
        }))
        .map(|x| x.0)
    };
    let tests: Vec<&str> = TESTS
        .iter()
        .copied()
        .chain(["barriers_1000"])
        .filter(|t| OVH_RUNTIMES.iter().any(|rt| ovh(rt, t).is_some()))
        .collect();
    if !tests.is_empty() {
        let _ = writeln!(
            w,
            "\nOverheads at {threads} thread(s), µs per call (median; parfor's verdict by the tie rule):"
        );
        let mut head = format!("{:<15}", "test");
        for rt in OVH_RUNTIMES {
            let _ = write!(head, " {rt:>13}");
        }
        let _ = writeln!(w, "{head}");
        for t in tests {
            let p = ovh("parfor", t);
            let mut line = format!("{t:<15}");
            for rt in OVH_RUNTIMES {
                let cell = match (ovh(rt, t), p) {
                    (Some(x), Some(p)) if rt != "parfor" && rt != "serial" => {
                        let v = p.verdict(&x);
                        if v == Verdict::Slower {
                            losses.push(format!("overhead {t}: {rt}"));
                        }
                        format!("{:.3} {}", x.median / 1e3, &v.to_string()[..1])
                    }
                    (Some(x), _) => format!("{:.3}", x.median / 1e3),
                    (None, _) => "-".into(),
                };
                let _ = write!(line, " {cell:>13}");
            }
            let _ = writeln!(w, "{line}");
        }
        let _ = writeln!(
            w,
            "(f / t / s after a time: parfor is faster / ties / is slower than that runtime)"
        );
    }

    if losses.is_empty() {
        let _ = writeln!(
            w,
            "\nNo runtime beats parfor beyond the spread in these results."
        );
    } else {
        let _ = writeln!(
            w,
            "\nWhere another runtime wins beyond the spread: {}",
            losses.join("; ")
        );
    }
    s
}
