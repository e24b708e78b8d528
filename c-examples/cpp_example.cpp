// cpp_example.cpp: parfor from C++ through the header-only parfor.hpp.
//
//   make cpp_example && LD_LIBRARY_PATH=../target/release ./cpp_example
#include <atomic>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "parfor.hpp"

int main() {
    const int64_t n = 1000000;
    std::vector<double> roots(n);
    parfor::parallel_for(0, n, [&](int64_t i) { roots[i] = std::sqrt(double(i)); }, parfor::schedule_dynamic(4096));
    double sum = parfor::parallel_reduce(0, n, parfor::sum, [&](int64_t i) { return roots[i]; });
    double serial = 0;
    for (double r : roots) serial += r;
    double top = parfor::parallel_reduce(0, n, parfor::max, [&](int64_t i) { return roots[i]; });

    // Chunked form: the lambda takes (begin, end).
    std::vector<int> owner(n, -1);
    parfor::parallel_for(0, n, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) owner[i] = parfor::thread_num();
    });
    bool covered = true;
    for (int o : owner) covered = covered && o >= 0 && o < parfor::num_threads();

    // An exception in the lambda is rethrown here, after the loop, not through the runtime.
    bool caught = false;
    try {
        parfor::parallel_for(0, 1000, [](int64_t i) {
            if (i == 500) throw std::runtime_error("iteration 500 failed");
        }, parfor::schedule_dynamic(10));
    } catch (const std::runtime_error &e) {
        caught = std::string(e.what()) == "iteration 500 failed";
    }
    // And a bad argument comes back as parfor::error.
    bool refused = false;
    try {
        parfor::parallel_for(0, 10, [](int64_t) {}, parfor_schedule{42, 0});
    } catch (const parfor::error &e) {
        refused = e.status() == PARFOR_ERR_INVALID;
    }
    double again = parfor::parallel_reduce(0, 100, parfor::sum, [](int64_t i) { return double(i); });

    // A region with team constructs; an exception thrown on one thread stops it (the others'
    // barriers throw) and reaches the caller.
    std::vector<int> hits(1000, 0);
    long guarded = 0;
    int singles = 0, team = 0;
    parfor::parallel([&] {
        parfor::for_each(0, 1000, [&](int64_t i) { hits[i]++; }, parfor::schedule_dynamic(7));
        parfor::single([&] { singles++; team = parfor::team_threads(); });
        parfor::critical([&] { guarded++; });
    });
    bool region_ok = singles == 1 && guarded == team;
    for (int h : hits) region_ok = region_ok && h == 1;
    bool region_caught = false;
    try {
        parfor::parallel([&] {
            if (parfor::thread_num() == 0) throw std::runtime_error("thread 0 failed");
            parfor::barrier();
        });
    } catch (const std::runtime_error &e) {
        region_caught = std::string(e.what()) == "thread 0 failed";
    }

    // Tasks: lambdas copied into tasks that any thread may run; a taskgroup waits for them and
    // their descendants; an exception thrown by a task reaches the caller of the region.
    std::vector<std::atomic<int>> runs(500);
    parfor::parallel([&] {
        parfor::single([&] {
            parfor::taskgroup([&] {
                for (auto &r : runs) parfor::task([&r] { parfor::task([&r] { r++; }); });
            });
        });
    });
    bool tasks_ok = true;
    for (auto &r : runs) tasks_ok = tasks_ok && r.load() == 1;
    long digits = 0;
    parfor::parallel([&] {
        parfor::single([&] {
            parfor_depend inout{PARFOR_DEP_INOUT, uintptr_t(&digits)};
            for (int d = 1; d <= 3; d++) parfor::task_depend({inout}, [&digits, d] { digits = digits * 10 + d; });
        });
    });
    tasks_ok = tasks_ok && digits == 123;
    bool task_caught = false;
    try {
        parfor::parallel([&] {
            parfor::single([&] { parfor::task([] { throw std::runtime_error("task failed"); }); });
        });
    } catch (const std::runtime_error &e) {
        task_caught = std::string(e.what()) == "task failed";
    }
    try {
        parfor::task([] { throw std::runtime_error("outside"); });  // outside a region: at once
        task_caught = false;
    } catch (const std::runtime_error &e) {
        task_caught = task_caught && std::string(e.what()) == "outside";
    }

    std::printf("threads=%d sum=%.6f serial=%.6f max=%.6f\n", parfor::num_threads(), sum, serial, top);
    bool ok = std::fabs(sum - serial) < 1e-6 * serial && top == std::sqrt(double(n - 1)) && covered && caught &&
              refused && again == 4950.0 && region_ok && region_caught &&
              tasks_ok && task_caught;
    std::puts(ok ? "cpp_example: OK" : "cpp_example: WRONG");
    return ok ? 0 : 1;
}
