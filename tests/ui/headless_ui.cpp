// Headless UI tests: the real App shell and every demo's panel drawn frame after frame without a
// window or GPU (heatmaps take the CPU path), with scripted parameter changes, tab switches,
// play/step, mouse input, window sizes and HiDPI scales. Any ImGui assertion aborts the
// program (src/ui/imgui_config.hpp), failing the test. Built natively and for wasm (node).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "app/catalog.hpp"
#include "app/views.hpp"
#include "blackbox/drawn_curve.hpp"
#include "core/rich_text.hpp"
#include "core/rng.hpp"
#include "core/run_output.hpp"
#include "core/url_state.hpp"
#include "diffusion/mixture_text.hpp"
#include "small_configs.hpp"
#include "imgui.h"
#include "imgui_internal.h"  // ImTextCharFromUtf8
#include "mdp/grid_edit.hpp"
#include "mdp/mdp_json.hpp"
#include "mdp/presets.hpp"
#include "mdp/safe_meta_tasks.hpp"
#include "ui/app.hpp"
#include "ui/platform.hpp"
#include "ui/plot.hpp"
#include "ui/theme.hpp"
#include "ui/typeset.hpp"

namespace {

using klab::ui::App;

// An ImGui context with the lab's fonts and theme but no platform or renderer back end.
class Headless {
 public:
  Headless(float width, float height, float pixel_scale) {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.UserData = &services_;
    io.DisplaySize = ImVec2(width, height);
    io.DisplayFramebufferScale = ImVec2(pixel_scale, pixel_scale);
    io.BackendFlags |= ImGuiBackendFlags_HasMouseCursors;
    klab::ui::apply_theme();
    klab::ui::build_fonts(15.0f, pixel_scale);
    unsigned char* pixels;
    int w, h;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(1));
  }
  ~Headless() { ImGui::DestroyContext(); }
  Headless(const Headless&) = delete;
  Headless& operator=(const Headless&) = delete;

  void frame(App& app) {
    ImGuiIO& io = ImGui::GetIO();
    io.DeltaTime = 1.0f / 60.0f;
    ImGui::NewFrame();
    app.frame();
    ImGui::Render();
    ++frames_;
  }
  int frames() const { return frames_; }

 private:
  klab::ui::UiServices services_;
  int frames_ = 0;
};

App make_app() { return App(klab::make_catalog(), klab::make_view_factory()); }

// A valid value for `spec`, drawn from the RNG (log-uniform for log-scale parameters).
klab::ParamValue random_value(const klab::ParamSpec& spec, const klab::ParamValue& current, klab::Rng& rng) {
  klab::ParamValue v = current;
  auto in_range = [&](double lo, double hi, bool log) {
    const double u = rng.uniform();
    if (log && lo > 0) return std::exp(std::log(lo) + u * (std::log(hi) - std::log(lo)));
    return lo + u * (hi - lo);
  };
  switch (spec.kind) {
    case klab::ParamKind::Real: v.real = in_range(spec.lo, spec.hi, spec.log_scale); break;
    case klab::ParamKind::Integer:
      // Sizes (steps, samples, particles, evaluations) up to twice their default (or lo + 10): the
      // test's cost stays the UI's, not the live computation's (several sizes at the top of their
      // ranges at once made one demo's Runs batch take minutes).
      v.integer = static_cast<long long>(std::llround(in_range(
          spec.lo, std::min(spec.hi, std::max(spec.lo + 10.0, 2.0 * static_cast<double>(spec.def.integer))), spec.log_scale)));
      break;
    case klab::ParamKind::Boolean: v.boolean = !v.boolean; break;
    case klab::ParamKind::Choice: v.choice = static_cast<int>(rng.below(static_cast<uint32_t>(spec.choices.size()))); break;
    case klab::ParamKind::RealList:
      for (double& x : v.list) x = in_range(spec.lo, spec.hi, false);
      break;
    case klab::ParamKind::MultiChoice:
      if (v.picks.size() > static_cast<size_t>(spec.min_len)) v.picks.pop_back();
      break;
    case klab::ParamKind::Text: break;  // file paths: a random text names no file
  }
  return v;
}

// Moves, clicks, drags and scrolls the mouse at random over [x0, x1] × [0, height].
void fuzz_mouse(klab::Rng& rng, float x0, float x1, float height) {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(static_cast<float>(x0 + rng.uniform() * (x1 - x0)), static_cast<float>(rng.uniform() * height));
  const uint32_t action = rng.below(10);
  io.MouseDown[0] = action < 4;  // press and hold for a few frames: drags
  io.MouseDown[1] = action == 4;
  io.MouseWheel = action == 5 ? 1.0f : action == 6 ? -1.0f : 0.0f;
}

void release_mouse() {
  ImGuiIO& io = ImGui::GetIO();
  io.MouseDown[0] = io.MouseDown[1] = false;
  io.MouseWheel = 0.0f;
  io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
}

}  // namespace

TEST_CASE("every demo's panel survives 300 frames of scripted changes and mouse input") {
  Headless ui(1440, 900, 1.0f);
  App app = make_app();
  klab::Rng rng(2024, 0, 0);
  for (const klab::DemoInfo& demo : app.catalog().demos()) {
    CAPTURE(demo.id);
    app.select(demo.id);
    app.settings().runs = 1;  // the Runs tab opens at frame 100: one run keeps the test short
    app.set_speed(60.0);  // a step a frame: robustness, not throughput, is tested here
    for (int f = 0; f < 300; ++f) {
      if (f % 25 == 5) {  // change one parameter through the same path as the widgets
        klab::ParamSet& ps = app.experiment().params();
        const size_t i = rng.below(static_cast<uint32_t>(ps.specs().size()));
        (void)ps.set(i, random_value(ps.specs()[i], ps.get(i), rng));
      }
      if (f == 60) app.set_playing(true);
      if (f == 100) app.select_tab(klab::ui::Tab::Runs);
      if (f == 180) app.select_tab(klab::ui::Tab::About);
      if (f == 200) app.select_tab(klab::ui::Tab::Live);
      if (f == 230) app.experiment().params().reset_to_defaults();
      // Over the centre (plots, legends, the play bar): the parameters change through their table
      // above, and a fuzzed runs slider would make the batch, not the UI, the test's cost.
      if (f % 3 == 0) fuzz_mouse(rng, 280, 1070, 900);
      ui.frame(app);
      REQUIRE(app.experiment().params().check_consistency().ok());
    }
    release_mouse();
    ui.frame(app);
  }
  CHECK(ui.frames() == 301 * static_cast<int>(app.catalog().demos().size()));
}

// Every character of `text` has a glyph in every embedded font: the body and title fonts and the
// monospace one of equations and `code` (no '?' boxes on screen).
void check_glyphs(const std::string& text, const std::string& where) {
  const klab::ui::UiServices& fonts = klab::ui::services();
  for (ImFont* font : {fonts.body, fonts.title, fonts.mono}) {
    const char* s = text.c_str();
    const char* end = s + text.size();
    while (s < end) {
      unsigned int c = 0;
      const char* at = s;
      const int n = ImTextCharFromUtf8(&c, s, end);
      if (n <= 0) break;
      s += n;
      if (c < 0x20) continue;  // newlines, tabs
      CAPTURE(where);
      CAPTURE(c);
      const std::string before(std::max(text.c_str(), at - 60), at);  // where the character is (bytes before it)
      CAPTURE(before);
      CAPTURE(font == fonts.mono ? "monospace" : "sans");
      CHECK(font->FindGlyphNoFallback(static_cast<ImWchar>(c)) != nullptr);
    }
  }
}

TEST_CASE("every text the demos show has glyphs in the embedded font") {
  Headless ui(1440, 900, 1.0f);
  App app = make_app();
  REQUIRE(ImGui::GetIO().FontDefault->FindGlyphNoFallback(0x4E2D) == nullptr);  // the check can fail (CJK is not embedded)
  for (const klab::ChapterInfo& c : app.catalog().chapters()) check_glyphs(c.title + c.blurb, c.id);
  for (const klab::DemoInfo& d : app.catalog().demos()) {
    std::string all = d.title + d.summary + d.about;
    for (const auto& p : d.papers) all += p;
    auto e = d.make();
    for (const auto& s : e->params().specs()) {
      all += s.label + s.help;
      for (const auto& l : s.choice_labels) all += l;
    }
    app.select(d.id);
    for (int f = 0; f < 3; ++f) ui.frame(app);
    auto add_figure = [&](const klab::plot::Figure& fig) {
      for (const auto& p : fig.plots) {
        all += p.title + p.x.label + p.y.label + p.corners[0] + p.corners[1] + p.corners[2];
        for (const auto& t : p.x.ticks) all += t.label;
        for (const auto& l : p.lines) all += l.name;
        for (const auto& pt : p.points) all += pt.name;
        for (const auto& b : p.bars) all += b.name;
        for (const auto& g : p.guides) all += g.label;
        for (const auto& a : p.annotations) all += a.text;
        for (const auto& hm : p.heatmaps) all += hm.label;
      }
    };
    if (app.view()) add_figure(app.view()->figure());
    all += app.cli_command() + klab::text::look_for_sentence(d.about);
    all += klab::text::plain(all);  // the plain forms of the markup too (combo boxes, read-outs)
    check_glyphs(all, d.id);
  }
}

TEST_CASE("combining accents sit over their letter in every embedded font (p̂, μ̂)") {
  // ImGui 1.86 has no mark positioning: the shell gives every combining mark a zero advance and
  // centres it over the previous character (src/ui/theme.cpp). Check the result glyph by glyph.
  Headless ui(800, 600, 1.0f);
  const klab::ui::UiServices& fonts = klab::ui::services();
  for (ImFont* font : {fonts.body, fonts.title, fonts.mono}) {
    CAPTURE(font == fonts.mono ? "monospace" : "sans");
    const float p_advance = font->FindGlyphNoFallback('p')->AdvanceX;
    for (ImWchar mark : {ImWchar(0x302), ImWchar(0x304), ImWchar(0x303)}) {
      CAPTURE(mark);
      const ImFontGlyph* g = font->FindGlyphNoFallback(mark);
      REQUIRE(g != nullptr);
      CHECK(g->AdvanceX == 0.0f);
      CHECK(font->GetCharAdvance(mark) == 0.0f);
      // Its centre lies over the letter before it: within the middle half of 'p'.
      const float centre = 0.5f * (g->X0 + g->X1);
      CHECK(centre > -0.75f * p_advance);
      CHECK(centre < -0.25f * p_advance);
    }
    // "p̂" is exactly as wide as "p".
    CHECK(font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, "p̂").x == doctest::Approx(font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, "p").x));
    // Over a capital (Q̂) the typesetter lifts the hat clear of the letter's top and centres it over the
    // letter; over p it leaves it where the font puts it.
    const ImVec2 none = klab::ui::combining_mark_shift(font, font->FontSize, 'p');
    CHECK(none.x == 0.0f);
    CHECK(none.y == 0.0f);
    const ImFontGlyph* hat = font->FindGlyphNoFallback(0x302);
    const ImFontGlyph* q = font->FindGlyphNoFallback('Q');
    const ImVec2 lift = klab::ui::combining_mark_shift(font, font->FontSize, 'Q');
    const ImFontGlyph* x = font->FindGlyphNoFallback('x');
    CHECK(hat->Y1 > q->Y0 + 1.0f);  // where the font puts it, the hat cuts more than a pixel into Q's top
    // Lifted, it stands over Q as it stands over 'x' (glyph boxes are whole pixels: within one).
    CHECK(std::fabs((q->Y0 - (hat->Y1 - lift.y)) - (x->Y0 - hat->Y1)) <= 1.0f);
    const float centre = 0.5f * (hat->X0 + hat->X1) + lift.x;
    CHECK(centre == doctest::Approx(-0.5f * q->AdvanceX).epsilon(0.1));
  }
}

TEST_CASE("small, large and HiDPI windows lay out without assertions") {
  const struct {
    float w, h, scale;
  } sizes[] = {{360, 640, 1.0f}, {800, 500, 1.0f}, {2560, 1440, 1.0f}, {1280, 800, 2.0f}, {700, 450, 3.0f}};
  for (const auto& s : sizes) {
    CAPTURE(s.w);
    CAPTURE(s.scale);
    Headless ui(s.w, s.h, s.scale);
    App app = make_app();
    for (const klab::DemoInfo& demo : app.catalog().demos()) {
      app.select(demo.id);
      for (int f = 0; f < 20; ++f) ui.frame(app);
      app.select_tab(klab::ui::Tab::About);
      for (int f = 0; f < 5; ++f) ui.frame(app);
    }
  }
}

TEST_CASE("a link restores the demo, every parameter, the seed and the number of runs") {
  Headless ui(1200, 800, 1.0f);
  App app = make_app();
  app.select("kl.forward_reverse");
  klab::ParamSet& ps = app.experiment().params();
  REQUIRE(ps.set_texts({{"means", "-3,0.5,4"}, {"sds", "0.5,0.7,1.1"}, {"weights", "0.2,0.3,0.5"}, {"lr", "0.07"},
                        {"estimator", "monte_carlo"}})
              .ok());
  app.settings().seed = 987654321;
  app.settings().runs = 77;
  ui.frame(app);
  const std::string link = app.link();
  CHECK(klab::ui::url_hash() == link);  // the shell wrote it to the address bar

  App fresh = make_app();
  REQUIRE(fresh.open_link(link).ok());
  ui.frame(fresh);
  CHECK(fresh.demo().id == "kl.forward_reverse");
  CHECK(fresh.settings().seed == 987654321u);
  CHECK(fresh.settings().runs == 77u);
  CHECK(fresh.experiment().params().text(static_cast<size_t>(fresh.experiment().params().find("means"))) == "-3,0.5,4");
  CHECK(fresh.experiment().params().text(static_cast<size_t>(fresh.experiment().params().find("estimator"))) == "monte_carlo");
  CHECK(fresh.link() == link);
  CHECK(fresh.cli_command() == app.cli_command());
  // The CLI menu's cluster script runs that same command under srun.
  app.set_cluster_tasks(16);
  CHECK(app.cluster_script().find("#SBATCH --ntasks=16\n") != std::string::npos);
  CHECK(app.cluster_script().find("srun " + app.cli_command()) != std::string::npos);
}

