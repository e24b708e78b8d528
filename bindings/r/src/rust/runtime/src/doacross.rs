//! Doacross loops (OpenMP's `ordered(n)` with `depend(sink: ...)` and `depend(source)`): an
//! iteration may wait until given other iterations have passed their `source` point.
//!
//! A doacross nest of `n` loops has `counts[d]` logical iterations in dimension `d` (outermost
//! first, each counted from 0). The team deals the outermost dimension only, in increasing order
//! (the plan is made monotonic, as for `ordered` loops, so that every iteration waited for is
//! already owned by a thread that can run it), and one thread runs all the inner iterations of
//! an outer one, in order. So the progress of outer iteration `i` is one number: how far its
//! inner iterations (flattened row-major, `0..inner` with `inner = counts[1] * ... *
//! counts[n-1]`) have posted. [`Progress`] keeps that number, `0..=inner`, for every outer
//! iteration, packed into 64-bit words at the width it needs, rounded up to a power of two: 1
//! bit for a one-dimensional (or collapsed) loop, which makes it a bitmap of the iterations as
//! libomp keeps; 16 bits for 1000 inner iterations, where a bitmap takes 1000 bits. Never more
//! than one bit per iteration.
//!
//! ## Protocol
//! - *Post* `(i, rest)`: only the thread running outer iteration `i` writes its field. It reads the
//!   field (its own writes, so `Relaxed` suffices) and, if `flat(rest) + 1` is larger, adds the
//!   difference at the field's place with one `fetch_add` (`Release`). A field never exceeds
//!   `inner`, which its width holds, so no carry reaches a neighbour.
//! - *Wait* `(i, rest)`: a vector outside the space (a value not below its count; a negative value
//!   of a `long` loop arrives as a huge unsigned one) is ignored, as OpenMP says of such sinks.
//!   Otherwise the waiter polls the word (`Acquire`) until its field reaches `flat(rest) + 1`. The
//!   word is shared with neighbouring iterations that other threads post with `fetch_add`s later
//!   in its modification order; read-modify-writes continue a release sequence, so reading any
//!   later value still synchronises with the post.
//! - A post of a later inner iteration also releases waiters for earlier ones of the same outer
//!   iteration: those ran before it, on the same thread.
//!
//! ```text
//! counts [3, 4]: inner = 4, fields of 4 bits (values 0..=4), 16 to a word.
//! post (1, 2) -> field 1 becomes 3;  wait (1, 1) needs 2: passes;  wait (1, 3) needs 4: waits.
//! ```

use crate::sync::{AtomicU64, Ordering::*};

/// The posted progress of every outer iteration of one doacross loop, shared by its team.
pub(crate) struct Progress {
    /// Logical iterations per dimension, outermost first.
    counts: Box<[u64]>,
    /// log2 of a field's width in bits (0 to 6).
    width_log2: u32,
    words: Box<[AtomicU64]>,
}

/// Where an iteration's progress is kept, and the value that says it has posted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Place {
    word: usize,
    shift: u32,
    /// Position of the iteration among its outer iteration's inner ones, plus one.
    posted: u64,
}

impl Progress {
    /// The progress of a loop nest of `counts` (every count at least 1, at least one dimension),
    /// nothing posted; `Err` with a message when the inner dimensions hold more than 2^64
    /// iterations or the memory cannot be had.
    pub(crate) fn new(counts: &[u64]) -> Result<Progress, String> {
        let outer = counts.first().copied().unwrap_or(0);
        let inner = counts
            .iter()
            .skip(1)
            .try_fold(1u64, |p, &c| p.checked_mul(c))
            .ok_or_else(|| {
                format!("a doacross loop nest {counts:?} has more than 2^64 inner iterations")
            })?;
        // The field holds 0..=inner.
        let bits = 64 - inner.leading_zeros();
        let width_log2 = bits.next_power_of_two().trailing_zeros();
        let per_word_log2 = 6 - width_log2;
        let words = usize::try_from(outer.div_ceil(1 << per_word_log2)).unwrap_or(usize::MAX);
        let mut memory = Vec::new();
        if memory.try_reserve_exact(words).is_err() {
            let bytes = words.saturating_mul(8);
            return Err(format!(
                "a doacross loop nest {counts:?} needs {bytes} bytes to track its dependences, \
                 and they cannot be allocated"
            ));
        }
        memory.extend((0..words).map(|_| AtomicU64::new(0)));
        Ok(Progress {
            counts: counts.into(),
            width_log2,
            words: memory.into_boxed_slice(),
        })
    }

