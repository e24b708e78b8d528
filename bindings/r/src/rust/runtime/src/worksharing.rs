//! Worksharing constructs inside a region: loops, `single`, `sections`, `ordered`, copyprivate.
//!
//! Every thread of a team meets the same worksharing constructs in the same order, so each
//! thread numbers them itself (`Team::ws_next`), and construct `i` uses slot `i % RING` of the
//! team's ring. A slot holds construct `i`'s shared state (the chunk counter, the ordered turn,
//! the copyprivate value) and its `seq`, the index of the construct it is ready for.
//!
//! ## Protocol
//! - *Enter* construct `i`: wait until slot `i % RING` has `seq == i`. A thread that ran ahead
//!   through `RING` nowait constructs waits here for the slowest to leave the slot's previous
//!   construct; that thread depends on no one, so the wait ends.
//! - *Leave*: count out. The last thread of the team to leave resets the slot's state and then
//!   publishes `seq = i + RING` (release): the next construct to use the slot starts from a clean
//!   state, and no thread can enter it before the reset is visible.
//! - Consecutive `nowait` constructs use different slots and so can be in flight at once.
//!
//! Loops deal chunks with [`ChunkCursor`] from the slot's counter. In an *ordered* loop the
//! ordered turn passes chunk by chunk: a thread may run the ordered part of its chunk `lo..hi` once
//! the slot's `ordered_next` is `lo`, and moves it to `hi` when it leaves the chunk (waiting for
//! its turn first, so that an iteration with no ordered part does not let later ones overtake).
//!
//! A *doacross* loop (`ordered(n)` with `depend(sink)`/`depend(source)`) also keeps the posted
//! progress of its iterations ([`Progress`], see [`crate::doacross`]), made by the first thread to
//! enter the construct: it swaps the slot's `doacross` word from 0 to `MAKING`, builds it, and
//! publishes its address (release); the others wait for the address. The last thread to leave
//! frees it with the rest of the slot's state.

use crate::annotate;
use crate::doacross::Progress;
use crate::schedule::{ChunkCursor, LoopShared, Schedule};
use crate::steal::StealRanges;
use crate::stop::Stop;
use crate::sync::{AtomicU64, AtomicUsize, Ordering::*, Padded};
use crate::team::Team;

/// Constructs that can be in flight at once (a thread may run this far ahead through nowaits).
pub(crate) const RING: usize = 8;

struct SlotLine {
    /// The construct this slot is ready for.
    seq: AtomicU64,
    /// Threads that left the construct.
    left: AtomicUsize,
    /// Ordered loops: the first offset whose ordered part may not run yet.
    ordered_next: AtomicU64,
    /// `single` with copyprivate: the winner's value.
    copy: AtomicUsize,
    /// Doacross loops: 0, [`MAKING`], or the address of the loop's boxed [`Progress`].
    doacross: AtomicUsize,
}

/// The slot's `doacross` word while the first thread to enter builds the loop's progress.
const MAKING: usize = 1;

struct Slot {
    line: Padded<SlotLine>,
    /// Loops: the shared chunk counter; `single`: how many threads entered.
    next: Padded<AtomicU64>,
    /// Loops with a stealing schedule: the per-thread ranges.
    ranges: StealRanges,
}

/// A team's ring of worksharing slots.
pub(crate) struct Worksharing {
    slots: [Slot; RING],
    /// The index of the first construct of the next region (every thread starts from it).
    base: AtomicU64,
}

/// A thread's place in the worksharing loop it runs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LoopCursor {
    index: u64,
    chunks: ChunkCursor,
    ordered: bool,
    /// Ordered loops: the chunk the thread runs now.
    current: Option<(u64, u64)>,
    /// Doacross loops whose dependences are tracked: the progress in the construct's slot, alive
    /// until the last thread leaves the construct; null otherwise.
    doacross: *const Progress,
}

impl Worksharing {
    pub(crate) fn new(capacity: usize) -> Worksharing {
        Worksharing {
            slots: std::array::from_fn(|j| Slot {
                line: Padded(SlotLine {
                    seq: AtomicU64::new(j as u64),
                    left: AtomicUsize::new(0),
                    ordered_next: AtomicU64::new(0),
                    copy: AtomicUsize::new(0),
                    doacross: AtomicUsize::new(0),
                }),
                next: Padded(AtomicU64::new(0)),
                ranges: StealRanges::new(capacity),
            }),
            base: AtomicU64::new(0),
        }
    }