TEST_CASE("an invalid link shows a notice naming the problem and falls back to the defaults") {
  Headless ui(1200, 800, 1.0f);
  const char* bad_links[] = {"#kl.bernoulli?p_hat=7", "#kl.nope?x=1", "#kl.bernoulli?seed=-1", "#kl.bernoulli?p_hat",
                             "#kl.bernoulli?unknown=1", "#kl.forward_reverse?means=1,2,3", "#kl.bernoulli?p_hat=%zz",
                             "#kl.bernoulli?runs=0"};
  for (const char* link : bad_links) {
    CAPTURE(link);
    App app = make_app();
    const klab::Status s = app.open_link(link);
    CHECK_FALSE(s.ok());
    ui.frame(app);
    REQUIRE_FALSE(app.notices().empty());
    CHECK(app.notices().back().level == klab::ui::Notice::Level::Warning);
    CHECK(app.notices().back().text.find(s.message()) != std::string::npos);
    // Defaults are in place.
    App reference = make_app();
    reference.select(app.demo().id);
    for (size_t i = 0; i < app.experiment().params().specs().size(); ++i)
      CHECK(app.experiment().params().text(i) == reference.experiment().params().text(i));
  }
  // The notice names the parameter and its range.
  App app = make_app();
  const klab::Status s = app.open_link("#kl.bernoulli?p_hat=7");
  CHECK(s.message().find("p_hat") != std::string::npos);
  CHECK(s.message().find("[0, 1]") != std::string::npos);
}

TEST_CASE("clicking a demo in the sidebar opens it") {
  // The demo changes in the middle of a frame (the sidebar is drawn before the centre), so the
  // new demo's live view must be ready before the centre draws it. Titles may wrap onto two
  // lines, so the test clicks down the sidebar every few pixels and collects the demos it opens;
  // a catalogue taller than the window is reached by scrolling the sidebar with the wheel.
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  ui.frame(app);
  ImGuiIO& io = ImGui::GetIO();
  std::set<std::string> opened;
  // Opening a chapter near the bottom lengthens the list only then, so each page may reveal one
  // more chapter: page on until every demo has opened (or a bound well above the chapter count).
  const size_t demos = app.catalog().demos().size();
  for (int page = 0; page < 16 && opened.size() < demos; ++page) {
    for (float y = ImGui::GetFrameHeight() + 4; y < 780; y += 5) {
      io.MousePos = ImVec2(60, y);
      ui.frame(app);
      io.MouseDown[0] = true;
      ui.frame(app);
      io.MouseDown[0] = false;
      ui.frame(app);
      ui.frame(app);
      opened.insert(app.demo().id);
    }
    io.MousePos = ImVec2(60, 400);
    // Most of a page down the sidebar: ImGui scrolls 5 font heights (75 px) per wheel unit, so 9
    // units move 675 px of the 780 scanned (a bigger step would skip rows of a long catalogue).
    io.MouseWheel = -9.0f;
    ui.frame(app);
    io.MouseWheel = 0.0f;
    ui.frame(app);
  }
  for (const klab::DemoInfo& d : app.catalog().demos()) {
    CAPTURE(d.id);
    CHECK(opened.count(d.id) == 1);
  }
  // Back at the top, the first chapter's arrow hides its demos: the row below its title is then
  // the next chapter's title, whose click opens that chapter on its first demo.
  auto click = [&](float x, float y) {
    io.MousePos = ImVec2(x, y);
    ui.frame(app);
    io.MouseDown[0] = true;
    ui.frame(app);
    io.MouseDown[0] = false;
    ui.frame(app);
    ui.frame(app);
  };
  io.MousePos = ImVec2(60, 400);
  io.MouseWheel = 100.0f;
  ui.frame(app);
  io.MouseWheel = 0.0f;
  ui.frame(app);
  const float fs = ImGui::GetFontSize(), row = fs + ImGui::GetStyle().ItemSpacing.y;
  const float first_title = ImGui::GetFrameHeight() + ImGui::GetStyle().WindowPadding.y + fs / 2;
  app.select(app.catalog().demos().front().id);
  click(ImGui::GetStyle().WindowPadding.x + fs / 2, first_title);  // the arrow
  click(60, first_title + row);
  const klab::DemoInfo& first = app.catalog().demos().front();
  std::string second_chapter;
  for (const klab::DemoInfo& d : app.catalog().demos())
    if (d.chapter != first.chapter && second_chapter.empty()) second_chapter = d.chapter;
  CHECK(app.demo().chapter == second_chapter);
  release_mouse();
}

TEST_CASE("Space plays and pauses an animated demo, the right arrow steps it") {
  Headless ui(1280, 800, 1.0f);
  ImGuiIO& io = ImGui::GetIO();
  // Key indices as a platform back end maps them (the SDL back end uses SDL scancodes).
  const int space = 44, right = 79;
  io.KeyMap[ImGuiKey_Space] = space;
  io.KeyMap[ImGuiKey_RightArrow] = right;
  App app = make_app();
  app.select("kl.forward_reverse");
  ui.frame(app);
  const auto press = [&](int key) {
    io.KeysDown[key] = true;
    ui.frame(app);
    io.KeysDown[key] = false;
    ui.frame(app);
  };
  REQUIRE(app.playing());  // a new run plays at once
  press(space);
  CHECK_FALSE(app.playing());
  CHECK(app.last_toast() == "Paused");
  press(space);
  CHECK(app.playing());
  CHECK(app.last_toast() == "▶ Playing");
  press(space);
  CHECK_FALSE(app.playing());
  io.KeysDown[space] = true;  // held for a second: one toggle, no auto-repeat
  for (int f = 0; f < 60; ++f) ui.frame(app);
  io.KeysDown[space] = false;
  ui.frame(app);
  CHECK(app.playing());
  press(space);
  const std::string before = app.view()->status();
  press(right);
  CHECK(app.view()->status() != before);
  // A view with nothing to play says so instead of ignoring the key.
  app.select("kl.bernoulli");
  ui.frame(app);
  press(space);
  CHECK_FALSE(app.playing());
  CHECK(app.last_toast().find("Nothing to play") != std::string::npos);
  io.KeyMap[ImGuiKey_Space] = io.KeyMap[ImGuiKey_RightArrow] = -1;
}

TEST_CASE("playback runs at a speed in steps per second; the scrubber moves through the run; idle draws nothing") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  app.select("kl.forward_reverse");
  ui.frame(app);
  REQUIRE(app.view()->animates());
  const double total = app.view()->steps_total();
  CHECK(app.speed() == doctest::Approx(total / 8.0));  // a whole run in about 8 s by default
  app.set_speed(60.0);
  const double before = app.view()->steps_done();
  for (int f = 0; f < 30; ++f) ui.frame(app);  // half a second at 60 FPS: 30 steps
  CHECK(app.view()->steps_done() - before == doctest::Approx(30.0).epsilon(0.1));
  app.seek(0.5);
  for (int f = 0; f < 200 && app.progress() < 0.49; ++f) ui.frame(app);
  CHECK(app.progress() == doctest::Approx(0.5).epsilon(0.02));
  app.seek(0.1);  // backwards: replayed from the start
  for (int f = 0; f < 200 && std::fabs(app.progress() - 0.1) > 0.01; ++f) ui.frame(app);
  CHECK(app.progress() == doctest::Approx(0.1).epsilon(0.02));
  CHECK_FALSE(app.playing());  // scrubbing pauses
  // Nothing moves once the run is paused and the notices have faded: the host may stop drawing.
  bool idle = false;
  for (int f = 0; f < 400 && !idle; ++f) {
    ui.frame(app);
    idle = !app.wants_frames();
  }
  CHECK(idle);
  app.set_playing(true);
  CHECK(app.wants_frames());
}

TEST_CASE("a bad link after a good one still falls back to the defaults") {
  Headless ui(1200, 800, 1.0f);
  for (const char* bad : {"#kl.nope?x=1", "#kl.bernoulli?p_hat=%zz", "#kl.bernoulli?p_hat=7"}) {
    CAPTURE(bad);
    App app = make_app();
    REQUIRE(app.open_link("#kl.bernoulli?p_hat=0.85&seed=9").ok());
    ui.frame(app);
    CHECK_FALSE(app.open_link(bad).ok());
    ui.frame(app);
    const klab::ParamSet& ps = app.experiment().params();
    const size_t p_hat = static_cast<size_t>(ps.find("p_hat"));
    CHECK(ps.text(p_hat) == klab::format_value(ps.specs()[p_hat], ps.specs()[p_hat].def));  // the default, not 0.85
    CHECK(app.settings().seed == klab::RunSettings{}.seed);
  }
}

TEST_CASE("a second link to the same demo rebuilds its live view") {
  Headless ui(1200, 800, 1.0f);
  App app = make_app();
  REQUIRE(app.open_link("#kl.forward_reverse?steps=100").ok());
  ui.frame(app);
  CHECK(app.view()->status() == "step 0 / 100");
  REQUIRE(app.open_link("#kl.forward_reverse?steps=200").ok());
  ui.frame(app);
  CHECK(app.view()->status() == "step 0 / 200");
}

TEST_CASE("the browser's Runs tab computes exactly what `klab run` computes") {
  Headless ui(1200, 800, 1.0f);
  App app = make_app();
  for (const klab::DemoInfo& demo : app.catalog().demos()) {
    CAPTURE(demo.id);
    app.select(demo.id);
    // The mechanism, not the numbers, is tested: the demo's small configuration keeps it fast.
    const klab::test::SmallConfig* small = klab::test::small_config(demo.id);
    REQUIRE(small != nullptr);
    REQUIRE(app.experiment().params().set_texts(small->params).ok());
    app.settings().runs = 19;  // one full block of 16 and an open one
    app.settings().seed = 5;
    app.select_tab(klab::ui::Tab::Runs);
    for (int f = 0; f < 10000; ++f) {  // the tab opens on the next frame, the runs start on the one after
      ui.frame(app);
      if (app.runs_result() && !app.runs_busy()) break;
    }
    REQUIRE(app.runs_result() != nullptr);
    REQUIRE(app.runs_result()->runs_done == 19u);

    klab::BatchJob job(app.experiment().clone(), 5, 19);
    job.run_all(3);
    klab::BatchResult cli = job.result();
    klab::BatchResult gui = *app.runs_result();
    cli.seconds = gui.seconds = 1.0;  // timing aside, the summaries must be identical
    CHECK(klab::summary_json(demo.id, app.experiment().params(), gui) ==
          klab::summary_json(demo.id, app.experiment().params(), cli));
    CHECK(klab::curves_csv(gui) == klab::curves_csv(cli));
  }
}

// ---------------------------------------------------------------------------------------------
// Plot geometry, recorded by the plot widget (ui::set_plot_recorder) while every demo is drawn.

// Whether the segment s = (x0, y0, x1, y1) meets the rectangle r = (x0, y0, x1, y1).
bool segment_meets(ImVec4 s, ImVec4 r) {
  float t0 = 0, t1 = 1;
  const float dx = s.z - s.x, dy = s.w - s.y;
  const float p[4] = {-dx, dx, -dy, dy}, q[4] = {s.x - r.x, r.z - s.x, s.y - r.y, r.w - s.y};
  for (int i = 0; i < 4; ++i) {
    if (p[i] == 0) {
      if (q[i] < 0) return false;
      continue;
    }
    const float t = q[i] / p[i];
    if (p[i] < 0) t0 = std::max(t0, t);
    else t1 = std::min(t1, t);
  }
  return t0 <= t1;
}

bool inside(ImVec2 p, ImVec4 r) { return p.x >= r.x && p.x <= r.z && p.y >= r.y && p.y <= r.w; }

// The checks every plot must pass: its legend covers no drawn data, no note covers the point it
// points at (nor a ring's width around it), its tick labels stay inside the plot, its axes have a
// span of at least 1e-12 of their magnitude.
void check_plots(const std::vector<klab::ui::PlotRecord>& plots, const std::string& when) {
  for (const auto& r : plots) {
    CAPTURE(when);
    CAPTURE(r.id);
    CAPTURE(r.title);
    for (const ImVec4& l : r.legend) {
      size_t covered = 0;
      for (const ImVec2& p : r.points) covered += inside(p, l);
      for (const ImVec4& s : r.segments) covered += segment_meets(s, l);
      CHECK(covered == 0);
    }
    REQUIRE(r.notes.size() == r.note_points.size());
    for (size_t i = 0; i < r.notes.size(); ++i) {
      const ImVec4 n = r.notes[i], around(n.x - 6, n.y - 6, n.z + 6, n.w + 6);
      CAPTURE(i);
      CHECK_FALSE(inside(r.note_points[i], around));
    }
    for (const ImVec4& t : r.tick_labels) {
      const bool in_cell = t.x >= r.cell_min.x - 0.5f && t.z <= r.cell_max.x + 0.5f && t.y >= r.cell_min.y - 0.5f &&
                           t.w <= r.cell_max.y + 0.5f;
      CHECK(in_cell);
    }
    if (r.colour_bar.z > r.colour_bar.x) {
      // A colour bar's label sits between the data and the bar, inside the cell: not at the cell's
      // right edge, where it would read as the y label of the plot beside it.
      CHECK(r.colour_bar_label.x >= r.area_max.x);
      CHECK(r.colour_bar_label.z <= r.colour_bar.x);
      CHECK(r.colour_bar.z <= r.cell_max.x);
    }
    for (const klab::plot::Range& range : {r.xr, r.yr}) {
      const double magnitude = std::max(std::fabs(range.lo), std::fabs(range.hi));
      CHECK(range.hi - range.lo > 0);
      CHECK(range.hi - range.lo >= 1e-12 * magnitude);
    }
  }
}

