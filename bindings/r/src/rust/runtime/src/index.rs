//! Integer loop indices.
//!
//! The loop driver never sees the caller's index type: it iterates over *offsets* `0..len` as `u64`
//! and maps each offset back with [`Index::offset`]. Every primitive integer up to 64 bits has a
//! length that fits in a `u64` (`i64::MIN..i64::MAX` has `u64::MAX` elements), so chunk arithmetic
//! is done once, in one type, with no overflow at the ends of the range.

use std::ops::Range;

/// An integer type that can index a parallel loop.
///
/// Implemented for every primitive integer of at most 64 bits, signed and unsigned.
///
/// ```
/// use parfor::Index;
/// assert_eq!(Index::len(&(-3i64..4)), 7);
/// assert_eq!((-3i64).offset(5), 2);
/// ```
pub trait Index: Copy + PartialOrd + Send + Sync + 'static {
    /// Number of indices in `range` (0 when `end <= start`).
    fn len(range: &Range<Self>) -> u64;
    /// `self + offset`, where the result is known to lie inside the loop's range.
    fn offset(self, offset: u64) -> Self;
    /// `self + 1`, or `None` at the type's maximum.
    fn successor(self) -> Option<Self>;
}

macro_rules! impl_index {
    ($($t:ty => $wide:ty),* $(,)?) => {$(
        impl Index for $t {
            #[inline]
            fn len(range: &Range<Self>) -> u64 {
                if range.end <= range.start {
                    0
                } else {
                    // Widening to 128 bits makes the difference exact for every 64-bit range.
                    (range.end as $wide - range.start as $wide) as u64
                }
            }
            #[inline]
            fn offset(self, offset: u64) -> Self {
                (self as $wide + offset as $wide) as $t
            }
            #[inline]
            fn successor(self) -> Option<Self> {
                self.checked_add(1)
            }
        }
    )*};
}

impl_index!(
    u8 => i128, u16 => i128, u32 => i128, u64 => i128, usize => i128,
    i8 => i128, i16 => i128, i32 => i128, i64 => i128, isize => i128,
);

/// The sub-range of `range` covering offsets `lo..hi` (both within `0..=len`).
#[inline]
pub(crate) fn sub_range<I: Index>(range: &Range<I>, lo: u64, hi: u64) -> Range<I> {
    range.start.offset(lo)..range.start.offset(hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::reversed_empty_ranges)] // reversed on purpose: such loops run nothing
    fn lengths_at_the_ends_of_every_type() {
        assert_eq!(Index::len(&(i64::MIN..i64::MAX)), u64::MAX);
        assert_eq!(Index::len(&(0u64..u64::MAX)), u64::MAX);
        assert_eq!(Index::len(&(5i32..-5)), 0);
        assert_eq!(Index::len(&(7u8..7)), 0);
        assert_eq!(Index::len(&(i8::MIN..i8::MAX)), 255);
        assert_eq!(i64::MIN.offset(u64::MAX), i64::MAX);
        assert_eq!(u64::MAX.offset(0), u64::MAX);
        assert_eq!((-128i8).offset(255), 127);
    }

    #[test]
    fn sub_ranges_map_offsets_back() {
        let r = -10i32..10;
        assert_eq!(sub_range(&r, 0, 20), -10..10);
        assert_eq!(sub_range(&r, 5, 6), -5..-4);
    }
}
