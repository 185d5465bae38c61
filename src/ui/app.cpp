#include "ui/app.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/figure_csv.hpp"
#include "core/run_output.hpp"
#include "core/svg.hpp"
#include "core/url_state.hpp"
#include "imgui.h"
#include "ui/platform.hpp"
#include "ui/plot.hpp"
#include "ui/theme.hpp"

namespace klab::ui {
namespace {

using Clock = std::chrono::steady_clock;
constexpr double kFrameWorkBudget = 0.008;  // seconds of batch / live work per frame (keeps 60 FPS)

double now_seconds() {
  static const Clock::time_point start = Clock::now();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void text_colored(ImU32 c, const std::string& s) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(c));
  ImGui::TextUnformatted(s.c_str());
  ImGui::PopStyleColor();
}

// Text whose indented lines (equations) use the monospace font.
void rich_text(const std::string& text) {
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (line.rfind("    ", 0) == 0) {
      ImGui::PushFont(services().mono);
      ImGui::TextUnformatted(line.c_str());
      ImGui::PopFont();
    } else {
      ImGui::TextWrapped("%s", line.c_str());
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
}

}  // namespace

App::App(Registry catalog, ViewFactory views) : catalog_(std::move(catalog)), views_(std::move(views)) {
  slots_.resize(catalog_.demos().size());
  slot_for(0);
}

App::~App() = default;

App::Slot& App::slot_for(size_t index) {
  if (!slots_[index]) {
    auto s = std::make_unique<Slot>();
    s->info = &catalog_.demos()[index];
    s->experiment = s->info->make();
    s->view = views_ ? views_(s->info->id) : nullptr;
    s->settings.runs = s->info->default_runs;
    slots_[index] = std::move(s);
  }
  return *slots_[index];
}

void App::post(Notice::Level level, const std::string& text) {
  // Warnings and errors also go to stderr (the browser console), where logs and tests see them.
  if (level != Notice::Level::Info) std::fprintf(stderr, "klab: %s\n", text.c_str());
  notices_.push_back({level, text, now_seconds()});
  if (notices_.size() > 50) notices_.erase(notices_.begin());
}

void App::select(const std::string& demo_id) {
  for (size_t i = 0; i < catalog_.demos().size(); ++i)
    if (catalog_.demos()[i].id == demo_id) {
      slot_for(i);
      if (current_ != i) {
        current_ = i;
        dismiss_notices();  // the user has moved on
        requested_tab_ = Tab::Live;
        tab_requested_ = true;
        // The sidebar and the Demos menu switch in mid-frame, before the centre draws the new
        // demo: its live view must be reset for its parameters first (an unreset view has no state).
        sync_view();
      }
      return;
    }
}

Status App::open_link(const std::string& hash) {
  const std::string trimmed = hash.empty() || hash == "#" ? "" : hash;
  if (trimmed.empty()) return {};
  Expected<UrlState> state = decode_url_hash(trimmed);
  Status problem;
  if (!state.ok()) {
    problem = state.status();
  } else if (!catalog_.find(state.value().demo)) {
    problem = Status::error("unknown demo '" + state.value().demo + "'");
  } else {
    select(state.value().demo);
    Slot& s = current();
    RunSettings settings = s.settings;
    Status st;
    if (!state.value().seed.empty()) st = parse_seed(state.value().seed, &settings.seed);
    if (st.ok() && !state.value().runs.empty()) st = parse_runs(state.value().runs, &settings.runs);
    if (st.ok()) {
      // Validate on a scratch copy first, so a bad link leaves the demo at its defaults.
      std::unique_ptr<Experiment> scratch = s.info->make();
      st = scratch->params().set_texts(state.value().params);
      if (st.ok()) adopt(s, std::move(scratch), settings);
    }
    problem = st;
  }
  if (!problem.ok()) {
    // Whatever was wrong (a malformed link, an unknown demo, a bad value), the demo on screen
    // falls back to its defaults, as the notice says.
    Slot& s = current();
    RunSettings defaults;
    defaults.runs = s.info->default_runs;
    adopt(s, s.info->make(), defaults);
    post(Notice::Level::Warning, "This link could not be used (" + problem.message() + "); showing the defaults instead.");
  }
  last_hash_ = trimmed;  // sync_url() then rewrites the address bar with the full, canonical state
  return problem;
}

void App::adopt(Slot& s, std::unique_ptr<Experiment> experiment, const RunSettings& settings) {
  s.experiment = std::move(experiment);
  s.settings = settings;
  s.job.reset();
  s.result.reset();
  s.playing = false;
}

std::string App::link() const {
  return encode_url_hash(current().info->id, current().experiment->params(), current().settings);
}

std::string App::cli_command() const {
  return klab::cli_command(current().info->id, current().experiment->params(), current().settings);
}

void App::start_runs() {
  Slot& s = current();
  s.job = std::make_unique<BatchJob>(s.experiment->clone(), s.settings.seed, s.settings.runs);
  s.runs_version = s.experiment->params().version();
  s.runs_seed = s.settings.seed;
  s.runs_count = s.settings.runs;
  runs_rate_ = 0.0;
}

void App::sync_view() {
  Slot& s = current();
  if (!s.view) return;
  const uint64_t version = s.experiment->params().version();
  if (version != s.view_version || s.settings.seed != s.view_seed) {
    ViewContext ctx{*s.experiment, s.settings.seed, s.result.get()};
    s.view->reset(ctx);
    s.view_version = version;
    s.view_seed = s.settings.seed;
    if (s.view->autoplay()) s.playing = true;
  }
}

void App::advance_work() {
  Slot& s = current();
  const auto t0 = Clock::now();
  // Live animation first (it is what the user is watching), then the batch in the remaining budget.
  if (s.view && s.playing && s.view->animates()) {
    ViewContext ctx{*s.experiment, s.settings.seed, s.result.get()};
    s.view->advance(ctx, s.steps_per_frame);
    if (s.view->finished()) s.playing = false;
  }
  // Runs are stale when the parameters or seed changed: restart them while their tab is open.
  const bool stale = s.runs_version != s.experiment->params().version() || s.runs_seed != s.settings.seed ||
                     s.runs_count != s.settings.runs;
  if (tab_ == Tab::Runs && stale) start_runs();
  if (s.job && !s.job->done()) {
    const double spent = std::chrono::duration<double>(Clock::now() - t0).count();
    const BatchResult before = s.job->result();
    const auto t1 = Clock::now();
    s.job->advance(std::max(0.001, kFrameWorkBudget - spent));
    const double dt = std::chrono::duration<double>(Clock::now() - t1).count();
    const BatchResult after = s.job->result();
    const double work = (after.runs_done - before.runs_done) * after.layout.work_per_run;
    if (dt > 0) runs_rate_ = runs_rate_ == 0.0 ? work / dt : 0.8 * runs_rate_ + 0.2 * work / dt;
    s.result = std::make_unique<BatchResult>(after);
  }
}

void App::sync_url() {
  std::string changed;
  if (take_hash_change(&changed) && changed != last_hash_) open_link(changed);
  const std::string h = link();
  if (h != last_hash_) {
    set_url_hash(h);
    last_hash_ = h;
  }
}

void App::export_figure(const plot::Figure& figure, const std::string& stem, bool svg) {
  if (figure.plots.empty()) {
    post(Notice::Level::Info, "Nothing to export yet.");
    return;
  }
  const std::string msg = svg ? save_file(stem + ".svg", "image/svg+xml", plot::render_svg(figure))
                              : save_file(stem + ".csv", "text/csv", plot::figure_csv(figure));
  post(Notice::Level::Info, msg);
}

void App::frame() {
  sync_url();
  sync_view();
  advance_work();

  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::Begin("KL Lab", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_MenuBar | ImGuiWindowFlags_NoBringToFrontOnFocus);
  ImGui::PopStyleVar();
  draw_menu_bar();

  const float fs = ImGui::GetFontSize();
  const float status_h = fs * 1.9f;
  const float total_w = ImGui::GetContentRegionAvail().x;
  const float h = ImGui::GetContentRegionAvail().y - status_h;
  const bool narrow = total_w < fs * 55.0f;
  const bool sidebar = show_sidebar_ && !narrow;
  const float side_w = sidebar ? std::clamp(total_w * 0.15f, fs * 11.0f, fs * 16.0f) : 0.0f;
  const float controls_w = std::clamp(total_w * 0.25f, fs * 15.0f, fs * 24.0f);
  const float centre_w = std::max(fs * 10.0f, total_w - side_w - controls_w);

  if (sidebar) {
    draw_sidebar(side_w, h);
    ImGui::SameLine(0, 0);
  }
  draw_centre(centre_w, h);
  ImGui::SameLine(0, 0);
  draw_controls(total_w - side_w - centre_w, h);
  draw_status_bar(status_h);

  // Keyboard: space play/pause (no auto-repeat), right arrow step (repeats while held); not while
  // typing. ImGui 1.86's IsKeyPressed takes the back end's key index (io.KeyMap), not an ImGuiKey_.
  if (!ImGui::GetIO().WantTextInput && current().view && current().view->animates()) {
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false)) current().playing = !current().playing;
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))) {
      ViewContext ctx{*current().experiment, current().settings.seed, current().result.get()};
      current().view->advance(ctx, 1);
    }
  }
  ImGui::End();
}

