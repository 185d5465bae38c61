// The batch engine (core/batch.hpp): bit-identical results whatever the thread count or time
// slicing, RunLayout indexing, histogram curves, NaN slots, and resumable runs (RunCursor).
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "app/catalog.hpp"
#include "core/batch.hpp"
#include "core/checkpoint.hpp"
#include "core/result_plots.hpp"
#include "core/run_output.hpp"
#include "core/samplers.hpp"
#include "small_configs.hpp"

namespace {

// summary.json and curves.csv of a finished job, with the timing fixed so runs compare equal.
std::string fingerprint(const std::string& id, const klab::BatchJob& job) {
  klab::BatchResult r = job.result();
  r.seconds = 1.0;
  return klab::summary_json(id, job.experiment().params(), r) + klab::curves_csv(r);
}

// A random walk x_i = x_{i-1} + drift + N(0,1), resumable in slices. Curves: the position at 11
// checkpoints, and a "sparse" curve only every third run reports; finals: end, max, and
// "odd_only", reported by odd runs only.
struct WalkParams {
  long long steps = 20000;
  double drift = 0.01;
};

struct WalkState {
  klab::Rng rng;
  long long i = 0;
  double x = 0.0, max = 0.0;
  size_t next_checkpoint = 0;
};

class WalkExperiment final : public klab::ExperimentOf<WalkParams, WalkExperiment> {
 public:
  WalkExperiment() : ExperimentOf(table()), pauses_(std::make_shared<int>(0)) {}

  klab::RunLayout layout() const override {
    klab::RunLayout l;
    l.series = {"walk"};
    std::vector<double> xs;
    for (int k = 0; k <= 10; ++k) xs.push_back(static_cast<double>(p().steps * k / 10));
    l.axes = {{"step", xs}};
    l.curves = {{"position", 0}, {"sparse", 0}};
    l.final_metrics = {"end", "max", "odd_only"};
    l.work_per_run = static_cast<double>(p().steps);
    return l;
  }

  // Advances the walk by up to `work` steps; true when it has finished and filled the record.
  bool advance(WalkState& s, double work, const klab::RunLayout& layout, uint32_t run, klab::RunRecord& out) const {
    const std::vector<double>& cps = layout.axes[0].x;
    for (double done = 0; done < work && s.i <= p().steps; ++done) {
      if (s.i > 0) s.x += p().drift + klab::sample_normal(s.rng);
      s.max = std::max(s.max, s.x);
      if (s.next_checkpoint < cps.size() && static_cast<double>(s.i) == cps[s.next_checkpoint]) {
        out.curve(0, 0, s.next_checkpoint, s.x);
        // "sparse": every third run, and never at the last checkpoint.
        if (run % 3 == 0 && s.next_checkpoint + 1 < cps.size()) out.curve(0, 1, s.next_checkpoint, s.x * s.x);
        ++s.next_checkpoint;
      }
      ++s.i;
    }
    if (s.i <= p().steps) return false;
    out.final(0, 0, s.x);
    out.final(0, 1, s.max);
    if (run % 2 == 1) out.final(0, 2, static_cast<double>(run));
    return true;
  }

  void run(uint64_t seed, uint32_t run, const klab::RunLayout& layout, klab::RunRecord& out) const override {
    WalkState s{klab::Rng(seed, run, 0)};
    advance(s, 1e300, layout, run, out);
  }

  class Cursor final : public klab::RunCursor {
   public:
    Cursor(const WalkExperiment& e, uint64_t seed, uint32_t run, const klab::RunLayout& layout, klab::RunRecord& out)
        : e_(e), state_{klab::Rng(seed, run, 0)}, run_(run), layout_(layout), out_(out) {}
    bool step(double work) override {
      const bool done = e_.advance(state_, work, layout_, run_, out_);
      if (!done) ++*e_.pauses_;
      return done;
    }

   private:
    const WalkExperiment& e_;
    WalkState state_;
    uint32_t run_;
    const klab::RunLayout& layout_;
    klab::RunRecord& out_;
  };

