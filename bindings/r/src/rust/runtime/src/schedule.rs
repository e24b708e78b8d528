//! Schedules: how a loop's iterations are dealt out to the team.
//!
//! A [`Schedule`] is data. Before a region starts it is resolved ([`Schedule::resolve`]) into a
//! [`Plan`] with no `Runtime` or `Auto` left in it, and one function, [`for_each_chunk`], turns a
//! plan into the chunks one thread runs. Every loop in the crate (`parallel_for`, the chunked form,
//! reductions, `prange`) goes through that one driver, the way libgomp's `iter.c` serves every loop.
//!
//! All arithmetic is on offsets `0..len` in `u64` (see [`crate::index`]), so a loop over
//! `i64::MIN..i64::MAX` is cut up as safely as one over `0..10`.
//!
//! `dynamic` and `guided` are *nonmonotonic* unless asked otherwise, as OpenMP 5 says of a
//! schedule without modifier: each thread claims chunks from a range of its own and steals from
//! the others when it runs dry (see [`crate::steal`]), so a thread may see a chunk after a later
//! one; only the chunk that ends the loop is always the last of its thread (gcc's `lastprivate`
//! code relies on it). The *monotonic* forms ([`Schedule::MonotonicDynamic`], [`Schedule::MonotonicGuided`],
//! `monotonic:` in `OMP_SCHEDULE`) take chunks in order from one counter shared by the team, and
//! so do ordered loops, whatever their schedule says.

use crate::steal::{StealRanges, Take, MAX_CHUNKS};
use crate::stop::Stop;
use crate::sync::{AtomicU64, Ordering};
use std::fmt;
use std::str::FromStr;

/// How the iterations of a loop are divided among the threads of a team (OpenMP's `schedule`).
///
/// A chunk size of 0 means "the default": for `Dynamic` and `Guided` that is 1, and
/// `StaticChunked(0)` is the same as `Static`. `Dynamic` and `Guided` are nonmonotonic (per-thread
/// ranges with stealing); their `Monotonic` forms deal chunks in order from a shared counter.
///
/// ```
/// use parfor::Schedule;
/// let s: Schedule = "dynamic,16".parse().unwrap();
/// assert_eq!(s, Schedule::Dynamic(16));
/// assert_eq!(Schedule::Guided(4).to_string(), "guided,4");
/// let m: Schedule = "monotonic:dynamic,2".parse().unwrap();
/// assert_eq!(m, Schedule::MonotonicDynamic(2));
/// assert_eq!(Schedule::Dynamic(2).monotonic(), m);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Schedule {
    /// One contiguous block per thread, of equal size (the first `len % threads` blocks one longer).
    #[default]
    Static,
    /// Chunks of `c` iterations dealt round-robin: chunk `k` goes to thread `k % threads`.
    StaticChunked(u64),
    /// Chunks of `c` iterations, first-come first-served: each thread takes them from its own
    /// share of the loop, then steals half of what another thread has left (nonmonotonic).
    Dynamic(u64),
    /// Chunks that shrink with the work left (about `left / (2 * threads)`), never below `c`;
    /// from per-thread shares with stealing, as `Dynamic` (nonmonotonic).
    Guided(u64),
    /// `monotonic:dynamic`: chunks of `c` iterations taken in order from a counter shared by the
    /// team, so each thread sees its chunks in increasing order.
    MonotonicDynamic(u64),
    /// `monotonic:guided`: shrinking chunks (as `Guided`) taken in order from a shared counter.
    MonotonicGuided(u64),
    /// The runtime's choice: currently `Static`, the cheapest schedule for balanced loops.
    Auto,
    /// The run-time schedule: `OMP_SCHEDULE`, or the value given to [`crate::set_schedule`].
    Runtime,
}

