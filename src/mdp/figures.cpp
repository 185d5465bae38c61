#include "mdp/figures.hpp"
#include "core/result_plots.hpp"

namespace klab::mdp {

std::vector<plot::Line> reported_lines(const BatchResult& r, const std::string& metric) {
  std::vector<plot::Line> out;
  const int m = r.layout.find_curve(metric);
  for (plot::Line& l : plot::result_lines(r, metric)) {
    const size_t s = static_cast<size_t>(r.layout.find_series(l.name));
    if (m >= 0 && r.curve_stat(s, static_cast<size_t>(m), 0).count() > 0) out.push_back(std::move(l));
  }
  return out;
}

plot::Guide reference_guide(const std::string& label, double y) {
  plot::Guide g;
  g.vertical = false;
  g.value = y;
  g.label = label;
  g.color = plot::kReferenceGrey;
  g.dashed = true;
  return g;
}

plot::Plot final_bars(const BatchResult& r, const std::string& metric, const std::string& title, const std::string& y_label) {
  plot::Plot p;
  p.title = title;
  p.x = plot::category_axis("method", r.layout.series, 0.0);
  p.y.label = y_label;
  p.legend = false;
  const int m = r.layout.find_final(metric);
  for (size_t s = 0; s < r.layout.series.size(); ++s) {
    if (m < 0) continue;
    const RunningStat& st = r.final_stat(s, static_cast<size_t>(m));
    if (st.count() == 0) continue;
    plot::Bars b;
    b.name = r.layout.series[s];
    b.edges = {s - 0.35, s + 0.35};
    b.heights = {st.mean()};
    b.color = palette(s);
    p.bars.push_back(b);
    plot::Line ci;
    ci.name = r.layout.series[s] + " 95% CI";
    ci.group = r.layout.series[s];
    ci.x = {static_cast<double>(s), static_cast<double>(s)};
    ci.y = {st.mean() - st.ci95(), st.mean() + st.ci95()};
    ci.color = plot::kReferenceGrey;
    ci.width = 2.0f;
    p.lines.push_back(ci);
  }
  return p;
}

size_t id_index(const std::vector<std::string>& ids, const std::string& id) {
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == id) return i;
  return ids.size();
}

}  // namespace klab::mdp
