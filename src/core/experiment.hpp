// What a demo computes, independent of any UI: a parameterised experiment made of independent
// runs. The CLI, the tests, the browser's "runs over seeds" view and the CUDA engines all go
// through this interface, so the number a test asserts is the number the user sees.
//
// Each run r is a pure function of (parameters, seed, r) that fills a RunRecord: per-checkpoint
// curves and final numbers for every series (compared algorithm). The batch engine
// (core/batch.hpp) aggregates runs into means, standard errors and 95% confidence intervals.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/figure.hpp"
#include "core/params.hpp"

namespace klab {

// A grid of checkpoints shared by some curves: steps, sample sizes, or histogram bins.
struct CurveAxis {
  std::string label;      // "step", "n", "final μ"
  std::vector<double> x;  // checkpoint values (bin centres for histograms)
};

// A curve every series reports, over one of the layout's axes. A histogram of a per-run
// quantity is a curve whose value at bin k is 1 if the run's value falls in bin k, else 0:
// its mean over runs is the empirical distribution, with standard errors.
struct CurveMetric {
  std::string name;
  size_t axis = 0;
};

struct RunLayout {
  std::vector<std::string> series;  // compared algorithms: summary.json "series" keys
  std::vector<CurveAxis> axes;
  std::vector<CurveMetric> curves;         // each series has each curve
  std::vector<std::string> final_metrics;  // each series has one number per metric per run
  std::string work_unit = "steps";         // timing reports <work_unit>_per_second
  double work_per_run = 1.0;

  size_t curve_points(size_t m) const { return axes[curves[m].axis].x.size(); }
  size_t series_stride() const {
    size_t n = 0;
    for (size_t m = 0; m < curves.size(); ++m) n += curve_points(m);
    return n;
  }
  size_t curve_slots() const { return series.size() * series_stride(); }
  size_t final_slots() const { return series.size() * final_metrics.size(); }
  size_t curve_index(size_t s, size_t m, size_t k) const {
    size_t offset = s * series_stride();
    for (size_t i = 0; i < m; ++i) offset += curve_points(i);
    return offset + k;
  }
  size_t final_index(size_t s, size_t m) const { return s * final_metrics.size() + m; }
  int find_series(const std::string& name) const;
  int find_final(const std::string& name) const;
  int find_curve(const std::string& name) const;
};

// The output of one run. Slots left NaN are skipped by the statistics.
class RunRecord {
 public:
  explicit RunRecord(const RunLayout& layout)
      : layout_(&layout), curves_(layout.curve_slots(), kNan), finals_(layout.final_slots(), kNan) {}
  void curve(size_t series, size_t metric, size_t point, double v) { curves_[layout_->curve_index(series, metric, point)] = v; }
  double* curve_row(size_t series, size_t metric) { return curves_.data() + layout_->curve_index(series, metric, 0); }
  // Histogram curve: 1 in the bin holding `value` (bins of equal width over the axis), 0 elsewhere.
  void histogram(size_t series, size_t metric, double value);
  void final(size_t series, size_t metric, double v) { finals_[layout_->final_index(series, metric)] = v; }
  void clear() {
    std::fill(curves_.begin(), curves_.end(), kNan);
    std::fill(finals_.begin(), finals_.end(), kNan);
  }
  const std::vector<double>& curves() const { return curves_; }
  const std::vector<double>& finals() const { return finals_; }

 private:
  static constexpr double kNan = __builtin_nan("");
  const RunLayout* layout_;
  std::vector<double> curves_, finals_;
};

class BatchResult;
struct SlotStats;

// A run that can pause part-way: long runs (a bandit over 10^5 pulls) advance a slice per frame
// in the browser so the page stays at 60 FPS. The record is complete when step() returns true.
class RunCursor {
 public:
  virtual ~RunCursor() = default;
  // Does about `work` units (layout().work_unit) of the run; returns true once the run is done.
  // The batch engine counts the units it asks for as the run's progress (the CLI's bar and ETA,
  // the browser's), so a long run that is resumable shows progress while it runs.
  virtual bool step(double work) = 0;
};

class Experiment {
 public:
  virtual ~Experiment() = default;
  // A snapshot (parameters included) that a running batch can own while the UI changes the original.
  virtual std::unique_ptr<Experiment> clone() const = 0;
  virtual ParamSet& params() = 0;
  const ParamSet& params() const { return const_cast<Experiment*>(this)->params(); }
  // Series, curves and metrics for the current parameters.
  virtual RunLayout layout() const = 0;
  // One run. Pure and thread-safe: reads only the parameters; randomness from Rng(seed, run, ...).
  // Experiments implement this or start_run(); the default runs start_run()'s cursor to the end.
  virtual void run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const;
  // Optional resumable form of run() writing the same record into `out` (which must outlive the
  // cursor). Null (the default): the run is done in one piece by run().
  virtual std::unique_ptr<RunCursor> start_run(uint64_t seed, uint32_t run, const RunLayout& layout,
                                               RunRecord& out) const {
    return nullptr;
  }
  // The figure of an aggregated result (CLI figure.svg and the browser's runs view).
  virtual plot::Figure figure(const BatchResult& result) const = 0;

  // Optional CUDA engine (`klab run --backend cuda`): blocks [first_block, end_block) of a job of
  // `runs` runs on the GPU (one thread per run, the same KLAB_HD step code as run()), each block's
  // statistics appended to *blocks exactly as run_block computes them on the CPU (core/ordered_batch.hpp).
  // A job is a sequence of such calls (src/dist: chunks sized to a few seconds each, on one
  // process or spread over MPI ranks), so checkpoints, progress and ranks work as on the CPU.
  // Experiments without one keep these defaults.
  virtual bool has_cuda_engine() const { return false; }
  virtual Status run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block,
                                 std::vector<SlotStats>* blocks) const {
    return Status::error("this demo has no CUDA engine");
  }
};

// Base for experiments with a parameter struct P (declared once in a ParamTable<P>).
template <class P, class Derived>
class ExperimentOf : public Experiment {
 public:
  explicit ExperimentOf(std::shared_ptr<const ParamTable<P>> table) : params_(std::move(table)) {}
  std::unique_ptr<Experiment> clone() const override {
    return std::make_unique<Derived>(static_cast<const Derived&>(*this));
  }
  ParamSet& params() override { return params_; }
  const P& p() const { return params_.value(); }

 private:
  ParamsOf<P> params_;
};

}  // namespace klab
