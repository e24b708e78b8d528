//! Schedules: how a loop's iterations are dealt out to the team.
//!
//! A [`Schedule`] is data. Before a region starts it is resolved ([`Schedule::resolve`]) into a
//! [`Plan`] with no `Runtime` or `Auto` left in it, and one function, [`for_each_chunk`], turns a
//! plan into the chunks one thread runs. Every loop in the crate (`parallel_for`, the chunked form,
//! reductions, `prange`) goes through that one driver, the way libgomp's `iter.c` serves every loop.
//!
//! All arithmetic is on offsets `0..len` in `u64` (see [`crate::index`]), so a loop over
//! `i64::MIN..i64::MAX` is cut up as safely as one over `0..10`.

use crate::stop::Stop;
use crate::sync::{AtomicU64, Ordering};
use std::fmt;
use std::str::FromStr;

/// How the iterations of a loop are divided among the threads of a team (OpenMP's `schedule`).
///
/// A chunk size of 0 means "the default": for `Dynamic` and `Guided` that is 1, and
/// `StaticChunked(0)` is the same as `Static`.
///
/// ```
/// use parfor::Schedule;
/// let s: Schedule = "dynamic,16".parse().unwrap();
/// assert_eq!(s, Schedule::Dynamic(16));
/// assert_eq!(Schedule::Guided(4).to_string(), "guided,4");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Schedule {
    /// One contiguous block per thread, of equal size (the first `len % threads` blocks one longer).
    #[default]
    Static,
    /// Chunks of `c` iterations dealt round-robin: chunk `k` goes to thread `k % threads`.
    StaticChunked(u64),
    /// Chunks of `c` iterations taken first-come first-served from a shared counter.
    Dynamic(u64),
    /// Chunks that shrink with the work left (about `left / (2 * threads)`), never below `c`.
    Guided(u64),
    /// The runtime's choice: currently `Static`, the cheapest schedule for balanced loops.
    Auto,
    /// The run-time schedule: `OMP_SCHEDULE`, or the value given to [`crate::set_schedule`].
    Runtime,
}

impl Schedule {
    /// Resolves `Runtime` (using `runtime`, the run-sched-var) and `Auto` into a concrete plan.
    ///
    /// ```
    /// use parfor::{Plan, Schedule};
    /// assert_eq!(Schedule::Runtime.resolve(Schedule::Dynamic(8)), Plan::Dynamic { chunk: 8 });
    /// assert_eq!(Schedule::Dynamic(0).resolve(Schedule::Static), Plan::Dynamic { chunk: 1 });
    /// ```
    pub fn resolve(self, runtime: Schedule) -> Plan {
        let chunk_or_one = |c: u64| c.max(1);
        match self {
            Schedule::Static | Schedule::StaticChunked(0) | Schedule::Auto => Plan::Blocks,
            Schedule::StaticChunked(c) => Plan::RoundRobin { chunk: c },
            Schedule::Dynamic(c) => Plan::Dynamic {
                chunk: chunk_or_one(c),
            },
            Schedule::Guided(c) => Plan::Guided {
                chunk: chunk_or_one(c),
            },
            // The run-sched-var never holds `Runtime` (the setters refuse it), but resolve it
            // defensively to the default rather than recursing.
            Schedule::Runtime => match runtime {
                Schedule::Runtime => Plan::Blocks,
                other => other.resolve(Schedule::Static),
            },
        }
    }
}

/// A schedule with `Runtime` and `Auto` resolved: what the loop driver actually does.
///
/// ```
/// use parfor::Plan;
/// assert_eq!(Plan::RoundRobin { chunk: 4 }.to_string(), "static,4");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    /// One contiguous block per thread.
    Blocks,
    /// Fixed chunks, round-robin.
    RoundRobin {
        /// Iterations per chunk (at least 1).
        chunk: u64,
    },
    /// Fixed chunks from a shared counter.
    Dynamic {
        /// Iterations per chunk (at least 1).
        chunk: u64,
    },
    /// Shrinking chunks from a shared counter.
    Guided {
        /// Smallest chunk (at least 1).
        chunk: u64,
    },
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Plan::Blocks => write!(f, "static"),
            Plan::RoundRobin { chunk } => write!(f, "static,{chunk}"),
            Plan::Dynamic { chunk } => write!(f, "dynamic,{chunk}"),
            Plan::Guided { chunk } => write!(f, "guided,{chunk}"),
        }
    }
}