// One frame with the recorder on; returns the plots it drew (not the buttons recorded for the
// browser test, ui::record_item).
std::vector<klab::ui::PlotRecord> recorded_frame(Headless& ui, App& app) {
  std::vector<klab::ui::PlotRecord> plots;
  klab::ui::set_plot_recorder(&plots);
  ui.frame(app);
  klab::ui::set_plot_recorder(nullptr);
  plots.erase(std::remove_if(plots.begin(), plots.end(), [](const klab::ui::PlotRecord& r) { return r.id.rfind("button:", 0) == 0; }), plots.end());
  return plots;
}

// Whether a frame's plots include the one recorded as `id`.
bool has_plot(const std::vector<klab::ui::PlotRecord>& plots, const std::string& id) {
  return std::any_of(plots.begin(), plots.end(), [&](const klab::ui::PlotRecord& r) { return r.id == id; });
}

// Where the centre of cell (row, col) of a gridworld editor's canvas is on screen (row 0 at the top
// of a grid of `rows` rows; cell (r, c) spans [c, c + 1] × [rows − r − 1, rows − r] in plot units).
ImVec2 editor_cell_centre(const klab::ui::PlotRecord& canvas, int rows, int row, int col) {
  const double x = col + 0.5, y = rows - row - 0.5;
  const float u = static_cast<float>((x - canvas.xr.lo) / (canvas.xr.hi - canvas.xr.lo));
  const float v = static_cast<float>((y - canvas.yr.lo) / (canvas.yr.hi - canvas.yr.lo));
  return ImVec2(canvas.area_min.x + u * (canvas.area_max.x - canvas.area_min.x), canvas.area_max.y - v * (canvas.area_max.y - canvas.area_min.y));
}

// Clicks the item recorded as `id` (ui::record_item: "button:…") in the next frame: press, release.
void click_recorded_item(Headless& ui, App& app, const std::string& id) {
  std::vector<klab::ui::PlotRecord> items;
  klab::ui::set_plot_recorder(&items);
  ui.frame(app);
  klab::ui::set_plot_recorder(nullptr);
  const auto it = std::find_if(items.begin(), items.end(), [&](const klab::ui::PlotRecord& r) { return r.id == id; });
  REQUIRE(it != items.end());
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2((it->cell_min.x + it->cell_max.x) / 2, (it->cell_min.y + it->cell_max.y) / 2);
  ui.frame(app);
  io.MouseDown[0] = true;
  ui.frame(app);
  io.MouseDown[0] = false;
  ui.frame(app);
  release_mouse();
}

// A brush stroke with the left button across cells (row, 1), (row, 2), (row, 3) of an editor canvas
// of `rows` rows, one frame per cell; nothing may be committed before the release, which commits it.
void stroke_cells_1_to_3(Headless& ui, App& app, const klab::ui::PlotRecord& canvas, int rows, int row) {
  const klab::ParamSet& ps = app.experiment().params();
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = editor_cell_centre(canvas, rows, row, 1);
  ui.frame(app);
  io.MouseDown[0] = true;
  const uint64_t before = ps.version();
  for (int c = 1; c <= 3; ++c) {
    io.MousePos = editor_cell_centre(canvas, rows, row, c);
    ui.frame(app);
  }
  CHECK(ps.version() == before);  // nothing committed during the stroke
  io.MouseDown[0] = false;
  ui.frame(app);  // commits the stroke
  release_mouse();
}

TEST_CASE("every plot of every demo: no legend over data, tick labels inside, no degenerate axis (Live and Runs)") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  for (const klab::DemoInfo& demo : app.catalog().demos()) {
    CAPTURE(demo.id);
    app.select(demo.id);
    app.settings().runs = 4;  // bands need a few runs; the defaults' sizes are what users see first
    for (int f = 0; f < 299; ++f) ui.frame(app);
    auto plots = recorded_frame(ui, app);
    if (app.view()) CHECK_FALSE(plots.empty());  // the live view is never empty
    check_plots(plots, "after 300 frames");
    if (app.view() && app.view()->animates()) {
      if (app.playing()) app.toggle_play();
      app.toggle_play();  // Play (a finished run replays from the start)
      CHECK(app.playing());
      for (int f = 0; f < 60; ++f) ui.frame(app);
      check_plots(recorded_frame(ui, app), "after Play");
    }
    app.select_tab(klab::ui::Tab::Runs);
    for (int f = 0; f < 2000 && !(app.runs_result() && !app.runs_busy()); ++f) ui.frame(app);
    ui.frame(app);
    plots = recorded_frame(ui, app);
    CHECK_FALSE(plots.empty());
    check_plots(plots, "Runs tab");
    app.select_tab(klab::ui::Tab::Live);
    ui.frame(app);
  }
}

TEST_CASE("offline.prdc and offline.dice: the headline is the plot the callout talks about, its dashed guide in range") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  struct Case {
    const char* demo;
    const char* headline;
    double guide;
  };
  // offline.dice: the overestimation (the true gradient's falls below 0) is the headline, the cosine a side plot.
  for (const Case& c : {Case{"offline.prdc", "over", 10.0}, Case{"offline.dice", "over", 0.0}}) {
    CAPTURE(c.demo);
    app.select(c.demo);
    for (int f = 0; f < 5; ++f) ui.frame(app);
    const auto plots = recorded_frame(ui, app);
    REQUIRE(plots.size() == 3);
    const auto area = [](const klab::ui::PlotRecord& r) { return (r.cell_max.x - r.cell_min.x) * (r.cell_max.y - r.cell_min.y); };
    const auto largest = std::max_element(plots.begin(), plots.end(), [&](const auto& a, const auto& b) { return area(a) < area(b); });
    CHECK(largest->id == c.headline);
    CHECK(largest->yr.lo <= c.guide + 1e-9);  // the guide (1/(1 − γ) at γ = 0.9; −1) is on the axis from the first frame
    CHECK(largest->yr.hi >= c.guide - 1e-9);
    const klab::plot::Figure& f = app.view()->figure();
    REQUIRE(f.plots.size() == 3);
    CHECK(f.headline == 0);
    REQUIRE(f.plots[0].guides.size() == 1);
    CHECK(f.plots[0].guides[0].dashed);
    CHECK(f.plots[0].guides[0].value == doctest::Approx(c.guide));
    check_plots(plots, std::string(c.demo) + ", live");
  }
  // offline.dice's cosine: the three DICE learners' lines lie on one another, and the title says so.
  app.select("offline.dice");
  ui.frame(app);
  if (app.playing()) app.toggle_play();
  klab::ui::ViewContext ctx{app.experiment(), app.settings().seed, nullptr};
  app.view()->advance(ctx, 100);  // 4 checks
  ui.frame(app);
  const klab::plot::Plot& cosine = app.view()->figure().plots.back();
  CHECK(cosine.title == "cos(g→, g←) (the 3 lines overlap)");
  CHECK(cosine.y.cover_lo == -1.0);
}

TEST_CASE("offline.edge_of_reach: the overestimation is the headline, the return's range holds 0") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  app.select("offline.edge_of_reach");
  for (int f = 0; f < 5; ++f) ui.frame(app);
  const auto plots = recorded_frame(ui, app);
  check_plots(plots, "edge_of_reach, live");
  REQUIRE(plots.size() == 3);
  const auto area = [](const klab::ui::PlotRecord& r) { return (r.cell_max.x - r.cell_min.x) * (r.cell_max.y - r.cell_min.y); };
  CHECK(std::max_element(plots.begin(), plots.end(), [&](const auto& a, const auto& b) { return area(a) < area(b); })->id == "over");
  const auto ret = std::find_if(plots.begin(), plots.end(), [](const auto& r) { return r.id == "return"; });
  REQUIRE(ret != plots.end());
  CHECK(ret->yr.lo <= 0.0);
  CHECK(app.view()->figure().plots[0].y.label == "Q̂ − Q^π");
}

TEST_CASE("offline.prdc: TD3 dashed beside TD3+BC, PRDC drawn last (on top of the others' flat returns)") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  app.select("offline.prdc");
  ui.frame(app);  // the first check (step 0): no training, cheap
  const klab::plot::Figure& f = app.view()->figure();
  REQUIRE(f.plots.size() == 3);
  for (size_t p : {size_t{0}, size_t{2}}) {  // the overestimation (bc has no critic: 3 lines) and the return (4)
    const auto& lines = f.plots[p].lines;
    REQUIRE(lines.size() >= 3);
    CHECK(lines.back().name.rfind("prdc", 0) == 0);
    for (const auto& l : lines)
      if (l.name.rfind("td3", 0) == 0 && l.name.rfind("td3_bc", 0) != 0) CHECK(l.dash != klab::plot::Dash::Solid);
  }
}

TEST_CASE("optim.mixture on 2-D bumps: the target and the current estimate as heat maps beside the KL plot") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  // With the averaged iterate and a delayed step beside the last iterate (the lab's rule, src/optim/README.md "2-D bumps").
  REQUIRE(app.open_link("#optim.mixture?target=bumps2d&side=6&samples=2000&methods=smd_entropic,smd_entropic_avg,smd_euclidean&entropic_step=8&"
                        "entropic_delay=1600").ok());
  for (int f = 0; f < 90; ++f) ui.frame(app);
  const auto plots = recorded_frame(ui, app);
  check_plots(plots, "2-D live view");
  auto shown = [&](const std::string& start) {
    return std::any_of(plots.begin(), plots.end(), [&](const klab::ui::PlotRecord& r) { return r.title.rfind(start, 0) == 0; });
  };
  CHECK(shown("Target density p"));
  CHECK(shown("p̂_n of smd_entropic at n = "));
  CHECK(shown("This run: KL(p‖p̂_n)"));
  CHECK(app.view()->status().rfind("n = 0 ", 0) != 0);  // samples arrived
}

TEST_CASE("diffusion.samplers on the kinetic-optimal paths: the film shows Euler beside Heun (the exponential integrators do not see the path) and the four paths") {
  for (const char* path : {"ko", "ko_sep"}) {  // the numerical geodesic and the data separation route
    INFO("path " << path);
    Headless ui(1280, 800, 1.0f);
    App app = make_app();
    REQUIRE(app.open_link(std::string("#diffusion.samplers?path=") + path + "&schedule=time&solvers=ddim,euler,heun&nfe=4,6,10&particles=100").ok());
    for (int f = 0; f < 90; ++f) ui.frame(app);
    const auto plots = recorded_frame(ui, app);
    check_plots(plots, "KO path live view");
    auto shown = [&](const std::string& start) {
      return std::any_of(plots.begin(), plots.end(), [&](const klab::ui::PlotRecord& r) { return r.title.rfind(start, 0) == 0; });
    };
    CHECK(shown("euler, 10 NFE, step "));
    CHECK(shown("heun, 10 NFE, step "));
    CHECK(shown("The four paths (σ_t, α_t) from noise to data"));
  }
}

// The default views' headlines (a new user's review): the largest cell is the plot the Look-for line
// is about, not the film beside it.
static const klab::ui::PlotRecord& largest_plot(const std::vector<klab::ui::PlotRecord>& plots) {
  auto area = [](const klab::ui::PlotRecord& r) { return (r.cell_max.x - r.cell_min.x) * (r.cell_max.y - r.cell_min.y); };
  return *std::max_element(plots.begin(), plots.end(), [&](const auto& a, const auto& b) { return area(a) < area(b); });
}
static bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

TEST_CASE("diffusion.tsmc's headline is the residual log-weight variance plot, the film beside it") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  REQUIRE(app.open_link("#diffusion.tsmc?particles=32&steps=6&iterations=2").ok());
  for (int f = 0; f < 10; ++f) ui.frame(app);
  const auto plots = recorded_frame(ui, app);
  check_plots(plots, "tsmc headline");
  CHECK(starts_with(largest_plot(plots).title, "Residual log-weight variance"));
  // A labelled tick under the lowest curve (teach4 B9): the log axis covers the 1, 2 or 5 × 10^k below it.
  const klab::plot::Plot& head = app.view()->figure().plots[0];
  double lowest = INFINITY;
  for (const auto& l : head.lines)
    for (double v : l.y)
      if (std::isfinite(v)) lowest = std::min(lowest, v);
  REQUIRE(std::isfinite(lowest));
  const double cover = head.y.cover_lo, m = cover / std::pow(10.0, std::floor(std::log10(cover) + 1e-9));
  CHECK(cover <= lowest);
  CHECK(cover > lowest / 5.0);
  CHECK((std::fabs(m - 1) < 1e-9 || std::fabs(m - 2) < 1e-9 || std::fabs(m - 5) < 1e-9));
  CHECK(largest_plot(plots).yr.lo <= cover);
}

