// Batched blackbox.nsga2 runs (bit strings; ZDT1–3 in the block form): the CUDA engine (nsga2_engine.cu, one GPU
// thread per (run, series, n) triple, or one block per triple) and its host twins (nsga2_engine_host.cpp)
// run the same KLAB_HD code, nsga2_bits_run (nsga2_bits.hpp) or nsga2_block_run (nsga2_block_run.hpp), on
// the same workspace layouts; the thread form's host twin uses stride 1.
// The CPU engine (Nsga2Experiment::run → nsga2.cpp) walks the same trajectories from the same Philox
// draws, so the outcomes are equal (tests/unit/blackbox_nsga2_engine_test.cpp).
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "blackbox/nsga2_bits.hpp"
#include "core/cuda_job_stats.hpp"
#include "core/status.hpp"

namespace klab::blackbox {

// A run's workspace arrays in three pools (string words, ints, doubles): entry e of thread `item`
// of `items` at pool[e·items + item] (the GPU: neighbouring threads, neighbouring words).
struct Nsga2PoolSizes {
  size_t words = 0, ints = 0, doubles = 0;  // entries per thread
  size_t bytes() const { return words * sizeof(uint32_t) + ints * sizeof(int) + doubles * sizeof(double); }
};
constexpr int kNsgaIntArrays = 8;  // slot, f1, f2, rank, order, scratch, head1, head2 (then top)

inline Nsga2PoolSizes nsga2_pool_sizes(const Nsga2Config& c) {
  Nsga2PoolSizes s;
  const size_t cap = static_cast<size_t>(c.capacity());
  s.words = cap * static_cast<size_t>(c.words());
  s.ints = kNsgaIntArrays * cap + static_cast<size_t>(c.values());
  s.doubles = cap;
  return s;
}

KLAB_INLINE Nsga2Workspace nsga2_workspace(const Nsga2Config& c, uint32_t* words, int* ints, double* doubles, uint32_t item, uint32_t items) {
  const size_t cap = static_cast<size_t>(c.capacity());
  auto array = [&](int k) { return Strided<int>{ints + static_cast<size_t>(k) * cap * items + item, items}; };
  Nsga2Workspace w;
  w.genomes = Strided<uint32_t>{words + item, items};
  w.slot = array(0), w.f1 = array(1), w.f2 = array(2), w.rank = array(3);
  w.order = array(4), w.scratch = array(5), w.head1 = array(6), w.head2 = array(7), w.top = array(kNsgaIntArrays);
  w.dist = Strided<double>{doubles + item, items};
  return w;
}

// The two forms of the kernel: one GPU thread per (run, series, n) landscape (nsga2_bits_run), or one
// block of kNsgaBlockThreads threads per landscape (nsga2_block_run, nsga2_block_run.hpp). Auto takes the
// block form while one wave of blocks holds every landscape (its generation is ~10× shorter), the
// thread form beyond (~10× less work in all: the block form's ranks are O(μ²)); see the chapter
// README's napkin estimate. ZDT1–3 run in the block form only.
enum class Nsga2Form { Auto, ThreadPerRun, BlockPerRun };
constexpr int kNsgaBlockThreads = 128;

// A GPU chunk holds at most this many bytes of workspaces and of outcomes (the host holds a copy).
constexpr size_t kNsgaMaxWorkspaceBytes = size_t{2} << 30, kNsgaMaxOutcomeBytes = size_t{256} << 20;

// The outcomes of runs first_run .. first_run + runs − 1 are run-major: outcome[(r·S + s)·N + k] for
// run first_run + r, series s of S and grid point k of N (the checkpoints: k = N − 1 only).

// The host twin: the same runs on this CPU, one after another.
void run_nsga2_batch_host(const Nsga2Config& cfg, uint64_t seed, uint32_t first_run, uint32_t runs, std::vector<Nsga2Outcome>* out);


// The block form's host twin: each landscape's phases run for threads 0 … threads − 1 in turn.
void run_nsga2_blocks_host(const Nsga2Config& cfg, uint64_t seed, uint32_t first_run, uint32_t runs, int threads, std::vector<Nsga2Outcome>* out);

// One run's workspace bytes in the block form (blocks) or the thread form (the block form also keeps 2μ stream states).
size_t nsga2_run_bytes(const Nsga2Config& cfg, bool blocks);

// Why the CUDA engine cannot run `cfg` in `form` (a real-coded benchmark in the thread form, too many
// series or sizes, a workspace beyond its limit), or OK.
Status nsga2_cuda_supports(const Nsga2Config& cfg, Nsga2Form form = Nsga2Form::Auto);

// One chunk of GPU outcomes (layout above), readable during the consumer's call only.
struct Nsga2Chunk {
  uint32_t first_run = 0, runs = 0;
  const Nsga2Outcome* outcome = nullptr;
};

struct Nsga2CudaStats : CudaJobStats {
  size_t workspace_bytes = 0;  // device memory of one chunk's workspaces
  double evaluations = 0.0;    // Σ outcome.evaluations
  bool block_per_run = false;  // the form that ran
};

// Runs first_run .. first_run + runs − 1 on the GPU in chunks (limits above) and hands each chunk to `consume` in run order. An error (no device, a
// CUDA failure, a build without CUDA, a configuration it does not cover) comes back as a Status.
Status run_nsga2_cuda(const Nsga2Config& cfg, uint64_t seed, uint32_t first_run, uint32_t runs, const std::function<void(const Nsga2Chunk&)>& consume,
                      Nsga2CudaStats* stats = nullptr, Nsga2Form form = Nsga2Form::Auto);

// The same, collected into one vector (tests).
Status run_nsga2_batch_cuda(const Nsga2Config& cfg, uint64_t seed, uint32_t first_run, uint32_t runs, std::vector<Nsga2Outcome>* out,
                            Nsga2CudaStats* stats = nullptr, Nsga2Form form = Nsga2Form::Auto);

}  // namespace klab::blackbox
