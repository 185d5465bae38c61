// blackbox.nsga2's benchmarks and metrics (mo_problems.hpp): hypervolume against hand-computed
// areas and a unit-cell count, OneJumpZeroJump against its definition by enumeration, the ZDT fronts
// against their closed forms and published values, front coverage, bad parameters, the dNSGA-II's
// and ⁺ variant's population sizes and Algorithm 2's phase order worked by hand (nsga2_concurrent.hpp),
// the current crowding distance's fast removal order against its recompute, and dnsga2_form=paper.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "blackbox/disom.hpp"
#include "blackbox/mo_problems.hpp"
#include "blackbox/nsga2_concurrent.hpp"
#include "blackbox/nsga2_current_crowding.hpp"
#include "blackbox/nsga2_experiment.hpp"
#include "core/batch.hpp"
#include "core/rng.hpp"

namespace {

using klab::blackbox::Benchmark;

// Hypervolume by counting unit cells [a, a + 1] × [b, b + 1] above the (integer) reference point
// whose upper corner some (integer) point weakly dominates.
double hypervolume_by_cells(const std::vector<double>& y1, const std::vector<double>& y2, int ref1, int ref2, int top) {
  double cells = 0;
  for (int a = ref1; a < top; ++a)
    for (int b = ref2; b < top; ++b) {
      bool dominated = false;
      for (size_t i = 0; i < y1.size() && !dominated; ++i) dominated = y1[i] >= a + 1 && y2[i] >= b + 1;
      cells += dominated;
    }
  return cells;
}

// Jump_k(m) of a count m out of n (Doerr & Zheng): k + m if m ≤ n − k or m = n, else n − m.
int jump_of_count(int m, int n, int k) { return m <= n - k || m == n ? k + m : n - m; }

}  // namespace

TEST_CASE("blackbox.nsga2: the hypervolume equals hand-computed areas and a unit-cell count") {
  using klab::blackbox::hypervolume_2d;
  CHECK(hypervolume_2d({2}, {3}, 0, 0) == 6.0);
  CHECK(hypervolume_2d({3, 1}, {1, 3}, 0, 0) == 5.0);                      // 3·1 + 1·3 − the shared 1·1
  CHECK(hypervolume_2d({3, 2, 1, 1, 2}, {1, 2, 3, 1, 2}, 0, 0) == 6.0);    // staircase 3 + 2 + 1; a dominated point and a duplicate add nothing
  CHECK(hypervolume_2d({3, -1}, {1, 5}, 0, 0) == 3.0);                     // a point outside the reference box adds nothing
  CHECK(hypervolume_2d({2, 1, 0}, {0, 1, 2}, -1, -1) == 6.0);              // OneMinMax, n = 2, reference (−1, −1): 3 + 2 + 1
  CHECK(hypervolume_2d({}, {}, 0, 0) == 0.0);
  CHECK(hypervolume_2d({0.5, 0.25}, {0.25, 0.5}, 0, 0) == doctest::Approx(0.1875).epsilon(1e-15));
  klab::Rng r(41, 0, 0);
  for (int trial = 0; trial < 40; ++trial) {
    const size_t m = 1 + r.below(12);
    std::vector<double> y1(m), y2(m);
    for (size_t i = 0; i < m; ++i) y1[i] = static_cast<double>(r.below(9)) - 2.0, y2[i] = static_cast<double>(r.below(9)) - 2.0;
    CHECK(hypervolume_2d(y1, y2, -1, -1) == hypervolume_by_cells(y1, y2, -1, -1, 7));
  }
}

