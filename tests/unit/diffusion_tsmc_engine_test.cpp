// The engines of diffusion.tsmc without a GPU (src/diffusion/smc_particle.hpp, smc_backend.hpp,
// tsmc_experiment.cpp run_tsmc_blocks): what lets the CUDA engine (one thread per particle, any
// order) give the CPU engine's numbers.
//   1. SmcRandom::at(w) is the sequential Rng after w words, at every offset within a block (a
//      resampling's uniform takes two words, so phases start mid-block);
//   2. the phases computed particle by particle in another order and in separately started parts (as
//      GPU threads are) give run_smc's results bit for bit, with every option (twists, look-ahead
//      potentials, the decoupled proposal, resampling, paths, film); the weights' pass as the GPU runs
//      it (the maximum and the exponentials in any order, the chain tile by tile) and the systematic
//      search one output at a time (a binary search each) included — and, on weights with ties and
//      zeros, that search equals the CPU's forward merge;
//   3. the host twin of the CUDA path (run_tsmc_blocks with HostSmcBackend: runs on host threads, or
//      on the calling thread under a one-thread limit; blocks added in run order) gives the CPU
//      BatchJob's statistics bit for bit.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "core/batch.hpp"
#include "core/lab_math.hpp"
#include "diffusion/smc_backend.hpp"
#include "diffusion/smc_weights.hpp"
#include "diffusion/tsmc.hpp"
#include "diffusion/tsmc_experiment.hpp"

namespace {

using namespace klab::diffusion;

bool identical_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}
bool identical_bits(const Particles& a, const Particles& b) { return identical_bits(a.x, b.x) && identical_bits(a.y, b.y); }

// The phases of HostSmcBackend, each particle computed on its own from the plan, its index and the
// stream position, odd particles first, then even ones in reverse (a GPU's threads run in any order);
// the weights' pass as tsmc_engine.cu's weigh_kernel (the maximum and the exponentials in that order,
// the chain in tiles of kTile carrying the sums) and the systematic search one output at a time.
class ScrambledBackend final : public SmcBackend {
 public:
  klab::Status start(const SmcPlan& plan, size_t n, const SmcRandom& r) override {
    plan_ = &plan;
    x_.assign(n, 0.0), y_.assign(n, 0.0), mx_.assign(n, 0.0), my_.assign(n, 0.0), look_.assign(n, 0.0), log_w_.assign(n, 0.0);
    for (size_t i : order()) smc_prior(plan.prior_sd, r, i, &x_[i], &y_[i]);
    return {};
  }
  klab::Status predict(int k) override {
    const Term* terms = plan_->terms.data() + static_cast<size_t>(k) * static_cast<size_t>(plan_->config.components);
    for (size_t i : order()) smc_predict(plan_->config, plan_->steps[static_cast<size_t>(k)], terms, x_[i], y_[i], &mx_[i], &my_[i], &log_w_[i], &look_[i]);
    return {};
  }
  klab::Status weigh(WeightSums* out) override {
    const std::vector<size_t> o = order();
    sums_ = WeightSums{log_w_[o[0]], 0.0, 0.0};
    for (size_t i : o) sums_.top = sums_.top < log_w_[i] ? log_w_[i] : sums_.top;
    c_.assign(x_.size(), 0.0);
    for (size_t i : o) c_[i] = klab::math::exp(log_w_[i] - sums_.top);
    for (size_t first = 0; first < c_.size(); first += kTile)
      weight_chain(c_.data() + first, std::min(kTile, c_.size() - first), &sums_.s, &sums_.s2, c_.data() + first);
    *out = sums_;
    return {};
  }
  klab::Status resample(double u, std::vector<size_t>* parents) override {
    std::vector<size_t> idx(x_.size());
    for (size_t i : order()) systematic_range(c_.data(), c_.size(), sums_.s, u, idx.size(), i, i + 1, idx.data());
    if (parents) *parents = idx;
    std::vector<double> x(x_), y(y_), mx(mx_), my(my_), look(look_);
    for (size_t i : order()) x_[i] = x[idx[i]], y_[i] = y[idx[i]], mx_[i] = mx[idx[i]], my_[i] = my[idx[i]], look_[i] = look[idx[i]], log_w_[i] = 0.0;
    return {};
  }
  klab::Status propose(int k, const SmcRandom& r) override {
    for (size_t i : order()) smc_propose(plan_->config, plan_->steps[static_cast<size_t>(k)], r, i, mx_[i], my_[i], &x_[i], &y_[i], &log_w_[i]);
    return {};
  }
  klab::Status finish() override {
    for (size_t i : order()) smc_finish(plan_->config, x_[i], y_[i], look_[i], &log_w_[i]);
    return {};
  }
  klab::Status read(SmcField f, std::vector<double>* out) override {
    const std::vector<double>* fields[] = {&x_, &y_, &mx_, &my_, &log_w_};
    *out = *fields[static_cast<int>(f)];
    return {};
  }

