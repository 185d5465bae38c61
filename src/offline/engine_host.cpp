// The host twins of the offline chapter's CUDA engines (offline.edge_of_reach's edge_learner_run,
// offline.dice's dice_learner_run, offline.weighting's weighting_learner_run and offline.robust's
// robust_learner_run on this CPU, run after run) and the collecting wrappers of their chunks.
#include <algorithm>

#include "offline/dice_engine.hpp"
#include "offline/engine.hpp"
#include "offline/robust_engine.hpp"
#include "offline/weighting_engine.hpp"

namespace klab::offline {

void run_edge_batch_host(const EdgeBatchConfig& cfg, const EdgeWorldPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs, std::vector<double>* out) {
  const size_t pairs = static_cast<size_t>(pool.max_pairs()), per_learner = static_cast<size_t>(cfg.n_snapshots) * pairs;
  out->assign(runs * static_cast<size_t>(cfg.n_series) * per_learner, 0.0);
  std::vector<double> q(static_cast<size_t>(cfg.ensemble_max()) * pairs), q_min(pairs);
  std::vector<int> buffer(2 * static_cast<size_t>(cfg.buffer_max()));
  const EdgePoolView view{pool.worlds.data(), pool.ints.data(), pool.reals.data(), pool.flags.data(), pool.transitions.data()};
  for (uint32_t r = 0; r < runs; ++r)
    for (int s = 0; s < cfg.n_series; ++s)
      edge_learner_run(cfg, view, pool.runs[r], s, seed, first_run + r, q.data(), q_min.data(), buffer.data(),
                       out->data() + (r * static_cast<size_t>(cfg.n_series) + static_cast<size_t>(s)) * per_learner, pairs);
}

Status run_edge_batch_cuda(const EdgeBatchConfig& cfg, const EdgeWorldPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs,
                           std::vector<double>* out, EdgeCudaStats* stats) {
  const size_t per_run = static_cast<size_t>(cfg.n_series) * cfg.n_snapshots * pool.max_pairs();
  out->resize(runs * per_run);
  return run_edge_cuda(cfg, pool, seed, first_run, runs, [&](const EdgeChunk& chunk) {
    std::copy(chunk.snapshot, chunk.snapshot + chunk.runs * per_run, out->begin() + static_cast<long>((chunk.first_run - first_run) * per_run));
  }, stats);
}

void run_dice_batch_host(const DiceBatchConfig& cfg, const DiceWorldPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs, std::vector<double>* out) {
  const size_t stride = pool.snapshot_stride(), per_learner = static_cast<size_t>(cfg.n_snapshots) * stride;
  out->assign(runs * static_cast<size_t>(cfg.n_series) * per_learner, 0.0);
  std::vector<double> scratch(4 * static_cast<size_t>(pool.max_dim()));
  const DicePoolView view = pool.view();
  for (uint32_t r = 0; r < runs; ++r)
    for (int s = 0; s < cfg.n_series; ++s)
      dice_learner_run(cfg, view, pool.runs[r], s, seed, first_run + r, scratch.data(),
                       out->data() + (r * static_cast<size_t>(cfg.n_series) + static_cast<size_t>(s)) * per_learner, stride);
}

Status run_dice_batch_cuda(const DiceBatchConfig& cfg, const DiceWorldPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs,
                           std::vector<double>* out, DiceCudaStats* stats) {
  const size_t per_run = static_cast<size_t>(cfg.n_series) * cfg.n_snapshots * pool.snapshot_stride();
  out->assign(runs * per_run, 0.0);
  return run_dice_cuda(cfg, pool, seed, first_run, runs, [&](const DiceChunk& chunk) {
    std::copy(chunk.snapshot, chunk.snapshot + chunk.runs * per_run, out->begin() + static_cast<long>((chunk.first_run - first_run) * per_run));
  }, stats);
}

void run_weighting_batch_host(const WeightingBatchConfig& cfg, const WeightingPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs,
                              std::vector<double>* out) {
  const size_t pairs = static_cast<size_t>(pool.max_pairs()), shares = static_cast<size_t>(cfg.n_shares);
  out->assign(runs * static_cast<size_t>(cfg.n_learners) * shares * pairs, 0.0);
  std::vector<double> soft(static_cast<size_t>(pool.max_actions()));
  const WeightingPoolView view = pool.view();
  for (uint32_t r = 0; r < runs; ++r)
    for (int l = 0; l < cfg.n_learners; ++l)
      for (size_t k = 0; k < shares; ++k)
        weighting_learner_run(cfg, view, pool.datasets[r * shares + k], l, static_cast<int>(k), seed, first_run + r, soft.data(),
                              out->data() + ((r * static_cast<size_t>(cfg.n_learners) + static_cast<size_t>(l)) * shares + k) * pairs);
}

Status run_weighting_batch_cuda(const WeightingBatchConfig& cfg, const WeightingPool& pool, uint64_t seed, uint32_t first_run, uint32_t runs,
                                std::vector<double>* out, WeightingCudaStats* stats) {
  const size_t per_run = static_cast<size_t>(cfg.n_learners) * cfg.n_shares * pool.max_pairs();
  out->assign(runs * per_run, 0.0);
  return run_weighting_cuda(cfg, pool, seed, first_run, runs, [&](const WeightingChunk& chunk) {
    std::copy(chunk.q, chunk.q + chunk.runs * per_run, out->begin() + static_cast<long>((chunk.first_run - first_run) * per_run));
  }, stats);
}

void run_robust_batch_host(const RobustBatchConfig& cfg, const std::vector<int>& ints, const std::vector<double>& reals, uint64_t seed,
                           uint32_t first_run, uint32_t runs, std::vector<double>* out) {
  const size_t stride = cfg.outcome_stride(), series = static_cast<size_t>(cfg.n_series);
  out->assign(runs * series * stride, 0.0);
  for (uint32_t r = 0; r < runs; ++r)
    for (size_t s = 0; s < series; ++s)
      robust_learner_run(cfg, {ints.data(), reals.data()}, static_cast<int>(s), seed, first_run + r, out->data() + (r * series + s) * stride);
}

Status run_robust_batch_cuda(const RobustBatchConfig& cfg, const std::vector<int>& ints, const std::vector<double>& reals, uint64_t seed,
                             uint32_t first_run, uint32_t runs, std::vector<double>* out, RobustCudaStats* stats) {
  const size_t per_run = static_cast<size_t>(cfg.n_series) * cfg.outcome_stride();
  out->assign(runs * per_run, 0.0);
  return run_robust_cuda(cfg, ints, reals, seed, first_run, runs, [&](const RobustChunk& chunk) {
    std::copy(chunk.outcome, chunk.outcome + chunk.runs * per_run, out->begin() + static_cast<long>((chunk.first_run - first_run) * per_run));
  }, stats);
}

}  // namespace klab::offline
