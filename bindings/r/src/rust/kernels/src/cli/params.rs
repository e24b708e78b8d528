//! Kernel parameters by name: the names of the seed workloads (weather's `runs` and `steps`,
//! wealth's `T` and `w0`, ...), their meanings, and setting them from text (`--set KEY=VALUE`).
//!
//! ```
//! use parfor_kernels::cli::params;
//! use parfor_kernels::suite::{Kernel, Size, SuiteParams};
//! let mut p = SuiteParams::of(Size::Full);
//! params::set(&mut p, Kernel::Weather, "steps", "10").unwrap();
//! assert_eq!(p.weather.steps, 10);
//! let e = params::set(&mut p, Kernel::Weather, "days", "10").unwrap_err();
//! assert_eq!(e.to_string(), "weather has no parameter 'days'; its parameters are runs, steps, start, center, sd");
//! ```

use crate::suite::{Kernel, SuiteParams};
use std::fmt;

/// One parameter of a kernel: its name, what it means, and where it lives.
///
/// ```
/// use parfor_kernels::{cli::params, suite::{Kernel, Size, SuiteParams}};
/// let mut p = SuiteParams::of(Size::Full);
/// let first = &params::of(&mut p, Kernel::Weather)[0];
/// assert_eq!((first.key, first.meaning), ("runs", "independent runs"));
/// ```
pub struct Param<'a> {
    /// The name, as in the seed workload.
    pub key: &'static str,
    /// What it is, in a few words.
    pub meaning: &'static str,
    /// The value, by reference, with its kind.
    pub value: Value<'a>,
}

/// A parameter's value and what values it takes.
///
/// ```
/// use parfor_kernels::{cli::params::{self, Value}, suite::{Kernel, Size, SuiteParams}};
/// let mut p = SuiteParams::of(Size::Full);
/// assert!(matches!(params::of(&mut p, Kernel::Weather)[4].value, Value::NonNegative(_)));
/// ```
pub enum Value<'a> {
    /// A whole number of at least `min` (sizes: points, runs, tasks, ...).
    Count(&'a mut u64, u64),
    /// A whole number that fits 32 bits, at least `min` (steps, pixels, iterations).
    Small(&'a mut u32, u32),
    /// Any finite real number.
    Real(&'a mut f64),
    /// A finite real number of at least 0 (a standard deviation).
    NonNegative(&'a mut f64),
}

impl Value<'_> {
    /// The value as text.
    fn show(&self) -> String {
        match self {
            Value::Count(v, _) => v.to_string(),
            Value::Small(v, _) => v.to_string(),
            Value::Real(v) | Value::NonNegative(v) => v.to_string(),
        }
    }

    /// The values it takes, as text.
    fn domain(&self) -> String {
        match self {
            Value::Count(_, min) => format!("a whole number of at least {min}"),
            Value::Small(_, min) => format!("a whole number from {min} to {}", u32::MAX),
            Value::Real(_) => "a finite number".to_string(),
            Value::NonNegative(_) => "a finite number of at least 0".to_string(),
        }
    }

    /// Sets the value from `text`; on failure, the value is unchanged.
    fn parse_into(&mut self, text: &str) -> Option<()> {
        match self {
            Value::Count(v, min) => {
                let n = whole(text).filter(|n| n >= min)?;
                **v = n;
            }
            Value::Small(v, min) => {
                let n = whole(text)
                    .and_then(|n| u32::try_from(n).ok())
                    .filter(|n| n >= min)?;
                **v = n;
            }
            Value::Real(v) => **v = real(text)?,
            Value::NonNegative(v) => **v = real(text).filter(|x| *x >= 0.0)?,
        }
        Some(())
    }
}

/// A whole number written as `1000000`, `1_000_000` or `1e6`.
fn whole(text: &str) -> Option<u64> {
    let t = text.trim().replace('_', "");
    if let Ok(n) = t.parse::<u64>() {
        return Some(n);
    }
    // 1e6 and the like: exact in f64 up to 2^53.
    let x = t.parse::<f64>().ok()?;
    let exact = x.is_finite() && x >= 0.0 && x.fract() == 0.0 && x <= (1u64 << 53) as f64;
    exact.then_some(x as u64)
}

/// A finite real number.
fn real(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|x| x.is_finite())
}

/// The parameters of `kernel` in `p`, in the order `parfor list` shows them.
///
/// ```
/// use parfor_kernels::cli::params::of;
/// use parfor_kernels::suite::{Kernel, Size, SuiteParams};
/// let mut p = SuiteParams::of(Size::Full);
/// let keys: Vec<&str> = of(&mut p, Kernel::Wealth).iter().map(|q| q.key).collect();
/// assert_eq!(keys, ["households", "T", "r", "s", "v1", "v2", "w0"]);
/// ```
pub fn of(p: &mut SuiteParams, kernel: Kernel) -> Vec<Param<'_>> {
    use Value::{Count, NonNegative, Real, Small};
    let param = |key, meaning, value| Param {
        key,
        meaning,
        value,
    };
    match kernel {
        Kernel::Pi => vec![param("n", "points drawn", Count(&mut p.pi.n, 1))],
        Kernel::Wealth => {
            let w = &mut p.wealth;
            vec![
                param(
                    "households",
                    "households simulated",
                    Count(&mut w.households, 1),
                ),
                param("T", "steps per household", Small(&mut w.steps, 0)),
                param("r", "interest rate", Real(&mut w.r)),
                param("s", "savings rate", Real(&mut w.s)),
                param("v1", "volatility of returns", NonNegative(&mut w.v1)),
                param("v2", "volatility of income", NonNegative(&mut w.v2)),
                param("w0", "initial wealth", Real(&mut w.w0)),
            ]
        }
        Kernel::Weather => {
            let w = &mut p.weather;
            vec![
                param("runs", "independent runs", Count(&mut w.runs, 1)),
                param("steps", "steps per run", Small(&mut w.steps, 0)),
                param("start", "starting temperature", Real(&mut w.start)),
                param("center", "temperature reverted to", Real(&mut w.center)),
                param("sd", "standard deviation of a step", NonNegative(&mut w.sd)),
            ]
        }
        Kernel::Roots => vec![param("n", "elements", Count(&mut p.roots.n, 1))],
        Kernel::RootsSum => vec![param("n", "elements", Count(&mut p.roots_sum.n, 1))],
        Kernel::GridMax => vec![param("n", "points per axis", Count(&mut p.grid_max.n, 2))],
        Kernel::Bootstrap => {
            let b = &mut p.bootstrap;
            vec![
                param("tasks", "independent tasks (p)", Count(&mut b.tasks, 1)),
                param("draws", "normals per task (n)", Count(&mut b.draws, 1)),
            ]
        }
        Kernel::Mandelbrot => {
            let m = &mut p.mandelbrot;
            vec![
                param("width", "pixels per row", Small(&mut m.width, 1)),
                param("height", "rows", Small(&mut m.height, 1)),
                param(
                    "max_iter",
                    "most iterations per pixel",
                    Small(&mut m.max_iter, 1),
                ),
            ]
        }
    }
}