  std::unique_ptr<klab::RunCursor> start_run(uint64_t seed, uint32_t run, const klab::RunLayout& layout,
                                             klab::RunRecord& out) const override {
    return std::make_unique<Cursor>(*this, seed, run, layout, out);
  }

  klab::plot::Figure figure(const klab::BatchResult&) const override { return {}; }
  int pauses() const { return *pauses_; }

 private:
  static std::shared_ptr<const klab::ParamTable<WalkParams>> table() {
    auto t = std::make_shared<klab::ParamTable<WalkParams>>();
    t->integer("steps", &WalkParams::steps, 20000, 1, 10000000);
    t->real("drift", &WalkParams::drift, 0.01, -1.0, 1.0);
    return t;
  }
  std::shared_ptr<int> pauses_;  // shared by clones: how often a cursor paused part-way
};

bool same_values(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::memcmp(&a[i], &b[i], sizeof(double)) != 0) return false;  // NaN == NaN, bit for bit
  return true;
}

}  // namespace

// Under AddressSanitizer (the native-asan preset, about 10× slower) the threaded runs use 3 threads
// only: there the point is memory errors and undefined behaviour on every demo's code path, threads
// included; the sweep over thread counts is checked by the native and wasm runs of this test.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kUnderAsan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kUnderAsan = true;
#else
constexpr bool kUnderAsan = false;
#endif
#else
constexpr bool kUnderAsan = false;
#endif

TEST_CASE("every demo gives identical results with 1, 2, 3, 8 threads and with tiny advance() budgets") {
  const klab::Registry catalog = klab::make_catalog();
  const auto& configs = klab::test::small_configs();  // 18 runs leave an open block of 2 (16 a block)
  std::set<std::string> covered;
  for (const auto& config : configs) {
    const std::string& id = config.demo;
    const auto& sets = config.params;
    CAPTURE(id);
    const klab::DemoInfo* demo = catalog.find(id);
    REQUIRE(demo != nullptr);
    covered.insert(id);
    auto e = demo->make();
    REQUIRE(e->params().set_texts(sets).ok());
    const uint32_t runs = 18;
    klab::BatchJob reference(e->clone(), 99, runs);
    reference.run_all(1);
    REQUIRE(reference.done());
    const std::string expected = fingerprint(id, reference);
    CHECK(reference.result().runs_done == runs);
    const std::vector<int> thread_counts = kUnderAsan ? std::vector<int>{3} : std::vector<int>{2, 3, 8};
    for (int threads : thread_counts) {
      CAPTURE(threads);
      klab::BatchJob job(e->clone(), 99, runs);
      job.run_all(threads);
      CHECK(fingerprint(id, job) == expected);
    }
    klab::BatchJob sliced(e->clone(), 99, runs);
    int calls = 0;
    while (!sliced.done()) {
      sliced.advance(1e-7);
      ++calls;
    }
    CHECK(calls >= static_cast<int>(runs));  // a tiny budget completes at most one run per call
    CHECK(fingerprint(id, sliced) == expected);
    // Part by slices, the rest on threads (the open block is finished first).
    klab::BatchJob mixed(e->clone(), 99, runs);
    for (int i = 0; i < 5; ++i) mixed.advance(0.0);
    CHECK(mixed.fraction() == doctest::Approx(5.0 / runs));
    mixed.run_all(3);
    CHECK(fingerprint(id, mixed) == expected);
    // A different seed gives a different result (the fingerprint can tell them apart).
    klab::BatchJob other(e->clone(), 100, runs);
    other.run_all(1);
    CHECK(fingerprint(id, other) != expected);
  }
  for (const klab::DemoInfo& d : catalog.demos()) CHECK(covered.count(d.id) == 1);
}