TEST_CASE("diffusion.federated: every ε has a point on the headline after the quick pass, before the full passes") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  REQUIRE(app.open_link("#diffusion.federated?particles=40&levels=20&steps=1&epsilons=1,4,16").ok());
  // The quick pass: 3 ε × 2 levels of the 3 × (2 + 20) play steps.
  for (int f = 0; f < 400 && app.progress() < 6.5 / 66.0; ++f) ui.frame(app);
  REQUIRE(app.progress() < 0.5);  // the full passes are far from done
  std::vector<double> eps;
  for (const auto& pts : app.view()->figure().plots[0].points) eps.insert(eps.end(), pts.x.begin(), pts.x.end());
  std::sort(eps.begin(), eps.end());
  CHECK(eps == std::vector<double>{1, 4, 16});
}

TEST_CASE("diffusion.samplers' headline is the error-vs-NFE plot with DDIM's match to DPM-Solver++ 2M at 20 NFE; the film at 20 NFE") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  REQUIRE(app.open_link("#diffusion.samplers?solvers=ddim,dpmpp_2m&nfe=10,20,40,80,160&particles=40").ok());
  app.seek(1.0);  // the film's end: every cell computed
  for (int f = 0; f < 400 && app.progress() < 0.999; ++f) ui.frame(app);
  const auto plots = recorded_frame(ui, app);
  check_plots(plots, "samplers headline");
  CHECK(starts_with(largest_plot(plots).title, "Discretisation error vs NFE"));
  CHECK(std::any_of(plots.begin(), plots.end(), [](const klab::ui::PlotRecord& r) { return starts_with(r.title, "ddim, 20 NFE, step "); }));
  // The claim's comparison, marked on the headline: DDIM needs more than 20 NFE for dpmpp_2m's error at 20.
  const std::vector<klab::plot::Guide>& guides = app.view()->figure().plots[0].guides;
  REQUIRE(guides.size() == 1);
  CHECK(starts_with(guides[0].label, "DDIM matches DPM-Solver++ 2M at 20 NFE here: "));
  CHECK(guides[0].value > 20.0);
}

TEST_CASE("diffusion.samplers: usf's cell at the film's budget comes first and is a marker on the headline") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  REQUIRE(app.open_link("#diffusion.samplers?solvers=ddim,dpmpp_2m,usf&nfe=4,6,8&particles=40&search_n=8").ok());
  for (int f = 0; f < 400 && app.view()->figure().plots.empty(); ++f) ui.frame(app);
  const auto usf_markers = [&] {
    for (const auto& pts : app.view()->figure().plots[0].points)
      if (pts.name == "usf") return pts.x;
    return std::vector<double>{};
  };
  for (int f = 0; f < 400 && usf_markers().empty(); ++f) ui.frame(app);
  CHECK(usf_markers() == std::vector<double>{8});  // the budget nearest 20: the film's
  CHECK(app.progress() < 0.5);
}

TEST_CASE("diffusion.samplers on a phone: the headline is drawn above the film") {
  Headless ui(390, 844, 2.0f);
  App app = make_app();
  REQUIRE(app.open_link("#diffusion.samplers?nfe=10,20,40&particles=40").ok());
  for (int f = 0; f < 10; ++f) ui.frame(app);
  const auto plots = recorded_frame(ui, app);
  REQUIRE(plots.size() >= 2);
  CHECK(starts_with(plots.front().title, "Discretisation error vs NFE"));
  CHECK(plots.front().cell_max.y <= 844.0f);  // whole on the first screen (below the film's controls it began at 80%)
  for (size_t i = 1; i < plots.size(); ++i) CHECK(plots[i].cell_min.y > plots.front().cell_max.y);
}

TEST_CASE("diffusion.samplers' USF plan table opens and draws its per-step columns (order, prediction, derivatives, corrector)") {
  // Both search methods: the evolution's plans may carry a relaxed m′ (its own cell text).
  for (const char* search : {"", "&usf_search=evolution&usf_evals=40"}) {
    CAPTURE(search);
    Headless ui(1280, 800, 1.0f);
    App app = make_app();
    REQUIRE(app.open_link(std::string("#diffusion.samplers?solvers=dpmpp_2m,usf&nfe=4,6&particles=40&search_n=8") + search).ok());
    app.set_playing(false);
    for (int f = 0; f < 3; ++f) ui.frame(app);
    // The header is closed by default: open it in whichever window draws it (its id is its label's, the
    // film's budget is the one nearest 10 NFE: 6), then find the step table it draws.
    ImGuiContext& g = *GImGui;
    auto find_table = [&] {
      for (ImGuiWindow* w : g.Windows)
        if (ImGui::TableFindByID(ImHashStr("##usfsteps", 0, w->ID)) != nullptr) return true;
      return false;
    };
    CHECK_FALSE(find_table());
    for (ImGuiWindow* w : g.Windows) w->StateStorage.SetInt(ImHashStr("USF plan searched at 6 NFE (run 1)##usf", 0, w->ID), 1);
    for (int f = 0; f < 3; ++f) ui.frame(app);
    CHECK(find_table());
  }
}

TEST_CASE("optim.halpern on the ill-conditioned game: the iterates in the slowest pair beside the residual plot") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  REQUIRE(app.open_link("#optim.halpern?problem=ill_conditioned&mu=0&components=64&methods=vr_halpern_inexact,eag,eg,vr_eg").ok());
  for (int f = 0; f < 90; ++f) ui.frame(app);
  const auto plots = recorded_frame(ui, app);
  check_plots(plots, "ill-conditioned live view");
  auto shown = [&](const std::string& start) {
    return std::any_of(plots.begin(), plots.end(), [&](const klab::ui::PlotRecord& r) { return r.title.rfind(start, 0) == 0; });
  };
  CHECK(shown("Drag the start z₀: the iterates in the slowest pair (x_4, y_4)"));
  CHECK(shown("Operator residual against component-oracle calls"));
  // Algorithm 2 named as the About text names it, the target ε × the start's residual as a horizontal guide, z* in the
  // reference grey (never struck out by the series cap), and a status that no readout row undercuts.
  const klab::plot::Figure& f = app.view()->figure();
  REQUIRE(f.plots.size() == 2);
  const auto& lines = f.plots[0].lines;  // the residual: the headline
  CHECK(std::any_of(lines.begin(), lines.end(), [](const klab::plot::Line& l) { return l.name == "vr_halpern_inexact (Algorithm 2)"; }));
  REQUIRE(f.plots[0].guides.size() == 1);
  CHECK_FALSE(f.plots[0].guides[0].vertical);
  CHECK(f.plots[0].guides[0].value == doctest::Approx(0.03 * lines.front().y.front()));  // every method starts at z₀
  const auto& points = f.plots[1].points;
  const auto star = std::find_if(points.begin(), points.end(), [](const klab::plot::Points& p) { return p.name == "solution z*"; });
  REQUIRE(star != points.end());
  CHECK(star->color.r == klab::plot::kReferenceGrey.r);
  CHECK(app.view()->status().rfind("calls ≥ ", 0) == 0);
  for (const klab::plot::Line& l : lines)
    if (l.color.r != klab::plot::kReferenceGrey.r && l.x.size() > 1) CHECK(l.x[1] >= 64);  // the first stop is n = 64 calls
}

// The fourth review's optim items: the plot the Look-for line names is the largest cell; optim.halpern
// shows four methods and the two bounds at first; a horizontal guide's label crosses no drawn curve;
// the contour maps' colour bars end on round numbers.
static bool label_crosses_curve(const klab::ui::PlotRecord& r) {
  for (const ImVec4& b : r.guide_labels)
    for (const ImVec4& s : r.segments)
      for (int k = 0; k <= 16; ++k) {
        const float t = static_cast<float>(k) / 16, x = s.x + t * (s.z - s.x), y = s.y + t * (s.w - s.y);
        if (x > b.x && x < b.z && y > b.y && y < b.w) return true;
      }
  return false;
}

TEST_CASE("optim.online and optim.halpern: the regret and the residual are the headlines; guide labels off the curves; round colour bars") {
  struct Case {
    const char* link;
    const char* headline;  // how the largest plot's title starts
  };
  for (const Case& c : {Case{"#optim.online", "Regret against t"}, Case{"#optim.halpern", "Operator residual against"},
                        Case{"#optim.mixture", "This run: KL(p‖p̂_n)"}, Case{"#optim.lion", "Drag the start: iterates over f"}}) {
    CAPTURE(c.link);
    Headless ui(1280, 800, 1.0f);
    App app = make_app();
    REQUIRE(app.open_link(c.link).ok());
    app.seek(1.0);  // the live run's end: the curves at their longest
    for (int f = 0; f < 400 && app.progress() < 0.999; ++f) ui.frame(app);
    const auto plots = recorded_frame(ui, app);
    check_plots(plots, std::string(c.link) + " at the end");
    const klab::ui::PlotRecord& top = largest_plot(plots);
    CHECK(starts_with(top.title, c.headline));
    for (const klab::ui::PlotRecord& r : plots) {
      CAPTURE(r.title);
      CHECK_FALSE(label_crosses_curve(r));
    }
    const klab::plot::Figure& f = app.view()->figure();
    if (std::string(c.link) == "#optim.mixture") {  // the Euclidean floor: a legend entry, no label on the data
      CHECK(f.plots[0].guides.empty());
      CHECK(std::any_of(f.plots[0].lines.begin(), f.plots[0].lines.end(),
                        [](const klab::plot::Line& l) { return starts_with(l.name, "Euclidean floor −ln(1 − Zδ) = "); }));
    }
    if (std::string(c.link) == "#optim.halpern") {  // eg and eag a legend click away; the four methods and the bounds shown
      REQUIRE(top.guide_labels.size() == 1);
      size_t shown = 0;
      for (const klab::plot::Line& l : f.plots[0].lines) shown += !klab::ui::plot_context().hidden(klab::plot::series_key(l));
      CHECK(shown == 6);
      CHECK(klab::ui::plot_context().hidden("eg"));
    }
    const bool contour = std::string(c.link) == "#optim.lion" || std::string(c.link) == "#optim.online";
    for (const klab::plot::Plot& p : f.plots)
      for (const klab::plot::Heatmap& h : p.heatmaps) {  // lion's and online's contour maps: 0 to a round number
        if (!contour) continue;
        CHECK(h.vmin == 0.0);
        CHECK(klab::plot::format_number(h.vmax).size() <= 4);
      }
  }
}

TEST_CASE("optim.bilevel on the double well: φ's two branches, ψ_σ across the jump and the iterates, beside the cost plot") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  REQUIRE(app.open_link("#optim.bilevel?problem=double_well&sigma=0.05&methods=penalty,penalty_single,aid,itd").ok());
  for (int f = 0; f < 90; ++f) ui.frame(app);
  const auto plots = recorded_frame(ui, app);
  check_plots(plots, "double-well live view");
  auto shown = [&](const std::string& start) {
    return std::any_of(plots.begin(), plots.end(), [&](const klab::ui::PlotRecord& r) { return r.title.rfind(start, 0) == 0; });
  };
  CHECK(shown("Drag the start: φ (solid), ψ_σ (dashed)"));
  CHECK(shown("|x_k − argmin φ| against oracle calls"));
  CHECK(app.view()->status().rfind("outer step 0 ", 0) != 0);  // steps arrived
}

TEST_CASE("phones and small windows: the controls go into a drawer and every plot keeps a usable area") {
  // At least this much data area (logical pixels) in every plot, Live and Runs.
  constexpr float kMinAreaWidth = 150.0f, kMinAreaHeight = 80.0f;
  const struct {
    float w, h, scale;
  } sizes[] = {{390, 844, 2.0f}, {800, 600, 1.0f}};
  for (const auto& size : sizes) {
    CAPTURE(size.w);
    Headless ui(size.w, size.h, size.scale);
    App app = make_app();
    ui.frame(app);
    CHECK(app.drawer_mode());
    for (const klab::DemoInfo& demo : app.catalog().demos()) {
      CAPTURE(demo.id);
      app.select(demo.id);
      app.settings().runs = 3;
      for (int f = 0; f < 30; ++f) ui.frame(app);
      for (klab::ui::Tab tab : {klab::ui::Tab::Live, klab::ui::Tab::Runs}) {
        app.select_tab(tab);
        for (int f = 0; f < 2000 && tab == klab::ui::Tab::Runs && !(app.runs_result() && !app.runs_busy()); ++f) ui.frame(app);
        ui.frame(app);
        const auto plots = recorded_frame(ui, app);
        CHECK_FALSE(plots.empty());
        for (const auto& r : plots) {
          CAPTURE(r.id);
          CAPTURE(r.title);
          CHECK(r.area_max.x - r.area_min.x >= kMinAreaWidth);
          CHECK(r.area_max.y - r.area_min.y >= kMinAreaHeight);
        }
        check_plots(plots, tab == klab::ui::Tab::Live ? "Live, small" : "Runs, small");
      }
      app.select_tab(klab::ui::Tab::Live);
    }
    // The drawer opens over the centre and closes again.
    app.set_drawer_open(true);
    ui.frame(app);
    CHECK(app.drawer_open());
  }
}

