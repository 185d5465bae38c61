// Cluster over MPI (KLAB_MPI): rank 0 hands out units (blocks [first, first + count) of a point;
// units.hpp) one at a time and merges each point's blocks in block order; the other ranks compute
// the units they are given. See cluster.hpp.
//
// Messages (MPI_BYTE, one buffer each):
//   worker → leader, kTagReport: a Report header, then for kResult each block's statistics as
//                    (count, mean, M2) triples of 8-byte words (24 bytes per statistic, the exact
//                    bits: a block merged on rank 0 is the block computed elsewhere, bit for bit),
//                    for kFailed the error's text
//   leader → worker, kTagAssign: an Assign (point < 0: no more work, leave the loop)
// A worker asks for work (kReady), returns each unit (kResult), gives it back (kAbandoned, after a
// signal; it is then told to stop and its unit is handed to another rank), or reports that it
// failed (kFailed, a CUDA error: the leader stops the job, keeping the blocks merged so far).
// Waiting is by MPI_Iprobe and short sleeps, so idle ranks leave the cores to busy ones (`mpirun
// --oversubscribe` on a laptop). Rank 0 computes units too: on the CPU engine answering requests
// between the runs (and ~20 ms slices of long runs) of its own blocks; on the CUDA engine its unit
// runs on a second thread while this one answers (MPI calls stay on the thread that initialised it).
#include <mpi.h>
#include <time.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <future>
#include <map>

#include "dist/cluster.hpp"
#include "dist/units.hpp"

