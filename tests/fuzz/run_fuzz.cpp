// Fuzz target: the experiments themselves, run. The other targets stop at parsing and planning;
// here an input picks a demo's small configuration (tests/small_configs.hpp), assigns a few of its
// parameters values inside their allowed ranges (biased to the ends and to special values), and
// runs 1–2 runs the way `klab run` does (BatchJob::run_all) and the way the browser does (each
// run's cursor stepped in small slices), then builds summary.json, curves.csv and figure.svg.
// Checks:
//   - a refused assignment has a message naming a parameter of the demo;
//   - no crash, no sanitizer report, no hang (libFuzzer -timeout);
//   - the two ways give bit-identical statistics (a run is a pure function of params, seed, run);
//   - every reported statistic (mean, standard error, 95% CI) is finite; a non-finite value in a
//     run's record is skipped by the statistics by design (RunRecord: "slots left NaN are skipped";
//     an infinite metric shows as "—", which the demo's text explains), and is listed on stderr
//     when KLAB_RUN_FUZZ_VERBOSE is set, for review;
//   - summary.json parses, and the figure renders.
// KLAB_RUN_FUZZ_VERBOSE also names each assignment before it runs (so a slow input names itself).
//
// Cost cap (one input must cost well under a second under ASan): an assignment is run only when
// its estimated cost is at most kMaxCost times the small configuration's, else it is skipped (not
// clamped: a skipped input changes nothing). The estimate is the largest of
//   - the product over integer parameters of max(1, value / small value) (sizes, passes, horizons
//     multiply: conservative for integers that are not sizes),
//   - the product over list parameters of max(1, length / small length) (series, grid points),
//   - RunLayout::work_per_run over the small configuration's (what the progress bar counts),
// plus the real parameters listed in kRealSizes, which size a run, counted like integers.
//
// Input: byte 0 picks the small configuration; byte 1: bit 0 the runs (1 or 2), bits 1–3 the
// seed, bits 4–5 the browser-side slice (whole run, 1, 37 or 1000 work units per step); then up
// to four groups of 4 bytes (parameter, value selector, two data bytes), see draw().
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/batch.hpp"
#include "core/run_output.hpp"
#include "core/svg.hpp"
#include "fuzz_util.hpp"
#include "small_configs.hpp"

using namespace klab;