TEST_CASE("dragging a peak holds the axes still and leaves a rounded value; pin keeps a ghost") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  app.select("kl.forward_reverse");
  app.set_playing(false);
  for (int f = 0; f < 5; ++f) ui.frame(app);
  auto density = [&] {
    for (const auto& r : recorded_frame(ui, app))
      if (r.id == "density") return r;
    FAIL("no density plot drawn");
    return klab::ui::PlotRecord{};
  };
  const klab::ui::PlotRecord before = density();
  // The first component's peak: mean -2.5, weight 1/2 of the total, sd 0.5 (the defaults).
  const double peak = 0.5 / (0.5 * 2.5066282746310002);
  auto screen = [&](double x, double y) {
    const float u = static_cast<float>((x - before.xr.lo) / (before.xr.hi - before.xr.lo));
    const float v = static_cast<float>((y - before.yr.lo) / (before.yr.hi - before.yr.lo));
    return ImVec2(before.area_min.x + u * (before.area_max.x - before.area_min.x),
                  before.area_max.y - v * (before.area_max.y - before.area_min.y));
  };
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = screen(-2.5, peak);
  ui.frame(app);
  io.MouseDown[0] = true;
  ui.frame(app);
  for (int step = 1; step <= 10; ++step) {  // 46 px to the right and a little up, in steps
    io.MousePos = ImVec2(io.MousePos.x + 4.6f, io.MousePos.y - 1.0f);
    const klab::ui::PlotRecord during = density();
    CHECK(during.xr.lo == before.xr.lo);
    CHECK(during.xr.hi == before.xr.hi);
    CHECK(during.yr.lo == before.yr.lo);
    CHECK(during.yr.hi == before.yr.hi);
  }
  io.MouseDown[0] = false;
  ui.frame(app);
  release_mouse();
  const klab::ParamSet& ps = app.experiment().params();
  const std::string means = ps.text(static_cast<size_t>(ps.find("means")));
  CAPTURE(means);
  CHECK(means != "-2.5,2.5");                      // the peak moved
  CHECK(means.find(',') <= std::string("-1.23").size());  // to a value with at most two decimals
  // Pin: the curves on screen now stay as a ghost after a parameter change.
  CHECK_FALSE(app.plots().pinned());
  app.plots().pin();
  ui.frame(app);
  ui.frame(app);
  CHECK(app.plots().pinned());
  REQUIRE(app.experiment().params().set_texts({{"lr", "0.05"}}).ok());
  ui.frame(app);
  CHECK(app.plots().pinned());
  app.plots().unpin();
  CHECK_FALSE(app.plots().pinned());
}

// The diffusion demos' mixture editor (src/diffusion/mixture_editor.hpp): a link with an edited
// mixture opens it; dragging a mean writes a new, rounded mixture text (the parameter the link
// and the CLI carry); random clicks and drags on it leave every demo's parameters consistent.
TEST_CASE("the diffusion mixture editor: a dragged mean lands in the mixture parameter; mouse input on it is safe") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  const std::string two = "1:-1:0:0.04:0:0.04;1:1:0:0.04:0:0.04";
  klab::Rng rng(77, 0, 0);
  const std::string ids[] = {"diffusion.samplers", "diffusion.tsmc", "diffusion.constrained", "diffusion.federated"};
  for (const std::string& id : ids) {
    CAPTURE(id);
    app.select(id);
    klab::test::ParamTexts texts = klab::test::small_config(id)->params;
    texts.push_back({"mixture", two});
    if (id == "diffusion.constrained") texts.push_back({"experts", "0,1"});
    if (id == "diffusion.federated") texts.push_back({"clients", "2"});
    REQUIRE(app.experiment().params().set_texts(texts).ok());
    app.set_playing(false);
    for (int f = 0; f < 3; ++f) ui.frame(app);
    klab::ui::PlotRecord editor;
    for (const auto& r : recorded_frame(ui, app))
      if (r.id == "mixture editor") editor = r;
    REQUIRE(editor.id == "mixture editor");  // the edited mixture opened the editor
    CHECK(editor.tick_labels.size() >= 6);  // fixed ticks, at least three per axis (teach4 B12)
    auto screen = [&](double x, double y) {
      const float u = static_cast<float>((x - editor.xr.lo) / (editor.xr.hi - editor.xr.lo));
      const float v = static_cast<float>((y - editor.yr.lo) / (editor.yr.hi - editor.yr.lo));
      return ImVec2(editor.area_min.x + u * (editor.area_max.x - editor.area_min.x), editor.area_max.y - v * (editor.area_max.y - editor.area_min.y));
    };
    // Drag the first component's mean from (−1, 0) a quarter of the view to the right.
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = screen(-1.0, 0.0);
    ui.frame(app);
    io.MouseDown[0] = true;
    ui.frame(app);
    const ImVec2 to = screen(-1.0 + 0.25 * (editor.xr.hi - editor.xr.lo), 0.0);
    for (int step = 1; step <= 8; ++step) {
      io.MousePos = ImVec2(io.MousePos.x + (to.x - io.MousePos.x) / static_cast<float>(9 - step), io.MousePos.y);
      ui.frame(app);
    }
    io.MouseDown[0] = false;
    ui.frame(app);
    release_mouse();
    const klab::ParamSet& ps = app.experiment().params();
    const std::string text = ps.text(static_cast<size_t>(ps.find("mixture")));
    CAPTURE(text);
    const klab::Expected<klab::diffusion::Mixture> m = klab::diffusion::parse_mixture(text);
    REQUIRE(m.ok());
    REQUIRE(m.value().components.size() == 2);
    CHECK(m.value().components[0].mx > -1.0 + 0.15 * (editor.xr.hi - editor.xr.lo));  // moved right
    CHECK(std::fabs(m.value().components[0].my) < 0.05 * (editor.yr.hi - editor.yr.lo));
    CHECK(m.value().components[1].mx == 1.0);  // the other one stayed
    CHECK(text.size() < 2 * two.size());       // rounded values: a short link
    if (id == "diffusion.samplers") {
      // The axis handle (2σ along the major axis; a round component's is along x) dragged to 2σ' above
      // the mean, σ' = 0.4: the axis turns to y and stretches; the other keeps σ = 0.2.
      const klab::diffusion::Component c = m.value().components[0];
      for (const auto& r : recorded_frame(ui, app))  // the view re-framed the moved mixture
        if (r.id == "mixture editor") editor = r;
      io.MousePos = screen(c.mx + 2.0 * std::sqrt(c.sxx), c.my);
      ui.frame(app);
      io.MouseDown[0] = true;
      ui.frame(app);
      const ImVec2 up = screen(c.mx, c.my + 0.8);
      for (int step = 1; step <= 8; ++step) {
        io.MousePos = ImVec2(io.MousePos.x + (up.x - io.MousePos.x) / static_cast<float>(9 - step), io.MousePos.y + (up.y - io.MousePos.y) / static_cast<float>(9 - step));
        ui.frame(app);
      }
      io.MouseDown[0] = false;
      ui.frame(app);
      release_mouse();
      const klab::Expected<klab::diffusion::Mixture> turned = klab::diffusion::parse_mixture(ps.text(static_cast<size_t>(ps.find("mixture"))));
      REQUIRE(turned.ok());
      const klab::diffusion::Component& d = turned.value().components[0];
      CHECK(d.syy == doctest::Approx(0.16).epsilon(0.05));
      CHECK(d.sxx == doctest::Approx(0.04).epsilon(0.05));
      CHECK(std::fabs(d.sxy) < 0.01);
      CHECK(d.mx == c.mx);  // the mean stayed
    }
    // Random clicks and drags over the editor alone (its plot, handles, sliders and buttons; no
    // wheel, which would scroll the view and move the next demo's editor under the cursor).
    for (int f = 0; f < 24; ++f) {
      if (f % 2 == 0) {
        io.MousePos = ImVec2(static_cast<float>(editor.cell_min.x + rng.uniform() * (955.0 - editor.cell_min.x)),
                             static_cast<float>(editor.cell_min.y + rng.uniform() * (editor.cell_max.y - editor.cell_min.y)));
        io.MouseDown[0] = rng.below(3) == 0;
      }
      ui.frame(app);
      REQUIRE(app.experiment().params().check_consistency().ok());
    }
    release_mouse();
    for (int f = 0; f < 3; ++f) ui.frame(app);
  }
}

// blackbox.bo's Draw mode (src/blackbox/panels.cpp): function=drawn opens it; a sketch across the
// posterior plot and a dragged control point land in the `drawn` parameter (valid, rounded; the
// link carries it) and restart the run, which still steps; "Done drawing" gives the left button
// back to panning.
TEST_CASE("blackbox.bo's Draw mode: a sketch and a dragged point land in the drawn parameter; the run restarts and steps") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  app.select("blackbox.bo");
  klab::test::ParamTexts texts = klab::test::small_config("blackbox.bo")->params;
  texts.push_back({"function", "drawn"});
  REQUIRE(app.experiment().params().set_texts(texts).ok());
  app.set_playing(false);
  for (int f = 0; f < 3; ++f) ui.frame(app);
  klab::ui::PlotRecord post, button;
  auto locate = [&] {  // the posterior plot and the Draw button, as drawn now
    std::vector<klab::ui::PlotRecord> all;
    klab::ui::set_plot_recorder(&all);
    ui.frame(app);
    klab::ui::set_plot_recorder(nullptr);
    post = button = {};
    for (const auto& r : all) {
      if (r.id == "posterior") post = r;
      if (r.id == "button:bo_draw") button = r;
    }
    REQUIRE(post.id == "posterior");
    REQUIRE(button.id == "button:bo_draw");
  };
  auto screen = [&](double x, double y) {
    const float u = static_cast<float>((x - post.xr.lo) / (post.xr.hi - post.xr.lo));
    const float v = static_cast<float>((y - post.yr.lo) / (post.yr.hi - post.yr.lo));
    return ImVec2(post.area_min.x + u * (post.area_max.x - post.area_min.x), post.area_max.y - v * (post.area_max.y - post.area_min.y));
  };
  locate();
  CHECK(post.yr.lo <= -1.0);  // the canvas covers every y a point may take
  CHECK(post.yr.hi >= 1.0);
  ImGuiIO& io = ImGui::GetIO();
  auto drag = [&](ImVec2 from, ImVec2 to) {
    io.MousePos = from;
    ui.frame(app);
    io.MouseDown[0] = true;
    ui.frame(app);
    for (int step = 1; step <= 10; ++step) {
      io.MousePos = ImVec2(from.x + (to.x - from.x) * step / 10.0f, from.y + (to.y - from.y) * step / 10.0f);
      ui.frame(app);
    }
    io.MouseDown[0] = false;
    ui.frame(app);
    release_mouse();
    ui.frame(app);
    app.set_playing(false);  // a new curve starts a new run playing
    locate();
  };
  const klab::ParamSet& ps = app.experiment().params();
  auto drawn = [&] { return ps.text(static_cast<size_t>(ps.find("drawn"))); };
  const klab::blackbox::DrawnCurve before = klab::blackbox::parse_drawn_curve(drawn()).value();
  klab::ui::ViewContext ctx{app.experiment(), app.settings().seed, nullptr};
  app.view()->advance(ctx, 2);
  REQUIRE(app.view()->steps_done() == 2);
  // A sketch at y = 0.9 from x = 0.22 to x = 0.48 (no control point under the press).
  drag(screen(0.22, 0.9), screen(0.48, 0.9));
  const klab::Expected<klab::blackbox::DrawnCurve> sketched = klab::blackbox::parse_drawn_curve(drawn());
  CAPTURE(drawn());
  REQUIRE(sketched.ok());
  REQUIRE(sketched.value().x.size() == static_cast<size_t>(klab::blackbox::kDrawnSketchPoints));
  for (size_t k = 0; k < sketched.value().x.size(); ++k) {
    const double x = sketched.value().x[k], y = sketched.value().y[k];
    CAPTURE(x);
    if (x >= 0.25 && x <= 0.45) CHECK(std::fabs(y - 0.9) < 0.02);  // a pixel is about 0.005 in y
    if (x <= 0.15 || x >= 0.55) CHECK(std::fabs(y - klab::blackbox::drawn_value(before, x)) <= 0.0005);
  }
  CHECK(ps.text(static_cast<size_t>(ps.find("function"))) == "drawn");
  CHECK(app.link().find("drawn=") != std::string::npos);
  CHECK(app.view()->steps_done() == 0);  // the run restarted on the new curve
  app.view()->advance(ctx, 1);
  CHECK(app.view()->steps_done() == 1);
  // Drag the point at x = 0.8 (y = −0.7) up to y = 0: it moves, the others stay.
  drag(screen(0.8, -0.7), screen(0.8, 0.0));
  const klab::blackbox::DrawnCurve moved = klab::blackbox::parse_drawn_curve(drawn()).value();
  REQUIRE(moved.x.size() == sketched.value().x.size());
  for (size_t k = 0; k < moved.x.size(); ++k) {
    CAPTURE(k);
    if (k == 16) {
      CHECK(std::fabs(moved.x[k] - 0.8) < 0.01);
      CHECK(std::fabs(moved.y[k]) < 0.02);
    } else {
      CHECK(moved.x[k] == sketched.value().x[k]);
      CHECK(moved.y[k] == sketched.value().y[k]);
    }
  }
  // "Done drawing": a left drag on the plot pans again and leaves the curve alone.
  const std::string kept = drawn();
  drag(ImVec2(0.5f * (button.area_min.x + button.area_max.x), 0.5f * (button.area_min.y + button.area_max.y)),
       ImVec2(0.5f * (button.area_min.x + button.area_max.x), 0.5f * (button.area_min.y + button.area_max.y)));
  drag(screen(0.3, 0.5), screen(0.6, -0.5));
  CHECK(drawn() == kept);
}

