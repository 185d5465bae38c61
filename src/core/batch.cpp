#include "core/batch.hpp"

#include <algorithm>
#include <atomic>
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

// The slice for a resumable run's next step: about `target` seconds of work, estimated from the
// last step (at most four times the last slice, at least 64 units).
double next_slice(double slice, double seconds, double target) {
  if (seconds <= 0) return slice * 4;
  return std::max(64.0, std::min(slice * 4, slice * target / seconds));
}

// What one worker thread has done, read by the thread that reports progress. One cache line each,
// written by its worker only.
struct alignas(64) WorkerProgress {
  std::atomic<uint64_t> runs{0};      // runs completed
  std::atomic<double> partial{0.0};   // fraction of the current run done (resumable runs)
};

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

void SlotStats::clear() {
  std::fill(curves.begin(), curves.end(), RunningStat());
  std::fill(finals.begin(), finals.end(), RunningStat());
}

BlockAccumulator::BlockAccumulator(const RunLayout& layout, uint32_t runs) : runs_(runs), prefix_(layout), open_block_(layout) {}

BlockAccumulator::BlockAccumulator(const RunLayout& layout, uint32_t runs, SlotStats start, uint32_t start_blocks)
    : runs_(runs), runs_done_(std::min(runs, start_blocks * kBlockRuns)), prefix_(std::move(start)), open_block_(layout) {}

void BlockAccumulator::push(const RunRecord& record) {
  open_block_.add(record);
  ++runs_done_;
  if (runs_done_ % kBlockRuns == 0 || done()) {
    prefix_.merge(open_block_);
    open_block_.clear();
  }
}

void BlockAccumulator::push_block(const SlotStats& block) {
  prefix_.merge(block);
  runs_done_ = std::min(runs_, runs_done_ + kBlockRuns);
}

void BlockAccumulator::drop_open_block() {
  if (done()) return;
  runs_done_ -= runs_done_ % kBlockRuns;
  open_block_.clear();
}

