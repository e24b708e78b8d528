//! Allocation sized from a problem's parameters: fallible, never an abort.
//!
//! A kernel asked for more memory than the machine has (a median of 2^40 households, a buffer of
//! 2^53 draws) unwinds with the payload [`parfor::AllocError`], the runtime's own report of a
//! failed allocation, instead of aborting the process: the C ABI turns it into
//! `PARFOR_ERR_NOMEM`, and a Rust caller can catch it with `catch_unwind` and
//! `payload.downcast_ref::<parfor::AllocError>()`.

/// `len` copies of `value`, or an unwind with [`parfor::AllocError`] when they cannot be
/// allocated (`len` counts elements and may exceed `usize`).
///
/// ```
/// let v = parfor_kernels::alloc::vec_of(3u64, 1.5f64);
/// assert_eq!(v, [1.5, 1.5, 1.5]);
/// let huge = std::panic::catch_unwind(|| parfor_kernels::alloc::vec_of(1u64 << 61, 0.0f64));
/// let payload = huge.unwrap_err();
/// assert!(payload.downcast_ref::<parfor::AllocError>().is_some());
/// ```
pub fn vec_of<T: Clone>(len: u64, value: T) -> Vec<T> {
    let mut v = Vec::new();
    reserve(&mut v, len);
    v.resize(len as usize, value);
    v
}

/// Makes room in `v` for `additional` more elements, or unwinds with [`parfor::AllocError`].
///
/// ```
/// let mut v: Vec<u8> = Vec::new();
/// parfor_kernels::alloc::reserve(&mut v, 100);
/// assert!(v.capacity() >= 100);
/// ```
pub fn reserve<T>(v: &mut Vec<T>, additional: u64) {
    let fits = usize::try_from(additional)
        .ok()
        .filter(|&n| v.try_reserve_exact(n).is_ok());
    if fits.is_none() {
        let bytes = usize::try_from(additional)
            .unwrap_or(usize::MAX)
            .saturating_mul(std::mem::size_of::<T>());
        std::panic::resume_unwind(Box::new(parfor::AllocError { bytes }));
    }
}

/// The items of `iter` (of exactly known length, such as a `chunks_mut`) in a vector, or an
/// unwind with [`parfor::AllocError`].
///
/// ```
/// let mut data = [0u8; 10];
/// let pieces = parfor_kernels::alloc::collect(data.chunks_mut(4));
/// assert_eq!(pieces.len(), 3);
/// ```
pub fn collect<T>(iter: impl ExactSizeIterator<Item = T>) -> Vec<T> {
    let mut v = Vec::new();
    reserve(&mut v, iter.len() as u64);
    v.extend(iter);
    v
}
