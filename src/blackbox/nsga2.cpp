#include "blackbox/nsga2.hpp"

#include <algorithm>
#include <numeric>

#include "blackbox/disom.hpp"

namespace klab::blackbox {

void evaluate(Benchmark b, Individual& ind) {
  const int n = static_cast<int>(ind.x.size());
  switch (b) {
    case Benchmark::OneMinMax: {
      int ones = 0;
      for (uint8_t v : ind.x) ones += v;
      ind.f1 = n - ones, ind.f2 = ones;
      return;
    }
    case Benchmark::Lotz: {
      int lo = 0, tz = 0;
      while (lo < n && ind.x[static_cast<size_t>(lo)]) ++lo;
      while (tz < n && !ind.x[static_cast<size_t>(n - 1 - tz)]) ++tz;
      ind.f1 = lo, ind.f2 = tz;
      return;
    }
  }
}

int front_covered(const Nsga2Settings& s, const Nsga2Run& r) {
  std::vector<uint8_t> seen(static_cast<size_t>(s.n + 1), 0);
  int count = 0;
  for (const Individual& ind : r.population)
    if (ind.f1 + ind.f2 == s.n && !seen[static_cast<size_t>(ind.f1)]) seen[static_cast<size_t>(ind.f1)] = 1, ++count;
  return count;
}

std::vector<int> nondominated_ranks(const std::vector<int>& f1, const std::vector<int>& f2) {
  const int m = static_cast<int>(f1.size());
  std::vector<int> order(static_cast<size_t>(m)), rank(static_cast<size_t>(m));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return f1[a] > f1[b] || (f1[a] == f1[b] && (f2[a] > f2[b] || (f2[a] == f2[b] && a < b))); });
  // Points come in decreasing f1, so every earlier point q has q.f1 ≥ p.f1. Front k dominates p iff
  // its point of largest f2 (best2, with f1 = best1) has f2 > p.f2, or f2 = p.f2 and f1 > p.f1.
  std::vector<int> best1, best2;
  for (int p : order) {
    size_t k = 0;
    while (k < best2.size() && (best2[k] > f2[p] || (best2[k] == f2[p] && best1[k] > f1[p]))) ++k;
    if (k == best2.size()) best1.push_back(f1[p]), best2.push_back(f2[p]);
    else if (f2[p] > best2[k]) best1[k] = f1[p], best2[k] = f2[p];
    rank[static_cast<size_t>(p)] = static_cast<int>(k);
  }
  return rank;
}

std::vector<int> nondominated_ranks_reference(const std::vector<int>& f1, const std::vector<int>& f2) {
  const size_t m = f1.size();
  std::vector<int> rank(m, -1);
  auto dominates = [&](size_t a, size_t b) { return f1[a] >= f1[b] && f2[a] >= f2[b] && (f1[a] > f1[b] || f2[a] > f2[b]); };
  for (int front = 0, left = static_cast<int>(m); left > 0; ++front) {
    std::vector<size_t> now;
    for (size_t p = 0; p < m; ++p) {
      if (rank[p] >= 0) continue;
      bool free = true;
      for (size_t q = 0; q < m && free; ++q) free = !(rank[q] < 0 && dominates(q, p));
      if (free) now.push_back(p);
    }
    for (size_t p : now) rank[p] = front;
    left -= static_cast<int>(now.size());
  }
  return rank;
}

