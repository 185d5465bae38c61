// A value computed from an experiment's parameters, kept while they stay the same (figures are
// rebuilt every frame of the Runs tab; their reference lines may need an LP). Thread-safe; a copy
// starts empty (a copied experiment has new parameter versions anyway).
#pragma once
#include <cstdint>
#include <mutex>

namespace klab {

template <class T>
class VersionedCache {
 public:
  VersionedCache() = default;
  VersionedCache(const VersionedCache&) {}
  VersionedCache& operator=(const VersionedCache&) { return *this; }

  template <class F>
  T get(uint64_t version, F&& compute) const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!valid_ || version_ != version) value_ = compute(), version_ = version, valid_ = true;
    return value_;
  }

 private:
  mutable std::mutex mutex_;
  mutable bool valid_ = false;
  mutable uint64_t version_ = 0;
  mutable T value_{};
};

}  // namespace klab
