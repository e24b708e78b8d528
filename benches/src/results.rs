//! Criterion's own output, read back: every `new/{benchmark,estimates,sample}.json` under a
//! directory, as one [`Measurement`] per bench and process. Both the `report` binary (the layout
//! of benches/run.sh, `r<round>.<try>/t<threads>/...`) and the `summary` bench target (plain
//! `cargo bench`: `target/criterion/...`) read results through this module.
//!
//! ```no_run
//! let found = parfor_benches::results::load(std::path::Path::new("target/criterion"), 2);
//! for m in &found {
//!     println!("{}/{}/{} at {} threads: {:.0} ns", m.group, m.function, m.value, m.threads, m.median);
//! }
//! ```

use crate::compare::Spread;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// One bench's result in one process.
#[derive(Clone, Debug, PartialEq)]
pub struct Measurement {
    /// benches/run.sh's round (0 for a plain `cargo bench` layout).
    pub round: u32,
    /// benches/run.sh's try within the round (0 for a plain layout).
    pub attempt: u32,
    /// The team size the process ran with.
    pub threads: u32,
    /// Criterion's group id, e.g. `pi` or `overhead`.
    pub group: String,
    /// Criterion's function id, e.g. `parfor` or `parfor/empty_region`.
    pub function: String,
    /// Criterion's value (parameter) string, e.g. `n=30000000` (empty when none).
    pub value: String,
    /// Criterion's median time per iteration, ns.
    pub median: f64,
    /// The median's 95% confidence interval, ns.
    pub ci: (f64, f64),
    /// Time per iteration of every sample, ns (empty when sample.json is missing).
    pub samples: Vec<f64>,
}

impl Measurement {
    /// The spread (min / median / max) of the samples' times per iteration.
    pub fn sample_spread(&self) -> Option<Spread> {
        Spread::of(&self.samples)
    }
}

fn read_json(p: &Path) -> Option<Value> {
    serde_json::from_str(&std::fs::read_to_string(p).ok()?).ok()
}

/// Every `new` directory below `dir`.
fn news(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "new") {
                found.push(p);
            } else {
                news(&p, found);
            }
        }
    }
}

/// The result criterion saved in one `new` directory.
fn measurement(new: &Path, round: u32, attempt: u32, threads: u32) -> Option<Measurement> {
    let b = read_json(&new.join("benchmark.json"))?;
    let e = read_json(&new.join("estimates.json"))?;
    let m = &e["median"];
    let median = m["point_estimate"].as_f64()?;
    let bound = |k: &str| m["confidence_interval"][k].as_f64().unwrap_or(median);
    let samples = read_json(&new.join("sample.json"))
        .and_then(|s| {
            let iters = s["iters"].as_array()?;
            let times = s["times"].as_array()?;
            Some(
                iters
                    .iter()
                    .zip(times)
                    .filter_map(|(i, t)| Some(t.as_f64()? / i.as_f64()?))
                    .collect(),
            )
        })
        .unwrap_or_default();
    let text = |k: &str| b[k].as_str().unwrap_or("").to_string();
    Some(Measurement {
        round,
        attempt,
        threads,
        group: text("group_id"),
        function: text("function_id"),
        value: text("value_str"),
        median,
        ci: (bound("lower_bound"), bound("upper_bound")),
        samples,
    })
}

/// `r3.2` -> (3, 2); `t8` -> 8.
fn numbers(name: &str, prefix: char) -> Option<Vec<u32>> {
    name.strip_prefix(prefix)?
        .split('.')
        .map(|n| n.parse().ok())
        .collect()
}

/// Reads every result under `dir`. With benches/run.sh's layout
/// (`r<round>.<try>/t<threads>/...`) round, try and team size come from the directory names;
/// otherwise (`target/criterion` of a plain `cargo bench`) every result is taken as round 0 at
/// `threads` (the team size the benches ran with).
pub fn load(dir: &Path, threads: u32) -> Vec<Measurement> {
    let mut out = Vec::new();
    let mut layered = false;
    for round_dir in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = round_dir.file_name().to_string_lossy().to_string();
        let Some(rt) = numbers(&name, 'r') else {
            continue;
        };
        layered = true;
        let (round, attempt) = (rt[0], rt.get(1).copied().unwrap_or(1));
        for t in std::fs::read_dir(round_dir.path()).into_iter().flatten() {
            let Ok(t) = t else { continue };
            let Some(&[threads]) = numbers(&t.file_name().to_string_lossy(), 't').as_deref() else {
                continue;
            };
            let mut found = Vec::new();
            news(&t.path(), &mut found);
            out.extend(
                found
                    .iter()
                    .filter_map(|n| measurement(n, round, attempt, threads)),
            );
        }
    }
    if !layered {
        let mut found = Vec::new();
        news(dir, &mut found);
        out.extend(found.iter().filter_map(|n| measurement(n, 0, 0, threads)));
    }
    out.sort_by(|a, b| {
        (a.threads, &a.group, &a.function, a.round, a.attempt).cmp(&(
            b.threads,
            &b.group,
            &b.function,
            b.round,
            b.attempt,
        ))
    });
    out
}