SlotStats BlockAccumulator::total() const {
  SlotStats s = prefix_;
  if (runs_done_ % kBlockRuns != 0) s.merge(open_block_);
  return s;
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

namespace {
std::atomic<int> g_thread_limit{0};
}

ScopedThreadLimit::ScopedThreadLimit(int threads) : previous_(g_thread_limit.exchange(std::max(0, threads))) {}
ScopedThreadLimit::~ScopedThreadLimit() { g_thread_limit.store(previous_); }

int default_thread_count() {
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
  return 1;
#else
  const unsigned n = std::thread::hardware_concurrency();
  const int cores = n ? static_cast<int>(n) : 1;
  const int limit = g_thread_limit.load();
  return limit > 0 ? std::min(limit, cores) : cores;
#endif
}

bool run_block(const Experiment& experiment, const RunLayout& layout, uint64_t seed, uint32_t runs, uint32_t block,
               SlotStats* out, const std::function<bool()>& keep_going) {
  *out = SlotStats(layout);
  RunRecord record(layout);
  double slice = 1e4;
  const uint32_t end = std::min(runs, (block + 1) * kBlockRuns);
  for (uint32_t r = block * kBlockRuns; r < end; ++r) {
    if (keep_going && !keep_going()) return false;
    record.clear();
    std::unique_ptr<RunCursor> cursor = experiment.start_run(seed, r, layout, record);
    if (!cursor) {
      experiment.run(seed, r, layout, record);
    } else {
      for (;;) {
        const auto s0 = Clock::now();
        if (cursor->step(slice)) break;
        slice = next_slice(slice, seconds_since(s0), 0.02);
        if (keep_going && !keep_going()) return false;
      }
    }
    out->add(record);
  }
  return true;
}

BatchJob::BatchJob(std::unique_ptr<Experiment> snapshot, uint64_t seed, uint32_t runs)
    : experiment_(std::move(snapshot)),
      layout_(experiment_->layout()),
      seed_(seed),
      runs_(runs),
      blocks_(layout_, runs),
      record_(layout_) {}

BatchJob::BatchJob(std::unique_ptr<Experiment> snapshot, uint64_t seed, uint32_t runs, BlockPrefix start)
    : BatchJob(std::move(snapshot), seed, runs) {
  blocks_ = BlockAccumulator(layout_, runs_, std::move(start.stats), start.blocks);
  seconds_ = start.seconds;
}

BlockPrefix BatchJob::completed_prefix() const { return BlockPrefix{blocks_.complete_blocks(), blocks_.prefix(), seconds_}; }

void BatchJob::drop_open_block() {
  if (done()) return;
  blocks_.drop_open_block();
  cursor_.reset();
  cursor_work_ = 0.0;
}

double BatchJob::fraction() const {
  if (runs_ == 0) return 1.0;
  const double partial = cursor_ && layout_.work_per_run > 0 ? std::min(1.0, cursor_work_ / layout_.work_per_run) : 0.0;
  return (static_cast<double>(blocks_.runs_done()) + partial) / runs_;
}

void BatchJob::advance(double budget_seconds) {
  const auto t0 = Clock::now();
  double slice = 1e4;  // resumable runs: about a millisecond of work, re-estimated at each step
  while (!done()) {
    if (!cursor_) {
      record_.clear();
      cursor_work_ = 0.0;
      cursor_ = experiment_->start_run(seed_, blocks_.runs_done(), layout_, record_);
      if (!cursor_) experiment_->run(seed_, blocks_.runs_done(), layout_, record_);
    }
    if (cursor_) {
      const auto s0 = Clock::now();
      const bool finished = cursor_->step(slice);
      cursor_work_ += slice;
      slice = next_slice(slice, seconds_since(s0), 1e-3);
      if (!finished) {
        if (seconds_since(t0) >= budget_seconds) break;
        continue;
      }
      cursor_.reset();
    }
    blocks_.push(record_);
    if (seconds_since(t0) >= budget_seconds) break;
  }
  seconds_ += seconds_since(t0);
}

void BatchJob::run_all(int threads, const std::function<void(double)>& progress, const std::atomic<bool>* stop) {
  auto stopped = [stop] { return stop && stop->load(std::memory_order_relaxed); };
  if (threads <= 0) threads = default_thread_count();
  if (threads == 1 || default_thread_count() == 1) {
    while (!done() && !stopped()) {
      advance(0.1);
      if (progress) progress(fraction());
    }
    drop_open_block();
    return;
  }
#if !defined(__EMSCRIPTEN__) || defined(__EMSCRIPTEN_PTHREADS__)
  // Finish the open block (and a paused run) on this thread so the workers start at a block boundary.
  while (!done() && (cursor_ || blocks_.runs_done() % kBlockRuns != 0) && !stopped()) advance(0.0);
  if (stopped()) {
    drop_open_block();
    return;
  }
  const auto t0 = Clock::now();
  const uint32_t first_run = blocks_.runs_done();
  const uint32_t blocks = (runs_ + kBlockRuns - 1) / kBlockRuns;
  // Few blocks for the threads: hand out single runs (see batch.hpp), at most `window` runs ahead
  // of the next one to push, so the records waiting for their turn stay few.
  const bool by_run = blocks - first_run / kBlockRuns < 4 * static_cast<uint32_t>(threads);
  const uint32_t window = 2 * static_cast<uint32_t>(threads);
  std::mutex mutex;
  std::condition_variable wake;
  uint32_t next_block = first_run / kBlockRuns, next_to_merge = next_block;  // block hand-out
  uint32_t next_claim = first_run;  // run hand-out; blocks_.runs_done() is the next run to push
  std::map<uint32_t, SlotStats> finished_blocks;  // completed blocks waiting for their turn to merge
  std::map<uint32_t, RunRecord> finished_runs;    // completed runs waiting for their turn to be pushed
  std::vector<WorkerProgress> progress_of(static_cast<size_t>(threads));

  // One run into `record`, resumable runs in slices that report their progress; false: abandoned
  // (stopped part-way).
  auto run_one = [&](uint32_t r, RunRecord& record, WorkerProgress& p, double& slice) {
    record.clear();
    std::unique_ptr<RunCursor> cursor = experiment_->start_run(seed_, r, layout_, record);
    if (!cursor) {
      experiment_->run(seed_, r, layout_, record);
    } else {
      double work = 0.0;
      for (;;) {
        const auto s0 = Clock::now();
        const bool finished = cursor->step(slice);
        const double seconds = seconds_since(s0);
        if (finished) break;
        if (stopped()) return false;
        work += slice;
        if (layout_.work_per_run > 0) p.partial.store(std::min(1.0, work / layout_.work_per_run), std::memory_order_relaxed);
        slice = next_slice(slice, seconds, 0.02);
      }
      p.partial.store(0.0, std::memory_order_relaxed);
    }
    p.runs.store(p.runs.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    return true;
  };

  auto block_worker = [&](WorkerProgress& p) {
    RunRecord record(layout_);
    double slice = 1e4;
    for (;;) {
      uint32_t block;
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (next_block >= blocks || stopped()) return;
        block = next_block++;
      }
      SlotStats stats(layout_);
      const uint32_t end = std::min(runs_, (block + 1) * kBlockRuns);
      for (uint32_t r = block * kBlockRuns; r < end; ++r) {
        if (stopped() || !run_one(r, record, p, slice)) return;  // abandoned: the block is redone on resume
        stats.add(record);
      }
      std::lock_guard<std::mutex> lock(mutex);
      finished_blocks.emplace(block, std::move(stats));
      for (auto it = finished_blocks.find(next_to_merge); it != finished_blocks.end(); it = finished_blocks.find(next_to_merge)) {
        blocks_.push_block(it->second);
        finished_blocks.erase(it);
        ++next_to_merge;
      }
      wake.notify_all();
    }
  };

  auto run_worker = [&](WorkerProgress& p) {
    double slice = 1e4;
    for (;;) {
      uint32_t r;
      {
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait(lock, [&] { return next_claim >= runs_ || next_claim < blocks_.runs_done() + window || stopped(); });
        if (next_claim >= runs_ || stopped()) return;
        r = next_claim++;
      }
      RunRecord record(layout_);
      if (!run_one(r, record, p, slice)) return;
      std::lock_guard<std::mutex> lock(mutex);
      finished_runs.emplace(r, std::move(record));
      // Push in run order, exactly as advance() does: a block's runs in order, blocks merged in order.
      for (auto it = finished_runs.find(blocks_.runs_done()); it != finished_runs.end(); it = finished_runs.find(blocks_.runs_done())) {
        blocks_.push(it->second);
        finished_runs.erase(it);
      }
      wake.notify_all();
    }
  };

  auto all_merged = [&] { return blocks_.done(); };
  auto work_fraction = [&] {
    double done = first_run;
    for (const WorkerProgress& p : progress_of)
      done += static_cast<double>(p.runs.load(std::memory_order_relaxed)) + p.partial.load(std::memory_order_relaxed);
    return std::min(1.0, done / runs_);
  };
  std::vector<std::thread> pool;
  for (size_t i = 0; i < progress_of.size(); ++i) {
    WorkerProgress& p = progress_of[i];
    if (by_run) pool.emplace_back([&run_worker, &p] { run_worker(p); });
    else pool.emplace_back([&block_worker, &p] { block_worker(p); });
  }
  {
    std::unique_lock<std::mutex> lock(mutex);
    auto reported = Clock::now();
    while (!all_merged() && !stopped()) {
      wake.wait_for(lock, std::chrono::milliseconds(100));
      if (progress && seconds_since(reported) >= 0.1) {  // about ten times a second
        reported = Clock::now();
        lock.unlock();
        progress(work_fraction());
        lock.lock();
      }
    }
  }
  wake.notify_all();  // workers waiting for their turn see the stop
  for (auto& t : pool) t.join();
  seconds_ += seconds_since(t0);
  if (all_merged()) {
    if (progress) progress(1.0);
  } else {  // stopped: keep the blocks merged in order, drop the rest (run_worker's open block too)
    drop_open_block();
  }
#endif
}

Status run_cuda_job(const Experiment& experiment, uint64_t seed, uint32_t runs, BatchResult* result) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<SlotStats> blocks;
  const Status s = experiment.run_cuda_blocks(seed, runs, 0, block_count(runs), &blocks);
  if (!s.ok()) return s;
  result->layout = experiment.layout();
  result->seed = seed;
  result->runs_requested = runs;
  result->runs_done = runs;
  result->stats = SlotStats(result->layout);
  for (const SlotStats& b : blocks) result->stats.merge(b);
  result->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return {};
}

BatchResult BatchJob::result() const {
  BatchResult r;
  r.layout = layout_;
  r.seed = seed_;
  r.runs_requested = runs_;
  r.runs_done = blocks_.runs_done();
  r.seconds = seconds_;
  r.stats = blocks_.total();
  return r;
}

}  // namespace klab
