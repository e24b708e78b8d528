# Long kernels stop on a user interrupt: the R session survives and the next call works.
# (1) R's elapsed-time limit, which R checks where it checks for Ctrl-C; (2) a real SIGINT, as
# Ctrl-C sends it, to a child Rscript running a long kernel; (3) a size that cannot run to the end
# (pi of 10^15 points: hours of work, or more memory than the machine has) gives an R error or
# stops at the time limit, never ends the session. Each long call would take minutes without the
# interrupt; the checks bound the time it may take to stop.
library(parfor)
parfor_set_threads(2)
long_pi <- 1e11  # about 10 minutes on 2 threads

check <- function(label, ok) {
    if (!isTRUE(ok)) stop("FAILED: ", label, call. = FALSE)
    cat("ok   ", label, "\n")
}

stop_after <- function(seconds, expr) {
    started <- Sys.time()
    setTimeLimit(elapsed = seconds, transient = TRUE)
    on.exit(setTimeLimit(elapsed = Inf))
    msg <- tryCatch({ force(expr); "finished" }, error = function(e) conditionMessage(e))
    list(msg = msg, secs = as.numeric(difftime(Sys.time(), started, units = "secs")))
}

# (1) setTimeLimit, with each kernel that loops long enough.
long_calls <- list(
    pi = quote(parfor_pi(long_pi, 1)),
    wealth = quote(parfor_wealth(1e6, 1e5, 1)),
    weather = quote(parfor_weather(1e9, 1000, 1)),
    grid_max = quote(parfor_grid_max(1e6)),
    bootstrap = quote(parfor_bootstrap(1e7, 1e5, 1, summary_only = TRUE)),
    mandelbrot = quote(parfor_mandelbrot(30000, 30000, 1e5, counts = FALSE)),
    roots_sum = quote(parfor_roots_sum(runif(3e5))))
for (name in names(long_calls)) {
    r <- stop_after(1, eval(long_calls[[name]]))
    check(sprintf("%s stopped by the elapsed-time limit after %.1f s (\"%s\")", name, r$secs, r$msg),
          grepl("elapsed time limit", r$msg) && r$secs < 20)
    check(sprintf("the next call works after %s", name), abs(parfor_pi(1e5, 1) - pi) < 0.05)
}

# (2) SIGINT to a child Rscript: tryCatch(interrupt = ) sees it, then the child goes on.
out <- tempfile("parfor-sigint-")
child <- tempfile("parfor-sigint-", fileext = ".R")
writeLines(c(
    sprintf(".libPaths(%s)", paste(deparse(.libPaths()), collapse = "")),
    "library(parfor)",
    "parfor_set_threads(2)",
    sprintf("out <- %s", deparse(out)),
    "cat(Sys.getpid(), '\\n', file = out)",
    sprintf("r <- tryCatch(parfor_pi(%.0f, 1), interrupt = function(e) 'INTERRUPTED')", long_pi),
    "cat(r, '\\n', file = out, append = TRUE)",
    "cat('NEXT', parfor_pi(1e5, 1), '\\n', file = out, append = TRUE)"), child)
system2(file.path(R.home("bin"), "Rscript"), c("--vanilla", child), wait = FALSE)
wait_for <- function(pattern, seconds) {
    deadline <- Sys.time() + seconds
    while (Sys.time() < deadline) {
        lines <- if (file.exists(out)) readLines(out, warn = FALSE) else character()
        if (any(grepl(pattern, lines))) return(lines)
        Sys.sleep(0.1)
    }
    stop("timed out waiting for '", pattern, "' in the child's output: ", paste(lines, collapse = " | "))
}
pid <- as.integer(wait_for("^[0-9]+", 60)[1])
Sys.sleep(1.5)  # the child is inside parfor_pi now (it takes minutes)
sent <- Sys.time()
tools::pskill(pid, tools::SIGINT)
lines <- wait_for("^NEXT", 30)
secs <- as.numeric(difftime(Sys.time(), sent, units = "secs"))
check(sprintf("SIGINT stopped the child's kernel (%.1f s): %s", secs, paste(lines[-1], collapse = " | ")),
      any(grepl("^INTERRUPTED", lines)))
next_pi <- as.numeric(sub("^NEXT ", "", grep("^NEXT", lines, value = TRUE)))
check("the child's next call works", abs(next_pi - pi) < 0.05)

# (3) A size that cannot run to the end in this session.
r <- stop_after(2, parfor_pi(1e15, 1))
check(sprintf("parfor_pi(1e15) is an R error, not a crash (\"%s\", %.1f s)", r$msg, r$secs),
      grepl("elapsed time limit|cannot allocate", r$msg) && r$secs < 20)
check("the session goes on", abs(parfor_pi(1e5, 1) - pi) < 0.05)

cat("interrupts.R: all checks passed\n")
