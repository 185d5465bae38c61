#include "app/job_driver.hpp"

#include <unistd.h>

#include <csignal>

#include "app/gpu.hpp"
#include "app/interrupt.hpp"
#include "app/progress_bar.hpp"
#include "core/checkpoint.hpp"
#include "dist/units.hpp"

namespace klab {
namespace {

const char* signal_name(int signo) { return signo == SIGTERM ? "SIGTERM" : signo == SIGINT ? "SIGINT" : "a signal"; }

// The leader's reading of the checkpoint into the points' starts; 0 or kBadInput (message printed).
int load_checkpoint(const JobSpec& spec, const ResultFolder& folder, std::vector<PointJob>& points, std::ostream& err) {
  const std::string path = folder.checkpoint_path();
  std::string text;
  bool found = false;
  const Status read = folder.read_checkpoint(&text, &found);
  if (!read.ok()) {
    err << spec.command << ": " << read.message() << "\n";
    return kBadInput;
  }
  if (!found) {
    if (spec.resume && !spec.quiet) err << spec.command << ": no checkpoint at '" << path << "': starting from the beginning\n";
    return 0;
  }
  if (!spec.resume) {
    err << spec.command << ": an interrupted job left a checkpoint at '" << path
        << "'; add --resume to continue it, or remove that file to start again\n";
    return kBadInput;
  }
  std::vector<RunLayout> layouts;
  for (const PointJob& p : points) layouts.push_back(p.experiment->layout());
  // The identity first: another job's checkpoint (other parameters) is no damaged one, even where its
  // points have another layout.
  const Expected<nlohmann::json> identity = checkpoint_identity(text);
  std::string problem = identity.ok() ? identity_difference(identity.value(), spec.identity) : identity.error();
  if (identity.ok() && !problem.empty()) problem = "it is the checkpoint of another job: " + problem;
  Expected<Checkpoint> parsed = problem.empty() ? parse_checkpoint(text, layouts) : Expected<Checkpoint>(Status::error(problem));
  if (problem.empty() && !parsed.ok()) problem = parsed.error();
  if (parsed.ok() && problem.empty())
    for (const BlockPrefix& p : parsed.value().points)
      if (p.blocks > block_count(spec.runs)) problem = "the checkpoint is damaged (more blocks than the job has)";
  if (!problem.empty()) {
    err << spec.command << ": --resume: refusing '" << path << "': " << problem
        << ". The file is left as it is; remove it to start again, or choose another --out\n";
    return kBadInput;
  }
  for (size_t i = 0; i < points.size(); ++i) points[i].start = std::move(parsed.value().points[i]);
  return 0;
}

}  // namespace

int prepare_cuda_backend(const Experiment& experiment, const std::string& demo_id, const std::string& command, std::ostream& err) {
  Cluster& cluster = Cluster::get();
  if (!experiment.has_cuda_engine()) {
    if (cluster.leader()) err << command << ": --backend cuda: demo '" << demo_id << "' has no CUDA engine; use --backend cpu\n";
    return kBadInput;
  }
  int code = 0;
  std::string problem;
  if (!cuda_units_on_cpu()) {  // (the test hook computes the CUDA engine's units on the CPU: no GPU needed)
    const GpuProbe gpu = probe_cuda_device();
    const Status chosen = gpu.state == GpuState::Available ? select_cuda_device(cluster.local_rank()) : Status::error(gpu.message);
    if (!chosen.ok()) problem = chosen.message(), code = kRunFailed;
  }
  if (code != 0)
    err << command << ": --backend cuda: " << (cluster.size() > 1 ? "rank " + std::to_string(cluster.rank()) + ": " : "") << problem << "\n";
  return cluster.agree_all(code);
}

int drive_job(const JobSpec& spec, const ResultFolder* folder, std::ostream& err, JobOutcome* outcome) {
  Cluster& cluster = Cluster::get();
  std::vector<PointJob> points;
  for (const Experiment* e : spec.experiments) points.push_back(PointJob{e, BlockPrefix{0, SlotStats(e->layout()), 0.0}});
  int code = cluster.leader() ? load_checkpoint(spec, *folder, points, err) : 0;
  code = cluster.agree(code);
  if (code != 0) return code;

  std::vector<BlockPrefix> starts;
  for (const PointJob& p : points) starts.push_back(p.start);
  const double first = work_fraction(points, starts, spec.runs);
  InterruptGuard guard;
  // A stderr that is no terminal (a Slurm log, a pipe) gets a line every 10 s, in one process as under MPI.
  const ProgressBar::Style style = !cluster.leader() || spec.quiet ? ProgressBar::Style::Off
                                   : isatty(2)                    ? ProgressBar::Style::Terminal
                                                                  : ProgressBar::Style::Log;
  ProgressBar bar(style, err, static_cast<uint64_t>(spec.runs) * points.size(), first);
  const ScopedThreadLimit thread_limit(spec.threads);  // --threads bounds the CUDA path's host work too
  *outcome = cluster.run(points, spec.seed, spec.runs, spec.threads, spec.backend, [&](double f) { bar.update(f); }, &guard.flag());
  bar.finish();
  if (cluster.leader() && !outcome->complete) {
    uint64_t runs_done = 0;
    for (const BlockPrefix& p : outcome->points) runs_done += std::min<uint64_t>(spec.runs, uint64_t{p.blocks} * kBlockRuns);
    const std::string resume = (cluster.size() > 1 ? " (under mpirun or srun as before, with any number of ranks, or in one process)" : "");
    // A failed job that completed nothing (e.g. a configuration the CUDA engine refuses) leaves no checkpoint.
    const bool keep = outcome->error.empty() || runs_done > 0;
    const Status saved = keep ? folder->save_checkpoint(checkpoint_text(Checkpoint{spec.identity, outcome->points})) : Status{};
    const int signo = guard.signal_number();
    if (!outcome->error.empty()) {
      err << spec.command << ": --backend " << backend_name(spec.backend) << ": " << outcome->error << "\n";
      if (!saved.ok())
        err << "The completed runs could not be saved: " << saved.message() << "\n";
      else if (keep)
        err << "The " << runs_done << " runs completed are saved in '" << folder->checkpoint_path() << "'. Resume with" << resume
            << ":\n  " << spec.resume_command << "\n";
      code = kRunFailed;
    } else if (!saved.ok()) {
      err << spec.command << ": interrupted by " << signal_name(signo) << ", and the checkpoint could not be saved: "
          << saved.message() << "\n";
      code = kRunFailed;
    } else {
      // Blocks of kBlockRuns runs are the unit saved: before the first one completes, nothing is.
      const std::string kept = runs_done > 0 ? "the completed blocks are saved in '" + folder->checkpoint_path() + "'"
                                             : "no block of " + std::to_string(kBlockRuns) + " runs was complete, so a resume starts from the "
                                               "beginning (the checkpoint '" + folder->checkpoint_path() + "' records the job)";
      err << spec.command << ": interrupted by " << signal_name(signo) << " after " << runs_done << " of "
          << uint64_t{spec.runs} * points.size() << " runs; " << kept << ".\nResume with" << resume << ":\n  " << spec.resume_command << "\n";
      code = 128 + (signo ? signo : SIGTERM);
    }
  }
  return cluster.agree(code);
}

}  // namespace klab
