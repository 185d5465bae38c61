// Headless UI tests: the real App shell and every demo's panel drawn frame after frame without a
// window or GPU (heatmaps take the CPU path), with scripted parameter changes, tab switches,
// play/step, mouse input, window sizes and HiDPI scales. Any ImGui assertion aborts the
// program (src/ui/imgui_config.hpp), failing the test. Built natively and for wasm (node).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "app/catalog.hpp"
#include "app/views.hpp"
#include "core/rng.hpp"
#include "core/run_output.hpp"
#include "core/url_state.hpp"
#include "imgui.h"
#include "imgui_internal.h"  // ImTextCharFromUtf8
#include "ui/app.hpp"
#include "ui/platform.hpp"
#include "ui/theme.hpp"

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
      // Keep the heavy knobs (steps, samples) moderate so the test stays fast.
      v.integer = static_cast<long long>(std::llround(in_range(spec.lo, std::min(spec.hi, spec.lo + 2000.0), spec.log_scale)));
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

// Moves, clicks, drags and scrolls the mouse at random over the window.
void fuzz_mouse(klab::Rng& rng, float width, float height) {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = ImVec2(static_cast<float>(rng.uniform() * width), static_cast<float>(rng.uniform() * height));
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
    app.settings().runs = 40;
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
      if (f % 3 == 0) fuzz_mouse(rng, 1440, 900);
      ui.frame(app);
      REQUIRE(app.experiment().params().check_consistency().ok());
    }
    release_mouse();
    ui.frame(app);
  }
  CHECK(ui.frames() == 301 * static_cast<int>(app.catalog().demos().size()));
}

// Every character of `text` has a glyph in the embedded fonts (no '?' boxes on screen).
void check_glyphs(const std::string& text, const std::string& where) {
  ImFont* font = ImGui::GetIO().FontDefault;
  const char* s = text.c_str();
  const char* end = s + text.size();
  while (s < end) {
    unsigned int c = 0;
    const int n = ImTextCharFromUtf8(&c, s, end);
    if (n <= 0) break;
    s += n;
    if (c < 0x20) continue;  // newlines, tabs
    CAPTURE(where);
    CAPTURE(c);
    CHECK(font->FindGlyphNoFallback(static_cast<ImWchar>(c)) != nullptr);
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
    if (app.view())
      for (const auto& p : app.view()->figure().plots) {
        all += p.title + p.x.label + p.y.label + p.corners[0] + p.corners[1] + p.corners[2];
        for (const auto& l : p.lines) all += l.name;
        for (const auto& g : p.guides) all += g.label;
        for (const auto& hm : p.heatmaps) all += hm.label;
      }
    check_glyphs(all, d.id);
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
  // new demo's live view must be ready before the centre draws it.
  Headless ui(1280, 800, 1.0f);
  App app = make_app();
  ui.frame(app);
  ImGuiIO& io = ImGui::GetIO();
  const float menu_h = ImGui::GetFontSize() + 2 * ImGui::GetStyle().FramePadding.y;
  const float row = ImGui::GetFontSize() + ImGui::GetStyle().ItemSpacing.y;
  const auto& demos = app.catalog().demos();
  // The sidebar lists each chapter's title, then its demos, then a little spacing.
  auto row_of = [&](size_t k, int* chapter_index) {
    size_t line = 0;
    *chapter_index = 0;
    for (const klab::ChapterInfo& c : app.catalog().chapters()) {
      ++line;  // the title
      for (size_t i = 0; i < demos.size(); ++i) {
        if (demos[i].chapter != c.id) continue;
        if (i == k) return line;
        ++line;
      }
      ++*chapter_index;
    }
    return line;
  };
  for (size_t k = demos.size(); k-- > 0;) {  // last to first: every click is a change
    CAPTURE(demos[k].id);
    int chapter = 0;
    const size_t line = row_of(k, &chapter);
    io.MousePos = ImVec2(60, menu_h + ImGui::GetStyle().WindowPadding.y + line * row + chapter * ImGui::GetStyle().ItemSpacing.y +
                                 ImGui::GetFontSize() * 0.5f);
    ui.frame(app);
    io.MouseDown[0] = true;
    ui.frame(app);
    io.MouseDown[0] = false;
    ui.frame(app);
    ui.frame(app);
    CHECK(app.demo().id == demos[k].id);
  }
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
  REQUIRE_FALSE(app.playing());
  press(space);
  CHECK(app.playing());
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
  io.KeyMap[ImGuiKey_Space] = io.KeyMap[ImGuiKey_RightArrow] = -1;
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
    CHECK(ps.text(static_cast<size_t>(ps.find("p_hat"))) == "0.3");
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
    app.settings().runs = 37;  // not a multiple of the block size
    app.settings().seed = 5;
    app.select_tab(klab::ui::Tab::Runs);
    for (int f = 0; f < 10000; ++f) {  // the tab opens on the next frame, the runs start on the one after
      ui.frame(app);
      if (app.runs_result() && !app.runs_busy()) break;
    }
    REQUIRE(app.runs_result() != nullptr);
    REQUIRE(app.runs_result()->runs_done == 37u);

    klab::BatchJob job(app.experiment().clone(), 5, 37);
    job.run_all(3);
    klab::BatchResult cli = job.result();
    klab::BatchResult gui = *app.runs_result();
    cli.seconds = gui.seconds = 1.0;  // timing aside, the summaries must be identical
    CHECK(klab::summary_json(demo.id, app.experiment().params(), gui) ==
          klab::summary_json(demo.id, app.experiment().params(), cli));
    CHECK(klab::curves_csv(gui) == klab::curves_csv(cli));
  }
}