TEST_CASE("the gridworld editor: a brush stroke on a 30 × 30 grid is one edit; an offered file replaces the world, a bad one changes nothing") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  app.select("mdp.planning");
  klab::ParamSet& ps = app.experiment().params();
  const size_t grid_key = static_cast<size_t>(ps.find("grid"));
  REQUIRE(ps.set_texts({{"grid", klab::mdp::grid_param_text(klab::mdp::blank_grid(30, 30))}}).ok());
  for (int f = 0; f < 5; ++f) ui.frame(app);  // a link with a grid opens the editor
  app.set_playing(false);  // the planners' work per frame is not what this test is about
  klab::ui::PlotRecord canvas;
  for (const auto& r : recorded_frame(ui, app))
    if (r.id == "world_editor") canvas = r;
  REQUIRE(canvas.id == "world_editor");
  const auto cell_centre = [&](int row, int col) { return editor_cell_centre(canvas, 30, row, col); };
  // The default brush is the wall: a stroke along row 10 from column 3 to 20.
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = cell_centre(10, 3);
  ui.frame(app);
  io.MouseDown[0] = true;
  const uint64_t before = ps.version();
  for (int c = 3; c <= 20; ++c) {
    io.MousePos = cell_centre(10, c);
    ui.frame(app);
    CHECK(ps.version() == before);  // nothing is committed (or solved) during the stroke
  }
  io.MouseDown[0] = false;
  const auto released = std::chrono::steady_clock::now();
  ui.frame(app);  // commits the stroke
  release_mouse();
  ui.frame(app);  // re-solves the edited world (the live view's reset)
  const double commit_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - released).count();
  const klab::Expected<klab::mdp::GridSpec> painted = klab::mdp::parse_grid_param(ps.text(grid_key));
  REQUIRE(painted.ok());
  CHECK(painted.value().rows[10] == "..." + std::string(18, '#') + std::string(9, '.'));
  CHECK(painted.value().rows[9] == std::string(30, '.'));

  // Frame time with the editor open on the 30 × 30 grid, paused and while the planners play (their
  // work is cut at 8 ms a frame by the shell); no GL here, the browser's is measured in the README.
  // Reported, never asserted.
  const auto ms_per_frame = [&](int frames) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int f = 0; f < frames; ++f) ui.frame(app);
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / frames;
  };
  app.set_playing(false);
  const double paused = ms_per_frame(60);
  app.set_playing(true);
  const double playing = ms_per_frame(20);
  MESSAGE("mdp.planning, editor open on a 30 × 30 grid: " << paused << " ms per headless frame paused, " << playing
          << " ms playing, " << commit_ms << " ms for the two frames that commit a stroke and re-solve (no GL)");

  // A file: the world, slip and wind change; a bad one leaves everything as it was.
  klab::mdp::GridSpec maze = klab::mdp::hazard_maze_spec();
  maze.slip = 0.2;
  const std::string good = klab::mdp::gridworld_to_json(maze);
  klab::ui::offer_file({"maze.json", good, static_cast<long long>(good.size())});
  ui.frame(app);
  CHECK(ps.text(grid_key) == klab::mdp::grid_param_text(klab::mdp::hazard_maze_spec()));
  CHECK(ps.text(static_cast<size_t>(ps.find("slip"))) == "0.2");
  const uint64_t loaded = ps.version();
  const std::string bad = R"({"format": "klab.gridworld", "version": 1, "grid": ["S.G", "..x"]})";
  klab::ui::offer_file({"bad.json", bad, static_cast<long long>(bad.size())});
  ui.frame(app);
  CHECK(ps.version() == loaded);
  // A klab.mdp file (any MDP) becomes the world through mdp_file; the live view runs on it.
  const std::string chain = klab::mdp::mdp_to_json(klab::mdp::chain(5, 0.1));
  klab::ui::offer_file({"chain.json", chain, static_cast<long long>(chain.size())});
  ui.frame(app);
  const std::string kept = ps.text(static_cast<size_t>(ps.find("mdp_file")));
  CHECK(kept.rfind(klab::mdp::uploaded_world_dir() + "/chain-", 0) == 0);
  CHECK(ps.text(grid_key).empty());
  for (int f = 0; f < 3; ++f) ui.frame(app);
  std::remove(kept.c_str());
}

TEST_CASE("the gridworld editor in mdp.learning, mdp.constrained and mdp.risk: a link's grid opens it; a stroke is one edit and the live view runs on the new grid") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  for (const char* demo : {"mdp.learning", "mdp.constrained", "mdp.risk"}) {
    const std::string demo_id = demo;
    CAPTURE(demo_id);
    app.select(demo);
    klab::ParamSet& ps = app.experiment().params();
    const size_t grid_key = static_cast<size_t>(ps.find("grid"));
    REQUIRE(ps.set_texts({{"grid", klab::mdp::grid_param_text(klab::mdp::blank_grid(8, 8))}}).ok());
    for (int f = 0; f < 5; ++f) ui.frame(app);  // a link with a grid opens the editor
    klab::ui::PlotRecord canvas, map;
    for (const auto& r : recorded_frame(ui, app)) {
      if (r.id == "world_editor") canvas = r;
      if (r.id == "map" || r.id == "cost") map = r;
    }
    REQUIRE(canvas.id == "world_editor");
    CHECK(map.id != "");  // the live plot next to the canvas
    stroke_cells_1_to_3(ui, app, canvas, 8, 4);
    for (int f = 0; f < 10; ++f) ui.frame(app);  // the view rebuilt on the painted grid plays
    const klab::Expected<klab::mdp::GridSpec> painted = klab::mdp::parse_grid_param(ps.text(grid_key));
    REQUIRE(painted.ok());
    CHECK(painted.value().rows[4] == ".###....");
    CHECK(app.view()->steps_done() > 0.0);  // it plays the new world (a wall row leaves the goal reachable)
    if (std::string(demo) == "mdp.risk") {  // the re-solved policies' most likely paths on the painted grid
      std::string title;
      size_t paths = 0;
      for (const auto& r : recorded_frame(ui, app))
        if (r.id == "map") title = r.title, paths = r.legend.size();
      CHECK(title.find("most likely paths") != std::string::npos);
      CHECK(paths >= 3);  // the three policies' paths (and the latest episode) in the legend
      // A file's wind direction and cliff reward go to mdp.risk's parameters of those names, not into `grid`.
      klab::mdp::GridSpec cliff = klab::mdp::cliff_spec();
      cliff.wind_direction = klab::mdp::Direction::West;
      cliff.cliff_reward = -50;
      const std::string file = klab::mdp::gridworld_to_json(cliff);
      klab::ui::offer_file({"cliff.json", file, static_cast<long long>(file.size())});
      ui.frame(app);
      CHECK(ps.text(grid_key) == klab::mdp::grid_param_text(klab::mdp::cliff_spec()));
      CHECK(ps.text(static_cast<size_t>(ps.find("wind_direction"))) == "west");
      CHECK(ps.text(static_cast<size_t>(ps.find("cliff_reward"))) == "-50");
      // A klab.mdp file whose rewards are off every lattice 1/k is refused and the world stays as it was ...
      const uint64_t before_mdp = ps.version();
      klab::Rng rng(3, 0, 0);
      const std::string off = klab::mdp::mdp_to_json(klab::mdp::random_mdp(4, 2, 2, rng));
      klab::ui::offer_file({"off.json", off, static_cast<long long>(off.size())});
      ui.frame(app);
      CHECK(ps.version() == before_mdp);
      // ... the chain's (rewards 0, 0.2, 1) becomes the world through mdp_file, and the view draws its policy map.
      const std::string chain = klab::mdp::mdp_to_json(klab::mdp::chain(5, 0.1));
      klab::ui::offer_file({"chain.json", chain, static_cast<long long>(chain.size())});
      ui.frame(app);
      const std::string kept = ps.text(static_cast<size_t>(ps.find("mdp_file")));
      CHECK(kept.rfind(klab::mdp::uploaded_world_dir() + "/chain-", 0) == 0);
      for (int f = 0; f < 3; ++f) ui.frame(app);
      std::string map_title;
      for (const auto& r : recorded_frame(ui, app))
        if (r.id == "map") map_title = r.title;
      CHECK(map_title.find("per (state, stock)") != std::string::npos);
      std::remove(kept.c_str());
      REQUIRE(ps.set_texts({{"mdp_file", ""}}).ok());
    }
    if (std::string(demo) != "mdp.learning") continue;
    // The map's toggles: state visits in place of the values, then the first evaluator's V̂^π.
    const auto map_title_after_click = [&](const char* button) {
      click_recorded_item(ui, app, button);
      std::string title;
      for (const auto& r : recorded_frame(ui, app))
        if (r.id == "map") title = r.title;
      return title;
    };
    CHECK(map_title_after_click("button:learning_visits").find("state visits") != std::string::npos);
    CHECK(map_title_after_click("button:learning_evaluator").find("V̂^π_h(s)") != std::string::npos);
  }
}

// mdp.safe_meta and mdp.irl take a painted grid too (safe_meta_tasks.hpp, irl_grid.hpp). mdp.safe_meta
// without one: "Edit the world" shows its default distribution painted (G: goal candidates, H: hazard
// candidates), and the first stroke on it becomes `grid`; mdp.irl: a link's grid opens the editor.
TEST_CASE("the gridworld editor in mdp.safe_meta and mdp.irl: a stroke on the shown grid is one edit and the live view restarts on it") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  for (const char* demo : {"mdp.safe_meta", "mdp.irl"}) {
    const std::string demo_id = demo;
    CAPTURE(demo_id);
    const bool meta = demo_id == "mdp.safe_meta";
    app.select(demo);
    klab::ParamSet& ps = app.experiment().params();
    const size_t grid_key = static_cast<size_t>(ps.find("grid"));
    if (meta) {  // no grid yet: open the editor with its button
      click_recorded_item(ui, app, "button:edit_world");
      CHECK(ps.text(grid_key).empty());
    } else {
      REQUIRE(ps.set_texts({{"grid", klab::mdp::grid_param_text(klab::mdp::blank_grid(8, 8))}}).ok());
    }
    for (int f = 0; f < 5; ++f) ui.frame(app);
    klab::ui::PlotRecord canvas, map;
    for (const auto& r : recorded_frame(ui, app)) {
      if (r.id == "world_editor") canvas = r;
      if (r.id == (meta ? "cost" : "true")) map = r;
    }
    REQUIRE(canvas.id == "world_editor");
    CHECK(map.id != "");  // the live plots next to the canvas
    stroke_cells_1_to_3(ui, app, canvas, meta ? 6 : 8, 4);
    for (int f = 0; f < 10; ++f) ui.frame(app);
    const klab::Expected<klab::mdp::GridSpec> painted = klab::mdp::parse_grid_param(ps.text(grid_key));
    REQUIRE(painted.ok());
    CHECK(painted.value().rows[4] == (meta ? ".###HG" : ".###...."));
    CHECK(app.view()->steps_done() > 0.0);  // the restarted view plays the painted world
    // A file's slip and wind go to the demo's parameters of those names (as in the other demos).
    klab::mdp::GridSpec windy = klab::mdp::meta_default_grid(5);
    windy.slip = 0.1, windy.wind = 0.25;
    const std::string file = klab::mdp::gridworld_to_json(windy);
    klab::ui::offer_file({"windy.json", file, static_cast<long long>(file.size())});
    ui.frame(app);
    CHECK(ps.text(grid_key) == klab::mdp::grid_param_text(klab::mdp::meta_default_grid(5)));
    CHECK(ps.text(static_cast<size_t>(ps.find("wind"))) == "0.25");
    REQUIRE(ps.set_texts({{"grid", ""}, {"wind", "0"}}).ok());
  }
}

TEST_CASE("blackbox.nsga2 with the ⁺ and concurrent algorithms, in both dNSGA-II forms: the live view steps and draws the plane and the coverage plot") {
  for (const std::string form : {"lab", "paper"}) {
    CAPTURE(form);
    Headless ui(1280, 800, 1.0f);
    App app = make_app();
    app.select("blackbox.nsga2");
    klab::test::ParamTexts texts = klab::test::small_config("blackbox.nsga2")->params;
    texts.push_back({"series", "dnsga2plus,concurrent,concurrentplus"});
    texts.push_back({"dnsga2_form", form});
    REQUIRE(app.experiment().params().set_texts(texts).ok());
    for (int f = 0; f < 30; ++f) ui.frame(app);
    const auto plots = recorded_frame(ui, app);
    CHECK(has_plot(plots, "plane"));
    CHECK(has_plot(plots, "coverage"));
    CHECK(app.view()->steps_done() > 0.0);
    check_plots(plots, "nsga2 concurrent, live, " + form);
  }
}

