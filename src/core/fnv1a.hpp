// FNV-1a, 64 bits (Fowler, Noll, Vo): a digest of bytes that catches a damaged or hand-edited file
// and tells two files apart. Not for adversaries.
#pragma once
#include <cstdint>
#include <string_view>

namespace klab {

inline uint64_t fnv1a64(std::string_view bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace klab
