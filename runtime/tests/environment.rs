//! The OMP_* variables read by a real process: each case re-runs this test binary with the
//! environment set and checks what the child observed and printed.

use parfor::Schedule;
use std::process::Command;

/// In the child: the team and schedule it sees, after running a loop. Not a test of its own: the
/// tests below run it in a child process (`--ignored --exact child_report`), with the environment
/// of their case.
#[test]
#[ignore = "run in a child process by the other tests of this file"]
fn child_report() {
    assert!(
        std::env::var_os("PARFOR_TEST_CHILD").is_some(),
        "child_report runs only as the child of another test"
    );
    let sum = parfor::parallel_reduce(0..1000u64, Schedule::Runtime, 0, |i| i, |a, b| a + b);
    assert_eq!(sum, 499_500);
    if std::env::var_os("PARFOR_TEST_DEEP").is_some() {
        // Recurse ~40 MB deep in a worker: needs OMP_STACKSIZE well above the 2 MiB default.
        fn depth(n: u64) -> u64 {
            let pad = [n as u8; 4096];
            std::hint::black_box(&pad);
            if n == 0 {
                0
            } else {
                depth(n - 1) + 1
            }
        }
        // OMP_STACKSIZE sizes the workers' stacks (the caller's belongs to the application), so
        // the recursion runs on worker 1, which static,1 gives index 1.
        parfor::parallel_for(0..2, Schedule::StaticChunked(1), |i: i32| {
            if i == 1 {
                assert_eq!(parfor::thread_num(), 1);
                assert_eq!(depth(10_000), 10_000);
            }
        });
    }
    println!(
        "REPORT threads={} schedule={}",
        parfor::max_threads(),
        parfor::schedule()
    );
}

fn run_child(vars: &[(&str, &str)]) -> (bool, String, String) {
    let mut cmd = child();
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// This test binary, to run `child_report` with none of the variables it reads set.
fn child() -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--ignored",
        "--exact",
        "child_report",
        "--nocapture",
        "--test-threads=1",
    ]);
    cmd.env("PARFOR_TEST_CHILD", "1");
    for var in [
        "OMP_NUM_THREADS",
        "OMP_SCHEDULE",
        "OMP_THREAD_LIMIT",
        "OMP_DISPLAY_ENV",
        "OMP_DYNAMIC",
        "OMP_STACKSIZE",
        "OMP_WAIT_POLICY",
        "OMP_PROC_BIND",
        "OMP_PLACES",
        "OMP_MAX_ACTIVE_LEVELS",
        "PARFOR_SPIN_COUNT",
        "PARFOR_SERIAL_THRESHOLD",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

fn report(stdout: &str) -> String {
    // libtest prints "test child_report ... " on the same line, before the test's own output.
    stdout
        .lines()
        .find_map(|l| l.find("REPORT").map(|at| l[at..].trim().to_string()))
        .unwrap_or_else(|| "no report".into())
}

/// The CPUs this process may use, as the child sees them too (it inherits the mask).
fn cpus() -> usize {
    parfor::settings().cpus
}

#[test]
fn variables_take_effect_in_a_real_process() {
    // OMP_DYNAMIC trims a team to the CPUs: ask for more than there are, whatever the machine.
    let more_than_cpus = (cpus() + 3).to_string();
    let trimmed = format!("REPORT threads={} schedule=static", cpus());
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("OMP_NUM_THREADS", "3")],
            "REPORT threads=3 schedule=static",
        ),
        (
            &[("OMP_NUM_THREADS", "4,2")],
            "REPORT threads=4 schedule=static",
        ),
        (
            &[("OMP_NUM_THREADS", "8"), ("OMP_THREAD_LIMIT", "2")],
            "REPORT threads=2 schedule=static",
        ),
        (
            &[
                ("OMP_NUM_THREADS", &more_than_cpus),
                ("OMP_DYNAMIC", "true"),
            ],
            &trimmed,
        ),
        (
            &[
                ("OMP_NUM_THREADS", &more_than_cpus),
                ("OMP_DYNAMIC", "false"),
            ],
            &format!("REPORT threads={more_than_cpus} schedule=static"),
        ),
        (
            &[("OMP_NUM_THREADS", "5"), ("OMP_MAX_ACTIVE_LEVELS", "0")],
            "REPORT threads=1 schedule=static",
        ),
        (
            &[("OMP_NUM_THREADS", "2"), ("OMP_SCHEDULE", "dynamic,3")],
            "REPORT threads=2 schedule=dynamic,3",
        ),
        (
            &[
                ("OMP_NUM_THREADS", "2"),
                ("OMP_SCHEDULE", "monotonic:guided"),
            ],
            "REPORT threads=2 schedule=monotonic:guided,1",
        ),
        (
            &[
                ("OMP_NUM_THREADS", "3"),
                ("OMP_WAIT_POLICY", "passive"),
                ("OMP_PROC_BIND", "spread"),
                ("OMP_PLACES", "cores"),
            ],
            "REPORT threads=3 schedule=static",
        ),
        (
            &[
                ("OMP_NUM_THREADS", "2"),
                ("OMP_WAIT_POLICY", "active"),
                ("OMP_PROC_BIND", "close"),
            ],
            "REPORT threads=2 schedule=static",
        ),
    ];
    for (vars, want) in cases {
        let (ok, stdout, stderr) = run_child(vars);
        assert!(ok, "{vars:?}: child failed\n{stderr}");
        assert_eq!(report(&stdout), *want, "{vars:?}");
        assert!(
            !stderr.contains("warning"),
            "{vars:?}: unexpected warning\n{stderr}"
        );
    }
}