TEST_CASE("blackbox.nsga2: OneJumpZeroJump equals its definition on every string of small n, and its front is the non-dominated set") {
  for (const std::pair<int, int>& size_and_gap : std::vector<std::pair<int, int>>{{8, 2}, {9, 3}, {10, 4}, {6, 1}}) {
    const int n = size_and_gap.first, k = size_and_gap.second;  // named copies: clang (wasm) cannot CAPTURE structured bindings in C++17
    CAPTURE(n);
    CAPTURE(k);
    std::set<std::pair<double, double>> values;
    for (uint32_t bits = 0; bits < (1u << n); ++bits) {
      std::vector<uint8_t> x(static_cast<size_t>(n));
      int ones = 0;
      for (int i = 0; i < n; ++i) ones += x[static_cast<size_t>(i)] = static_cast<uint8_t>((bits >> i) & 1u);
      double f1 = 0, f2 = 0;
      klab::blackbox::bits_objectives(Benchmark::OneJumpZeroJump, k, x, &f1, &f2);
      CHECK(f1 == jump_of_count(ones, n, k));
      CHECK(f2 == jump_of_count(n - ones, n, k));
      values.insert({f1, f2});
    }
    // The non-dominated values among all 2ⁿ strings are the front_target's, n − 2k + 3 of them.
    std::set<std::pair<double, double>> front;
    for (const auto& v : values) {
      bool dominated = false;
      for (const auto& w : values) dominated = dominated || (w.first >= v.first && w.second >= v.second && w != v);
      if (!dominated) front.insert(v);
    }
    const klab::blackbox::FrontTarget t = klab::blackbox::front_target(Benchmark::OneJumpZeroJump, n, k, 0.0);
    std::set<std::pair<double, double>> target;
    for (size_t i = 0; i < t.f1.size(); ++i) target.insert({t.f1[i], t.f2[i]});
    CHECK(front == target);
    CHECK(target.size() == static_cast<size_t>(n - 2 * k + 3));
    CHECK(target.count({k, n + k}) == 1);  // 0ⁿ
    CHECK(target.count({n + k, k}) == 1);  // 1ⁿ
  }
}

TEST_CASE("blackbox.nsga2: the ZDT fronts match their closed forms and published values") {
  using klab::blackbox::front_target;
  // On the Pareto set (z₂ = … = zₙ = 0, g = 1) f₂ is the front's closed form.
  for (double a : {0.0, 0.04, 0.3, 0.77, 1.0}) {
    std::vector<double> z(30, 0.0);
    z[0] = a;
    double f1 = 0, f2 = 0;
    klab::blackbox::zdt_objectives(Benchmark::Zdt1, z, &f1, &f2);
    CHECK(-f1 == a);
    CHECK(-f2 == doctest::Approx(1.0 - std::sqrt(a)).epsilon(1e-15));
    klab::blackbox::zdt_objectives(Benchmark::Zdt2, z, &f1, &f2);
    CHECK(-f2 == doctest::Approx(1.0 - a * a).epsilon(1e-15));
    klab::blackbox::zdt_objectives(Benchmark::Zdt3, z, &f1, &f2);
    CHECK(-f2 == doctest::Approx(1.0 - std::sqrt(a) - a * std::sin(10.0 * M_PI * a)).epsilon(1e-12));
    z[5] = 0.5;  // off the Pareto set: g = 1 + 9·0.5/29
    klab::blackbox::zdt_objectives(Benchmark::Zdt1, z, &f1, &f2);
    const double g = 1.0 + 4.5 / 29.0;
    CHECK(-f2 == doctest::Approx(g * (1.0 - std::sqrt(a / g))).epsilon(1e-14));
  }
  // True hypervolumes, reference (1.1, 1.1): ∫₀¹(1.1 − front(a))da + 0.1·1.1 (the strip past f₁ = 1).
  CHECK(front_target(Benchmark::Zdt1, 30, 0, 0.01).hypervolume == doctest::Approx(0.1 + 2.0 / 3.0 + 0.11).epsilon(2e-4));
  CHECK(front_target(Benchmark::Zdt2, 30, 0, 0.01).hypervolume == doctest::Approx(0.1 + 1.0 / 3.0 + 0.11).epsilon(2e-4));
  // ZDT3: the non-dominated part of 1 − √f₁ − f₁ sin(10πf₁) is five pieces (published f₁ ranges), min f₂ = −0.773369.
  const klab::blackbox::FrontTarget t = front_target(Benchmark::Zdt3, 30, 0, 0.01);
  const double pieces[5][2] = {{0.0, 0.0830015349}, {0.1822287280, 0.2577623634}, {0.4093136748, 0.4538821041}, {0.6183967944, 0.6525117038}, {0.8233317983, 0.8518328654}};
  int in_piece[5] = {0, 0, 0, 0, 0};
  double lowest = 1.0;
  for (size_t i = 0; i < t.curve1.size(); ++i) {
    const double a = -t.curve1[i];
    int piece = -1;
    for (int p = 0; p < 5; ++p)
      if (a >= pieces[p][0] - 1e-4 && a <= pieces[p][1] + 1e-4) piece = p;
    CHECK(piece >= 0);
    if (piece >= 0) ++in_piece[piece];
    lowest = std::min(lowest, -t.curve2[i]);
  }
  for (int p = 0; p < 5; ++p) CHECK(in_piece[p] >= static_cast<int>((pieces[p][1] - pieces[p][0]) * 1e4) - 1);  // every piece is there, grid step 10⁻⁴
  CHECK(lowest == doctest::Approx(-0.773369).epsilon(1e-5));
  CHECK(t.f1.size() == 100);
}