// blackbox.es's and blackbox.nsga2's default live views (src/blackbox/panels.cpp): the plot of the
// claim is the headline; sparse coverage records still draw as a line.
TEST_CASE("blackbox.es's headline is the runs at the target, the OM(x) trajectories below in the first strategy's colour; blackbox.nsga2's headline coverage is a step line, one legend entry per algorithm and a key to the strokes") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  app.select("blackbox.es");
  for (int f = 0; f < 20; ++f) ui.frame(app);
  auto plots = recorded_frame(ui, app);
  auto plot_named = [&](const std::string& id) {
    const auto it = std::find_if(plots.begin(), plots.end(), [&](const klab::ui::PlotRecord& r) { return r.id == id; });
    REQUIRE(it != plots.end());
    return *it;
  };
  auto area = [](const klab::ui::PlotRecord& r) { return (r.cell_max.x - r.cell_min.x) * (r.cell_max.y - r.cell_min.y); };
  const klab::ui::PlotRecord om = plot_named("trajectories"), reached = plot_named("reached");
  CHECK(area(reached) > area(om));                       // the claim (runs at the target) is the headline,
  CHECK(reached.cell_max.x - reached.cell_min.x >= om.cell_max.x - om.cell_min.x);  // across the full width
  CHECK_FALSE(om.segments.empty());  // the runs have climbed: their lines are drawn
  CHECK(om.legend.size() <= 2);      // reached / below the target: one entry each, not one per run
  {  // one meaning per colour: the trajectories are the first strategy's, in its headline colour
    const klab::plot::Figure& es = app.view()->figure();
    REQUIRE(es.plots.size() == 2);
    const auto first = es.plots[0].lines.front().color;
    for (const klab::plot::Line& l : es.plots[1].lines) CHECK((l.color.r == first.r && l.color.g == first.g && l.color.b == first.b));
  }
  check_plots(plots, "blackbox.es, live");

  app.select("blackbox.nsga2");
  for (int f = 0; f < 30; ++f) ui.frame(app);
  plots = recorded_frame(ui, app);
  const klab::ui::PlotRecord coverage = plot_named("coverage");
  CHECK(area(coverage) > area(plot_named("plane")));  // the claim (coverage against evaluations) is the headline
  CHECK(coverage.legend.size() == app.experiment().layout().series.size() + 2);  // and the grey key: coverage, HV ratio
  CHECK_FALSE(coverage.segments.empty());
  for (const auto& dots : app.view()->figure().plots[0].points) CHECK(dots.x.size() <= 1);  // one dot: the latest record
  check_plots(plots, "blackbox.nsga2, live");
}

// Plays the selected demo (from the start) until its view has done `steps` steps (or `frames` frames).
void play_until(Headless& ui, App& app, double steps, int frames = 3000) {
  if (!app.playing()) app.toggle_play();
  for (int f = 0; f < frames && app.view()->steps_done() < steps && !app.view()->finished(); ++f) ui.frame(app);
}

TEST_CASE("the third review's views: unlearning's utility headline, one dashed proxy, each series on its own clock, one click to the categorical claim") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  auto line_named = [](const klab::plot::Plot& p, const std::string& name) {
    const auto it = std::find_if(p.lines.begin(), p.lines.end(), [&](const klab::plot::Line& l) { return l.name == name; });
    REQUIRE(it != p.lines.end());
    return *it;
  };

  // alignment.unlearning: the callout is about utility, so utility is the headline (with the note).
  app.select("alignment.unlearning");
  play_until(ui, app, 20);
  auto plots = recorded_frame(ui, app);
  REQUIRE(plots.size() == 4);
  const auto area = [](const klab::ui::PlotRecord& r) { return (r.cell_max.x - r.cell_min.x) * (r.cell_max.y - r.cell_min.y); };
  const auto largest = std::max_element(plots.begin(), plots.end(), [&](const auto& a, const auto& b) { return area(a) < area(b); });
  CHECK(largest->title.rfind("Utility", 0) == 0);
  CHECK(largest->notes.size() == 1);

  // alignment.overoptimization: gold for every objective, the dashed proxy for `single` only, no stop dot at step 0.
  app.select("alignment.overoptimization");
  play_until(ui, app, 30);
  const klab::plot::Figure& over = app.view()->figure();
  REQUIRE(over.plots.size() == 5);
  const klab::plot::Plot& goodhart = over.plots[static_cast<size_t>(over.headline)];
  CHECK(std::count_if(goodhart.lines.begin(), goodhart.lines.end(), [](const klab::plot::Line& l) { return l.dash != klab::plot::Dash::Solid; }) == 1);
  for (const auto& dots : goodhart.points) CHECK(dots.x.front() > 0);

  // bandits.free_exploration: during the free phases only klucb has paid rounds to plot; afterwards
  // every series is plotted against its own paid rounds (the free-phase series are behind).
  app.select("bandits.free_exploration");
  play_until(ui, app, 20);
  const klab::plot::Plot* regret = &app.view()->figure().plots[1];
  CHECK_FALSE(line_named(*regret, "klucb").x.empty());
  CHECK(line_named(*regret, "ufe").x.empty());
  CHECK(line_named(*regret, "uniform_free").x.empty());
  play_until(ui, app, 400);
  regret = &app.view()->figure().plots[1];
  const klab::plot::Line klucb = line_named(*regret, "klucb"), ufe = line_named(*regret, "ufe");
  REQUIRE_FALSE(ufe.x.empty());
  CHECK(ufe.x.back() < klucb.x.back());  // 184 free pulls behind on its own clock
  check_plots(recorded_frame(ui, app), "bandits.free_exploration");

  // kl.categorical: the button sets q to 0.001 where p is largest (bin 1 at the defaults), through the parameters.
  app.select("kl.categorical");
  for (int f = 0; f < 3; ++f) ui.frame(app);
  click_recorded_item(ui, app, "button:kl_q_small");
  const klab::ParamSet& ps = app.experiment().params();
  const std::vector<double> q = ps.get(static_cast<size_t>(ps.find("q"))).list;
  REQUIRE(q.size() == 4);
  double sum = 0;
  for (double v : q) sum += v;
  CHECK(q[0] / sum == doctest::Approx(0.001).epsilon(0.01));
}

TEST_CASE("mdp.learning with off-policy evaluators only: their error plot is the headline beside the map, then their λ sweep, no regret plot") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  app.select("mdp.learning");
  REQUIRE(app.experiment().params().set_texts({{"methods", "retrace,rbis"}, {"episodes", "200"}}).ok());
  for (int f = 0; f < 30; ++f) ui.frame(app);
  const auto plots = recorded_frame(ui, app);
  CHECK(has_plot(plots, "map"));
  CHECK(has_plot(plots, "ope"));
  CHECK(has_plot(plots, "ope_vs_lambda"));
  CHECK_FALSE(has_plot(plots, "regret"));
  CHECK(app.view()->steps_done() > 0.0);
  check_plots(plots, "evaluators only, live");
}

TEST_CASE("mdp.learning's learning curves: the mean of 8 live runs with 95% bands; the runs setting at 1 shows run 1 alone") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  app.select("mdp.learning");
  REQUIRE(app.experiment().params().set_texts({{"episodes", "200"}}).ok());
  for (int f = 0; f < 30; ++f) ui.frame(app);
  REQUIRE(app.view()->steps_done() > 0.0);
  // The regret (headline) and the evaluators' error: every series a mean with a band (lo < hi
  // somewhere), titled by its runs; the λ plot follows run 1.
  const auto learning_curves = [&]() {
    std::vector<const klab::plot::Plot*> found;
    for (const klab::plot::Plot& p : app.view()->figure().plots)
      if (p.title.rfind("Cumulative regret", 0) == 0 || p.title.rfind("Off-policy evaluation", 0) == 0) found.push_back(&p);
    return found;
  };
  REQUIRE(learning_curves().size() == 2);
  for (const klab::plot::Plot* p : learning_curves()) {
    CAPTURE(p->title);
    CHECK(p->title.find("mean of 8 runs ± 95% CI") != std::string::npos);
    for (const klab::plot::Line& l : p->lines) {
      REQUIRE(l.lo.size() == l.y.size());
      REQUIRE(l.hi.size() == l.y.size());
      bool wide = false;
      for (size_t i = 0; i < l.y.size(); ++i) wide = wide || l.hi[i] > l.lo[i];
      CHECK(wide);
    }
  }
  check_plots(recorded_frame(ui, app), "learning curves with bands");
  // The runs setting: a click at the slider's left end asks for one run.
  std::vector<klab::ui::PlotRecord> items;
  klab::ui::set_plot_recorder(&items);
  ui.frame(app);
  klab::ui::set_plot_recorder(nullptr);
  const auto slider = std::find_if(items.begin(), items.end(), [](const klab::ui::PlotRecord& r) { return r.id == "button:learning_runs"; });
  REQUIRE(slider != items.end());
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(slider->cell_min.x + 1, (slider->cell_min.y + slider->cell_max.y) / 2);
  ui.frame(app);
  io.MouseDown[0] = true;
  ui.frame(app);
  ui.frame(app);
  io.MouseDown[0] = false;
  ui.frame(app);
  release_mouse();
  for (int f = 0; f < 10; ++f) ui.frame(app);
  REQUIRE(learning_curves().size() == 2);
  for (const klab::plot::Plot* p : learning_curves()) {
    CAPTURE(p->title);
    CHECK(p->title.find(", run 1") != std::string::npos);
    for (const klab::plot::Line& l : p->lines) CHECK(l.lo.empty());
  }
  check_plots(recorded_frame(ui, app), "learning curves of run 1");
}

TEST_CASE("bandits.bai, bandits.streaming and bandits.judges: the headline is the Runs tab's plot of a live batch whose runs grow as they finish") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  // Small sizes so that a few runs finish within a few frames (the defaults' views are drawn by the
  // all-demo cases); the statistics themselves are checked against BatchJob in
  // tests/unit/bandits_live_batch_test.cpp.
  const struct {
    const char* demo;
    std::vector<std::pair<std::string, std::string>> params;
    const char* title;  // how the headline's title starts
  } cases[] = {{"bandits.bai", {{"budget", "400"}}, "P(wrong arm) vs privacy ε"},
               {"bandits.streaming", {{"t_max", "20000"}, {"decades", "1"}}, "Mean regret vs T"},
               {"bandits.judges", {{"budget", "2000"}}, "Mean ℓ_2 error vs budget"}};
  for (const auto& c : cases) {
    CAPTURE(c.demo);
    app.select(c.demo);
    REQUIRE(app.experiment().params().set_texts(c.params).ok());
    const auto runs_in_headline = [&]() {
      const std::string& t = app.view()->figure().plots.front().title;
      const size_t over = t.find(" of ");
      return over == std::string::npos ? -1 : std::stoi(t.substr(t.rfind(' ', over - 1) + 1));
    };
    ui.frame(app);
    REQUIRE(app.view()->animates());
    REQUIRE(app.playing());  // it plays untouched
    const int first = runs_in_headline();
    // Bands are drawn from 5 runs on (core/result_plots.cpp).
    for (int f = 0; f < 600 && runs_in_headline() < 6; ++f) ui.frame(app);
    const klab::plot::Plot& head = app.view()->figure().plots.front();
    CAPTURE(head.title);
    CHECK(head.title.rfind(c.title, 0) == 0);
    CHECK(runs_in_headline() >= 6);
    CHECK(runs_in_headline() > first);
    bool band = false;  // some series has a 95% band of width > 0 (runs that differ)
    for (const klab::plot::Line& l : head.lines)
      for (size_t i = 0; i < l.lo.size() && i < l.hi.size(); ++i) band = band || l.hi[i] > l.lo[i];
    CHECK(band);
    check_plots(recorded_frame(ui, app), std::string(c.demo) + ", live batch");
  }
}

TEST_CASE("the fourth review's fixes: bai's zero errors are markers on a labelled line and 'best arm' is a legend entry; judges' maps share a rounded colour scale; robust's gap is a note") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  {  // bandits.bai at the defaults
    app.select("bandits.bai");
    const klab::plot::Plot* head = nullptr;
    bool zero = false;
    for (int f = 0; f < 600 && !zero; ++f) {
      ui.frame(app);
      head = &app.view()->figure().plots.front();
      for (const klab::plot::Line& l : head->lines)
        zero = zero || std::count(l.y.begin(), l.y.end(), 0.0) > 0;
    }
    REQUIRE(zero);  // sr and dp_bai at large ε make no error within a few runs at T = 8000
    const bool line = std::any_of(head->guides.begin(), head->guides.end(), [](const klab::plot::Guide& g) {
      return !g.vertical && g.label.rfind("0 wrong in ", 0) == 0;
    });
    CHECK(line);
    for (const klab::plot::Line& l : head->lines)
      for (size_t i = 0; i < l.y.size(); ++i)
        if (l.y[i] == 0.0) {
          CAPTURE(l.name);
          CAPTURE(l.x[i]);
          const bool marked = std::any_of(head->points.begin(), head->points.end(), [&](const klab::plot::Points& p) {
            return p.group == klab::plot::series_key(l) && std::count(p.x.begin(), p.x.end(), l.x[i]) > 0;
          });
          CHECK(marked);
        }
    // What "best arm" means is a legend entry, not a note over the θ ray.
    const klab::plot::Plot& g = app.view()->figure().plots[1];
    CHECK(g.annotations.empty());
    const bool named = std::any_of(g.points.begin(), g.points.end(), [](const klab::plot::Points& p) { return p.name == "best arm: largest ⟨a_k, θ⟩"; });
    CHECK(named);
    check_plots(recorded_frame(ui, app), "bandits.bai, zero markers");
  }
  {  // bandits.judges: every allocation map on one scale, topped at a value of two significant digits
    app.select("bandits.judges");
    for (int f = 0; f < 30; ++f) ui.frame(app);
    std::vector<double> tops;
    for (const klab::plot::Plot& p : app.view()->figure().plots)
      for (const klab::plot::Heatmap& h : p.heatmaps) tops.push_back(h.vmax);
    REQUIRE(tops.size() == 3);
    CHECK(tops[0] == tops[1]);
    CHECK(tops[1] == tops[2]);
    const double unit = std::pow(10.0, std::floor(std::log10(tops[0])) - 1.0);
    CHECK(std::fabs(tops[0] / unit - std::round(tops[0] / unit)) < 1e-6);
    check_plots(recorded_frame(ui, app), "bandits.judges, shared colour scale");
  }
  {  // mdp.robust at the defaults: the note with the gap to domain randomisation
    app.select("mdp.robust");
    for (int f = 0; f < 60; ++f) ui.frame(app);
    const klab::plot::Plot& curve = app.view()->figure().plots.front();
    REQUIRE(curve.annotations.size() == 1);
    CHECK(curve.annotations.front().text.find("domain randomisation's") != std::string::npos);
    check_plots(recorded_frame(ui, app), "mdp.robust, gap note");
  }
}

