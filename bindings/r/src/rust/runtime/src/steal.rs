//! Per-thread ranges of chunks with stealing: how nonmonotonic `dynamic` and `guided` loops are
//! dealt (the design of LLVM libomp's `static_steal` schedule, in kmp_dispatch.cpp).
//!
//! A loop of `n` chunks is dealt once (all but the last, see below) into one contiguous range per
//! thread of the team, each on a cache line of its own. A thread claims chunks from the front of
//! its own range, an atomic add on a line that no other thread writes while the owner has work;
//! when its range runs dry, it steals the back half of what another thread has left, makes that
//! its own range, and goes on. A loop with a shared counter instead makes every thread fight for
//! one line on every chunk.
//!
//! A range is one `u64`: `begin` in the low 32 bits, `end` in the high 32 bits, empty when
//! `begin >= end`, so that owner and thieves agree through single atomic operations:
//! - the owner claims one chunk with `fetch_add(1)` (`begin` is its chunk if `begin < end` was
//!   true before the add; otherwise the range was empty and stays so, `begin` at most `end + 1`),
//!   or `k` chunks with a compare-and-swap `(b, e) -> (b + k, e)`;
//! - a thief takes `s = ceil((e - b) / 2)` chunks with a compare-and-swap `(b, e) -> (b, e - s)`,
//!   claims its first chunk(s) of `e - s .. e` at once (so that every successful steal is
//!   progress: two dry threads cannot pass a chunk back and forth for ever) and makes the rest
//!   its own range;
//! - only the owner makes a range non-empty again (a plain store of what it stole), and a
//!   compare-and-swap succeeds only against a non-empty value it read, so no stale thief can
//!   take from the new range what it saw in the old one: equal values describe the same
//!   unclaimed chunks.
//!
//! Every chunk is thus claimed once: it leaves a range either by the owner's add or inside one
//! thief's compare-and-swap. A thread is done when every range it looks at is empty; chunks in
//! transit (stolen, not yet stored) are run by their thief, which only stops after its own range
//! is empty.
//!
//! The loop's last chunk is not dealt: the first thread to find every range empty takes it
//! ([`StealRanges::take_last`]) and stops, so it is the last chunk of the thread that runs it.
//! gcc's code for `lastprivate` and `linear` relies on that (libgomp's shared counter gives it
//! for free): after its last `GOMP_loop_*_next`, the thread whose final chunk ended at the loop's
//! end copies its private value out. Kept out of the deal, the chunk costs no balance: it runs
//! when work runs out, on whichever thread runs dry first.

use crate::annotate;
use crate::sync::{
    spin_loop, yield_now, AtomicU64,
    Ordering::{Acquire, Relaxed, Release},
    Padded,
};
use std::sync::OnceLock;

/// Stages of a loop's `dealt` counter.
const NOT_DEALT: u64 = 0;
const DEALING: u64 = 1;
const DEALT: u64 = 2;
/// Dealt, and the last chunk taken.
const LAST_TAKEN: u64 = 3;

/// The most chunks a stealing loop can have: `begin` must fit 32 bits even one past `end`.
/// Loops of more chunks (over 4 billion) use the shared counter instead.
pub(crate) const MAX_CHUNKS: u64 = u32::MAX as u64 - 1;

fn pack(begin: u64, end: u64) -> u64 {
    debug_assert!(begin <= MAX_CHUNKS + 1 && end <= MAX_CHUNKS);
    begin | end << 32
}

fn unpack(range: u64) -> (u64, u64) {
    (range & 0xffff_ffff, range >> 32)
}

/// How many chunks the owner takes at once from what its range has left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Take {
    /// One chunk (`dynamic`).
    One,
    /// Half of what is left, rounded up (`guided`: chunks shrink as the range does).
    Half,
}

impl Take {
    /// How many of `left` (at least 1) chunks to take.
    fn of(self, left: u64) -> u64 {
        match self {
            Take::One => 1,
            Take::Half => left.div_ceil(2),
        }
    }
}

