// NSGA-II with a fixed population and the dynamic NSGA-II (dNSGA-II) on bi-objective bit-string
// benchmarks (both objectives maximised).
//
// Papers:
//   K. Deb, A. Pratap, S. Agarwal, T. Meyarivan. A Fast and Elitist Multiobjective Genetic
//     Algorithm: NSGA-II. IEEE Trans. Evol. Comput. 6(2), 2002.
//   B. Doerr, M. S. Krejca, S. Wietheger. Speeding Up the NSGA-II via Dynamic Population Sizes.
//     arXiv:2509.01739 (2025). From the abstract: the dNSGA-II "starts with a small initial population
//     size of four and doubles it after a user-specified number τ of function evaluations, up to a
//     maximum size of μ"; with μ ≥ 4(n + 1) and τ ≥ (256/50)·e·n it covers the OneMinMax front in
//     O(log(μ)τ + μ log n) evaluations, a Θ(n) speed-up over the classic NSGA-II's Θ(n² log n)
//     (Zheng & Doerr) at the optimal μ, τ (the revised v2 abstract states O(n log² n)).
// Benchmarks (x ∈ {0,1}ⁿ):
//   OneMinMax  f = (number of zeros, number of ones): every x is Pareto-optimal, front (k, n − k)
//   LOTZ       f = (leading ones, trailing zeros): front 1ᵏ0ⁿ⁻ᵏ, values (k, n − k)
// One generation (fair selection, as in the runtime analyses): each of the N parents creates one
// offspring by standard bit mutation (rate 1/n; the flip count as in disom.hpp); of the 2N
// parents and offspring the N best survive by non-dominated rank, then crowding distance
// (Deb et al.; ties: the lower index). Readings (dNSGA-II's full text was not available here):
// when the size doubles from N to 2N, the next generation's N parents create 2N offspring (each
// parent two) and the 2N best of the 3N survive; τ counts evaluations since the last doubling.
#pragma once
#include <cstdint>
#include <vector>

#include "core/rng.hpp"

namespace klab::blackbox {

enum class Benchmark { OneMinMax, Lotz };

struct Nsga2Settings {
  Benchmark benchmark = Benchmark::OneMinMax;
  int n = 32;
  int mu = 132;           // the largest (classic: the fixed) population size
  bool dynamic = false;   // dNSGA-II: start at 4, double every `tau` evaluations up to mu
  long long tau = 0;
};

struct Individual {
  std::vector<uint8_t> x;  // (n)
  int f1 = 0, f2 = 0;
};

struct Nsga2Run {
  std::vector<Individual> population;
  int size = 0;                 // the current population size N
  long long evaluations = 0;
  long long since_doubling = 0;
  long long generations = 0;
};

void evaluate(Benchmark b, Individual& ind);
// The number of distinct Pareto-front values in the population (out of n + 1).
int front_covered(const Nsga2Settings& s, const Nsga2Run& r);
Nsga2Run nsga2_start(const Nsga2Settings& s, Rng& rng);
void nsga2_generation(const Nsga2Settings& s, const std::vector<double>& flip_cdf, Rng& rng, Nsga2Run& r);

// Non-dominated ranks (0 = the first front) of m points, both objectives maximised, O(m log m + m·F).
std::vector<int> nondominated_ranks(const std::vector<int>& f1, const std::vector<int>& f2);
// Reference: the O(m²) pairwise definition (test: "blackbox.nsga2: the fast ranks equal the pairwise definition").
std::vector<int> nondominated_ranks_reference(const std::vector<int>& f1, const std::vector<int>& f2);

}  // namespace klab::blackbox