    pub(crate) fn announce(&self) {
        for s in &self.slots {
            annotate::atomic(&*s.line);
            annotate::atomic(&*s.next);
        }
    }

    /// The index every thread of the next region starts from.
    pub(crate) fn base(&self) -> u64 {
        self.base.load(Relaxed)
    }

    /// Records where the region ended (every thread met the same constructs); master only,
    /// after the team finished.
    pub(crate) fn set_base(&self, base: u64) {
        if self.base.load(Relaxed) != base {
            self.base.store(base, Relaxed);
        }
    }

    /// Starts afresh after a stopped region; only while no thread of the team runs.
    pub(crate) fn reset(&self) {
        for (j, s) in self.slots.iter().enumerate() {
            s.line.seq.store(j as u64, Relaxed);
            s.line.left.store(0, Relaxed);
            s.line.ordered_next.store(0, Relaxed);
            s.line.copy.store(0, Relaxed);
            s.next.store(0, Relaxed);
            free_doacross(&s.line);
        }
        self.base.store(0, Relaxed);
    }

    fn slot(&self, index: u64) -> &Slot {
        &self.slots[(index % RING as u64) as usize]
    }

    /// Waits until construct `index`'s slot is ready; `false` if the region stops meanwhile.
    fn enter(&self, index: u64, stop: &Stop) -> bool {
        let line = &self.slot(index).line;
        let ready = wait_until(stop, || line.seq.load(Acquire) == index);
        if ready {
            annotate::happens_after(&**line);
        }
        ready
    }

    /// Counts this thread out of construct `index`; the last of `size` threads frees the slot.
    fn leave(&self, index: u64, size: usize) {
        let slot = self.slot(index);
        annotate::happens_before(&*slot.line);
        if slot.line.left.fetch_add(1, AcqRel) + 1 == size {
            annotate::happens_after(&*slot.line);
            slot.line.left.store(0, Relaxed);
            slot.line.ordered_next.store(0, Relaxed);
            slot.line.copy.store(0, Relaxed);
            slot.next.store(0, Relaxed);
            free_doacross(&slot.line);
            slot.line.seq.store(index + RING as u64, Release);
        }
    }

    /// The progress of doacross loop `index` over `counts`: built by the first thread to ask,
    /// waited for by the others; null if the region stops meanwhile.
    ///
    /// # Aborts
    /// When the progress cannot be allocated (see [`Progress::new`]): the other threads wait
    /// for it, and the GOMP ABI has no way to report an error.
    fn doacross(&self, index: u64, stop: &Stop, counts: &[u64]) -> *const Progress {
        let word = &self.slot(index).line.doacross;
        if word.compare_exchange(0, MAKING, Acquire, Relaxed).is_ok() {
            let progress = Progress::new(counts).unwrap_or_else(|why| crate::abort::abort(&why));
            let address = Box::into_raw(Box::new(progress));
            annotate::happens_before(word);
            word.store(address as usize, Release);
            return address;
        }
        if wait_until(stop, || word.load(Acquire) > MAKING) {
            annotate::happens_after(word);
            word.load(Acquire) as *const Progress
        } else {
            std::ptr::null()
        }
    }
}

/// Frees a slot's doacross progress, if it has one: by the last thread to leave its construct,
/// or while no thread of the team runs.
fn free_doacross(line: &SlotLine) {
    let address = line.doacross.swap(0, Relaxed);
    if address > MAKING {
        // SAFETY: made by `Box::into_raw` in `Worksharing::doacross`; every thread that used it
        // has left the construct (the caller is the last, after them: `left` is AcqRel), and the
        // swap took the address out of the slot, so it is freed once.
        drop(unsafe { Box::from_raw(address as *mut Progress) });
    }
}

/// Polls `ready` until it holds (spinning, then yielding, then napping), or the region stops.
fn wait_until(stop: &Stop, ready: impl Fn() -> bool) -> bool {
    wait_polling(stop, 0, ready)
}

/// [`wait_until`] starting at poll `first`: from 128 on, every poll yields the CPU.
fn wait_polling(stop: &Stop, first: u32, ready: impl Fn() -> bool) -> bool {
    let mut polls = first;
    loop {
        if ready() {
            return true;
        }
        if stop.is_stopped() {
            return false;
        }
        polls = polls.saturating_add(1);
        match polls {
            0..=127 => crate::sync::spin_loop(),
            128..=1023 => crate::sync::yield_now(),
            _ => crate::sync::nap(),
        }
    }
}

