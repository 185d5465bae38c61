// The CUDA path of a diffusion demo whose runs stay on the host and call a GPU engine from there
// (diffusion.samplers: a cell's particles; diffusion.tsmc: an SMC run's phases): blocks
// [first_block, end_block) of a job of `runs` runs, one block at a time, its runs spread over up to
// 16 host threads, each with its own engine from make_engine() (device buffers and a stream kept
// from run to run, so one thread's kernels run while the others work on the host).
// run_one(engine, run, record) computes one run into its (cleared) record and returns its Status;
// a block's records are then added in run order, exactly as run_block does, so the statistics are
// the CPU BatchJob's wherever the engine gives the CPU's numbers.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "core/batch.hpp"

namespace klab::diffusion {

template <class MakeEngine, class RunOne>
Status run_blocks_on_host_threads(const RunLayout& layout, uint32_t runs, uint32_t first_block, uint32_t end_block, const MakeEngine& make_engine,
                                  const RunOne& run_one, std::vector<SlotStats>* blocks) {
  const uint32_t threads = std::max(1u, std::min({static_cast<uint32_t>(default_thread_count()), kBlockRuns, runs}));
  std::vector<decltype(make_engine())> engines;  // (threads) unique_ptrs
  for (uint32_t t = 0; t < threads; ++t) engines.push_back(make_engine());
  std::vector<RunRecord> records(kBlockRuns, RunRecord(layout));
  std::vector<Status> errors(kBlockRuns);
  for (uint32_t b = first_block; b < end_block; ++b) {
    const uint32_t first = b * kBlockRuns, count = std::min(kBlockRuns, runs - first);
    std::atomic<uint32_t> next{0};
    auto work = [&](auto* engine) {
      for (uint32_t i = next++; i < count; i = next++) {
        records[i].clear();
        errors[i] = run_one(engine, first + i, &records[i]);
      }
    };
    if (std::min(threads, count) == 1) {
      work(engines[0].get());  // on this thread (the only one in a wasm build without pthreads)
    } else {
      std::vector<std::thread> pool;
      for (uint32_t t = 0; t < std::min(threads, count); ++t) pool.emplace_back(work, engines[t].get());
      for (std::thread& t : pool) t.join();
    }
    SlotStats block(layout);
    for (uint32_t i = 0; i < count; ++i) {
      if (!errors[i].ok()) return errors[i];
      block.add(records[i]);
    }
    blocks->push_back(std::move(block));
  }
  return {};
}

}  // namespace klab::diffusion
