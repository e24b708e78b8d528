//! The OMP_* environment variables, parsed with the meanings the OpenMP specification gives them.
//!
//! [`Settings::from_lookup`] is a pure function of a variable lookup, so every row of the parsing
//! table is tested without touching the process environment. A value that does not parse yields
//! one [`Warning`] naming the variable and the value, and the setting keeps its default; the global
//! pool prints those warnings once, on stderr, when it reads the environment.
//!
//! | variable | values | default |
//! |---|---|---|
//! | `OMP_NUM_THREADS` | positive integer, or a list `4,2` (the first entry is used) | CPUs of the process |
//! | `OMP_SCHEDULE` | `[monotonic:\|nonmonotonic:]static\|dynamic\|guided\|auto[,chunk]`; dynamic and guided steal unless `monotonic:` | `static` |
//! | `OMP_PROC_BIND` | `false`, `true`, `close`, `spread`, `primary`/`master` (first of a list) | `false` |
//! | `OMP_PLACES` | `threads`, `cores`, or `{0,1},{2:2}` | `threads` |
//! | `OMP_WAIT_POLICY` | `active`, `passive` | spin briefly, then sleep |
//! | `PARFOR_SPIN_COUNT` | polls before sleeping (non-negative integer) | from the wait policy |
//! | `OMP_DYNAMIC` | `true`: teams never exceed the process's CPUs | `false` |
//! | `OMP_MAX_ACTIVE_LEVELS` | non-negative integer; 0 makes every region serial | 1 (nested regions get a team of one) |
//! | `OMP_THREAD_LIMIT` | positive integer: a hard cap on every team | [`thread_cap`] |
//! | `OMP_STACKSIZE` | `size[B\|K\|M\|G]`, K when no unit | the Rust default (2 MiB) |
//! | `OMP_DISPLAY_ENV` | `true`, `verbose`, `false` | `false` |
//! | `PARFOR_SERIAL_THRESHOLD` | loops with fewer iterations run on the caller alone | [`DEFAULT_SERIAL_THRESHOLD`] |

use crate::affinity::{Places, ProcBind};
use crate::schedule::Schedule;
use crate::wait::WaitPolicy;
use std::fmt;

/// Loops with fewer iterations than this run on the calling thread alone (see the README for the
/// measurement behind it). A loop of one iteration cannot use a second thread.
pub const DEFAULT_SERIAL_THRESHOLD: u64 = 2;

/// The deepest nesting of active regions supported (`OMP_MAX_ACTIVE_LEVELS` is capped here).
///
/// ```
/// assert!(parfor::max_active_levels() <= parfor::MAX_ACTIVE_LEVELS);
/// ```
pub const MAX_ACTIVE_LEVELS: usize = 64;

/// The most threads any team may have, whatever is asked for: `max(256, 4 x CPUs)`.
///
/// ```
/// assert!(parfor::thread_cap() >= 256);
/// ```
pub fn thread_cap() -> usize {
    cap_for(crate::affinity::process_cpus().len())
}

fn cap_for(cpus: usize) -> usize {
    256.max(4 * cpus)
}

/// Where a setting's value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The built-in default (the variable was unset, empty or invalid).
    Default,
    /// The environment variable.
    Environment,
    /// Set by the program at run time (e.g. [`crate::set_num_threads`]).
    Program,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Default => "default",
            Source::Environment => "environment",
            Source::Program => "program",
        })
    }
}

/// A setting's value and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting<T> {
    /// The value in force.
    pub value: T,
    /// Where it came from.
    pub source: Source,
}

/// Whether and how `OMP_DISPLAY_ENV` asks for the settings to be printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DisplayEnv {
    /// Print nothing.
    #[default]
    False,
    /// Print the OpenMP settings when the runtime starts.
    True,
    /// Print them with parfor's own settings too.
    Verbose,
}

/// A variable whose value did not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The variable's name.
    pub variable: &'static str,
    /// The value found.
    pub value: String,
    /// What was expected, and the default used instead.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "parfor: warning: {}='{}': {}",
            self.variable, self.value, self.message
        )
    }
}