/// The raw worksharing interface, in the shape libgomp's entry points need: every construct is
/// begun by every thread of the team, in the same order.
impl Team {
    fn begin_construct(&self) -> Option<u64> {
        // A task would take its thread's turn in the team's sequence of constructs.
        assert!(
            !self.tasks.in_task(),
            "a worksharing construct inside a task (OpenMP forbids it)"
        );
        let index = self.ws_next.get();
        self.ws_next.set(index + 1);
        let state = self.state();
        state.ws.enter(index, state.stop()).then_some(index)
    }

    fn end_construct(&self, index: u64) {
        self.state().ws.leave(index, self.num_threads());
    }

    /// Begins this thread's part of a worksharing loop over offsets `0..len`, dealt by
    /// `schedule`; then [`Team::loop_next`] gives the chunks and [`Team::loop_end`] (or
    /// `loop_end_nowait`) ends it. `ordered` allows [`Team::ordered_start`] in its iterations.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
    /// let sum = AtomicU64::new(0);
    /// parfor::parallel(|t| {
    ///     t.loop_start(100, parfor::Schedule::Dynamic(7), false);
    ///     while let Some((lo, hi)) = t.loop_next() {
    ///         sum.fetch_add((lo..hi).sum::<u64>(), Relaxed);
    ///     }
    ///     t.loop_end();
    /// });
    /// assert_eq!(sum.into_inner(), 4950);
    /// ```
    pub fn loop_start(&self, len: u64, schedule: Schedule, ordered: bool) {
        self.start_loop(len, schedule, ordered, None)
    }

    /// Begins this thread's part of a doacross loop nest (OpenMP's `ordered(n)` loops with
    /// `depend(sink: ...)` and `depend(source)`) of `counts[d]` logical iterations in dimension
    /// `d`, outermost first: the team deals the outermost dimension, offsets `0..counts[0]`, by
    /// `schedule` made monotonic, with [`Team::loop_next`]; each thread runs the inner dimensions
    /// of its outer iterations in order, and calls [`Team::doacross_post`] at an iteration's
    /// `source` point and [`Team::doacross_wait`] for a `sink`. End with [`Team::loop_end`] or
    /// `loop_end_nowait`. A team of one, or an empty nest, tracks nothing: posts and waits
    /// return at once.
    ///
    /// # Aborts
    /// When the memory to track the nest cannot be had (one bit per iteration at most).
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
    /// // a[i][j] = a[i-1][j] + a[i][j-1]: a wavefront, rows dealt to the threads.
    /// let a: Vec<AtomicU64> = (0..8 * 8).map(|_| AtomicU64::new(1)).collect();
    /// let at = |i: u64, j: u64| &a[(i * 8 + j) as usize];
    /// parfor::parallel(|t| {
    ///     t.doacross_start(&[8, 8], parfor::Schedule::StaticChunked(1));
    ///     while let Some((lo, hi)) = t.loop_next() {
    ///         for i in lo..hi {
    ///             for j in 0..8 {
    ///                 t.doacross_wait([i.wrapping_sub(1), j]); // ignored for i = 0
    ///                 if i > 0 && j > 0 {
    ///                     let v = at(i - 1, j).load(Relaxed) + at(i, j - 1).load(Relaxed);
    ///                     at(i, j).store(v, Relaxed);
    ///                 }
    ///                 t.doacross_post([i, j]);
    ///             }
    ///         }
    ///     }
    ///     t.loop_end();
    /// });
    /// assert_eq!(a[63].load(Relaxed), 3432); // C(14, 7)
    /// ```
    pub fn doacross_start(&self, counts: &[u64], schedule: Schedule) {
        let outer = counts.first().copied().unwrap_or(0);
        self.start_loop(outer, schedule, false, Some(counts))
    }

    /// The one start of every loop: `doacross` holds the counts of a doacross nest.
    fn start_loop(&self, len: u64, schedule: Schedule, ordered: bool, doacross: Option<&[u64]>) {
        let plan = schedule.resolve(self.state().registry().runtime_schedule());
        // The ordered turn passes chunk by chunk in order, and a doacross iteration waits only
        // for iterations dealt before it: both stay monotonic.
        let plan = if ordered || doacross.is_some() {
            plan.monotonic()
        } else {
            plan
        };
        let cursor = self.begin_construct().map(|index| LoopCursor {
            index,
            chunks: ChunkCursor::new(plan, len, self.num_threads(), self.thread_num()),
            ordered,
            current: None,
            doacross: match doacross {
                Some(counts) if self.num_threads() > 1 && !counts.contains(&0) => {
                    let state = self.state();
                    state.ws.doacross(index, state.stop(), counts)
                }
                _ => std::ptr::null(),
            },
        });
        self.cursor.set(cursor);
    }

