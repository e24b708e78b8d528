// parfor.hpp: a header-only C++17 convenience layer over the C ABI in parfor.h.
//
//   #include "parfor.hpp"
//   std::vector<double> y(n);
//   parfor::parallel_for(0, n, [&](int64_t i) { y[i] = std::sqrt(double(i)); });
//   double s = parfor::parallel_reduce(0, n, parfor::sum, [&](int64_t i) { return y[i]; });
//
// An exception thrown by a lambda never unwinds through the Rust runtime: the trampoline catches
// it, the other threads stop taking new work, and the first exception is rethrown on the caller
// after the loop. A failing status from the C ABI is thrown as parfor::error.
#ifndef PARFOR_HPP
#define PARFOR_HPP

#include "parfor.h"

#include <atomic>
#include <cmath>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace parfor {

/// A status other than PARFOR_OK, with its message and what was wrong (parfor_last_error(),
/// read on the thread whose call failed).
class error : public std::runtime_error {
public:
    explicit error(int status)
        : std::runtime_error(std::string("parfor: ") + parfor_status_message(status) + ": " + parfor_last_error()),
          status_(status) {}
    int status() const noexcept { return status_; }

private:
    int status_;
};

/// Throws parfor::error unless status is PARFOR_OK.
inline void check(int status) {
    if (status != PARFOR_OK) throw error(status);
}

/// Schedules: parfor::schedule_static(), parfor::schedule_dynamic(64), ...
inline parfor_schedule schedule_static(int64_t chunk = 0) { return parfor_schedule{PARFOR_STATIC, chunk}; }
inline parfor_schedule schedule_dynamic(int64_t chunk = 1) { return parfor_schedule{PARFOR_DYNAMIC, chunk}; }
inline parfor_schedule schedule_guided(int64_t chunk = 1) { return parfor_schedule{PARFOR_GUIDED, chunk}; }
inline parfor_schedule schedule_runtime() { return parfor_schedule{PARFOR_RUNTIME, 0}; }
inline parfor_schedule schedule_auto() { return parfor_schedule{PARFOR_AUTO, 0}; }

/// Reduction operators for parallel_reduce.
enum reduction : int32_t { sum = PARFOR_SUM, prod = PARFOR_PROD, min = PARFOR_MIN, max = PARFOR_MAX };

inline void set_num_threads(int n) { check(parfor_set_num_threads(n)); }
inline int num_threads() noexcept { return parfor_get_num_threads(); }
inline int thread_num() noexcept { return parfor_get_thread_num(); }

namespace detail {

// What the trampolines share: the user's callable and the first exception thrown.
template <class F>
struct loop_context {
    F *f;
    std::atomic<bool> failed{false};
    std::mutex lock;
    std::exception_ptr first;

    void capture() noexcept {
        std::lock_guard<std::mutex> guard(lock);
        if (!first) first = std::current_exception();
        failed.store(true, std::memory_order_relaxed);
    }
    void rethrow() {
        if (first) std::rethrow_exception(first);
    }
};

template <class F>
void trampoline(int64_t begin, int64_t end, void *ctx) noexcept {
    auto *c = static_cast<loop_context<F> *>(ctx);
    if (c->failed.load(std::memory_order_relaxed)) return;  // stop taking work after a throw
    try {
        if constexpr (std::is_invocable_v<F &, int64_t, int64_t>) {
            (*c->f)(begin, end);
        } else {
            for (int64_t i = begin; i < end; ++i) (*c->f)(i);
        }
    } catch (...) {
        c->capture();
    }
}

// The operators of parfor_parallel_reduce_f64, applied within one chunk.
inline double combine(int32_t op, double a, double b) noexcept {
    switch (op) {
        case PARFOR_SUM: return a + b;
        case PARFOR_PROD: return a * b;
        case PARFOR_MIN: return std::fmin(a, b);
        default: return std::fmax(a, b);
    }
}

inline double identity(int32_t op) noexcept {
    switch (op) {
        case PARFOR_SUM: return 0.0;
        case PARFOR_PROD: return 1.0;
        case PARFOR_MIN: return std::numeric_limits<double>::infinity();
        default: return -std::numeric_limits<double>::infinity();
    }
}

template <class F>
struct reduce_context : loop_context<F> {
    int32_t op;
};

template <class F>
double reduce_trampoline(int64_t begin, int64_t end, void *ctx) noexcept {
    auto *c = static_cast<reduce_context<F> *>(ctx);
    double acc = identity(c->op);
    if (c->failed.load(std::memory_order_relaxed)) return acc;
    try {
        for (int64_t i = begin; i < end; ++i) acc = combine(c->op, acc, (*c->f)(i));
    } catch (...) {
        c->capture();
    }
    return acc;
}

// A region body: runs the lambda; an exception stops the region and is kept for the caller.
template <class F>
void region_trampoline(void *ctx) noexcept {
    auto *c = static_cast<loop_context<F> *>(ctx);
    try {
        (*c->f)();
    } catch (...) {
        c->capture();
        parfor_stop_region();
    }
}

template <class F>
void block_trampoline(void *ctx) noexcept {
    auto *c = static_cast<loop_context<F> *>(ctx);
    try {
        (*c->f)();
    } catch (...) {
        c->capture();
    }
}

// The first exception that escaped a task, rethrown by parfor::parallel after its region.
inline std::mutex task_failure_lock;
inline std::exception_ptr task_failure;

// A task: runs the heap copy of the lambda once and frees it; an exception stops the region and
// is kept for parfor::parallel.
template <class F>
void task_trampoline(void *ctx) noexcept {
    F *f = static_cast<F *>(ctx);
    try {
        (*f)();
    } catch (...) {
        {
            std::lock_guard<std::mutex> guard(task_failure_lock);
            if (!task_failure) task_failure = std::current_exception();
        }
        parfor_stop_region();
    }
    delete f;
}

inline void rethrow_task_failure() {
    std::exception_ptr failure;
    {
        std::lock_guard<std::mutex> guard(task_failure_lock);
        std::swap(failure, task_failure);
    }
    if (failure) std::rethrow_exception(failure);
}

}  // namespace detail