TEST_CASE("blackbox.nsga2: coverage counts the front values held (bits) and the targets within δ (ZDT)") {
  using klab::blackbox::targets_covered;
  const klab::blackbox::FrontTarget omm = klab::blackbox::front_target(Benchmark::OneMinMax, 4, 0, 0.0);
  CHECK(targets_covered(omm, {0, 1, 2, 3, 4}, {4, 3, 2, 1, 0}) == 5);
  CHECK(targets_covered(omm, {0, 1, 3, 4, 4, 1}, {4, 3, 1, 0, 0, 2}) == 4);  // (2, 2) missing; duplicates and a dominated point count nothing
  const klab::blackbox::FrontTarget z = klab::blackbox::front_target(Benchmark::Zdt1, 30, 0, 0.01);
  std::vector<double> y1(z.f1), y2(z.f2);
  for (double& v : y2) v -= 0.005;  // every member within δ/2 above (in f₂) its target
  CHECK(targets_covered(z, y1, y2) == 100);
  for (double& v : y1) v -= 0.015;  // 1.5δ off in both objectives: a member that is within δ of a target in f₁
  for (double& v : y2) v -= 0.01;   // has a larger f₁, hence (the front falls) a worse f₂ by more than δ
  CHECK(targets_covered(z, y1, y2) == 0);
}

TEST_CASE("blackbox.nsga2: a jump gap too large for the smallest n is refused by name") {
  klab::blackbox::Nsga2Experiment e;
  const klab::Status s = e.params().set_texts({{"benchmark", "ojzj"}, {"jump", "9"}, {"n_min", "16"}});
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("'jump'") != std::string::npos);
  CHECK(e.params().set_texts({{"benchmark", "ojzj"}, {"jump", "8"}, {"n_min", "16"}}).ok());
}

TEST_CASE("blackbox.nsga2: the population size after w evaluations, dNSGA-II and ⁺ (n = 16, μ = 68, τ = 64, worked by hand)") {
  using klab::blackbox::nsga2_doublings;
  CHECK(nsga2_doublings(4) == 0);
  CHECK(nsga2_doublings(5) == 1);
  CHECK(nsga2_doublings(8) == 1);
  CHECK(nsga2_doublings(9) == 2);
  CHECK(nsga2_doublings(68) == 5);  // 4 → 8 → 16 → 32 → 64 → 68
  // The counter w starts at the 4 initial evaluations; a generation doubles when w ≥ τ (its N parents
  // create 2N offspring, w = 2N). Size 4 until w ≥ 64 (evaluation 64), then 8 after evaluation 72, 16
  // after 72 + 7·8 + 16 = 144, 32 after 144 + 3·16 + 32 = 224, 64 after 224 + 32 + 64 = 320, μ = 68
  // after 388. The ⁺ variant's w starts (d − 1)τ = 256 lower: every change 256 evaluations later.
  for (const bool plus : {false, true}) {
    CAPTURE(plus);
    klab::blackbox::Nsga2Settings s;
    s.n = 16, s.mu = 68, s.dynamic = true, s.tau = 64, s.plus = plus;
    klab::Rng rng(3, 0, 0);
    const std::vector<double> cdf = klab::blackbox::flip_count_cdf(s.n);
    klab::blackbox::Nsga2Run r = klab::blackbox::nsga2_start(s, rng);
    std::vector<std::pair<long long, int>> changes;
    while (r.evaluations < 1000) {
      const int before = r.size;
      klab::blackbox::nsga2_generation(s, cdf, rng, r);
      if (r.size != before) changes.push_back({r.evaluations, r.size});
    }
    const long long shift = plus ? 256 : 0;
    const std::vector<std::pair<long long, int>> expected{{72 + shift, 8}, {144 + shift, 16}, {224 + shift, 32}, {320 + shift, 64}, {388 + shift, 68}};
    CHECK(changes == expected);
  }
}