    /// The progress of this thread's doacross loop, if it tracks one.
    #[inline]
    fn doacross_progress(&self) -> Option<&Progress> {
        let address = self.with_cursor(|c| c.as_ref().map_or(std::ptr::null(), |c| c.doacross));
        // SAFETY: the progress lives until the last thread leaves the loop's construct, and this
        // thread has not left it (leaving takes the cursor).
        unsafe { address.as_ref() }
    }

    /// How many values [`Team::doacross_post`] and [`Team::doacross_wait`] read: the current
    /// doacross loop's dimensions, or 0 when this thread's loop tracks no dependences (not a
    /// doacross loop, a team of one, an empty nest).
    ///
    /// ```
    /// parfor::region().num_threads(2).run(|t| {
    ///     t.doacross_start(&[4, 5, 6], parfor::Schedule::Static);
    ///     assert_eq!(t.doacross_dims(), if t.num_threads() > 1 { 3 } else { 0 });
    ///     while t.loop_next().is_some() {}
    ///     t.loop_end();
    /// });
    /// ```
    pub fn doacross_dims(&self) -> usize {
        self.doacross_progress().map_or(0, Progress::dims)
    }

    /// Marks the iteration `iteration` (one logical value per dimension, outermost first) of the
    /// current doacross loop as past its `source` point: waits for it, and for the earlier inner
    /// iterations of its outer iteration, return. Call it on the thread that runs the iteration.
    /// Reads values one by one, at most [`Team::doacross_dims`] of them.
    ///
    /// # Panics
    /// When `iteration` has fewer values than the loop has dimensions.
    ///
    /// ```
    /// parfor::parallel(|t| {
    ///     t.doacross_start(&[100], parfor::Schedule::Dynamic(4));
    ///     while let Some((lo, hi)) = t.loop_next() {
    ///         for i in lo..hi {
    ///             t.doacross_wait([i.wrapping_sub(1)]);
    ///             t.doacross_post([i]);
    ///         }
    ///     }
    ///     t.loop_end();
    /// });
    /// ```
    pub fn doacross_post(&self, iteration: impl IntoIterator<Item = u64>) {
        if let Some(progress) = self.doacross_progress() {
            if let Some(place) = progress.place(iteration) {
                progress.post(place)
            }
        }
    }

    /// Waits until iteration `iteration` of the current doacross loop has passed its `source`
    /// point ([`Team::doacross_post`]); what it wrote before is then visible. Returns at once for
    /// an iteration outside the loop's space (OpenMP ignores such a sink), when the loop tracks
    /// nothing (see [`Team::doacross_dims`]), or when the region stops. Spins briefly, then
    /// yields and naps, as waits for an ordered turn do. Reads values one by one, at most
    /// [`Team::doacross_dims`] of them, and stops at the first outside its dimension.
    ///
    /// # Panics
    /// When `iteration` has fewer values than the loop has dimensions.
    ///
    /// ```
    /// parfor::parallel(|t| {
    ///     t.doacross_start(&[10, 10], parfor::Schedule::StaticChunked(1));
    ///     while let Some((i, _)) = t.loop_next() {
    ///         for j in 0..10 {
    ///             t.doacross_wait([i.wrapping_sub(1), j + 1]); // (i-1, j+1): outside when j = 9
    ///             t.doacross_post([i, j]);
    ///         }
    ///     }
    ///     t.loop_end();
    /// });
    /// ```
    pub fn doacross_wait(&self, iteration: impl IntoIterator<Item = u64>) {
        let Some(progress) = self.doacross_progress() else {
            return;
        };
        let Some(place) = progress.place(iteration) else {
            return;
        };
        if !progress.posted(place) {
            wait_polling(self.state().stop(), self.first_poll(), || {
                progress.posted(place)
            });
        }
    }