void App::draw_menu_bar() {
  if (!ImGui::BeginMenuBar()) return;
  ImGui::PushFont(services().title);
  text_colored(color::kAccent, "KL Lab");
  ImGui::PopFont();
  if (ImGui::BeginMenu("Demos")) {
    for (const ChapterInfo& c : catalog_.chapters()) {
      ImGui::TextDisabled("%s — %s", c.id.c_str(), c.title.c_str());
      for (const DemoInfo& d : catalog_.demos())
        if (d.chapter == c.id && ImGui::MenuItem(("  " + d.title).c_str(), d.id.c_str(), d.id == demo().id)) select(d.id);
    }
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    ImGui::MenuItem("Sidebar", nullptr, &show_sidebar_);
    ImGui::EndMenu();
  }
  const bool roomy = ImGui::GetWindowWidth() > ImGui::GetFontSize() * 55.0f;  // narrow windows: the buttons first
  if (roomy) {
    ImGui::TextDisabled("|");
    ImGui::TextUnformatted(demo().title.c_str());
    ImGui::TextDisabled("%s", demo().id.c_str());
  }

  // Right-aligned sharing buttons.
  const float w = ImGui::CalcTextSize("Copy link").x + ImGui::CalcTextSize("Copy CLI command").x +
                  ImGui::GetStyle().FramePadding.x * 4 + ImGui::GetStyle().ItemSpacing.x * 2;
  ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowWidth() - w - 8));
  if (ImGui::SmallButton("Copy link")) post(Notice::Level::Info, copy_text(url_hash().empty() ? link() : url_hash()));
  help_tooltip("Copy this page's link: it holds the demo, every parameter, the seed and the number of runs.");
  if (ImGui::SmallButton("Copy CLI command")) post(Notice::Level::Info, copy_text(cli_command()));
  help_tooltip("The `klab run` command that reruns exactly this configuration natively:\n\n" + cli_command());
  ImGui::EndMenuBar();
}

