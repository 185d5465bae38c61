#include "offline/kd_tree.hpp"

#include <algorithm>

namespace klab::offline {
namespace {
constexpr int kLeafSize = 8;
}  // namespace

KdTree::KdTree(std::vector<double> points, int dim) : points_(std::move(points)), n_(0), dim_(dim) {
  n_ = dim > 0 ? static_cast<int>(points_.size() / static_cast<size_t>(dim)) : 0;
  order_.resize(static_cast<size_t>(n_));
  for (int i = 0; i < n_; ++i) order_[static_cast<size_t>(i)] = i;
  if (n_ > 0) build(0, n_);
}

int KdTree::build(int begin, int end) {
  const int id = static_cast<int>(nodes_.size());
  nodes_.push_back({begin, end, -1, 0.0, -1, -1});
  if (end - begin <= kLeafSize) return id;
  int widest = 0;
  double widest_span = -1.0;
  for (int d = 0; d < dim_; ++d) {
    double lo = point(order_[begin])[d], hi = lo;
    for (int k = begin + 1; k < end; ++k) {
      const double v = point(order_[k])[d];
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    if (hi - lo > widest_span) widest_span = hi - lo, widest = d;
  }
  const int mid = begin + (end - begin) / 2;
  // A strict total order (coordinate, then index): the two halves are the same sets on every library.
  std::nth_element(order_.begin() + begin, order_.begin() + mid, order_.begin() + end, [&](int a, int b) {
    const double va = point(a)[widest], vb = point(b)[widest];
    return va < vb || (va == vb && a < b);
  });
  const double split = point(order_[mid])[widest];
  const int left = build(begin, mid), right = build(mid, end);
  KdNode& node = nodes_[static_cast<size_t>(id)];
  node.split_dim = widest;
  node.split = split;
  node.left = left;
  node.right = right;
  return id;
}

int nearest_brute_force(const std::vector<double>& points, int dim, const double* q) {
  const int n = dim > 0 ? static_cast<int>(points.size() / static_cast<size_t>(dim)) : 0;
  int best = -1;
  double best_d2 = __builtin_huge_val();
  for (int i = 0; i < n; ++i) {
    double d2 = 0.0;
    for (int d = 0; d < dim; ++d) d2 += (points[static_cast<size_t>(i) * dim + d] - q[d]) * (points[static_cast<size_t>(i) * dim + d] - q[d]);
    if (kd_closer(d2, i, best_d2, best)) best_d2 = d2, best = i;
  }
  return best;
}

}  // namespace klab::offline
