// GPU throughput of every chapter's CUDA engine, and its speed-up over the CPU engine on all cores
// of this machine: the same Experiment, `run_cuda_job` (the --backend cuda engine: kernels, transfers and
// the host's aggregation) against BatchJob::run_all(0). Validation first: on the first cpu_runs
// runs both engines must give the same batch statistics (identical in a strict build, final means
// within 4 standard errors otherwise); only then is it timed. Prints figures and asserts no timing.
// Exits 1 if a validation fails; 77 where no GPU exists (1 with KLAB_REQUIRE_GPU=1, core/gpu_probe.hpp).
//
// One line per engine in kEngines: a chapter that adds a CUDA engine adds its line. Each line
// ends in a machine-readable "CUDA_BENCH ..." record that scripts/gpu_check.sh puts in its table.
//
// Usage: cuda_bench [--quick] [KEY...]   (--quick: a tenth of the runs; KEYs: only the lines whose
// record name starts with one of them, e.g. `cuda_bench mdp offline.dice`)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "app/catalog.hpp"
#include "app/gpu.hpp"
#include "core/batch.hpp"
#include "strict_fp.hpp"  // tests/cuda: the build this bench validates in

namespace {

struct EngineCase {
  const char* demo;
  std::vector<std::pair<std::string, std::string>> params;
  uint32_t gpu_runs, cpu_runs;
  const char* napkin;  // what the figure should be near, and why (src/<chapter>/README.md has the derivation)
  const char* engine = nullptr;  // the record's name where a demo has two lines (default: the demo id)
};

const std::vector<EngineCase> kEngines = {
    {"bandits.regret", {{"policies", "klucb"}, {"horizon", "10000"}, {"arms", "0.1,0.18,0.26,0.34,0.42,0.5,0.58,0.66,0.74,0.82"}},
     100000, 2000, "KL-UCB, K = 10, T = 10^4; estimate on an H100: 2-5e9 pulls/s (src/bandits/README.md, CUDA)"},
    {"diffusion.samplers",
     {{"preset", "moons"}, {"solvers", "dpmpp_2m"}, {"nfe", "300,1000"}, {"particles", "20000"}, {"projections", "4"}},
     64, 16,
     "16-component moons, DPM-Solver++ 2M at 300 and 1000 NFE + the 1200-NFE reference, 2e4 particles per run; estimate on an "
     "H100: 1-2e10 particle-score evaluations/s in the kernels, 3e9-1e10 end to end (host metrics overlap; src/diffusion/README.md, CUDA)"},
    {"diffusion.tsmc", {{"particles", "100000"}, {"iterations", "3"}}, 32, 10,
     "rare mode, N = 10^5, K = 25, I = 3, the five methods (the baselines' runs hold 4·10^5 particles), a score evaluation = one "
     "particle-step; estimate on an H200: 5e8-2e9 particle-steps/s end to end (16 runs at a time, each bounded by the weights' pass's "
     "serial chain of additions on the device, ~4 ns a particle-step, and by its host work: the paths for the projection, the trust "
     "region, the KDE metrics), against ~1e8/s for the CPU engine on 16 cores (~170 ns a particle-step on one core): 5-20x "
     "(src/diffusion/README.md, CUDA)"},
    {"blackbox.es", {}, 20000, 320,
     "the defaults (4 strategies x n = 20, 40, 80, 160, budget 30 n^2), a landscape = one strategy at one n of a run; estimate "
     "on an H100/H200: 3e4-3e5 landscapes/s, 1e9-1e10 fitness evaluations/s (~300 instructions per evaluation, warps "
     "diverging in length; src/blackbox/README.md, CUDA)"},
    {"blackbox.nsga2", {}, 4096, 256,
     "the defaults (NSGA-II and dNSGA-II x n = 16, 32, 64 on OneMinMax), a landscape = one algorithm at one n of a run (~1.2e4 "
     "evaluations on average); estimate on an H200: 1e4-1e5 landscapes/s, 1e8-1e9 evaluations/s (24,576 landscapes: the thread "
     "form under Auto, four merge sorts of <= 520 entries per generation in L2-resident workspaces; src/blackbox/README.md, CUDA)"},
    {"blackbox.nsga2", {{"benchmark", "zdt1"}, {"n_min", "10"}, {"n_max", "30"}, {"n_points", "2"}, {"budget_factor", "1"}}, 512, 64,
     "ZDT1, n = 10, 30, budget n^3 (SBX, polynomial mutation), one block of 128 threads per landscape (ZDT runs in the block form "
     "only); estimate on an H200: 1e3-1e4 landscapes/s (O(mu^2) ranks per generation, ~3e6 instructions at n = 30; "
     "src/blackbox/README.md, CUDA, Block per run)",
     "blackbox.nsga2.zdt1"},
    {"mdp.learning", {{"methods", "q_learning"}, {"episodes", "1000"}}, 100000, 2000,
     "Q-learning on RiverSwim (S = 6, A = 2), K = 1000 episodes of H = 20, a step = one environment step with its update; "
     "issue 7's target on an H100/H200: >= 5e9 steps/s (one thread per run, tables in L1/L2; src/mdp/README.md, CUDA)"},
    {"mdp.planning", {{"methods", "vi"}, {"iterations", "1000"}}, 20000, 400,
     "value iteration on random MDPs (S = 50, A = 4, 5 successors, a new MDP per run), K = 1000; an iteration = a sweep of 50 "
     "state backups plus the greedy pass; end to end it includes the host's work per run (the MDP, V*, the exact evaluation of each "
     "greedy policy): estimate bounded by that host work, a few times the CPU engine on all cores; the kernels alone (tests/cuda/"
     "mdp_vi_cuda_test.cpp, part 3): issue 7's target >= 1e11 backups/s = 2e9 iterations/s (src/mdp/README.md, CUDA)"},
    {"mdp.learning", {{"methods", "ucbvi"}, {"episodes", "1000"}}, 50000, 1000,
     "UCBVI on RiverSwim, K = 1000 episodes of H = 20, a step = one environment step (each episode first plans over H·(SA + nnz) "
     "entries); napkin estimate on an H200: 1e9-4e9 steps/s (10-40 KB of a thread's own 3.5 KiB tables read and written per "
     "episode, from device memory; src/mdp/README.md, CUDA)",
     "mdp.learning.ucbvi"},
    {"mdp.learning", {{"methods", "retrace,tree_backup,rbis"}, {"episodes", "1000"}}, 10000, 100,
     "Retrace, tree backup and RBIS on RiverSwim, each at the curve's lambda and the 6 of the grid (21 jobs a run), K = 1000 "
     "episodes of H = 20 (10^4 runs: 2.1e5 threads, 4.2e9 steps), a step = one behaviour step with its online update of up to H earlier pairs (~10 on average); napkin "
     "estimate on an H200: 1e9-3e9 steps/s (~10 scattered read-modify-writes of Q per step; src/mdp/README.md, CUDA)",
     "mdp.learning.traces"},
    {"offline.edge_of_reach", {}, 2000, 200,
     "the defaults (mopo, ravl N = 10, full horizon; 200 x 250 Q updates each), the exact evaluation of 41 greedy policies per "
     "learner on the host's cores; estimate: bounded by the host evaluations, about 2-4x the CPU engine on all cores "
     "(src/offline/README.md, CUDA)"},
    {"offline.dice", {}, 1000, 64,
     "the defaults (semi, true, orthogonal, iql: 1000 gradient steps of 64 transitions each, radial + one-hot features, d = 154; "
     "bc on the host), the policies and the exact evaluation of 21 of them per learner on the host's cores; estimate: bounded by "
     "the host evaluations, about 1-3x the CPU engine on all cores (src/offline/README.md, CUDA)"},
    {"offline.weighting", {}, 1000, 64,
     "the defaults (bc_uniform, bc_rw on the host; cql_uniform, cql_rw on the GPU: 20,000 updates on each of 6 datasets), a "
     "dataset = one share of a run with all its methods (2 x 20,000 = 4e4 CQL updates: x 4e4 gives learner updates/s); the "
     "datasets, cloning and the exact evaluation of 24 policies per run on the host's cores (about 8 of the 41 ms a run takes on "
     "one core); estimate: bounded by that host work, about 3-5x the CPU engine on all cores; the kernels alone: "
     "tests/cuda/offline_weighting_cuda_test.cpp, part 3 (src/offline/README.md, CUDA)"},
    {"offline.robust", {}, 100000, 2000,
     "the defaults (pevi, r2pvi_kl, r2pvi_chi2, r2pvi_tv; K = 100 trajectories, 11 q, 7 λ: 3,200 trajectories of work a run), the "
     "whole run on the GPU (dataset, 25 fits and 279 exact evaluations per run), the host only adds the records; napkin estimate "
     "on an H200: 3e5-3e6 runs/s = 1e9-1e10 trajectories/s (a thread's 2-3e4 dependent flops, square roots among them, at a few % "
     "of the FP64 peak: its 864 B of ridge statistics spill from L1 to L2), against ~5e3 runs/s per CPU core: 4-40x all 16 cores "
     "(src/offline/README.md, CUDA)"},
    {"offline.prdc", {{"steps", "500"}}, 2048, 32,
     "the defaults at 500 steps (prdc, td3_bc, bc, td3: TD3 steps of 32 transitions each, nets of 16 units, 11 Monte Carlo checks; a "
     "thread trains its learner sequentially, so fewer steps keep the GPU check short and leave the rate unchanged), 2,048 runs: a "
     "sixth of an H200's wave (132 SMs x 6 blocks of 64 threads / 4 learners = 12,672 runs), so end to end this understates the "
     "device; the full-wave kernel rate is the CUDA test's part 3 (the host's datasets for a wave take ~35 s: too long here); a sample = "
     "one transition of a minibatch (the CPU engine's work unit); ~1.3e5 double multiply-adds per step, one GPU thread per learner with its "
     "~79 kB of networks, moments and tapes in device memory (L2/DRAM-bound); estimate on an H200: 1e7-1e8 samples/s in the kernels, "
     "end to end bounded by the host's datasets and SACo references (an online TD3 learner per run, ~5% of a CPU run): 5-20x the CPU "
     "engine on all cores (src/offline/README.md, CUDA)"},
    {"optim.mixture", {{"methods", "smd_entropic"}, {"components", "100000"}, {"zeros", "1000"}, {"samples", "1000"}}, 200, 16,
     "entropic SMD on point masses, M = 10^5, n = 1000 (a sample = f, p_w and the update over all M weights, ~50 B of memory "
     "traffic per component); issue 8 asks for samples/s at M = 10^5; estimate on an H200 (4.8 TB/s): 3e5-1e6 samples/s in the "
     "kernels, less end to end (the checkpoint weights, 21 MB per run, go to the host for the errors; src/optim/README.md, CUDA)"},
    {"optim.mixture", {{"methods", "smd_euclidean"}, {"target", "bumps"}, {"components", "10000"}, {"width", "0.01"}, {"euclid_step", "0.01"},
                       {"samples", "1000"}},
     200, 16,
     "Euclidean SMD on 1-D bumps, M = 10^4, n = 1000: the ascent step, then Michelot's projection passes (a sum and a count "
     "over all M weights each, a few passes per sample) on top of the entropic engine's traffic; estimate on an H200: 1e5-1e6 "
     "samples/s in the kernels, less end to end (src/optim/README.md, CUDA)",
     "optim.mixture.euclidean"},
};

using klab::test::kStrict;

bool same_statistics(const klab::BatchResult& gpu, const klab::BatchResult& cpu, std::string* why) {
  for (size_t s = 0; s < cpu.layout.series.size(); ++s)
    for (size_t m = 0; m < cpu.layout.final_metrics.size(); ++m) {
      const klab::RunningStat &g = gpu.final_stat(s, m), &c = cpu.final_stat(s, m);
      const double se = std::sqrt(g.sem() * g.sem() + c.sem() * c.sem());
      const bool both_empty = std::isnan(g.mean()) && std::isnan(c.mean());  // a metric a series never has (DDPM's disc_error)
      const bool ok = both_empty || (kStrict ? g.mean() == c.mean() && g.sem() == c.sem() : g.mean() == c.mean() || std::fabs(g.mean() - c.mean()) <= 4 * se);
      if (!ok) {
        *why = cpu.layout.series[s] + " " + cpu.layout.final_metrics[m] + ": GPU " + std::to_string(g.mean()) + ", CPU " +
               std::to_string(c.mean());
        return false;
      }
    }
  return true;
}

}  // namespace