TEST_CASE("mdp.planning on the random MDP: beside the suboptimality, the first method's gap |V*(s) − V̂_k(s)| sinks on a fixed log axis") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  app.select("mdp.planning");
  const auto largest_gap = [&]() {
    const klab::plot::Plot& p = app.view()->figure().plots.at(1);
    CHECK(p.title == "vi: gap |V*(s) − V̂_k(s)| per state");
    CHECK(p.y.scale == klab::plot::Scale::Log);
    REQUIRE(p.lines.size() == 1);
    CHECK(*std::min_element(p.lines[0].y.begin(), p.lines[0].y.end()) >= p.y.cover_lo);
    const double top = *std::max_element(p.lines[0].y.begin(), p.lines[0].y.end());
    CHECK(top <= p.y.cover_hi);
    return top;
  };
  for (int f = 0; f < 5; ++f) ui.frame(app);
  const double early = largest_gap();
  for (int f = 0; f < 60; ++f) ui.frame(app);
  check_plots(recorded_frame(ui, app), "planning live view");
  CHECK(largest_gap() < 0.5 * early);  // VI's values converge like γ^k
}

TEST_CASE("mdp.robust on the random world: the live view draws the set map and the worst-case curve, no grid picture; the Runs tab's plots pass") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  app.select("mdp.robust");
  REQUIRE(app.experiment().params().set_texts({{"grid", "random"}, {"size", "20"}, {"points", "3"}, {"iterations", "3"}}).ok());
  for (int f = 0; f < 60; ++f) ui.frame(app);
  const auto plots = recorded_frame(ui, app);
  CHECK(has_plot(plots, "set"));
  CHECK(has_plot(plots, "worst"));
  CHECK_FALSE(has_plot(plots, "grid"));
  check_plots(plots, "random world, live");
  app.settings().runs = 3;
  app.select_tab(klab::ui::Tab::Runs);
  for (int f = 0; f < 2000 && !(app.runs_result() && !app.runs_busy()); ++f) ui.frame(app);
  ui.frame(app);
  check_plots(recorded_frame(ui, app), "random world, Runs tab");
  app.select_tab(klab::ui::Tab::Live);
}

TEST_CASE("mdp.risk on every world: a grid's map or, off the grid, the policy map per (state, stock); the Runs tab's plots pass") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  app.select("mdp.risk");
  for (const char* world : {"cliff", "four_rooms", "hazard_maze", "riverswim", "chain", "random"}) {
    CAPTURE(world);
    REQUIRE(app.experiment().params().set_texts({{"world", world}, {"horizon", "15"}, {"episodes", "400"}, {"sweeps", "20"}}).ok());
    app.set_speed(200);  // steps per second: a few steps in the frames below
    for (int f = 0; f < 30; ++f) ui.frame(app);
    const auto plots = recorded_frame(ui, app);
    std::string map_title;
    for (const auto& r : plots)
      if (r.id == "map") map_title = r.title;
    const bool grid = std::string(world) == "cliff" || std::string(world) == "four_rooms" || std::string(world) == "hazard_maze";
    CHECK(map_title.find(grid ? "most likely paths" : "per (state, stock)") != std::string::npos);
    CHECK(app.view()->steps_done() > 0.0);
    check_plots(plots, "live");
    app.settings().runs = 2;
    app.select_tab(klab::ui::Tab::Runs);
    for (int f = 0; f < 2000 && !(app.runs_result() && !app.runs_busy()); ++f) ui.frame(app);
    ui.frame(app);
    check_plots(recorded_frame(ui, app), "Runs tab");
    app.select_tab(klab::ui::Tab::Live);
    ui.frame(app);
  }
}

TEST_CASE("mdp.risk with the softplus learner: the live view's learner panel and the Runs tab's learning plot list it") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  REQUIRE(app.open_link("#mdp.risk?learners=is_loss,softplus&horizon=15&episodes=400&sweeps=20").ok());
  app.set_speed(200);
  for (int f = 0; f < 30; ++f) ui.frame(app);
  const auto plots = recorded_frame(ui, app);
  size_t learners = 0;
  for (const auto& r : plots)
    if (r.id == "learners") learners = r.legend.size();
  CHECK(learners == 2);  // is_loss and softplus
  check_plots(plots, "live");
  app.settings().runs = 2;
  app.select_tab(klab::ui::Tab::Runs);
  for (int f = 0; f < 2000 && !(app.runs_result() && !app.runs_busy()); ++f) ui.frame(app);
  REQUIRE(app.runs_result() != nullptr);
  ui.frame(app);
  check_plots(recorded_frame(ui, app), "Runs tab");
  const klab::plot::Figure fig = app.experiment().figure(*app.runs_result());
  bool listed = false;
  for (const auto& p : fig.plots)
    for (const auto& l : p.lines) listed = listed || l.name.rfind("softplus: 0/2 runs diverged", 0) == 0;
  CHECK(listed);
}

TEST_CASE("optim.halpern on DRO least squares: the regression weights' plane beside the natural residual") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  REQUIRE(app.open_link("#optim.halpern?problem=dro_least_squares&mu=0&components=32&methods=vr_halpern_inexact,eag,eg,vr_eg").ok());
  for (int f = 0; f < 90; ++f) ui.frame(app);
  const auto plots = recorded_frame(ui, app);
  check_plots(plots, "DRO live view");
  auto shown = [&](const std::string& start) {
    return std::any_of(plots.begin(), plots.end(), [&](const klab::ui::PlotRecord& r) { return r.title.rfind(start, 0) == 0; });
  };
  CHECK(shown("Drag the start x₀: the regression weights x of the iterates"));
  CHECK(shown("Operator residual against component-oracle calls"));
}

TEST_CASE("optim.halpern on Wasserstein DRO logistic regression: the classifier's weights beside the natural residual") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  REQUIRE(app.open_link("#optim.halpern?problem=wdro_logistic&components=32&methods=vr_halpern_inexact,eag,eg,vr_eg").ok());
  for (int f = 0; f < 90; ++f) ui.frame(app);
  const auto plots = recorded_frame(ui, app);
  check_plots(plots, "WDRO live view");
  auto shown = [&](const std::string& start) {
    return std::any_of(plots.begin(), plots.end(), [&](const klab::ui::PlotRecord& r) { return r.title.rfind(start, 0) == 0; });
  };
  CHECK(shown("Drag the start β₀: the classifier's weights β of the iterates"));
  CHECK(shown("Operator residual against component-oracle calls"));
  // oracle = sparse: the lazily held label flips are settled at every frame the view records.
  REQUIRE(app.open_link("#optim.halpern?problem=wdro_logistic&components=32&methods=vr_halpern_inexact,vr_eg&oracle=sparse").ok());
  for (int f = 0; f < 90; ++f) ui.frame(app);
  check_plots(recorded_frame(ui, app), "WDRO live view, sparse oracle");
  // halpern and vr_halpern need a cocoercive F: the link is refused with the field named.
  const klab::Status refused = app.open_link("#optim.halpern?problem=wdro_logistic&methods=halpern,eg");
  CHECK(!refused.ok());
  CHECK(refused.message().find("methods") != std::string::npos);
}

TEST_CASE("optim.halpern on the paper's matrix game and quadratic program: the players' plane beside the residual, no drag") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  const char* links[] = {"#optim.halpern?problem=matrix_game&size=24&passes=100&methods=vr_halpern_inexact,eag,eg,vr_eg",
                         "#optim.halpern?problem=quadratic_program&size=24&passes=100&methods=vr_halpern_inexact,eag,eg,vr_eg",
                         // the authors' scripts' steps, with their Algorithm 1 (vr_halpern) run outside its assumptions
                         "#optim.halpern?problem=matrix_game&size=24&passes=100&steps=script&methods=vr_halpern,vr_halpern_inexact,eag,eg,vr_eg",
                         "#optim.halpern?problem=quadratic_program&size=24&passes=100&steps=script&methods=vr_halpern,vr_halpern_inexact,eag,eg,vr_eg"};
  const char* titles[] = {"The players' mean houses along the iterates", "The iterates' distances to z*",
                          "The players' mean houses along the iterates", "The iterates' distances to z*"};
  for (int k = 0; k < 4; ++k) {
    CAPTURE(links[k]);
    REQUIRE(app.open_link(links[k]).ok());
    for (int f = 0; f < 90; ++f) ui.frame(app);
    const auto plots = recorded_frame(ui, app);
    check_plots(plots, "paper experiment live view");
    auto shown = [&](const std::string& start) {
      return std::any_of(plots.begin(), plots.end(), [&](const klab::ui::PlotRecord& r) { return r.title.rfind(start, 0) == 0; });
    };
    CHECK(shown(titles[k]));
    CHECK(shown("Operator residual against component-oracle calls"));
  }
  // halpern and vr_halpern need a cocoercive F: refused with the field named (vr_halpern runs only with steps=script).
  const klab::Status refused = app.open_link("#optim.halpern?problem=quadratic_program&methods=vr_halpern,eag");
  CHECK(!refused.ok());
  CHECK(refused.message().find("methods") != std::string::npos);
  const klab::Status elsewhere = app.open_link("#optim.halpern?steps=script&methods=eg,eag");
  CHECK(!elsewhere.ok());
  CHECK(elsewhere.message().find("steps") != std::string::npos);
}

TEST_CASE("blackbox.private_gsd's live view fits every ε at once: the headline has a curve over the whole grid from the first step, labelled below 0.1") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  REQUIRE(app.open_link("#blackbox.private_gsd").ok());
  app.set_playing(false);
  klab::ui::ViewContext ctx{app.experiment(), app.settings().seed, nullptr};
  app.view()->advance(ctx, 1);
  ui.frame(app);
  const auto plots = recorded_frame(ui, app);
  check_plots(plots, "private_gsd default, step 1");
  CHECK(starts_with(largest_plot(plots).title, "Run 1: max query error vs privacy budget ε"));
  const klab::plot::Plot& errors = app.view()->figure().plots.front();
  REQUIRE(errors.lines.size() == 3);  // Private-GSD, RAP, MWEM
  for (const klab::plot::Line& l : errors.lines) {
    CAPTURE(l.name);
    CHECK(l.x.size() == 5);  // the default ε grid, every point already measured
    for (double y : l.y) CHECK(y > 0.0);
  }
  auto ticked = [&](double v) {
    return std::any_of(errors.y.ticks.begin(), errors.y.ticks.end(), [&](const klab::plot::Tick& t) { return t.value == doctest::Approx(v) && !t.label.empty(); });
  };
  CHECK(ticked(0.05));
  CHECK(ticked(0.02));
}

TEST_CASE("blackbox.private_gsd with 8 attributes: the error plot, then the methods that run on attributes 1, 2; MWEM says why it does not") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  REQUIRE(app.open_link("#blackbox.private_gsd?dims=8&queries=prefix").ok());
  app.set_playing(true);
  for (int f = 0; f < 90; ++f) ui.frame(app);
  const auto plots = recorded_frame(ui, app);
  check_plots(plots, "private_gsd d = 8, live");
  auto shown = [&](const std::string& part) {
    return std::any_of(plots.begin(), plots.end(), [&](const klab::ui::PlotRecord& r) { return r.title.find(part) != std::string::npos; });
  };
  CHECK(shown("Run 1: max query error vs privacy budget ε"));
  CHECK(shown("attributes 1, 2 of 8"));
  CHECK(!shown("MWEM (grid) at"));
}

TEST_CASE("blackbox.private_gsd on categorical data: the error plot, then the 2-way marginal of attributes 1, 2 as heat maps, real and every method's") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  REQUIRE(app.open_link("#blackbox.private_gsd?data=categorical&dims=3").ok());
  app.set_playing(true);
  for (int f = 0; f < 90; ++f) ui.frame(app);
  const auto plots = recorded_frame(ui, app);
  check_plots(plots, "private_gsd categorical, live");
  auto shown = [&](const std::string& part) {
    return std::count_if(plots.begin(), plots.end(), [&](const klab::ui::PlotRecord& r) { return r.title.find(part) != std::string::npos; });
  };
  CHECK(shown("Run 1: max query error vs privacy budget ε") == 1);
  CHECK(shown("real data: 2-way marginal of attributes 1, 2") == 1);
  CHECK(shown(": 2-way marginal of attributes 1, 2") == 4);  // real data, Private-GSD, RAP, MWEM (3 attributes: 224 records)
}

TEST_CASE("blackbox.private_gsd asking 3 random marginals of 4 attributes: the view draws its plots (a smoke test: the readout, with the error on every cell, is not recorded)") {
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  REQUIRE(app.open_link("#blackbox.private_gsd?data=categorical&dims=4&marginals=3").ok());
  app.set_playing(true);
  for (int f = 0; f < 60; ++f) ui.frame(app);
  const auto plots = recorded_frame(ui, app);
  check_plots(plots, "private_gsd categorical, 3 random marginals, live");
  CHECK(std::any_of(plots.begin(), plots.end(), [](const klab::ui::PlotRecord& r) { return r.title == "Run 1: max query error vs privacy budget ε"; }));
}