TEST_CASE("blackbox.nsga2: Algorithm 2's phase lengths and phase order (μ = 16, d = 2, worked by hand)") {
  using klab::blackbox::ConcurrentSchedule;
  using klab::blackbox::concurrent_phase_length;
  // max{2^i, 4·2^min(φ, d)}; ⁺: phase 0 is d·2^i.
  CHECK(concurrent_phase_length(2, false, 2, 0) == 4);
  CHECK(concurrent_phase_length(2, false, 2, 1) == 8);
  CHECK(concurrent_phase_length(2, false, 2, 5) == 16);
  CHECK(concurrent_phase_length(2, false, 5, 1) == 32);
  CHECK(concurrent_phase_length(2, true, 3, 0) == 16);
  CHECK(concurrent_phase_length(2, true, 3, 1) == 8);
  // (i, φ, length) in order; cost r_i + PhaseLength at each pick, ties to the smallest i:
  //   A2 (cost 4) · A3 (8) · A2 (12) · A3 (16, tie with A4 unstarted) · A4 (16) · A2 (28) · A3 (32) ·
  //   A4 (32, tie with A5 unstarted) · A5 (32) · A2 (44).
  const std::vector<std::vector<long long>> plain{{2, 0, 4}, {3, 0, 8}, {2, 1, 8}, {3, 1, 8}, {4, 0, 16},
                                                  {2, 2, 16}, {3, 2, 16}, {4, 1, 16}, {5, 0, 32}, {2, 3, 16}};
  //   ⁺: A2 (8) · A2 (16, tie with A3 unstarted) · A3 (16) · A3 (24) · A2 (32, tie with A4) · A4 (32).
  const std::vector<std::vector<long long>> plus{{2, 0, 8}, {2, 1, 8}, {3, 0, 16}, {3, 1, 8}, {2, 2, 16}, {4, 0, 32}};
  for (const bool p : {false, true}) {
    CAPTURE(p);
    ConcurrentSchedule schedule(2, p);
    for (const std::vector<long long>& want : p ? plus : plain) {
      const ConcurrentSchedule::Phase got = schedule.next();
      CHECK(std::vector<long long>{got.instance, got.phase, got.length} == want);
    }
    CHECK(schedule.granted(2) == (p ? 32 : 44));  // r_2: the sum of A_2's phase lengths above
    CHECK(schedule.granted(3) == (p ? 24 : 32));
  }
}

