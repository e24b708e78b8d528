# Each kernel at small sizes against the expectations of kernels.md, determinism across thread
# counts and schedules of work, and the thread controls. Base R only.
library(parfor)

check <- function(label, ok) {
    if (!isTRUE(ok)) stop("FAILED: ", label, call. = FALSE)
    cat("ok   ", label, "\n")
}

# Doubles rounded to single precision and back (what a C float holds).
as_float <- function(x) readBin(writeBin(x, raw(), size = 4), "double", size = 4, n = length(x))

# The runtime's linspace: start + i * step, with the last point exactly `stop`.
linspace <- function(start, stop, n) {
    if (n == 1) return(start)
    x <- start + (0:(n - 1)) * ((stop - start) / (n - 1))
    x[n] <- stop
    x
}

seed <- 12345
cat("parfor", parfor_version(), "with", parfor_threads(), "threads\n")
check("parfor_threads() is a positive integer",
      is.integer(parfor_threads()) && length(parfor_threads()) == 1 && parfor_threads() >= 1)

# pi: within 5 standard errors.
n <- 400000
p <- parfor_pi(n, seed)
q <- pi / 4
check(sprintf("pi %.6f within 5 standard errors", p), abs(p - pi) < 5 * 4 * sqrt(q * (1 - q) / n))
check("pi: other seeds give other values", p != parfor_pi(n, seed + 1))

# weather: mean 72, std 5.7735 (stationary law).
runs <- 20000
w <- parfor_weather(runs, 100, seed)
sd_inf <- sqrt(25 / (1 - 1 / 4))
check("weather returns c(mean, std)", is.numeric(w) && identical(names(w), c("mean", "std")))
check(sprintf("weather mean %.4f within 5 SE of 72", w[["mean"]]),
      abs(w[["mean"]] - 72) < 5 * sd_inf / sqrt(runs))
check(sprintf("weather std %.4f within 5 SE of 5.7735", w[["std"]]),
      abs(w[["std"]] - sd_inf) < 5 * sd_inf / sqrt(2 * runs))
check("weather with 0 steps stays at 75", all(parfor_weather(10, 0, seed) == c(75, 0)))

# wealth: the full-size median is 1.834 with a seed-to-seed spread of 0.004 at 50,000 households;
# at 2,000 households the spread is about 0.004 * 5 = 0.02: 5 of those plus the 0.02 tolerance.
wm <- parfor_wealth(2000, 200, seed)
check(sprintf("wealth median %.4f near 1.834", wm), abs(wm - 1.834) < 0.12)

# roots: sqrt rounded to single precision, exactly; the input is 500 * U[0, 1).
x <- parfor_roots_input(100000, seed)
check("roots_input: length and range", length(x) == 100000 && all(x >= 0 & x < 500))
check("roots_input: reproducible", identical(x, parfor_roots_input(100000, seed)))
r <- parfor_roots(x)
check("roots == sqrt as single precision (bit-identical)", identical(r, as_float(sqrt(x))))
check("roots of integers", identical(parfor_roots(c(4L, 9L)), c(2, 3)))
check("roots of an empty vector", identical(parfor_roots(numeric(0)), numeric(0)))
check("roots_input of length 0", identical(parfor_roots_input(0, seed), numeric(0)))

# roots_sum: every element is the serial sum of sqrt(x[j]) in index order.
xs <- x[1:300]
s <- parfor_roots_sum(xs)
acc <- 0
for (v in sqrt(xs)) acc <- acc + v
check("roots_sum == the serial sum (bit-identical)", identical(s, rep(acc, length(xs))))
check("roots_sum of an empty vector", identical(parfor_roots_sum(numeric(0)), numeric(0)))

# grid_max: bit-identical to the R computation over the same grid.
grid_max_r <- function(n) {
    g <- linspace(-3, 3, n)
    r2 <- outer(g * g, g * g, "+")
    max(cos(r2) / (1 + r2))
}
for (n in c(1, 2, 200, 201, 333)) {
    check(sprintf("grid_max(%d) == R computation", n), identical(parfor_grid_max(n), grid_max_r(n)))
}
check("grid_max(201) == 1 (the grid holds the origin)", parfor_grid_max(201) == 1)

# mandelbrot: counts bit-identical to an R computation; total == sum of counts.
mandel_r <- function(width, height, max_iter) {
    cr <- rep(linspace(-2, 1, width), each = height)    # column-major: rows are imaginary parts
    ci <- rep(linspace(-1.5, 1.5, height), times = width)
    zr <- zi <- numeric(length(cr))
    k <- integer(length(cr))
    active <- rep(TRUE, length(cr))
    for (it in seq_len(max_iter)) {
        zr2 <- zr * zr
        zi2 <- zi * zi
        active <- active & !(zr2 + zi2 > 4)
        if (!any(active)) break
        nzi <- 2 * zr * zi + ci
        nzr <- zr2 - zi2 + cr
        zi[active] <- nzi[active]
        zr[active] <- nzr[active]
        k[active] <- k[active] + 1L
    }
    matrix(k, height, width)
}
m <- parfor_mandelbrot(64, 48, 200)
check("mandelbrot: list(x, y, z, total) as image() takes it",
      identical(names(m), c("x", "y", "z", "total")))