impl fmt::Display for Schedule {
    /// The `OMP_SCHEDULE` spelling: `static`, `static,4`, `dynamic,16`, `guided,2`, `auto`, `runtime`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Schedule::Static | Schedule::StaticChunked(0) => write!(f, "static"),
            Schedule::StaticChunked(c) => write!(f, "static,{c}"),
            Schedule::Dynamic(c) => write!(f, "dynamic,{}", c.max(1)),
            Schedule::Guided(c) => write!(f, "guided,{}", c.max(1)),
            Schedule::Auto => write!(f, "auto"),
            Schedule::Runtime => write!(f, "runtime"),
        }
    }
}

/// Why a schedule string did not parse.
///
/// ```
/// use parfor::Schedule;
/// let err = "fastest".parse::<Schedule>().unwrap_err();
/// assert!(err.to_string().contains("fastest"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleParseError(String);

impl fmt::Display for ScheduleParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScheduleParseError {}

impl FromStr for Schedule {
    type Err = ScheduleParseError;

    /// Parses the `OMP_SCHEDULE` syntax: `[monotonic:|nonmonotonic:]kind[,chunk]`, where kind is
    /// `static`, `dynamic`, `guided`, `auto` or `runtime`, case-insensitive, and chunk a positive
    /// integer.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = |why: &str| ScheduleParseError(format!("invalid schedule '{text}': {why}"));
        let lower = text.trim().to_ascii_lowercase();
        // The ordering modifiers only constrain the order in which one thread sees its chunks;
        // every schedule here already hands a thread its chunks in increasing order.
        let body = lower
            .strip_prefix("monotonic:")
            .or_else(|| lower.strip_prefix("nonmonotonic:"))
            .unwrap_or(&lower);
        let (kind, chunk) = match body.split_once(',') {
            Some((kind, chunk)) => (kind.trim(), Some(chunk.trim())),
            None => (body.trim(), None),
        };
        let chunk = match chunk {
            None => None,
            Some(c) => match c.parse::<u64>() {
                Ok(0) | Err(_) => return Err(err("the chunk size must be a positive integer")),
                Ok(c) => Some(c),
            },
        };
        match (kind, chunk) {
            ("static", None) => Ok(Schedule::Static),
            ("static", Some(c)) => Ok(Schedule::StaticChunked(c)),
            ("dynamic", c) => Ok(Schedule::Dynamic(c.unwrap_or(1))),
            ("guided", c) => Ok(Schedule::Guided(c.unwrap_or(1))),
            ("auto", None) => Ok(Schedule::Auto),
            ("runtime", None) => Ok(Schedule::Runtime),
            ("auto" | "runtime", Some(_)) => Err(err("this kind takes no chunk size")),
            _ => Err(err(
                "expected static, dynamic, guided, auto or runtime, optionally followed by ,chunk",
            )),
        }
    }
}

/// Where one thread stands in one worksharing loop: the plan, the loop's length, the team, and
/// how far this thread got. [`ChunkCursor::next`] deals the thread's next chunk; over all threads
/// of the team the chunks cover `0..len` exactly once, and each thread sees its chunks in
/// increasing order. `Dynamic` and `Guided` take chunks from a counter shared by the team.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ChunkCursor {
    plan: Plan,
    len: u64,
    team: u64,
    thread: u64,
    /// Chunks of this thread dealt so far (static plans), or a guess of the shared counter
    /// (guided).
    step: u64,
}

impl ChunkCursor {
    /// Thread `thread`'s cursor over a loop of `len` iterations dealt by `plan` to a team of `team`.
    pub(crate) fn new(plan: Plan, len: u64, team: usize, thread: usize) -> ChunkCursor {
        ChunkCursor {
            plan,
            len,
            team: team as u64,
            thread: thread as u64,
            step: 0,
        }
    }

