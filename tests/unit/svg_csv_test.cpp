// Figure export (core/svg.hpp, core/figure_csv.hpp) and the shared axis logic (core/plot_scale.hpp):
// what the SVG holds and that it is well-formed, the CSV rows and their quoting, ticks and ranges.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "core/figure_csv.hpp"
#include "core/plot_scale.hpp"
#include "core/rng.hpp"
#include "core/svg.hpp"
#include "test_util.hpp"

using klab::test::contains;
using klab::test::count_of;
namespace plot = klab::plot;

namespace {

const double kNan = std::nan("");

// Three plots: lines (one with a band, one broken by NaN), points, bars, a guide; a
// log-log plot with fixed x limits; a simplex with a heatmap and a point.
plot::Figure test_figure() {
  plot::Figure fig;
  fig.title = "Tom & \"Jerry\" <run>";
  plot::Plot a;
  a.title = "curves <1>";
  a.x = {"x"};
  a.y = {"y"};
  a.lines.push_back({"mean & band", {0, 1, 2, 3}, {1, 2, 1.5, 3}, {0.5, 1.5, 1, 2.5}, {1.5, 2.5, 2, 3.5}, klab::palette(0)});
  a.lines.push_back({"plain, \"quoted\"", {0, 1, 2, 3}, {3, 2, kNan, 1}, {}, {}, klab::palette(1), 2.0f, plot::Dash::Dashed});
  a.points.push_back({"dots", {0.5, 1.5, kNan, 2.5}, {1, 2, 3, 4}, klab::palette(2)});
  a.bars.push_back({"", {0, 1, 2}, {1, 2}, klab::palette(3)});
  a.guides.push_back({true, 1.5, "guide <g>"});
  plot::Plot b;
  b.title = "log";
  b.x = {"n", plot::Scale::Log, 0.1, 10.0};
  b.y = {"err", plot::Scale::Log};
  b.lines.push_back({"decay", {0.1, 1, 10}, {1, 0.1, 0.01}, {}, {}, klab::palette(0)});
  plot::Plot c;
  c.title = "simplex";
  c.frame = plot::Frame::Simplex;
  c.corners = {"A<", "B", "C"};
  c.x = {"", plot::Scale::Linear, 0.0, 1.0};
  c.y = {"", plot::Scale::Linear, 0.0, 0.8660254037844386};
  plot::Heatmap h;
  h.nx = 2;
  h.ny = 2;
  h.values = {0.f, 1.f, 2.f, NAN};
  h.x1 = 1.0;
  h.y1 = 0.8660254037844386;
  h.label = "heat";
  c.heatmaps.push_back(h);
  const auto xy = plot::simplex_xy(0.2, 0.3, 0.5);
  c.points.push_back({"p", {xy[0]}, {xy[1]}, klab::palette(0)});
  fig.plots = {a, b, c};
  return fig;
}

// A small well-formedness check: tags nest and close in order, attributes hold no raw '<', and
// every '&' starts one of the four entities the writer uses. Returns "" or what is wrong.
std::string xml_problem(const std::string& s) {
  std::vector<std::string> stack;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      bool entity = false;
      for (const char* e : {"&lt;", "&gt;", "&amp;", "&quot;"}) entity = entity || s.compare(i, std::strlen(e), e) == 0;
      if (!entity) return "raw '&' at " + std::to_string(i);
      continue;
    }
    if (s[i] != '<') continue;
    const size_t close = s.find('>', i);
    if (close == std::string::npos) return "unclosed tag at " + std::to_string(i);
    const std::string tag = s.substr(i + 1, close - i - 1);
    if (tag.find('<') != std::string::npos) return "'<' inside a tag at " + std::to_string(i);
    if (tag[0] == '?') {
      if (tag.back() != '?') return "bad declaration";
    } else if (tag[0] == '/') {
      if (stack.empty() || stack.back() != tag.substr(1)) return "</" + tag.substr(1) + "> does not close <" +
                                                                  (stack.empty() ? "" : stack.back()) + ">";
      stack.pop_back();
    } else if (tag.back() != '/') {
      stack.push_back(tag.substr(0, tag.find_first_of(" \n")));
    }
    i = close;
  }
  return stack.empty() ? "" : "<" + stack.back() + "> is never closed";
}

}  // namespace