/// `kernel`'s parameter names.
///
/// ```
/// use parfor_kernels::{cli::params::keys, suite::Kernel};
/// assert_eq!(keys(Kernel::Bootstrap), ["tasks", "draws"]);
/// ```
pub fn keys(kernel: Kernel) -> Vec<&'static str> {
    let mut p = SuiteParams::of(crate::suite::Size::Full);
    of(&mut p, kernel).iter().map(|q| q.key).collect()
}

/// `kernel`'s parameters in `p` as `(key, value, meaning)`.
///
/// ```
/// use parfor_kernels::{cli::params::values, suite::{Kernel, Size, SuiteParams}};
/// let v = values(&SuiteParams::of(Size::Full), Kernel::Pi);
/// assert_eq!(v, [("n", "100000000".to_string(), "points drawn")]);
/// ```
pub fn values(p: &SuiteParams, kernel: Kernel) -> Vec<(&'static str, String, &'static str)> {
    let mut copy = *p;
    of(&mut copy, kernel)
        .iter()
        .map(|q| (q.key, q.value.show(), q.meaning))
        .collect()
}

/// `kernel`'s parameters in `p` on one line: `runs = 5000000, steps = 100, ...`.
///
/// ```
/// use parfor_kernels::{cli::params::describe, suite::{Kernel, Size, SuiteParams}};
/// assert_eq!(describe(&SuiteParams::of(Size::Small), Kernel::Bootstrap), "tasks = 2000, draws = 1000");
/// ```
pub fn describe(p: &SuiteParams, kernel: Kernel) -> String {
    let parts: Vec<String> = values(p, kernel)
        .into_iter()
        .map(|(k, v, _)| format!("{k} = {v}"))
        .collect();
    parts.join(", ")
}