void App::draw_sidebar(float width, float height) {
  ImGui::BeginChild("##sidebar", ImVec2(width, height), true);
  for (const ChapterInfo& c : catalog_.chapters()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color::kMuted));
    ImGui::TextUnformatted(c.title.c_str());
    ImGui::PopStyleColor();
    help_tooltip(c.blurb);
    for (size_t i = 0; i < catalog_.demos().size(); ++i) {
      const DemoInfo& d = catalog_.demos()[i];
      if (d.chapter != c.id) continue;
      if (ImGui::Selectable(("  " + d.title).c_str(), i == current_)) select(d.id);
      help_tooltip(d.summary + "\n\n" + d.id);
    }
    ImGui::Spacing();
  }
  ImGui::EndChild();
}

void App::draw_controls(float width, float height) {
  Slot& s = current();
  ImGui::BeginChild("##controls", ImVec2(width, height), true);
  ImGui::PushFont(services().title);
  ImGui::TextUnformatted("Parameters");
  ImGui::PopFont();
  s.panel.draw(s.experiment->params());
  if (ImGui::Button("Reset to defaults")) s.experiment->params().reset_to_defaults();

  if (s.view && s.view->animates()) {
    ImGui::Separator();
    ImGui::TextUnformatted("Live");
    ImGui::SameLine();
    ImGui::TextDisabled("%s", s.view->status().c_str());
    ViewContext ctx{*s.experiment, s.settings.seed, s.result.get()};
    if (ImGui::Button(s.playing ? "Pause" : (s.view->finished() ? "Replay" : "Play"), ImVec2(ImGui::GetFontSize() * 4.5f, 0))) {
      if (!s.playing && s.view->finished()) s.view->reset(ctx);
      s.playing = !s.playing;
    }
    help_tooltip("Space");
    ImGui::SameLine();
    if (ImGui::Button("Step")) s.view->advance(ctx, 1);
    help_tooltip("One iteration (right arrow)");
    ImGui::SameLine();
    if (ImGui::Button("Reset")) {
      s.view->reset(ctx);
      s.playing = false;
    }
    ImGui::SetNextItemWidth(-1);
    ImGui::SliderInt("##speed", &s.steps_per_frame, 1, 500, "%d steps / frame", ImGuiSliderFlags_Logarithmic);
  }

  ImGui::Separator();
  ImGui::TextUnformatted("Runs over seeds");
  help_tooltip("Repeat the experiment over independent runs (the same code as `klab run`), aggregated with 95% confidence bands in the Runs tab.");
  ImGui::SetNextItemWidth(-ImGui::GetFrameHeight() - ImGui::GetStyle().ItemSpacing.x);
  ImGui::InputScalar("##seed", ImGuiDataType_U64, &s.settings.seed);
  help_tooltip("Seed: every random draw is a function of (seed, run, stream). Same seed, same numbers, in the browser and natively.");
  ImGui::SameLine();
  if (ImGui::Button("+##seed", ImVec2(ImGui::GetFrameHeight(), 0))) ++s.settings.seed;
  help_tooltip("Next seed");
  int runs = static_cast<int>(s.settings.runs);
  ImGui::SetNextItemWidth(-1);
  if (ImGui::SliderInt("##runs", &runs, 1, 100000, "%d runs", ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp))
    s.settings.runs = static_cast<uint32_t>(std::max(1, runs));
  if (runs_busy()) {
    if (ImGui::Button("Stop")) s.job.reset();
    ImGui::SameLine();
    const double f = s.job->fraction();
    char label[64];
    std::snprintf(label, sizeof label, "%u / %u", static_cast<unsigned>(f * s.settings.runs), s.settings.runs);
    ImGui::ProgressBar(static_cast<float>(f), ImVec2(-1, 0), label);
  } else {
    if (ImGui::Button(s.result ? "Run again" : "Run")) {
      start_runs();
      select_tab(Tab::Runs);
    }
    if (s.result) {
      ImGui::SameLine();
      ImGui::TextDisabled("%u runs, %.2f s", s.result->runs_done, s.result->seconds);
    }
  }

  ImGui::Separator();
  ImGui::TextUnformatted("Export");
  const bool runs_tab = tab_ == Tab::Runs && s.result;
  const plot::Figure shown = runs_tab ? s.experiment->figure(*s.result) : (s.view ? s.view->figure() : plot::Figure{});
  const std::string stem = s.info->id + (runs_tab ? "-runs" : "-live");
  if (ImGui::Button("SVG")) export_figure(shown, stem, true);
  help_tooltip("Download the figure shown in the centre as SVG.");
  ImGui::SameLine();
  if (ImGui::Button("CSV")) export_figure(shown, stem, false);
  help_tooltip("Download the data of the figure shown as CSV (plot, series, kind, x, y, lo, hi).");
  ImGui::EndChild();
}