TEST_CASE("render_svg: title, one <path> per line and band, legend, points, log decades, balanced tags") {
  const std::string svg = plot::render_svg(test_figure());
  CHECK(svg.rfind("<?xml", 0) == 0);
  CHECK(xml_problem(svg) == "");
  CHECK(count_of(svg, "<svg") == 1);
  CHECK(count_of(svg, "</svg>") == 1);
  CHECK(count_of(svg, "<g") == count_of(svg, "</g>"));
  CHECK(count_of(svg, "<g") == 3);  // one clipped group per plot
  CHECK(count_of(svg, "<text") == count_of(svg, "</text>"));
  CHECK(count_of(svg, "<clipPath") == count_of(svg, "</clipPath>"));
  // Escaped texts, never the raw ones.
  CHECK(contains(svg, ">Tom &amp; &quot;Jerry&quot; &lt;run&gt;</text>"));
  CHECK_FALSE(contains(svg, "<run>"));
  CHECK(contains(svg, ">curves &lt;1&gt;</text>"));
  CHECK(contains(svg, ">guide &lt;g&gt;</text>"));
  CHECK(contains(svg, ">A&lt;</text>"));
  // Paths: 3 lines + 1 band + 1 simplex triangle.
  CHECK(count_of(svg, "<path") == 5);
  CHECK(count_of(svg, "fill-opacity=\"0.2\"") == 1);      // the band
  CHECK(count_of(svg, "stroke-dasharray=\"7,4\"") == 2);  // the dashed line and its legend swatch
  // The NaN breaks the second line into two pieces: two "M" moves in its path.
  const size_t dashed = svg.find("stroke-dasharray=\"7,4\"");
  const size_t path_start = svg.rfind("<path d=\"", dashed);
  CHECK(count_of(svg.substr(path_start, dashed - path_start), "M") == 2);
  // Legend: every named line and point set, escaped.
  for (const char* name : {">mean &amp; band<", ">plain, &quot;quoted&quot;<", ">dots<", ">decay<", ">p<"})
    CHECK(contains(svg, name));
  // Circles: 3 finite points + 1 simplex point, and a legend marker for each of the 2 point sets.
  CHECK(count_of(svg, "<circle") == 6);
  // Bars: 2 bins; heatmap: 3 finite cells (NaN is transparent).
  CHECK(count_of(svg, "fill-opacity=\"0.75\"") == 2);
  // Log axes label decades with superscripts: y from data [0.01, 1], padded past four decades' ends.
  // x fixed to [0.1, 10] spans two decades: 1, 2 and 5 of each labelled, all as plain numbers.
  for (const char* label : {">10⁻²<", ">10⁻¹<", ">10⁰<", ">0.1<", ">0.2<", ">0.5<", ">2<", ">5<", ">10<"}) CHECK(contains(svg, label));
  CHECK_FALSE(contains(svg, ">10¹<"));   // never a power beside plain numbers on one axis
  CHECK_FALSE(contains(svg, ">10⁻³<"));  // outside both ranges
  // Width and grid layout: 2 columns, 2 rows of 340 px plus the 30 px title.
  CHECK(contains(svg, "width=\"960.00\" height=\"710.00\""));
}

