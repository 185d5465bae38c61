// What `klab run` and `klab sweep` share once their points are built: the checkpoint beside the
// result folder (core/checkpoint.hpp: refused by name when it is another job's or damaged, and then
// left untouched), the run on this process or the MPI ranks (dist/cluster.hpp) with one progress
// bar, and on SIGTERM/SIGINT a checkpoint and a message saying how to resume.
#pragma once
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "core/result_folder.hpp"
#include "dist/cluster.hpp"

namespace klab {

constexpr int kBadInput = 2, kRunFailed = 1;

struct JobSpec {
  std::string command;                         // "klab run" or "klab sweep": the messages' prefix
  nlohmann::json identity;                     // what the job computes (a checkpoint must match it)
  std::vector<const Experiment*> experiments;  // the points
  uint64_t seed = 1;
  uint32_t runs = 1;
  int threads = 0;
  Backend backend = Backend::Cpu;  // the engine (CUDA: the caller has chosen this rank's GPU)
  bool resume = false, quiet = false;
  std::string resume_command;  // the command line that resumes the job (printed when interrupted)
};

// `--backend cuda`, checked on every rank before any work: the demo has a CUDA engine, and each rank
// finds a GPU and takes its node-local one (app/gpu.hpp). 0, or the exit code after each failing
// rank has said why (prefixed with its rank under MPI). `command`: "klab run" or "klab sweep".
int prepare_cuda_backend(const Experiment& experiment, const std::string& demo_id, const std::string& command, std::ostream& err);

// Every rank calls it; `folder` is the claimed result folder on the leader (null elsewhere).
// Returns 0 with *outcome complete (on the leader), or the exit code: 128 + signal when interrupted
// (the checkpoint saved), kBadInput for a refused checkpoint, kRunFailed when a unit failed (a CUDA
// error; the completed blocks checkpointed) or saving failed.
int drive_job(const JobSpec& spec, const ResultFolder* folder, std::ostream& err, JobOutcome* outcome);

}  // namespace klab