namespace klab {
namespace {

constexpr int kTagReport = 1, kTagAssign = 2;
enum Kind : int32_t { kReady = 0, kResult = 1, kAbandoned = 2, kFailed = 3 };

struct Report {
  int32_t kind, point, first, count;
  double seconds;  // time spent computing the unit
};
struct Assign {
  int32_t point, first, count;
};
struct Unit {  // blocks [first, end) of a point
  uint32_t point, first, end;
};

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

void nap(long microseconds) {
  timespec t{0, microseconds * 1000};
  nanosleep(&t, nullptr);
}

// The statistics of a block as bytes, and back (the exact bits of each RunningStat).
void pack_stats(const SlotStats& stats, std::vector<char>& out) {
  for (const std::vector<RunningStat>* v : {&stats.curves, &stats.finals})
    for (const RunningStat& s : *v) {
      const RunningStat::State st = s.state();
      const size_t at = out.size();
      out.resize(at + 24);
      std::memcpy(out.data() + at, &st.n, 8);
      std::memcpy(out.data() + at + 8, &st.mean, 8);
      std::memcpy(out.data() + at + 16, &st.m2, 8);
    }
}
size_t packed_bytes(const SlotStats& stats) { return 24 * (stats.curves.size() + stats.finals.size()); }
void unpack_stats(const char* data, SlotStats& stats) {
  for (std::vector<RunningStat>* v : {&stats.curves, &stats.finals})
    for (RunningStat& s : *v) {
      RunningStat::State st;
      std::memcpy(&st.n, data, 8);
      std::memcpy(&st.mean, data + 8, 8);
      std::memcpy(&st.m2, data + 16, 8);
      s = RunningStat::from_state(st);
      data += 24;
    }
}

bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"})
    if (std::getenv(v)) return true;
  return false;
}

class MpiWorld final : public Cluster {
 public:
  MpiWorld() {
    if (!launched_by_mpi()) return;  // a plain `klab run`: one process, no MPI
    int provided = 0;  // the CUDA engine's leader computes on a second thread that makes no MPI call
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    funneled_ = provided >= MPI_THREAD_FUNNELED;
    initialised_ = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
    MPI_Comm_rank(node, &local_rank_);
    MPI_Comm_free(&node);
  }
  ~MpiWorld() override {
    if (initialised_) MPI_Finalize();
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int local_rank() const override { return local_rank_; }
  int agree(int code) override {
    if (size_ > 1) MPI_Bcast(&code, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return code;
  }
  int agree_all(int code) override {
    int largest = code;
    if (size_ > 1) MPI_Allreduce(&code, &largest, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return largest;
  }
  std::string describe() const override {
    return size_ == 1 ? "1 process" : std::to_string(size_) + " MPI ranks";
  }

  JobOutcome run(const std::vector<PointJob>& points, uint64_t seed, uint32_t runs, int threads, Backend backend,
                 const std::function<void(double)>& progress, const std::atomic<bool>* stop) override {
    if (size_ == 1) return run_points_locally(points, seed, runs, threads, backend, progress, stop);
    std::vector<RunLayout> layouts;
    for (const PointJob& p : points) layouts.push_back(p.experiment->layout());
    if (rank_ != 0) {
      work(points, layouts, seed, runs, backend, stop);
      return {};
    }
    return lead(points, layouts, seed, runs, backend, progress, stop);
  }

 private:
  // A rank other than 0: ask, compute, return, until told to stop.
  void work(const std::vector<PointJob>& points, const std::vector<RunLayout>& layouts, uint64_t seed, uint32_t runs, Backend backend,
            const std::atomic<bool>* stop) {
    auto stopped = [stop] { return stop && stop->load(std::memory_order_relaxed); };
    std::vector<char> message(sizeof(Report));
    Report report{kReady, -1, -1, 0, 0.0};
    for (;;) {
      std::memcpy(message.data(), &report, sizeof report);
      MPI_Send(message.data(), static_cast<int>(message.size()), MPI_BYTE, 0, kTagReport, MPI_COMM_WORLD);
      wait_for(0, kTagAssign);
      Assign assign;
      MPI_Recv(&assign, sizeof assign, MPI_BYTE, 0, kTagAssign, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (assign.point < 0) return;
      const size_t p = static_cast<size_t>(assign.point);
      const UnitOutcome u = compute_unit(*points[p].experiment, layouts[p], seed, runs, backend, static_cast<uint32_t>(assign.first),
                                         static_cast<uint32_t>(assign.count), [&] { return !stopped(); });
      const Kind kind = u.kind == UnitOutcome::Done ? kResult : u.kind == UnitOutcome::Abandoned ? kAbandoned : kFailed;
      report = Report{kind, assign.point, assign.first, assign.count, u.seconds};
      message.resize(sizeof(Report));
      if (kind == kResult) {
        message.reserve(sizeof(Report) + block_bytes(layouts[p]) * u.blocks.size());
        for (const SlotStats& b : u.blocks) pack_stats(b, message);
      }
      if (message.size() > static_cast<size_t>(INT_MAX)) {  // one MPI message (UnitSizer keeps units far smaller)
        const std::string e = "a unit's statistics exceed one MPI message (" + std::to_string(message.size()) + " bytes)";
        report.kind = kFailed;
        message.resize(sizeof(Report));
        message.insert(message.end(), e.begin(), e.end());
      }
      if (kind == kFailed) message.insert(message.end(), u.error.begin(), u.error.end());
    }
  }

  // Rank 0: the hand-out, the in-order merge, its own share of the units, the progress.
  JobOutcome lead(const std::vector<PointJob>& points, const std::vector<RunLayout>& layouts, uint64_t seed, uint32_t runs,
                  Backend backend, const std::function<void(double)>& progress, const std::atomic<bool>* stop) {
    std::string error;  // the first unit that failed, on any rank: the job stops
    auto stopped = [&] { return !error.empty() || (stop && stop->load(std::memory_order_relaxed)); };
    const uint32_t blocks = block_count(runs);
    struct Merge {
      BlockPrefix prefix;
      std::map<uint32_t, SlotStats> waiting;  // completed blocks past the prefix
      double seconds = 0.0;                    // compute seconds of this job's blocks, all ranks
    };
    std::vector<Merge> merges;
    std::deque<Unit> units;  // block ranges to hand out, in (point, block) order; abandoned units go back to the front
    for (size_t p = 0; p < points.size(); ++p) {
      merges.push_back(Merge{points[p].start, {}, 0.0});
      if (points[p].start.blocks < blocks) units.push_back(Unit{static_cast<uint32_t>(p), points[p].start.blocks, blocks});
    }
    size_t bytes_per_block = 0;
    for (const RunLayout& l : layouts) bytes_per_block = std::max(bytes_per_block, block_bytes(l));
    UnitSizer sizer(backend, bytes_per_block);
    auto take = [&] {  // the next unit, carved from the front range
      uint64_t in_job = 0;
      for (const Unit& r : units) in_job += r.end - r.first;
      Unit& front = units.front();
      const Unit u{front.point, front.first, front.first + sizer.next(front.end - front.first, in_job, size_)};
      if (u.end == front.end) units.pop_front();
      else front.first = u.end;
      return u;
    };
    std::vector<double> weight;  // each block's share of the job's work
    double total = 0.0;
    for (const RunLayout& l : layouts) total += weight.emplace_back(std::max(1e-9, l.work_per_run) * runs);
    double done_work = 0.0;
    for (size_t p = 0; p < points.size(); ++p) done_work += weight[p] * std::min(1.0, double(points[p].start.blocks) * kBlockRuns / runs);
    auto unit_share = [&](const Unit& u) {
      const uint32_t end = std::min(runs, u.end * kBlockRuns);
      return weight[u.point] * (end - u.first * kBlockRuns) / runs;
    };
    auto accept = [&](const Unit& u, std::vector<SlotStats> stats, double seconds) {
      Merge& m = merges[u.point];
      m.seconds += seconds;
      done_work += unit_share(u);
      sizer.observe(u.end - u.first, seconds);
      for (uint32_t b = u.first; b < u.end; ++b) m.waiting.emplace(b, std::move(stats[b - u.first]));
      for (auto it = m.waiting.find(m.prefix.blocks); it != m.waiting.end(); it = m.waiting.find(m.prefix.blocks)) {
        m.prefix.stats.merge(it->second);
        m.waiting.erase(it);
        ++m.prefix.blocks;
      }
    };

    int active = size_ - 1;  // workers not yet told to stop
    std::vector<char> buffer;
    // Answers every message waiting now; true if there was one.
    auto serve = [&]() {
      bool any = false;
      for (;;) {
        int flag = 0;
        MPI_Status status;
        MPI_Iprobe(MPI_ANY_SOURCE, kTagReport, MPI_COMM_WORLD, &flag, &status);
        if (!flag) return any;
        any = true;
        int bytes = 0;
        MPI_Get_count(&status, MPI_BYTE, &bytes);
        buffer.resize(static_cast<size_t>(bytes));
        MPI_Recv(buffer.data(), bytes, MPI_BYTE, status.MPI_SOURCE, kTagReport, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        Report report;
        std::memcpy(&report, buffer.data(), sizeof report);
        const Unit reported{static_cast<uint32_t>(report.point), static_cast<uint32_t>(report.first),
                            static_cast<uint32_t>(report.first + report.count)};
        bool leaving = false;
        if (report.kind == kResult) {
          const SlotStats shape(layouts[reported.point]);
          if (buffer.size() != sizeof report + packed_bytes(shape) * report.count) std::abort();  // a protocol bug
          std::vector<SlotStats> stats(static_cast<size_t>(report.count), shape);
          for (int32_t k = 0; k < report.count; ++k) unpack_stats(buffer.data() + sizeof report + packed_bytes(shape) * k, stats[k]);
          accept(reported, std::move(stats), report.seconds);
        } else if (report.kind == kAbandoned || report.kind == kFailed) {
          units.push_front(reported);
          leaving = true;  // a signalled or failed worker stops
          if (report.kind == kFailed && error.empty())
            error = "rank " + std::to_string(status.MPI_SOURCE) + ": " + std::string(buffer.begin() + sizeof report, buffer.end());
        }
        Assign assign{-1, -1, 0};
        if (!leaving && !stopped() && !units.empty()) {
          const Unit u = take();
          assign = Assign{static_cast<int32_t>(u.point), static_cast<int32_t>(u.first), static_cast<int32_t>(u.end - u.first)};
        }
        if (assign.point < 0) --active;
        MPI_Send(&assign, sizeof assign, MPI_BYTE, status.MPI_SOURCE, kTagAssign, MPI_COMM_WORLD);
      }
    };

    const auto t0 = Clock::now();
    auto reported = t0;
    auto report_progress = [&] {
      if (progress && seconds_since(reported) >= 0.1) {
        reported = Clock::now();
        progress(done_work / total);
      }
    };
    while (true) {
      serve();
      report_progress();
      if (!stopped() && !units.empty()) {
        const Unit u = take();
        const Experiment& e = *points[u.point].experiment;
        UnitOutcome o;
        if (backend == Backend::Cuda && funneled_) {  // the GPU's unit on a second thread, answering the ranks meanwhile
          std::future<UnitOutcome> f = std::async(std::launch::async, [&] {
            return compute_unit(e, layouts[u.point], seed, runs, backend, u.first, u.end - u.first);
          });
          while (f.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
            if (!serve()) nap(500);
            report_progress();
          }
          o = f.get();
        } else {
          o = compute_unit(e, layouts[u.point], seed, runs, backend, u.first, u.end - u.first, [&] {
            serve();
            report_progress();
            return !stopped();
          });
        }
        if (o.kind == UnitOutcome::Done) {
          accept(u, std::move(o.blocks), o.seconds);
        } else {
          units.push_front(u);
          if (o.kind == UnitOutcome::Failed && error.empty()) error = "rank 0: " + o.error;
        }
      } else if (active == 0) {
        break;
      } else if (!serve()) {
        nap(500);
      }
    }

    JobOutcome outcome;
    outcome.complete = true;
    outcome.error = error;
    for (size_t p = 0; p < points.size(); ++p) {
      Merge& m = merges[p];
      // Seconds: the compute seconds of all ranks over the number of ranks (the wall time when the
      // ranks are evenly loaded), added to the checkpoint's.
      m.prefix.seconds += m.seconds / size_;
      outcome.complete = outcome.complete && m.prefix.blocks == blocks;
      outcome.points.push_back(std::move(m.prefix));
    }
    if (outcome.complete && progress) progress(1.0);
    return outcome;
  }

  // Blocks until a message with this tag from `source` is waiting, napping between probes.
  static void wait_for(int source, int tag) {
    long pause = 20;
    for (;;) {
      int flag = 0;
      MPI_Iprobe(source, tag, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
      if (flag) return;
      nap(pause);
      pause = std::min(pause * 2, 1000L);
    }
  }

  bool initialised_ = false;
  bool funneled_ = false;  // MPI allows threads that make no MPI call (MPI_THREAD_FUNNELED)
  int rank_ = 0, size_ = 1, local_rank_ = 0;
};

}  // namespace

Cluster& Cluster::get() {
  static MpiWorld world;
  return world;
}

}  // namespace klab