/// Runs f() on every thread of a team (num_threads threads, or the default when 0); inside,
/// parfor::thread_num() and parfor::team_threads() tell each thread its place, and the team
/// constructs below may be used. An exception thrown by f on any thread stops the region (the
/// others' barriers throw parfor::error) and the first one is rethrown here.
template <class F>
void parallel(F &&f, int num_threads = 0) {
    using Fn = std::remove_reference_t<F>;
    detail::loop_context<Fn> ctx;
    ctx.f = &f;
    int status = parfor_parallel(num_threads, &detail::region_trampoline<Fn>, &ctx);
    detail::rethrow_task_failure();  // the cause of any stop the region's own exception reports
    ctx.rethrow();
    check(status);
}

/// The size of the calling thread's team (1 outside a region).
inline int team_threads() noexcept { return parfor_get_team_num_threads(); }

/// Waits for every thread of the team.
inline void barrier() { check(parfor_barrier()); }

/// Runs f() on one thread of the team, then a barrier.
template <class F>
void single(F &&f) {
    int selected = 0;
    check(parfor_single(&selected));
    if (selected) f();
    barrier();
}

/// Runs f() while no other thread runs a critical section of the same name (nullptr: unnamed).
template <class F>
void critical(F &&f, const char *name = nullptr) {
    using Fn = std::remove_reference_t<F>;
    detail::loop_context<Fn> ctx;
    ctx.f = &f;
    int status = parfor_critical(name, &detail::block_trampoline<Fn>, &ctx);
    ctx.rethrow();
    check(status);
}

/// A worksharing loop inside parfor::parallel: the team shares [begin, end); f(i) or f(b, e) as
/// in parallel_for; a barrier at the end unless nowait.
template <class F>
void for_each(int64_t begin, int64_t end, F &&f, parfor_schedule schedule = schedule_static(),
              bool nowait = false) {
    using Fn = std::remove_reference_t<F>;
    detail::loop_context<Fn> ctx;
    ctx.f = &f;
    int status = parfor_for(begin, end, schedule, nowait ? PARFOR_NOWAIT : 0, &detail::trampoline<Fn>, &ctx);
    ctx.rethrow();
    check(status);
}

/// Runs f(i) for every i in [begin, end) on parfor's team. If f takes (int64_t b, int64_t e), it
/// gets whole chunks instead. Rethrows the first exception thrown by f.
template <class F>
void parallel_for(int64_t begin, int64_t end, F &&f, parfor_schedule schedule = schedule_static()) {
    using Fn = std::remove_reference_t<F>;
    detail::loop_context<Fn> ctx;
    ctx.f = &f;
    int status = parfor_parallel_for(begin, end, schedule, &detail::trampoline<Fn>, &ctx);
    ctx.rethrow();
    check(status);
}

/// Reduces f(i) over [begin, end) with op (parfor::sum, prod, min, max). Rethrows the first
/// exception thrown by f.
template <class F>
double parallel_reduce(int64_t begin, int64_t end, reduction op, F &&f,
                       parfor_schedule schedule = schedule_static()) {
    using Fn = std::remove_reference_t<F>;
    detail::reduce_context<Fn> ctx;
    ctx.f = &f;
    ctx.op = op;
    double out = 0.0;
    int status = parfor_parallel_reduce_f64(begin, end, schedule, op, &detail::reduce_trampoline<Fn>, &ctx, &out);
    ctx.rethrow();
    check(status);
    return out;
}

/// Spawns a copy of f as a task ordered after its sibling tasks as deps say (see
/// parfor_task_depend): e.g. task_depend({{PARFOR_DEP_OUT, uintptr_t(&x)}}, [&] { x = 1; }).
template <class F>
void task_depend(std::initializer_list<parfor_depend> deps, F &&f, int flags = 0) {
    if (!parfor_in_parallel()) {
        f();
        return;
    }
    using Fn = std::decay_t<F>;
    Fn *copy = new Fn(std::forward<F>(f));
    int status = parfor_task_depend(&detail::task_trampoline<Fn>, copy, flags, deps.begin(),
                                    int64_t(deps.size()));
    if (status != PARFOR_OK) {
        delete copy;
        check(status);
    }
}

/// Spawns a copy of f as a task: some thread of the team runs f() once, by the next barrier or
/// the end of the region (flags: 0, PARFOR_TASK_UNDEFERRED, PARFOR_TASK_FINAL). Capture by
/// reference only what outlives the task (wait with taskwait() or taskgroup()). An exception
/// thrown by a task stops the region and is rethrown by parfor::parallel. Outside a region f()
/// runs at once, and its exception reaches the caller.
template <class F>
void task(F &&f, int flags = 0) {
    task_depend({}, std::forward<F>(f), flags);
}

/// Waits until the tasks the current task spawned have finished.
inline void taskwait() { check(parfor_taskwait()); }

/// Lets the calling thread run a queued task.
inline void taskyield() { check(parfor_taskyield()); }

/// Runs f(), then waits until every task spawned inside it, and their descendants, have finished.
template <class F>
void taskgroup(F &&f) {
    check(parfor_taskgroup_begin());
    try {
        f();
    } catch (...) {
        parfor_taskgroup_end();
        throw;
    }
    check(parfor_taskgroup_end());
}

}  // namespace parfor

#endif  // PARFOR_HPP
