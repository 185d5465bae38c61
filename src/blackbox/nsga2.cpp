#include "blackbox/nsga2.hpp"

#include <algorithm>
#include <numeric>

#include "blackbox/disom.hpp"
#include "blackbox/nsga2_bits.hpp"  // nsga2_start_size
#include "blackbox/nsga2_current_crowding.hpp"
#include "blackbox/nsga2_reals.hpp"

namespace klab::blackbox {

int nsga2_doublings(int mu) {
  int d = 0;
  for (long long size = 4; size < mu; size *= 2) ++d;
  return d;
}

void evaluate(const Nsga2Settings& s, Individual& ind) {
  if (real_coded(s.benchmark)) zdt_objectives(s.benchmark, ind.z, &ind.f1, &ind.f2);
  else bits_objectives(s.benchmark, s.jump, ind.x, &ind.f1, &ind.f2);
}

FrontTarget nsga2_front(const Nsga2Settings& s, double delta) { return front_target(s.benchmark, s.n, s.jump, delta); }

namespace {

// The objectives of a population as two arrays (what the sorts, distances and metrics read).
void objectives_of(const std::vector<Individual>& population, std::vector<double>* f1, std::vector<double>* f2) {
  f1->clear(), f2->clear();
  for (const Individual& ind : population) f1->push_back(ind.f1), f2->push_back(ind.f2);
}

}  // namespace

int front_covered(const FrontTarget& t, const Nsga2Run& r) {
  std::vector<double> f1, f2;
  objectives_of(r.population, &f1, &f2);
  return targets_covered(t, f1, f2);
}

double population_hypervolume(const FrontTarget& t, const Nsga2Run& r) {
  std::vector<double> f1, f2;
  objectives_of(r.population, &f1, &f2);
  return hypervolume_2d(f1, f2, t.ref1, t.ref2);
}

std::vector<int> nondominated_ranks(const std::vector<double>& f1, const std::vector<double>& f2) {
  const int m = static_cast<int>(f1.size());
  std::vector<int> order(static_cast<size_t>(m)), rank(static_cast<size_t>(m));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return f1[a] > f1[b] || (f1[a] == f1[b] && (f2[a] > f2[b] || (f2[a] == f2[b] && a < b))); });
  // Points come in decreasing f1, so every earlier point q has q.f1 ≥ p.f1. Front k dominates p iff
  // its point of largest f2 (best2, with f1 = best1) has f2 > p.f2, or f2 = p.f2 and f1 > p.f1.
  std::vector<double> best1, best2;
  for (int p : order) {
    size_t k = 0;
    while (k < best2.size() && (best2[k] > f2[p] || (best2[k] == f2[p] && best1[k] > f1[p]))) ++k;
    if (k == best2.size()) best1.push_back(f1[p]), best2.push_back(f2[p]);
    else if (f2[p] > best2[k]) best1[k] = f1[p], best2[k] = f2[p];
    rank[static_cast<size_t>(p)] = static_cast<int>(k);
  }
  return rank;
}