void App::draw_centre(float width, float height) {
  Slot& s = current();
  ImGui::BeginChild("##centre", ImVec2(width, height), false, ImGuiWindowFlags_NoScrollbar);
  ImGui::SetCursorPos(ImVec2(ImGui::GetStyle().WindowPadding.x, ImGui::GetStyle().WindowPadding.y * 0.5f));
  ImGui::BeginGroup();
  draw_notice_banner();
  ImGui::TextDisabled("%s", s.info->summary.c_str());
  if (ImGui::BeginTabBar("##tabs")) {
    const auto tab = [&](const char* name, Tab t) {
      const ImGuiTabItemFlags flags = (tab_requested_ && requested_tab_ == t) ? ImGuiTabItemFlags_SetSelected : 0;
      if (ImGui::BeginTabItem(name, nullptr, flags)) {
        tab_ = t;
        return true;
      }
      return false;
    };
    if (s.view && tab("Live", Tab::Live)) {
      ImGui::BeginChild("##live", ImVec2(0, 0), false, ImGuiWindowFlags_NoScrollbar);
      ViewContext ctx{*s.experiment, s.settings.seed, s.result.get()};
      s.view->draw(ctx);
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
    if (tab("Runs", Tab::Runs)) {
      draw_runs_tab();
      ImGui::EndTabItem();
    }
    if (tab("About", Tab::About)) {
      draw_about_tab();
      ImGui::EndTabItem();
    }
    tab_requested_ = false;
    ImGui::EndTabBar();
  }
  ImGui::EndGroup();
  ImGui::EndChild();
}

void App::draw_runs_tab() {
  Slot& s = current();
  if (!s.result) {
    ImGui::TextDisabled("Starting %u runs...", s.settings.runs);
    return;
  }
  const BatchResult& r = *s.result;
  if (runs_busy()) {
    char label[96];
    std::snprintf(label, sizeof label, "%u / %u runs", r.runs_done, r.runs_requested);
    ImGui::ProgressBar(static_cast<float>(r.runs_done) / std::max(1u, r.runs_requested), ImVec2(-1, 0), label);
  }
  // Final metrics table: mean ± 95% CI.
  const float table_h = ImGui::GetFrameHeightWithSpacing() * (1.4f + r.layout.series.size());
  if (ImGui::BeginTable("##finals", static_cast<int>(r.layout.final_metrics.size() + 1),
                        ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollX |
                            ImGuiTableFlags_SizingFixedFit,
                        ImVec2(0, table_h))) {
    ImGui::TableSetupColumn("series");
    for (const auto& m : r.layout.final_metrics) ImGui::TableSetupColumn(m.c_str());
    ImGui::TableHeadersRow();
    for (size_t si = 0; si < r.layout.series.size(); ++si) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      const Rgba c = palette(si);
      text_colored(to_imu32(c.r, c.g, c.b), r.layout.series[si]);
      for (size_t m = 0; m < r.layout.final_metrics.size(); ++m) {
        ImGui::TableNextColumn();
        const RunningStat& st = r.final_stat(si, m);
        if (st.count()) ImGui::Text("%s ± %s", plot::format_number(st.mean()).c_str(), plot::format_number(st.ci95()).c_str());
        else ImGui::TextDisabled("–");
      }
    }
    ImGui::EndTable();
  }
  draw_figure("##runs", s.experiment->figure(r), ImVec2(0, 0));
}