/// Sets `kernel`'s parameter `key` in `p` from `text`.
///
/// ```
/// use parfor_kernels::{cli::params::set, suite::{Kernel, Size, SuiteParams}};
/// let mut p = SuiteParams::of(Size::Full);
/// set(&mut p, Kernel::Wealth, "T", "100").unwrap();
/// set(&mut p, Kernel::Wealth, "w0", "5").unwrap();
/// assert_eq!((p.wealth.steps, p.wealth.w0), (100, 5.0));
/// assert!(set(&mut p, Kernel::Pi, "n", "1e6").is_ok());
/// let e = set(&mut p, Kernel::Pi, "n", "-3").unwrap_err();
/// assert_eq!(e.to_string(), "pi's n must be a whole number of at least 1, not '-3'");
/// ```
pub fn set(p: &mut SuiteParams, kernel: Kernel, key: &str, text: &str) -> Result<(), ParamError> {
    let mut params = of(p, kernel);
    let Some(param) = params.iter_mut().find(|q| q.key == key) else {
        return Err(ParamError::UnknownKey {
            kernel,
            key: key.to_string(),
        });
    };
    param
        .value
        .parse_into(text)
        .ok_or_else(|| ParamError::BadValue {
            kernel,
            key: param.key,
            text: text.to_string(),
            domain: param.value.domain(),
        })
}

/// Why a parameter could not be set.
///
/// ```
/// use parfor_kernels::{cli::params::{set, ParamError}, suite::{Kernel, Size, SuiteParams}};
/// let mut p = SuiteParams::of(Size::Full);
/// assert!(matches!(set(&mut p, Kernel::Pi, "m", "1"), Err(ParamError::UnknownKey { .. })));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamError {
    /// The kernel has no parameter of that name.
    UnknownKey {
        /// The kernel.
        kernel: Kernel,
        /// The name asked for.
        key: String,
    },
    /// The text is not a value the parameter takes.
    BadValue {
        /// The kernel.
        kernel: Kernel,
        /// The parameter.
        key: &'static str,
        /// The text given.
        text: String,
        /// The values it takes, in words.
        domain: String,
    },
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamError::UnknownKey { kernel, key } => write!(
                f,
                "{kernel} has no parameter '{key}'; its parameters are {}",
                keys(*kernel).join(", ")
            ),
            ParamError::BadValue {
                kernel,
                key,
                text,
                domain,
            } => write!(f, "{kernel}'s {key} must be {domain}, not '{text}'"),
        }
    }
}

impl std::error::Error for ParamError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::Size;

    #[test]
    fn every_key_of_every_kernel_can_be_set_and_read_back() {
        for kernel in Kernel::ALL {
            for key in keys(kernel) {
                let mut p = SuiteParams::of(Size::Small);
                set(&mut p, kernel, key, "7").unwrap();
                let v = values(&p, kernel);
                let (_, shown, _) = v.iter().find(|(k, _, _)| *k == key).unwrap();
                assert_eq!(shown, "7", "{kernel}.{key}");
                // Every other kernel's parameters are untouched.
                for other in Kernel::ALL.into_iter().filter(|&o| o != kernel) {
                    assert_eq!(
                        values(&p, other),
                        values(&SuiteParams::of(Size::Small), other)
                    );
                }
            }
        }
    }

    #[test]
    fn bad_values_are_refused_and_leave_the_value_alone() {
        let mut p = SuiteParams::of(Size::Full);
        let before = p;
        for (kernel, key, text) in [
            (Kernel::Pi, "n", "0"),
            (Kernel::Pi, "n", "1.5"),
            (Kernel::Pi, "n", "x"),
            (Kernel::Pi, "n", "1e300"),
            (Kernel::Weather, "steps", "4294967296"),
            (Kernel::Weather, "sd", "-1"),
            (Kernel::Weather, "start", "inf"),
            (Kernel::Wealth, "r", "NaN"),
            (Kernel::GridMax, "n", "1"),
            (Kernel::Mandelbrot, "width", "0"),
        ] {
            let e = set(&mut p, kernel, key, text).unwrap_err();
            assert!(matches!(e, ParamError::BadValue { .. }), "{e}");
            assert!(e.to_string().contains(&format!("'{text}'")), "{e}");
        }
        assert_eq!(p, before);
    }

    #[test]
    fn numbers_may_be_written_with_underscores_and_exponents() {
        assert_eq!(whole("5_000_000"), Some(5_000_000));
        assert_eq!(whole("5e6"), Some(5_000_000));
        assert_eq!(whole("2.5e0"), None);
        assert_eq!(real("-0.25"), Some(-0.25));
    }
}