std::vector<int> nondominated_ranks_reference(const std::vector<double>& f1, const std::vector<double>& f2) {
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

std::vector<double> crowding_distances(const std::vector<double>& f1, const std::vector<double>& f2, const std::vector<int>& rank) {
  const size_t m = f1.size();
  std::vector<double> d(m, 0.0);
  int fronts = 0;
  for (int r : rank) fronts = std::max(fronts, r + 1);
  std::vector<std::vector<int>> members(static_cast<size_t>(fronts));
  for (size_t i = 0; i < m; ++i) members[static_cast<size_t>(rank[i])].push_back(static_cast<int>(i));
  for (std::vector<int>& front : members)
    for (const std::vector<double>* f : {&f1, &f2}) {
      const std::vector<double>& v = *f;
      std::sort(front.begin(), front.end(), [&](int a, int b) { return v[a] < v[b] || (v[a] == v[b] && a < b); });
      const double range = v[front.back()] - v[front.front()];
      d[static_cast<size_t>(front.front())] = d[static_cast<size_t>(front.back())] = kInf;
      for (size_t k = 1; k + 1 < front.size(); ++k)
        if (range > 0) d[static_cast<size_t>(front[k])] += (v[front[k + 1]] - v[front[k - 1]]) / range;
    }
  return d;
}

namespace {

void random_individual(const Nsga2Settings& s, Rng& rng, Individual& ind) {
  if (real_coded(s.benchmark)) {
    ind.z.resize(static_cast<size_t>(s.n));
    for (double& v : ind.z) v = rng.uniform();
  } else {
    ind.x.resize(static_cast<size_t>(s.n));
    for (uint8_t& v : ind.x) v = static_cast<uint8_t>(rng.next_u32() >> 31);
  }
  evaluate(s, ind);
}

// Standard bit mutation of a copy of `parent` (bits).
Individual bit_mutant(const Nsga2Settings& s, const std::vector<double>& flip_cdf, Rng& rng, const Individual& parent) {
  Individual child = parent;
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
  return child;
}

// Binary tournament with the crowded comparison (reals): two uniform picks, the lower rank wins,
// then the larger crowding distance, then the first pick.
const Individual& tournament(const Nsga2Run& r, Rng& rng) {
  const uint32_t size = static_cast<uint32_t>(r.population.size());
  const Individual& a = r.population[rng.below(size)];
  const Individual& b = r.population[rng.below(size)];
  if (b.rank < a.rank || (b.rank == a.rank && b.crowding > a.crowding)) return b;
  return a;
}

// Ranks and crowding distances of a population (read by the real-coded tournaments); `rank`, when
// given, its non-dominated ranks (else sorted here).
void set_ranks_and_crowding(std::vector<Individual>& population, std::vector<int> rank = {}) {
  std::vector<double> f1, f2;
  objectives_of(population, &f1, &f2);
  if (rank.empty()) rank = nondominated_ranks(f1, f2);
  const std::vector<double> dist = crowding_distances(f1, f2, rank);
  for (size_t i = 0; i < population.size(); ++i) population[i].rank = rank[i], population[i].crowding = dist[i];
}

// `count` offspring of r's population, evaluated, appended to `all`.
void append_nsga2_offspring(const Nsga2Settings& s, const std::vector<double>& flip_cdf, Rng& rng, const Nsga2Run& r, int count,
                            std::vector<Individual>& all) {
  all.reserve(all.size() + static_cast<size_t>(count));
  if (real_coded(s.benchmark)) {
    for (int j = 0; j < count; j += 2) {  // pairs of tournament winners; an odd count drops the last child
      Individual c1 = tournament(r, rng), c2 = tournament(r, rng);
      nsga2_real_variation(s.n, rng, c1.z.data(), c2.z.data(), c1.z.data(), c2.z.data());  // SBX, then mutation, in place (nsga2_reals.hpp)
      evaluate(s, c1), all.push_back(std::move(c1));
      if (j + 1 < count) evaluate(s, c2), all.push_back(std::move(c2));
    }
  } else {
    for (int j = 0; j < count; ++j)  // fair selection: parent j mod N
      all.push_back(bit_mutant(s, flip_cdf, rng, r.population[static_cast<size_t>(j % r.size)])), evaluate(s, all.back());
  }
}

// The copy's Algorithm 1 survival: `keep` of `all`, whole fronts in rank order, the critical front
// truncated by the current crowding distance; the survivors in their order in `all`, with their ranks
// and crowding distances among the survivors. One sort serves both: a survivor's dominators lie in
// earlier fronts, which stay whole, so its rank among the survivors is its rank in `all`.
std::vector<Individual> current_crowding_survivors(std::vector<Individual>& all, int keep) {
  std::vector<double> f1, f2;
  objectives_of(all, &f1, &f2);
  const std::vector<int> rank = nondominated_ranks(f1, f2);
  std::vector<int> count;  // members per front
  for (int k : rank) count.resize(std::max(count.size(), static_cast<size_t>(k) + 1)), ++count[static_cast<size_t>(k)];
  const int fronts = static_cast<int>(count.size());
  int critical = 0, taken = 0;  // the whole fronts before `critical` fit
  while (critical < fronts && taken + count[static_cast<size_t>(critical)] <= keep) taken += count[static_cast<size_t>(critical++)];
  std::vector<char> stays(all.size(), 0);
  std::vector<int> front;  // the critical front: keep − taken of it stay
  for (size_t i = 0; i < all.size(); ++i) {
    if (rank[i] < critical) stays[i] = 1;
    if (rank[i] == critical && taken < keep) stays[i] = 1, front.push_back(static_cast<int>(i));
  }
  for (int i : current_crowding_removals(f1, f2, front, taken + static_cast<int>(front.size()) - keep)) stays[static_cast<size_t>(i)] = 0;
  std::vector<Individual> survivors;
  std::vector<int> survivor_rank;
  for (size_t i = 0; i < all.size(); ++i)
    if (stays[i]) survivors.push_back(std::move(all[i])), survivor_rank.push_back(rank[i]);
  set_ranks_and_crowding(survivors, std::move(survivor_rank));  // the critical front's distances change
  return survivors;
}

// One generation of the dNSGA-II as the copy's Algorithm 1 shows it (nsga2.hpp).
void paper_dnsga2_generation(const Nsga2Settings& s, const std::vector<double>& flip_cdf, Rng& rng, Nsga2Run& r) {
  const int parents = r.size;
  std::vector<Individual> all = r.population;
  append_nsga2_offspring(s, flip_cdf, rng, r, parents, all);
  r.evaluations += parents;
  r.since_doubling += parents;  // w
  ++r.generations;
  int keep = parents;
  if (parents < s.mu && r.since_doubling >= s.tau) keep = std::min(2 * parents, s.mu), r.since_doubling = 0;  // P ∪ Q (capped at μ)
  r.population = current_crowding_survivors(all, keep);
  r.size = keep;
  // Best first, as the lab's survival orders them: the lower index wins the next generation's ties in
  // crowding distance. (Left in age order, parents before offspring, the ties keep the oldest copies:
  // on LOTZ that made the dNSGA-II 2.5 times slower at n = 64; README.)
  std::stable_sort(r.population.begin(), r.population.end(),
                   [](const Individual& a, const Individual& b) { return a.rank < b.rank || (a.rank == b.rank && a.crowding > b.crowding); });
}

}  // namespace

Nsga2Run nsga2_start(const Nsga2Settings& s, Rng& rng) {
  Nsga2Run r;
  r.size = nsga2_start_size(s.mu, s.dynamic);
  r.population.resize(static_cast<size_t>(r.size));
  for (Individual& ind : r.population) random_individual(s, rng, ind);
  r.evaluations = r.size;
  // w (nsga2.hpp): the lab's reading counts the initial evaluations, Algorithm 1 offspring only; the
  // ⁺ variant starts it (d − 1)τ lower.
  r.since_doubling = s.form == Dnsga2Form::Paper ? 0 : r.size;
  if (s.dynamic && s.plus) r.since_doubling -= std::max(nsga2_doublings(s.mu) - 1, 0) * s.tau;
  set_ranks_and_crowding(r.population);
  return r;
}

void nsga2_generation(const Nsga2Settings& s, const std::vector<double>& flip_cdf, Rng& rng, Nsga2Run& r) {
  if (s.dynamic && s.form == Dnsga2Form::Paper) return paper_dnsga2_generation(s, flip_cdf, rng, r);
  const int parents = r.size;
  int next = parents;
  if (s.dynamic && parents < s.mu && r.since_doubling >= s.tau) next = std::min(2 * parents, s.mu), r.since_doubling = 0;
  std::vector<Individual> all = r.population;
  append_nsga2_offspring(s, flip_cdf, rng, r, next, all);
  r.evaluations += next;
  r.since_doubling += next;
  ++r.generations;
  std::vector<double> f1, f2;
  objectives_of(all, &f1, &f2);
  const std::vector<int> rank = nondominated_ranks(f1, f2);
  const std::vector<double> dist = crowding_distances(f1, f2, rank);
  std::vector<int> order(all.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return rank[static_cast<size_t>(a)] < rank[static_cast<size_t>(b)] ||
           (rank[static_cast<size_t>(a)] == rank[static_cast<size_t>(b)] && dist[static_cast<size_t>(a)] > dist[static_cast<size_t>(b)]);
  });
  std::vector<Individual> survivors;
  survivors.reserve(static_cast<size_t>(next));
  for (int i = 0; i < next; ++i) {
    const size_t k = static_cast<size_t>(order[static_cast<size_t>(i)]);
    survivors.push_back(std::move(all[k]));
    survivors.back().rank = rank[k], survivors.back().crowding = dist[k];
  }
  r.population = std::move(survivors);
  r.size = next;
}

}  // namespace klab::blackbox
