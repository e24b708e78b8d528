//! Random streams: `(seed, id)` to an independent PCG64 stream.
//!
//! Every stochastic kernel cuts its work into fixed blocks (or tasks) and gives block (or task)
//! `id` the stream [`stream`]`(seed, id)`. Streams belong to blocks, never to threads, so a result
//! does not depend on the team size or the schedule.
//!
//! A stream is a [`Pcg64`] (PCG XSL-RR 128/64, NumPy's `PCG64`) built as
//! `Pcg64::new(state, stream = id)`:
//! - the *increment* is `2 * id + 1`, so two blocks of one seed are always on different LCG
//!   sequences (PCG's stream selection);
//! - the 128-bit *state* is a hash of `(seed, id)` (SplitMix64 finalisers chained over both words,
//!   the way NumPy's `SeedSequence.spawn` hashes the spawn key into each child's state), so
//!   streams do not start at related points of related sequences, and different seeds give
//!   unrelated streams even for the same block.
//!
//! Uniforms are [`rand`]'s `StandardUniform` f64 (53 high bits, `[0, 1)`); normals are
//! [`rand_distr::StandardNormal`] (a ziggurat sampler), drawn through [`normal`].
//!
//! ```
//! use parfor_kernels::rng;
//! use rand::Rng;
//! let mut a = rng::stream(42, 7);
//! let mut b = rng::stream(42, 7);
//! assert_eq!(a.random::<u64>(), b.random::<u64>());
//! assert_ne!(rng::stream(42, 7).random::<u64>(), rng::stream(42, 8).random::<u64>());
//! ```

use rand::RngCore;
use rand_distr::{Distribution, StandardNormal};
pub use rand_pcg::Pcg64;
use std::marker::PhantomData;

/// SplitMix64's output function: a bijective mix of 64 bits (Steele, Lea and Flood, 2014).
///
/// ```
/// assert_ne!(parfor_kernels::rng::mix64(0), parfor_kernels::rng::mix64(1));
/// ```
#[inline]
pub fn mix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The 128-bit initial state of stream `id` of `seed`.
///
/// ```
/// use parfor_kernels::rng::initial_state;
/// assert_ne!(initial_state(1, 0), initial_state(0, 1));
/// ```
#[inline]
pub fn initial_state(seed: u64, id: u64) -> u128 {
    let a = mix64(seed ^ 0x005E_ED0F_9A4F_0B10);
    let hi = mix64(a ^ mix64(id));
    let lo = mix64(hi ^ 0x6A09_E667_F3BC_C909 ^ id.rotate_left(32));
    (u128::from(hi) << 64) | u128::from(lo)
}

/// The random stream of block (or task) `id` for `seed`.
///
/// ```
/// use rand::Rng;
/// let u: f64 = parfor_kernels::rng::stream(1, 0).random();
/// assert!((0.0..1.0).contains(&u));
/// ```
#[inline]
pub fn stream(seed: u64, id: u64) -> Pcg64 {
    Pcg64::new(initial_state(seed, id), u128::from(id))
}

/// A stream seen through a type tag `S` (a marker type of the call site).
///
/// `StandardNormal`'s sampler is a large function; LLVM inlines it reliably only where it has a
/// single caller. Wrapping the stream in `Tagged<S>` gives every call site (each kernel's serial
/// loop and parallel loop) its own copy of the sampler, so every one of them gets it inlined, and
/// a serial reference never runs a slower out-of-line sampler than its parallel kernel (or the
/// other way round). The numbers drawn are the stream's own: the tag changes only the code.
pub struct Tagged<'a, S>(&'a mut Pcg64, PhantomData<S>);

impl<S> RngCore for Tagged<'_, S> {
    #[inline(always)]
    fn next_u32(&mut self) -> u32 {
        self.0.next_u32()
    }
    #[inline(always)]
    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
    #[inline(always)]
    fn fill_bytes(&mut self, dst: &mut [u8]) {
        self.0.fill_bytes(dst)
    }
}

/// One standard normal from `rng` ([`rand_distr::StandardNormal`]), compiled separately for each
/// call-site tag `S` (see [`Tagged`]): give each loop its own marker type.
///
/// ```
/// enum Here {}
/// let mut a = parfor_kernels::rng::stream(1, 0);
/// let mut b = parfor_kernels::rng::stream(1, 0);
/// let z: f64 = rand::Rng::sample(&mut b, rand_distr::StandardNormal);
/// assert_eq!(parfor_kernels::rng::normal::<Here>(&mut a), z);
/// ```
#[inline(always)]
pub fn normal<S>(rng: &mut Pcg64) -> f64 {
    StandardNormal.sample(&mut Tagged::<S>(rng, PhantomData))
}

/// Fills `out` with standard normals from `rng`, in order (see [`normal`] for `S`).
///
/// ```
/// enum Here {}
/// let mut z = [0.0; 4];
/// parfor_kernels::rng::fill_normals::<Here>(&mut parfor_kernels::rng::stream(1, 0), &mut z);
/// assert!(z.iter().all(|x| x.abs() < 10.0));
/// ```
#[inline(always)]
pub fn fill_normals<S>(rng: &mut Pcg64, out: &mut [f64]) {
    for z in out {
        *z = normal::<S>(rng);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let draw = |seed, id| -> Vec<u64> {
            let mut r = stream(seed, id);
            (0..4).map(|_| r.random()).collect()
        };
        assert_eq!(draw(3, 5), draw(3, 5));
        assert_ne!(draw(3, 5), draw(3, 6));
        assert_ne!(draw(3, 5), draw(4, 5));
        assert_ne!(draw(0, 1), draw(1, 0));
    }

    #[test]
    fn neighbouring_streams_are_not_correlated() {
        // Correlation of the first 10,000 uniforms of streams 0 and 1: |r| < 5 / sqrt(n).
        let n = 10_000;
        let (mut a, mut b) = (stream(9, 0), stream(9, 1));
        let xs: Vec<(f64, f64)> = (0..n)
            .map(|_| (a.random::<f64>() - 0.5, b.random::<f64>() - 0.5))
            .collect();
        let sxy: f64 = xs.iter().map(|(x, y)| x * y).sum();
        let sxx: f64 = xs.iter().map(|(x, _)| x * x).sum();
        let syy: f64 = xs.iter().map(|(_, y)| y * y).sum();
        let r = sxy / (sxx * syy).sqrt();
        assert!(r.abs() < 5.0 / (n as f64).sqrt(), "r = {r}");
    }
}