TEST_CASE("blackbox.nsga2: the concurrent runs start A_2 first, count every instance's evaluations, and cover OneMinMax (n = 12)") {
  klab::blackbox::Nsga2Experiment e;
  REQUIRE(e.params().set_texts({{"series", "concurrent"}, {"n_min", "12"}, {"n_max", "12"}, {"n_points", "1"}}).ok());
  const klab::blackbox::Nsga2Settings s = klab::blackbox::nsga2_settings(e.p(), "concurrent", 12);
  const klab::blackbox::FrontTarget t = klab::blackbox::nsga2_front(s, 0.01);
  klab::Rng rng(7, 0, 0);
  const std::vector<double> cdf = klab::blackbox::flip_count_cdf(s.n);
  klab::blackbox::Nsga2Search search(s, t, rng);
  CHECK_FALSE(search.started());
  search.step(t, cdf, rng);  // A_2 starts: 4 evaluations, τ = 4
  CHECK(search.instances() == 1);
  CHECK(search.evaluations() == 4);
  CHECK(search.shown_settings().tau == 4);
  while (search.covered() < 13 && search.evaluations() < 100000) search.step(t, cdf, rng);
  CHECK(search.covered() == 13);
  CHECK(search.instances() >= 3);
  const klab::blackbox::Nsga2Outcome o = klab::blackbox::nsga2_cpu_outcome(e.p(), klab::blackbox::nsga2_config(e.p()), 0, 0, 7, 0);
  CHECK(o.covered == 13);
  CHECK(o.evaluations < klab::blackbox::nsga2_budget(e.p(), 12));
}

TEST_CASE("blackbox.nsga2: the CUDA engine refuses the ⁺ and concurrent algorithms by name") {
  for (const char* series : {"dnsga2plus", "concurrent", "concurrentplus"}) {
    klab::blackbox::Nsga2Experiment e;
    REQUIRE(e.params().set_texts({{"series", std::string("nsga2,") + series}}).ok());
    std::vector<klab::SlotStats> blocks;
    const klab::Status s = e.run_cuda_blocks(1, 2, 0, 1, &blocks);
    CHECK_FALSE(s.ok());
    CHECK(s.message().find(std::string("'") + series + "'") != std::string::npos);
  }
}

TEST_CASE("blackbox.nsga2: the current crowding distance, worked by hand and fast = recomputed on random fronts") {
  using klab::blackbox::current_crowding_removals;
  using klab::blackbox::current_crowding_removals_reference;
  // OneMinMax-like front f₁ = 0, 1, 2, 3, 4, 8 (f₂ = 8 − f₁), two to remove. Distances (range 8, both
  // objectives alike): 0.5, 0.5, 0.5 for points 1, 2, 3, 1.25 for point 4, the ends ∞. Point 3 goes
  // (the tie's highest index); then 1: 0.5, 2: (4 − 1)/8·2 = 0.75, 4: 1.5, so point 1 goes: {0, 2, 4, 8}
  // stay, where one computation of the distances would have kept {0, 1, 4, 8}.
  const std::vector<double> a1{0, 1, 2, 3, 4, 8}, a2{8, 7, 6, 5, 4, 0};
  CHECK(current_crowding_removals(a1, a2, {0, 1, 2, 3, 4, 5}, 2) == std::vector<int>{3, 1});
  CHECK(current_crowding_removals_reference(a1, a2, {5, 4, 3, 2, 1, 0}, 2) == std::vector<int>{3, 1});
  // Random point sets with many ties and duplicates (values 0..v), fronts (f₂ = v − f₁) and arbitrary
  // sets, any member subset and count, including removals down to the ends and past them.
  klab::Rng rng(21, 0, 0);
  for (int trial = 0; trial < 300; ++trial) {
    const int m = 1 + static_cast<int>(rng.below(30)), v = 1 + static_cast<int>(rng.below(12));
    const bool front = trial % 2 == 0;
    std::vector<double> f1, f2;
    for (int i = 0; i < m + 3; ++i) {
      f1.push_back(rng.below(static_cast<uint32_t>(v + 1)));
      f2.push_back(front ? v - f1.back() : rng.below(static_cast<uint32_t>(v + 1)));
    }
    std::vector<int> members;
    for (int i = 0; i < m + 3; ++i)
      if (i >= 3 || rng.below(2)) members.push_back(i);
    const int count = static_cast<int>(rng.below(static_cast<uint32_t>(members.size() + 1)));
    CAPTURE(trial);
    CHECK(current_crowding_removals(f1, f2, members, count) == current_crowding_removals_reference(f1, f2, members, count));
  }
}

