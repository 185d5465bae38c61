// The CUDA engine of blackbox.es: one GPU thread per landscape, a (run, series, n) triple, each
// calling es_landscape_run (engine.hpp), i.e. the same KLAB_HD DisOM fitness (Philox block h(x) of
// the landscape's stream), mutation (Bin(n, 1/n) flips by the host's table, then distinct positions
// by Lemire's rejection) and plus/comma selection (disom.hpp) as the CPU engine. The host fills the
// per-run records in run order, exactly like BatchJob (EsExperiment::run_cuda_blocks).
//
// Launch:
//   * A chunk's threads are (slot, run) pairs, slot-major (slot = series·N + grid point): the 32
//     threads of a warp run the same strategy at the same n on 32 runs, so their loops have the same
//     shape. They still diverge in length (a stuck plus run spends its whole budget c·n², a lucky one
//     stops early): a warp lasts as long as its longest run.
//   * The string x: n bits packed in ⌈n_max/32⌉ words per thread, word w of thread i at
//     genomes[w·items + i] (PackedGenome, stride = items): the start's sequential writes coalesce;
//     a mutation touches ~1 random word (L2). 10⁴ bits are 1.25 KB per thread.
//   * Zobrist keys: computed when needed (KeyStream: one Philox block per flipped bit) rather than
//     n stored keys per landscape (80 KB per thread at n = 10⁴).
//   * The config (grid of ≤ 16 sizes with their flip tables: ~5.7 KB) sits in device memory: every
//     thread of a warp reads the same grid point, broadcast through L1.
//   * Chunks of at most kMaxGenomeBytes of strings and kMaxOutcomeBytes of outcomes (and at most all
//     runs): with n = 10⁴, 4 series and 16 sizes that is still ~6,700 runs, 430,000 threads, more
//     than one full wave of an H200; at small n, 6.7·10⁶ landscapes.
//   * Per job: one device buffer (config, strings, outcomes), one stream; per chunk: kernel, copy of
//     the outcomes, synchronise, hand them over.
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "blackbox/engine.hpp"
#include "cuda/cuda_job.hpp"

namespace klab::blackbox {
namespace {

// 4 warps: small blocks let the occupancy calculator pack an SM up to its register limit.
constexpr int kEsThreadsPerBlock = 128;
// At most this many bytes of packed strings, and of outcomes (40 B per landscape; the host holds a
// copy), per chunk.
constexpr size_t kMaxGenomeBytes = size_t{512} << 20, kMaxOutcomeBytes = size_t{256} << 20;

__global__ void __launch_bounds__(kEsThreadsPerBlock)
    es_kernel(const EsConfig* __restrict__ cfg, uint64_t seed, uint32_t first_run, uint32_t runs, uint32_t* __restrict__ genomes,
              EsOutcome* __restrict__ out) {
  const EsConfig& c = *cfg;
  const uint32_t per_run = static_cast<uint32_t>(c.n_series * c.n_grid), items = runs * per_run;
  const uint32_t item = blockIdx.x * blockDim.x + threadIdx.x;  // slot-major: item = slot·runs + run
  if (item >= items) return;
  const uint32_t slot = item / runs, r = item % runs;
  const int series = static_cast<int>(slot) / c.n_grid, point = static_cast<int>(slot) % c.n_grid;
  es_landscape_run(c, series, point, seed, first_run + r, PackedGenome{genomes + item, items}, out + static_cast<size_t>(r) * per_run + slot);
}

}  // namespace

Status run_es_cuda(const EsConfig& cfg, uint64_t seed, uint32_t first_run, uint32_t runs, const std::function<void(const EsChunk&)>& consume,
                   EsCudaStats* stats) {
  if (cfg.n_series < 1 || cfg.n_series > kMaxEsSeries || cfg.n_grid < 1 || cfg.n_grid > kMaxEsGrid)
    return Status::error("blackbox CUDA engine: 1 to " + std::to_string(kMaxEsSeries) + " series and 1 to " + std::to_string(kMaxEsGrid) +
                         " sizes n are needed");
  if (runs == 0) return {};
  const auto wall_start = std::chrono::steady_clock::now();
  KernelFit fit;
  if (Status s = fit_kernel(es_kernel, kEsThreadsPerBlock, "blackbox.es", &fit); !s.ok()) return s;

  // Chunk: as many runs as kMaxGenomeBytes of strings and kMaxOutcomeBytes of outcomes allow.
  const size_t per_run = static_cast<size_t>(cfg.landscapes_per_run()), words = static_cast<size_t>(cfg.max_n() + 31) / 32;
  const size_t genome_bytes_per_run = per_run * words * sizeof(uint32_t);
  size_t capacity = std::min(kMaxGenomeBytes / genome_bytes_per_run, kMaxOutcomeBytes / (per_run * sizeof(EsOutcome)));
  capacity = std::min<size_t>(std::max<size_t>(1, capacity), runs);
  const size_t items = capacity * per_run;
  CudaBufferPlan plan;
  const size_t cfg_at = plan.place(sizeof(EsConfig)), genomes_at = plan.place(items * words * sizeof(uint32_t));
  const size_t outcomes_at = plan.place(items * sizeof(EsOutcome));
  const int chunks = static_cast<int>((runs + capacity - 1) / capacity);

  CudaJob job;
  if (Status s = job.open(plan.bytes, std::to_string(items) + " landscapes"); !s.ok()) return s;
  KLAB_CUDA_TRY(job.upload(cfg_at, &cfg, sizeof(EsConfig)));
  const EsConfig* device_cfg = reinterpret_cast<const EsConfig*>(job.device + cfg_at);
  uint32_t* genomes = reinterpret_cast<uint32_t*>(job.device + genomes_at);
  EsOutcome* outcomes = reinterpret_cast<EsOutcome*>(job.device + outcomes_at);

  std::vector<EsOutcome> host(items);
  double kernel_seconds = 0.0, evaluations = 0.0;
  const Status run = run_in_chunks(
      job, first_run, runs, capacity, per_run, outcomes, &host,
      [&](uint32_t chunk_first, uint32_t n, uint32_t threads) {
        es_kernel<<<(threads + kEsThreadsPerBlock - 1) / kEsThreadsPerBlock, kEsThreadsPerBlock, 0, job.stream>>>(device_cfg, seed, chunk_first, n,
                                                                                                                 genomes, outcomes);
      },
      [&](uint32_t chunk_first, uint32_t n, uint32_t threads) {
        for (uint32_t i = 0; i < threads; ++i) evaluations += static_cast<double>(host[i].evaluations);
        EsChunk chunk;
        chunk.first_run = chunk_first;
        chunk.runs = n;
        chunk.outcome = host.data();
        consume(chunk);
      },
      &kernel_seconds);
  if (!run.ok()) return run;
  if (stats) {
    record_job(fit, kEsThreadsPerBlock, static_cast<uint32_t>(capacity), chunks, kernel_seconds, wall_start, stats);
    stats->genome_bytes = items * words * sizeof(uint32_t);
    stats->evaluations = evaluations;
  }
  return {};
}

}  // namespace klab::blackbox
