// NSGA-II with a fixed population and the dynamic NSGA-II (dNSGA-II) on bi-objective bit-string
// and real-coded benchmarks (both objectives maximised internally).
//
// Papers:
//   K. Deb, A. Pratap, S. Agarwal, T. Meyarivan. A Fast and Elitist Multiobjective Genetic
//     Algorithm: NSGA-II. IEEE Trans. Evol. Comput. 6(2), 2002.
//   B. Doerr, M. S. Krejca, S. Wietheger. Speeding Up the NSGA-II via Dynamic Population Sizes.
//     arXiv:2509.01739 (2025). From the abstract: the dNSGA-II "starts with a small initial population
//     size of four and doubles it after a user-specified number τ of function evaluations, up to a
//     maximum size of μ"; with μ ≥ 4(n + 1) and τ ≥ (256/50)·e·n it covers the OneMinMax front in
//     O(log(μ)τ + μ log n) evaluations, a Θ(n) speed-up over the classic NSGA-II's Θ(n² log n)
//     (Zheng & Doerr) at the optimal μ, τ. The revised v2 abstract states O(n log² n) on OneMinMax and
//     O(n^k log² n) on OneJumpZeroJump with gap k, against the classic NSGA-II's Θ(n^{k+1}).
// Benchmarks, fronts and metrics: mo_problems.hpp.
// Bit strings (OneMinMax, LOTZ, OneJumpZeroJump), one generation as in the runtime analyses (fair
// selection): each of the N parents creates one offspring by standard bit mutation (rate 1/n; the
// flip count as in disom.hpp), no crossover.
// Reals (ZDT1–3), one generation as in Deb et al. 2002: N offspring, in pairs, from parents chosen by
// binary tournament with the crowded comparison (lower rank, then larger crowding distance; the
// ranks and distances of the last survival), simulated binary crossover (SBX, Deb & Agrawal 1995)
// with probability p_c = 0.9 and, per variable, probability ½: with u uniform,
//     β = (2u)^{1/(η_c+1)} if u ≤ ½, else (1/(2(1 − u)))^{1/(η_c+1)},
//     c₁ = ½[(1 + β)p₁ + (1 − β)p₂],  c₂ = ½[(1 − β)p₁ + (1 + β)p₂],  exchanged between the two
//     children with probability ½ (as in Deb's reference code: without it, crossover at η_c = 20
//     leaves each child next to one parent in every variable; measured on ZDT1, n = 30, μ = 100:
//     hypervolume ratio 0.43 instead of 0.99 after 25,000 evaluations),
// then polynomial mutation (Deb & Goyal 1996) of each variable with probability p_m = 1/n:
//     δ = (2u)^{1/(η_m+1)} − 1 if u < ½, else 1 − (2(1 − u))^{1/(η_m+1)},  z ← z + δ,
// η_c = η_m = 20 (the NSGA-II paper's distribution indices), children clipped to [0, 1]. Reading:
// these are the basic (unbounded) SBX and polynomial mutation, clipped; Deb's reference code uses
// bounded variants that never leave the box; the two parents of a tournament pair may coincide.
// Survival (both): of the parents and offspring the N best by non-dominated rank, then crowding
// distance (Deb et al.; ties: the lower index).
// Readings (dNSGA-II's full text was not available here):
// when the size doubles from N to 2N, the next generation's N parents create 2N offspring (bits:
// each parent two; reals: 2N from tournaments) and the 2N best of the 3N survive; τ counts
// evaluations since the last doubling (the initial population's included). The dNSGA-II's schedule is the paper's for bit strings; on
// ZDT the same schedule (4 → μ, doubling every τ) drives the real-coded NSGA-II (this lab's choice).
// (τ, μ)⁺-dNSGA-II, a reading of a secondary copy of the paper's Algorithm 1 (a Markdown rendering
// of arXiv:2509.01739v1, not the PDF; chapter README): the evaluation counter w starts at −(d − 1)τ
// instead of 0, d = ⌈log₂(μ/4)⌉, so the population keeps its initial size 4 for d·τ evaluations,
// about as many as the doublings after it take; later phases last τ as in the (τ, μ)-dNSGA-II.
// Dnsga2Form::Paper: the dNSGA-II as that copy's Algorithm 1 shows it (the lab's reading above stays
// the default, so earlier outputs are unchanged). w counts offspring only (0 at the start; ⁺: −(d − 1)τ).
// A generation: the N parents create N offspring, w += N; if w ≥ τ and N < μ the population doubles
// by keeping parents and offspring, P ∪ Q, without selection, and w = 0 (reading: when 2N > μ the μ
// best of P ∪ Q by the survival below stay; the copy says only "up to a maximum size of μ");
// otherwise the N best survive: whole fronts by non-dominated rank, the critical front truncated by
// the *current* crowding distance (nsga2_current_crowding.hpp); the tournaments (reals) then read the
// survivors' own ranks and distances. The classic NSGA-II keeps Deb's survival.
#pragma once
#include <cstdint>
#include <vector>

