// Batched blackbox.es runs as flat arrays: the CUDA engine (src/blackbox/engine.cu, one GPU thread
// per landscape: a (run, series, n) triple) and its host twin run the very same KLAB_HD code
// (es_landscape_run below → ea_start_on / ea_generation_on, disom.hpp) with the CUDA engine's
// storage: Zobrist keys computed on demand (KeyStream) and the string packed in 32-bit words
// (PackedGenome). The CPU engine (EsExperiment::run → EsRun) keeps a key table and a byte per bit;
// the keys are the same numbers (zobrist_keys is a table of zobrist_key), so every engine walks the
// same trajectory from the same Philox draws, and the integer outcomes (evaluations, final OM(x),
// final hash) are equal. The host twin is what the CPU-vs-GPU test compares against, landscape by
// landscape.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "blackbox/disom.hpp"
#include "core/cuda_job_stats.hpp"
#include "core/status.hpp"

namespace klab::blackbox {

constexpr int kMaxEsSeries = 4;  // es_series_ids()
constexpr int kMaxEsGrid = 16;   // the largest n_points

// One size n of the grid: λ(n), the target OM(x) ≥ n − k*, the budget ⌈c·n²⌉ and the flip-count
// table of Bin(n, 1/n) (computed once on the host: the GPU reads the host's bits).
struct EsGridPoint {
  int n = 0, lambda = 0, target = 0;
  long long budget = 0;
  double cdf[kMaxFlips + 1] = {};
};

// Everything a landscape needs, as plain data (copied to the GPU as it is).
struct EsConfig {
  int n_series = 0, n_grid = 0;
  Selection selection[kMaxEsSeries] = {};
  HeightModel heights[kMaxEsSeries] = {};  // law Equal for the equal-height series
  double density = 0.0;                    // p = density/n
  EsGridPoint grid[kMaxEsGrid] = {};
  int max_n() const {
    int m = 0;
    for (int k = 0; k < n_grid; ++k) m = grid[k].n > m ? grid[k].n : m;
    return m;
  }
  int landscapes_per_run() const { return n_series * n_grid; }
};

// The end of one landscape's run: the parent when the run stopped (target reached or budget spent).
struct EsOutcome {
  long long evaluations = 0;  // λ per generation + 1 for the start (may pass the budget by < λ)
  long long generations = 0;
  uint64_t hash = 0;          // h(x) of the final parent
  double f = 0.0;             // its fitness
  int ones = 0;               // OM(x)
  int reached = 0;            // 1 if OM(x) ≥ the target
};

// Series `series` at grid point `point` of run `run`, the string in `x` (n bits of storage).
template <class Genome>
KLAB_HD void es_landscape_run(const EsConfig& c, int series, int point, uint64_t seed, uint32_t run, Genome x, EsOutcome* out) {
  const EsGridPoint& g = c.grid[point];
  const Landscape l = disom_landscape(g.n, c.density, c.heights[series], seed, run);
  const KeyStream keys{l};
  Rng rng(seed, run, kMutationStream + l.salt);  // the same mutation draws for every series (EsRun)
  EaState st;
  ea_start_on(l, keys, x, st);
  while (st.ones < g.target && st.evaluations < g.budget) ea_generation_on(l, keys, g.cdf, c.selection[series], g.lambda, rng, x, st);
  out->evaluations = st.evaluations;
  out->generations = st.generations;
  out->hash = st.hash;
  out->f = st.f;
  out->ones = st.ones;
  out->reached = st.ones >= g.target ? 1 : 0;
}

// The outcomes of runs first_run .. first_run + runs − 1 are run-major: outcome[(r·S + s)·N + k] for
// run first_run + r, series s of S and grid point k of N.

// The host twin: the same landscapes on this CPU, one after another.
void run_es_batch_host(const EsConfig& cfg, uint64_t seed, uint32_t first_run, uint32_t runs, std::vector<EsOutcome>* out);

// One chunk of GPU outcomes (layout above), readable during the consumer's call only.
struct EsChunk {
  uint32_t first_run = 0, runs = 0;
  const EsOutcome* outcome = nullptr;
};

// How a job used the GPU (for benchmarks and the GPU check).
struct EsCudaStats : CudaJobStats {
  size_t genome_bytes = 0;   // device memory of the packed strings of one chunk
  double evaluations = 0.0;  // fitness evaluations of all landscapes (Σ outcome.evaluations)
};

// Runs first_run .. first_run + runs − 1 on the GPU in chunks (at most 512 MiB of packed strings and
// 256 MiB of outcomes each) and hands each chunk to `consume` in run order. An error (no device, a CUDA failure,
// a build without CUDA) comes back as a Status naming it.
Status run_es_cuda(const EsConfig& cfg, uint64_t seed, uint32_t first_run, uint32_t runs, const std::function<void(const EsChunk&)>& consume,
                   EsCudaStats* stats = nullptr);

// The same, collected into one vector (tests).
Status run_es_batch_cuda(const EsConfig& cfg, uint64_t seed, uint32_t first_run, uint32_t runs, std::vector<EsOutcome>* out,
                         EsCudaStats* stats = nullptr);

}  // namespace klab::blackbox