    /// The number of dimensions.
    #[inline]
    pub(crate) fn dims(&self) -> usize {
        self.counts.len()
    }

    /// Where iteration `iteration` (one logical value per dimension, outermost first) is kept;
    /// `None` when it lies outside the space. Reads values in order, no more than one per
    /// dimension, and stops at the first one outside its dimension.
    ///
    /// # Panics
    /// When `iteration` has fewer values than the loop has dimensions.
    #[inline]
    pub(crate) fn place(&self, iteration: impl IntoIterator<Item = u64>) -> Option<Place> {
        let mut values = iteration.into_iter();
        let mut value = |count: u64| {
            let v = values
                .next()
                .expect("a doacross iteration has one value per dimension");
            (v < count).then_some(v)
        };
        let outer = value(self.counts[0])?;
        let mut flat = 0u64;
        for &count in &self.counts[1..] {
            // No overflow: flat < the product of the counts so far, which `new` checked.
            flat = flat * count + value(count)?;
        }
        let per_word_log2 = 6 - self.width_log2;
        Some(Place {
            word: (outer >> per_word_log2) as usize,
            shift: ((outer & ((1 << per_word_log2) - 1)) << self.width_log2) as u32,
            posted: flat + 1,
        })
    }

    #[inline]
    fn field(&self, word: u64, place: Place) -> u64 {
        let mask = u64::MAX >> (64 - (1u32 << self.width_log2));
        (word >> place.shift) & mask
    }

    #[inline]
    fn word(&self, place: Place) -> &AtomicU64 {
        &self.words[place.word]
    }

    /// Records that the iteration at `place` passed its `source` point. Only the thread that runs
    /// the iteration's outer iteration may call it.
    #[inline]
    pub(crate) fn post(&self, place: Place) {
        let word = self.word(place);
        // Relaxed: only this thread writes this field, and a thread reads its own last write.
        let have = self.field(word.load(Relaxed), place);
        if place.posted > have {
            crate::annotate::happens_before(word);
            word.fetch_add((place.posted - have) << place.shift, Release);
        }
    }

