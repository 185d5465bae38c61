#include "optim/mixture_cuda.hpp"

#include <algorithm>
#include <string>

#include "core/ordered_batch.hpp"
#include "core/parallel_for.hpp"

namespace klab::optim {

Expected<MixtureBatch> mixture_batch(const MixtureExperiment& e) {
  const MixtureParams& p = e.p();
  std::string refused;
  for (const std::string& id : p.methods)
    if (id != "smd_entropic" && id != "smd_euclidean") refused += (refused.empty() ? "'" : ", '") + id + "'";
  if (!refused.empty())
    return Status::error("methods: the CUDA engine of optim.mixture runs smd_entropic and smd_euclidean only; " + refused +
                         " run on --backend cpu (e.g. --set methods=smd_entropic,smd_euclidean)");
  if (p.smd_step == SmdStep::Lazy)
    return Status::error("smd_step: the CUDA engine of optim.mixture runs the dense step only; smd_step=lazy runs on --backend cpu");
  const RunLayout layout = e.layout();
  const std::vector<double>& ns = layout.axes[0].x;
  if (ns.size() > static_cast<size_t>(kMaxMixtureCheckpoints))
    return Status::error("the CUDA engine of optim.mixture records at most " + std::to_string(kMaxMixtureCheckpoints) + " checkpoints");
  MixtureBatch b;
  b.model = e.model();
  b.alias = make_alias_table(b.model.target);
  MixtureBatchConfig& c = b.cfg;
  c.dictionary = b.model.dictionary;
  c.components = b.model.components;
  c.side = b.model.side;
  c.spacing = b.model.spacing();
  c.width = b.model.width;
  c.samples = p.samples;
  c.entropic_step = p.entropic_step;
  c.entropic_delay = p.entropic_delay;
  c.euclid_step = p.euclid_step;
  c.floor = p.floor / b.model.components;  // δ, as MixtureRun computes it
  c.n_methods = static_cast<int>(p.methods.size());  // the parameter table allows each id once: at most 2 here
  for (int k = 0; k < c.n_methods; ++k) {
    const bool euclidean = p.methods[static_cast<size_t>(k)] == "smd_euclidean";
    c.method[k] = euclidean ? MixtureEngineMethod::Euclidean : MixtureEngineMethod::Entropic;
    std::vector<double> start = mixture_start(p, b.model.components);
    if (euclidean) project_truncated_simplex(start.data(), b.model.components, c.floor);  // as MixtureRun's constructor
    b.start.insert(b.start.end(), start.begin(), start.end());
  }
  c.n_checkpoints = static_cast<int>(ns.size());
  for (size_t k = 0; k < ns.size(); ++k) c.checkpoint[k] = static_cast<long long>(ns[k]);
  return b;
}

void fill_mixture_record(const MixtureBatch& b, const double* weights, RunRecord& out) {
  const size_t m = static_cast<size_t>(b.cfg.components);
  std::vector<double> w(m);
  for (int s = 0; s < b.cfg.n_methods; ++s)
    for (int k = 0; k < b.cfg.n_checkpoints; ++k) {
      const double* at = weights + (static_cast<size_t>(s) * static_cast<size_t>(b.cfg.n_checkpoints) + static_cast<size_t>(k)) * m;
      std::copy(at, at + m, w.begin());
      record_mixture_estimate(b.model, static_cast<size_t>(s), static_cast<size_t>(k), b.cfg.checkpoint[k] == b.cfg.samples, w, static_cast<double>(m),
                              out);
    }
}

Status MixtureExperiment::run_cuda_blocks(uint64_t seed, uint32_t runs, uint32_t first_block, uint32_t end_block,
                                          std::vector<SlotStats>* blocks) const {
  const RunLayout layout = this->layout();
  const Expected<MixtureBatch> b = mixture_batch(*this);
  if (!b.ok()) return b.status();
  OrderedBatch batch(layout, runs, first_block, end_block, blocks);  // aggregated exactly like BatchJob
  const size_t row = mixture_row(b.value().cfg);
  std::vector<RunRecord> records;
  return run_mixture_cuda(b.value().cfg, b.value().tables(), seed, batch.first_run(), batch.run_count(), [&](const MixtureChunk& chunk) {
    // The errors (a quadrature or a sum over M per checkpoint) on all host cores, then added in run order.
    records.assign(chunk.runs, RunRecord(layout));
    parallel_for(chunk.runs, [&](uint32_t i) { fill_mixture_record(b.value(), chunk.weights + i * row, records[i]); });
    for (const RunRecord& r : records) {
      batch.next() = r;
      batch.add();
    }
  });
}

}  // namespace klab::optim
