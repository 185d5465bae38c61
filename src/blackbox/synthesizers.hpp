// blackbox.private_gsd, part 2: the three ways to turn noisy answers ã_j (j ∈ S, the queries
// measured so far) into synthetic data D̂. All three only post-process the released answers, so
// they cost no privacy beyond the release (private_query.hpp).
//
// Private-GSD (Liu, Tang, Vietri, Wu, ICML 2023): a genetic algorithm over whole synthetic datasets
// of N rows, minimising the error to the noisy answers with the queries as they are (no relaxation):
//     L(D̂) = Σ_{j∈S} (q_j(D̂) − ã_j)²
//   An elite of E datasets; each generation makes P children, each from elite member c mod E by one
//   sparse change of one row i (reading of the paper: which operator, with probability 1/2 each; the
//   coordinate k uniform among the d attributes):
//     mutation    coordinate k of row i redrawn uniformly in [0, 1]
//     crossover   coordinate k of row i copied from a random row of another random elite member
//   On categorical rows (categorical.hpp) the same operators act on category values: mutation draws a
//   uniform category of attribute k, crossover copies one (reading: the paper's operators for
//   discrete columns are not pinned down here).
//   A change of one row moves each answer by (q_j(x_new) − q_j(x_old))/N, so a child's loss costs
//   O(|S|), not O(N|S|) (the paper's point about sparse updates). The next elite is the best E of
//   the elite and the children (ties: elite first, then lower index).
// RAP (Aydore et al., ICML 2021; RAP++, Vietri et al. 2022, for real-valued columns): N points moved
//   by Adam (β₁ = 0.9, β₂ = 0.999) on Σ_{j∈S} (q̃_j(D̂) − ã_j)² with the relaxed queries q̃ (sigmoid
//   slope s for halfspaces and prefixes), clipped to [0,1]^d after each step.
//   On categorical rows, RAP's original setting (Aydore et al. 2021): each synthetic row holds, for
//   every attribute a, a distribution p_{i,a} = softmax(z_{i,a}) over its s_a values (the relaxation
//   of the one-hot encoding), and a marginal cell is answered by the product
//     q̃_{A,v}(D̂) = (1/N) Σ_i Π_t p_{i,a_t}(v_t),   ∂q̃(x_i)/∂z_{i,a_t}(c) = q̃(x_i)·(1[c = v_t] − p_{i,a_t}(c)),
//   Adam on the logits z (rap_categorical.cpp). Its answers are those of the relaxed rows (a mixture
//   of N product distributions), as RAP reports them; reading: the softmax parametrisation (RAP
//   clips the relaxed one-hot coordinates instead) and logits initialised uniform in [0, 1].
// MWEM (Hardt, Ligett, McSherry, NeurIPS 2012): a distribution A over the centres of the g^d cells of
//   a grid on [0,1]^d (categorical rows: over all Π_a s_a records, no discretisation), uniform at
//   first; one sweep applies, for each measured j in order,
//     A(x) ← A(x)·exp(q_j(x)·(ã_j − q_j(A))/2),  then normalises
//   (the paper's update with answers as fractions; the sweeps over all past measurements are its
//   practical variant). The answers of MWEM are those of A; its discretisation is its bias. Its
//   domain is the whole grid: a sweep costs |S|·g^d and the cached query values take |S|·g^d
//   doubles, so above kMwemMaxCells cells MWEM is not run (with g = 32: d ≤ 3). Private-GSD and RAP
//   keep N rows of d numbers whatever d is (the paper's point about the domain size).
#pragma once
#include <memory>
#include <vector>

#include "blackbox/private_query.hpp"
#include "core/rng.hpp"

namespace klab::blackbox {

// The measured queries, in the order of measurement: indices into the query list and noisy answers.
struct Measurements {
  std::vector<int> index;
  std::vector<double> noisy;
};

// What a method's synthetic data looks like: rows (Private-GSD, RAP) or grid weights (MWEM).
struct SyntheticData {
  Rows points;                  // empty for MWEM
  std::vector<double> weights;  // MWEM's marginal on attributes 1, 2: (grid, grid), row y-major: weights[iy·grid + ix], sums to 1
  int grid = 0;
};
// On categorical rows data() is empty for RAP and MWEM (relaxed rows, a distribution over records);
// every method answers the cells of a marginal through answers() (the live view's heat maps).

class Synthesizer {
 public:
  virtual ~Synthesizer() = default;
  // Measurements were appended to `m` (the fit uses all of them from now on).
  virtual void measured(const std::vector<Query>& queries, const Measurements& m) = 0;
  // One unit of fitting: a generation (Private-GSD), an Adam step (RAP), a sweep (MWEM).
  virtual void fit_step(const std::vector<Query>& queries, const Measurements& m) = 0;
  // q_j(D̂) for every query of the list (the hard queries, as the analyst asks them).
  virtual std::vector<double> answers(const std::vector<Query>& queries) const = 0;
  virtual SyntheticData data() const = 0;
};

struct GsdSettings {
  int dims = 2;         // d
  std::vector<int> levels;  // (d) categories of each attribute; empty: real values in [0, 1]
  int rows = 100;       // N
  int population = 20;  // P children per generation
  int elite = 4;        // E
};
struct RapSettings {
  int dims = 2;                 // d
  int rows = 100;               // N
  double learning_rate = 0.01;  // Adam step size
  double slope = 100.0;         // s of the sigmoid relaxation
};
struct MwemSettings {
  int dims = 2;   // d
  std::vector<int> levels;  // (d) categories of each attribute (the domain is every record); empty: the grid
  int grid = 32;  // g: g^d cells
};

// The largest MWEM domain run: 2^16 cells (its cache of 32 measured queries is then 16 MiB).
constexpr double kMwemMaxCells = 65536.0;
// g^d, as a double (it overflows any integer type long before d = 64).
double mwem_cells(int grid, int dims);

std::unique_ptr<Synthesizer> make_gsd(const GsdSettings& s, Rng rng);
std::unique_ptr<Synthesizer> make_rap(const RapSettings& s, Rng rng);
// RAP on categorical rows with `levels` (d) categories: the softmax relaxation above (s.slope unused).
std::unique_ptr<Synthesizer> make_rap_categorical(const RapSettings& s, const std::vector<int>& levels, Rng rng);
// Its pieces. The relaxed rows p = softmax of each row's logits z, attribute by attribute, both (N, Σ_a s_a);
// L = Σ_{j∈S} (q̃_j(D̂) − ã_j)² at p and ∂L/∂z written to `gradient` (N, Σ_a s_a) (test: central
// differences of L through relaxed_rows).
std::vector<double> relaxed_rows(const std::vector<int>& levels, const std::vector<double>& z);
double relaxed_marginal_loss(const std::vector<int>& levels, const std::vector<double>& p, const std::vector<Query>& queries, const Measurements& m,
                             std::vector<double>* gradient);
std::unique_ptr<Synthesizer> make_mwem(const MwemSettings& s);

// L(D̂) = Σ_{j∈S} (q_j(D̂) − ã_j)² of a dataset: the reference the genetic algorithm's incremental
// losses equal up to rounding (test: blackbox_private_test.cpp).
double measured_loss(const std::vector<Query>& queries, const Measurements& m, const Rows& rows);

}  // namespace klab::blackbox
