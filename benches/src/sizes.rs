//! Bench sizes: roughly 50-300 ms per serial iteration on the 2-core bench machine, named in
//! every bench id (`pi/n=...`). The full sizes of shared/kernels.md take seconds serially; these
//! keep the suite within minutes while every parallel loop still has thousands of blocks or rows.

use parfor_kernels::{bootstrap, grid_max, mandelbrot, pi, roots, roots_sum, wealth, weather};

/// pi: points.
pub fn pi() -> pi::Params {
    pi::Params { n: 30_000_000 }
}

/// wealth: households x steps.
pub fn wealth() -> wealth::Params {
    wealth::Params {
        households: 10_000,
        steps: 1000,
        ..wealth::Params::default()
    }
}

/// weather: runs x steps.
pub fn weather() -> weather::Params {
    weather::Params {
        runs: 300_000,
        ..weather::Params::default()
    }
}

/// roots: elements (three times the full size: the full size takes ~16 ms, too short to time
/// a memory-bound loop well).
pub fn roots() -> roots::Params {
    roots::Params { n: 30_000_000 }
}

/// roots_sum: elements (O(n^2) square roots).
pub fn roots_sum() -> roots_sum::Params {
    roots_sum::Params { n: 10_000 }
}

/// grid_max: points per axis.
pub fn grid_max() -> grid_max::Params {
    grid_max::Params { n: 3000 }
}

/// bootstrap: tasks x draws.
pub fn bootstrap() -> bootstrap::Params {
    bootstrap::Params {
        tasks: 20_000,
        draws: 1000,
    }
}

/// mandelbrot: width x height, max iterations.
pub fn mandelbrot() -> mandelbrot::Params {
    mandelbrot::Params {
        width: 500,
        height: 500,
        max_iter: 1000,
    }
}

/// The bench id's size part of every kernel, e.g. `n=20000000`.
pub fn label(kernel: &str) -> String {
    match kernel {
        "pi" => format!("n={}", pi().n),
        "wealth" => format!("{}x{}", wealth().households, wealth().steps),
        "weather" => format!("{}x{}", weather().runs, weather().steps),
        "roots" => format!("n={}", roots().n),
        "roots_sum" => format!("n={}", roots_sum().n),
        "grid_max" => format!("{0}x{0}", grid_max().n),
        "bootstrap" => format!("{}x{}", bootstrap().tasks, bootstrap().draws),
        "mandelbrot" => {
            let m = mandelbrot();
            format!("{}x{}i{}", m.width, m.height, m.max_iter)
        }
        other => panic!("unknown kernel {other}"),
    }
}

/// The eight kernels, in the suite's order.
pub const KERNELS: [&str; 8] = [
    "pi",
    "wealth",
    "weather",
    "roots",
    "roots_sum",
    "grid_max",
    "bootstrap",
    "mandelbrot",
];
