// A k-d tree (Bentley, CACM 1975) for the exact nearest neighbour of a query among N points of
// dimension D, in Euclidean distance; PRDC's search for the dataset point nearest to (β·s, π(s))
// (td3.hpp). Build: split at the median of the widest coordinate of the node's box, recursively, down to
// leaves of at most kLeafSize points (O(N log N)). Query: descend to the query's leaf, then visit the
// other side of a split only when the splitting plane is closer than the best distance so far.
// Ties go to the smallest point index, so the answer is the unique argmin over (distance², index)
// whatever the tree's shape: it equals nearest_brute_force (tests/unit/offline_prdc_test.cpp).
// The query is KLAB_INLINE on a flat view of the tree (kd_nearest), with an explicit stack in place of
// the recursion: the tree is built on the host and read, copied flat, by offline.prdc's CUDA kernel.
#pragma once
#include <cstddef>
#include <vector>

#include "core/portable.hpp"

namespace klab::offline {

struct KdNode {
  int begin = 0, end = 0;  // order[begin, end): the node's points
  int split_dim = -1;      // −1: a leaf
  double split = 0.0;      // points of the left child have coordinate ≤ split, of the right ≥ split
  int left = -1, right = -1;
};

// A tree as plain arrays (wherever they live): points (n × dim), order (n), nodes (node 0 the root).
struct KdTreeView {
  const double* points;
  const int* order;
  const KdNode* nodes;
  int n, dim;
};

constexpr int kKdMaxDepth = 64;  // the stack of kd_nearest: median splits of ≤ 2³¹ points stay far below

// (d², index) before (d²′, index′): the total order whose minimum every search returns.
KLAB_INLINE bool kd_closer(double d2, int i, double best_d2, int best) { return d2 < best_d2 || (d2 == best_d2 && i < best); }

// Index of the nearest point to q (dim); −1 when the tree is empty or q has a NaN coordinate. Descends to the query's leaf,
// then visits the other side of a split only when the splitting plane is no farther than the best distance so far (equal
// distances are visited: a smaller index may wait there), in the order of the recursive search.
KLAB_INLINE int kd_nearest(const KdTreeView& t, const double* q) {
  if (t.n == 0) return -1;
  int best = -1;
  double best_d2 = __builtin_huge_val();
  int node_stack[kKdMaxDepth];
  double gap2_stack[kKdMaxDepth];  // the far side's plane distance²; 0 for a near side (always visited)
  int top = 0;
  node_stack[top] = 0, gap2_stack[top++] = 0.0;
  while (top > 0) {
    --top;
    if (!(gap2_stack[top] <= best_d2)) continue;
    const KdNode& node = t.nodes[node_stack[top]];
    if (node.split_dim < 0) {
      for (int k = node.begin; k < node.end; ++k) {
        const int i = t.order[k];
        const double* p = t.points + static_cast<size_t>(i) * static_cast<size_t>(t.dim);
        double d2 = 0.0;
        for (int d = 0; d < t.dim; ++d) d2 += (p[d] - q[d]) * (p[d] - q[d]);
        if (kd_closer(d2, i, best_d2, best)) best_d2 = d2, best = i;
      }
      continue;
    }
    const double gap = q[node.split_dim] - node.split;
    node_stack[top] = gap <= 0.0 ? node.right : node.left, gap2_stack[top++] = gap * gap;  // far: after the near side
    node_stack[top] = gap <= 0.0 ? node.left : node.right, gap2_stack[top++] = 0.0;
  }
  return best;
}

class KdTree {
 public:
  KdTree() = default;
  // points: (N × dim) row-major; the tree keeps its own copy.
  KdTree(std::vector<double> points, int dim);
  int size() const { return n_; }
  int dim() const { return dim_; }
  const double* point(int i) const { return points_.data() + static_cast<size_t>(i) * static_cast<size_t>(dim_); }
  // Index of the nearest point to q (dim); −1 when the tree is empty or q has a NaN coordinate.
  int nearest(const double* q) const { return kd_nearest(view(), q); }
  KdTreeView view() const { return {points_.data(), order_.data(), nodes_.data(), n_, dim_}; }
  const std::vector<double>& points() const { return points_; }
  const std::vector<int>& order() const { return order_; }
  const std::vector<KdNode>& nodes() const { return nodes_; }

 private:
  int build(int begin, int end);

  std::vector<double> points_;  // (N × dim)
  std::vector<int> order_;      // (N) point indices, grouped by leaf
  std::vector<KdNode> nodes_;
  int n_ = 0, dim_ = 0;
};

// The reference: the argmin over (distance², index) by scanning every point.
int nearest_brute_force(const std::vector<double>& points, int dim, const double* q);

}  // namespace klab::offline
