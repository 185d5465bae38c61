// What a batch's run 1 (run index 0) computed besides its record, kept for the figure. A figure that draws run 1 (its
// iterates over a picture) would otherwise run it again after the batch, which keeps only statistics. The experiment
// holds a FirstRunMemo by shared_ptr, so its clones (the batch's snapshot, the workers') share it: run 0 puts what the
// figure draws under the parameters' values and the seed, and figure() takes it when both match, running run 1 again
// itself when they do not (run 1 done by another MPI rank or before a resumed checkpoint, other parameters, no batch).
// The key is the parameters' values, not ParamSet::version(): every copy of a ParamSet gets a new version
// (VersionedCache, core/versioned_cache.hpp, keeps a value per version within one experiment instead). One entry, the
// latest; thread-safe (run 0 puts from a worker thread).
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "core/params.hpp"

namespace klab {

template <class T>
class FirstRunMemo {
 public:
  void put(const ParamSet& params, uint64_t seed, std::shared_ptr<const T> value) {
    std::vector<ParamValue> k = key(params);
    std::lock_guard<std::mutex> lock(mutex_);
    params_ = std::move(k), seed_ = seed, value_ = std::move(value);
  }
  // Null unless run 1 of these parameters' values and this seed was put.
  std::shared_ptr<const T> find(const ParamSet& params, uint64_t seed) const {
    const std::vector<ParamValue> k = key(params);
    std::lock_guard<std::mutex> lock(mutex_);
    return value_ && seed_ == seed && params_ == k ? value_ : nullptr;
  }

 private:
  static std::vector<ParamValue> key(const ParamSet& params) {
    std::vector<ParamValue> k;
    for (size_t i = 0; i < params.specs().size(); ++i) k.push_back(params.get(i));
    return k;
  }

  mutable std::mutex mutex_;
  std::vector<ParamValue> params_;
  uint64_t seed_ = 0;
  std::shared_ptr<const T> value_;
};

}  // namespace klab
