//! MPI + parfor hybrids: builds c-examples/mpi_pi.c and mpi_suite.c with mpicc against the
//! libparfor that this `cargo test` built, runs them under `mpirun` at several ranks x threads
//! splits, and requires the bits of one process: the numbers the `parfor` CLI reports
//! (`parfor run KERNEL --size small --seed S`), computed here by the same code
//! (`parfor_kernels::suite::Workload`). Also checks that with `--bind-to core` each rank's parfor
//! threads stay inside the CPU set the rank was given.
//!
//! Skipped, with a message, when `mpicc` or `mpirun` is missing, unless `PARFOR_REQUIRE_MPI` is
//! set (.ci/run installs openmpi-bin and libopenmpi-dev and sets it).

mod common;

use parfor_kernels::suite::{Kernel, Size, Workload};
use parfor_kernels::Runner;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const SEED: u64 = 12345;
/// (ranks, threads per rank).
const SPLITS: [(u32, u32); 4] = [(1, 2), (2, 1), (2, 2), (3, 1)];
const KERNELS: [Kernel; 5] = [
    Kernel::Pi,
    Kernel::Weather,
    Kernel::Bootstrap,
    Kernel::GridMax,
    Kernel::Mandelbrot,
];

/// Whether `mpicc` and `mpirun` are installed; prints why the test is skipped when not.
fn mpi_present() -> bool {
    for tool in ["mpicc", "mpirun"] {
        let ok = Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            assert!(
                std::env::var_os("PARFOR_REQUIRE_MPI").is_none(),
                "{tool} is not installed and PARFOR_REQUIRE_MPI is set (CI must run the MPI test)"
            );
            eprintln!(
                "{tool} is not installed: MPI test skipped \
                 (apt-get install openmpi-bin libopenmpi-dev; CI installs them)"
            );
            return false;
        }
    }
    true
}

/// Builds the MPI programs once (`make mpi`) into a directory of this test run.
fn build() -> &'static Path {
    static BUILD: OnceLock<PathBuf> = OnceLock::new();
    BUILD.get_or_init(|| common::make("mpi", "c-examples-mpi"))
}