/// The ranges of one loop, one per thread of the team, allocated at the first stealing loop
/// (one cache line per thread the team may have).
pub(crate) struct StealRanges {
    capacity: usize,
    ranges: OnceLock<Box<[Padded<AtomicU64>]>>,
}

impl StealRanges {
    /// Ranges for teams of up to `capacity` threads.
    pub(crate) fn new(capacity: usize) -> StealRanges {
        StealRanges {
            capacity: capacity.max(1),
            ranges: OnceLock::new(),
        }
    }

    fn ranges(&self) -> &[Padded<AtomicU64>] {
        self.ranges.get_or_init(|| {
            let ranges: Box<[Padded<AtomicU64>]> = (0..self.capacity)
                .map(|_| Padded(AtomicU64::new(0)))
                .collect();
            for range in ranges.iter() {
                annotate::atomic(&**range);
            }
            ranges
        })
    }

    fn range(&self, thread: usize) -> &AtomicU64 {
        &self.ranges()[thread]
    }

    /// Joins a loop of `chunks` chunks for a team of `team`: the first thread of the team to
    /// arrive deals the ranges (all chunks but the last), the others wait until it has (a few
    /// stores). `dealt` is the loop's counter, 0 when the loop starts (the construct's owner
    /// resets it between loops); it also says whether the last chunk was taken.
    pub(crate) fn join(&self, dealt: &AtomicU64, chunks: u64, team: usize) {
        let mut now = dealt.load(Acquire);
        if now == NOT_DEALT {
            match dealt.compare_exchange(NOT_DEALT, DEALING, Acquire, Acquire) {
                Ok(_) => {
                    self.deal(chunks.saturating_sub(1), team);
                    // The deal (and the ranges' first allocation) happen before every other
                    // thread's claims: told to race detectors, which do not see the release.
                    annotate::happens_before(dealt);
                    dealt.store(DEALT, Release);
                    return;
                }
                Err(seen) => now = seen,
            }
        }
        let mut polls: u32 = 0;
        while now < DEALT {
            polls = polls.saturating_add(1);
            if polls < 64 {
                spin_loop();
            } else {
                yield_now();
            }
            now = dealt.load(Acquire);
        }
        annotate::happens_after(dealt);
    }

    /// Takes the loop's last chunk (`chunks - 1`, kept out of the deal) for a thread that found
    /// every range empty: `true` for the first thread of the loop to ask, which runs that chunk
    /// and then stops. Only after [`StealRanges::join`]; `dealt` as there.
    pub(crate) fn take_last(&self, dealt: &AtomicU64) -> bool {
        dealt.load(Relaxed) == DEALT
            && dealt
                .compare_exchange(DEALT, LAST_TAKEN, Relaxed, Relaxed)
                .is_ok()
    }

    /// Deals chunks `0..chunks` into `team` contiguous ranges of nearly equal length (the first
    /// `chunks % team` one longer). Only while no thread of the team uses the ranges; the caller
    /// publishes the deal (a release store the others acquire).
    pub(crate) fn deal(&self, chunks: u64, team: usize) {
        assert!(
            team <= self.capacity && chunks <= MAX_CHUNKS,
            "a stealing loop of {chunks} chunks for a team of {team} (capacity {})",
            self.capacity
        );
        let (base, extra) = (chunks / team as u64, chunks % team as u64);
        for t in 0..team as u64 {
            let begin = t * base + t.min(extra);
            let end = begin + base + u64::from(t < extra);
            self.range(t as usize).store(pack(begin, end), Relaxed);
        }
    }

