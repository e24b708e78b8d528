//! The rayon versions compute the same algorithm as parfor's: bit-identical results at small sizes.

use parfor_benches::rayon_kernels as rk;
use parfor_kernels::{bootstrap, grid_max, mandelbrot, pi, roots, roots_sum, wealth, weather};

const SEED: u64 = 7;

#[test]
fn rayon_versions_match_the_serial_references() {
    let p = pi::Params { n: 200_001 };
    assert_eq!(rk::pi(p, SEED).to_bits(), pi::serial(p, SEED).to_bits());

    let p = wealth::Params {
        households: 777,
        steps: 50,
        ..Default::default()
    };
    assert_eq!(
        rk::wealth(p, SEED).to_bits(),
        wealth::serial(p, SEED).to_bits()
    );

    let p = weather::Params {
        runs: 3333,
        ..Default::default()
    };
    assert_eq!(rk::weather(p, SEED), weather::serial(p, SEED));

    let x = roots::input(roots::Params { n: 40_000 }, SEED);
    let (mut a, mut b) = (vec![0.0f32; x.len()], vec![0.0f32; x.len()]);
    roots::serial(&x, &mut a);
    rk::roots(&x, &mut b);
    assert_eq!(a, b);

    let x = roots::input(roots::Params { n: 500 }, SEED);
    let (mut a, mut b) = (vec![0.0; 500], vec![0.0; 500]);
    roots_sum::serial(&x, &mut a);
    rk::roots_sum(&x, &mut b);
    assert_eq!(a, b);

    let p = grid_max::Params { n: 333 };
    assert_eq!(rk::grid_max(p).to_bits(), grid_max::serial(p).to_bits());

    let p = bootstrap::Params {
        tasks: 200,
        draws: 300,
    };
    let (mut m, mut s) = (vec![0.0; 200], vec![0.0; 200]);
    let (mut mr, mut sr) = (vec![0.0; 200], vec![0.0; 200]);
    let want = bootstrap::serial_fill(p, SEED, &mut m, &mut s);
    assert_eq!(rk::bootstrap(p, SEED, &mut mr, &mut sr), want);
    assert_eq!((m, s), (mr, sr));

    let p = mandelbrot::Params {
        width: 90,
        height: 70,
        max_iter: 300,
    };
    let (mut a, mut b) = (vec![0u32; p.pixels()], vec![0u32; p.pixels()]);
    assert_eq!(
        mandelbrot::serial_counts(p, &mut a),
        rk::mandelbrot(p, &mut b)
    );
    assert_eq!(a, b);
}