namespace {

constexpr double kMaxCost = 4.0;
// Real parameters that size a run: "demo.key" (counted like integer sizes in the cost estimate).
const std::vector<std::string> kRealSizes = {"blackbox.es.budget_factor"};

// A value for `spec` from a selector and 16 bits of data: the range's ends, 0 and 1 where they are
// in range, the neighbours of the ends (lo + 1 and hi − 1 for integers, the next doubles for reals),
// or a uniform / log-uniform draw.
double draw_number(const ParamSpec& spec, bool integer, uint8_t selector, uint16_t data) {
  const double lo = spec.lo, hi = spec.hi, u = data / 65535.0;
  auto in = [&](double x) { return x >= lo && x <= hi; };
  switch (selector % 8) {
    case 0: return lo;
    case 1: return hi;
    case 2: return in(0.0) ? 0.0 : lo;
    case 3: return in(1.0) ? 1.0 : hi;
    case 4: return integer ? std::min(hi, lo + 1) : std::nextafter(lo, hi);
    case 5: return integer ? std::max(lo, hi - 1) : std::nextafter(hi, lo);
    case 6: return lo + u * (hi - lo);
    default:
      if (lo > 0) return std::exp(std::log(lo) + u * (std::log(hi) - std::log(lo)));
      return lo + u * u * u * (hi - lo);  // towards lo when the range holds 0 or negatives
  }
}

ParamValue draw(const ParamSpec& spec, const ParamValue& current, uint8_t selector, uint16_t data) {
  ParamValue v = current;
  switch (spec.kind) {
    case ParamKind::Real: v.real = draw_number(spec, false, selector, data); break;
    case ParamKind::Integer: {
      const double x = std::round(draw_number(spec, true, selector, data));
      v.integer = static_cast<long long>(std::min(spec.hi, std::max(spec.lo, x)));
      break;
    }
    case ParamKind::Boolean: v.boolean = data & 1; break;
    case ParamKind::Choice: v.choice = static_cast<int>(data % spec.choices.size()); break;
    case ParamKind::RealList: {
      // Length from the low byte, element j by selector (selector + j) with the high byte's data.
      const int span = spec.max_len - spec.min_len + 1;
      const int n = spec.min_len + (data & 0xff) % std::min(span, 6);
      v.list.clear();
      for (int j = 0; j < n; ++j)
        v.list.push_back(draw_number(spec, false, static_cast<uint8_t>(selector + j), static_cast<uint16_t>((data >> 8) * 257u * (j + 1))));
      break;
    }
    case ParamKind::MultiChoice: {
      v.picks.clear();
      for (size_t c = 0; c < spec.choices.size() && c < 16; ++c)
        if (data >> c & 1) v.picks.push_back(static_cast<int>(c));
      for (size_t c = 0; static_cast<int>(v.picks.size()) < spec.min_len && c < spec.choices.size(); ++c)
        if (!(data >> c & 1)) v.picks.push_back(static_cast<int>(c));
      break;
    }
    case ParamKind::Text: break;  // file paths: the config and CLI fuzzers cover them
  }
  return v;
}

double length_of(const ParamValue& v) { return static_cast<double>(std::max<size_t>(1, v.list.size() + v.picks.size())); }

// The cost estimate of the header, relative to the small configuration `base`.
double cost(const std::string& demo, const ParamSet& base, const ParamSet& p, double base_work, double work) {
  double sizes = 1.0, lists = 1.0;
  for (size_t i = 0; i < p.specs().size(); ++i) {
    const ParamSpec& s = p.specs()[i];
    const ParamValue a = base.get(i), b = p.get(i);
    if (s.kind == ParamKind::Integer)
      sizes *= std::max(1.0, static_cast<double>(b.integer) / std::max(1.0, static_cast<double>(a.integer)));
    else if (s.kind == ParamKind::Real && a.real > 0)
      for (const std::string& k : kRealSizes)
        if (k == demo + "." + s.key) sizes *= std::max(1.0, b.real / a.real);
    if (s.kind == ParamKind::RealList || s.kind == ParamKind::MultiChoice) lists *= std::max(1.0, length_of(b) / length_of(a));
  }
  return std::max({sizes, lists, base_work > 0 ? work / base_work : 1.0});
}

bool names_a_parameter(const std::string& message, const ParamSet& p) {
  for (const ParamSpec& s : p.specs())
    if (message.find(s.key) != std::string::npos) return true;
  return false;
}

void check_stat(const RunningStat& st, const std::string& what) {
  if (st.count() == 0) return;
  KLAB_FUZZ_CHECK(std::isfinite(st.mean()) && std::isfinite(st.sem()) && std::isfinite(st.ci95()), what + " is finite");
}

bool same(const RunningStat& a, const RunningStat& b) {
  const RunningStat::State x = a.state(), y = b.state();
  auto eq = [](double u, double v) { return u == v || (std::isnan(u) && std::isnan(v)); };
  return x.n == y.n && eq(x.mean, y.mean) && eq(x.m2, y.m2);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const auto& configs = test::small_configs();
  const test::SmallConfig& config = configs[data[0] % configs.size()];
  const DemoInfo* demo = fuzz::catalog().find(config.demo);
  KLAB_FUZZ_CHECK(demo != nullptr, "small config of an unknown demo " + config.demo);
  std::unique_ptr<Experiment> e = demo->make();
  ParamSet& params = e->params();
  KLAB_FUZZ_CHECK(params.set_texts(config.params).ok(), config.demo + ": its small configuration is valid");
  const std::unique_ptr<Experiment> base = e->clone();
  const uint32_t runs = 1 + (data[1] & 1);
  const uint64_t seed = 1 + (data[1] >> 1 & 7);
  static const double kSlices[] = {0.0, 1.0, 37.0, 1000.0};
  const double slice = kSlices[data[1] >> 4 & 3];

  std::vector<std::pair<size_t, ParamValue>> changes;
  std::string what = config.demo;
  for (size_t at = 2; at + 4 <= size && changes.size() < 4; at += 4) {
    const size_t i = data[at] % params.specs().size();
    const ParamSpec& spec = params.specs()[i];
    if (spec.kind == ParamKind::Text) continue;
    changes.emplace_back(i, draw(spec, params.get(i), data[at + 1], static_cast<uint16_t>(data[at + 2] | data[at + 3] << 8)));
    what += " " + spec.key + "=" + format_value(spec, changes.back().second);
  }
  const Status s = params.assign(changes);
  if (!s.ok()) {
    KLAB_FUZZ_CHECK(names_a_parameter(s.message(), params), what + ": the refusal names a parameter: " + s.message());
    return 0;
  }
  const RunLayout layout = e->layout();
  if (cost(config.demo, base->params(), params, base->layout().work_per_run, layout.work_per_run) > kMaxCost) return 0;
  KLAB_FUZZ_CHECK(!layout.series.empty() && layout.series_stride() + layout.final_metrics.size() > 0, what + ": a layout with results");
  for (const CurveMetric& c : layout.curves) KLAB_FUZZ_CHECK(c.axis < layout.axes.size(), what + ": curve axis");

  if (std::getenv("KLAB_RUN_FUZZ_VERBOSE"))  // which assignment runs (a slow input names itself)
    std::fprintf(stderr, "run_fuzz: running %s (%u runs, seed %llu)\n", what.c_str(), runs, static_cast<unsigned long long>(seed));

  // As `klab run` computes it (one thread: the batch test checks thread invariance).
  BatchJob job(e->clone(), seed, runs);
  job.run_all(1);
  KLAB_FUZZ_CHECK(job.done(), what + ": the job completes");
  const BatchResult result = job.result();

  // As the browser steps it: each run's cursor in small slices (or the whole run at once).
  SlotStats stepped(layout);
  RunRecord record(layout);
  for (uint32_t r = 0; r < runs; ++r) {
    record.clear();
    std::unique_ptr<RunCursor> cursor = slice > 0 ? e->start_run(seed, r, layout, record) : nullptr;
    if (cursor) {
      // At most ~256 steps: the slice grows with the run's size.
      const double work = std::max(slice, layout.work_per_run / 256.0);
      while (!cursor->step(work)) {
      }
    } else {
      e->run(seed, r, layout, record);
    }
    if (std::getenv("KLAB_RUN_FUZZ_VERBOSE")) {
      for (size_t m = 0; m < record.finals().size(); ++m)
        if (!std::isfinite(record.finals()[m]) && !std::isnan(record.finals()[m]))
          std::fprintf(stderr, "run_fuzz: %s: final %s of %s is %g\n", what.c_str(),
                       layout.final_metrics[m % layout.final_metrics.size()].c_str(),
                       layout.series[m / std::max<size_t>(1, layout.final_metrics.size())].c_str(), record.finals()[m]);
    }
    stepped.add(record);
  }
  for (size_t k = 0; k < stepped.finals.size(); ++k) {
    KLAB_FUZZ_CHECK(same(stepped.finals[k], result.stats.finals[k]), what + ": stepped and batch runs agree on final " +
                                                                          layout.final_metrics[k % layout.final_metrics.size()]);
    check_stat(result.stats.finals[k], what + ": final " + layout.final_metrics[k % layout.final_metrics.size()]);
  }
  for (size_t k = 0; k < stepped.curves.size(); ++k) {
    KLAB_FUZZ_CHECK(same(stepped.curves[k], result.stats.curves[k]), what + ": stepped and batch runs agree on the curves");
    check_stat(result.stats.curves[k], what + ": a curve point");
  }

  // Review aid (KLAB_RUN_FUZZ_VERBOSE): metrics that the small configuration reports but this
  // assignment leaves without a finite value in every run (shown as "—"; fine when documented).
  if (std::getenv("KLAB_RUN_FUZZ_VERBOSE")) {
    BatchJob small(base->clone(), seed, runs);
    small.run_all(1);
    const BatchResult b = small.result();
    if (b.layout.final_metrics == layout.final_metrics && b.layout.series == layout.series)
      for (size_t k = 0; k < b.stats.finals.size(); ++k)
        if (b.stats.finals[k].count() > 0 && result.stats.finals[k].count() == 0)
          std::fprintf(stderr, "run_fuzz: %s: final %s of %s has no finite value\n", what.c_str(),
                       layout.final_metrics[k % layout.final_metrics.size()].c_str(),
                       layout.series[k / layout.final_metrics.size()].c_str());
  }

  // The result folder's files, as write_run_outputs builds them.
  const nlohmann::json summary = nlohmann::json::parse(summary_json(demo->id, params, result), nullptr, false);
  KLAB_FUZZ_CHECK(!summary.is_discarded(), what + ": summary.json parses");
  (void)curves_csv(result);
  (void)plot::render_svg(e->figure(result));
  return 0;
}