 private:
  std::vector<size_t> order() const {
    std::vector<size_t> o;
    for (size_t i = 1; i < x_.size(); i += 2) o.push_back(i);
    for (size_t i = x_.size(); i-- > 0;)
      if (i % 2 == 0) o.push_back(i);
    return o;
  }
  static constexpr size_t kTile = 37;
  const SmcPlan* plan_ = nullptr;
  std::vector<double> x_, y_, mx_, my_, look_, log_w_, c_;
  WeightSums sums_;
};

}  // namespace

TEST_CASE("diffusion.tsmc engine: SmcRandom::at is the sequential stream at any word") {
  klab::Rng sequential(7, 2, 11, 5);
  std::vector<uint32_t> words;
  for (int i = 0; i < 40; ++i) words.push_back(sequential.next_u32());
  const SmcRandom r{7, 2, 11, 5 * kRngWordsPerBlock};  // block 5
  for (uint64_t w = 0; w < 8 * kRngWordsPerBlock; ++w) {
    klab::Rng at = r.at(w);
    CAPTURE(w);
    for (uint64_t j = 0; j < kSmcWordsPerParticle; ++j) CHECK(at.next_u32() == words[w + j]);
  }
}

TEST_CASE("diffusion.tsmc engine: particles computed in any order give run_smc's bits") {
  {  // systematic resampling: each output found alone (a GPU thread's binary search) = the CPU's merge
    const double inf = std::numeric_limits<double>::infinity();
    const std::vector<double> log_w = {-inf, -inf, 0.5, 0.5, -inf, -3.0, 0.5, -inf, -inf, 2.0, -40.0, -inf, -inf};
    std::vector<double> c;
    const WeightSums w = weigh_log_weights(log_w, &c);
    for (size_t m : {1, 7, 13, 64}) {
      for (double u : {0.0, 0.3, 0.999999}) {
        CAPTURE(m);
        CAPTURE(u);
        const std::vector<size_t> merge = systematic_indices(c, w.s, u, m);
        std::vector<size_t> alone(m);
        for (size_t j = m; j-- > 0;) systematic_range(c.data(), c.size(), w.s, u, m, j, j + 1, alone.data());
        CHECK(alone == merge);
      }
    }
  }
  const TiltProblem p = make_tilt_problem(make_preset(Preset::RareMode, 0.1), QuadraticReward{0.0, 2.0, 1.0}, 0.5, 8);
  const std::vector<Twist> zero(8), fixed = fixed_twists(p), mild(8, Twist{0.05, 0.1, 0.2});
  struct Case {
    const char* name;
    const std::vector<Twist>* twists;
    Potentials potentials;
    const std::vector<Twist>* proposal;
    bool resample, keep_paths, film;
  };
  const Case cases[] = {{"fixed twists, resampling, film", &fixed, Potentials::Twists, nullptr, true, false, true},
                        {"look-ahead potentials, resampling", &zero, Potentials::LookAhead, nullptr, true, false, false},
                        {"decoupled proposal (the learners' output run)", &zero, Potentials::LookAhead, &mild, true, false, true},
                        {"SIS with paths (a learner's iteration)", &mild, Potentials::Twists, nullptr, false, true, false}};
  for (const Case& c : cases) {
    CAPTURE(c.name);
    SmcOptions o;
    o.particles = 301;
    o.outputs = 97;
    o.resample = c.resample;
    o.keep_paths = c.keep_paths;
    o.potentials = c.potentials;
    o.proposal = c.proposal;
    SmcFilm film_a, film_b;
    SmcRandom ra{4, 1, 10, 6}, rb = ra;  // mid-block start
    o.film = c.film ? &film_a : nullptr;
    SmcResult a, b;
    HostSmcBackend host;
    ScrambledBackend scrambled;
    CHECK(run_smc(p, *c.twists, o, ra, host, &a).ok());
    o.film = c.film ? &film_b : nullptr;
    CHECK(run_smc(p, *c.twists, o, rb, scrambled, &b).ok());
    CHECK(ra.word == rb.word);
    CHECK(identical_bits(a.outputs, b.outputs));
    CHECK(identical_bits(a.last, b.last));
    CHECK(identical_bits(a.log_w, b.log_w));
    CHECK(a.path.size() == b.path.size());
    for (size_t k = 0; k < a.path.size(); ++k) CHECK(identical_bits(a.path[k], b.path[k]));
    for (size_t k = 0; k < a.mean.size(); ++k) CHECK(identical_bits(a.mean[k], b.mean[k]));
    if (c.film) {
      CHECK(film_a.parent == film_b.parent);
      CHECK(film_a.output_parent == film_b.output_parent);
      size_t resampled = 0;
      for (size_t k = 0; k < film_a.parent.size(); ++k) resampled += film_a.resampled(k) ? 1 : 0;
      CHECK(resampled > 0);  // (the resampling path is exercised)
    }
  }
}