/// Every setting the runtime reads from the environment.
///
/// ```
/// use parfor::Settings;
/// let (s, warnings) = Settings::from_lookup(|v| (v == "OMP_NUM_THREADS").then(|| "3,2".to_string()), 8);
/// assert_eq!(s.num_threads.value, 3);
/// assert!(warnings.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Team size of regions (`OMP_NUM_THREADS`), before the thread limit and `OMP_DYNAMIC`.
    pub num_threads: Setting<usize>,
    /// The run-time schedule (`OMP_SCHEDULE`), used by [`Schedule::Runtime`].
    pub schedule: Setting<Schedule>,
    /// `OMP_PROC_BIND`.
    pub proc_bind: Setting<ProcBind>,
    /// `OMP_PLACES`.
    pub places: Setting<Places>,
    /// `OMP_WAIT_POLICY`.
    pub wait_policy: Setting<WaitPolicy>,
    /// Polls before a waiting thread sleeps (`PARFOR_SPIN_COUNT`, else from the wait policy).
    pub spin_count: Setting<u64>,
    /// `OMP_DYNAMIC`: when true, teams are trimmed to the CPUs the process may use.
    pub dynamic: Setting<bool>,
    /// `OMP_MAX_ACTIVE_LEVELS`: nested regions deeper than this run on a team of one (capped at
    /// [`MAX_ACTIVE_LEVELS`]).
    pub max_active_levels: Setting<usize>,
    /// `OMP_THREAD_LIMIT`, capped at [`thread_cap`].
    pub thread_limit: Setting<usize>,
    /// Worker stack size in bytes (`OMP_STACKSIZE`), `None` for the Rust default.
    pub stack_size: Setting<Option<usize>>,
    /// `OMP_DISPLAY_ENV`.
    pub display_env: Setting<DisplayEnv>,
    /// `PARFOR_SERIAL_THRESHOLD`.
    pub serial_threshold: Setting<u64>,
    /// CPUs the process may run on (its affinity mask), for reference.
    pub cpus: usize,
}

