// mdp.robust's random world: a random nominal MDP and a static uncertainty set of its perturbations.
//
// Per run, two kernels on the same S states and A actions are drawn by the chapter's Garnet generator
// (presets.hpp: random_mdp): the nominal MDP (P₀, r) and a "wind" kernel P_w (its rewards unused). A
// model θ = (α, β) of the set is the nominal MDP under
//   slip α: the executed action is a uniformly random one of the state's A with probability α, and
//   wind β: the next state follows P_w instead of P₀ with probability β (for the executed action):
//     T_θ(·|s,a) = (1 − α) K_β(·|s,a) + α (1/A) Σ_{a′} K_β(·|s,a′),   K_β = (1 − β) P₀ + β P_w,
//     r_θ(s,a)   = (1 − α) r(s,a) + α (1/A) Σ_{a′} r(s,a′)             (the executed action's reward),
// the same reading of slip and wind as the gridworlds' (gridworld.hpp), with the push drawn per run.
// θ = (0, 0) is the nominal MDP. The set {θ} is a grid of (α, β) values: one θ for every state, so it
// is NOT (s,a)-rectangular, and robust VI (which lets the adversary pick θ per (s, a) and step)
// solves a more pessimistic problem than the static one IWOCS solves.
#pragma once
#include <cstdint>
#include <vector>

#include "mdp/mdp.hpp"

namespace klab::mdp {

// T_θ, r_θ above for θ = (slip, wind); `wind_kernel` shares the nominal's states and actions.
Mdp perturbed_model(const Mdp& nominal, const Mdp& wind_kernel, double slip, double wind);

// The nominal MDP and the wind kernel of run `run` of a batch with `seed` (the nominal MDP is the one
// mdp.planning's random world draws for the same seed and run).
struct RandomKernels {
  Mdp nominal, wind;
};
RandomKernels random_kernels(int states, int actions, int branching, double discount, uint64_t seed, uint32_t run);

// Stored transitions of the set {T_θ} (an upper bound: every model as dense in its successors as the
// fullest one, min(S, 2·A·b) per (s, a) when both slip and wind can be positive: slipping mixes the A
// actions, each with b successors under P₀ and b under the wind kernel).
long long random_set_transitions(int states, int actions, int branching, bool slips, bool winds, long long models);

}  // namespace klab::mdp
