//! The `parfor` binary: `run` (table, `--json`, `--set`, sweeps, `--repeat`, `--out`, `--plot`),
//! `list` and `info` (text and `--json`), bad arguments, Ctrl-C, a closed stdout, and memory that
//! cannot be had.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

fn parfor_command(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_parfor"));
    c.args(args)
        .env_remove("OMP_NUM_THREADS")
        .env_remove("OMP_SCHEDULE");
    c
}

fn parfor(args: &[&str]) -> Output {
    parfor_command(args)
        .output()
        .expect("the parfor binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The JSON lines of a successful run.
fn json_rows(args: &[&str]) -> Vec<Value> {
    let o = parfor(args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is a JSON object"))
        .collect()
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("parfor-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn run_small_json_prints_one_object_per_kernel() {
    let rows = json_rows(&[
        "run",
        "--size",
        "small",
        "--json",
        "--threads",
        "2",
        "--reps",
        "1",
        "pi",
        "weather",
        "roots",
        "grid_max",
        "mandelbrot",
    ]);
    let names: Vec<&str> = rows.iter().map(|v| v["kernel"].as_str().unwrap()).collect();
    assert_eq!(names, ["pi", "weather", "roots", "grid_max", "mandelbrot"]);
    for v in &rows {
        assert!(v["result"].is_number(), "{v}");
        assert!(v["result_meaning"].is_string(), "{v}");
        assert!(v["serial_s"].as_f64().unwrap() > 0.0, "{v}");
        assert!(v["parallel_s"].as_f64().unwrap() > 0.0, "{v}");
        assert_eq!(v["threads"].as_u64(), Some(2), "{v}");
        assert!(v["schedule"].is_string(), "{v}");
        assert_eq!(v["matches_serial"], Value::Bool(true), "{v}");
    }
    let pi = rows[0]["result"].as_f64().unwrap();
    assert!((pi - std::f64::consts::PI).abs() < 0.01);
    assert!(rows[1]["std"].is_number());
}

#[test]
fn schedule_and_seed_flags_are_used() {
    let run = |seed: &str| {
        let rows = json_rows(&[
            "run",
            "--size",
            "small",
            "--json",
            "--schedule",
            "guided,3",
            "--seed",
            seed,
            "--no-serial",
            "pi",
        ]);
        assert_eq!(rows[0]["schedule"], "guided,3");
        assert!(rows[0]["serial_s"].is_null());
        rows[0]["result"].as_f64().unwrap()
    };
    assert_ne!(run("1"), run("2"));
    assert_eq!(run("5"), run("5"));
}

#[test]
fn run_prints_a_table_with_what_the_result_is() {
    let o = parfor(&["run", "--size", "small", "--threads", "1", "roots_sum"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout.clone()).unwrap();
    assert!(
        text.contains("speed-up") && text.contains("schedule") && text.contains("result is"),
        "{text}"
    );
    let row = text
        .lines()
        .find(|l| l.starts_with("roots_sum"))
        .expect("a row");
    assert!(row.contains("yes"), "{row}");
    assert!(row.ends_with("out[0] = sum of sqrt(x)"), "{row}");
    // No progress line: stderr is a pipe here.
    assert!(!stderr(&o).contains("serial reference"), "{}", stderr(&o));
}

#[test]
fn set_reaches_the_kernel_by_its_seed_name() {
    // One run of one step with sd 0 from 75: (72 + 75) / 2 = 73.5 exactly.
    let rows = json_rows(&[
        "run",
        "--json",
        "--no-serial",
        "--set",
        "runs=1",
        "--set",
        "steps=1",
        "--set",
        "sd=0",
        "weather",
    ]);
    assert_eq!(rows[0]["result"].as_f64(), Some(73.5), "{}", rows[0]);
    assert_eq!(rows[0]["params"]["steps"].as_u64(), Some(1));
    assert_eq!(
        rows[0]["problem"],
        "runs = 1, steps = 1, start = 75, center = 72, sd = 0"
    );
    // T steps from w0 with no income volatility and no return volatility: a fixed recursion.
    // w1 = 1.1 * 0.3 * 5 + 1 = 2.65; the median of one household is its wealth.
    let rows = json_rows(&[
        "run",
        "--json",
        "--set",
        "households=1",
        "--set",
        "T=1",
        "--set",
        "w0=5",
        "--set",
        "v1=0",
        "--set",
        "v2=0",
        "wealth",
    ]);
    assert!(
        (rows[0]["result"].as_f64().unwrap() - 2.65).abs() < 1e-12,
        "{}",
        rows[0]
    );
    assert_eq!(rows[0]["matches_serial"], Value::Bool(true));
    // A key shared by several kernels run applies to each; KERNEL.KEY to one.
    let rows = json_rows(&[
        "run",
        "--json",
        "--no-serial",
        "--set",
        "n=1000",
        "--set",
        "grid_max.n=3",
        "pi",
        "roots",
        "grid_max",
    ]);
    let n: Vec<u64> = rows
        .iter()
        .map(|v| v["params"]["n"].as_u64().unwrap())
        .collect();
    assert_eq!(n, [1000, 1000, 3]);
    // n = 3: the grid holds the origin, where f = 1.
    assert_eq!(rows[2]["result"].as_f64(), Some(1.0));
}

#[test]
fn bad_settings_name_the_kernels_keys() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["run", "--set", "days=3", "weather"],
            "no kernel run has a parameter 'days'; the parameters are weather: runs, steps, start, center, sd",
        ),
        (
            &["run", "--set", "steps=-1", "weather"],
            "weather's steps must be a whole number from 0 to 4294967295, not '-1'",
        ),
        (
            &["run", "--set", "sd=abc", "weather"],
            "weather's sd must be a finite number of at least 0, not 'abc'",
        ),
        (
            &["run", "--set", "weather.days=3", "weather"],
            "weather has no parameter 'days'; its parameters are runs, steps, start, center, sd",
        ),
        (
            &["run", "--set", "pi.n=3", "weather"],
            "pi is not among the kernels run",
        ),
        (&["run", "--set", "steps"], "'steps' is not KEY=VALUE"),
        (&["run", "--set", "nope.n=1"], "unknown kernel 'nope'"),
    ];
    for (args, message) in cases {
        let o = parfor(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: stderr was {err}");
    }
}

#[test]
fn list_shows_parameters_defaults_seed_and_result_meaning() {
    let o = parfor(&["list"]);
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    for k in parfor_kernels::suite::Kernel::ALL {
        assert!(
            text.contains(&format!("{k}: {}", k.seed_workload())),
            "{text}"
        );
        assert!(text.contains(k.result_meaning()), "{text}");
    }
    assert!(
        text.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == ["runs", "5000000", "100000", "independent", "runs"]),
        "{text}"
    );

    let o = parfor(&["list", "--json"]);
    assert!(o.status.success());
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let kernels = v.as_array().unwrap();
    assert_eq!(kernels.len(), 8);
    let wealth = kernels.iter().find(|k| k["kernel"] == "wealth").unwrap();
    let keys: Vec<&str> = wealth["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["households", "T", "r", "s", "v1", "v2", "w0"]);
    assert_eq!(wealth["parameters"][1]["full"].as_u64(), Some(1000));
    assert_eq!(wealth["parameters"][2]["full"].as_f64(), Some(0.1));
    assert_eq!(wealth["result"], "median final wealth");
}

#[test]
fn info_prints_the_settings_and_their_sources() {
    let o = parfor_command(&["info"])
        .env("OMP_NUM_THREADS", "3")
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("OMP_NUM_THREADS = '3'  [environment]"),
        "{text}"
    );
    assert!(
        text.contains("OMP_SCHEDULE = 'static'  [default]"),
        "{text}"
    );

    let o = parfor_command(&["info", "--json"])
        .env("OMP_NUM_THREADS", "3")
        .output()
        .unwrap();
    assert!(o.status.success());
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["settings"]["OMP_NUM_THREADS"]["value"], "3", "{v}");
    assert_eq!(
        v["settings"]["OMP_NUM_THREADS"]["source"], "environment",
        "{v}"
    );
    assert_eq!(v["settings"]["OMP_SCHEDULE"]["source"], "default", "{v}");
    assert_eq!(v["max_threads"].as_u64(), Some(3), "{v}");
}

#[test]
fn a_thread_sweep_gives_a_row_per_count_with_spread_speedup_and_efficiency() {
    let rows = json_rows(&[
        "run",
        "--size",
        "small",
        "--json",
        "--threads",
        "1,2,3",
        "--repeat",
        "3",
        "grid_max",
        "pi",
    ]);
    let got: Vec<(&str, u64)> = rows
        .iter()
        .map(|v| {
            (
                v["kernel"].as_str().unwrap(),
                v["threads"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("grid_max", 1),
            ("grid_max", 2),
            ("grid_max", 3),
            ("pi", 1),
            ("pi", 2),
            ("pi", 3)
        ]
    );
    for v in &rows {
        for side in ["serial", "parallel"] {
            let t = &v[side];
            assert_eq!(t["runs"].as_u64(), Some(3), "{v}");
            assert_eq!(t["times"].as_array().unwrap().len(), 3, "{v}");
            let (min, med, max) = (
                t["min"].as_f64().unwrap(),
                t["median"].as_f64().unwrap(),
                t["max"].as_f64().unwrap(),
            );
            assert!(0.0 < min && min <= med && med <= max, "{v}");
        }
        let speedup = v["speedup"].as_f64().unwrap();
        let threads = v["threads"].as_f64().unwrap();
        assert!((v["efficiency"].as_f64().unwrap() - speedup / threads).abs() < 1e-12);
        assert!(
            (speedup - v["serial_s"].as_f64().unwrap() / v["parallel_s"].as_f64().unwrap()).abs()
                < 1e-9
        );
        assert_eq!(v["matches_serial"], Value::Bool(true));
    }
    // The same bits at every thread count.
    assert_eq!(rows[0]["result"], rows[2]["result"]);
    assert_eq!(rows[3]["result"], rows[5]["result"]);
}

fn is_png(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|b| b.starts_with(b"\x89PNG\r\n\x1a\n"))
}

#[test]
fn out_writes_what_the_notebooks_look_at() {
    let dir = scratch("out");
    let plot = dir.join("scaling.png");
    let o = parfor(&[
        "run",
        "--size",
        "small",
        "--threads",
        "1,2",
        "--repeat",
        "1",
        "--set",
        "runs=1000",
        "--set",
        "households=500",
        "--set",
        "tasks=70",
        "--set",
        "width=40",
        "--set",
        "height=30",
        "--out",
        dir.to_str().unwrap(),
        "--plot",
        plot.to_str().unwrap(),
        "weather",
        "wealth",
        "bootstrap",
        "mandelbrot",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let lines = |name: &str| read(name).lines().map(str::to_string).collect::<Vec<_>>();

    let temps = lines("weather_final_temperatures.csv");
    assert_eq!(temps[0], "final_temperature");
    assert_eq!(temps.len(), 1001);
    let mean = temps[1..]
        .iter()
        .map(|t| t.parse::<f64>().unwrap())
        .sum::<f64>()
        / 1000.0;
    // 1000 runs: the mean is within 5 * 5.77 / sqrt(1000) = 0.91 of 72.
    assert!((mean - 72.0).abs() < 0.92, "{mean}");

    let wealths = lines("wealth_final_wealth.csv");
    assert_eq!(wealths[0], "final_wealth");
    assert_eq!(wealths.len(), 501);
    // In household order, with every bit: household 0's final wealth first.
    let small = parfor_kernels::wealth::Params {
        households: 500,
        ..parfor_kernels::wealth::Params::small()
    };
    let seed = parfor_kernels::DEFAULT_SEED;
    assert_eq!(
        wealths[1].parse::<f64>().unwrap(),
        parfor_kernels::wealth::household(small, seed, 0)
    );

    let path = lines("wealth_path.csv");
    assert_eq!(path[0], "t,wealth");
    assert_eq!(path.len(), 102, "T = 100 steps and the start");
    assert_eq!(path[1], "0,5");

    let tasks = lines("bootstrap_tasks.csv");
    assert_eq!(tasks[0], "mean,std");
    assert_eq!(tasks.len(), 71);
    let p = parfor_kernels::bootstrap::Params {
        tasks: 70,
        ..parfor_kernels::bootstrap::Params::small()
    };
    let task0 = parfor_kernels::bootstrap::task(p, seed, 0, &mut Vec::new());
    assert_eq!(tasks[1], format!("{},{}", task0.mean, task0.std));

    let npy = std::fs::read(dir.join("mandelbrot_counts.npy")).unwrap();
    assert!(npy.starts_with(b"\x93NUMPY\x01\x00"));
    let header = String::from_utf8_lossy(&npy[10..128]);
    assert!(
        header.contains("'descr': '<u4'") && header.contains("'shape': (30, 40)"),
        "{header}"
    );
    assert_eq!(npy.len(), 128 + 40 * 30 * 4);

    for png in [
        "weather_final_temperatures.png",
        "wealth_final_wealth.png",
        "wealth_path.png",
        "mandelbrot.png",
        "scaling.png",
    ] {
        assert!(is_png(&dir.join(png)), "{png} is not a PNG");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_arguments_fail_with_a_clear_message() {
    let cases: &[(&[&str], &str)] = &[
        (&["run", "nosuchkernel"], "unknown kernel 'nosuchkernel'"),
        (&["run", "--threads", "0"], "at least 1"),
        (&["run", "--threads", "two"], "not a positive integer"),
        (
            &["run", "--threads", "-1"],
            "'-1' is not a positive integer",
        ),
        (
            &["run", "--threads", "1,,2"],
            "'' is not a positive integer",
        ),
        (&["run", "--repeat", "0"], "at least 1"),
        (
            &["run", "--schedule", "fastest"],
            "invalid schedule 'fastest'",
        ),
        (&["run", "--schedule", "dynamic,0"], "chunk size"),
        (&["run", "--size", "huge"], "unknown size 'huge'"),
        (&["run", "--seed", "x"], "'x' is not a seed"),
        (
            &["run", "--seed", "-5"],
            "'-5' is not a seed: a seed is a whole number from 0",
        ),
        (&["run", "--seed", "2.5"], "'2.5' is not a seed"),
        (&["run", "--plot", "x.svg", "pi"], "must end in .png"),
        (
            &["run", "--plot", "x.png", "--no-serial", "pi"],
            "drop --no-serial",
        ),
        (&["frobnicate"], "frobnicate"),
    ];
    for (args, message) in cases {
        let o = parfor(args);
        let err = stderr(&o);
        assert!(!o.status.success(), "{args:?} succeeded");
        assert!(err.contains(message), "{args:?}: stderr was {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("-- -5"), "{args:?}: {err}");
    }
    // More threads than the cap: OpenMP's rule, capped with a warning.
    let o = parfor(&[
        "run",
        "--threads",
        "100000",
        "--size",
        "small",
        "--no-serial",
        "--json",
        "pi",
    ]);
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("--threads 100000: the team is capped at"),
        "{}",
        stderr(&o)
    );
    // No arguments at all: the help, and a non-zero exit.
    let o = parfor(&[]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("Usage"), "{}", stderr(&o));
}

#[test]
fn memory_that_cannot_be_had_is_a_message_and_status_1() {
    let cases: &[(&[&str], &str)] = &[
        // Arrays larger than the memory available: refused before they are allocated (Linux).
        (
            &[
                "run",
                "--set",
                "width=4000000000",
                "--set",
                "height=4000000000",
                "mandelbrot",
            ],
            "mandelbrot needs about 128000000000.0 GB for its arrays",
        ),
        (
            &["run", "--set", "households=1e15", "wealth"],
            "wealth needs about 32000000.0 GB",
        ),
        // A kernel's own allocation (a task's draws) failing inside the loop: parfor::AllocError.
        (
            &[
                "run",
                "--set",
                "draws=1e15",
                "--set",
                "tasks=10",
                "bootstrap",
            ],
            "bootstrap: cannot allocate 8000000000000000 bytes",
        ),
    ];
    for (args, message) in cases {
        let o = parfor(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(err.contains("try smaller sizes"), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// Starts parfor with `args`, its stdout and stderr piped.
fn spawn(args: &[&str]) -> Child {
    parfor_command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits at most `limit` for `child` (kills it and fails when it does not end); its exit
/// status and stderr.
fn finish(mut child: Child, limit: Duration) -> (ExitStatus, String) {
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("parfor did not stop within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (status, err)
}

/// Reads `child`'s stdout lines until one starts with `prefix`.
fn read_until(lines: &mut impl Iterator<Item = std::io::Result<String>>, prefix: &str) {
    for line in lines {
        if line.unwrap().starts_with(prefix) {
            return;
        }
    }
    panic!("no line starting with {prefix}");
}

#[test]
fn ctrl_c_stops_the_running_loop_reports_what_finished_and_exits_130() {
    // roots (small) finishes at once; pi with 10^13 points would take hours.
    let mut child = spawn(&[
        "run",
        "--size",
        "small",
        "--threads",
        "2",
        "--no-serial",
        "--repeat",
        "1",
        "--set",
        "pi.n=1e13",
        "roots",
        "pi",
    ]);
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    read_until(&mut lines, "roots");
    // pi is now running (or about to start): give it time to be inside its loop.
    std::thread::sleep(Duration::from_millis(300));
    // The shell's own `kill` (no procps needed on a fresh machine).
    let kill = Command::new("sh")
        .args(["-c", &format!("kill -INT {}", child.id())])
        .status()
        .unwrap();
    assert!(kill.success());
    let (status, err) = finish(child, Duration::from_secs(30));
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(
        err.contains("interrupted during pi; finished: roots"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_closed_stdout_stops_the_run_quietly() {
    let mut child = spawn(&[
        "run",
        "--size",
        "small",
        "--no-serial",
        "--repeat",
        "1",
        "pi",
        "roots",
        "grid_max",
        "mandelbrot",
    ]);
    // Read the first line, as `| head -1` does, and close the pipe.
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("# parfor run"), "{first}");
    let (status, err) = finish(child, Duration::from_secs(60));
    assert_eq!(status.code(), Some(141), "{err}");
    assert!(!err.contains("panicked") && !err.contains("error"), "{err}");
}
