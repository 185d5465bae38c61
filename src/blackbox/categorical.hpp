// blackbox.private_gsd on categorical data: the sensitive table, its attributes' sizes and the k-way
// marginal queries (the query class of the paper's ACS experiments).
//
// Rows: d categorical attributes; attribute a (0-based) takes s_a = 2 + ((3a + 6) mod 7) values
// (8, 4, 7, 3, 6, 2, 5, 8, 4, …: sizes 2 to 8, fixed by d so that the workload size m is known from
// the parameters). A value is stored as the double 0, 1, …, s_a − 1 in the Rows of private_query.hpp.
//
// Data (a stand-in for ACS, not ACS; this lab has no third-party data): a latent-class mixture. A row's
// hidden class c ∈ {0, 1, 2, 3} has probability π = (0.4, 0.3, 0.2, 0.1); given c the attributes are
// independent with P(x_a = v | c) ∝ exp(1.5·Z_{c,a,v}), Z i.i.d. N(0, 1) drawn once per run. The
// attributes depend on each other through the class, so the k-way marginals are not products of the
// one-way ones.
//
// Queries: the k-way marginal of attributes A = (a_1 < … < a_k) has one counting query per cell
// v ∈ Π_t [s_{a_t}]:  q_{A,v}(x) = Π_t 1[x_{a_t} = v_t],  q_{A,v}(D) = (1/n)·#{rows in the cell}.
// The workload is every cell of every k-way marginal (C(d, k) attribute sets), m = Σ_A Π_t s_{a_t}, or
// (`marginals` = M > 0) every cell of M of the C(d, k) marginals drawn uniformly without replacement from
// the run's seed (sample_marginal_sets; a reading: the Private-GSD authors' ACS scripts ask all of them).
// Changing one row moves each cell's answer by at most 1/n: the release of private_query.hpp applies
// unchanged (reading: the paper's ACS runs measure whole marginals; here every cell is one query of
// the demo's per-query release).
#pragma once
#include <vector>

#include "blackbox/private_query.hpp"
#include "core/rng.hpp"

namespace klab::blackbox {

// (d) s_a for a = 0..d−1.
std::vector<int> categorical_levels(int dims);
// Π_a s_a: the size of the whole domain (MWEM's cells), as a double (no overflow at d = 64).
double categorical_domain_cells(const std::vector<int>& levels);
// m = Σ_A Π_{a∈A} s_a over the C(d, k) attribute sets A of size k, as a double.
double marginal_cell_count(const std::vector<int>& levels, int k);

// n rows of the latent-class model above (the model's Z first, then the rows: class, then
// attributes 1..d by inversion of one uniform each).
Rows make_categorical_data(int n, const std::vector<int>& levels, Rng& rng);

// The cells of the marginal on `attributes` (distinct, in any order): the value of attributes[0]
// varies fastest. Cell index Σ_t v_t·Π_{t'<t} s_{a_t'}.
std::vector<Query> marginal_cells(const std::vector<int>& levels, const std::vector<int>& attributes);
// C(d, k): how many attribute sets of size k, as a double (exact at these sizes).
double marginal_set_count(int dims, int k);
// The C(d, k) attribute sets of size k (each increasing), in lexicographic order.
std::vector<std::vector<int>> marginal_sets(int dims, int k);
// M of marginal_sets(dims, k) drawn uniformly without replacement (a partial Fisher–Yates shuffle by
// rng.below), returned in lexicographic order; 1 ≤ M ≤ C(d, k).
std::vector<std::vector<int>> sample_marginal_sets(int dims, int k, int count, Rng& rng);
// marginal_cells of each set, in order.
std::vector<Query> marginal_workload(const std::vector<int>& levels, const std::vector<std::vector<int>>& sets);
// The workload: marginal_cells of every k-subset of the attributes, subsets in lexicographic order.
std::vector<Query> make_marginal_queries(const std::vector<int>& levels, int k);
// The entries of `all` (one per query of make_marginal_queries(levels, k)) that belong to `sets`
// (k-subsets in lexicographic order): set A's cells start at the running sum of Π_{a∈B} s_a over the
// sets B before it.
std::vector<double> marginal_slice(const std::vector<int>& levels, int k, const std::vector<std::vector<int>>& sets, const std::vector<double>& all);
// Σ of the `count` smallest cell counts Π_{a∈A} s_a over the k-subsets A: the fewest cells a workload of
// `count` random marginals can have.
double fewest_marginal_cells(const std::vector<int>& levels, int k, int count);

}  // namespace klab::blackbox