TEST_CASE("RunLayout indexing: curve and final slots are a bijection") {
  klab::RunLayout l;
  l.series = {"a", "b", "c"};
  l.axes = {{"x", {1, 2, 3, 4}}, {"bins", {0.5, 1.5}}};
  l.curves = {{"m0", 0}, {"h", 1}, {"m2", 0}};
  l.final_metrics = {"f0", "f1"};
  CHECK(l.curve_points(0) == 4);
  CHECK(l.curve_points(1) == 2);
  CHECK(l.series_stride() == 10);
  CHECK(l.curve_slots() == 30);
  CHECK(l.final_slots() == 6);
  std::vector<int> hits(l.curve_slots(), 0);
  size_t expected = 0;
  for (size_t s = 0; s < 3; ++s)
    for (size_t m = 0; m < 3; ++m)
      for (size_t k = 0; k < l.curve_points(m); ++k) {
        const size_t i = l.curve_index(s, m, k);
        REQUIRE(i < hits.size());
        CHECK(i == expected++);  // series-major, then metric, then point
        ++hits[i];
      }
  for (int h : hits) CHECK(h == 1);
  CHECK(l.final_index(2, 1) == 5);
  CHECK(l.final_index(1, 0) == 2);
  CHECK(l.find_series("b") == 1);
  CHECK(l.find_series("z") == -1);
  CHECK(l.find_final("f1") == 1);
  CHECK(l.find_final("m0") == -1);
  CHECK(l.find_curve("m2") == 2);
  CHECK(l.find_curve("f0") == -1);

  klab::RunRecord rec(l);
  CHECK(rec.curves().size() == 30);
  CHECK(rec.finals().size() == 6);
  for (double v : rec.curves()) CHECK(std::isnan(v));
  rec.curve(1, 2, 3, 7.0);
  rec.final(2, 0, 9.0);
  CHECK(rec.curves()[l.curve_index(1, 2, 3)] == 7.0);
  CHECK(rec.curve_row(1, 2)[3] == 7.0);
  CHECK(rec.finals()[4] == 9.0);
  rec.clear();
  CHECK(std::isnan(rec.curves()[l.curve_index(1, 2, 3)]));
  CHECK(std::isnan(rec.finals()[4]));
}

TEST_CASE("RunRecord::histogram puts 1 in the value's bin; out-of-range values in the end bins") {
  klab::RunLayout l;
  l.series = {"s"};
  std::vector<double> centres;
  for (int k = 0; k < 10; ++k) centres.push_back(0.5 + k);  // bins [k, k+1) over [0, 10]
  l.axes = {{"v", centres}};
  l.curves = {{"hist", 0}};
  klab::RunRecord rec(l);
  const struct {
    double value;
    int bin;  // -1: no bin (NaN)
  } cases[] = {{3.2, 3}, {0.0, 0}, {1.0, 1}, {9.999, 9}, {10.0, 9}, {-5.0, 0}, {100.0, 9}, {-1e300, 0},
               {klab::kInf, -1}, {std::nan(""), -1}};
  for (const auto& c : cases) {
    CAPTURE(c.value);
    rec.histogram(0, 0, c.value);
    const double* row = rec.curve_row(0, 0);
    double total = 0.0;
    for (int k = 0; k < 10; ++k) {
      CHECK(row[k] == (k == c.bin ? 1.0 : 0.0));
      total += row[k];
    }
    CHECK(total == (c.bin >= 0 ? 1.0 : 0.0));
  }
}

TEST_CASE("NaN slots are skipped by the statistics") {
  WalkExperiment walk;
  REQUIRE(walk.params().set_texts({{"steps", "200"}}).ok());
  const uint32_t runs = 40;
  klab::BatchJob job(walk.clone(), 5, runs);
  job.run_all(2);
  const klab::BatchResult r = job.result();
  CHECK(r.final_stat(0, 0).count() == runs);
  CHECK(r.final_stat(0, 2).count() == runs / 2);                 // odd runs only
  CHECK(r.final_stat(0, 2).mean() == doctest::Approx(20.0));     // mean of 1, 3, …, 39
  CHECK(r.curve_stat(0, 1, 0).count() == 14);                    // runs 0, 3, …, 39
  CHECK(r.curve_stat(0, 1, 10).count() == 0);                    // nobody reports the last point
  std::vector<double> mean, lo, hi;
  r.curve(0, 1, &mean, &lo, &hi);
  CHECK(std::isnan(mean[10]));
  CHECK(std::isnan(lo[10]));
  CHECK(mean[0] == 0.0);  // the walk starts at 0
  CHECK(mean[5] > 0.0);
  CHECK(lo[5] < mean[5]);
  CHECK(hi[5] > mean[5]);
  // curves.csv leaves out the point nobody reported: 11 position rows + 10 sparse rows.
  const std::string csv = klab::curves_csv(r);
  CHECK(static_cast<size_t>(std::count(csv.begin(), csv.end(), '\n')) == 1 + 11 + 10);
}

