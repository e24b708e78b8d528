/* Every construct gcc emits runtime calls for, checked on the team the environment asks for
 * (OMP_NUM_THREADS): barrier phases, worksharing loops of every schedule in long and unsigned
 * long long, nowait chains, ordered, sections, single, copyprivate, critical, atomic on long
 * double, tasks, nested region queries. Prints "constructs: OK" on success. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

#define N 1000
#define CHECK(c) do { if (!(c)) { printf("FAILED line %d: %s\n", __LINE__, #c); exit(1); } } while (0)

static int hits[N];

static void loops(void) {
    long sum = 0;
    unsigned long long usum = 0;
#pragma omp parallel reduction(+ : sum, usum)
    {
#pragma omp for schedule(dynamic, 3) nowait
        for (long i = 0; i < N; i++) sum += i;
#pragma omp for schedule(guided, 2) nowait
        for (long i = N; i > 0; i -= 2) sum += i;
#pragma omp for schedule(runtime)
        for (unsigned long long i = 0; i < N; i += 5) usum += i;
#pragma omp for schedule(nonmonotonic : dynamic)
        for (int i = 0; i < N; i++) hits[i]++;
#pragma omp for schedule(static, 7)
        for (unsigned long long i = N; i > 0; i--) usum += 1;
    }
    CHECK(sum == 499500L + 250500L);
    CHECK(usum == 99500ULL + N);
    for (int i = 0; i < N; i++) CHECK(hits[i] == 1);
}

static void ordered_and_sections(void) {
    int next = 0, bad = 0, sections = 0;
#pragma omp parallel for ordered schedule(dynamic, 1) reduction(+ : bad)
    for (int i = 0; i < 200; i++) {
#pragma omp ordered
        {
            bad += next != i;
            next = i + 1;
        }
    }
    CHECK(bad == 0 && next == 200);
#pragma omp parallel sections reduction(+ : sections)
    {
#pragma omp section
        sections += 1;
#pragma omp section
        sections += 10;
#pragma omp section
        sections += 100;
    }
    CHECK(sections == 111);
}

static void team_constructs(int team) {
    int phase_errors = 0, singles = 0, copies_ok = 0, seen = 0;
    long counter = 0;
    long double ld = 0;
    int arrived[64] = {0};
#pragma omp parallel reduction(+ : phase_errors, copies_ok)
    {
        int me = omp_get_thread_num();
        for (int phase = 1; phase <= 20; phase++) {
#pragma omp atomic
            arrived[phase]++;
#pragma omp barrier
            int all;
#pragma omp atomic read
            all = arrived[phase];
            phase_errors += all != omp_get_num_threads();
        }
#pragma omp single
        singles++;
        int value = -1;
#pragma omp single copyprivate(value)
        value = 42;
        copies_ok += value == 42;
#pragma omp critical
        counter++;
#pragma omp atomic
        ld += 0.5L;
#pragma omp atomic
        seen |= 1 << me;
#pragma omp single
        {
            for (int t = 0; t < 10; t++) {
#pragma omp task firstprivate(t) shared(counter)
                {
#pragma omp atomic
                    counter += t;
                }
            }
#pragma omp taskwait
        }
    }
    CHECK(phase_errors == 0);
    CHECK(singles == 1 && copies_ok == team);
    CHECK(counter == team + 45);
    CHECK(ld == team * 0.5L);
    CHECK(seen == (1 << team) - 1); /* every thread number took part */
}

static void nesting(void) {
    int inner_level = 0, inner_size = 0, outer_num = -1;
    omp_set_max_active_levels(2);
#pragma omp parallel num_threads(2)
    {
#pragma omp parallel num_threads(2)
#pragma omp single
        {
            inner_level = omp_get_level();
            inner_size = omp_get_team_size(2);
            if (omp_get_ancestor_thread_num(1) == 1) outer_num = 1;
        }
    }
    CHECK(inner_level == 2);
    CHECK(inner_size == 2 || omp_get_thread_limit() < 4);
    CHECK(outer_num == 1 || omp_get_thread_limit() < 4);
    omp_set_max_active_levels(1);
}

int main(void) {
    int team = 0;
#pragma omp parallel
#pragma omp single
    team = omp_get_num_threads();
    CHECK(team == omp_get_max_threads());
    loops();
    ordered_and_sections();
    team_constructs(team);
    nesting();
    printf("constructs: OK (team of %d)\n", team);
    return 0;
}