    /// The next chunk `lo..hi` of offsets for this thread, or `None` when it has none left or
    /// `stop` says the region stops. `next` is the team's shared counter for this loop (0 at
    /// the start; untouched by static plans).
    #[inline]
    pub(crate) fn next(&mut self, next: &AtomicU64, stop: &Stop) -> Option<(u64, u64)> {
        if stop.is_stopped() {
            return None;
        }
        let (len, team) = (self.len, self.team);
        match self.plan {
            Plan::Blocks => {
                if self.step > 0 {
                    return None;
                }
                self.step = 1;
                let (base, extra) = (len / team, len % team);
                let lo = self.thread * base + self.thread.min(extra);
                let hi = lo + base + u64::from(self.thread < extra);
                (lo < hi).then_some((lo, hi))
            }
            Plan::RoundRobin { chunk } => {
                let k = u128::from(self.thread) + u128::from(self.step) * u128::from(team);
                self.step += 1;
                u64::try_from(k).ok().and_then(|k| nth_chunk(k, chunk, len))
            }
            // The counter counts chunks and each thread overshoots the last chunk by at most
            // one, so it could wrap only after 2^64 - team chunks had run: centuries of work.
            Plan::Dynamic { chunk } => nth_chunk(next.fetch_add(1, Ordering::Relaxed), chunk, len),
            Plan::Guided { chunk: min } => {
                let mut lo = next.load(Ordering::Relaxed);
                loop {
                    if lo >= len {
                        return None;
                    }
                    let left = len - lo;
                    let size = left.div_ceil(2 * team).max(min).min(left);
                    match next.compare_exchange_weak(
                        lo,
                        lo + size,
                        Ordering::Relaxed,
                        Ordering::Relaxed,
                    ) {
                        Ok(_) => return Some((lo, lo + size)),
                        Err(now) => lo = now,
                    }
                }
            }
        }
    }
}

/// Runs `chunk(lo, hi)` for every chunk that `plan` gives thread `thread` of a team of `team`
/// over a loop of `len` iterations (see [`ChunkCursor`]); the one chunk driver of every loop.
#[inline]
pub(crate) fn for_each_chunk(
    plan: Plan,
    len: u64,
    (team, thread): (usize, usize),
    (next, stop): (&AtomicU64, &Stop),
    mut chunk: impl FnMut(u64, u64),
) {
    let mut cursor = ChunkCursor::new(plan, len, team, thread);
    while let Some((lo, hi)) = cursor.next(next, stop) {
        chunk(lo, hi);
    }
}