impl Settings {
    /// Reads the settings through `lookup(name)`, for a process allowed `cpus` CPUs.
    /// Returns the settings and one warning per variable whose value was invalid.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
        cpus: usize,
    ) -> (Settings, Vec<Warning>) {
        let mut warnings = Vec::new();
        let cap = cap_for(cpus);
        let mut read = |name: &'static str,
                        default: String,
                        parse: &dyn Fn(&str) -> Result<(), String>|
         -> Option<String> {
            let value = lookup(name)?;
            if value.trim().is_empty() {
                return None;
            }
            match parse(&value) {
                Ok(()) => Some(value),
                Err(why) => {
                    warnings.push(Warning {
                        variable: name,
                        value,
                        message: format!("invalid ({why}); using the default {default}"),
                    });
                    None
                }
            }
        };
        // Each variable: checked by `read` with its parser, then converted (which cannot fail).
        let num_threads = setting(
            read("OMP_NUM_THREADS", cpus.to_string(), &|v| {
                parse_thread_list(v).map(drop)
            }),
            cpus,
            |v| parse_thread_list(v).unwrap_or(cpus),
        );
        let schedule = setting(
            read("OMP_SCHEDULE", "static".into(), &|v| match v
                .parse::<Schedule>()
                .map_err(|e| e.to_string())?
            {
                Schedule::Runtime => Err("'runtime' cannot be the run-time schedule".into()),
                _ => Ok(()),
            }),
            Schedule::Static,
            |v| v.parse().unwrap_or_default(),
        );
        let proc_bind = setting(
            read("OMP_PROC_BIND", "false".into(), &|v| {
                v.parse::<ProcBind>().map(drop)
            }),
            ProcBind::False,
            |v| v.parse().unwrap_or_default(),
        );
        let places = setting(
            read("OMP_PLACES", "threads".into(), &|v| {
                v.parse::<Places>().map(drop)
            }),
            Places::Threads,
            |v| v.parse().unwrap_or_default(),
        );
        let wait_policy = setting(
            read(
                "OMP_WAIT_POLICY",
                "(spin briefly, then sleep)".into(),
                &|v| v.parse::<WaitPolicy>().map(drop),
            ),
            WaitPolicy::Default,
            |v| v.parse().unwrap_or_default(),
        );
        let policy_spin = wait_policy.value.spin_count();
        let spin_count = setting(
            read("PARFOR_SPIN_COUNT", policy_spin.to_string(), &|v| {
                parse_uint(v).map(drop)
            }),
            policy_spin,
            |v| parse_uint(v).unwrap_or(policy_spin),
        );
        let dynamic = setting(
            read("OMP_DYNAMIC", "false".into(), &|v| parse_bool(v).map(drop)),
            false,
            |v| parse_bool(v).unwrap_or(false),
        );
        let max_active_levels = setting(
            read("OMP_MAX_ACTIVE_LEVELS", "1".into(), &|v| {
                parse_uint(v).map(drop)
            }),
            1,
            |v| parse_uint(v).map_or(1, |n| n.min(MAX_ACTIVE_LEVELS as u64) as usize),
        );
        let thread_limit = setting(
            read("OMP_THREAD_LIMIT", cap.to_string(), &|v| {
                parse_positive(v).map(drop)
            }),
            cap,
            |v| parse_positive(v).unwrap_or(cap),
        );
        let stack_size = setting(
            read("OMP_STACKSIZE", "(the Rust default)".into(), &|v| {
                parse_stack_size(v).map(drop)
            }),
            None,
            |v| parse_stack_size(v).ok(),
        );
        let display_env = setting(
            read("OMP_DISPLAY_ENV", "false".into(), &|v| {
                parse_display(v).map(drop)
            }),
            DisplayEnv::False,
            |v| parse_display(v).unwrap_or_default(),
        );
        let serial_threshold = setting(
            read(
                "PARFOR_SERIAL_THRESHOLD",
                DEFAULT_SERIAL_THRESHOLD.to_string(),
                &|v| parse_uint(v).map(drop),
            ),
            DEFAULT_SERIAL_THRESHOLD,
            |v| parse_uint(v).unwrap_or(DEFAULT_SERIAL_THRESHOLD),
        );
        let mut settings = Settings {
            num_threads,
            schedule,
            proc_bind,
            places,
            wait_policy,
            spin_count,
            dynamic,
            max_active_levels,
            thread_limit,
            stack_size,
            display_env,
            serial_threshold,
            cpus,
        };
        if settings.thread_limit.value > cap {
            warnings.push(Warning {
                variable: "OMP_THREAD_LIMIT",
                value: settings.thread_limit.value.to_string(),
                message: format!("above parfor's thread cap; using {cap}"),
            });
            settings.thread_limit.value = cap;
        }
        // Above OMP_THREAD_LIMIT, teams are capped silently, as OpenMP runtimes do (R's checks
        // set the limit to 2); above parfor's own cap, say so.
        if settings.num_threads.value > cap {
            warnings.push(Warning {
                variable: "OMP_NUM_THREADS",
                value: settings.num_threads.value.to_string(),
                message: format!("above parfor's thread cap; teams are capped at {cap} threads"),
            });
        }
        (settings, warnings)
    }

    /// Reads the settings from the process environment, with the process's CPU count. A value
    /// that is not UTF-8 is read with replacement characters, so it warns like any other value
    /// that does not parse instead of being taken for unset.
    pub fn from_env() -> (Settings, Vec<Warning>) {
        let cpus = crate::affinity::process_cpus().len();
        let lookup = |name: &str| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
        Settings::from_lookup(lookup, cpus)
    }

    /// The team size a region asking for `requested` threads gets: capped by the thread limit,
    /// by the CPUs when `OMP_DYNAMIC` is true, and 1 when `OMP_MAX_ACTIVE_LEVELS` is 0.
    ///
    /// ```
    /// use parfor::Settings;
    /// let (s, _) = Settings::from_lookup(|v| (v == "OMP_THREAD_LIMIT").then(|| "3".into()), 2);
    /// assert_eq!(s.team_size(8), 3);
    /// ```
    pub fn team_size(&self, requested: usize) -> usize {
        if self.max_active_levels.value == 0 {
            return 1;
        }
        let mut team = requested.clamp(1, self.thread_limit.value);
        if self.dynamic.value {
            team = team.min(self.cpus.max(1));
        }
        team
    }

    /// The settings in the format of OpenMP's `OMP_DISPLAY_ENV`, with each value's source.
    pub fn display(&self) -> String {
        let rows: Vec<(&str, String, Source)> = vec![
            (
                "OMP_NUM_THREADS",
                self.num_threads.value.to_string(),
                self.num_threads.source,
            ),
            (
                "OMP_SCHEDULE",
                self.schedule.value.to_string(),
                self.schedule.source,
            ),
            (
                "OMP_PROC_BIND",
                self.proc_bind.value.to_string(),
                self.proc_bind.source,
            ),
            (
                "OMP_PLACES",
                self.places.value.to_string(),
                self.places.source,
            ),
            (
                "OMP_WAIT_POLICY",
                self.wait_policy.value.to_string(),
                self.wait_policy.source,
            ),
            (
                "PARFOR_SPIN_COUNT",
                self.spin_count.value.to_string(),
                self.spin_count.source,
            ),
            (
                "OMP_DYNAMIC",
                self.dynamic.value.to_string(),
                self.dynamic.source,
            ),
            (
                "OMP_MAX_ACTIVE_LEVELS",
                self.max_active_levels.value.to_string(),
                self.max_active_levels.source,
            ),
            (
                "OMP_THREAD_LIMIT",
                self.thread_limit.value.to_string(),
                self.thread_limit.source,
            ),
            (
                "OMP_STACKSIZE",
                self.stack_size
                    .value
                    .map_or("default".into(), |b| format!("{b}B")),
                self.stack_size.source,
            ),
            (
                "PARFOR_SERIAL_THRESHOLD",
                self.serial_threshold.value.to_string(),
                self.serial_threshold.source,
            ),
        ];
        let mut out = String::from("PARFOR DISPLAY ENVIRONMENT BEGIN\n");
        out += &format!("  _PARFOR_VERSION = '{}'\n", env!("CARGO_PKG_VERSION"));
        out += &format!("  CPUS_AVAILABLE = '{}'\n", self.cpus);
        for (name, value, source) in rows {
            out += &format!("  {name} = '{value}'  [{source}]\n");
        }
        out += "PARFOR DISPLAY ENVIRONMENT END\n";
        out
    }
}

