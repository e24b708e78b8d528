//! The eight kernels written the way a rayon user writes them (`into_par_iter`, `par_iter_mut`,
//! `par_chunks_mut`, `map`/`sum`/`reduce`/`collect`), calling the same per-block and per-task
//! functions of parfor-kernels as parfor's versions: the same blocks, streams and arithmetic, so
//! the results are bit-identical (benches/tests/rayon_matches.rs); only the parallel loop differs.

use parfor_kernels::{bootstrap, grid_max, mandelbrot, pi, roots_sum, wealth, weather};
use rayon::prelude::*;

/// pi: a parallel sum of per-block hit counts.
pub fn pi(p: pi::Params, seed: u64) -> f64 {
    let hits: u64 = (0..pi::num_blocks(p))
        .into_par_iter()
        .map(|b| pi::block_hits(p, seed, b))
        .sum();
    4.0 * hits as f64 / p.n as f64
}

/// wealth: a parallel map over households, collected, then the median.
pub fn wealth(p: wealth::Params, seed: u64) -> f64 {
    let mut w: Vec<f64> = (0..p.households)
        .into_par_iter()
        .map(|h| wealth::household(p, seed, h))
        .collect();
    wealth::median(&mut w)
}

/// weather: per-block moments collected in order, merged in block order.
pub fn weather(p: weather::Params, seed: u64) -> weather::WeatherStats {
    let per_block: Vec<weather::Moments> = (0..weather::num_blocks(p))
        .into_par_iter()
        .map(|b| weather::block_moments(p, seed, b))
        .collect();
    per_block
        .iter()
        .fold(weather::Moments::default(), |acc, m| acc.merge(m))
        .stats()
}

/// roots: a zipped elementwise map.
pub fn roots(x: &[f64], out: &mut [f32]) {
    out.par_iter_mut()
        .zip(x.par_iter())
        .for_each(|(o, v)| *o = v.sqrt() as f32);
}

/// roots_sum: a parallel map over the outputs.
pub fn roots_sum(x: &[f64], out: &mut [f64]) {
    out.par_iter_mut()
        .for_each(|o| *o = roots_sum::sum_of_roots(x));
}

/// grid_max: the grid computed once, then a max reduction over its rows.
pub fn grid_max(p: grid_max::Params) -> f64 {
    let xs = grid_max::grid(p);
    xs.par_iter()
        .map(|&x| grid_max::row_max(x, &xs))
        .reduce(|| f64::NEG_INFINITY, grid_max::larger)
}

/// bootstrap: per-task statistics with a scratch buffer per worker (`map_init`), unzipped into the
/// means and stds, then the summary.
pub fn bootstrap(
    p: bootstrap::Params,
    seed: u64,
    means: &mut [f64],
    stds: &mut [f64],
) -> bootstrap::Summary {
    means
        .par_iter_mut()
        .zip(stds.par_iter_mut())
        .enumerate()
        .for_each_init(Vec::new, |buf, (k, (m, s))| {
            let t = bootstrap::task(p, seed, k as u64, buf);
            *m = t.mean;
            *s = t.std;
        });
    bootstrap::Summary::from_tasks(means, stds)
}

/// mandelbrot: one row per item of `par_chunks_mut`, row totals summed.
pub fn mandelbrot(p: mandelbrot::Params, counts: &mut [u32]) -> u64 {
    counts
        .par_chunks_mut(p.width as usize)
        .enumerate()
        .map(|(py, row)| mandelbrot::row(p, py as u64, row))
        .sum()
}
