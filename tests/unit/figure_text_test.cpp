// The figure model's reading aids (core/plot_scale.hpp, core/rich_text.hpp): number text for
// estimates and dragged values, ranges that never start degenerate, far-off series clipped,
// categorical axes, the text markup, the "what to look for" sentence and paper links.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "app/catalog.hpp"
#include "core/plot_scale.hpp"
#include "core/rich_text.hpp"

namespace plot = klab::plot;
namespace text = klab::text;

TEST_CASE("format_estimate: digits follow the uncertainty; exact and wide intervals say so") {
  CHECK(plot::format_estimate(12.3456, 0.0789) == "12.346 ± 0.079");
  CHECK(plot::format_estimate(0.11751, 0.0123) == "0.118 ± 0.012");
  CHECK(plot::format_estimate(4012.3, 153.2) == "4010 ± 150");
  CHECK(plot::format_estimate(0.1175, 0.0) == "0.1175 (exact)");
  CHECK(plot::format_estimate(0.1175, 1.89e-18) == "0.1175 (exact)");  // rounding residue, not a spread
  CHECK(plot::format_estimate(0.012, 0.034) == "[-0.022, 0.046]");    // the interval is wider than the mean
  CHECK(plot::format_estimate(2.5e-6, 1.3e-7) == "2.50e-6 ± 0.13e-6");
  CHECK(plot::format_estimate(NAN, 1.0) == "NaN");
  CHECK(plot::format_estimate(-3.0, 0.25) == "-3.00 ± 0.25");
}

TEST_CASE("round_for_range: dragged values keep four significant digits of their range") {
  CHECK(plot::round_for_range(-1.51120102117318, 20.0, false) == -1.51);
  CHECK(plot::round_for_range(0.123456, 1.0, false) == 0.123);
  CHECK(plot::round_for_range(3.14159e-5, 1.0, true) == 3.142e-5);  // log scale: relative to the value
  CHECK(plot::round_for_range(7.0, 0.0, false) == 7.0);
}

TEST_CASE("axis ranges: cover values, a minimum relative span, distinct tick labels") {
  plot::Plot p;
  p.x.cover_lo = 0;
  p.x.cover_hi = 400;  // a step axis before any step: [0, 400], not [-1, 1]
  p.lines.push_back({"l", {0}, {0.1175}, {}, {}, klab::palette(0)});
  plot::Range x = plot::view_range(p, true);
  CHECK(x.lo < 0);
  CHECK(x.hi > 400);
  // y: one value plus a rounding residue: widened to ±10% of the magnitude.
  p.lines[0].x = {0, 1};
  p.lines[0].y = {0.1175, 0.1175 + 1e-18};
  plot::Range y = plot::view_range(p, false);
  CHECK(y.hi - y.lo > 1e-3);
  // Ticks of a narrow span carry enough digits to differ.
  const auto ticks = plot::make_ticks({0.11750, 0.11754}, plot::Scale::Linear, 5);
  REQUIRE(ticks.size() >= 2);
  for (size_t i = 1; i < ticks.size(); ++i) CHECK(ticks[i].label != ticks[i - 1].label);
}

