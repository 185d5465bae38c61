#include "blackbox/categorical.hpp"

#include <algorithm>

#include "core/lab_math.hpp"
#include "core/samplers.hpp"

namespace klab::blackbox {
namespace {

constexpr int kClasses = 4;
constexpr double kClassWeights[kClasses] = {0.4, 0.3, 0.2, 0.1};  // π
constexpr double kPeak = 1.5;                                       // P(x_a = v | c) ∝ exp(kPeak·Z)

// The index of the first cumulative weight above u·total (inversion of a discrete law).
int invert(const double* weights, int count, double u) {
  double total = 0.0;
  for (int v = 0; v < count; ++v) total += weights[v];
  double below = 0.0;
  for (int v = 0; v + 1 < count; ++v)
    if (u * total < (below += weights[v])) return v;
  return count - 1;
}

}  // namespace

std::vector<int> categorical_levels(int dims) {
  std::vector<int> levels(static_cast<size_t>(dims));
  for (int a = 0; a < dims; ++a) levels[static_cast<size_t>(a)] = 2 + (3 * a + 6) % 7;
  return levels;
}

double categorical_domain_cells(const std::vector<int>& levels) {
  double cells = 1.0;
  for (int s : levels) cells *= s;
  return cells;
}

double marginal_cell_count(const std::vector<int>& levels, int k) {
  // e_j = Σ over j-subsets of the product of their sizes (elementary symmetric polynomials), by the
  // recurrence e_j ← e_j + s·e_{j−1} over the attributes.
  std::vector<double> e(static_cast<size_t>(k) + 1, 0.0);
  e[0] = 1.0;
  for (int s : levels)
    for (size_t j = e.size() - 1; j >= 1; --j) e[j] += s * e[j - 1];
  return e.back();
}

Rows make_categorical_data(int n, const std::vector<int>& levels, Rng& rng) {
  const size_t d = levels.size();
  std::vector<size_t> offset(d + 1, 0);  // attribute a's values at offset[a] .. offset[a + 1) of a class's table
  for (size_t a = 0; a < d; ++a) offset[a + 1] = offset[a] + static_cast<size_t>(levels[a]);
  std::vector<double> weight(kClasses * offset[d]);  // (classes, Σ_a s_a) exp(kPeak·Z)
  for (double& w : weight) w = math::exp(kPeak * sample_normal(rng, 0.0, 1.0));
  Rows rows;
  rows.dims = static_cast<int>(d);
  rows.v.resize(static_cast<size_t>(n) * d);
  for (int i = 0; i < n; ++i) {
    const size_t c = static_cast<size_t>(invert(kClassWeights, kClasses, rng.uniform()));
    double* x = rows[static_cast<size_t>(i)];
    for (size_t a = 0; a < d; ++a) x[a] = invert(&weight[c * offset[d] + offset[a]], levels[a], rng.uniform());
  }
  return rows;
}

std::vector<Query> marginal_cells(const std::vector<int>& levels, const std::vector<int>& attributes) {
  size_t cells = 1;
  for (int a : attributes) cells *= static_cast<size_t>(levels[static_cast<size_t>(a)]);
  std::vector<Query> qs(cells);
  for (size_t cell = 0; cell < cells; ++cell) {
    Query& q = qs[cell];
    q.kind = QueryKind::Marginal;
    q.attributes = attributes;
    size_t rest = cell;
    for (int a : attributes) {
      const size_t s = static_cast<size_t>(levels[static_cast<size_t>(a)]);
      q.values.push_back(static_cast<int>(rest % s));
      rest /= s;
    }
  }
  return qs;
}

double marginal_set_count(int dims, int k) {
  double c = 1.0;  // C(d − k + i, i) after step i, an integer at every step
  for (int i = 1; i <= k; ++i) c = c * (dims - k + i) / i;
  return c;
}

std::vector<std::vector<int>> marginal_sets(int dims, int k) {
  std::vector<std::vector<int>> sets;
  std::vector<int> subset(static_cast<size_t>(k));
  for (int t = 0; t < k; ++t) subset[static_cast<size_t>(t)] = t;
  while (true) {
    sets.push_back(subset);
    int t = k - 1;  // the next k-subset in lexicographic order
    while (t >= 0 && subset[static_cast<size_t>(t)] == dims - k + t) --t;
    if (t < 0) break;
    ++subset[static_cast<size_t>(t)];
    for (int u = t + 1; u < k; ++u) subset[static_cast<size_t>(u)] = subset[static_cast<size_t>(u) - 1] + 1;
  }
  return sets;
}

std::vector<std::vector<int>> sample_marginal_sets(int dims, int k, int count, Rng& rng) {
  const std::vector<std::vector<int>> all = marginal_sets(dims, k);
  std::vector<uint32_t> order(all.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
  for (size_t i = 0; i < static_cast<size_t>(count); ++i)  // position i takes a uniform one of the rest
    std::swap(order[i], order[i + rng.below(static_cast<uint32_t>(order.size() - i))]);
  order.resize(static_cast<size_t>(count));
  std::sort(order.begin(), order.end());
  std::vector<std::vector<int>> sets;
  for (uint32_t i : order) sets.push_back(all[i]);
  return sets;
}

std::vector<Query> marginal_workload(const std::vector<int>& levels, const std::vector<std::vector<int>>& sets) {
  std::vector<Query> qs;
  for (const std::vector<int>& set : sets) {
    const std::vector<Query> cells = marginal_cells(levels, set);
    qs.insert(qs.end(), cells.begin(), cells.end());
  }
  return qs;
}

std::vector<Query> make_marginal_queries(const std::vector<int>& levels, int k) {
  return marginal_workload(levels, marginal_sets(static_cast<int>(levels.size()), k));
}

std::vector<double> marginal_slice(const std::vector<int>& levels, int k, const std::vector<std::vector<int>>& sets, const std::vector<double>& all) {
  std::vector<double> slice;
  size_t offset = 0, next = 0;
  for (const std::vector<int>& set : marginal_sets(static_cast<int>(levels.size()), k)) {
    size_t cells = 1;
    for (int a : set) cells *= static_cast<size_t>(levels[static_cast<size_t>(a)]);
    if (next < sets.size() && sets[next] == set) {
      slice.insert(slice.end(), all.begin() + static_cast<std::ptrdiff_t>(offset), all.begin() + static_cast<std::ptrdiff_t>(offset + cells));
      ++next;
    }
    offset += cells;
  }
  return slice;
}

double fewest_marginal_cells(const std::vector<int>& levels, int k, int count) {
  std::vector<double> cells;
  for (const std::vector<int>& set : marginal_sets(static_cast<int>(levels.size()), k)) {
    double product = 1.0;
    for (int a : set) product *= levels[static_cast<size_t>(a)];
    cells.push_back(product);
  }
  std::sort(cells.begin(), cells.end());
  double sum = 0.0;
  for (size_t i = 0; i < std::min(cells.size(), static_cast<size_t>(count)); ++i) sum += cells[i];
  return sum;
}

}  // namespace klab::blackbox
