// Flat pools of plain data (the CUDA engines' world pools: every world's arrays appended to one
// vector per type and addressed by offsets, src/mdp/learning_cuda.cpp, src/offline/edge_cuda.cpp).
#pragma once
#include <vector>

namespace klab {

// Appends `values` to `pool` and returns where they start.
template <class T, class U>
long long append_flat(std::vector<T>& pool, const std::vector<U>& values) {
  const long long at = static_cast<long long>(pool.size());
  pool.insert(pool.end(), values.begin(), values.end());
  return at;
}

}  // namespace klab
