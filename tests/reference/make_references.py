#!/usr/bin/python3
"""Independent reference values for klab_tests' "reference" suite, computed with SciPy.

  kl_ucb.csv     p, level, upper, lower: the kl confidence bounds of a Bernoulli mean,
                 upper = max{q >= p : kl(p, q) <= level}, lower = min{q <= p : kl(p, q) <= level},
                 found with scipy.optimize.brentq (xtol 1e-15) on kl(p, q) - level.
  student_t.csv  df, t_{0.975, df} from scipy.stats.t.ppf.
  mdp_<k>.json   random tabular MDPs (numpy Generator, seed 2024 + k) in the lab's klab.mdp format;
  mdp_vstar.csv  mdp, state, v_star, greedy: V* from scipy.optimize.linprog (HiGHS dual simplex) on the
                 dual LP  min Σ_s ρ(s) V(s)  s.t.  V(s) − γ Σ_s' P(s'|s,a) V(s') ≥ r(s,a),
                 and the greedy action argmax_a r(s,a) + γ Σ P V (ties: the smallest index);
  mdp_cmdp.csv   mdp, budget, value: the CMDP optimum max Σ μ r s.t. the flow constraints and Σ μ c ≤ budget
                 (linprog on the occupancy LP), at the budget halfway between the least achievable cost and the
                 cost of the reward-optimal occupancy.

Usage: make_references.py OUTDIR   (Debian's /usr/bin/python3 with python3-scipy)
"""
import math
import os
import sys

import json

import numpy as np
from scipy import optimize, stats


def kl(p, q):
    def term(a, b):
        if a == 0.0:
            return 0.0
        return a * math.log(a / b)
    return term(p, q) + term(1.0 - p, 1.0 - q)


def upper(p, level):
    if p >= 1.0:
        return 1.0
    hi = 1.0 - 1e-16
    if kl(p, hi) <= level:
        return hi
    return optimize.brentq(lambda q: kl(p, q) - level, p, hi, xtol=1e-15, rtol=1e-15, maxiter=500)


def lower(p, level):
    if p <= 0.0:
        return 0.0
    lo = 1e-16
    if kl(p, lo) <= level:
        return lo
    return optimize.brentq(lambda q: kl(p, q) - level, lo, p, xtol=1e-15, rtol=1e-15, maxiter=500)


HIGHS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}


def random_mdp(k):
    """S states, A actions, `branching` successors per pair with Dirichlet(1) probabilities, r and c uniform."""
    rng = np.random.default_rng(2024 + k)
    states, actions, branching = [(6, 2, 3), (12, 3, 4), (25, 4, 5), (40, 3, 40)][k]
    gamma = [0.5, 0.9, 0.95, 0.99][k]
    acts = []
    for s in range(states):
        row = []
        for a in range(actions):
            nxt = rng.choice(states, size=branching, replace=False)
            p = rng.dirichlet(np.ones(branching))
            row.append({"reward": float(rng.uniform()), "cost": float(rng.uniform()),
                        "next": [[int(t), float(q)] for t, q in zip(nxt, p)]})
        acts.append(row)
    start = [[s, 1.0 / states] for s in range(states)]
    return {"format": "klab.mdp", "version": 1, "states": states, "discount": gamma, "start": start, "actions": acts}


def dense(mdp):
    """P (S·A, S) row per pair in state-major order, r and c (S·A), the pair's state, ρ (S)."""
    n = mdp["states"]
    p, r, c, owner = [], [], [], []
    for s, row in enumerate(mdp["actions"]):
        for act in row:
            q = np.zeros(n)
            for t, prob in act["next"]:
                q[t] += prob
            p.append(q)
            r.append(act["reward"])
            c.append(act["cost"])
            owner.append(s)
    rho = np.zeros(n)
    for s, prob in mdp["start"]:
        rho[s] = prob
    return np.array(p), np.array(r), np.array(c), np.array(owner), rho


def solve_vstar(mdp):
    p, r, _, owner, rho = dense(mdp)
    n, g = mdp["states"], mdp["discount"]
    a_ub = -(np.eye(n)[owner] - g * p)  # −(V(s) − γ P V) ≤ −r
    res = optimize.linprog(rho, A_ub=a_ub, b_ub=-r, bounds=[(None, None)] * n, method="highs-ds", options=HIGHS)
    assert res.status == 0, res.message
    v = res.x
    q = r + g * p @ v
    greedy = []
    for s in range(n):
        pairs = np.where(owner == s)[0]
        greedy.append(int(np.argmax(q[pairs])))
    return v, greedy


def occupancy_lp(mdp, objective, budget=None):
    p, r, c, owner, rho = dense(mdp)
    n, g = mdp["states"], mdp["discount"]
    a_eq = np.eye(n)[owner].T - g * p.T  # Σ_a μ(s′,a) − γ Σ P(s′|s,a) μ(s,a) = ρ(s′)
    kwargs = {}
    if budget is not None:
        kwargs = {"A_ub": c[None, :], "b_ub": [budget]}
    res = optimize.linprog(-objective, A_eq=a_eq, b_eq=rho, bounds=[(0, None)] * len(r), method="highs-ds", options=HIGHS, **kwargs)
    assert res.status == 0, res.message
    return res.x


def write_mdp_references(out):
    with open(os.path.join(out, "mdp_vstar.csv"), "w") as fv, open(os.path.join(out, "mdp_cmdp.csv"), "w") as fc:
        fv.write("mdp,state,v_star,greedy\n")
        fc.write("mdp,budget,value\n")
        for k in range(4):
            mdp = random_mdp(k)
            with open(os.path.join(out, f"mdp_{k}.json"), "w") as f:
                json.dump(mdp, f)
            v, greedy = solve_vstar(mdp)
            for s in range(mdp["states"]):
                fv.write(f"{k},{s},{v[s]!r},{greedy[s]}\n")
            _, r, c, _, _ = dense(mdp)
            least = occupancy_lp(mdp, -c) @ c
            free = occupancy_lp(mdp, r) @ c
            budget = 0.5 * (least + free)
            value = occupancy_lp(mdp, r, budget) @ r
            fc.write(f"{k},{budget!r},{value!r}\n")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    ps = [0.0, 1e-6, 0.001, 0.01, 0.05, 0.1, 0.2, 0.25, 0.3, 1.0 / 3.0, 0.5, 0.6, 0.75, 0.9, 0.99, 0.999, 1.0 - 1e-6, 1.0]
    levels = [1e-8, 1e-5, 1e-3, 0.01, 0.05, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0]
    with open(os.path.join(out, "kl_ucb.csv"), "w") as f:
        f.write("p,level,upper,lower\n")
        for p in ps:
            for level in levels:
                f.write(f"{p!r},{level!r},{upper(p, level)!r},{lower(p, level)!r}\n")
    with open(os.path.join(out, "student_t.csv"), "w") as f:
        f.write("df,t975\n")
        for df in list(range(1, 41)) + [50, 60, 80, 100, 200, 500, 1000, 10000, 100000]:
            f.write(f"{df},{stats.t.ppf(0.975, df)!r}\n")
    write_mdp_references(out)
    print(f"wrote references to {out}")


if __name__ == "__main__":
    main()
