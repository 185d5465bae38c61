#include "core/batch.hpp"

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

namespace klab {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

void push_finite(std::vector<RunningStat>& stats, const std::vector<double>& values) {
  for (size_t i = 0; i < values.size(); ++i)
    if (std::isfinite(values[i])) stats[i].push(values[i]);
}

}  // namespace

int RunLayout::find_series(const std::string& name) const {
  for (size_t i = 0; i < series.size(); ++i)
    if (series[i] == name) return static_cast<int>(i);
  return -1;
}
int RunLayout::find_final(const std::string& name) const {
  for (size_t i = 0; i < final_metrics.size(); ++i)
    if (final_metrics[i] == name) return static_cast<int>(i);
  return -1;
}
int RunLayout::find_curve(const std::string& name) const {
  for (size_t i = 0; i < curves.size(); ++i)
    if (curves[i].name == name) return static_cast<int>(i);
  return -1;
}

void Experiment::run(uint64_t seed, uint32_t run, const RunLayout& layout, RunRecord& out) const {
  std::unique_ptr<RunCursor> cursor = start_run(seed, run, layout, out);
  if (!cursor) {  // a programming error, caught by every demo's tests
    std::fprintf(stderr, "klab: an experiment must implement run() or start_run()\n");
    std::abort();
  }
  while (!cursor->step(1e18)) {
  }
}

void RunRecord::histogram(size_t series, size_t metric, double value) {
  const std::vector<double>& centres = layout_->axes[layout_->curves[metric].axis].x;
  double* row = curve_row(series, metric);
  const size_t n = centres.size();
  for (size_t k = 0; k < n; ++k) row[k] = 0.0;
  if (n == 0 || !std::isfinite(value)) return;
  const double width = n > 1 ? centres[1] - centres[0] : 1.0;
  const double pos = (value - (centres[0] - 0.5 * width)) / width;
  const size_t bin = pos <= 0 ? 0 : pos >= static_cast<double>(n) ? n - 1 : static_cast<size_t>(pos);
  row[bin] = 1.0;  // values outside the range land in the end bins
}

void SlotStats::add(const RunRecord& record) {
  push_finite(curves, record.curves());
  push_finite(finals, record.finals());
}

void SlotStats::merge(const SlotStats& other) {
  for (size_t i = 0; i < curves.size(); ++i) curves[i].merge(other.curves[i]);
  for (size_t i = 0; i < finals.size(); ++i) finals[i].merge(other.finals[i]);
}

void BatchResult::curve(size_t series, size_t metric, std::vector<double>* mean, std::vector<double>* lo,
                        std::vector<double>* hi) const {
  const size_t n = layout.curve_points(metric);
  mean->assign(n, NAN);
  if (lo) lo->assign(n, NAN);
  if (hi) hi->assign(n, NAN);
  for (size_t k = 0; k < n; ++k) {
    const RunningStat& s = curve_stat(series, metric, k);
    if (s.count() == 0) continue;
    (*mean)[k] = s.mean();
    if (lo) (*lo)[k] = s.mean() - s.ci95();
    if (hi) (*hi)[k] = s.mean() + s.ci95();
  }
}

int default_thread_count() {
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
  return 1;
#else
  const unsigned n = std::thread::hardware_concurrency();
  return n ? static_cast<int>(n) : 1;
#endif
}

BatchJob::BatchJob(std::unique_ptr<Experiment> snapshot, uint64_t seed, uint32_t runs)
    : experiment_(std::move(snapshot)),
      layout_(experiment_->layout()),
      seed_(seed),
      runs_(runs),
      merged_(layout_),
      open_block_(layout_),
      record_(layout_) {}

void BatchJob::advance(double budget_seconds) {
  const auto t0 = Clock::now();
  // Slice size for resumable runs: about a millisecond of work, re-estimated as we go.
  double slice = 1e4, sliced_work = 0.0, sliced_seconds = 0.0;
  while (!done()) {
    if (!cursor_) {
      record_.clear();
      cursor_ = experiment_->start_run(seed_, next_run_, layout_, record_);
      if (!cursor_) experiment_->run(seed_, next_run_, layout_, record_);
    }
    if (cursor_) {
      const auto s0 = Clock::now();
      const bool finished = cursor_->step(slice);
      sliced_seconds += seconds_since(s0);
      sliced_work += slice;
      if (sliced_seconds > 0) slice = std::max(64.0, 1e-3 * sliced_work / sliced_seconds);
      if (!finished) {
        if (seconds_since(t0) >= budget_seconds) break;
        continue;
      }
      cursor_.reset();
    }
    open_block_.add(record_);
    ++next_run_;
    if (next_run_ % kBlockRuns == 0 || done()) {
      merged_.merge(open_block_);
      open_block_ = SlotStats(layout_);
    }
    if (seconds_since(t0) >= budget_seconds) break;
  }
  seconds_ += seconds_since(t0);
}

void BatchJob::run_all(int threads, const std::function<void(double)>& progress) {
  if (threads <= 0) threads = default_thread_count();
  if (threads == 1 || default_thread_count() == 1) {
    while (!done()) {
      advance(0.1);
      if (progress) progress(fraction());
    }
    return;
  }
#if !defined(__EMSCRIPTEN__) || defined(__EMSCRIPTEN_PTHREADS__)
  // Finish the open block (and a paused run) on this thread so the workers start at a block boundary.
  while (!done() && (cursor_ || next_run_ % kBlockRuns != 0)) advance(0.0);
  const auto t0 = Clock::now();
  const uint32_t first_block = next_run_ / kBlockRuns;
  const uint32_t blocks = (runs_ + kBlockRuns - 1) / kBlockRuns;
  std::mutex mutex;
  std::condition_variable wake;
  uint32_t next_block = first_block, next_to_merge = first_block;
  uint64_t runs_finished = next_run_;
  std::map<uint32_t, SlotStats> finished;  // completed blocks waiting for their turn to merge

  auto worker = [&] {
    RunRecord record(layout_);
    for (;;) {
      uint32_t block;
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (next_block >= blocks) return;
        block = next_block++;
      }
      SlotStats stats(layout_);
      const uint32_t end = std::min(runs_, (block + 1) * kBlockRuns);
      for (uint32_t r = block * kBlockRuns; r < end; ++r) {
        record.clear();
        experiment_->run(seed_, r, layout_, record);
        stats.add(record);
      }
      std::lock_guard<std::mutex> lock(mutex);
      finished.emplace(block, std::move(stats));
      runs_finished += end - block * kBlockRuns;
      for (auto it = finished.find(next_to_merge); it != finished.end(); it = finished.find(next_to_merge)) {
        merged_.merge(it->second);
        finished.erase(it);
        ++next_to_merge;
      }
      wake.notify_one();
    }
  };
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back(worker);
  {
    std::unique_lock<std::mutex> lock(mutex);
    while (next_to_merge < blocks) {
      wake.wait_for(lock, std::chrono::milliseconds(100));
      if (progress) {
        const double f = static_cast<double>(runs_finished) / runs_;
        lock.unlock();
        progress(f);
        lock.lock();
      }
    }
  }
  for (auto& t : pool) t.join();
  next_run_ = runs_;
  seconds_ += seconds_since(t0);
  if (progress) progress(1.0);
#endif
}

BatchResult BatchJob::result() const {
  BatchResult r;
  r.layout = layout_;
  r.seed = seed_;
  r.runs_requested = runs_;
  r.runs_done = next_run_;
  r.seconds = seconds_;
  r.stats = merged_;
  if (next_run_ % kBlockRuns != 0) r.stats.merge(open_block_);
  return r;
}

}  // namespace klab