TEST_CASE("a figure's line draws its 95% band only where at least 5 runs reached the point") {
  WalkExperiment walk;
  REQUIRE(walk.params().set_texts({{"steps", "50"}}).ok());
  for (const uint32_t runs : {3u, 5u}) {
    CAPTURE(runs);
    klab::BatchJob job(walk.clone(), 5, runs);
    job.run_all(1);
    const klab::BatchResult r = job.result();
    std::vector<double> mean, lo, hi;
    r.curve(0, 0, &mean, &lo, &hi);  // the statistics themselves keep every band
    const klab::plot::Line l = klab::plot::result_line(r, 0, 0);
    REQUIRE(l.lo.size() == mean.size());
    REQUIRE(l.hi.size() == mean.size());
    CHECK(hi.back() > lo.back());  // the runs differ: a band
    for (size_t k = 0; k < mean.size(); ++k) {
      CHECK(l.y[k] == mean[k]);
      CHECK(std::isnan(l.lo[k]) == (runs < 5));
      CHECK(std::isnan(l.hi[k]) == (runs < 5));
      if (runs >= 5) CHECK((l.lo[k] == lo[k] && l.hi[k] == hi[k]));
    }
  }
}

TEST_CASE("a paused and resumed run fills the same record as run()") {
  WalkExperiment walk;
  const klab::RunLayout l = walk.layout();
  for (uint32_t run : {0u, 1u, 6u}) {
    CAPTURE(run);
    klab::RunRecord whole(l), sliced(l);
    walk.run(3, run, l, whole);
    auto cursor = walk.start_run(3, run, l, sliced);
    REQUIRE(cursor != nullptr);
    int steps = 0;
    while (!cursor->step(777)) ++steps;
    CHECK(steps == 20001 / 777);
    CHECK(same_values(whole.curves(), sliced.curves()));
    CHECK(same_values(whole.finals(), sliced.finals()));
  }
  // Through the batch engine: tiny budgets pause runs part-way (one slice per call), threads use
  // run(); both give the same aggregate.
  const uint32_t runs = 21;
  klab::BatchJob threaded(walk.clone(), 3, runs);
  threaded.run_all(3);
  const int pauses_before = walk.pauses();
  klab::BatchJob sliced(walk.clone(), 3, runs);
  while (!sliced.done()) sliced.advance(1e-7);
  CHECK(walk.pauses() - pauses_before >= static_cast<int>(runs));  // every run paused at least once
  CHECK(fingerprint("toy.walk", sliced) == fingerprint("toy.walk", threaded));
  CHECK(sliced.result().runs_done == runs);
}

TEST_CASE("both ways of handing out work (whole blocks, single runs) give the sequential result bit for bit") {
  WalkExperiment walk;
  REQUIRE(walk.params().set_texts({{"steps", "50"}}).ok());
  // 8 threads: 21 runs (2 blocks) go out run by run; 700 runs (44 blocks) block by block.
  for (uint32_t runs : {1u, 17u, 21u, 700u}) {
    CAPTURE(runs);
    klab::BatchJob sequential(walk.clone(), 11, runs);
    while (!sequential.done()) sequential.advance(1.0);
    for (int threads : {2, 8}) {
      CAPTURE(threads);
      klab::BatchJob job(walk.clone(), 11, runs);
      job.run_all(threads);
      CHECK(fingerprint("toy.walk", job) == fingerprint("toy.walk", sequential));
    }
  }
}