/// What a [`spread_of`] is taken over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// The medians of this many rounds (each round its own process; of a round's tries, the
    /// fastest).
    Rounds(usize),
    /// The samples of one process (one round only): criterion's times per iteration.
    Samples,
}

/// The spread that comparisons of `ms` (one bench at one team size) follow: over the rounds'
/// medians when there are two rounds or more, else over the one round's samples.
///
/// ```
/// use parfor_benches::results::{spread_of, Basis, Measurement};
/// let m = |round, median| Measurement {
///     round, attempt: 1, threads: 2, group: "pi".into(), function: "parfor".into(),
///     value: String::new(), median, ci: (median, median), samples: vec![median - 1.0, median + 1.0],
/// };
/// let (s, basis) = spread_of(&[&m(1, 10.0), &m(2, 12.0), &m(2, 11.0)]).unwrap();
/// assert_eq!((s.min, s.max, basis), (10.0, 11.0, Basis::Rounds(2)));
/// let (s, basis) = spread_of(&[&m(1, 10.0)]).unwrap();
/// assert_eq!((s.min, s.max, basis), (9.0, 11.0, Basis::Samples));
/// ```
pub fn spread_of(ms: &[&Measurement]) -> Option<(Spread, Basis)> {
    let mut best: Vec<(u32, &Measurement)> = Vec::new();
    for m in ms {
        match best.iter_mut().find(|(r, _)| *r == m.round) {
            Some((_, b)) if m.median < b.median => *b = m,
            Some(_) => {}
            None => best.push((m.round, m)),
        }
    }
    match best.as_slice() {
        [] => None,
        [(_, one)] => Some((one.sample_spread()?, Basis::Samples)),
        many => {
            let medians: Vec<f64> = many.iter().map(|(_, m)| m.median).collect();
            Some((Spread::of(&medians)?, Basis::Rounds(many.len())))
        }
    }
}

/// The rows of the per-round CSV (one per bench, team size, round and try), after a header
/// line; median and interval in ns.
pub fn csv(found: &[Measurement]) -> String {
    let mut s =
        String::from("round,try,threads,group,function,value,median_ns,ci_low_ns,ci_high_ns\n");
    for m in found {
        s.push_str(&format!(
            "{},{},{},{},{},{},{:.1},{:.1},{:.1}\n",
            m.round, m.attempt, m.threads, m.group, m.function, m.value, m.median, m.ci.0, m.ci.1
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, median: f64, iters: &[f64], times: &[f64]) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(
            dir.join("benchmark.json"),
            r#"{"group_id":"pi","function_id":"parfor","value_str":"n=10"}"#,
        )
        .unwrap();
        std::fs::write(
            dir.join("estimates.json"),
            format!(
                r#"{{"median":{{"point_estimate":{median},"confidence_interval":{{"lower_bound":{},"upper_bound":{}}}}}}}"#,
                median - 1.0,
                median + 1.0
            ),
        )
        .unwrap();
        std::fs::write(
            dir.join("sample.json"),
            serde_json::json!({"iters": iters, "times": times}).to_string(),
        )
        .unwrap();
    }

    #[test]
    fn run_sh_layout_and_plain_layout() {
        let root = std::env::temp_dir().join(format!("parfor-results-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        write(
            &root.join("r2.1/t4/pi/parfor/n=10/new"),
            100.0,
            &[1.0, 2.0],
            &[90.0, 220.0],
        );
        let found = load(&root, 2);
        assert_eq!(found.len(), 1);
        let m = &found[0];
        assert_eq!((m.round, m.attempt, m.threads), (2, 1, 4));
        assert_eq!(
            (m.group.as_str(), m.function.as_str(), m.value.as_str()),
            ("pi", "parfor", "n=10")
        );
        assert_eq!((m.median, m.ci), (100.0, (99.0, 101.0)));
        assert_eq!(m.samples, vec![90.0, 110.0]);
        assert!(csv(&found).ends_with("2,1,4,pi,parfor,n=10,100.0,99.0,101.0\n"));

        let plain = root.join("plain");
        write(&plain.join("pi/parfor/n=10/new"), 50.0, &[1.0], &[50.0]);
        let found = load(&plain, 2);
        assert_eq!(
            (found[0].round, found[0].threads, found[0].median),
            (0, 2, 50.0)
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}