/// Runs `mpirun [flags] -np ranks program args` with `env`; fails the test after two minutes.
fn mpirun(
    flags: &[&str],
    ranks: u32,
    program: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> String {
    let mut cmd = Command::new("mpirun");
    cmd.args(["--allow-run-as-root", "-np", &ranks.to_string()])
        .args(flags)
        .args(["-x", "LD_LIBRARY_PATH"]);
    for (k, v) in env {
        cmd.arg("-x").arg(k).env(k, v);
    }
    cmd.arg(build().join(program))
        .args(args)
        .env("LD_LIBRARY_PATH", build().join("lib"))
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let line = format!("mpirun {flags:?} -np {ranks} {program} {args:?} {env:?}");
    let mut child = cmd.spawn().expect("mpirun could not be started");
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        out.read_to_string(&mut s).ok();
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        err.read_to_string(&mut s).ok();
        s
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            child.wait().ok();
            panic!("{line}: no answer after 120 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (stdout, stderr) = (reader.join().unwrap(), err_reader.join().unwrap());
    assert!(
        status.success(),
        "{line} failed ({status})\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    stdout
}

/// The `key=value` fields of the line starting with `prefix` and containing `marker`.
fn fields(stdout: &str, prefix: &str, marker: &str) -> HashMap<String, String> {
    let line = stdout
        .lines()
        .find(|l| l.starts_with(prefix) && l.contains(marker))
        .unwrap_or_else(|| panic!("no `{prefix} ... {marker}` line in:\n{stdout}"));
    line.split_whitespace()
        .filter_map(|w| w.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A printed number (`%.17g`, or an integer count) as f64 bits.
fn bits(text: &str) -> u64 {
    text.parse::<f64>()
        .unwrap_or_else(|_| panic!("not a number: {text}"))
        .to_bits()
}

/// What `parfor run KERNEL --size small --seed SEED --json` reports: `result` and the extras.
fn one_process(kernel: Kernel) -> (f64, Vec<(&'static str, f64)>) {
    let mut w = Workload::new(kernel, Size::Small, SEED);
    w.parallel(Runner::Global, kernel.default_schedule());
    let o = w.parallel_outcome().unwrap();
    (o.result, o.extra)
}

#[test]
fn every_ranks_x_threads_split_gives_the_bits_of_one_process() {
    if !mpi_present() {
        return;
    }
    let started = Instant::now();
    let reference: Vec<_> = KERNELS.iter().map(|&k| (k, one_process(k))).collect();
    let seed = SEED.to_string();
    for (ranks, threads) in SPLITS {
        let t = threads.to_string();
        let env = [("OMP_NUM_THREADS", t.as_str())];
        let suite = mpirun(
            &["--oversubscribe"],
            ranks,
            "mpi_suite",
            &["all", "small", &seed],
            &env,
        );
        for (kernel, (result, extra)) in &reference {
            let got = fields(&suite, "mpi_suite:", &format!("kernel={} ", kernel.name()));
            let split = format!("{kernel} at {ranks} ranks x {threads} threads");
            assert_eq!(got["ranks"], ranks.to_string(), "{split}");
            assert_eq!(got["threads"], t, "{split}");
            assert_eq!(
                bits(&got["result"]),
                result.to_bits(),
                "{split}: result {} != {result:?} (one process)",
                got["result"]
            );
            for (name, value) in extra {
                assert_eq!(
                    bits(&got[*name]),
                    value.to_bits(),
                    "{split}: {name} {} != {value:?}",
                    got[*name]
                );
            }
        }
        let pi = mpirun(
            &["--oversubscribe"],
            ranks,
            "mpi_pi",
            &["1000000", &seed],
            &env,
        );
        let got = fields(&pi, "mpi_pi:", "pi=");
        assert_eq!(
            bits(&got["pi"]),
            reference[0].1 .0.to_bits(),
            "mpi_pi: {pi}"
        );
        let hex = format!("0x{:016x}", reference[0].1 .0.to_bits());
        assert_eq!(got["bits"], hex, "mpi_pi: {pi}");
    }
    eprintln!("MPI splits checked in {:.1?}", started.elapsed());
}

/// The CPUs of a printed set such as `{0,1}`.
fn cpu_set(text: &str) -> Vec<usize> {
    text.trim_matches(|c| c == '{' || c == '}')
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect()
}

#[test]
fn each_ranks_threads_stay_in_the_cpus_the_rank_was_given() {
    if !mpi_present() {
        return;
    }
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cpus < 2 {
        eprintln!("fewer than 2 CPUs: binding test skipped");
        return;
    }
    // Two ranks, one core each, two parfor threads per rank bound `close` to `cores`: each
    // rank's team must stay on its own core.
    let out = mpirun(
        &["--bind-to", "core", "--map-by", "slot:PE=1"],
        2,
        "mpi_suite",
        &["affinity"],
        &[
            ("OMP_NUM_THREADS", "2"),
            ("OMP_PROC_BIND", "close"),
            ("OMP_PLACES", "cores"),
        ],
    );
    assert!(out.contains("affinity: OK"), "{out}");
    let masks: Vec<Vec<usize>> = (0..2)
        .map(|r| {
            let f = fields(&out, "affinity:", &format!("rank={r} "));
            let mask = cpu_set(&f["mask"]);
            assert!(!mask.is_empty(), "{out}");
            for t in 0..2 {
                for what in ["ran", "bound"] {
                    let set = cpu_set(&f[&format!("t{t}.{what}")]);
                    assert!(!set.is_empty(), "rank {r} thread {t} {what}:\n{out}");
                    assert!(
                        set.iter().all(|c| mask.contains(c)),
                        "rank {r} thread {t} {what} outside the rank's CPUs:\n{out}"
                    );
                }
            }
            mask
        })
        .collect();
    assert!(
        masks[0].iter().all(|c| !masks[1].contains(c)),
        "--bind-to core gave the two ranks overlapping CPU sets:\n{out}"
    );
}