    /// Whether the iteration at `place` has posted (what it wrote before is then visible).
    #[inline]
    pub(crate) fn posted(&self, place: Place) -> bool {
        let word = self.word(place);
        let done = self.field(word.load(Acquire), place) >= place.posted;
        if done {
            crate::annotate::happens_after(word);
        }
        done
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    fn at(p: &Progress, v: &[u64]) -> Option<Place> {
        p.place(v.iter().copied())
    }

    #[test]
    fn fields_are_as_narrow_as_the_inner_space_allows() {
        let widths = |counts: &[u64]| 1u32 << Progress::new(counts).unwrap().width_log2;
        assert_eq!(widths(&[100]), 1); // a bitmap
        assert_eq!(widths(&[100, 1]), 1);
        assert_eq!(widths(&[100, 2]), 2);
        assert_eq!(widths(&[100, 3]), 2);
        assert_eq!(widths(&[100, 4]), 4);
        assert_eq!(widths(&[100, 1000]), 16);
        assert_eq!(widths(&[2, 1 << 32]), 64);
        assert_eq!(widths(&[2, u64::MAX]), 64);
        assert_eq!(Progress::new(&[100]).unwrap().words.len(), 2);
        assert_eq!(Progress::new(&[100, 1000]).unwrap().words.len(), 25);
        assert!(Progress::new(&[2, 1 << 32, 1 << 32]).is_err());
        assert!(Progress::new(&[u64::MAX, 1 << 32]).is_err()); // memory
    }

    #[test]
    fn vectors_outside_the_space_have_no_place() {
        let p = Progress::new(&[3, 4, 5]).unwrap();
        assert!(at(&p, &[2, 3, 4]).is_some());
        assert_eq!(at(&p, &[3, 0, 0]), None);
        assert_eq!(at(&p, &[0, 4, 0]), None);
        assert_eq!(at(&p, &[0, 0, 5]), None);
        assert_eq!(at(&p, &[(-1i64) as u64, 0, 0]), None);
        // Stops at the first value outside: the rest is not read.
        assert_eq!(p.place([0, 9]), None);
    }

    #[test]
    fn no_value_past_the_last_dimension_is_read() {
        // The drop-in hands over gcc's arguments as an endless iterator: reading past the loop's
        // dimensions would read past what the caller passed.
        let p = Progress::new(&[3, 4, 5]).unwrap();
        let read = std::cell::Cell::new(0);
        let values = (0..).map(|_| {
            read.set(read.get() + 1);
            1
        });
        assert!(p.place(values).is_some());
        assert_eq!(read.get(), 3);
    }

    #[test]
    #[should_panic(expected = "one value per dimension")]
    fn a_short_vector_panics() {
        Progress::new(&[3, 4]).unwrap().place([1]);
    }

    #[test]
    fn a_post_covers_its_iteration_and_the_earlier_ones_of_its_outer_iteration() {
        let p = Progress::new(&[40, 3, 4]).unwrap(); // inner 12: 4-bit fields
        let posted = |v: &[u64]| p.posted(at(&p, v).unwrap());
        assert!(!posted(&[17, 0, 0]));
        p.post(at(&p, &[17, 1, 2]).unwrap());
        assert!(posted(&[17, 0, 0]) && posted(&[17, 1, 2]));
        assert!(!posted(&[17, 1, 3]) && !posted(&[17, 2, 3]));
        // Neighbours in the same word are untouched, also by the field's largest value.
        assert!(!posted(&[16, 0, 0]) && !posted(&[18, 0, 0]));
        p.post(at(&p, &[17, 2, 3]).unwrap());
        p.post(at(&p, &[17, 0, 1]).unwrap()); // earlier: no change
        assert!(posted(&[17, 2, 3]));
        assert!(!posted(&[16, 0, 0]) && !posted(&[18, 0, 0]));
        p.post(at(&p, &[16, 2, 3]).unwrap());
        p.post(at(&p, &[18, 0, 0]).unwrap());
        assert!(posted(&[16, 2, 3]) && posted(&[18, 0, 0]) && !posted(&[18, 0, 1]));
        assert!(posted(&[17, 2, 3]));
    }

    #[test]
    fn every_iteration_of_a_nest_posts_into_its_own_field() {
        for counts in [
            &[70][..],
            &[9, 2],
            &[9, 3],
            &[5, 2, 2, 2],
            &[3, 1000],
            &[2, 1 << 33],
        ] {
            let p = Progress::new(counts).unwrap();
            let inner: u64 = counts[1..].iter().product();
            for i in 0..counts[0] {
                for k in (0..inner.min(50)).chain(inner.saturating_sub(3).max(50)..inner) {
                    // k as a vector over the inner dimensions.
                    let mut v = vec![i];
                    let mut rest = k;
                    for &c in counts[1..].iter().rev() {
                        v.insert(1, rest % c);
                        rest /= c;
                    }
                    let place = at(&p, &v).unwrap();
                    assert_eq!(place.posted, k + 1);
                    assert!(!p.posted(place), "{counts:?} {v:?} before its post");
                    p.post(place);
                    assert!(p.posted(place), "{counts:?} {v:?} after its post");
                    if i + 1 < counts[0] {
                        let next = at(&p, &[vec![i + 1], vec![0; counts.len() - 1]].concat());
                        assert!(!p.posted(next.unwrap()), "{counts:?} {v:?} spilled");
                    }
                }
            }
        }
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::sync::{thread, Arc};
    use loom::cell::UnsafeCell;

    /// Two threads post neighbouring iterations of one word while a third waits for one of them:
    /// the waiter sees what the poster wrote before its post (loom checks the cell's accesses),
    /// whichever post lands last in the word.
    #[test]
    fn loom_a_wait_sees_the_writes_before_the_post() {
        loom::model(|| {
            let p = Arc::new(Progress::new(&[2, 3]).unwrap());
            let data = Arc::new(UnsafeCell::new(0u32));
            let (p1, d1) = (p.clone(), data.clone());
            let a = thread::spawn(move || {
                // SAFETY: loom checks the access against the waiter's read.
                d1.with_mut(|v| unsafe { *v = 7 });
                p1.post(p1.place([0, 1]).unwrap());
            });
            let p2 = p.clone();
            let b = thread::spawn(move || {
                p2.post(p2.place([1, 0]).unwrap());
                p2.post(p2.place([1, 2]).unwrap());
            });
            let wanted = p.place([0, 1]).unwrap();
            while !p.posted(wanted) {
                thread::yield_now();
            }
            // SAFETY: loom checks that the write happened before this read.
            data.with(|v| assert_eq!(unsafe { *v }, 7));
            a.join().unwrap();
            b.join().unwrap();
            assert!(p.posted(p.place([1, 2]).unwrap()) && !p.posted(p.place([0, 2]).unwrap()));
        });
    }
}
