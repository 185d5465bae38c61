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
  gp_points.csv  case, kernel (0 squared exponential, 1 Matérn 5/2), signal, length, noise, mean, role (0 training,
                 1 test), x1, x2 (NaN in 1-D), y (training), mu, var (test): GP posteriors computed with
                 scipy.linalg.cho_factor / cho_solve on random data (numpy Generator, seed 2025 + case); the
                 cases keep K's condition number moderate (below 1e5), where 1e-9 is a fair tolerance;
  gp_lml.csv     case, log marginal likelihood −½ rᵀK⁻¹r − ½ log det K − (n/2) log 2π (numpy slogdet);
  acquisition.csv mean, sd, best, beta, ei, pi, ucb: E[max(f − best, 0)] by scipy.integrate.quad over the normal
                 density, P(f > best) by scipy.stats.norm.sf, μ + √β σ;
  kg.csv, kg_value.csv  case, a, b (lines) and case, gain: E max_i(a_i + b_i Z) − max_i a_i by scipy.integrate.quad
                 (breakpoints given to quad).
  pchip.csv      case, role (0 control point, 1 query), x, y: blackbox.bo's drawn curves against
                 scipy.interpolate.PchipInterpolator (random points on [0, 1] × [−1, 1], numpy Generator, seed
                 4025 + case, some with repeated y: flat pieces), y at 60 uniform query points inside [x_1, x_n] and at the control points.

