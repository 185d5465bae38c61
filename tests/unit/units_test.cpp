// The CUDA engine's path through src/dist (units.hpp, run_points.cpp) without a GPU: a toy whose
// run_cuda_blocks is a stand-in that computes the blocks on the CPU, in one call per unit, exactly
// as a CUDA engine must (core/ordered_batch.hpp). The job equals the CPU engine's bit for bit, units
// grow from one block, a failing unit stops the job with its message and keeps the blocks merged.
#include <doctest/doctest.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/batch.hpp"
#include "core/ordered_batch.hpp"
#include "dist/cluster.hpp"
#include "dist/units.hpp"

namespace {

struct UnitsToyParams {
  int draws = 5;
};

class UnitsToy final : public klab::ExperimentOf<UnitsToyParams, UnitsToy> {
 public:
  UnitsToy() : ExperimentOf(table()) {}
  klab::RunLayout layout() const override {
    klab::RunLayout l;
    l.series = {"a", "b"};
    l.axes = {{"k", {1, 2}}};
    l.curves = {{"value", 0}};
    l.final_metrics = {"sum"};
    l.work_per_run = 1.0;
    return l;
  }
  // Run r: pseudo-random values from (seed, r), so that merge order shows in the last bits.
  void run(uint64_t seed, uint32_t r, const klab::RunLayout&, klab::RunRecord& out) const override {
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + r * 0xBF58476D1CE4E5B9ull + 1;
    double sum = 0;
    for (int d = 0; d < p().draws; ++d) {
      x ^= x >> 31, x *= 0x94D049BB133111EBull, x ^= x >> 29;
      sum += static_cast<double>(x >> 11) * 0x1.0p-53;
    }
    for (size_t s = 0; s < 2; ++s) {
      out.curve(s, 0, 0, sum * (s + 1));
      out.curve(s, 0, 1, sum * sum);
      out.final(s, 0, sum / (s + 1));
    }
  }
  klab::plot::Figure figure(const klab::BatchResult&) const override { return {}; }

  // The stand-in engine: records handed over in run order through OrderedBatch, like the CUDA engines'.
  bool has_cuda_engine() const override { return true; }
  klab::Status run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block,
                               std::vector<klab::SlotStats>* blocks) const override {
    calls->push_back(end_block - first_block);
    if (fail_at_block >= first_block && fail_at_block < end_block) return klab::Status::error("CUDA: out of memory (stand-in)");
    const klab::RunLayout l = layout();
    klab::OrderedBatch batch(l, runs, first_block, end_block, blocks);
    for (uint32_t i = 0; i < batch.run_count(); ++i) {
      run(seed, batch.first_run() + i, l, batch.next());
      batch.add();
    }
    return {};
  }
  std::shared_ptr<std::vector<uint32_t>> calls = std::make_shared<std::vector<uint32_t>>();  // unit sizes, in order
  uint32_t fail_at_block = ~0u;

 private:
  static std::shared_ptr<const klab::ParamTable<UnitsToyParams>> table() {
    auto t = std::make_shared<klab::ParamTable<UnitsToyParams>>();
    t->integer("draws", &UnitsToyParams::draws, 5, 1, 100);
    return t;
  }
};

bool same_bits(const klab::SlotStats& a, const klab::SlotStats& b) {
  auto same = [](const std::vector<klab::RunningStat>& x, const std::vector<klab::RunningStat>& y) {
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      const auto s = x[i].state(), t = y[i].state();
      if (s.n != t.n || std::memcmp(&s.mean, &t.mean, 8) != 0 || std::memcmp(&s.m2, &t.m2, 8) != 0) return false;
    }
    return true;
  };
  return same(a.curves, b.curves) && same(a.finals, b.finals);
}

klab::PointJob fresh_point(const klab::Experiment& e) { return klab::PointJob{&e, klab::BlockPrefix{0, klab::SlotStats(e.layout()), 0.0}}; }

}  // namespace

