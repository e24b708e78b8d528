/* mpi_pi.c: Monte Carlo pi across MPI ranks, each rank running its share of the blocks on
 * parfor's threads. The printed bits are the same for any ranks x threads split, and equal to
 * parfor_pi(n, seed) (and `parfor run pi --seed SEED`) in one process.
 *
 *   make -C c-examples mpi
 *   OMP_NUM_THREADS=2 OMP_PROC_BIND=close mpirun -np 2 --bind-to core --map-by slot:PE=2 \
 *       -x OMP_NUM_THREADS -x OMP_PROC_BIND -x LD_LIBRARY_PATH ./build/mpi_pi [n] [seed]
 *
 * Prints (rank 0): mpi_pi: n=... seed=... ranks=R threads=T pi=%.17g bits=0x... time=...s
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "parfor.h"

static void check(int rc, const char *what) {
    if (rc != PARFOR_OK) {
        fprintf(stderr, "mpi_pi: %s: %s\n", what, parfor_status_message(rc));
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
}

int main(int argc, char **argv) {
    /* FUNNELED is enough: only the main thread calls MPI. parfor's worker threads run the
     * kernel's blocks and never call MPI; every MPI call below happens outside parfor's loops,
     * on the thread that called MPI_Init_thread. */
    int provided = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    if (provided < MPI_THREAD_FUNNELED) {
        fprintf(stderr, "mpi_pi: MPI provides no MPI_THREAD_FUNNELED\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);

    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 100000000;
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 20240601;

    uint64_t nblocks = 0;
    check(parfor_pi_num_blocks(n, &nblocks), "parfor_pi_num_blocks");
    /* Rank r takes the contiguous blocks [r*q + min(r, m), (r+1)*q + min(r+1, m)) with
     * q = nblocks / size and m = nblocks % size: shares differ by at most one block, and the
     * ranks' ranges follow each other in rank order. */
    uint64_t q = nblocks / (uint64_t)size, m = nblocks % (uint64_t)size, r = (uint64_t)rank;
    uint64_t lo = r * q + (r < m ? r : m), hi = lo + q + (r < m ? 1 : 0);

    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = MPI_Wtime();
    parfor_pi_partial mine;
    check(parfor_pi_blocks(n, seed, lo, hi, &mine), "parfor_pi_blocks");

    /* Gather the partials to rank 0 in rank order (not MPI_Reduce: MPI_SUM may combine in any
     * order; here the sum is of integers, but finish also checks the ranges follow each other). */
    parfor_pi_partial *all = NULL;
    if (rank == 0 && !(all = malloc((size_t)size * sizeof *all))) MPI_Abort(MPI_COMM_WORLD, 1);
    MPI_Gather(&mine, 4, MPI_UINT64_T, all, 4, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        double pi = 0;
        check(parfor_pi_finish(all, (size_t)size, &pi), "parfor_pi_finish");
        double elapsed = MPI_Wtime() - t0;
        uint64_t bits;
        memcpy(&bits, &pi, sizeof bits);
        printf("mpi_pi: n=%" PRIu64 " seed=%" PRIu64 " blocks=%" PRIu64 " ranks=%d threads=%d pi=%.17g bits=0x%016" PRIx64
               " time=%.4fs\n",
               n, seed, nblocks, size, parfor_get_num_threads(), pi, bits, elapsed);
        free(all);
    }
    MPI_Finalize();
    return 0;
}