TEST_CASE("progress counts the work inside a paused run") {
  WalkExperiment walk;  // 20000 steps a run; the first slice of advance() is 10^4 steps
  klab::BatchJob job(walk.clone(), 1, 4);
  CHECK(job.fraction() == 0.0);
  job.advance(0.0);  // one slice, then the budget is spent: the first run is paused half-way
  CHECK(job.fraction() > 0.0);
  CHECK(job.fraction() < 0.25);
  while (!job.done()) job.advance(1.0);
  CHECK(job.fraction() == 1.0);
}

namespace {

// One long resumable run that stops half-way until the progress callback has reported a value
// strictly between 0 and 1: the test passes when a single run moves the bar, whatever the timing.
struct GateParams {
  long long work = 1000000;
};

class GateExperiment final : public klab::ExperimentOf<GateParams, GateExperiment> {
 public:
  GateExperiment() : ExperimentOf(table()), seen_(std::make_shared<std::atomic<bool>>(false)) {}
  klab::RunLayout layout() const override {
    klab::RunLayout l;
    l.series = {"gate"};
    l.final_metrics = {"waited"};
    l.work_per_run = static_cast<double>(p().work);
    return l;
  }
  class Cursor final : public klab::RunCursor {
   public:
    Cursor(const GateExperiment& e, klab::RunRecord& out) : e_(e), out_(out) {}
    bool step(double work) override {
      done_ += work;
      const double total = static_cast<double>(e_.p().work);
      if (done_ >= total / 2 && !waited_) {
        waited_ = true;
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (!*e_.seen_ && std::chrono::steady_clock::now() < until)
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      if (done_ < total) return false;
      out_.final(0, 0, *e_.seen_ ? 1.0 : 0.0);
      return true;
    }

   private:
    const GateExperiment& e_;
    klab::RunRecord& out_;
    double done_ = 0.0;
    bool waited_ = false;
  };
  std::unique_ptr<klab::RunCursor> start_run(uint64_t, uint32_t, const klab::RunLayout&, klab::RunRecord& out) const override {
    return std::make_unique<Cursor>(*this, out);
  }
  klab::plot::Figure figure(const klab::BatchResult&) const override { return {}; }
  std::shared_ptr<std::atomic<bool>> seen_;

