#include "app/job_driver.hpp"

#include <unistd.h>

#include <csignal>

#include "app/interrupt.hpp"
#include "app/progress_bar.hpp"
#include "core/checkpoint.hpp"

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
  Expected<Checkpoint> parsed = parse_checkpoint(text, layouts);
  std::string problem = parsed.ok() ? identity_difference(parsed.value().identity, spec.identity) : parsed.error();
  if (parsed.ok() && !problem.empty()) problem = "it is the checkpoint of another job: " + problem;
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
  const ProgressBar::Style style = !cluster.leader() || spec.quiet ? ProgressBar::Style::Off
                                   : isatty(2)                    ? ProgressBar::Style::Terminal
                                   : cluster.size() > 1           ? ProgressBar::Style::Log
                                                                  : ProgressBar::Style::Off;
  ProgressBar bar(style, err, static_cast<uint64_t>(spec.runs) * points.size(), first);
  *outcome = cluster.run(points, spec.seed, spec.runs, spec.threads, [&](double f) { bar.update(f); }, &guard.flag());
  bar.finish();
  if (cluster.leader() && !outcome->complete) {
    Checkpoint checkpoint{spec.identity, outcome->points};
    const Status saved = folder->save_checkpoint(checkpoint_text(checkpoint));
    uint64_t runs_done = 0;
    for (const BlockPrefix& p : outcome->points) runs_done += std::min<uint64_t>(spec.runs, uint64_t{p.blocks} * kBlockRuns);
    const int signo = guard.signal_number();
    if (!saved.ok()) {
      err << spec.command << ": interrupted by " << signal_name(signo) << ", and the checkpoint could not be saved: "
          << saved.message() << "\n";
      code = kRunFailed;
    } else {
      err << spec.command << ": interrupted by " << signal_name(signo) << " after " << runs_done << " of "
          << uint64_t{spec.runs} * points.size() << " runs; the completed blocks are saved in '"
          << folder->checkpoint_path() << "'.\nResume with"
          << (cluster.size() > 1 ? " (under mpirun or srun as before, with any number of ranks, or in one process)" : "")
          << ":\n  " << spec.resume_command << "\n";
      code = 128 + (signo ? signo : SIGTERM);
    }
  }
  return cluster.agree(code);
}

}  // namespace klab
