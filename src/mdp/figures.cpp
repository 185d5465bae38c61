#include "mdp/figures.hpp"

namespace klab::mdp {

plot::Line reference_line(const std::string& name, std::vector<double> x, std::vector<double> y) {
  plot::Line l;
  l.name = name;
  l.x = std::move(x);
  l.y = std::move(y);
  l.color = kReferenceGrey;
  l.width = 1.5f;
  l.dashed = true;
  return l;
}

plot::Guide reference_guide(const std::string& label, double y) {
  plot::Guide g;
  g.vertical = false;
  g.value = y;
  g.label = label;
  g.color = kReferenceGrey;
  g.dashed = true;
  return g;
}

plot::Plot final_bars(const BatchResult& r, const std::string& metric, const std::string& title, const std::string& y_label) {
  plot::Plot p;
  p.title = title;
  p.x.label = "method";
  p.y.label = y_label;
  p.legend = false;
  const int m = r.layout.find_final(metric);
  for (size_t s = 0; s < r.layout.series.size(); ++s) {
    p.x.ticks.push_back({static_cast<double>(s), r.layout.series[s]});
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
    ci.x = {static_cast<double>(s), static_cast<double>(s)};
    ci.y = {st.mean() - st.ci95(), st.mean() + st.ci95()};
    ci.color = kReferenceGrey;
    ci.width = 2.0f;
    p.lines.push_back(ci);
  }
  p.x.min = -0.6;
  p.x.max = static_cast<double>(r.layout.series.size()) - 0.4;
  return p;
}

size_t id_index(const std::vector<std::string>& ids, const std::string& id) {
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == id) return i;
  return ids.size();
}

}  // namespace klab::mdp