    /// Claims chunks `lo..hi` from the front of `thread`'s own range, or `None` when it is empty.
    #[inline]
    pub(crate) fn claim(&self, thread: usize, take: Take) -> Option<(u64, u64)> {
        let range = self.range(thread);
        match take {
            Take::One => {
                let (begin, end) = unpack(range.fetch_add(1, Relaxed));
                (begin < end).then_some((begin, begin + 1))
            }
            Take::Half => {
                let mut now = range.load(Relaxed);
                loop {
                    let (begin, end) = unpack(now);
                    if begin >= end {
                        return None;
                    }
                    let hi = begin + take.of(end - begin);
                    match range.compare_exchange_weak(now, pack(hi, end), Relaxed, Relaxed) {
                        Ok(_) => return Some((begin, hi)),
                        Err(seen) => now = seen,
                    }
                }
            }
        }
    }

    /// Steals the back half of another thread's range for `thief` (whose own range is empty),
    /// trying the team's threads from `*victim` on: claims chunks `lo..hi` of it (as `take`
    /// says) and makes the rest the thief's range. `None` when every other range was empty as
    /// the thief looked at it; otherwise `*victim` is the thread stolen from (the first to try
    /// next time).
    pub(crate) fn steal(
        &self,
        thief: usize,
        team: usize,
        victim: &mut usize,
        take: Take,
    ) -> Option<(u64, u64)> {
        for v in (0..team).map(|j| (*victim + j) % team) {
            if v == thief {
                continue;
            }
            let range = self.range(v);
            let mut now = range.load(Relaxed);
            loop {
                let (begin, end) = unpack(now);
                if begin >= end {
                    break;
                }
                let lo = end - (end - begin).div_ceil(2);
                match range.compare_exchange_weak(now, pack(begin, lo), Relaxed, Relaxed) {
                    Ok(_) => {
                        let hi = lo + take.of(end - lo);
                        // Our range is empty: no other thread can change it until this store.
                        self.range(thief).store(pack(hi, end), Relaxed);
                        *victim = v;
                        return Some((lo, hi));
                    }
                    Err(seen) => now = seen,
                }
            }
        }
        None
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    fn run_serially(chunks: u64, team: usize, take: Take) -> Vec<u32> {
        let ranges = StealRanges::new(team);
        ranges.deal(chunks, team);
        let mut hits = vec![0u32; chunks as usize];
        for t in 0..team {
            let mut victim = (t + 1) % team;
            while let Some((lo, hi)) = ranges
                .claim(t, take)
                .or_else(|| ranges.steal(t, team, &mut victim, take))
            {
                hits[lo as usize..hi as usize]
                    .iter_mut()
                    .for_each(|h| *h += 1);
            }
        }
        hits
    }

    #[test]
    fn serial_threads_claim_every_chunk_once() {
        for take in [Take::One, Take::Half] {
            for chunks in [0, 1, 2, 3, 7, 64, 1001] {
                for team in [1, 2, 3, 8] {
                    let hits = run_serially(chunks, team, take);
                    assert!(hits.iter().all(|&h| h == 1), "{take:?} {chunks} {team}");
                }
            }
        }
    }

    #[test]
    fn the_first_thread_steals_half_of_what_is_left() {
        let ranges = StealRanges::new(2);
        ranges.deal(8, 2);
        assert_eq!(unpack(ranges.range(1).load(Relaxed)), (4, 8));
        let mut victim = 1;
        for _ in 0..4 {
            assert!(ranges.claim(0, Take::One).is_some());
        }
        assert_eq!(ranges.claim(0, Take::One), None);
        assert_eq!(ranges.steal(0, 2, &mut victim, Take::One), Some((6, 7)));
        assert_eq!(unpack(ranges.range(1).load(Relaxed)), (4, 6));
        assert_eq!(unpack(ranges.range(0).load(Relaxed)), (7, 8));
        assert_eq!(ranges.claim(0, Take::Half), Some((7, 8)));
        assert_eq!(ranges.claim(0, Take::Half), None);
        assert_eq!(ranges.steal(0, 2, &mut victim, Take::Half), Some((5, 6)));
        assert_eq!(unpack(ranges.range(1).load(Relaxed)), (4, 5));
    }

    #[test]
    fn the_largest_loop_packs_and_an_empty_claim_leaves_it_empty() {
        let ranges = StealRanges::new(1);
        ranges.deal(MAX_CHUNKS, 1);
        ranges
            .range(0)
            .store(pack(MAX_CHUNKS - 1, MAX_CHUNKS), Relaxed);
        assert_eq!(
            ranges.claim(0, Take::One),
            Some((MAX_CHUNKS - 1, MAX_CHUNKS))
        );
        assert_eq!(ranges.claim(0, Take::One), None);
        assert_eq!(
            unpack(ranges.range(0).load(Relaxed)),
            (MAX_CHUNKS + 1, MAX_CHUNKS)
        );
        assert_eq!(ranges.claim(0, Take::Half), None);
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::sync::{thread, Arc};

    /// Thread `t` of a team of 2 in a loop of `chunks`: joins, claims its own chunks, steals when
    /// dry, then asks for the last chunk; the chunks it ran, in order.
    fn work(shared: &(StealRanges, AtomicU64), chunks: u64, t: usize, take: Take) -> Vec<u64> {
        let (ranges, dealt) = shared;
        ranges.join(dealt, chunks, 2);
        let (mut ran, mut victim) = (vec![], 1 - t);
        while let Some((lo, hi)) = ranges
            .claim(t, take)
            .or_else(|| ranges.steal(t, 2, &mut victim, take))
        {
            ran.extend(lo..hi);
        }
        if ranges.take_last(dealt) {
            ran.push(chunks - 1);
        }
        ran
    }

    /// Two threads over a loop of `chunks` chunks: every chunk ran once, and the last chunk is
    /// the last its thread ran, whatever the interleaving.
    fn check(chunks: u64, take: Take) {
        loom::model(move || {
            let shared = Arc::new((StealRanges::new(2), AtomicU64::new(0)));
            let other = shared.clone();
            let thief = thread::spawn(move || work(&other, chunks, 1, take));
            let mine = work(&shared, chunks, 0, take);
            let theirs = thief.join().unwrap();
            for ran in [&mine, &theirs] {
                let last = ran.iter().position(|&k| k == chunks - 1);
                assert!(
                    last.is_none() || last == Some(ran.len() - 1),
                    "{mine:?} {theirs:?}"
                );
            }
            let mut ran = [mine, theirs].concat();
            ran.sort_unstable();
            assert_eq!(
                ran,
                (0..chunks).collect::<Vec<u64>>(),
                "none twice, none lost"
            );
        });
    }

    /// The owner claims one chunk at a time against a thief: with 2 chunks, one is dealt to
    /// thread 0 and thread 1 only steals; with 4 and 5, each owns a range and may rob the other.
    #[test]
    fn loom_owner_claims_against_a_thief_one_chunk_at_a_time() {
        check(1, Take::One);
        check(2, Take::One);
        check(4, Take::One);
        check(5, Take::One);
    }

    /// The same with guided claims (compare-and-swap on both sides).
    #[test]
    fn loom_owner_claims_against_a_thief_guided() {
        check(1, Take::Half);
        check(2, Take::Half);
        check(4, Take::Half);
        check(5, Take::Half);
    }

    /// Two threads join a loop at once: one deals, both then see the whole deal, and exactly one
    /// gets the last chunk.
    #[test]
    fn loom_the_first_to_join_deals_for_both() {
        loom::model(|| {
            let shared = Arc::new((StealRanges::new(2), AtomicU64::new(0)));
            let other = shared.clone();
            let t = thread::spawn(move || {
                other.0.join(&other.1, 3, 2);
                (other.0.claim(1, Take::One), other.0.take_last(&other.1))
            });
            shared.0.join(&shared.1, 3, 2);
            assert_eq!(shared.0.claim(0, Take::One), Some((0, 1)));
            let last = shared.0.take_last(&shared.1);
            let (claimed, their_last) = t.join().unwrap();
            assert_eq!(claimed, Some((1, 2)));
            assert!(last != their_last, "one of the two takes the last chunk");
        });
    }
}
