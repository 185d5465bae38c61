// One tabular MDP in a world pool (world_pool.hpp): its compressed sparse rows (mdp.hpp's layout)
// appended to the pool's ints and reals and addressed by offsets. The CUDA engines of tabular MDPs
// extend WorldCsr with what their runs need besides the MDP (mdp.learning's TdWorld, engine.hpp;
// mdp.planning's ViWorld, vi_engine.hpp; offline.edge_of_reach's EdgeWorld, src/offline/engine.hpp),
// so all three pack and read their MDPs here:
//   pack_csr    (host)          Mdp → a pool's ints and reals (any pool type) and a world entry
//   shift_csr   (host)          the entry's offsets when its part moves into the whole pool (pool_runs)
//   csr_view    (kernel, twin)  the entry → MdpView, the pointers the per-run code reads
//   unpack_csr  (host)          the entry → Mdp again (the host's solvers)
#pragma once
#include <vector>

#include "core/flat_pool.hpp"
#include "core/portable.hpp"
#include "mdp/mdp.hpp"
#include "mdp/world_pool.hpp"

namespace klab::mdp {

struct WorldCsr {
  int states = 0, pairs = 0, transitions = 0;                // S, SA, nnz
  long long first_pair = 0, first_next = 0, next_state = 0;  // ints: (S + 1), (SA + 1), (nnz)
  long long next_prob = 0, reward = 0, start = 0;            // reals: (nnz), (SA) r, (S) ρ
};

// A World (a WorldCsr extended) whose CSR part holds m (ρ included), appended to a pool's `ints`
// and `reals`; the rest default.
template <class World>
World pack_csr(const Mdp& m, std::vector<int>& ints, std::vector<double>& reals) {
  World w;
  WorldCsr& c = w;
  c.states = m.states;
  c.pairs = m.pairs();
  c.transitions = m.transitions();
  c.first_pair = append_flat(ints, m.first_pair);
  c.first_next = append_flat(ints, m.first_next);
  c.next_state = append_flat(ints, m.next_state);
  c.next_prob = append_flat(reals, m.next_prob);
  c.reward = append_flat(reals, m.reward);
  c.start = append_flat(reals, m.start);
  return w;
}

// The CSR offsets of an entry of a part placed at `at` in the whole pool (a World's shift_world
// calls this, then shifts offsets of its own).
inline void shift_csr(WorldCsr& w, const PoolAt& at) {
  const long long ints = static_cast<long long>(at.ints), reals = static_cast<long long>(at.reals);
  w.first_pair += ints, w.first_next += ints, w.next_state += ints;
  w.next_prob += reals, w.reward += reals, w.start += reals;
}

// The entry's MDP on the pool's arrays wherever they live (host or device), with discount γ and
// horizon H (no costs, no reward outcomes).
KLAB_INLINE MdpView csr_view(const WorldCsr& w, const int* ints, const double* reals, double discount, int horizon) {
  MdpView m;
  m.states = w.states;
  m.first_pair = ints + w.first_pair;
  m.first_next = ints + w.first_next;
  m.next_state = ints + w.next_state;
  m.next_prob = reals + w.next_prob;
  m.reward = reals + w.reward;
  m.cost = nullptr;
  m.start = reals + w.start;
  m.first_outcome = nullptr;
  m.outcome_reward = nullptr;
  m.outcome_prob = nullptr;
  m.discount = discount;
  m.horizon = horizon;
  return m;
}

// The entry's MDP as an Mdp again (the arrays the CPU's solvers read), with discount γ.
template <class World>
Mdp unpack_csr(const WorldPool<World>& pool, const WorldCsr& w, double discount) {
  const auto ints = [&](long long at, int n) { return std::vector<int>(pool.ints.begin() + at, pool.ints.begin() + at + n); };
  const auto reals = [&](long long at, int n) { return std::vector<double>(pool.reals.begin() + at, pool.reals.begin() + at + n); };
  Mdp m;
  m.states = w.states;
  m.first_pair = ints(w.first_pair, w.states + 1);
  m.first_next = ints(w.first_next, w.pairs + 1);
  m.next_state = ints(w.next_state, w.transitions);
  m.next_prob = reals(w.next_prob, w.transitions);
  m.reward = reals(w.reward, w.pairs);
  m.start = reals(w.start, w.states);
  m.discount = discount;
  return m;
}

}  // namespace klab::mdp
