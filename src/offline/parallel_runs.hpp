// f(i) for i = 0 .. n − 1 on every core of this machine (thread t takes i = t, t + T, …), for the
// host work of the chapter's CUDA engines: building the runs' problems, evaluating their snapshots.
// f must only touch slot i of what it writes.
#pragma once
#include <algorithm>
#include <cstdint>
#include <thread>
#include <vector>

namespace klab::offline {

template <class F>
void for_each_run_parallel(uint32_t n, const F& f) {
  const uint32_t threads = std::max(1u, std::min(std::thread::hardware_concurrency(), n));
  auto work = [&](uint32_t t) {
    for (uint32_t i = t; i < n; i += threads) f(i);
  };
  std::vector<std::thread> pool;
  for (uint32_t t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (std::thread& t : pool) t.join();
}

}  // namespace klab::offline