check("mandelbrot z: integer matrix width x height (rows along the real axis)",
      is.integer(m$z) && identical(dim(m$z), c(64L, 48L)))
check("mandelbrot x and y: the grid's real and imaginary parts",
      identical(m$x, linspace(-2, 1, 64)) && identical(m$y, linspace(-1.5, 1.5, 48)))
check("mandelbrot total == sum of counts", m$total == sum(m$z))
check("mandelbrot counts == R computation", identical(m$z, t(mandel_r(64, 48, 200))))
check("mandelbrot total only", identical(parfor_mandelbrot(64, 48, 200, counts = FALSE), m$total))
check("mandelbrot counts within 0..max_iter", all(m$z >= 0L & m$z <= 200L))
check("mandelbrot: z[i, j] is x[i] + y[j]i: -0.5 + 0i (inside) reaches max_iter, -2 - 1.5i escapes at once",
      m$z[which.min(abs(m$x + 0.5)), which.min(abs(m$y))] == 200L && m$z[1, 1] == 1L)

# bootstrap: every task and the summary within their tolerances.
tasks <- 2000
draws <- 400
b <- parfor_bootstrap(tasks, draws, seed)
check("bootstrap returns means, stds and the summary",
      identical(names(b), c("means", "stds", "summary")) &&
          identical(names(b$summary), c("mean_of_means", "mean_of_stds")) &&
          length(b$means) == tasks && length(b$stds) == tasks)
check("bootstrap: every task mean within 6/sqrt(n) of 0", all(abs(b$means) < 6 / sqrt(draws)))
check("bootstrap: every task std within 6/sqrt(2n) of 1", all(abs(b$stds - 1) < 6 / sqrt(2 * draws)))
check("bootstrap: mean of means within 5/sqrt(n p) of 0",
      abs(b$summary[["mean_of_means"]]) < 5 / sqrt(draws * tasks))
check("bootstrap: mean of stds within 5/sqrt(2 n p) of 1 - 3/(4n)",
      abs(b$summary[["mean_of_stds"]] - (1 - 3 / (4 * draws))) < 5 / sqrt(2 * draws * tasks))
check("bootstrap: the summary is the mean of the vectors",
      isTRUE(all.equal(b$summary, c(mean_of_means = mean(b$means), mean_of_stds = mean(b$stds)),
                       tolerance = 1e-12)))
bs <- parfor_bootstrap(tasks, draws, seed, summary_only = TRUE)
check("bootstrap summary_only: same summary", identical(bs, b$summary))

# Seeds: numeric and string forms agree; 64-bit strings work.
check("seed as string == seed as number", identical(parfor_pi(1000, "12345"), parfor_pi(1000, 12345)))
check("seed as integer == seed as number", identical(parfor_pi(1000, 12345L), parfor_pi(1000, 12345)))
check("64-bit string seeds work",
      is.finite(parfor_pi(1000, "18446744073709551615")) &&
          parfor_pi(1000, "18446744073709551615") != parfor_pi(1000, "18446744073709551614"))
check("seed 2^53 is accepted", is.finite(parfor_pi(1000, 2^53)))

# Same seed, same bits for 1 and 2 threads.
run_all <- function() list(
    pi = parfor_pi(300000, seed),
    weather = parfor_weather(5000, 50, seed),
    wealth = parfor_wealth(500, 100, seed),
    roots_input = parfor_roots_input(50000, seed),
    roots = parfor_roots(x),
    roots_sum = parfor_roots_sum(xs),
    grid_max = parfor_grid_max(250),
    bootstrap = parfor_bootstrap(500, 100, seed),
    mandelbrot = parfor_mandelbrot(50, 30, 100))
old <- parfor_set_threads(1)
check("parfor_set_threads returns the previous team size", is.integer(old) && old >= 1)
check("parfor_threads() after set_threads(1)", parfor_threads() == 1L)
one <- run_all()
parfor_set_threads(2)
check("parfor_threads() after set_threads(2)", parfor_threads() == 2L)
two <- run_all()
for (k in names(one)) check(sprintf("%s: 1 thread == 2 threads (bit-identical)", k),
                            identical(one[[k]], two[[k]]))
parfor_set_threads(old)
check("team size restored", parfor_threads() == old)

