// Throughput of the alignment chapter (printed, never asserted): optimiser steps per second of the
// offline trainer (one step = one full-batch step of one method) for the tabular and log-linear
// policy classes at a few world sizes, and the batch engine's steps per second for
// `klab run alignment.offline` on one thread and on all cores.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "alignment/offline_experiment.hpp"
#include "core/batch.hpp"

using namespace klab;
using namespace klab::alignment;
using Clock = std::chrono::steady_clock;

namespace {

// Steps per second of every method of `methods` trained together, timed over at least 0.3 s.
double trainer_rate(const std::string& policy, int prompts, int responses, const std::string& methods) {
  OfflineExperiment e;
  const Status s = e.params().set_texts({{"policy", policy},
                                          {"prompts", std::to_string(prompts)},
                                          {"responses", std::to_string(responses)},
                                          {"features", "8"},
                                          {"pairs", "2000"},
                                          {"methods", methods}});
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.message().c_str());
    return 0.0;
  }
  OfflineTrainer t(e.p(), 1, 0);
  const auto t0 = Clock::now();
  long long steps = 0;
  double seconds = 0.0;
  while (seconds < 0.3) {
    for (int i = 0; i < 50; ++i) t.step();
    steps += 50;
    seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  }
  return static_cast<double>(steps) * static_cast<double>(t.size()) / seconds;
}

double batch_rate(int threads, uint32_t runs) {
  OfflineExperiment e;
  BatchJob job(e.clone(), 1, runs);
  job.run_all(threads);
  return job.result().work_per_second();
}

}  // namespace

int main() {
  const std::string all =
      "dpo,ipo,kto,simpo,rdpo,dpo_shift,gpo_logistic,gpo_hinge,gpo_square,gpo_exp,gpo_power,rpo,wpo,rlhf";
  std::printf("alignment.offline trainer: method-steps per second (full-batch, 2000 pairs drawn)\n");
  std::printf("%-11s %8s %10s %16s %16s\n", "class", "prompts", "responses", "dpo only", "all 14 methods");
  for (const char* policy : {"tabular", "log_linear"})
    for (const auto& size : std::vector<std::pair<int, int>>{{8, 3}, {16, 16}, {64, 64}})
      std::printf("%-11s %8d %10d %16.0f %16.0f\n", policy, size.first, size.second,
                  trainer_rate(policy, size.first, size.second, "dpo"),
                  trainer_rate(policy, size.first, size.second, all));
  std::printf("\nklab run alignment.offline (defaults, 13 methods x 400 steps per run): steps per second\n");
  const int cores = default_thread_count();
  std::printf("  1 thread : %.0f\n", batch_rate(1, 64));
  std::printf("  %d threads: %.0f\n", cores, batch_rate(0, 256));
  return 0;
}