namespace {

void random_individual(int n, Rng& rng, Individual& ind) {
  ind.x.resize(static_cast<size_t>(n));
  for (uint8_t& v : ind.x) v = static_cast<uint8_t>(rng.next_u32() >> 31);
}

// Crowding distance of each point (Deb et al. 2002): per objective, sort the front; the two
// ends get ∞, the others the normalised gap between their neighbours; summed over objectives.
std::vector<double> crowding(const std::vector<int>& f1, const std::vector<int>& f2, const std::vector<int>& rank) {
  const size_t m = f1.size();
  std::vector<double> d(m, 0.0);
  int fronts = 0;
  for (int r : rank) fronts = std::max(fronts, r + 1);
  std::vector<std::vector<int>> members(static_cast<size_t>(fronts));
  for (size_t i = 0; i < m; ++i) members[static_cast<size_t>(rank[i])].push_back(static_cast<int>(i));
  for (std::vector<int>& front : members)
    for (const std::vector<int>* f : {&f1, &f2}) {
      const std::vector<int>& v = *f;
      std::sort(front.begin(), front.end(), [&](int a, int b) { return v[a] < v[b] || (v[a] == v[b] && a < b); });
      const double range = v[front.back()] - v[front.front()];
      d[static_cast<size_t>(front.front())] = d[static_cast<size_t>(front.back())] = kInf;
      for (size_t k = 1; k + 1 < front.size(); ++k)
        if (range > 0) d[static_cast<size_t>(front[k])] += (v[front[k + 1]] - v[front[k - 1]]) / range;
    }
  return d;
}

}  // namespace

Nsga2Run nsga2_start(const Nsga2Settings& s, Rng& rng) {
  Nsga2Run r;
  r.size = s.dynamic ? std::min(4, s.mu) : s.mu;
  r.population.resize(static_cast<size_t>(r.size));
  for (Individual& ind : r.population) random_individual(s.n, rng, ind), evaluate(s.benchmark, ind);
  r.evaluations = r.size;
  r.since_doubling = r.size;
  return r;
}

void nsga2_generation(const Nsga2Settings& s, const std::vector<double>& flip_cdf, Rng& rng, Nsga2Run& r) {
  const int parents = r.size;
  int next = parents;
  if (s.dynamic && parents < s.mu && r.since_doubling >= s.tau) next = std::min(2 * parents, s.mu), r.since_doubling = 0;
  std::vector<Individual> all = r.population;
  all.reserve(static_cast<size_t>(parents + next));
  for (int j = 0; j < next; ++j) {  // fair selection: parent j mod N
    Individual child = r.population[static_cast<size_t>(j % parents)];
    const double u = rng.uniform();
    int k = 0;
    while (k < kMaxFlips && !(u < flip_cdf[static_cast<size_t>(k)])) ++k;
    k = std::min(k, s.n);
    int flipped[kMaxFlips];
    for (int f = 0; f < k; ++f) {  // k distinct positions
      int pos;
      bool fresh;
      do {
        pos = static_cast<int>(rng.below(static_cast<uint32_t>(s.n)));
        fresh = std::find(flipped, flipped + f, pos) == flipped + f;
      } while (!fresh);
      flipped[f] = pos;
      child.x[static_cast<size_t>(pos)] ^= 1;
    }
    evaluate(s.benchmark, child);
    all.push_back(std::move(child));
  }
  r.evaluations += next;
  r.since_doubling += next;
  ++r.generations;
  std::vector<int> f1(all.size()), f2(all.size());
  for (size_t i = 0; i < all.size(); ++i) f1[i] = all[i].f1, f2[i] = all[i].f2;
  const std::vector<int> rank = nondominated_ranks(f1, f2);
  const std::vector<double> dist = crowding(f1, f2, rank);
  std::vector<int> order(all.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return rank[static_cast<size_t>(a)] < rank[static_cast<size_t>(b)] ||
           (rank[static_cast<size_t>(a)] == rank[static_cast<size_t>(b)] && dist[static_cast<size_t>(a)] > dist[static_cast<size_t>(b)]);
  });
  std::vector<Individual> survivors;
  survivors.reserve(static_cast<size_t>(next));
  for (int i = 0; i < next; ++i) survivors.push_back(std::move(all[static_cast<size_t>(order[static_cast<size_t>(i)])]));
  r.population = std::move(survivors);
  r.size = next;
}

}  // namespace klab::blackbox