TEST_CASE("axis_range: a far-off series is clipped off scale, the rest keep the axis") {
  plot::Plot p;
  std::vector<double> t = {1, 10, 100, 1000};
  p.lines.push_back({"uniform", t, {1, 40, 400, 4000}, {}, {}, klab::palette(0)});
  p.lines.push_back({"klucb", t, {1, 10, 20, 30}, {}, {}, klab::palette(1)});
  p.lines.push_back({"ts", t, {1, 9, 18, 27}, {}, {}, klab::palette(2)});
  plot::RangeRequest req;
  plot::AxisRange r = plot::axis_range(p, false, req);
  REQUIRE(r.above.size() == 1);
  CHECK(r.above[0] == 0);
  CHECK(r.range.hi < 40);
  // Hidden series leave the range; so does a series the reader asked to see in full.
  req.clip_outliers = false;
  CHECK(plot::axis_range(p, false, req).range.hi > 4000);
  req.clip_outliers = true;
  req.hidden = [](const std::string& s) { return s == "uniform"; };
  r = plot::axis_range(p, false, req);
  CHECK(r.above.empty());
  CHECK(r.range.hi < 40);
  // Comparable series are never clipped; neither on a log axis.
  p.lines[0].y = {1, 12, 25, 45};
  CHECK(plot::axis_range(p, false, plot::RangeRequest{}).above.empty());
  p.lines[0].y = {1, 40, 400, 4000};
  plot::RangeRequest log;
  log.scale = plot::Scale::Log;
  CHECK(plot::axis_range(p, false, log).above.empty());
  // From below too (gradient ascent's collapse against NPO and SimNPO).
  plot::Plot q;
  q.lines.push_back({"ga", t, {-1, -60, -300, -650}, {}, {}, klab::palette(0)});
  q.lines.push_back({"npo", t, {-1, -3, -5, -6}, {}, {}, klab::palette(1)});
  q.lines.push_back({"simnpo", t, {-1, -4, -6, -8}, {}, {}, klab::palette(2)});
  r = plot::axis_range(q, false, plot::RangeRequest{});
  REQUIRE(r.below.size() == 1);
  CHECK(r.below[0] == 0);
  CHECK(r.range.lo > -20);
}

TEST_CASE("category_axis: names at integer positions, the range covering them") {
  const plot::Axis a = plot::category_axis("method", {"dual", "primal_dual", "plug_in"}, 0.0);
  REQUIRE(a.ticks.size() == 3);
  CHECK(a.ticks[1].value == 1.0);
  CHECK(a.ticks[1].label == "primal_dual");
  CHECK(a.min == -0.5);
  CHECK(a.max == 2.5);
}

TEST_CASE("parse_inline: sub- and superscripts, identifiers left alone, code spans") {
  auto shape = [](const std::string& s) {
    std::string out;
    for (const text::Run& r : text::parse_inline(s))
      out += (r.code ? "`" : r.shift == text::Shift::Super ? "^" : r.shift == text::Shift::Sub ? "_" : "") + r.text + "|";
    return out;
  };
  CHECK(shape("T^{2/3}") == "T|^2/3|");
  CHECK(shape("R_t / ln t") == "R|_t| / ln t|");
  CHECK(shape("π_ref(y|x)") == "π|_ref|(y|x)|");
  CHECK(shape("π*_β") == "π*|_β|");
  CHECK(shape("E_{π*}[g] + μ̂_a") == "E|_π*|[g] + μ̂|_a|");
  CHECK(shape("dp_sh vs est_ivwe") == "dp_sh vs est_ivwe|");
  CHECK(shape("regret q_learning, V_rect, p_data") == "regret q_learning, V|_rect|, p|_data|");
  CHECK(shape("(E‖e‖_p^p)^{1/p}") == "(E‖e‖|_p|^p|)|^1/p|");
  CHECK(shape("the `inner_steps` knob") == "the |`inner_steps| knob|");
  CHECK(shape("a ^ b and x_ y") == "a ^ b and x_ y|");
  CHECK(text::plain("T^{2/3} and R_t, x^2, π_{λ*}") == "T^(2/3) and Rₜ, x², π_(λ*)");
}

TEST_CASE("parse_blocks: hard-wrapped lines reflow, equations and the look-for paragraph stand apart") {
  const std::string about =
      "First line of a paragraph\n"
      "continues here:\n"
      "    R_t = Σ (μ* - μ_A)\n"
      "After the equation.\n"
      "What to look for: KL-UCB hugs C·ln t; UCB1 does not. More text\n"
      "on the next line.";
  const auto blocks = text::parse_blocks(about);
  REQUIRE(blocks.size() == 4);
  CHECK(blocks[0].kind == text::Block::Paragraph);
  CHECK(blocks[0].text == "First line of a paragraph continues here:");
  CHECK(blocks[1].kind == text::Block::Equation);
  CHECK(blocks[1].text == "R_t = Σ (μ* - μ_A)");
  CHECK(blocks[3].kind == text::Block::LookFor);
  CHECK(text::look_for_sentence(about) == "KL-UCB hugs C·ln t; UCB1 does not.");
  CHECK(text::look_for_sentence("no such paragraph") == "");
}