    /// The next chunk `lo..hi` of the current loop for this thread, or `None` when it has none
    /// left (or the region stops).
    #[inline]
    pub fn loop_next(&self) -> Option<(u64, u64)> {
        let state = self.state();
        self.with_cursor(|cursor| {
            let c = cursor.as_mut()?;
            let slot = state.ws.slot(c.index);
            if c.ordered {
                self.pass_ordered_turn(c);
            }
            let shared = LoopShared {
                counter: &slot.next,
                ranges: &slot.ranges,
            };
            let chunk = c.chunks.next(shared, state.stop());
            if c.ordered {
                c.current = chunk;
            }
            chunk
        })
    }

    /// Runs `f` on this thread's loop cursor in place (a chunk is dealt once per call of
    /// `loop_next`, so it is not copied out and back). `f` must not reach the cursor again.
    #[inline]
    fn with_cursor<R>(&self, f: impl FnOnce(&mut Option<LoopCursor>) -> R) -> R {
        // SAFETY: the handle belongs to this thread (a `Team` is not `Sync`), and every `f` given
        // here (in this file) leaves `self.cursor` alone: this is the only reference to it.
        f(unsafe { &mut *self.cursor.as_ptr() })
    }

    /// Ends this thread's part of the current loop without waiting for the others.
    pub fn loop_end_nowait(&self) {
        if let Some(c) = self.cursor.take() {
            if c.ordered {
                self.pass_ordered_turn(&c);
            }
            self.end_construct(c.index);
        } else {
            // The loop was never entered (the region stopped): nothing to count out of.
        }
    }

    /// Ends this thread's part of the current loop and waits for the whole team (a barrier).
    pub fn loop_end(&self) {
        self.loop_end_nowait();
        let _ = self.barrier_status();
    }

    /// In an ordered loop, moves the ordered turn past this thread's current chunk, after
    /// waiting for it. Kept out of line: the chunk path of other loops stays short.
    #[inline(never)]
    fn pass_ordered_turn(&self, c: &LoopCursor) {
        if let Some((lo, hi)) = c.current {
            if self.wait_ordered_turn(c.index, lo) {
                self.state()
                    .ws
                    .slot(c.index)
                    .line
                    .ordered_next
                    .store(hi, Release);
            }
        }
    }

    /// Waits until the ordered turn of loop `index` reaches offset `lo`; false when the region
    /// stops. The turn passes from thread to thread in iteration order (see
    /// [`Team::first_poll`] for how the wait starts).
    fn wait_ordered_turn(&self, index: u64, lo: u64) -> bool {
        let state = self.state();
        let line = &state.ws.slot(index).line;
        wait_polling(state.stop(), self.first_poll(), || {
            line.ordered_next.load(Acquire) == lo
        })
    }

    /// Where a wait for another thread's progress in a loop (an ordered turn, a doacross
    /// iteration) starts polling: when the team outnumbers the CPUs, the thread it waits for
    /// often waits for a CPU that a poller holds, so every poll yields from the start (spinning
    /// first costs a time slice a wait).
    fn first_poll(&self) -> u32 {
        let oversubscribed = self
            .state()
            .registry()
            .spin_for_team(self.num_threads())
            .yielding;
        if oversubscribed {
            128
        } else {
            0
        }
    }

    /// Waits for this iteration's turn in an ordered loop (the iterations before it have run
    /// their ordered parts); pair with [`Team::ordered_end`].
    ///
    /// ```
    /// use std::sync::Mutex;
    /// let order = Mutex::new(vec![]);
    /// parfor::parallel(|t| {
    ///     t.loop_start(20, parfor::Schedule::Dynamic(1), true);
    ///     while let Some((lo, _)) = t.loop_next() {
    ///         t.ordered_start();
    ///         order.lock().unwrap().push(lo);
    ///         t.ordered_end();
    ///     }
    ///     t.loop_end();
    /// });
    /// assert_eq!(order.into_inner().unwrap(), (0..20).collect::<Vec<u64>>());
    /// ```
    pub fn ordered_start(&self) {
        if let Some(LoopCursor {
            index,
            current: Some((lo, _)),
            ordered: true,
            ..
        }) = self.cursor.get()
        {
            self.wait_ordered_turn(index, lo);
        }
    }

    /// Ends an ordered part (the turn passes when the thread leaves its chunk).
    pub fn ordered_end(&self) {}