/// Builds a setting from a validated raw value, or the default when there is none.
fn setting<T>(raw: Option<String>, default: T, convert: impl Fn(&str) -> T) -> Setting<T> {
    match raw {
        Some(v) => Setting {
            value: convert(&v),
            source: Source::Environment,
        },
        None => Setting {
            value: default,
            source: Source::Default,
        },
    }
}

fn parse_uint(v: &str) -> Result<u64, String> {
    v.trim()
        .parse::<u64>()
        .map_err(|_| "expected a non-negative integer".into())
}

fn parse_positive(v: &str) -> Result<usize, String> {
    match v.trim().parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err("expected a positive integer".into()),
    }
}

/// `OMP_NUM_THREADS`: a positive integer or a comma-separated list of them; the first entry.
fn parse_thread_list(v: &str) -> Result<usize, String> {
    let entries: Vec<&str> = v.split(',').collect();
    let mut first = None;
    for e in entries {
        let n = parse_positive(e)
            .map_err(|_| "expected a positive integer or a list of them, like 4,2")?;
        first.get_or_insert(n);
    }
    first.ok_or_else(|| "expected a positive integer".into())
}

fn parse_bool(v: &str) -> Result<bool, String> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err("expected true or false".into()),
    }
}

fn parse_display(v: &str) -> Result<DisplayEnv, String> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(DisplayEnv::True),
        "verbose" => Ok(DisplayEnv::Verbose),
        "false" => Ok(DisplayEnv::False),
        _ => Err("expected true, false or verbose".into()),
    }
}