TEST_CASE("look_for_sentence drops developer references and never cuts inside open parentheses") {
  // A fixture (blackbox.bo's Look-for before its rewrite): over 200 characters, a "; " inside a parenthesis that names the tests.
  const std::string bo =
      "What to look for: the acquisitions reach a small regret within a few evaluations where random search needs many more,\n"
      "and their cumulative regret flattens while random search's grows linearly (claim 2 on Branin,\n"
      "tests/unit/blackbox_claims_test.cpp; Hartmann-3 in the chapter README); the GP matches an independent SciPy computation (claim 1,\n"
      "tests/unit/blackbox_reference_test.cpp). On the default drawn curve EI passes the shallow one.";
  CHECK(text::look_for_sentence(bo) ==
        "The acquisitions reach a small regret within a few evaluations where random search needs many more, and their "
        "cumulative regret flattens while random search's grows linearly.");
  // A claim reference goes; a parenthesis that explains the view stays.
  CHECK(text::look_for_sentence("What to look for: λ oscillates around λ* (the dashed line), PID's settles (claim 3). Tests.") ==
        "λ oscillates around λ* (the dashed line), PID's settles.");
  CHECK(text::look_for_sentence("What to look for: PI is exact (claims 1–2, tests 'claim 1'). More.") == "PI is exact.");
  // A text with none is unchanged; a long one is cut at its first "; " outside parentheses.
  const std::string plain_text = "What to look for: a (b; c) d and a long tail " + std::string(200, 'x') + "; the rest.";
  CHECK(text::look_for_sentence(plain_text) == "A (b; c) d and a long tail " + std::string(200, 'x') + ".");
}

TEST_CASE("every demo has a what-to-look-for sentence and citations with a title and a link") {
  const klab::Registry catalog = klab::make_catalog();
  for (const klab::DemoInfo& d : catalog.demos()) {
    CAPTURE(d.id);
    const std::string sentence = text::look_for_sentence(d.about);
    CHECK(sentence.size() > 20);
    CHECK(sentence.size() < 300);
    CHECK(sentence.find("tests/") == std::string::npos);
    CHECK(std::count(sentence.begin(), sentence.end(), '(') == std::count(sentence.begin(), sentence.end(), ')'));
    REQUIRE_FALSE(d.papers.empty());
    for (const std::string& paper : d.papers) {
      CAPTURE(paper);
      const text::Citation c = text::parse_citation(paper);
      CHECK(c.title.size() >= 5);  // "Q-learning" is a whole title
      CHECK(paper.find(c.title) != std::string::npos);
      CHECK(c.authors.find(c.title) == std::string::npos);
      CHECK(c.url.rfind("https://", 0) == 0);
    }
  }
  const text::Citation a = text::parse_citation("G. Swamy, C. Dann, Z. S. Wu. A Minimaximalist Approach. ICML 2024.");
  CHECK(a.authors == "G. Swamy, C. Dann, Z. S. Wu");
  CHECK(a.title == "A Minimaximalist Approach");
  CHECK(a.rest == "ICML 2024.");
  CHECK_FALSE(a.direct);
  const text::Citation b = text::parse_citation("J.-Y. Audibert, S. Bubeck. Best Arm. arXiv:2605.25789, 2026.");
  CHECK(b.authors == "J.-Y. Audibert, S. Bubeck");
  CHECK(b.url == "https://arxiv.org/abs/2605.25789");
  CHECK(b.direct);
  CHECK(text::parse_citation("Towards Analyzing DPO. 2024.").title == "Towards Analyzing DPO");
}