impl Schedule {
    /// The monotonic form of this schedule: `Dynamic` and `Guided` become `MonotonicDynamic` and
    /// `MonotonicGuided`; the others are monotonic already (`Runtime` is left to its value).
    ///
    /// ```
    /// use parfor::Schedule;
    /// assert_eq!(Schedule::Guided(3).monotonic(), Schedule::MonotonicGuided(3));
    /// assert_eq!(Schedule::Static.monotonic(), Schedule::Static);
    /// ```
    pub fn monotonic(self) -> Schedule {
        match self {
            Schedule::Dynamic(c) => Schedule::MonotonicDynamic(c),
            Schedule::Guided(c) => Schedule::MonotonicGuided(c),
            other => other,
        }
    }

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
            Schedule::MonotonicDynamic(c) => Plan::MonotonicDynamic {
                chunk: chunk_or_one(c),
            },
            Schedule::MonotonicGuided(c) => Plan::MonotonicGuided {
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
    /// Fixed chunks from per-thread ranges with stealing.
    Dynamic {
        /// Iterations per chunk (at least 1).
        chunk: u64,
    },
    /// Shrinking chunks from per-thread ranges with stealing.
    Guided {
        /// Smallest chunk (at least 1).
        chunk: u64,
    },
    /// Fixed chunks in order from a shared counter.
    MonotonicDynamic {
        /// Iterations per chunk (at least 1).
        chunk: u64,
    },
    /// Shrinking chunks in order from a shared counter.
    MonotonicGuided {
        /// Smallest chunk (at least 1).
        chunk: u64,
    },
}

impl Plan {
    /// The plan with chunks dealt in order from a shared counter: what ordered loops run.
    ///
    /// ```
    /// use parfor::Plan;
    /// let p = Plan::Dynamic { chunk: 2 }.monotonic();
    /// assert_eq!(p, Plan::MonotonicDynamic { chunk: 2 });
    /// ```
    pub fn monotonic(self) -> Plan {
        match self {
            Plan::Dynamic { chunk } => Plan::MonotonicDynamic { chunk },
            Plan::Guided { chunk } => Plan::MonotonicGuided { chunk },
            other => other,
        }
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Plan::Blocks => write!(f, "static"),
            Plan::RoundRobin { chunk } => write!(f, "static,{chunk}"),
            Plan::Dynamic { chunk } => write!(f, "dynamic,{chunk}"),
            Plan::Guided { chunk } => write!(f, "guided,{chunk}"),
            Plan::MonotonicDynamic { chunk } => write!(f, "monotonic:dynamic,{chunk}"),
            Plan::MonotonicGuided { chunk } => write!(f, "monotonic:guided,{chunk}"),
        }
    }
}

impl fmt::Display for Schedule {
    /// The `OMP_SCHEDULE` spelling: `static`, `static,4`, `dynamic,16`, `guided,2`,
    /// `monotonic:dynamic,16`, `monotonic:guided,2`, `auto`, `runtime`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Schedule::Static | Schedule::StaticChunked(0) => write!(f, "static"),
            Schedule::StaticChunked(c) => write!(f, "static,{c}"),
            Schedule::Dynamic(c) => write!(f, "dynamic,{}", c.max(1)),
            Schedule::Guided(c) => write!(f, "guided,{}", c.max(1)),
            Schedule::MonotonicDynamic(c) => write!(f, "monotonic:dynamic,{}", c.max(1)),
            Schedule::MonotonicGuided(c) => write!(f, "monotonic:guided,{}", c.max(1)),
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
    /// integer. `monotonic:` makes `dynamic` and `guided` monotonic (a shared counter); without
    /// it, or with `nonmonotonic:`, they steal (static, auto and runtime ignore the modifier).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = |why: &str| ScheduleParseError(format!("invalid schedule '{text}': {why}"));
        let lower = text.trim().to_ascii_lowercase();
        let (monotonic, body) = match lower.strip_prefix("monotonic:") {
            Some(body) => (true, body),
            None => (false, lower.strip_prefix("nonmonotonic:").unwrap_or(&lower)),
        };
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
        let schedule = match (kind, chunk) {
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
        }?;
        Ok(if monotonic {
            schedule.monotonic()
        } else {
            schedule
        })
    }
}

/// What the threads of a team share for one loop: a counter (the chunk counter of monotonic
/// plans; for stealing plans, whether the ranges were dealt) and the per-thread ranges.
#[derive(Clone, Copy)]
pub(crate) struct LoopShared<'a> {
    /// 0 when the loop starts; reset by the construct's owner between loops.
    pub(crate) counter: &'a AtomicU64,
    /// The per-thread ranges of stealing plans (dealt afresh by each loop).
    pub(crate) ranges: &'a StealRanges,
}