TEST_CASE("figure_csv: one row per value, blanks for NaN, RFC 4180 quoting") {
  const std::string csv = plot::figure_csv(test_figure());
  std::vector<std::string> lines;
  for (size_t start = 0; start < csv.size();) {
    const size_t end = csv.find('\n', start);
    lines.push_back(csv.substr(start, end - start));
    start = end + 1;
  }
  // 4 + 4 line points, 4 points, 2 bars, 1 guide; 3 line points; 1 point, 4 heatmap cells.
  REQUIRE(lines.size() == 1 + 4 + 4 + 4 + 2 + 1 + 3 + 4 + 1);
  CHECK(lines[0] == "plot,series,kind,x,y,lo,hi");
  CHECK(lines[1] == "curves <1>,mean & band,line,0,1,0.5,1.5");
  CHECK(lines[7] == "curves <1>,\"plain, \"\"quoted\"\"\",line,2,,,");
  CHECK(lines[11] == "curves <1>,dots,points,,3,,");
  CHECK(lines[13] == "curves <1>,,bars,0.5,1,0,1");
  CHECK(lines[15] == "curves <1>,guide <g>,guide,1.5,,,");
  CHECK(lines[16] == "log,decay,line,0.1,1,,");
  CHECK(lines[19] == "simplex,p,points,0.55,0.4330127018922193,,");  // points come before heatmaps
  CHECK(lines[20] == "simplex,heat,heatmap,0.25,0.21650635094610965,0,");
  CHECK(lines[23] == "simplex,heat,heatmap,0.75,0.649519052838329,,");  // the NaN cell
  CHECK(plot::csv_field("plain") == "plain");
  CHECK(plot::csv_field("a,b") == "\"a,b\"");
  CHECK(plot::csv_field("say \"x\"") == "\"say \"\"x\"\"\"");
  CHECK(plot::csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(plot::csv_field("") == "");
}

TEST_CASE("make_ticks: linear steps of 1, 2 or 5 × 10^k, about `target` of them") {
  auto values = [](const std::vector<plot::Tick>& ts) {
    std::vector<double> v;
    for (const auto& t : ts) v.push_back(t.value);
    return v;
  };
  CHECK(values(plot::make_ticks({0, 1}, plot::Scale::Linear, 6)) == std::vector<double>{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1});
  CHECK(values(plot::make_ticks({0, 10}, plot::Scale::Linear, 5)) == std::vector<double>{0, 2, 4, 6, 8, 10});
  CHECK(values(plot::make_ticks({-3, 7}, plot::Scale::Linear, 4)) == std::vector<double>{-2, 0, 2, 4, 6});
  const auto t = plot::make_ticks({-0.3, 0.3}, plot::Scale::Linear, 6);
  bool zero = false;
  for (const auto& tick : t) zero = zero || (tick.value == 0.0 && tick.label == "0");
  CHECK(zero);  // the tick at 0 is exactly 0, not a rounding residue
  CHECK(plot::make_ticks({1, 1}, plot::Scale::Linear, 6).empty());
  CHECK(plot::make_ticks({0, kNan}, plot::Scale::Linear, 6).empty());

  klab::Rng rng(21, 0, 0);
  for (int trial = 0; trial < 500; ++trial) {
    const double scale = std::pow(10.0, static_cast<int>(rng.below(13)) - 6);
    const double lo = (rng.uniform() * 2 - 1) * 100 * scale, hi = lo + (0.01 + rng.uniform() * 50) * scale;
    const int target = 3 + static_cast<int>(rng.below(8));
    CAPTURE(lo);
    CAPTURE(hi);
    CAPTURE(target);
    const auto ts = plot::make_ticks({lo, hi}, plot::Scale::Linear, target);
    REQUIRE(ts.size() >= 2);
    const double step = ts[1].value - ts[0].value;
    const double e = std::floor(std::log10(step) + 1e-9), mantissa = step / std::pow(10.0, e);
    CHECK((std::fabs(mantissa - 1) < 1e-6 || std::fabs(mantissa - 2) < 1e-6 || std::fabs(mantissa - 5) < 1e-6));
    CHECK(static_cast<int>(ts.size()) >= target / 2);
    CHECK(static_cast<int>(ts.size()) <= 2 * target + 1);
    CHECK(ts.front().value >= lo - 1e-9 * step);
    CHECK(ts.front().value - step < lo);  // the first multiple of the step in range
    CHECK(ts.back().value <= hi + 1e-9 * step);
    CHECK(ts.back().value + step > hi);
    for (size_t i = 1; i < ts.size(); ++i) CHECK(ts[i].value - ts[i - 1].value == doctest::Approx(step).epsilon(1e-9));
    for (const auto& tick : ts) CHECK_FALSE(tick.label.empty());
  }
}

TEST_CASE("make_ticks: log axes tick decades, label them 10ᵏ, thin labels over wide spans") {
  auto labelled = [](const std::vector<plot::Tick>& ts) {
    std::vector<std::string> v;
    for (const auto& t : ts)
      if (!t.label.empty()) v.push_back(t.label);
    return v;
  };
  const auto ts = plot::make_ticks({0.01, 100}, plot::Scale::Log, 6);
  CHECK(labelled(ts) == std::vector<std::string>{"10⁻²", "10⁻¹", "10⁰", "10¹", "10²"});
  CHECK(ts.size() == 37);  // 1…9 × 10^k for four decades, and 100
  CHECK(ts.front().value == doctest::Approx(0.01));
  CHECK(ts.back().value == doctest::Approx(100));
  // 20 decades for 6 ticks: every 4th decade labelled, no minor ticks.
  const auto wide = plot::make_ticks({1e-10, 1e10}, plot::Scale::Log, 6);
  CHECK(labelled(wide) == std::vector<std::string>{"10⁻¹⁰", "10⁻⁶", "10⁻²", "10²", "10⁶", "10¹⁰"});
  CHECK(wide.size() == 21);
  // Spans of two decades or fewer also label 2 and 5, and then every label in one style: plain
  // numbers (never "10⁰, 2, 5, 10¹" mixed), or m·10ᵏ where a plain number would need an exponent.
  CHECK(labelled(plot::make_ticks({1, 50}, plot::Scale::Log, 6)) == std::vector<std::string>{"1", "2", "5", "10", "20", "50"});
  CHECK(labelled(plot::make_ticks({0.3, 7}, plot::Scale::Log, 6)) == std::vector<std::string>{"0.5", "1", "2", "5"});
  CHECK(labelled(plot::make_ticks({2e-6, 1e-4}, plot::Scale::Log, 6)) ==
        std::vector<std::string>{"2·10⁻⁶", "5·10⁻⁶", "10⁻⁵", "2·10⁻⁵", "5·10⁻⁵", "10⁻⁴"});
  // Three decades, thinned to one label for a narrow plot: 1, 2 and 5 of each, one style again.
  CHECK(labelled(plot::make_ticks({0.008, 0.3}, plot::Scale::Log, 2)) == std::vector<std::string>{"0.01", "0.02", "0.05", "0.1", "0.2"});
}

TEST_CASE("view_range: fixed limits win, automatic ones pad the data by 4%") {
  plot::Plot p;
  p.lines.push_back({"l", {0, 10}, {1, 3}, {}, {}, klab::palette(0)});
  plot::Range r = plot::view_range(p, true);
  CHECK(r.lo == doctest::Approx(-0.4));
  CHECK(r.hi == doctest::Approx(10.4));
  p.x.min = 0.0;
  r = plot::view_range(p, true);
  CHECK(r.lo == 0.0);
  CHECK(r.hi == doctest::Approx(10.4));
  p.x.max = 5.0;
  r = plot::view_range(p, true);
  CHECK(r.lo == 0.0);
  CHECK(r.hi == 5.0);
  r = plot::view_range(p, false);
  CHECK(r.lo == doctest::Approx(0.92));
  CHECK(r.hi == doctest::Approx(3.08));
  // Log: the margin is multiplicative; a non-positive limit is ignored on a log axis.
  plot::Plot q;
  q.y = {"", plot::Scale::Log, -1.0, plot::kAuto};
  q.lines.push_back({"l", {1, 2, 3}, {1, 100, -5}, {}, {}, klab::palette(0)});
  r = plot::view_range(q, false);
  const double f = std::pow(100.0, 0.04);
  CHECK(r.lo == doctest::Approx(1.0 / f));
  CHECK(r.hi == doctest::Approx(100.0 * f));
  // Bars fill the x axis exactly; an empty plot falls back to [0, 1] (padded).
  plot::Plot bars;
  bars.bars.push_back({"b", {2, 3, 4}, {5, 6}, klab::palette(0)});
  r = plot::view_range(bars, true);
  CHECK(r.lo == 2.0);
  CHECK(r.hi == 4.0);
  CHECK(plot::view_range(bars, false).lo == doctest::Approx(-0.24));  // bars include 0
  r = plot::view_range(plot::Plot{}, true);
  CHECK(r.lo == doctest::Approx(-0.04));
  CHECK(r.hi == doctest::Approx(1.04));
  // to_unit and from_unit are inverse; the ends map to 0 and 1.
  for (plot::Scale s : {plot::Scale::Linear, plot::Scale::Log}) {
    const plot::Range range{0.5, 200};
    CHECK(plot::to_unit(0.5, range, s) == doctest::Approx(0.0));
    CHECK(plot::to_unit(200, range, s) == doctest::Approx(1.0));
    for (double v : {0.7, 3.0, 150.0}) CHECK(plot::from_unit(plot::to_unit(v, range, s), range, s) == doctest::Approx(v));
  }
  CHECK(plot::to_unit(10, {1, 100}, plot::Scale::Log) == doctest::Approx(0.5));
}

TEST_CASE("axis_ticks: explicit ticks inside the range replace the automatic ones") {
  plot::Axis axis{"bin"};
  CHECK(plot::axis_ticks(axis, {0, 10}, 5).size() == plot::make_ticks({0, 10}, plot::Scale::Linear, 5).size());
  axis.ticks = {{0.5, "one"}, {1.5, "two & more"}, {12.0, "outside"}};
  const auto ts = plot::axis_ticks(axis, {0, 10}, 5);
  REQUIRE(ts.size() == 2);
  CHECK(ts[0].label == "one");
  CHECK(ts[1].value == 1.5);
  plot::Figure fig;
  plot::Plot p;
  p.x = axis;
  p.bars.push_back({"", {0, 1, 2}, {3, 4}, klab::palette(0)});
  fig.plots = {p};
  const std::string svg = plot::render_svg(fig);
  CHECK(contains(svg, ">one</text>"));
  CHECK(contains(svg, ">two &amp; more</text>"));
  CHECK_FALSE(contains(svg, "outside"));
  CHECK(xml_problem(svg) == "");
}

TEST_CASE("format_number: compact tick and read-out text") {
  CHECK(plot::format_number(0.0) == "0");
  CHECK(plot::format_number(0.25) == "0.25");
  CHECK(plot::format_number(-3.5) == "-3.5");
  CHECK(plot::format_number(15000) == "15k");
  CHECK(plot::format_number(2e-5) == "2e-05");
  CHECK(plot::format_number(1e6) == "1e+06");
  CHECK(plot::format_number(kNan) == "NaN");
  CHECK(plot::format_number(klab::kInf) == "∞");
}