/// `OMP_STACKSIZE`: `size[B|K|M|G]`, kilobytes when no unit is given; at least 16 KiB.
fn parse_stack_size(v: &str) -> Result<usize, String> {
    let t = v.trim();
    let bad = || "expected a size such as 512K, 64M or 1G (K when no unit)".to_string();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let scale: u64 = match unit.trim().to_ascii_uppercase().as_str() {
        "B" => 1,
        "" | "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        _ => return Err(bad()),
    };
    let bytes = n.checked_mul(scale).ok_or_else(bad)?;
    if bytes < 16 << 10 {
        return Err("a stack size below 16K is too small for a thread".into());
    }
    usize::try_from(bytes).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> (Settings, Vec<Warning>) {
        let owned: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(
            move |name| {
                owned
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            },
            2,
        )
    }

    #[test]
    fn defaults_when_nothing_is_set() {
        let (s, w) = with(&[]);
        assert!(w.is_empty());
        assert_eq!(s.num_threads.value, 2);
        assert_eq!(s.num_threads.source, Source::Default);
        assert_eq!(s.schedule.value, Schedule::Static);
        assert_eq!(s.thread_limit.value, 256);
        assert_eq!(s.max_active_levels.value, 1);
        assert_eq!(s.spin_count.value, crate::wait::DEFAULT_SPIN_COUNT);
        assert_eq!(s.stack_size.value, None);
    }

    /// (variable, value, accepted?) rows: accepted values are read, the others warn once and fall
    /// back to the default.
    #[test]
    fn every_variable_accepts_and_rejects_as_documented() {
        let rows: &[(&str, &str, bool)] = &[
            ("OMP_NUM_THREADS", "4", true),
            ("OMP_NUM_THREADS", " 4,2 ", true),
            ("OMP_NUM_THREADS", "100000", true),
            ("OMP_NUM_THREADS", "0", false),
            ("OMP_NUM_THREADS", "-3", false),
            ("OMP_NUM_THREADS", "four", false),
            ("OMP_NUM_THREADS", "4,", false),
            ("OMP_NUM_THREADS", "4.5", false),
            ("OMP_NUM_THREADS", "99999999999999999999999", false),
            ("OMP_SCHEDULE", "guided,4", true),
            ("OMP_SCHEDULE", "monotonic:guided,4", true),
            ("OMP_SCHEDULE", "monotonic:", false),
            ("OMP_SCHEDULE", "runtime", false),
            ("OMP_SCHEDULE", "dynamic,0", false),
            ("OMP_SCHEDULE", "sometimes", false),
            ("OMP_PROC_BIND", "spread", true),
            ("OMP_PROC_BIND", "maybe", false),
            ("OMP_PLACES", "cores", true),
            ("OMP_PLACES", "{0:2}", true),
            ("OMP_PLACES", "sockets", false),
            ("OMP_WAIT_POLICY", "ACTIVE", true),
            ("OMP_WAIT_POLICY", "lazy", false),
            ("PARFOR_SPIN_COUNT", "0", true),
            ("PARFOR_SPIN_COUNT", "-1", false),
            ("OMP_DYNAMIC", "TRUE", true),
            ("OMP_DYNAMIC", "1", false),
            ("OMP_MAX_ACTIVE_LEVELS", "0", true),
            ("OMP_MAX_ACTIVE_LEVELS", "x", false),
            ("OMP_THREAD_LIMIT", "2", true),
            ("OMP_THREAD_LIMIT", "0", false),
            ("OMP_STACKSIZE", "64M", true),
            ("OMP_STACKSIZE", "512", true),
            ("OMP_STACKSIZE", "10 k", false),
            ("OMP_STACKSIZE", "1B", false),
            ("OMP_STACKSIZE", "99999999999999G", false),
            ("OMP_DISPLAY_ENV", "verbose", true),
            ("OMP_DISPLAY_ENV", "yes", false),
            ("PARFOR_SERIAL_THRESHOLD", "1000", true),
            ("PARFOR_SERIAL_THRESHOLD", "many", false),
        ];
        for &(var, value, accepted) in rows {
            let (s, w) = with(&[(var, value)]);
            let warned_here: Vec<_> = w.iter().filter(|w| w.variable == var).collect();
            if accepted {
                let capped = var == "OMP_NUM_THREADS" && value == "100000";
                assert_eq!(
                    warned_here.len(),
                    usize::from(capped),
                    "{var}={value}: {w:?}"
                );
                assert!(s.display().contains(var) || var == "OMP_DISPLAY_ENV");
            } else {
                assert_eq!(warned_here.len(), 1, "{var}={value} should warn once");
                let text = warned_here[0].to_string();
                assert!(text.contains(var) && text.contains(value), "{text}");
                assert!(text.contains("default"), "{text}");
            }
        }
    }

    #[test]
    fn values_are_read_with_their_openmp_meaning() {
        let (s, _) = with(&[
            ("OMP_NUM_THREADS", "3,2"),
            ("OMP_SCHEDULE", "nonmonotonic:dynamic,16"),
            ("OMP_STACKSIZE", "512"),
            ("OMP_WAIT_POLICY", "passive"),
            ("OMP_MAX_ACTIVE_LEVELS", "4"),
        ]);
        assert_eq!(s.num_threads.value, 3);
        assert_eq!(s.num_threads.source, Source::Environment);
        assert_eq!(s.schedule.value, Schedule::Dynamic(16));
        assert_eq!(s.stack_size.value, Some(512 << 10));
        assert_eq!(s.spin_count.value, 0);
        assert_eq!(s.max_active_levels.value, 4);
    }

    #[test]
    fn the_monotonic_modifier_chooses_the_shared_counter() {
        for (text, want) in [
            ("monotonic:dynamic,8", Schedule::MonotonicDynamic(8)),
            ("MONOTONIC:guided", Schedule::MonotonicGuided(1)),
            ("nonmonotonic:guided,2", Schedule::Guided(2)),
            ("dynamic", Schedule::Dynamic(1)),
            ("monotonic:static,3", Schedule::StaticChunked(3)),
        ] {
            let (s, w) = with(&[("OMP_SCHEDULE", text)]);
            assert!(w.is_empty(), "{text}: {w:?}");
            assert_eq!(s.schedule.value, want, "{text}");
            assert_eq!(s.schedule.source, Source::Environment);
        }
    }

    #[test]
    fn team_sizes_obey_limits() {
        let (s, w) = with(&[("OMP_NUM_THREADS", "100000")]);
        assert_eq!(w.len(), 1);
        assert_eq!(s.team_size(s.num_threads.value), 256);
        let (s, _) = with(&[("OMP_THREAD_LIMIT", "3")]);
        assert_eq!(s.team_size(8), 3);
        assert_eq!(s.team_size(0), 1);
        let (s, _) = with(&[("OMP_DYNAMIC", "true")]);
        assert_eq!(s.team_size(8), 2);
        let (s, _) = with(&[("OMP_MAX_ACTIVE_LEVELS", "0")]);
        assert_eq!(s.team_size(8), 1);
        let (s, w) = with(&[("OMP_THREAD_LIMIT", "100000")]);
        assert_eq!((s.thread_limit.value, w.len()), (256, 1));
    }

    /// Every variable, with any value (random text, huge and negative numbers, numbers with
    /// units, and the shapes each parser looks for with huge numbers inside), gives either the
    /// value read or one warning naming it and exactly the default settings: never a panic, and
    /// never a setting outside its bounds (no place list beyond the CPU set, so no huge
    /// allocation).
    mod properties {
        use super::super::*;
        use crate::affinity::MAX_CPUS;
        use proptest::prelude::*;
        use proptest::sample::select;

        const VARIABLES: &[&str] = &[
            "OMP_NUM_THREADS",
            "OMP_SCHEDULE",
            "OMP_PROC_BIND",
            "OMP_PLACES",
            "OMP_WAIT_POLICY",
            "PARFOR_SPIN_COUNT",
            "OMP_DYNAMIC",
            "OMP_MAX_ACTIVE_LEVELS",
            "OMP_THREAD_LIMIT",
            "OMP_STACKSIZE",
            "OMP_DISPLAY_ENV",
            "PARFOR_SERIAL_THRESHOLD",
        ];

        fn hostile_value() -> impl Strategy<Value = String> {
            prop_oneof![
                any::<String>(),
                "[0-9]{1,40}",
                any::<u64>().prop_map(|n| n.to_string()),
                any::<i64>().prop_map(|n| n.to_string()),
                " ?[0-9]{1,30} ?[bkmgtBKMGT]? ?",
                "(monotonic:|nonmonotonic:)?(static|dynamic|guided|auto|runtime)(,-?[0-9]{1,30})?",
                "[0-9]{1,30}(,[0-9]{0,30}){0,4}",
                "(\\{[0-9]{1,25}(:[0-9]{1,25})?(,[0-9]{1,25}(:[0-9]{1,25})?){0,3}\\},?){1,4}",
                "(true|false|TRUE|verbose|close|spread|master|primary|active|passive|threads|cores)[ ,a-z]{0,5}",
            ]
        }

        /// Where `var`'s setting came from.
        fn source_of(s: &Settings, var: &str) -> Source {
            match var {
                "OMP_NUM_THREADS" => s.num_threads.source,
                "OMP_SCHEDULE" => s.schedule.source,
                "OMP_PROC_BIND" => s.proc_bind.source,
                "OMP_PLACES" => s.places.source,
                "OMP_WAIT_POLICY" => s.wait_policy.source,
                "PARFOR_SPIN_COUNT" => s.spin_count.source,
                "OMP_DYNAMIC" => s.dynamic.source,
                "OMP_MAX_ACTIVE_LEVELS" => s.max_active_levels.source,
                "OMP_THREAD_LIMIT" => s.thread_limit.source,
                "OMP_STACKSIZE" => s.stack_size.source,
                "OMP_DISPLAY_ENV" => s.display_env.source,
                "PARFOR_SERIAL_THRESHOLD" => s.serial_threshold.source,
                _ => unreachable!("{var}"),
            }
        }

        /// The bounds every setting keeps, whatever the environment says.
        fn within_bounds(s: &Settings, cpus: usize) -> Result<(), TestCaseError> {
            prop_assert!(s.num_threads.value >= 1);
            prop_assert!((1..=cap_for(cpus)).contains(&s.thread_limit.value));
            prop_assert!(s.max_active_levels.value <= MAX_ACTIVE_LEVELS);
            prop_assert!(!matches!(s.stack_size.value, Some(b) if b < 16 << 10));
            prop_assert!(!matches!(s.schedule.value, Schedule::Runtime));
            if let Places::List(places) = &s.places.value {
                for place in places {
                    prop_assert!(!place.is_empty() && place.len() <= MAX_CPUS);
                    prop_assert!(place.iter().all(|&c| c < MAX_CPUS));
                }
            }
            prop_assert!(s.display().ends_with("END\n"));
            Ok(())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(1024))]

            #[test]
            fn any_value_is_read_or_warned_about_once(
                var in select(VARIABLES),
                value in hostile_value(),
                cpus in 1usize..4096,
            ) {
                let (s, warnings) =
                    Settings::from_lookup(|name| (name == var).then(|| value.clone()), cpus);
                let (default, none) = Settings::from_lookup(|_| None, cpus);
                prop_assert!(none.is_empty());
                within_bounds(&s, cpus)?;
                let invalid: Vec<&Warning> =
                    warnings.iter().filter(|w| w.message.starts_with("invalid")).collect();
                prop_assert!(invalid.len() <= 1 && warnings.len() <= 1, "{:?}", warnings);
                if let Some(w) = invalid.first() {
                    prop_assert_eq!(w.variable, var);
                    prop_assert!(w.to_string().contains(&value));
                    prop_assert_eq!(&s, &default);
                } else if !value.trim().is_empty() {
                    prop_assert_eq!(source_of(&s, var), Source::Environment);
                }
            }

            #[test]
            fn every_variable_at_once_never_breaks(
                values in proptest::collection::vec(hostile_value(), VARIABLES.len()),
                cpus in 1usize..4096,
            ) {
                let lookup = |name: &str| {
                    VARIABLES.iter().position(|v| *v == name).map(|i| values[i].clone())
                };
                let (s, warnings) = Settings::from_lookup(lookup, cpus);
                within_bounds(&s, cpus)?;
                prop_assert!(warnings.len() <= VARIABLES.len() + 1, "{:?}", warnings);
            }
        }
    }

    #[test]
    fn empty_values_mean_unset() {
        let (s, w) = with(&[("OMP_NUM_THREADS", "  ")]);
        assert!(w.is_empty());
        assert_eq!(s.num_threads.source, Source::Default);
    }
}