/// Where one thread stands in one worksharing loop: the plan, the loop's length, the team, and
/// how far this thread got. [`ChunkCursor::next`] deals the thread's next chunk; over all threads
/// of the team the chunks cover `0..len` exactly once. Static and monotonic plans give each
/// thread its chunks in increasing order; stealing plans (`Dynamic`, `Guided`) need not.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ChunkCursor {
    plan: Plan,
    len: u64,
    team: u64,
    thread: u64,
    /// Chunks of this thread dealt so far (static plans), a guess of the shared counter
    /// (monotonic guided), or the stage of a stealing plan (`JOINING`, `CLAIMING`, `DONE`).
    step: u64,
    /// Stealing plans: the thread to rob first when this one runs dry.
    victim: usize,
}

/// Stages of a thread in a stealing loop.
const JOINING: u64 = 0;
const CLAIMING: u64 = 1;
const DONE: u64 = 2;

impl ChunkCursor {
    /// Thread `thread`'s cursor over a loop of `len` iterations dealt by `plan` to a team of `team`.
    /// A stealing plan over more chunks than a range can count runs monotonic instead.
    pub(crate) fn new(plan: Plan, len: u64, team: usize, thread: usize) -> ChunkCursor {
        let plan = match plan {
            Plan::Dynamic { chunk } | Plan::Guided { chunk }
                if len.div_ceil(chunk) > MAX_CHUNKS =>
            {
                plan.monotonic()
            }
            other => other,
        };
        ChunkCursor {
            plan,
            len,
            team: team as u64,
            thread: thread as u64,
            step: JOINING,
            victim: (thread + 1) % team.max(1),
        }
    }

