#include "blackbox/nsga2_current_crowding.hpp"

#include <algorithm>
#include <numeric>
#include <queue>

#include "blackbox/nsga2.hpp"  // crowding_distances
#include "core/portable.hpp"   // kInf

namespace klab::blackbox {

std::vector<int> current_crowding_removals_reference(const std::vector<double>& f1, const std::vector<double>& f2, std::vector<int> members,
                                                     int count) {
  std::sort(members.begin(), members.end());  // local order = index order: crowding_distances' ties as above
  std::vector<int> removed;
  for (int c = 0; c < count && !members.empty(); ++c) {
    std::vector<double> g1, g2;
    for (int i : members) g1.push_back(f1[static_cast<size_t>(i)]), g2.push_back(f2[static_cast<size_t>(i)]);
    const std::vector<double> d = crowding_distances(g1, g2, std::vector<int>(members.size(), 0));
    size_t worst = 0;
    for (size_t k = 1; k < d.size(); ++k)
      if (d[k] <= d[worst]) worst = k;  // ties: the higher index
    removed.push_back(members[worst]);
    members.erase(members.begin() + static_cast<std::ptrdiff_t>(worst));
  }
  return removed;
}

std::vector<int> current_crowding_removals(const std::vector<double>& f1, const std::vector<double>& f2, std::vector<int> members, int count) {
  std::sort(members.begin(), members.end());
  const int m = static_cast<int>(members.size());
  count = std::min(count, m);
  std::vector<int> removed;
  if (count <= 0) return removed;
  // Local ids j = 0..m−1 (members[j]); per objective o the sorted list as prev/next links (−1 past an end).
  const std::vector<double>* f[2] = {&f1, &f2};
  auto value = [&](int o, int j) { return (*f[o])[static_cast<size_t>(members[static_cast<size_t>(j)])]; };
  std::vector<int> prev[2], next[2];
  std::vector<double> term[2];
  double range[2];
  for (int o = 0; o < 2; ++o) {
    std::vector<int> order(static_cast<size_t>(m));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return value(o, a) < value(o, b) || (value(o, a) == value(o, b) && a < b); });
    prev[o].assign(static_cast<size_t>(m), -1), next[o].assign(static_cast<size_t>(m), -1), term[o].assign(static_cast<size_t>(m), 0.0);
    for (int k = 0; k + 1 < m; ++k) next[o][static_cast<size_t>(order[static_cast<size_t>(k)])] = order[static_cast<size_t>(k + 1)];
    for (int k = 1; k < m; ++k) prev[o][static_cast<size_t>(order[static_cast<size_t>(k)])] = order[static_cast<size_t>(k - 1)];
    range[o] = value(o, order.back()) - value(o, order.front());
  }
  auto interior = [&](int o, int j) { return prev[o][static_cast<size_t>(j)] >= 0 && next[o][static_cast<size_t>(j)] >= 0; };
  auto set_term = [&](int o, int j) {  // (v_next − v_prev) / range, as crowding_distances computes it
    if (interior(o, j) && range[o] > 0)
      term[o][static_cast<size_t>(j)] = (value(o, next[o][static_cast<size_t>(j)]) - value(o, prev[o][static_cast<size_t>(j)])) / range[o];
  };
  auto distance = [&](int j) {  // 0, plus the f₁ term, plus the f₂ term: crowding_distances' additions
    if (!interior(0, j) || !interior(1, j)) return kInf;
    double d = 0.0;
    if (range[0] > 0) d += term[0][static_cast<size_t>(j)];
    if (range[1] > 0) d += term[1][static_cast<size_t>(j)];
    return d;
  };
  struct Entry {
    double d;
    int j;
  };
  // The heap's top: the smallest distance, then the highest index. Entries go stale when a
  // neighbour's removal changes a distance; an entry counts while its member lives and holds it.
  auto after = [](const Entry& a, const Entry& b) { return a.d > b.d || (a.d == b.d && a.j < b.j); };
  std::priority_queue<Entry, std::vector<Entry>, decltype(after)> heap(after);
  std::vector<double> current(static_cast<size_t>(m));
  std::vector<char> alive(static_cast<size_t>(m), 1);
  for (int j = 0; j < m; ++j) {
    set_term(0, j), set_term(1, j);
    current[static_cast<size_t>(j)] = distance(j);
    heap.push({current[static_cast<size_t>(j)], j});
  }
  while (static_cast<int>(removed.size()) < count) {
    while (!alive[static_cast<size_t>(heap.top().j)] || heap.top().d != current[static_cast<size_t>(heap.top().j)]) heap.pop();
    const int j = heap.top().j;
    if (current[static_cast<size_t>(j)] == kInf) break;  // every member left is an end: the recompute below
    heap.pop();
    alive[static_cast<size_t>(j)] = 0;
    removed.push_back(members[static_cast<size_t>(j)]);
    int touched[4];
    for (int o = 0; o < 2; ++o) {  // j is interior in both lists: unlink it, its neighbours' term o changes
      const int p = prev[o][static_cast<size_t>(j)], q = next[o][static_cast<size_t>(j)];
      next[o][static_cast<size_t>(p)] = q, prev[o][static_cast<size_t>(q)] = p;
      set_term(o, p), set_term(o, q);
      touched[2 * o] = p, touched[2 * o + 1] = q;
    }
    for (int k : touched) {
      current[static_cast<size_t>(k)] = distance(k);
      heap.push({current[static_cast<size_t>(k)], k});
    }
  }
  if (static_cast<int>(removed.size()) < count) {
    std::vector<int> left;
    for (int j = 0; j < m; ++j)
      if (alive[static_cast<size_t>(j)]) left.push_back(members[static_cast<size_t>(j)]);
    for (int i : current_crowding_removals_reference(f1, f2, left, count - static_cast<int>(removed.size()))) removed.push_back(i);
  }
  return removed;
}

}  // namespace klab::blackbox
