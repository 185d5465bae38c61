#include "diffusion/tsmc.hpp"

#include <algorithm>
#include <cmath>

#include "core/lab_math.hpp"
#include "core/samplers.hpp"
#include "diffusion/marginal.hpp"

namespace klab::diffusion {

TiltProblem make_tilt_problem(const Mixture& m, const QuadraticReward& r, double beta, int steps) {
  TiltProblem p;
  p.mixture = m;
  p.reward = r;
  p.beta = beta;
  p.t = time_grid(p.schedule, StepSchedule::LogSnr, steps);
  return p;
}

double ess_fraction(const std::vector<double>& log_w) {
  std::vector<double> c;
  return ess_fraction(weigh_log_weights(log_w, &c), log_w.size());
}

double weights_kl(const std::vector<double>& log_w, double eta) {
  const double top = *std::max_element(log_w.begin(), log_w.end());
  double s = 0.0;
  for (double l : log_w) s += math::exp(eta * (l - top));
  double kl = 0.0;
  const double n = static_cast<double>(log_w.size());
  for (double l : log_w) {
    const double w = math::exp(eta * (l - top)) / s;
    if (w > 0) kl += w * math::log(n * w);
  }
  return kl;
}

namespace {

double variance(const std::vector<double>& v) {
  double m = 0.0, q = 0.0;
  for (double x : v) m += x;
  m /= static_cast<double>(v.size());
  for (double x : v) q += (x - m) * (x - m);
  return q / static_cast<double>(v.size());
}

}  // namespace

SmcPlan make_smc_plan(const TiltProblem& p, const std::vector<Twist>& twists, const SmcOptions& o) {
  const int steps = p.steps();
  const NoiseSchedule& s = p.schedule;
  const bool twisted = o.potentials == Potentials::Twists;
  SmcPlan plan;
  plan.prior_sd = s.sigma(1.0);
  SmcConfig& c = plan.config;
  c.twisted = twisted ? 1 : 0;
  c.proposal = o.proposal ? 1 : 0;
  c.components = static_cast<int>(p.mixture.components.size());
  c.beta = p.beta;
  c.reward = p.reward;
  c.last = twisted && steps > 0 ? twists[static_cast<size_t>(steps) - 1] : Twist{};
  for (int k = 0; k < steps; ++k) {
    const double t = p.t[static_cast<size_t>(k)], u = p.t[static_cast<size_t>(k) + 1];
    const Marginal pt = marginal_at(p.mixture, s, t);
    plan.terms.insert(plan.terms.end(), pt.terms.begin(), pt.terms.end());
    SmcStep st;
    st.at = s.alpha(t), st.st = s.sigma(t);
    const double as = s.alpha(u), ss = s.sigma(u);
    // DDPM posterior q(x_u | x_t, x̂₀): mean cx·x + c0·x̂₀, variance v (solvers.hpp).
    const double ats = st.at / as, vts = st.st * st.st - ats * ats * ss * ss;
    st.cx = ats * ss * ss / (st.st * st.st), st.c0 = as * vts / (st.st * st.st), st.v = vts * ss * ss / (st.st * st.st);
    st.tw = twisted ? twists[static_cast<size_t>(k)] : Twist{};
    st.prev = twisted && k > 0 ? twists[static_cast<size_t>(k) - 1] : Twist{};
    st.big_p = 1.0 / st.v + st.tw.lambda;
    st.neg_log_vp = -math::log(st.v * st.big_p);
    st.sdp = 1.0 / std::sqrt(st.big_p);
    if (o.proposal) {
      st.g = (*o.proposal)[static_cast<size_t>(k)];
      st.pq = 1.0 / st.v + st.g.lambda, st.sdq = 1.0 / std::sqrt(st.pq);
      st.log_v = math::log(st.v), st.log_pq = math::log(st.pq);
    }
    plan.steps.push_back(st);
  }
  return plan;
}

#define KLAB_SMC_TRY(call)           \
  do {                               \
    const Status klab_s = (call);    \
    if (!klab_s.ok()) return klab_s; \
  } while (0)

Status run_smc(const TiltProblem& p, const std::vector<Twist>& twists, const SmcOptions& o, SmcRandom& r, SmcBackend& b, SmcResult* out) {
  const size_t n = o.particles;
  const int steps = p.steps();
  const SmcPlan plan = make_smc_plan(p, twists, o);
  SmcResult res;
  std::vector<double> x, y, mx, my, log_w;
  const auto read_state = [&]() -> Status {
    KLAB_SMC_TRY(b.read(SmcField::X, &x));
    return b.read(SmcField::Y, &y);
  };
  // The stream's next uniform (systematic resampling's one draw).
  const auto next_uniform = [&]() {
    Rng u = r.at(0);
    r.word += kSmcWordsPerUniform;
    return u.uniform();
  };
  KLAB_SMC_TRY(b.start(plan, n, r));
  r.word += kSmcWordsPerParticle * n;
  SmcFilm* film = o.film;
  if (o.keep_paths || film) KLAB_SMC_TRY(read_state());
  if (o.keep_paths) {
    res.path.assign(static_cast<size_t>(steps) + 1, Particles{});
    res.mean.assign(static_cast<size_t>(steps), Particles{});
    res.path[0] = Particles{x, y};
  }
  if (film) *film = SmcFilm{}, film->state.push_back(Particles{x, y});
  for (int k = 0; k < steps; ++k) {
    KLAB_SMC_TRY(b.predict(k));
    res.evaluations += static_cast<double>(n);
    // The decision from three numbers (the weights' sums): only they cross from a GPU, unless a film
    // records the weights and the parents.
    double ess = 1.0;  // (not needed without resampling or a film)
    if (o.resample || film) {
      WeightSums sums;
      KLAB_SMC_TRY(b.weigh(&sums));
      ess = ess_fraction(sums, n);
    }
    if (film) {
      KLAB_SMC_TRY(b.read(SmcField::LogW, &log_w));
      film->log_w.push_back(log_w), film->ess.push_back(ess);
    }
    if (o.resample && ess < 0.5) {
      std::vector<size_t> parents;
      KLAB_SMC_TRY(b.resample(next_uniform(), film ? &parents : nullptr));
      if (film) film->parent.push_back(std::move(parents));
    } else if (film) {
      film->parent.emplace_back();  // no resampling: the identity
    }
    if (o.keep_paths) {
      KLAB_SMC_TRY(b.read(SmcField::MeanX, &mx));
      KLAB_SMC_TRY(b.read(SmcField::MeanY, &my));
      res.mean[static_cast<size_t>(k)] = Particles{mx, my}, res.var.push_back(plan.steps[static_cast<size_t>(k)].v);
    }
    KLAB_SMC_TRY(b.propose(k, r));
    r.word += kSmcWordsPerParticle * n;
    if (o.keep_paths || film) KLAB_SMC_TRY(read_state());
    if (o.keep_paths) res.path[static_cast<size_t>(k) + 1] = Particles{x, y};
    if (film) film->state.push_back(Particles{x, y});
  }
  KLAB_SMC_TRY(b.finish());
  KLAB_SMC_TRY(b.read(SmcField::LogW, &log_w));
  KLAB_SMC_TRY(read_state());
  // The final resampling to the outputs, on the host (once a run: the final weights and particles
  // come back anyway as the result).
  std::vector<double> cumulative;
  const WeightSums sums = weigh_log_weights(log_w, &cumulative);
  res.ess = ess_fraction(sums, n);
  res.log_w_var = variance(log_w);
  res.last = Particles{x, y};
  const std::vector<size_t> idx = systematic_indices(cumulative, sums.s, next_uniform(), o.outputs);
  if (film) film->log_w.push_back(log_w), film->ess.push_back(res.ess), film->output_parent = idx;
  res.outputs.x.resize(o.outputs);
  res.outputs.y.resize(o.outputs);
  for (size_t i = 0; i < o.outputs; ++i) res.outputs.x[i] = x[idx[i]], res.outputs.y[i] = y[idx[i]];
  res.log_w = std::move(log_w);
  *out = std::move(res);
  return {};
}

SmcResult run_smc(const TiltProblem& p, const std::vector<Twist>& twists, const SmcOptions& o, SmcRandom& r) {
  HostSmcBackend host;
  SmcResult res;
  run_smc(p, twists, o, r, host, &res);  // (the host backend never fails)
  return res;
}

Paths genealogy(const SmcFilm& f, const std::vector<double>& t, size_t count) {
  Paths p;
  p.times = t;
  p.count = std::min(count, f.output_parent.size());
  const size_t states = f.state.size();
  p.x.resize(p.count * states);
  p.y.resize(p.count * states);
  for (size_t j = 0; j < p.count; ++j) {
    size_t i = f.output_parent[j];
    for (size_t k = states; k-- > 0;) {
      p.x[j * states + k] = f.state[k].x[i];
      p.y[j * states + k] = f.state[k].y[i];
      if (k > 0 && f.resampled(k - 1)) i = f.parent[k - 1][i];
    }
  }
  return p;
}

std::vector<Twist> fixed_twists(const TiltProblem& p) {
  // ψ_k(x) ∝ E[exp(r(x₀)/β) | x_{k+1} = x] with x₀ | x ~ N(x/α, σ²/α² I) (flat prior):
  // a Gaussian integral giving λ = κ/(α² + κσ²), b = λ α c, κ = a/β.
  std::vector<Twist> tw;
  const double kappa = p.reward.a / p.beta;
  for (int k = 0; k < p.steps(); ++k) {
    const double t = p.t[static_cast<size_t>(k) + 1], a = p.schedule.alpha(t), sg = p.schedule.sigma(t);
    const double lambda = kappa / (a * a + kappa * sg * sg);
    tw.push_back(Twist{lambda, lambda * a * p.reward.cx, lambda * a * p.reward.cy});
  }
  return tw;
}

Status best_of_n(const TiltProblem& p, size_t outputs, size_t n, SmcRandom& r, SmcBackend& backend, Particles* out, double* evaluations) {
  SmcOptions o;
  o.particles = outputs * n;
  o.outputs = 1;
  o.resample = false;
  SmcResult base;
  KLAB_SMC_TRY(run_smc(p, std::vector<Twist>(static_cast<size_t>(p.steps())), o, r, backend, &base));
  *evaluations = base.evaluations;
  Particles& best = *out;
  best = Particles{};
  for (size_t j = 0; j < outputs; ++j) {
    size_t arg = j * n;
    for (size_t i = j * n; i < (j + 1) * n; ++i)
      if (p.reward(base.last.x[i], base.last.y[i]) > p.reward(base.last.x[arg], base.last.y[arg])) arg = i;
    best.x.push_back(base.last.x[arg]);
    best.y.push_back(base.last.y[arg]);
  }
  return {};
}

TrustRegionStep trust_region_update(const SmcResult& sis, const std::vector<Twist>& twists, double trust_region) {
  TrustRegionStep step;
  // The largest η ∈ (0, 1] with KL(π_η ‖ q) ≤ ε (KL grows with η): bisection.
  if (trust_region > 0 && weights_kl(sis.log_w, 1.0) > trust_region) {
    double lo = 0.0, hi = 1.0;
    for (int it = 0; it < 60; ++it) {
      const double mid = 0.5 * (lo + hi);
      (weights_kl(sis.log_w, mid) > trust_region ? hi : lo) = mid;
    }
    step.eta = lo;
  }
  const size_t n = sis.log_w.size();
  const double top = *std::max_element(sis.log_w.begin(), sis.log_w.end());
  std::vector<double> w(n);
  double s = 0.0;
  for (size_t i = 0; i < n; ++i) s += (w[i] = math::exp(step.eta * (sis.log_w[i] - top)));
  for (double& v : w) v /= s;
  // Weighted maximum likelihood of each kernel q_k = N((m/v + b)/P, I/P), P = 1/v + λ_k, over b_k
  // with λ_k kept (closed form: b = P x̄' − m̄/v, the weighted means of x' and m).
  step.twists = twists;
  for (size_t k = 0; k < twists.size(); ++k) {
    const Particles &xn = sis.path[k + 1], &m = sis.mean[k];
    const double v = sis.var[k], precision = 1.0 / v + twists[k].lambda;
    double ax = 0, ay = 0, bx = 0, by = 0;
    for (size_t i = 0; i < n; ++i) ax += w[i] * xn.x[i], ay += w[i] * xn.y[i], bx += w[i] * m.x[i], by += w[i] * m.y[i];
    step.twists[k].bx = precision * ax - bx / v;
    step.twists[k].by = precision * ay - by / v;
  }
  return step;
}

}  // namespace klab::diffusion