Usage: make_references.py OUTDIR   (Debian's /usr/bin/python3 with python3-scipy)
"""
import math
import os
import sys

import json

import numpy as np
from scipy import integrate, interpolate, linalg, optimize, stats


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


def kernel(kind, signal, length, a, b):
    r = np.sqrt(np.sum((a[:, None, :] - b[None, :, :]) ** 2, axis=2))
    if kind == 0:
        return signal * np.exp(-0.5 * (r / length) ** 2)
    u = np.sqrt(5.0) * r / length
    return signal * (1.0 + u + u * u / 3.0) * np.exp(-u)


def write_gp_references(out):
    cases = [(0, 1, 1.0, 0.2, 1e-4, 0.0, 8), (1, 1, 2.5, 0.1, 1e-4, 0.3, 12), (0, 2, 0.7, 0.35, 1e-3, -1.0, 25),
             (1, 2, 1.0, 0.25, 1e-6, 0.0, 40)]
    with open(os.path.join(out, "gp_points.csv"), "w") as fp, open(os.path.join(out, "gp_lml.csv"), "w") as fl:
        fp.write("case,kernel,signal,length,noise,mean,role,x1,x2,y,mu,var\n")
        fl.write("case,lml\n")
        for k, (kind, dim, signal, length, noise, mean, n) in enumerate(cases):
            rng = np.random.default_rng(2025 + k)
            x = rng.uniform(size=(n, dim))
            y = np.sin(6.0 * x[:, 0]) + (x[:, 1] ** 2 if dim == 2 else 0.0) + 0.1 * rng.standard_normal(n)
            t = rng.uniform(size=(30, dim))
            kxx = kernel(kind, signal, length, x, x) + noise * np.eye(n)
            factor = linalg.cho_factor(kxx, lower=True)
            alpha = linalg.cho_solve(factor, y - mean)
            kxt = kernel(kind, signal, length, x, t)
            mu = mean + kxt.T @ alpha
            var = signal - np.sum(kxt * linalg.cho_solve(factor, kxt), axis=0)
            sign, logdet = np.linalg.slogdet(kxx)
            lml = -0.5 * (y - mean) @ alpha - 0.5 * logdet - 0.5 * n * math.log(2.0 * math.pi)
            head = f"{k},{kind},{signal!r},{length!r},{noise!r},{mean!r}"
            for i in range(n):
                x2 = repr(float(x[i, 1])) if dim == 2 else "nan"
                fp.write(f"{head},0,{float(x[i, 0])!r},{x2},{float(y[i])!r},nan,nan\n")
            for i in range(len(t)):
                x2 = repr(float(t[i, 1])) if dim == 2 else "nan"
                fp.write(f"{head},1,{float(t[i, 0])!r},{x2},nan,{float(mu[i])!r},{float(var[i])!r}\n")
            fl.write(f"{k},{float(lml)!r}\n")
    with open(os.path.join(out, "acquisition.csv"), "w") as f:
        f.write("mean,sd,best,beta,ei,pi,ucb\n")
        for mean in [-2.0, -0.3, 0.0, 0.1, 1.5]:
            for sd in [1e-3, 0.05, 0.5, 2.0]:
                for best in [-1.0, 0.0, 0.2]:
                    beta = 4.0
                    lo = max(best, mean - 40 * sd)  # below mean − 40σ the density is below e⁻⁸⁰⁰
                    ei = integrate.quad(lambda v: (v - best) * stats.norm.pdf(v, mean, sd), lo, mean + 40 * sd,
                                        epsabs=1e-14, epsrel=1e-12, limit=200)[0] if mean + 40 * sd > best else 0.0
                    pi = stats.norm.sf(best, mean, sd)
                    ucb = mean + math.sqrt(beta) * sd
                    f.write(f"{mean!r},{sd!r},{best!r},{beta!r},{ei!r},{float(pi)!r},{ucb!r}\n")
    with open(os.path.join(out, "kg.csv"), "w") as fl, open(os.path.join(out, "kg_value.csv"), "w") as fv:
        fl.write("case,a,b\n")
        fv.write("case,gain\n")
        for k in range(6):
            rng = np.random.default_rng(3025 + k)
            m = [2, 3, 5, 10, 40, 7][k]
            a = rng.standard_normal(m)
            b = rng.standard_normal(m) * (0.1 if k == 3 else 1.0)
            if k == 5:
                b[1] = b[0]          # equal slopes
                a[3] = a[2] + 0.0    # equal intercepts
            def top(z):
                return np.max(a + b * z) * stats.norm.pdf(z)
            # Breakpoints of the piecewise-linear max, so quad integrates smooth pieces.
            points = sorted({float((a[i] - a[j]) / (b[j] - b[i])) for i in range(m) for j in range(m)
                             if b[i] != b[j] and abs((a[i] - a[j]) / (b[j] - b[i])) < 12})
            edges = [-14.0] + points + [14.0]
            gain = sum(integrate.quad(top, lo, hi, epsabs=1e-15, epsrel=1e-13, limit=200)[0]
                       for lo, hi in zip(edges[:-1], edges[1:])) - float(np.max(a))
            for i in range(m):
                fl.write(f"{k},{float(a[i])!r},{float(b[i])!r}\n")
            fv.write(f"{k},{gain!r}\n")


def write_pchip_references(out):
    with open(os.path.join(out, "pchip.csv"), "w") as f:
        f.write("case,role,x,y\n")
        for k, n in enumerate([2, 3, 4, 7, 11, 21, 40, 64]):
            rng = np.random.default_rng(4025 + k)
            # n distinct x at least 0.005 apart (the lab's minimum gap is 0.001), y in [−1, 1], some repeated.
            x = np.sort(rng.choice(np.arange(0, 201), size=n, replace=False)) * 0.005
            y = rng.uniform(-1.0, 1.0, size=n)
            if n >= 7:
                y[3] = y[2]
            queries = np.concatenate([rng.uniform(x[0], x[-1], size=60), x])
            values = interpolate.PchipInterpolator(x, y)(queries)
            for i in range(n):
                f.write(f"{k},0,{float(x[i])!r},{float(y[i])!r}\n")
            for q, v in zip(queries, values):
                f.write(f"{k},1,{float(q)!r},{float(v)!r}\n")


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
    write_gp_references(out)
    write_pchip_references(out)
    print(f"wrote references to {out}")


if __name__ == "__main__":
    main()