/// Offsets of chunk `k` of `size` iterations, or `None` past the end; exact for every `u64` input.
fn nth_chunk(k: u64, size: u64, len: u64) -> Option<(u64, u64)> {
    let lo = u128::from(k) * u128::from(size);
    if lo >= u128::from(len) {
        return None;
    }
    let hi = (lo + u128::from(size)).min(u128::from(len));
    Some((lo as u64, hi as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (plan, len, team) covers 0..len exactly once when its threads run one after another.
    fn coverage(plan: Plan, len: u64, team: usize) -> Vec<u32> {
        let (next, stop) = (AtomicU64::new(0), Stop::new());
        let mut hits = vec![0u32; len as usize];
        for t in 0..team {
            let mut last_hi = 0;
            for_each_chunk(plan, len, (team, t), (&next, &stop), |lo, hi| {
                assert!(
                    lo < hi && hi <= len,
                    "{plan} {len} {team}: chunk {lo}..{hi}"
                );
                assert!(
                    lo >= last_hi,
                    "chunks of one thread come in increasing order"
                );
                last_hi = hi;
                for h in &mut hits[lo as usize..hi as usize] {
                    *h += 1;
                }
            });
        }
        hits
    }

    #[test]
    fn every_plan_covers_every_offset_once_serially() {
        let plans = [
            Plan::Blocks,
            Plan::RoundRobin { chunk: 1 },
            Plan::RoundRobin { chunk: 3 },
            Plan::Dynamic { chunk: 1 },
            Plan::Dynamic { chunk: 7 },
            Plan::Guided { chunk: 1 },
            Plan::Guided { chunk: 5 },
        ];
        for plan in plans {
            for len in [0, 1, 2, 3, 5, 16, 17, 100, 1001] {
                for team in [1, 2, 3, 4, 7, 64] {
                    assert!(
                        coverage(plan, len, team).iter().all(|&h| h == 1),
                        "{plan} len {len} team {team}"
                    );
                }
            }
        }
    }

    #[test]
    fn chunks_near_u64_max_do_not_overflow() {
        assert_eq!(nth_chunk(u64::MAX, u64::MAX, u64::MAX), None);
        assert_eq!(
            nth_chunk(1, u64::MAX - 1, u64::MAX),
            Some((u64::MAX - 1, u64::MAX))
        );
        // A loop of u64::MAX iterations cut into a few huge chunks, by every plan.
        for plan in [
            Plan::Blocks,
            Plan::RoundRobin { chunk: 1 << 62 },
            Plan::Dynamic { chunk: 1 << 62 },
            Plan::Guided { chunk: 1 << 62 },
        ] {
            let (next, stop) = (AtomicU64::new(0), Stop::new());
            let mut total: u128 = 0;
            for t in 0..3 {
                for_each_chunk(plan, u64::MAX, (3, t), (&next, &stop), |lo, hi| {
                    total += u128::from(hi - lo)
                });
            }
            assert_eq!(total, u128::from(u64::MAX), "{plan}");
        }
    }

    #[test]
    fn guided_chunks_shrink_but_not_below_the_minimum() {
        let (next, stop) = (AtomicU64::new(0), Stop::new());
        let mut sizes = vec![];
        for_each_chunk(
            Plan::Guided { chunk: 4 },
            1000,
            (2, 0),
            (&next, &stop),
            |lo, hi| sizes.push(hi - lo),
        );
        assert_eq!(sizes[0], 250);
        assert!(sizes.windows(2).all(|w| w[0] >= w[1]));
        assert!(sizes[..sizes.len() - 1].iter().all(|&s| s >= 4));
    }

    #[test]
    fn stopped_loops_take_no_chunk() {
        let (next, stop) = (AtomicU64::new(0), Stop::new());
        stop.stop();
        for plan in [
            Plan::Blocks,
            Plan::Dynamic { chunk: 1 },
            Plan::Guided { chunk: 1 },
        ] {
            for_each_chunk(plan, 10, (1, 0), (&next, &stop), |_, _| {
                panic!("ran a chunk")
            });
        }
    }

    #[test]
    fn schedule_strings_parse_as_openmp_documents() {
        let ok = [
            ("static", Schedule::Static),
            ("STATIC,4", Schedule::StaticChunked(4)),
            (" dynamic ", Schedule::Dynamic(1)),
            ("dynamic,16", Schedule::Dynamic(16)),
            ("dynamic , 16", Schedule::Dynamic(16)),
            ("guided", Schedule::Guided(1)),
            ("guided,4", Schedule::Guided(4)),
            ("monotonic:dynamic,2", Schedule::Dynamic(2)),
            ("nonmonotonic:guided", Schedule::Guided(1)),
            ("auto", Schedule::Auto),
            ("runtime", Schedule::Runtime),
        ];
        for (text, want) in ok {
            assert_eq!(text.parse::<Schedule>(), Ok(want), "{text}");
        }
        for bad in [
            "",
            "fast",
            "dynamic,",
            "dynamic,0",
            "dynamic,-1",
            "guided,x",
            "auto,3",
            "static,1,2",
            "dynamic;4",
        ] {
            assert!(bad.parse::<Schedule>().is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn display_round_trips() {
        for s in [
            Schedule::Static,
            Schedule::StaticChunked(3),
            Schedule::Dynamic(9),
            Schedule::Guided(2),
            Schedule::Auto,
            Schedule::Runtime,
        ] {
            assert_eq!(s.to_string().parse::<Schedule>(), Ok(s));
        }
    }
}