void App::draw_about_tab() {
  const Slot& s = current();
  ImGui::BeginChild("##about", ImVec2(0, 0), false);
  ImGui::PushFont(services().title);
  ImGui::TextUnformatted(s.info->title.c_str());
  ImGui::PopFont();
  ImGui::TextDisabled("%s", s.info->id.c_str());
  ImGui::Spacing();
  rich_text(s.info->about);
  ImGui::Spacing();
  ImGui::TextUnformatted("Papers");
  for (const auto& p : s.info->papers) ImGui::BulletText("%s", p.c_str());
  ImGui::Spacing();
  ImGui::TextUnformatted("Rerun at full scale");
  ImGui::PushFont(services().mono);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(cli_command().c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopFont();
  if (ImGui::Button("Copy CLI command")) post(Notice::Level::Info, copy_text(cli_command()));
  ImGui::EndChild();
}

// The latest warning as a banner (with a count of earlier ones); closing it, or moving to another
// demo, dismisses them all. Every notice stays in the log (notices()).
void App::draw_notice_banner() {
  int latest = -1, earlier = 0;
  for (size_t i = 0; i < notices_.size(); ++i)
    if (notices_[i].level != Notice::Level::Info) earlier += latest >= 0, latest = static_cast<int>(i);
  if (latest < 0) return;
  const Notice& n = notices_[static_cast<size_t>(latest)];
  const std::string text = n.text + (earlier ? "  (+" + std::to_string(earlier) + " earlier)" : "");
  ImGui::PushStyleColor(ImGuiCol_ChildBg, n.level == Notice::Level::Error ? ImVec4(0.35f, 0.12f, 0.12f, 1) : ImVec4(0.33f, 0.25f, 0.08f, 1));
  const float wrap = ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() * 3;
  const float h = ImGui::CalcTextSize(text.c_str(), nullptr, false, wrap).y + ImGui::GetStyle().WindowPadding.y * 2;
  ImGui::BeginChild("##notice", ImVec2(0, h), true, ImGuiWindowFlags_NoScrollbar);
  ImGui::PushTextWrapPos(wrap);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
  ImGui::SameLine(ImGui::GetContentRegionAvail().x + ImGui::GetCursorPosX() - ImGui::GetFontSize() * 1.5f);
  const bool close = ImGui::SmallButton("x");
  ImGui::EndChild();
  ImGui::PopStyleColor();
  if (close) dismiss_notices();
}

void App::dismiss_notices() {
  for (Notice& n : notices_) n.level = Notice::Level::Info;  // demoted: kept in the log, off the banner
}

void App::draw_status_bar(float height) {
  ImGui::BeginChild("##status", ImVec2(0, height), false, ImGuiWindowFlags_NoScrollbar);
  ImGui::SetCursorPos(ImVec2(ImGui::GetStyle().WindowPadding.x, (height - ImGui::GetTextLineHeight()) * 0.5f));
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::TextDisabled("%.0f FPS", io.Framerate);
  const Slot& s = current();
  if (s.view && !s.view->status().empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("·  %s", s.view->status().c_str());
  }
  if (runs_rate_ > 0 && s.result) {
    ImGui::SameLine();
    ImGui::TextDisabled("·  runs: %s %s/s", plot::format_number(runs_rate_).c_str(), s.result->layout.work_unit.c_str());
  }
  if (!notices_.empty() && now_seconds() - notices_.back().time < 5.0) {
    ImGui::SameLine();
    const Notice& n = notices_.back();
    text_colored(n.level == Notice::Level::Info ? color::kText : color::kWarning, "·  " + n.text);
  }
  ImGui::EndChild();
}

}  // namespace klab::ui
