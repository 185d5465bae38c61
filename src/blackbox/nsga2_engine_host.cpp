// The host twins of blackbox.nsga2's CUDA engine (nsga2_bits_run on the same workspace layout, stride
// 1, run after run on this CPU; nsga2_block_run with the block's threads run in turn), the engine's
// limits and the collecting wrapper of its chunks.
#include <algorithm>
#include <string>

#include "blackbox/nsga2_block_run.hpp"
#include "blackbox/nsga2_engine.hpp"

namespace klab::blackbox {

void run_nsga2_batch_host(const Nsga2Config& cfg, uint64_t seed, uint32_t first_run, uint32_t runs, std::vector<Nsga2Outcome>* out) {
  const size_t per_run = static_cast<size_t>(cfg.landscapes_per_run());
  out->assign(runs * per_run, Nsga2Outcome());
  const Nsga2PoolSizes sizes = nsga2_pool_sizes(cfg);
  std::vector<uint32_t> words(sizes.words);
  std::vector<int> ints(sizes.ints);
  std::vector<double> doubles(sizes.doubles);
  const Nsga2Workspace w = nsga2_workspace(cfg, words.data(), ints.data(), doubles.data(), 0, 1);
  for (uint32_t i = 0; i < runs; ++i)
    for (int s = 0; s < cfg.n_series; ++s)
      for (int k = 0; k < cfg.n_grid; ++k)
        nsga2_bits_run(cfg, s, k, k + 1 == cfg.n_grid, seed, first_run + i, w, &(*out)[i * per_run + static_cast<size_t>(s * cfg.n_grid + k)]);
}

void run_nsga2_blocks_host(const Nsga2Config& cfg, uint64_t seed, uint32_t first_run, uint32_t runs, int threads, std::vector<Nsga2Outcome>* out) {
  const size_t per_run = static_cast<size_t>(cfg.landscapes_per_run());
  out->assign(runs * per_run, Nsga2Outcome());
  std::vector<double> storage(nsga2_block_bytes(cfg) / sizeof(double));  // 8-byte aligned, as the kernel's
  const Nsga2BlockWorkspace b = nsga2_block_workspace(cfg, reinterpret_cast<unsigned char*>(storage.data()));
  const Nsga2HostBlock block{threads};
  for (uint32_t i = 0; i < runs; ++i)
    for (int s = 0; s < cfg.n_series; ++s)
      for (int k = 0; k < cfg.n_grid; ++k)
        nsga2_block_run(block, cfg, s, k, k + 1 == cfg.n_grid, seed, first_run + i, b, &(*out)[i * per_run + static_cast<size_t>(s * cfg.n_grid + k)]);
}

size_t nsga2_run_bytes(const Nsga2Config& cfg, bool blocks) {
  return (blocks ? nsga2_block_bytes(cfg) : nsga2_pool_sizes(cfg).bytes()) * static_cast<size_t>(cfg.landscapes_per_run());
}

Status nsga2_cuda_supports(const Nsga2Config& cfg, Nsga2Form form) {
  if (real_coded(cfg.benchmark) && form == Nsga2Form::ThreadPerRun)
    return Status::error(std::string("blackbox.nsga2 CUDA engine: benchmark '") + benchmark_label(cfg.benchmark) +
                         "' is real-coded, which the thread-per-run form does not run (bit strings only); the block-per-run form does");
  if (real_coded(cfg.benchmark) && (cfg.n_targets < 1 || cfg.n_targets > kMaxNsgaTargets))
    return Status::error("blackbox.nsga2 CUDA engine: 1 to " + std::to_string(kMaxNsgaTargets) + " front targets are needed");
  if (cfg.n_series < 1 || cfg.n_series > kMaxNsgaSeries || cfg.n_grid < 1 || cfg.n_grid > kMaxNsgaGrid)
    return Status::error("blackbox.nsga2 CUDA engine: 1 to " + std::to_string(kMaxNsgaSeries) + " series and 1 to " + std::to_string(kMaxNsgaGrid) +
                         " sizes n are needed");
  // The workspace of the form that will run: blocks when asked for or real-coded; else the thread form's (Auto falls back on it
  // when the blocks do not fit: nsga2_run_bytes, run_nsga2_cuda).
  const size_t run_bytes = nsga2_run_bytes(cfg, form == Nsga2Form::BlockPerRun || real_coded(cfg.benchmark));
  if (run_bytes > kNsgaMaxWorkspaceBytes)
    return Status::error("blackbox.nsga2 CUDA engine: one run needs " + std::to_string(run_bytes >> 20) + " MiB of workspace (n = " +
                         std::to_string(cfg.max_n()) + ", μ = " + std::to_string(cfg.max_mu()) + "), more than its " +
                         std::to_string(kNsgaMaxWorkspaceBytes >> 20) + " MiB per chunk; lower 'n_max' or 'mu_factor', or use --backend cpu");
  return {};
}

Status run_nsga2_batch_cuda(const Nsga2Config& cfg, uint64_t seed, uint32_t first_run, uint32_t runs, std::vector<Nsga2Outcome>* out,
                            Nsga2CudaStats* stats, Nsga2Form form) {
  const size_t per_run = static_cast<size_t>(cfg.landscapes_per_run());
  out->resize(runs * per_run);
  return run_nsga2_cuda(cfg, seed, first_run, runs, [&](const Nsga2Chunk& chunk) {
    std::copy(chunk.outcome, chunk.outcome + chunk.runs * per_run, out->begin() + static_cast<long>((chunk.first_run - first_run) * per_run));
  }, stats, form);
}

}  // namespace klab::blackbox