TEST_CASE("blackbox.nsga2: dnsga2_form=paper, the population size after w evaluations and P ∪ Q at a doubling (n = 16, μ = 68, τ = 64)") {
  // Algorithm 1 of the copy: w counts offspring only (0 at the start), N offspring per generation; a
  // doubling when w ≥ τ. Size 4 for 16 generations (4 + 64 = 68 evaluations), then 8 for 8 (132), 16
  // for 4 (196), 32 for 2 (260), 64 for 1 (324), then μ = 68 (2N = 128 capped). The ⁺ variant: w
  // starts (d − 1)τ = 256 lower, every change 256 evaluations later.
  for (const bool plus : {false, true}) {
    CAPTURE(plus);
    klab::blackbox::Nsga2Settings s;
    s.n = 16, s.mu = 68, s.dynamic = true, s.tau = 64, s.plus = plus, s.form = klab::blackbox::Dnsga2Form::Paper;
    klab::Rng rng(3, 0, 0);
    const std::vector<double> cdf = klab::blackbox::flip_count_cdf(s.n);
    klab::blackbox::Nsga2Run r = klab::blackbox::nsga2_start(s, rng);
    std::vector<std::pair<long long, int>> changes;
    while (r.evaluations < 1000) {
      const std::vector<klab::blackbox::Individual> parents = r.population;
      klab::blackbox::nsga2_generation(s, cdf, rng, r);
      CHECK(r.population.size() == static_cast<size_t>(r.size));
      // The survivors keep their ranks from the one sort of parents and offspring: their own ranks.
      std::vector<double> f1, f2;
      std::vector<int> rank;
      for (const klab::blackbox::Individual& ind : r.population) f1.push_back(ind.f1), f2.push_back(ind.f2), rank.push_back(ind.rank);
      CHECK(rank == klab::blackbox::nondominated_ranks(f1, f2));
      if (r.size == static_cast<int>(parents.size())) continue;
      changes.push_back({r.evaluations, r.size});
      if (r.size == 2 * static_cast<int>(parents.size())) {  // P ∪ Q: every parent stays (the population is then ordered best first)
        std::multiset<std::vector<uint8_t>> now;
        for (const klab::blackbox::Individual& ind : r.population) now.insert(ind.x);
        for (const klab::blackbox::Individual& p : parents) {
          const auto it = now.find(p.x);
          REQUIRE(it != now.end());
          now.erase(it);
        }
      }
    }
    const long long shift = plus ? 256 : 0;
    const std::vector<std::pair<long long, int>> expected{{68 + shift, 8}, {132 + shift, 16}, {196 + shift, 32}, {260 + shift, 64}, {324 + shift, 68}};
    CHECK(changes == expected);
  }
}

TEST_CASE("blackbox.nsga2: dnsga2_form=paper covers OneMinMax (n = 16) in every algorithm and is refused by the CUDA engine by name") {
  klab::blackbox::Nsga2Experiment e;
  REQUIRE(e.params().set_texts({{"series", "nsga2,dnsga2,dnsga2plus,concurrent,concurrentplus"}, {"dnsga2_form", "paper"}, {"n_min", "16"}, {"n_max", "16"},
                                {"n_points", "1"}}).ok());
  CHECK(klab::blackbox::nsga2_settings(e.p(), "dnsga2", 16).form == klab::blackbox::Dnsga2Form::Paper);
  const klab::blackbox::Nsga2Config c = klab::blackbox::nsga2_config(e.p());
  for (int s = 0; s < 5; ++s) {
    CAPTURE(s);
    const klab::blackbox::Nsga2Outcome o = klab::blackbox::nsga2_cpu_outcome(e.p(), c, s, 0, 7, 0);
    CHECK(o.covered == 17);
  }
  REQUIRE(e.params().set_texts({{"series", "nsga2,dnsga2"}}).ok());
  std::vector<klab::SlotStats> blocks;
  const klab::Status s = e.run_cuda_blocks(1, 2, 0, 1, &blocks);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("'dnsga2_form'") != std::string::npos);
}
