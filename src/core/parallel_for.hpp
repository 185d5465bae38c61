// f(i) for every i < n on `threads` threads (this one among them; <= 0: default_thread_count(), which
// `--threads` bounds), the i handed out in order through a shared counter. The host work beside the
// CUDA engines uses it (building the runs' problems, filling records from the device's snapshots): f
// must write only what slot i owns, so the result does not depend on the thread count.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "core/batch.hpp"

namespace klab {

template <class F>
void parallel_for(uint32_t n, const F& f, int threads = 0) {
  if (threads <= 0) threads = default_thread_count();
  std::atomic<uint32_t> next{0};
  const auto work = [&] {
    for (uint32_t i = next++; i < n; i = next++) f(i);
  };
  std::vector<std::thread> helpers;
  for (int64_t t = 1; t < std::min<int64_t>(threads, n); ++t) helpers.emplace_back(work);
  work();
  for (std::thread& t : helpers) t.join();
}

}  // namespace klab