#[test]
fn bad_values_warn_once_and_fall_back() {
    let default_threads = parfor::settings().cpus;
    let cases: &[(&str, &str)] = &[
        ("OMP_NUM_THREADS", "lots"),
        ("OMP_NUM_THREADS", "0"),
        ("OMP_NUM_THREADS", "-2"),
        ("OMP_SCHEDULE", "fastest,3"),
        ("OMP_PROC_BIND", "tight"),
        ("OMP_PLACES", "{x}"),
        ("OMP_PLACES", "{0:100000000000}"),
        ("OMP_PLACES", "{18446744073709551615:2}"),
        ("OMP_WAIT_POLICY", "sleepy"),
        ("OMP_DYNAMIC", "perhaps"),
        ("OMP_THREAD_LIMIT", "none"),
        ("OMP_STACKSIZE", "huge"),
        ("OMP_DISPLAY_ENV", "loud"),
        ("OMP_MAX_ACTIVE_LEVELS", "-1"),
        ("PARFOR_SPIN_COUNT", "1e9"),
    ];
    for (var, value) in cases {
        let (ok, stdout, stderr) = run_child(&[(var, value)]);
        assert!(ok, "{var}={value}: child failed\n{stderr}");
        let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
        assert_eq!(warnings.len(), 1, "{var}={value}: {stderr}");
        assert!(
            warnings[0].contains(var) && warnings[0].contains(value),
            "{}",
            warnings[0]
        );
        assert_eq!(
            report(&stdout),
            format!("REPORT threads={default_threads} schedule=static"),
            "{var}={value}"
        );
    }
}

/// A value that is not UTF-8 is a value that does not parse, not an unset variable.
#[test]
fn a_value_that_is_not_utf8_warns_once() {
    use std::os::unix::ffi::OsStrExt;
    let value = std::ffi::OsStr::from_bytes(b"4\xff");
    let out = child().env("OMP_NUM_THREADS", value).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(warnings[0].contains("OMP_NUM_THREADS"), "{}", warnings[0]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let want = format!("REPORT threads={} schedule=static", cpus());
    assert_eq!(report(&stdout), want);
}

#[test]
fn a_huge_thread_count_is_capped_with_one_warning() {
    let (ok, stdout, stderr) = run_child(&[("OMP_NUM_THREADS", "100000")]);
    assert!(ok, "{stderr}");
    let cap = parfor::thread_cap();
    assert_eq!(
        report(&stdout),
        format!("REPORT threads={cap} schedule=static")
    );
    assert_eq!(
        stderr.lines().filter(|l| l.contains("warning")).count(),
        1,
        "{stderr}"
    );
}

#[test]
fn display_env_prints_the_settings_and_their_sources() {
    let (ok, _, stderr) = run_child(&[("OMP_DISPLAY_ENV", "true"), ("OMP_NUM_THREADS", "3")]);
    assert!(ok);
    assert!(
        stderr.contains("PARFOR DISPLAY ENVIRONMENT BEGIN"),
        "{stderr}"
    );
    assert!(
        stderr.contains("OMP_NUM_THREADS = '3'  [environment]"),
        "{stderr}"
    );
    assert!(
        stderr.contains("OMP_SCHEDULE = 'static'  [default]"),
        "{stderr}"
    );
    assert!(
        stderr.contains("PARFOR DISPLAY ENVIRONMENT END"),
        "{stderr}"
    );
}

#[test]
fn stack_size_is_honoured_by_workers() {
    let (ok, stdout, stderr) = run_child(&[
        ("OMP_NUM_THREADS", "2"),
        ("OMP_STACKSIZE", "256M"),
        ("PARFOR_TEST_DEEP", "1"),
    ]);
    assert!(
        ok,
        "deep recursion with OMP_STACKSIZE=256M failed\n{stderr}"
    );
    assert!(report(&stdout).starts_with("REPORT threads=2"));
    // The same recursion on a default worker stack overflows, which shows the setting mattered.
    let (ok, _, _) = run_child(&[("OMP_NUM_THREADS", "2"), ("PARFOR_TEST_DEEP", "1")]);
    assert!(
        !ok,
        "the recursion should not fit in the default 2 MiB stack"
    );
}

#[test]
fn a_failed_thread_spawn_shrinks_the_team_with_one_warning() {
    // A stack no system can map makes every worker spawn fail (the way a low `ulimit -u` or an
    // exhausted address space does): teams shrink to the caller, loops still run. The team size
    // asked for (omp_get_max_threads) stays 4, as in OpenMP.
    let (ok, stdout, stderr) =
        run_child(&[("OMP_NUM_THREADS", "4"), ("OMP_STACKSIZE", "1000000G")]);
    assert!(ok, "{stderr}");
    assert_eq!(report(&stdout), "REPORT threads=4 schedule=static");
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].contains("could not create threads"),
        "{}",
        warnings[0]
    );
}