    /// Begins a `single` construct: `true` on exactly one thread of the team per encounter,
    /// which runs the block. No end call and no barrier (add [`Team::barrier`] for one).
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    /// let runs = AtomicUsize::new(0);
    /// parfor::parallel(|t| {
    ///     if t.single_start() { runs.fetch_add(1, Relaxed); }
    /// });
    /// assert_eq!(runs.into_inner(), 1);
    /// ```
    pub fn single_start(&self) -> bool {
        let Some(index) = self.begin_construct() else {
            return false;
        };
        let won = self.state().ws.slot(index).next.fetch_add(1, Relaxed) == 0;
        self.end_construct(index);
        won
    }

    /// Begins a `single` with copyprivate: `None` on the one thread that runs the block and then
    /// calls [`Team::single_copy_end`] with its value; `Some(value)` on the others, after that
    /// (they wait for it at a barrier). Add a barrier after copying, so the winner's value stays
    /// alive while the others read it.
    pub fn single_copy_start(&self) -> Option<usize> {
        let index = self.begin_construct()?;
        let slot = self.state().ws.slot(index);
        if slot.next.fetch_add(1, Relaxed) == 0 {
            self.copy_index.set(index);
            return None;
        }
        let passed = self.barrier_status();
        let value = slot.line.copy.load(Acquire);
        self.end_construct(index);
        passed.ok().map(|()| value)
    }

    /// Publishes the value of a `single` with copyprivate (see [`Team::single_copy_start`]) and
    /// waits at the barrier where the others pick it up.
    ///
    /// ```
    /// parfor::parallel(|t| {
    ///     let v = match t.single_copy_start() {
    ///         None => { t.single_copy_end(42); 42 }
    ///         Some(v) => v,
    ///     };
    ///     assert_eq!(v, 42);
    ///     t.barrier();
    /// });
    /// ```
    pub fn single_copy_end(&self, value: usize) {
        let index = self.copy_index.get();
        self.state().ws.slot(index).line.copy.store(value, Release);
        let _ = self.barrier_status();
        self.end_construct(index);
    }

    /// Begins a `sections` construct of `count` sections: the index (from 0) of the first section
    /// this thread runs, `None` when none is left; then [`Team::sections_next`], and
    /// [`Team::loop_end`] or `loop_end_nowait` to end it.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    /// let ran = AtomicUsize::new(0);
    /// parfor::parallel(|t| {
    ///     let mut s = t.sections_start(3);
    ///     while let Some(i) = s {
    ///         ran.fetch_add(1 << i, Relaxed);
    ///         s = t.sections_next();
    ///     }
    ///     t.loop_end();
    /// });
    /// assert_eq!(ran.into_inner(), 0b111);
    /// ```
    pub fn sections_start(&self, count: u64) -> Option<u64> {
        self.loop_start(count, Schedule::Dynamic(1), false);
        self.sections_next()
    }

    /// The next section for this thread (see [`Team::sections_start`]).
    pub fn sections_next(&self) -> Option<u64> {
        self.loop_next().map(|(lo, _)| lo)
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::sync::{thread, Arc};

    /// One thread's part of a doacross loop of two outer iterations on construct 0: it runs outer
    /// iteration `outer`, the second waiting for the first's post. Returns the progress it used.
    fn run(ws: &Worksharing, stop: &Stop, outer: u64) -> usize {
        assert!(ws.enter(0, stop));
        let address = ws.doacross(0, stop, &[2]);
        // SAFETY: made by `doacross`, alive until both threads have left construct 0.
        let progress = unsafe { &*address };
        if outer == 1 {
            let first = progress.place([0]).unwrap();
            while !progress.posted(first) {
                thread::yield_now();
            }
        }
        progress.post(progress.place([outer]).unwrap());
        ws.leave(0, 2);
        address as usize
    }

    /// The first thread to enter a doacross loop builds its progress while the other waits for
    /// the address; both use the same one, and the last to leave frees it (the slot is clean for
    /// the construct that reuses it).
    #[test]
    fn loom_doacross_progress_is_made_once_shared_and_freed_by_the_last_to_leave() {
        loom::model(|| {
            let shared = Arc::new((Worksharing::new(2), Stop::new()));
            let other = shared.clone();
            let t = thread::spawn(move || run(&other.0, &other.1, 0));
            let mine = run(&shared.0, &shared.1, 1);
            assert_eq!(t.join().unwrap(), mine);
            let line = &shared.0.slot(0).line;
            assert_eq!(line.doacross.load(Relaxed), 0);
            assert_eq!(line.seq.load(Relaxed), RING as u64);
        });
    }
}
