//! Where spawned tasks live: a task of up to [`BLOCK_SIZE`] bytes gets a block from a small
//! per-thread stock of blocks freed by earlier tasks, instead of a `malloc` and a `free` each
//! (together about a fifth of the instructions a queued task cost). A thread that frees a block
//! keeps it, whichever thread allocated it; it keeps at most [`BLOCKS_KEPT`] and frees the rest,
//! and its stock is freed when it exits. Larger tasks use the global allocator.

use std::alloc::{dealloc, handle_alloc_error, Layout};
use std::ptr::NonNull;

/// The size of a block: a task header (about 64 bytes) and a body of a few captured references.
const BLOCK_SIZE: usize = 128;
const BLOCK_ALIGN: usize = 16;
/// How many free blocks a thread keeps (32 KiB).
#[cfg(not(loom))]
const BLOCKS_KEPT: usize = 256;

/// The layout of a block.
fn block() -> Layout {
    // A valid layout: BLOCK_ALIGN is a power of two and BLOCK_SIZE a multiple of it.
    Layout::from_size_align(BLOCK_SIZE, BLOCK_ALIGN).unwrap_or_else(|_| unreachable!())
}

/// Whether a `T` is given a block.
const fn fits<T>() -> bool {
    std::mem::size_of::<T>() <= BLOCK_SIZE && std::mem::align_of::<T>() <= BLOCK_ALIGN
}

/// A thread's free blocks.
#[cfg(not(loom))]
struct Stock(Vec<NonNull<u8>>);

#[cfg(not(loom))]
impl Drop for Stock {
    fn drop(&mut self) {
        for b in self.0.drain(..) {
            // SAFETY: every block in a stock was allocated with `block()` and is unused.
            unsafe { dealloc(b.as_ptr(), block()) };
        }
    }
}

#[cfg(not(loom))]
thread_local! {
    static STOCK: std::cell::RefCell<Stock> = const { std::cell::RefCell::new(Stock(Vec::new())) };
}

/// Room for a `T` (uninitialised; `T` must not be zero-sized), to be freed by [`free`].
pub(crate) fn alloc<T>() -> NonNull<T> {
    const { assert!(std::mem::size_of::<T>() > 0) };
    if fits::<T>() {
        #[cfg(not(loom))]
        if let Ok(Some(b)) = STOCK.try_with(|s| s.borrow_mut().0.pop()) {
            return b.cast();
        }
        return raw(block()).cast();
    }
    raw(Layout::new::<T>()).cast()
}

/// Frees room made by [`alloc`] (keeps it, if it is a block and the stock is not full).
///
/// # Safety
/// `room` was returned by `alloc::<T>` and not freed since; what it held was moved out or
/// dropped.
pub(crate) unsafe fn free<T>(room: NonNull<T>) {
    if fits::<T>() {
        #[cfg(not(loom))]
        {
            let b = room.cast::<u8>();
            let kept = STOCK.try_with(|s| {
                let mut stock = s.borrow_mut();
                let keep = stock.0.len() < BLOCKS_KEPT;
                if keep {
                    stock.0.push(b);
                }
                keep
            });
            if kept == Ok(true) {
                return;
            }
        }
        // SAFETY: a block, allocated with `block()` (the caller's obligation).
        unsafe { dealloc(room.as_ptr().cast(), block()) };
        return;
    }
    // SAFETY: allocated with `T`'s layout (the caller's obligation).
    unsafe { dealloc(room.as_ptr().cast(), Layout::new::<T>()) };
}

/// Memory for `layout` (not zero-sized) from the global allocator.
fn raw(layout: Layout) -> NonNull<u8> {
    // SAFETY: every layout passed here has a non-zero size.
    let p = unsafe { std::alloc::alloc(layout) };
    NonNull::new(p).unwrap_or_else(|| handle_alloc_error(layout))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_reused_and_large_values_fit() {
        let a = alloc::<[u64; 4]>();
        // SAFETY: room for the value, freed once below.
        unsafe { a.as_ptr().write([1, 2, 3, 4]) };
        // SAFETY: made by `alloc` above; the array needs no drop.
        unsafe { free(a) };
        let b = alloc::<[u64; 2]>();
        #[cfg(not(loom))]
        assert_eq!(a.cast::<u8>(), b.cast::<u8>(), "the freed block is reused");
        // SAFETY: made by `alloc` above, never written.
        unsafe { free(b) };
        let big = alloc::<[u64; 64]>();
        // SAFETY: room for the value, freed once below.
        unsafe { big.as_ptr().write([9; 64]) };
        // SAFETY: initialised above.
        assert_eq!(unsafe { big.as_ref() }[63], 9);
        // SAFETY: made by `alloc` above.
        unsafe { free(big) };
    }
}