// The line's record name: the engine's where a demo has two lines, else the demo id.
const char* record_name(const EngineCase& c) { return c.engine ? c.engine : c.demo; }

int main(int argc, char** argv) {
  bool quick = false;
  std::vector<std::string> keys;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0)
      quick = true;
    else
      keys.emplace_back(argv[i]);
  }
  const auto selected = [&](const EngineCase& c) {
    if (keys.empty()) return true;
    for (const std::string& k : keys)
      if (std::string(record_name(c)).rfind(k, 0) == 0) return true;
    return false;
  };
  const klab::GpuTestGate gate = klab::gate_gpu_test(klab::probe_cuda_device(), klab::require_gpu_from_env());
  std::printf("%s\n", gate.message.c_str());
  if (!gate.run) return gate.exit_code;
  const unsigned threads = std::thread::hardware_concurrency();
  std::printf("%s; CPU engine on %u threads; %s build\n", klab::cuda_device_description().c_str(), threads,
              kStrict ? "strict" : "release");
  const klab::Registry catalog = klab::make_catalog();
  bool all_valid = true;
  int lines = 0;
  for (const EngineCase& c : kEngines) {
    if (!selected(c)) continue;
    ++lines;
    const klab::DemoInfo* demo = catalog.find(c.demo);
    if (!demo) {
      std::printf("FAIL: no demo %s\n", c.demo);
      return 1;
    }
    auto e = demo->make();
    const klab::Status set = e->params().set_texts(c.params);
    if (!set.ok() || !e->has_cuda_engine()) {
      std::printf("FAIL: %s: %s\n", c.demo, set.ok() ? "no CUDA engine" : set.message().c_str());
      return 1;
    }
    const uint32_t gpu_runs = quick ? c.gpu_runs / 10 : c.gpu_runs, cpu_runs = quick ? c.cpu_runs / 10 : c.cpu_runs;
    // Validate on the CPU's runs (this also warms the GPU up: context, module load).
    klab::BatchResult gpu_small, gpu;
    klab::Status s = klab::run_cuda_job(*e, 1, cpu_runs, &gpu_small);
    klab::BatchJob job(e->clone(), 1, cpu_runs);
    job.run_all(0);
    const klab::BatchResult cpu = job.result();
    std::string why;
    const bool valid = s.ok() && same_statistics(gpu_small, cpu, &why);
    if (!s.ok()) why = s.message();
    all_valid = all_valid && valid;
    std::printf("%s: validation on %u runs: %s%s\n", c.demo, cpu_runs, valid ? "the engines agree" : "MISMATCH: ", why.c_str());
    if (!valid) continue;
    s = klab::run_cuda_job(*e, 2, gpu_runs, &gpu);
    if (!s.ok()) {
      std::printf("FAIL: %s: %s\n", c.demo, s.message().c_str());
      all_valid = false;
      continue;
    }
    const std::string unit = gpu.layout.work_unit;
    const double g = gpu.work_per_second(), p = cpu.work_per_second();
    std::printf("%s: GPU %.3g %s/s (%u runs in %.2f s), CPU %.3g %s/s (%u runs in %.2f s on %u threads): speed-up %.1fx\n  napkin: %s\n",
                c.demo, g, unit.c_str(), gpu_runs, gpu.seconds, p, unit.c_str(), cpu_runs, cpu.seconds, threads, g / p, c.napkin);
    std::printf("CUDA_BENCH engine=%s unit=%s gpu_per_s=%.4g cpu_per_s=%.4g cpu_threads=%u speedup=%.1f\n", record_name(c), unit.c_str(),
                g, p, threads, g / p);
  }
  if (lines == 0) {  // e.g. scripts/gpu_check.sh's `rng` key: an engine without a line here
    std::printf("no line of this benchmark matches the keys given; its lines:");
    for (const EngineCase& c : kEngines) std::printf(" %s", record_name(c));
    std::printf("\n");
  }
  return all_valid ? 0 : 1;
}