 private:
  static std::shared_ptr<const klab::ParamTable<GateParams>> table() {
    auto t = std::make_shared<klab::ParamTable<GateParams>>();
    t->integer("work", &GateParams::work, 1000000, 1, 1000000000);
    return t;
  }
};

}  // namespace

#if !defined(__EMSCRIPTEN__)  // run_all's threads (one thread in wasm goes through advance(), tested above)
TEST_CASE("a single long run moves the progress bar on the threaded path") {
  GateExperiment gate;
  klab::BatchJob job(gate.clone(), 1, 1);
  double inside = -1.0;
  job.run_all(2, [&](double f) {
    if (f > 0.0 && f < 1.0 && inside < 0) {
      inside = f;
      *gate.seen_ = true;
    }
  });
  CHECK(inside > 0.0);
  CHECK(inside < 1.0);
  CHECK(job.result().final_stat(0, 0).mean() == 1.0);  // the run saw the progress while it ran
}
#endif

TEST_CASE("a job stopped part-way and resumed from its saved prefix gives the uninterrupted result bit for bit") {
  // 1 thread (advance), 8 threads on 21 runs (run by run), 2 threads on 300 runs (block by block);
  // long enough that the first progress report (after 0.1 s) comes well before the end.
  struct Case {
    uint32_t runs;
    int threads;
    const char* steps;
  };
  for (const Case c : {Case{300, 1, "20000"}, Case{21, 8, "500000"}, Case{300, 2, "20000"}}) {
    const uint32_t runs = c.runs;
    const int threads = c.threads;
    CAPTURE(runs);
    CAPTURE(threads);
    WalkExperiment walk;
    REQUIRE(walk.params().set_texts({{"steps", c.steps}}).ok());
    const std::vector<klab::RunLayout> layouts = {walk.layout()};
    klab::BatchJob whole(walk.clone(), 3, runs);
    whole.run_all(threads);
    std::atomic<bool> stop{false};
    klab::BatchJob stopped(walk.clone(), 3, runs);
    stopped.run_all(threads, [&](double f) { if (f > 0.05) stop = true; }, &stop);
    REQUIRE_FALSE(stopped.done());
    klab::BlockPrefix prefix = stopped.completed_prefix();
    CHECK(prefix.blocks < klab::block_count(runs));
    // Through the checkpoint's text, as `klab run --resume` reads it.
    const std::string text = klab::checkpoint_text(klab::Checkpoint{nlohmann::json{{"demo", "toy.walk"}}, {prefix}});
    klab::Expected<klab::Checkpoint> read = klab::parse_checkpoint(text, layouts);
    REQUIRE(read.ok());
    CHECK(read.value().points[0].blocks == prefix.blocks);
    klab::BatchJob resumed(walk.clone(), 3, runs, std::move(read.value().points[0]));
    resumed.run_all(threads);
    CHECK(resumed.done());
    CHECK(fingerprint("toy.walk", resumed) == fingerprint("toy.walk", whole));
  }
}

TEST_CASE("blocks computed on their own (run_block) and merged in order equal the job") {
  WalkExperiment walk;
  REQUIRE(walk.params().set_texts({{"steps", "200"}}).ok());
  const klab::RunLayout layout = walk.layout();
  const uint32_t runs = 45;  // blocks of 16, 16, 13
  klab::BatchJob job(walk.clone(), 9, runs);
  job.run_all(1);
  klab::BlockPrefix merged{0, klab::SlotStats(layout), 0.0};
  for (uint32_t b = 0; b < klab::block_count(runs); ++b) {
    klab::SlotStats block;
    REQUIRE(klab::run_block(walk, layout, 9, runs, b, &block));
    merged.stats.merge(block);
    ++merged.blocks;
  }
  klab::BatchJob from_blocks(walk.clone(), 9, runs, merged);
  CHECK(fingerprint("toy.walk", from_blocks) == fingerprint("toy.walk", job));
  klab::SlotStats abandoned;
  CHECK_FALSE(klab::run_block(walk, layout, 9, runs, 0, &abandoned, [] { return false; }));
}

TEST_CASE("BlockAccumulator: runs pushed one by one equal their blocks pushed whole; a dropped open block is forgotten") {
  WalkExperiment walk;
  REQUIRE(walk.params().set_texts({{"steps", "200"}}).ok());
  const klab::RunLayout layout = walk.layout();
  const uint32_t runs = 45;  // blocks of 16, 16, 13
  auto same_stats = [](const klab::SlotStats& a, const klab::SlotStats& b) {
    auto same = [](const std::vector<klab::RunningStat>& x, const std::vector<klab::RunningStat>& y) {
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        const klab::RunningStat::State s = x[i].state(), t = y[i].state();
        if (s.n != t.n || !same_values({s.mean, s.m2}, {t.mean, t.m2})) return false;
      }
      return true;
    };
    return same(a.curves, b.curves) && same(a.finals, b.finals);
  };
  klab::BlockAccumulator by_run(layout, runs), by_block(layout, runs), dropped(layout, runs);
  klab::RunRecord record(layout);
  for (uint32_t r = 0; r < runs; ++r) {
    record.clear();
    walk.run(9, r, layout, record);
    by_run.push(record);
    if (r < 20) dropped.push(record);
  }
  for (uint32_t b = 0; b < klab::block_count(runs); ++b) {
    klab::SlotStats block;
    REQUIRE(klab::run_block(walk, layout, 9, runs, b, &block));
    by_block.push_block(block);
    if (b == 0) {
      dropped.drop_open_block();  // runs 16..19 forgotten: back to the end of block 0
      CHECK(dropped.runs_done() == 16);
      CHECK(dropped.complete_blocks() == 1);
      CHECK(same_stats(dropped.total(), by_block.total()));
    }
  }
  CHECK(by_run.done());
  CHECK(by_block.runs_done() == runs);
  CHECK(by_run.complete_blocks() == 3);
  CHECK(same_stats(by_run.total(), by_block.total()));
  CHECK(same_stats(by_run.prefix(), by_run.total()));  // the last run closes the last block
  CHECK(by_run.total().finals[0].count() == runs);
}
