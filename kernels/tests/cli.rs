//! The `parfor` binary: `run --size small --json`, `info`, and bad arguments.

use std::process::{Command, Output};

fn parfor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_parfor"))
        .args(args)
        .env_remove("OMP_NUM_THREADS")
        .env_remove("OMP_SCHEDULE")
        .output()
        .expect("the parfor binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn run_small_json_prints_one_object_per_kernel() {
    let o = parfor(&[
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
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout.clone()).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is a JSON object"))
        .collect();
    let names: Vec<&str> = lines
        .iter()
        .map(|v| v["kernel"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["pi", "weather", "roots", "grid_max", "mandelbrot"]);
    for v in &lines {
        assert!(v["result"].is_number(), "{v}");
        assert!(v["serial_s"].as_f64().unwrap() > 0.0, "{v}");
        assert!(v["parallel_s"].as_f64().unwrap() > 0.0, "{v}");
        assert_eq!(v["threads"].as_u64(), Some(2), "{v}");
        assert!(v["schedule"].is_string(), "{v}");
        assert_eq!(v["matches_serial"], serde_json::Value::Bool(true), "{v}");
    }
    let pi = lines[0]["result"].as_f64().unwrap();
    assert!((pi - std::f64::consts::PI).abs() < 0.01);
    assert!(lines[1]["std"].is_number());
    // No progress line: stderr is a pipe here.
    assert!(!stderr(&o).contains("serial reference"), "{}", stderr(&o));
}

#[test]
fn schedule_and_seed_flags_are_used() {
    let run = |seed: &str| {
        let o = parfor(&[
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
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["schedule"], "guided,3");
        assert!(v["serial_s"].is_null());
        v["result"].as_f64().unwrap()
    };
    assert_ne!(run("1"), run("2"));
    assert_eq!(run("5"), run("5"));
}

#[test]
fn run_prints_a_table() {
    let o = parfor(&["run", "--size", "small", "--threads", "1", "roots_sum"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("speed-up") && text.contains("schedule"),
        "{text}"
    );
    let row = text
        .lines()
        .find(|l| l.starts_with("roots_sum"))
        .expect("a row");
    assert!(row.contains("yes"), "{row}");
}

#[test]
fn info_prints_the_settings_and_their_sources() {
    let o = Command::new(env!("CARGO_BIN_EXE_parfor"))
        .arg("info")
        .env("OMP_NUM_THREADS", "3")
        .env_remove("OMP_SCHEDULE")
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
}

#[test]
fn list_names_every_kernel() {
    let o = parfor(&["list"]);
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    for k in parfor_kernels::suite::Kernel::ALL {
        assert!(text.contains(k.name()), "{text}");
    }
}

#[test]
fn bad_arguments_fail_with_a_clear_message() {
    let cases: &[(&[&str], &str)] = &[
        (&["run", "nosuchkernel"], "unknown kernel 'nosuchkernel'"),
        (&["run", "--threads", "0"], "at least 1"),
        (&["run", "--threads", "two"], "not a positive integer"),
        (&["run", "--threads", "-1"], "unexpected argument '-1'"),
        (
            &["run", "--schedule", "fastest"],
            "invalid schedule 'fastest'",
        ),
        (&["run", "--schedule", "dynamic,0"], "chunk size"),
        (&["run", "--size", "huge"], "unknown size 'huge'"),
        (&["run", "--seed", "x"], "--seed"),
        (&["frobnicate"], "frobnicate"),
    ];
    for (args, message) in cases {
        let o = parfor(args);
        let err = stderr(&o);
        assert!(!o.status.success(), "{args:?} succeeded");
        assert!(err.contains(message), "{args:?}: stderr was {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
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
