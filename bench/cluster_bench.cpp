// Distributed runs (issue 14): what one block costs to compute and to communicate, and the parallel
// efficiency this predicts for `mpirun -np P klab run …` at P = 2 … 1000 ranks (a model; the 1- and
// 2-rank figures measured with mpirun are in bench/README.md, "Distributed runs").
//
// Measured here, one thread: t_block, the time of one block of 16 runs (run_block) of the demo's
// default configuration; t_merge, the time rank 0 spends merging one block (SlotStats::merge); the
// message sizes, exact from the layout: a finished block is a 24-byte header plus 24 bytes per
// statistic (count, mean, M2), an assignment 8 bytes.
//
// The model (dist/cluster_mpi.cpp's protocol: one block per request, rank 0 also computes and
// answers between its own runs):
//   per block, a worker waits  w = t_run/2 (rank 0 finishing its current run, t_run = t_block/16)
//                              + 2α + bytes/β                         (request/result and assignment)
//   rank 0 spends per block    s = α + bytes/β + t_merge              (receive, merge, answer)
//   E(P) = t_block/(t_block + w)                                      (waiting)
//        × min(1, (t_block + w)/(P·s))                                (rank 0 saturated above P·s > t_block + w)
//        × (B/P)/⌈B/P⌉                                                (the last round: whole blocks, B = ⌈R/16⌉)
//        × T_work/(T_work + T_start)                                  (launch and MPI_Init, T_work = B·t_block/P)
// Assumptions (stated, not measured): α = 5 µs per message (MPI over InfiniBand or a fast Ethernet,
// with the software overhead), β = 5 GB/s, T_start = 10 s at 1000 ranks (srun launch + MPI_Init),
// ranks of equal speed, one rank per core, no other load.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>

#include "app/catalog.hpp"
#include "core/batch.hpp"

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

constexpr double kAlpha = 5e-6, kBeta = 5e9, kStartAt1000 = 10.0;

struct Workload {
  const char* demo;
  double runs;  // R of the job the model is evaluated for
};

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::string(argv[1]) == "--quick";
  const klab::Registry catalog = klab::make_catalog();
  std::printf("Distributed runs: per-block cost and communication, and the model's parallel efficiency\n");
  std::printf("(assumed: alpha = %.0f us per message, beta = %.0f GB/s, start-up %.0f s at 1000 ranks)\n\n", kAlpha * 1e6,
              kBeta / 1e9, kStartAt1000);
  for (const Workload w : {Workload{"bandits.regret", 1e7}, Workload{"mdp.planning", 1e5}, Workload{"mdp.learning", 1e6}}) {
    auto experiment = catalog.find(w.demo)->make();
    const klab::RunLayout layout = experiment->layout();
    const size_t slots = layout.curve_slots() + layout.final_slots();
    const double bytes = 24.0 + 24.0 * static_cast<double>(slots);
    // t_block: blocks 0 (and 1) of a long job, one thread.
    const int blocks_timed = quick ? 1 : 2;
    klab::SlotStats block, merged(layout);
    auto t0 = Clock::now();
    for (int b = 0; b < blocks_timed; ++b) klab::run_block(*experiment, layout, 1, 1u << 20, static_cast<uint32_t>(b), &block);
    const double t_block = since(t0) / blocks_timed;
    t0 = Clock::now();
    const int merges = 2000;
    for (int i = 0; i < merges; ++i) merged.merge(block);
    const double t_merge = since(t0) / merges;
    std::printf("%s: %zu statistics per block: %.0f bytes per finished block (+ 8-byte assignment)\n", w.demo, slots, bytes);
    std::printf("  t_block = %.3f s (16 runs, one thread), t_merge = %.1f us; communication/computation = %.2g bytes/s per rank\n",
                t_block, t_merge * 1e6, bytes / t_block);
    const double blocks = std::ceil(w.runs / klab::kBlockRuns);
    const double wait = t_block / 32 + 2 * kAlpha + bytes / kBeta;
    const double serve = kAlpha + bytes / kBeta + t_merge;
    std::printf("  R = %.0e runs (%.0f blocks):  P   efficiency  (waiting x rank-0 load x last round x start-up)\n", w.runs, blocks);
    for (double p : {2.0, 64.0, 1000.0}) {
      const double e_wait = t_block / (t_block + wait);
      const double e_load = std::min(1.0, (t_block + wait) / (p * serve));
      const double e_tail = (blocks / p) / std::ceil(blocks / p);
      const double t_work = blocks * t_block / p;
      const double e_start = t_work / (t_work + kStartAt1000 * p / 1000);
      std::printf("  %29.0f   %5.1f%%     (%.3f x %.3f x %.3f x %.3f)\n", p, 100 * e_wait * e_load * e_tail * e_start, e_wait,
                  e_load, e_tail, e_start);
    }
    std::printf("\n");
  }
  return 0;
}