    /// The next chunk `lo..hi` of offsets for this thread, or `None` when it has none left or
    /// `stop` says the region stops.
    #[inline]
    pub(crate) fn next(&mut self, shared: LoopShared<'_>, stop: &Stop) -> Option<(u64, u64)> {
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
                // Chunk k = thread + step * team; none past u64::MAX (nor past the end).
                let k = self
                    .step
                    .checked_mul(team)
                    .map(|k| k.checked_add(self.thread));
                self.step += 1;
                k.flatten().and_then(|k| nth_chunk(k, chunk, len))
            }
            Plan::Dynamic { chunk } => self.steal_next(shared, chunk, Take::One),
            Plan::Guided { chunk } => self.steal_next(shared, chunk, Take::Half),
            // The counter counts chunks and each thread overshoots the last chunk by at most
            // one, so it could wrap only after 2^64 - team chunks had run: centuries of work.
            Plan::MonotonicDynamic { chunk } => {
                nth_chunk(shared.counter.fetch_add(1, Ordering::Relaxed), chunk, len)
            }
            Plan::MonotonicGuided { chunk: min } => {
                let next = shared.counter;
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

    /// The next chunk of a stealing plan of `chunk` iterations per chunk: from this thread's own
    /// range, else from a range it steals, else (once every range is empty) the loop's last
    /// chunk if no other thread took it, after which the thread is done. The first call joins the
    /// loop (the first thread to arrive deals the ranges).
    #[inline]
    fn steal_next(&mut self, shared: LoopShared<'_>, chunk: u64, take: Take) -> Option<(u64, u64)> {
        let (thread, team) = (self.thread as usize, self.team as usize);
        if self.step == JOINING {
            let chunks = self.len.div_ceil(chunk);
            shared.ranges.join(shared.counter, chunks, team);
            self.step = CLAIMING;
        }
        if self.step == DONE {
            return None;
        }
        let offset = |k: u64| (u128::from(k) * u128::from(chunk)).min(u128::from(self.len)) as u64;
        let claimed = shared.ranges.claim(thread, take);
        match claimed.or_else(|| shared.ranges.steal(thread, team, &mut self.victim, take)) {
            Some((lo, hi)) => Some((offset(lo), offset(hi))),
            None => {
                self.step = DONE;
                let last = self.len.div_ceil(chunk).checked_sub(1)?;
                shared
                    .ranges
                    .take_last(shared.counter)
                    .then(|| (offset(last), self.len))
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
    (shared, stop): (LoopShared<'_>, &Stop),
    mut chunk: impl FnMut(u64, u64),
) {
    let mut cursor = ChunkCursor::new(plan, len, team, thread);
    while let Some((lo, hi)) = cursor.next(shared, stop) {
        chunk(lo, hi);
    }
}

/// Offsets of chunk `k` of `size` iterations, or `None` past the end; exact for every `u64` input
/// (a start past `u64::MAX` is past the end; an end past it is cut to `len`).
#[inline]
fn nth_chunk(k: u64, size: u64, len: u64) -> Option<(u64, u64)> {
    let lo = k.checked_mul(size).filter(|&lo| lo < len)?;
    Some((lo, lo.saturating_add(size).min(len)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A loop's shared state, as a team's construct holds it (for teams of up to 64).
    struct Loop(AtomicU64, StealRanges, Stop);

    impl Loop {
        fn new() -> Loop {
            Loop(AtomicU64::new(0), StealRanges::new(64), Stop::new())
        }

        fn shared(&self) -> (LoopShared<'_>, &Stop) {
            let shared = LoopShared {
                counter: &self.0,
                ranges: &self.1,
            };
            (shared, &self.2)
        }
    }

    fn is_monotonic(plan: Plan) -> bool {
        plan == plan.monotonic()
    }

    /// Every (plan, len, team) covers 0..len exactly once when its threads run one after another,
    /// and the chunk that ends the loop is the last its thread gets (gcc's `lastprivate` test).
    fn coverage(plan: Plan, len: u64, team: usize) -> Vec<u32> {
        let state = Loop::new();
        let mut hits = vec![0u32; len as usize];
        for t in 0..team {
            let mut last_hi = 0;
            let mut ran_the_end = false;
            for_each_chunk(plan, len, (team, t), state.shared(), |lo, hi| {
                assert!(
                    lo < hi && hi <= len,
                    "{plan} {len} {team}: chunk {lo}..{hi}"
                );
                assert!(
                    lo >= last_hi || !is_monotonic(plan),
                    "chunks of one thread come in increasing order"
                );
                assert!(
                    !ran_the_end,
                    "{plan} {len} {team}: thread {t} got {lo}..{hi} after the loop's last chunk"
                );
                ran_the_end = hi == len;
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
            Plan::MonotonicDynamic { chunk: 1 },
            Plan::MonotonicDynamic { chunk: 7 },
            Plan::MonotonicGuided { chunk: 1 },
            Plan::MonotonicGuided { chunk: 5 },
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
            Plan::MonotonicDynamic { chunk: 1 << 62 },
            Plan::MonotonicGuided { chunk: 1 << 62 },
        ] {
            let state = Loop::new();
            let mut total: u128 = 0;
            for t in 0..3 {
                for_each_chunk(plan, u64::MAX, (3, t), state.shared(), |lo, hi| {
                    total += u128::from(hi - lo)
                });
            }
            assert_eq!(total, u128::from(u64::MAX), "{plan}");
        }
    }

    #[test]
    fn loops_of_more_chunks_than_a_range_counts_run_monotonic() {
        let state = Loop::new();
        for (plan, monotonic) in [
            (
                Plan::Dynamic { chunk: 1 },
                Plan::MonotonicDynamic { chunk: 1 },
            ),
            (
                Plan::Guided { chunk: 1 << 31 },
                Plan::MonotonicGuided { chunk: 1 << 31 },
            ),
        ] {
            let mut cursor = ChunkCursor::new(plan, u64::MAX, 2, 1);
            assert_eq!(cursor.plan, monotonic);
            assert!(cursor.next(state.shared().0, state.shared().1).is_some());
        }
        // A loop of exactly that many chunks still steals.
        let len = MAX_CHUNKS * 3;
        let cursor = ChunkCursor::new(Plan::Dynamic { chunk: 3 }, len, 2, 1);
        assert_eq!(cursor.plan, Plan::Dynamic { chunk: 3 });
    }

    #[test]
    fn guided_chunks_shrink_but_not_below_the_minimum() {
        let state = Loop::new();
        let mut sizes = vec![];
        let plan = Plan::MonotonicGuided { chunk: 4 };
        for_each_chunk(plan, 1000, (2, 0), state.shared(), |lo, hi| {
            sizes.push(hi - lo)
        });
        assert_eq!(sizes[0], 250);
        assert!(sizes.windows(2).all(|w| w[0] >= w[1]));
        assert!(sizes[..sizes.len() - 1].iter().all(|&s| s >= 4));
    }

    #[test]
    fn stealing_guided_takes_half_of_its_own_range_first() {
        // Thread 0 of 2 owns chunks 0..125 of 4 iterations: it takes 63 of them first, then 31,
        // ..., then steals half of thread 1's 125 and halves again.
        let state = Loop::new();
        let mut sizes = vec![];
        let plan = Plan::Guided { chunk: 4 };
        for_each_chunk(plan, 1000, (2, 0), state.shared(), |lo, hi| {
            sizes.push(hi - lo)
        });
        assert_eq!(&sizes[..3], [252, 124, 64]);
        assert_eq!(sizes.iter().sum::<u64>(), 1000);
        assert!(sizes[..sizes.len() - 1].iter().all(|&s| s >= 4));
    }

    #[test]
    fn stopped_loops_take_no_chunk() {
        for plan in [
            Plan::Blocks,
            Plan::Dynamic { chunk: 1 },
            Plan::Guided { chunk: 1 },
            Plan::MonotonicDynamic { chunk: 1 },
            Plan::MonotonicGuided { chunk: 1 },
        ] {
            let state = Loop::new();
            state.2.stop();
            for_each_chunk(plan, 10, (1, 0), state.shared(), |_, _| {
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
            ("monotonic:dynamic,2", Schedule::MonotonicDynamic(2)),
            ("Monotonic:Guided", Schedule::MonotonicGuided(1)),
            ("monotonic:static", Schedule::Static),
            ("nonmonotonic:guided", Schedule::Guided(1)),
            ("nonmonotonic:dynamic,3", Schedule::Dynamic(3)),
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
            "monotonic:",
            "monotonic:nonmonotonic:dynamic",
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
            Schedule::MonotonicDynamic(4),
            Schedule::MonotonicGuided(1),
            Schedule::Auto,
            Schedule::Runtime,
        ] {
            assert_eq!(s.to_string().parse::<Schedule>(), Ok(s));
        }
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::sync::{thread, Arc};

    /// The chunks thread `t` of a team of 2 gets from `plan` over `len` iterations, in order.
    fn chunks(state: &(AtomicU64, StealRanges, Stop), plan: Plan, len: u64, t: usize) -> Vec<u64> {
        let shared = LoopShared {
            counter: &state.0,
            ranges: &state.1,
        };
        let mut got = vec![];
        for_each_chunk(plan, len, (2, t), (shared, &state.2), |lo, hi| {
            got.extend(lo..hi)
        });
        got
    }

    /// Two threads join a stealing loop, claim, steal and hold back the last chunk: every
    /// iteration runs once, and the one that ends the loop is the last its thread runs.
    fn check(plan: Plan, len: u64) {
        loom::model(move || {
            let state = Arc::new((AtomicU64::new(0), StealRanges::new(2), Stop::new()));
            let other = state.clone();
            let thief = thread::spawn(move || chunks(&other, plan, len, 1));
            let mine = chunks(&state, plan, len, 0);
            let theirs = thief.join().unwrap();
            for got in [&mine, &theirs] {
                if let Some(at) = got.iter().position(|&i| i == len - 1) {
                    assert_eq!(at, got.len() - 1, "{plan}: {mine:?} {theirs:?}");
                }
            }
            let mut all = [mine, theirs].concat();
            all.sort_unstable();
            assert_eq!(all, (0..len).collect::<Vec<u64>>(), "none twice, none lost");
        });
    }

    #[test]
    fn loom_the_last_chunk_comes_last_on_its_thread() {
        check(Plan::Dynamic { chunk: 1 }, 3);
        check(Plan::Dynamic { chunk: 2 }, 7);
        check(Plan::Guided { chunk: 1 }, 4);
    }
}