TEST_CASE("diffusion.tsmc engine: the host twin of the CUDA path gives the CPU BatchJob's statistics") {
  TsmcExperiment e;
  REQUIRE(e.params().set_texts({{"particles", "40"}, {"steps", "5"}, {"iterations", "2"}, {"kde_grid", "16"}}).ok());
  const uint32_t runs = 18;  // two blocks, the second partial
  klab::BatchJob job(e.clone(), 3, runs);
  job.run_all(2);
  const klab::BatchResult cpu = job.result();
  REQUIRE(cpu.stats.finals.size() > 0);
  const auto same = [](const klab::RunningStat& a, const klab::RunningStat& b) {
    const double m[2] = {a.mean(), a.sem()}, n[2] = {b.mean(), b.sem()};
    return std::memcmp(m, n, sizeof m) == 0;
  };
  for (int threads : {0, 1}) {  // all cores (host threads), and one (the blocks' runs on the calling thread)
    CAPTURE(threads);
    const klab::ScopedThreadLimit limit(threads);
    std::vector<klab::SlotStats> blocks;
    REQUIRE(run_tsmc_blocks(e, 3, runs, 0, klab::block_count(runs), [] { return std::make_unique<HostSmcBackend>(); }, &blocks).ok());
    CHECK(blocks.size() == 2);
    klab::SlotStats twin(e.layout());
    for (const klab::SlotStats& b : blocks) twin.merge(b);
    size_t differ = 0;
    for (size_t i = 0; i < cpu.stats.curves.size(); ++i) differ += same(twin.curves[i], cpu.stats.curves[i]) ? 0 : 1;
    for (size_t i = 0; i < cpu.stats.finals.size(); ++i) differ += same(twin.finals[i], cpu.stats.finals[i]) ? 0 : 1;
    CHECK(differ == 0);
  }
}
