// VecZ: a point of optim.halpern's problems, a dynamically sized vector that keeps up to 8 coordinates inline (the plane,
// ℝ², and the ill-conditioned game, ℝ⁸, allocate nothing per operation) and larger ones (DRO least squares, ℝ^{2+n}) on
// the heap. Copies and moves are the members'.
#pragma once
#include <array>
#include <cstddef>
#include <initializer_list>
#include <vector>

namespace klab::optim {

class VecZ {
 public:
  static constexpr size_t kInline = 8;

  VecZ() = default;
  explicit VecZ(size_t n, double value = 0.0) : size_(n) {
    if (n > kInline) large_.assign(n, value);
    else small_.fill(value);
  }
  VecZ(std::initializer_list<double> values) : VecZ(values.size()) {
    size_t j = 0;
    for (double v : values) (*this)[j++] = v;
  }

  size_t size() const { return size_; }
  double* data() { return size_ > kInline ? large_.data() : small_.data(); }
  const double* data() const { return size_ > kInline ? large_.data() : small_.data(); }
  double& operator[](size_t j) { return data()[j]; }
  double operator[](size_t j) const { return data()[j]; }
  double* begin() { return data(); }
  double* end() { return data() + size_; }
  const double* begin() const { return data(); }
  const double* end() const { return data() + size_; }

 private:
  size_t size_ = 0;
  std::array<double, kInline> small_{};  // sizes ≤ kInline
  std::vector<double> large_;            // (size_) larger sizes
};

}  // namespace klab::optim