#include "blackbox/mo_problems.hpp"
#include "core/rng.hpp"

namespace klab::blackbox {

enum class Dnsga2Form { Lab, Paper };  // the dNSGA-II's generation: the lab's reading, or the copy's Algorithm 1 (above)

struct Nsga2Settings {
  Benchmark benchmark = Benchmark::OneMinMax;
  int n = 32;             // bits, or ZDT decision variables
  int jump = 2;           // OneJumpZeroJump's k
  int mu = 132;           // the largest (classic: the fixed) population size
  bool dynamic = false;   // dNSGA-II: start at 4, double every `tau` evaluations up to mu
  long long tau = 0;
  bool plus = false;      // (τ, μ)⁺-dNSGA-II: the first doubling after d·τ evaluations (below)
  bool concurrent = false;  // instances τ = 4, 8, 16, … interleaved (nsga2_concurrent.hpp); tau unused
  Dnsga2Form form = Dnsga2Form::Lab;  // the dNSGA-II's (and its ⁺, concurrent instances') generation
};

struct Individual {
  std::vector<uint8_t> x;  // (n) bit strings
  std::vector<double> z;   // (n) ZDT: decision variables in [0, 1]
  double f1 = 0, f2 = 0;   // objectives, both maximised (ZDT: −f₁, −f₂)
  int rank = 0;            // non-dominated rank and crowding distance from the last survival
  double crowding = 0;     // (the real-coded tournaments read them)
};

struct Nsga2Run {
  std::vector<Individual> population;
  int size = 0;                 // the current population size N
  long long evaluations = 0;
  long long since_doubling = 0;
  long long generations = 0;
};

// d = ⌈log₂(μ/4)⌉, the doublings from 4 to μ (the last one capped at μ).
int nsga2_doublings(int mu);
void evaluate(const Nsga2Settings& s, Individual& ind);
// The population's coverage of the front targets and its hypervolume (mo_problems.hpp).
int front_covered(const FrontTarget& t, const Nsga2Run& r);
double population_hypervolume(const FrontTarget& t, const Nsga2Run& r);
FrontTarget nsga2_front(const Nsga2Settings& s, double delta);
Nsga2Run nsga2_start(const Nsga2Settings& s, Rng& rng);
void nsga2_generation(const Nsga2Settings& s, const std::vector<double>& flip_cdf, Rng& rng, Nsga2Run& r);

// Crowding distance of each point within its front (Deb et al. 2002): per objective, the front sorted
// by (value, index); the two ends ∞, the others the gap between their neighbours / the front's range;
// summed over the objectives, f₁ first.
std::vector<double> crowding_distances(const std::vector<double>& f1, const std::vector<double>& f2, const std::vector<int>& rank);
// Non-dominated ranks (0 = the first front) of m points, both objectives maximised, O(m log m + m·F).
std::vector<int> nondominated_ranks(const std::vector<double>& f1, const std::vector<double>& f2);
// Reference: the O(m²) pairwise definition (test: "blackbox.nsga2: the fast ranks equal the pairwise definition").
std::vector<int> nondominated_ranks_reference(const std::vector<double>& f1, const std::vector<double>& f2);

}  // namespace klab::blackbox