# The pool's threads block the asynchronous signals, so that R's handlers (SIGINT, SIGCHLD, ...)
# run on R's thread (Linux: /proc/self/task/*/status; thread names are parfor-N).
tasks <- list.files("/proc/self/task", full.names = TRUE)
if (length(tasks) > 0) {
    parfor_set_threads(2)
    invisible(parfor_pi(1e5, seed))
    blocked <- function(task, signal) {
        mask <- sub("^SigBlk:\\s*", "", grep("^SigBlk:", readLines(file.path(task, "status")), value = TRUE))
        bitwAnd(strtoi(substring(mask, nchar(mask) - 7), 16L), bitwShiftL(1L, signal - 1L)) != 0
    }
    workers <- tasks[startsWith(vapply(file.path(tasks, "comm"), readLines, ""), "parfor")]
    check(sprintf("the pool's %d worker thread(s) block SIGINT and SIGCHLD", length(workers)),
          length(workers) >= 1 && all(vapply(workers, blocked, TRUE, signal = 2L)) &&
              all(vapply(workers, blocked, TRUE, signal = tools::SIGCHLD)))
    parfor_set_threads(old)
}

# The default team in a fresh R process (the runtime reads the environment when it starts): at
# most 2 threads under R CMD check (_R_CHECK_LIMIT_CORES_) and with OMP_THREAD_LIMIT=2, whatever
# OMP_NUM_THREADS asks (3 here: the child's pool starts a third thread, which stays idle);
# OMP_NUM_THREADS itself is honoured below that.
rscript <- file.path(R.home("bin"), "Rscript")
libs <- paste(deparse(.libPaths()), collapse = "")
threads_with <- function(...) {
    out <- system2(rscript, c("--vanilla", "-e", shQuote(sprintf(
        ".libPaths(%s); cat(parfor::parfor_threads())", libs))), stdout = TRUE, env = c(...))
    paste(out, collapse = " ")
}
for (case in list(
    list(env = c("_R_CHECK_LIMIT_CORES_=TRUE", "OMP_NUM_THREADS=3"), want = "2"),
    list(env = c("_R_CHECK_LIMIT_CORES_=false", "OMP_THREAD_LIMIT=2", "OMP_NUM_THREADS=3"), want = "2"),
    list(env = c("OMP_NUM_THREADS=1"), want = "1"))) {
    got <- threads_with(case$env)
    check(sprintf("%s gives %s threads (got %s)", paste(case$env, collapse = " "), case$want, got),
          identical(got, case$want))
}

# The library writes nothing to stdout or stderr (CRAN's policy): every function in a fresh R
# process, whose output is captured.
quiet <- system2(rscript, c("--vanilla", "--slave", "-e", shQuote(sprintf(paste(
    ".libPaths(%s); suppressPackageStartupMessages(library(parfor)); parfor_set_threads(2);",
    "x <- parfor_roots_input(1000, 1); invisible(list(parfor_pi(1e5), parfor_wealth(100, 10),",
    "parfor_weather(100, 10), parfor_roots(x), parfor_roots_sum(x), parfor_grid_max(50),",
    "parfor_bootstrap(10, 10), parfor_mandelbrot(20, 10, 50), parfor_threads(), parfor_version()));",
    "try(parfor_pi(-1), silent = TRUE)"), libs))), stdout = TRUE, stderr = TRUE)
check(sprintf("no output from the library (got %d lines)", length(quiet)), length(quiet) == 0)

# The runtime's start-up messages reach R, not stderr: a bad PARFOR_SPIN_COUNT is an R warning and
# parfor's OMP_DISPLAY_ENV report goes to R's message stream (where sink() catches it); nothing of
# parfor's is on the child's stderr or stdout before that. (R's own OpenMP runtime, libgomp, prints
# its OMP_DISPLAY_ENV report to stderr too: that is R's, and allowed here.)
started <- system2(rscript, c("--vanilla", "--slave", "-e", shQuote(sprintf(paste(
    ".libPaths(%s); suppressPackageStartupMessages(library(parfor));",
    "log <- textConnection('msgs', 'w'); sink(log, type = 'message'); w <- character();",
    "invisible(withCallingHandlers(parfor_threads(), warning = function(x) {",
    "w <<- c(w, conditionMessage(x)); invokeRestart('muffleWarning') }));",
    "sink(type = 'message'); close(log);",
    "cat('WARNINGS', w, sep = '\\n'); cat('MESSAGES', msgs, sep = '\\n')"), libs))),
    stdout = TRUE, stderr = TRUE,
    env = c("PARFOR_SPIN_COUNT=abc", "OMP_DISPLAY_ENV=true", "OMP_NUM_THREADS=1"))
warn_at <- match("WARNINGS", started)
msg_at <- match("MESSAGES", started)
routed <- !is.na(warn_at) && !is.na(msg_at) && msg_at == warn_at + 2 &&
          !any(grepl("parfor", started[seq_len(warn_at - 1)], ignore.case = TRUE)) &&
          grepl("^parfor: PARFOR_SPIN_COUNT='abc'", started[warn_at + 1]) &&
          any(grepl("PARFOR DISPLAY ENVIRONMENT BEGIN", started[-seq_len(msg_at)]))
check(paste("start-up warnings become R warnings, the report goes to R's messages",
            if (!routed) paste("(got:", paste(started, collapse = " | "), ")")), routed)

cat("kernels.R: all checks passed\n")
