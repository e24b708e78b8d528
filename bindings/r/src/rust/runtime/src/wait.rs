//! How idle threads wait: spin for a while (cheap, fast to wake), then sleep (no CPU).
//!
//! A worker that has finished its share spins on the region counter for a bounded number of
//! polls, then parks. The caller waiting for the team does the same. `OMP_WAIT_POLICY` sets the
//! budget as OpenMP describes: `active` keeps waiting threads spinning, `passive` puts them to sleep
//! at once; `PARFOR_SPIN_COUNT` sets the budget explicitly. When the team has more threads than
//! the process has CPUs, spinning only steals time from threads that have work, so the budget
//! drops to a few polls, each yielding the CPU (the way libgomp throttles its spin count). Even
//! when not oversubscribed, a spinning thread yields every [`YIELD_EVERY`] polls, so that on a
//! machine busy with other processes it does not keep a CPU that a thread with work needs.

use std::fmt;
use std::str::FromStr;

/// OpenMP's wait policy (`OMP_WAIT_POLICY`).
///
/// ```
/// use parfor::WaitPolicy;
/// assert_eq!("PASSIVE".parse::<WaitPolicy>(), Ok(WaitPolicy::Passive));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum WaitPolicy {
    /// Unset: spin for [`DEFAULT_SPIN_COUNT`] polls (a fraction of a millisecond), then sleep.
    #[default]
    Default,
    /// Waiting threads keep spinning ([`ACTIVE_SPIN_COUNT`] polls, about a second), then sleep.
    Active,
    /// Waiting threads sleep at once.
    Passive,
}

/// Polls a waiting thread makes before it sleeps, when no policy is set: about 0.25 ms on the
/// development machine, where one pause instruction takes about 14 ns.
pub const DEFAULT_SPIN_COUNT: u64 = 1 << 14;
/// Polls under `OMP_WAIT_POLICY=active` (a few seconds): waiting threads stay hot, but
/// a pool forgotten by its program still falls asleep eventually.
pub const ACTIVE_SPIN_COUNT: u64 = 1 << 28;
/// A spinning thread yields the CPU once every this many polls (a few microseconds of spinning).
pub const YIELD_EVERY: u64 = 256;
/// Polls when the team is larger than the CPUs the process may use; each poll yields the CPU.
pub const OVERSUBSCRIBED_SPIN_COUNT: u64 = 16;

impl WaitPolicy {
    /// The spin budget this policy gives when no explicit count is set.
    ///
    /// ```
    /// use parfor::WaitPolicy;
    /// assert_eq!(WaitPolicy::Passive.spin_count(), 0);
    /// ```
    pub fn spin_count(self) -> u64 {
        match self {
            WaitPolicy::Default => DEFAULT_SPIN_COUNT,
            WaitPolicy::Active => ACTIVE_SPIN_COUNT,
            WaitPolicy::Passive => 0,
        }
    }
}

impl fmt::Display for WaitPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WaitPolicy::Default => "default",
            WaitPolicy::Active => "active",
            WaitPolicy::Passive => "passive",
        })
    }
}

impl FromStr for WaitPolicy {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "active" => Ok(WaitPolicy::Active),
            "passive" => Ok(WaitPolicy::Passive),
            _ => Err("expected active or passive".into()),
        }
    }
}

/// How one waiting thread spends its budget before it sleeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Spin {
    /// Polls before sleeping.
    pub polls: u64,
    /// Whether each poll yields the CPU instead of issuing a pause instruction.
    pub yielding: bool,
}

impl Spin {
    /// The spin budget for a team of `team` threads on a process allowed `cpus` CPUs.
    pub(crate) fn for_team(spin_count: u64, team: usize, cpus: usize) -> Spin {
        if team > cpus {
            Spin {
                polls: spin_count.min(OVERSUBSCRIBED_SPIN_COUNT),
                yielding: true,
            }
        } else {
            Spin {
                polls: spin_count,
                yielding: false,
            }
        }
    }

    /// The pause after poll number `poll`: a pause instruction, and every
    /// [`YIELD_EVERY`]th poll (or every poll when oversubscribed) a yield of the CPU, so that a
    /// spinning thread never holds a CPU for long that a thread with work (ours, or another
    /// process's on a busy machine) is waiting for.
    #[inline]
    pub(crate) fn pause(self, poll: u64) {
        if self.yielding || poll % YIELD_EVERY == YIELD_EVERY - 1 {
            crate::sync::yield_now();
        } else {
            crate::sync::spin_loop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversubscribed_teams_barely_spin() {
        let s = Spin::for_team(DEFAULT_SPIN_COUNT, 8, 2);
        assert!(s.yielding && s.polls == OVERSUBSCRIBED_SPIN_COUNT);
        let s = Spin::for_team(DEFAULT_SPIN_COUNT, 2, 2);
        assert!(!s.yielding && s.polls == DEFAULT_SPIN_COUNT);
        assert_eq!(Spin::for_team(0, 8, 2).polls, 0);
    }

    #[test]
    fn policies_parse() {
        assert_eq!("active".parse(), Ok(WaitPolicy::Active));
        assert_eq!(" Passive ".parse(), Ok(WaitPolicy::Passive));
        assert!("busy".parse::<WaitPolicy>().is_err());
    }
}
