// Acquisition functions of Bayesian optimisation, for maximising f (the tutorial's convention).
//
// Paper: P. I. Frazier. A Tutorial on Bayesian Optimization. arXiv:1807.02811 (2018), §4.
// With the posterior μ_n(x), σ_n(x) and the best value observed f*_n, Δ_n(x) = μ_n(x) − f*_n:
//   expected improvement  EI_n(x) = Δ⁺ + σ φ(Δ/σ) − |Δ| Φ(−|Δ|/σ)                 (tutorial eq. 8)
//   probability of improvement  PI_n(x) = Φ(Δ/σ)                        (Kushner 1964; tutorial §4.3)
//   GP-UCB  μ + √β σ                        (Srinivas, Krause, Kakade, Seeger, ICML 2010; fixed β here)
//   knowledge gradient  KG_n(x) = E_n[μ*_{n+1} − μ*_n | x_{n+1} = x]                 (tutorial eq. 10)
//     discretised (reading: the tutorial computes KG by simulation, its Algorithm 2; on a finite set
//     A the expectation is exact, Frazier, Powell, Dayanik, INFORMS J. Comput. 2009): with
//     a_i = μ_n(A_i) and b_i = Σ_n(A_i, x)/√(σ²_n(x) + τ²), μ*_{n+1} = max_i a_i + b_i Z, Z ~ N(0, 1),
//     and E max_i(a_i + b_i Z) − max_i a_i = Σ_k (b_{k+1} − b_k) g(−|c_k|), g(z) = zΦ(z) + φ(z),
//     over the lines k of the upper envelope (sorted by slope) and their breakpoints c_k.
//   Thompson sampling: the argmax over A of one draw of f from the joint posterior on A.
#pragma once
#include <vector>

namespace klab::blackbox {

double normal_pdf(double z);
double normal_cdf(double z);

double expected_improvement(double mean, double sd, double best);
double probability_of_improvement(double mean, double sd, double best);
double upper_confidence_bound(double mean, double sd, double beta);
// E max_i(a_i + b_i Z) − max_i a_i for Z ~ N(0, 1) (m lines); `scratch` avoids allocations.
double expected_max_gain(const double* a, const double* b, int m, std::vector<int>* scratch);

}  // namespace klab::blackbox