TEST_CASE("dist units: the CUDA path (a stand-in engine) equals the CPU engine bit for bit, in units that grow from one block") {
  UnitsToy toy;
  const uint32_t runs = 16 * 40 + 7;  // 41 blocks, a short last one
  klab::BatchJob cpu(toy.clone(), 3, runs);
  cpu.run_all(2);
  const klab::JobOutcome gpu = klab::run_points_locally({fresh_point(toy)}, 3, runs, 1, klab::Backend::Cuda, {}, nullptr);
  REQUIRE(gpu.complete);
  CHECK(gpu.error.empty());
  CHECK(gpu.points[0].blocks == 41);
  CHECK(same_bits(gpu.points[0].stats, cpu.result().stats));
  // Units double from one block while they take well under kCudaUnitSeconds: 1, 2, 4, 8, 16, then the 10 left.
  CHECK(*toy.calls == std::vector<uint32_t>{1, 2, 4, 8, 16, 10});
  // run_cuda_job (tests, benchmarks): the whole job in one call, the same statistics.
  klab::BatchResult whole;
  REQUIRE(klab::run_cuda_job(toy, 3, runs, &whole).ok());
  CHECK(same_bits(whole.stats, cpu.result().stats));
}

TEST_CASE("dist units: a failing unit stops the job with its message; the blocks before it stay merged, and resuming completes it") {
  UnitsToy toy;
  toy.fail_at_block = 5;
  const uint32_t runs = 16 * 12;
  const klab::JobOutcome failed = klab::run_points_locally({fresh_point(toy)}, 9, runs, 1, klab::Backend::Cuda, {}, nullptr);
  CHECK_FALSE(failed.complete);
  CHECK(failed.error == "CUDA: out of memory (stand-in)");
  CHECK(failed.points[0].blocks == 3);  // units 1 + 2 done; the unit of blocks 3..6 failed
  // Resumed from that prefix (a checkpoint) with a working engine: equal to the CPU engine.
  UnitsToy fixed;
  klab::PointJob resumed{&fixed, failed.points[0]};
  const klab::JobOutcome done = klab::run_points_locally({resumed}, 9, runs, 1, klab::Backend::Cuda, {}, nullptr);
  REQUIRE(done.complete);
  klab::BatchJob cpu(fixed.clone(), 9, runs);
  cpu.run_all(1);
  CHECK(same_bits(done.points[0].stats, cpu.result().stats));
}

TEST_CASE("dist units: a stop (SIGTERM) before a unit leaves the job at a block boundary") {
  UnitsToy toy;
  std::atomic<bool> stop{true};
  const klab::JobOutcome o = klab::run_points_locally({fresh_point(toy)}, 1, 64, 1, klab::Backend::Cuda, {}, &stop);
  CHECK_FALSE(o.complete);
  CHECK(o.error.empty());
  CHECK(o.points[0].blocks == 0);
  CHECK(toy.calls->empty());
}

TEST_CASE("dist units: unit sizes") {
  klab::UnitSizer cpu(klab::Backend::Cpu, 100);
  CHECK(cpu.next(100, 100, 4) == 1);
  klab::UnitSizer gpu(klab::Backend::Cuda, 100);
  CHECK(gpu.next(100, 100, 1) == 1);
  gpu.observe(1, 0.001);
  CHECK(gpu.next(100, 100, 1) == 2);
  gpu.observe(64, 0.1);                              // 640 blocks/s: kCudaUnitSeconds' worth is 2560, doubling gives 128
  CHECK(gpu.next(100000, 100000, 1) == 128);
  CHECK(gpu.next(100, 100, 1) == 100);
  CHECK(gpu.next(100, 100, 4) == 25);                // the job's tail split between 4 ranks
  CHECK(gpu.next(100, 100000, 4) == 100);            // not while other points of a sweep wait
  gpu.observe(128, 64.0);                            // 2 blocks/s: 8 blocks take kCudaUnitSeconds
  CHECK(gpu.next(100000, 100000, 1) == 8);
  CHECK(gpu.next(0, 0, 1) == 0);
  // At most kMaxUnitBytes of statistics in a unit, however fast the engine.
  klab::UnitSizer wide(klab::Backend::Cuda, size_t{1} << 20);
  wide.observe(1u << 20, 1e-3);
  CHECK(wide.next(1u << 30, 1u << 30, 1) == klab::kMaxUnitBytes >> 20);
}

// `--threads n` bounds the threads a job takes by default, the CUDA path's host work included.
TEST_CASE("dist units: --threads limits the default thread count") {
  const int cores = klab::default_thread_count();
  {
    const klab::ScopedThreadLimit one(1);
    CHECK(klab::default_thread_count() == 1);
    {
      const klab::ScopedThreadLimit many(cores + 5);
      CHECK(klab::default_thread_count() == cores);  // never more threads than cores
    }
    CHECK(klab::default_thread_count() == 1);
  }
  CHECK(klab::default_thread_count() == cores);
}
