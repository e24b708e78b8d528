# R wrappers over the .Call glue in src/parfor_r.c. Arguments are checked in C (type, NA/NaN,
# range, whole numbers), so that a direct .Call is as safe as these functions.

# Seeds default to 20240601, the default seed of the `parfor run` CLI.

# Integer vectors are accepted where numeric vectors are expected.
.as_numeric_vector <- function(x) {
    if (is.integer(x) && !is.factor(x)) storage.mode(x) <- "double"
    x
}

parfor_pi <- function(n = 1e8, seed = 20240601) {
    .Call(pf_pi, n, seed)
}

parfor_wealth <- function(households = 50000, steps = 1000, seed = 20240601) {
    .Call(pf_wealth, households, steps, seed)
}

parfor_weather <- function(runs = 5e6, steps = 100, seed = 20240601) {
    .Call(pf_weather, runs, steps, seed)
}

parfor_roots_input <- function(n = 1e7, seed = 20240601) {
    .Call(pf_roots_input, n, seed)
}

parfor_roots <- function(x) {
    .Call(pf_roots, .as_numeric_vector(x))
}

parfor_roots_sum <- function(x) {
    .Call(pf_roots_sum, .as_numeric_vector(x))
}

parfor_grid_max <- function(n = 5000) {
    .Call(pf_grid_max, n)
}

parfor_bootstrap <- function(tasks = 1e5, draws = 1000, seed = 20240601,
                             summary_only = FALSE) {
    .Call(pf_bootstrap, tasks, draws, seed, summary_only)
}

# The grid points of mandelbrot's axes, as the kernel computes them (NumPy's linspace: the last
# point is exactly `to`).
.linspace <- function(from, to, n) {
    if (n == 1) return(from)
    x <- from + (seq_len(n) - 1) * ((to - from) / (n - 1))
    x[n] <- to
    x
}

parfor_mandelbrot <- function(width = 2000, height = width, max_iter = 1000, counts = TRUE) {
    res <- .Call(pf_mandelbrot, width, height, max_iter, counts)
    if (!counts) return(res)
    list(x = .linspace(-2, 1, width), y = .linspace(-1.5, 1.5, height), z = res$z,
         total = res$total)
}

parfor_threads <- function() {
    .Call(pf_threads)
}

parfor_set_threads <- function(n) {
    if (missing(n)) stop("parfor_set_threads: 'n' is missing")
    invisible(.Call(pf_set_threads, n))
}

parfor_version <- function() {
    .Call(pf_version)
}
