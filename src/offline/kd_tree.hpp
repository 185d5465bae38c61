// A k-d tree (Bentley, CACM 1975) for the exact nearest neighbour of a query among N points of
// dimension D, in Euclidean distance; PRDC's search for the dataset point nearest to (β·s, π(s))
// (td3.hpp). Build: split at the median of the widest coordinate of the node's box, recursively, down to
// leaves of at most kLeafSize points (O(N log N)). Query: descend to the query's leaf, then visit the
// other side of a split only when the splitting plane is closer than the best distance so far.
// Ties go to the smallest point index, so the answer is the unique argmin over (distance², index)
// whatever the tree's shape: it equals nearest_brute_force (tests/unit/offline_prdc_test.cpp).
#pragma once
#include <cstddef>
#include <vector>

namespace klab::offline {

class KdTree {
 public:
  KdTree() = default;
  // points: (N × dim) row-major; the tree keeps its own copy.
  KdTree(std::vector<double> points, int dim);
  int size() const { return n_; }
  int dim() const { return dim_; }
  const double* point(int i) const { return points_.data() + static_cast<size_t>(i) * static_cast<size_t>(dim_); }
  // Index of the nearest point to q (dim); −1 when the tree is empty or q has a NaN coordinate.
  int nearest(const double* q) const;

 private:
  struct Node {
    int begin = 0, end = 0;  // order_[begin, end): the node's points
    int split_dim = -1;      // −1: a leaf
    double split = 0.0;      // points of the left child have coordinate ≤ split, of the right ≥ split
    int left = -1, right = -1;
  };
  int build(int begin, int end);
  void search(int node, const double* q, int& best, double& best_d2) const;
  double distance2(int i, const double* q) const;

  std::vector<double> points_;  // (N × dim)
  std::vector<int> order_;      // (N) point indices, grouped by leaf
  std::vector<Node> nodes_;
  int n_ = 0, dim_ = 0;
};

// The reference: the argmin over (distance², index) by scanning every point.
int nearest_brute_force(const std::vector<double>& points, int dim, const double* q);

}  // namespace klab::offline
