#include "ui/app.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/figure_csv.hpp"
#include "core/rich_text.hpp"
#include "core/run_output.hpp"
#include "core/svg.hpp"
#include "core/url_state.hpp"
#include "imgui.h"
#include "ui/platform.hpp"
#include "ui/plot.hpp"
#include "ui/plot_grid.hpp"
#include "ui/readouts.hpp"
#include "ui/theme.hpp"
#include "ui/typeset.hpp"

namespace klab::ui {
namespace {

using Clock = std::chrono::steady_clock;
constexpr double kFrameWorkBudget = 0.008;  // seconds of batch / live work per frame (keeps 60 FPS)
constexpr double kRunSeconds = 8.0;         // the default speed plays a whole live run in about this long
constexpr double kToastSeconds = 1.8;
constexpr double kStatusNoticeSeconds = 5.0;

// The UI's clock: ImGui's time, the sum of the frames' durations (real time in the GUI, scripted
// in the headless tests; it stands still while the host draws nothing).
double now_seconds() { return ImGui::GetTime(); }

void text_colored(ImU32 c, const std::string& s) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(c));
  ImGui::TextUnformatted(s.c_str());
  ImGui::PopStyleColor();
}

float button_width(const char* label) { return ImGui::CalcTextSize(label).x + ImGui::GetStyle().FramePadding.x * 2; }

// printf-safe copy of a text shown through an ImGui format string.
std::string escape_percent(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '%' ? std::string("%%") : std::string(1, c);
  return out;
}

}  // namespace

App::App(Registry catalog, ViewFactory views) : catalog_(std::move(catalog)), views_(std::move(views)) {
  slots_.resize(catalog_.demos().size());
  slot_for(0);
  if (!catalog_.demos().empty()) open_chapters_.insert(catalog_.demos()[0].chapter);
}

App::~App() = default;

App::Slot& App::slot_for(size_t index) {
  if (!slots_[index]) {
    auto s = std::make_unique<Slot>();
    s->info = &catalog_.demos()[index];
    s->experiment = s->info->make();
    s->view = views_ ? views_(s->info->id) : nullptr;
    s->settings.runs = s->info->default_runs;
    s->callout = text::look_for_sentence(s->info->about);
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

void App::toast(const std::string& text) {
  toast_ = text;
  toast_time_ = now_seconds();
}

void App::select(const std::string& demo_id) {
  for (size_t i = 0; i < catalog_.demos().size(); ++i)
    if (catalog_.demos()[i].id == demo_id) {
      slot_for(i);
      open_chapters_.insert(catalog_.demos()[i].chapter);
      if (current_ != i) {
        current_ = i;
        dismiss_notices();  // the user has moved on
        select_tab(Tab::Live);
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
  s.runs_figure.reset();
  s.playing = false;
  s.view_version = ~0ull;  // a new experiment object: rebuild the live view even if versions coincide
}

std::string App::link() const {
  return encode_url_hash(current().info->id, current().experiment->params(), current().settings);
}

std::string App::cli_command() const {
  return klab::cli_command(current().info->id, current().experiment->params(), current().settings);
}

std::string App::cluster_script() const {
  return klab::cluster_script(current().info->id, current().experiment->params(), current().settings, cluster_tasks_);
}

void App::set_cluster_tasks(int tasks) { cluster_tasks_ = std::max(1, std::min(tasks, kMaxClusterTasks)); }

void App::start_runs() {
  Slot& s = current();
  s.job = std::make_unique<BatchJob>(s.experiment->clone(), s.settings.seed, s.settings.runs);
  s.runs_figure.reset();  // another configuration: the old figure must not be shown (advance_work compares runs_done only)
  s.runs_version = s.experiment->params().version();
  s.runs_seed = s.settings.seed;
  s.runs_count = s.settings.runs;
  runs_rate_ = 0.0;
}

double App::progress() const {
  const Slot& s = current();
  if (!s.view || !s.view->animates()) return 1.0;
  return std::clamp(s.view->steps_done() / std::max(s.view->steps_total(), 1e-9), 0.0, 1.0);
}

void App::toggle_play() {
  Slot& s = current();
  if (!s.view || !s.view->animates()) {
    toast(s.view ? "Nothing to play here: this view follows the parameters and the handles you drag."
                 : "Nothing to play here: the Runs tab shows this demo.");
    return;
  }
  if (!s.playing && s.view->finished()) {
    ViewContext ctx{*s.experiment, s.settings.seed, s.result.get()};
    s.view->reset(ctx);
  }
  s.playing = !s.playing;
  s.seek_target = -1.0;
  toast(s.playing ? "▶ Playing" : "Paused");
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
    // A new run plays at once (the story within seconds, untouched), a whole run in ~8 s.
    s.playing = s.view->animates() && !s.view->finished();
    s.step_debt = 0.0;
    s.seek_target = -1.0;
    if (!s.speed_set) s.speed = std::clamp(s.view->steps_total() / kRunSeconds, 1.0, 1e6);
  }
}

// Moves the live run towards the scrubber's target: back to the start if it is behind, then as
// many steps as the frame budget allows.
void App::advance_seek(Slot& s) {
  ViewContext ctx{*s.experiment, s.settings.seed, s.result.get()};
  const double total = std::max(s.view->steps_total(), 1e-9);
  if (s.view->steps_done() > s.seek_target * total + 0.5) s.view->reset(ctx);
  const auto t0 = Clock::now();
  while (s.view->steps_done() < s.seek_target * total - 0.5 && !s.view->finished() &&
         std::chrono::duration<double>(Clock::now() - t0).count() < kFrameWorkBudget) {
    const double before = s.view->steps_done();
    const double left = s.seek_target * total - before;
    s.view->advance(ctx, static_cast<int>(std::clamp(left, 1.0, std::max(1.0, total / 64))));
    if (s.view->steps_done() <= before) break;  // the view cannot move further
  }
  if (s.view->steps_done() >= s.seek_target * total - 0.5 || s.view->finished()) s.seek_target = -1.0;
}

void App::advance_work() {
  Slot& s = current();
  const auto t0 = Clock::now();
  // Live animation first (it is what the user is watching), then the batch in the remaining budget.
  if (s.view && s.view->animates()) {
    if (s.seek_target >= 0) {
      advance_seek(s);
    } else if (s.playing) {
      ViewContext ctx{*s.experiment, s.settings.seed, s.result.get()};
      // Time-based speed: steps per second of wall time, whatever the frame rate.
      const double dt = std::clamp(static_cast<double>(ImGui::GetIO().DeltaTime), 0.0, 0.25);
      s.step_debt += s.speed * dt;
      double steps = std::floor(s.step_debt);
      s.step_debt -= steps;
      // In chunks, within the frame's work budget: a speed the machine cannot keep up with plays
      // as fast as it can (the steps left over are dropped, not owed).
      const double chunk = std::max(1.0, std::ceil(steps / 8));
      while (steps >= 1 && !s.view->finished() &&
             std::chrono::duration<double>(Clock::now() - t0).count() < kFrameWorkBudget) {
        const double n = std::min(steps, chunk);
        s.view->advance(ctx, static_cast<int>(n));
        steps -= n;
      }
      if (s.view->finished()) s.playing = false;
    }
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
    if (s.result && s.result->runs_done != after.runs_done) s.runs_figure_behind = true;  // statistics change with whole runs only
    s.result = std::make_unique<BatchResult>(after);
  }
}

const plot::Figure& App::runs_figure(Slot& s) {
  const double now = now_seconds();
  const bool due = !runs_busy() || now - s.runs_figure_made >= std::max(0.5, 10.0 * s.runs_figure_cost);
  if (!s.runs_figure || (s.runs_figure_behind && due)) {
    const auto t0 = Clock::now();
    s.runs_figure = std::make_unique<plot::Figure>(s.experiment->figure(*s.result));
    s.runs_figure_behind = false;
    s.runs_figure_made = now;
    s.runs_figure_cost = std::chrono::duration<double>(Clock::now() - t0).count();
  }
  return *s.runs_figure;
}

bool App::wants_frames() const {
  const Slot& s = current();
  const double now = now_seconds();
  if (s.view && s.view->animates() && ((s.playing && !s.view->finished()) || s.seek_target >= 0)) return true;
  if (runs_busy() || tab_requested_) return true;
  const bool stale = s.runs_version != s.experiment->params().version() || s.runs_seed != s.settings.seed ||
                     s.runs_count != s.settings.runs;
  if (tab_ == Tab::Runs && stale) return true;
  if (now - toast_time_ < kToastSeconds + 0.2) return true;
  if (!notices_.empty() && now - notices_.back().time < kStatusNoticeSeconds + 0.2) return true;
  return false;
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

bool drawer_layout() { return ImGui::GetMainViewport()->WorkSize.x < kDrawerBelowWidth; }

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
  drawer_mode_ = drawer_layout();
  if (!drawer_mode_) drawer_open_ = false;
  draw_menu_bar();

  const float fs = ImGui::GetFontSize();
  const float status_h = fs * 1.9f;
  const float total_w = ImGui::GetContentRegionAvail().x;
  const float h = ImGui::GetContentRegionAvail().y - status_h;
  if (drawer_mode_) {
    draw_centre(total_w, h);
  } else {
    float side_w = 0;
    if (show_sidebar_) {
      // Wide enough for the longest demo title (longer ones end in "…" with a tooltip).
      for (const DemoInfo& d : catalog_.demos()) side_w = std::max(side_w, ImGui::CalcTextSize(d.title.c_str()).x);
      side_w = std::clamp(side_w + fs * 2.6f, fs * 11.0f, std::min(fs * 18.0f, total_w * 0.2f));
    }
    const float controls_w = std::clamp(total_w * 0.25f, fs * 17.0f, fs * 24.0f);
    const float centre_w = std::max(fs * 10.0f, total_w - side_w - controls_w);
    if (show_sidebar_) {
      draw_sidebar(side_w, h);
      ImGui::SameLine(0, 0);
    }
    draw_centre(centre_w, h);
    ImGui::SameLine(0, 0);
    draw_controls(total_w - side_w - centre_w, h);
  }
  draw_status_bar(status_h);

  // Keyboard: space play/pause (no auto-repeat), right arrow step (repeats while held); not while
  // typing. ImGui 1.86's IsKeyPressed takes the back end's key index (io.KeyMap), not an ImGuiKey_.
  if (!ImGui::GetIO().WantTextInput) {
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false)) toggle_play();
    if (current().view && current().view->animates() && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))) {
      ViewContext ctx{*current().experiment, current().settings.seed, current().result.get()};
      current().view->advance(ctx, 1);
      current().playing = false;
    }
  }
  ImGui::End();
  if (drawer_open_) draw_drawer();
  draw_toast();
  current().plots.end_frame();
}

void App::draw_menu_bar() {
  if (!ImGui::BeginMenuBar()) return;
  if (drawer_mode_) {
    if (ImGui::SmallButton(drawer_open_ ? "× Close" : "☰ Menu")) drawer_open_ = !drawer_open_;
    help_tooltip("The demo list, the parameters and the run controls.");
  } else {
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
  }
  // Right-aligned sharing buttons; the demo's title in between when there is room.
  const char* link_label = drawer_mode_ ? "Link" : "Copy link";
  const char* cli_label = drawer_mode_ ? "CLI" : "Copy CLI command";
  const float w = ImGui::CalcTextSize(link_label).x + ImGui::CalcTextSize(cli_label).x +
                  ImGui::GetStyle().FramePadding.x * 4 + ImGui::GetStyle().ItemSpacing.x * 2;
  ImGui::TextDisabled("|");
  // The demo's title in the room left (cut with "…", whole in the tooltip).
  const float room = ImGui::GetWindowWidth() - w - 8 - ImGui::GetCursorPosX() - ImGui::GetStyle().ItemSpacing.x;
  const std::string title = demo().title + (drawer_mode_ ? "" : "   " + demo().id);
  if (room > ImGui::GetFontSize() * 2) {
    const ImVec2 at(ImGui::GetCursorScreenPos().x, ImGui::GetCursorScreenPos().y + ImGui::GetStyle().FramePadding.y);
    rich_draw_fit(ImGui::GetWindowDrawList(), at, ImGui::GetColorU32(ImGuiCol_Text), title, room);
    ImGui::Dummy(ImVec2(room, ImGui::GetFontSize()));
    help_tooltip(demo().title + "\n\n`" + demo().id + "`");
  }
  ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowWidth() - w - 8));
  if (ImGui::SmallButton(link_label)) post(Notice::Level::Info, copy_text(url_hash().empty() ? link() : url_hash()));
  help_tooltip("Copy this page's link: it holds the demo, every parameter, the seed and the number of runs.");
  // The CLI menu: the command itself, or a Slurm script running it on many MPI tasks.
  if (ImGui::SmallButton(cli_label)) ImGui::OpenPopup("##cli_menu");
  help_tooltip("Copy the `klab run` command that reruns exactly this configuration natively, or a Slurm cluster "
               "script running it on many MPI tasks:\n\n" + cli_command());
  if (ImGui::BeginPopup("##cli_menu")) {
    if (ImGui::MenuItem("Copy CLI command")) post(Notice::Level::Info, copy_text(cli_command()));
    draw_cluster_script_controls(true);
    ImGui::EndPopup();
  }
  ImGui::EndMenuBar();
}

// Chapters and their demos. A chapter lists its demos while open: the current demo's chapter opens
// itself; clicking a chapter's title opens it on its first demo; its arrow opens or closes it (the
// catalogue stays one screen tall as chapters grow). Long demo titles wrap onto a second line.
void App::draw_demo_list(bool close_on_select) {
  const float fs = ImGui::GetFontSize();
  for (const ChapterInfo& c : catalog_.chapters()) {
    std::vector<size_t> demos;
    for (size_t i = 0; i < catalog_.demos().size(); ++i)
      if (catalog_.demos()[i].chapter == c.id) demos.push_back(i);
    if (demos.empty()) continue;
    const bool open = open_chapters_.count(c.id) > 0;
    ImGui::PushID(c.id.c_str());
    // The arrow: a square button one line high (the rows keep the height of a line of text).
    const ImVec2 at = ImGui::GetCursorScreenPos();
    if (ImGui::InvisibleButton("##toggle", ImVec2(fs, fs))) {
      if (open) open_chapters_.erase(c.id);
      else open_chapters_.insert(c.id);
    }
    help_tooltip(open ? "Hide this chapter's demos" : "Show this chapter's demos");
    const float r = fs * 0.28f, cx = at.x + fs * 0.5f, cy = at.y + fs * 0.5f;  // a small triangle: ▾ open, ▸ closed
    if (open) ImGui::GetWindowDrawList()->AddTriangleFilled(ImVec2(cx - r, cy - r * 0.6f), ImVec2(cx + r, cy - r * 0.6f), ImVec2(cx, cy + r * 0.8f), color::kMuted);
    else ImGui::GetWindowDrawList()->AddTriangleFilled(ImVec2(cx - r * 0.6f, cy - r), ImVec2(cx - r * 0.6f, cy + r), ImVec2(cx + r * 0.8f, cy), color::kMuted);
    ImGui::SameLine(0.0f, fs * 0.3f);
    const std::string title = open ? c.title : c.title + "  (" + std::to_string(demos.size()) + ")";
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color::kMuted));
    const bool clicked = ImGui::Selectable(title.c_str(), false, 0, ImVec2(0, fs));
    ImGui::PopStyleColor();
    help_tooltip(c.blurb);
    ImGui::PopID();
    if (clicked) {
      open_chapters_.insert(c.id);
      if (catalog_.demos()[current_].chapter != c.id) select(catalog_.demos()[demos.front()].id);
    }
    if (!open_chapters_.count(c.id)) continue;
    for (size_t i : demos) {
      const DemoInfo& d = catalog_.demos()[i];
      const ImVec2 row = ImGui::GetCursorScreenPos();
      TextLayout layout;
      layout.wrap = ImGui::GetContentRegionAvail().x - fs * 1.0f;
      layout.indent_rest = fs * 0.5f;
      const ImVec2 size = rich_size(d.title, layout);
      ImGui::PushID(static_cast<int>(i));
      const bool picked = ImGui::Selectable("##demo", i == current_, 0, ImVec2(0, size.y));
      ImGui::PopID();
      rich_draw(ImGui::GetWindowDrawList(), ImVec2(row.x + fs * 0.8f, row.y), ImGui::GetColorU32(ImGuiCol_Text), d.title, layout);
      help_tooltip(d.summary + "\n\n`" + d.id + "`");
      if (picked) {
        select(d.id);
        if (close_on_select) drawer_open_ = false;
      }
    }
    ImGui::Spacing();
  }
}

void App::draw_sidebar(float width, float height) {
  ImGui::BeginChild("##sidebar", ImVec2(width, height), true);
  draw_demo_list(false);
  ImGui::EndChild();
}

void App::draw_controls(float width, float height) {
  ImGui::BeginChild("##controls", ImVec2(width, height), true);
  draw_controls_body();
  ImGui::EndChild();
}

void App::draw_drawer() {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float fs = ImGui::GetFontSize(), menu_h = ImGui::GetFrameHeight();
  const float w = std::min(vp->WorkSize.x, fs * 24.0f);
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x - w, vp->WorkPos.y + menu_h));
  ImGui::SetNextWindowSize(ImVec2(w, vp->WorkSize.y - menu_h));
  ImGui::SetNextWindowFocus();
  ImGui::Begin("##drawer", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
  if (ImGui::CollapsingHeader("Demos", ImGuiTreeNodeFlags_DefaultOpen)) draw_demo_list(true);
  ImGui::Separator();
  draw_controls_body();
  ImGui::End();
}

void App::draw_controls_body() {
  Slot& s = current();
  ImGui::PushFont(services().title);
  ImGui::TextUnformatted("Parameters");
  ImGui::PopFont();
  s.panel.draw(s.experiment->params());
  if (ImGui::Button("Reset to defaults")) s.experiment->params().reset_to_defaults();

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
      if (drawer_mode_) drawer_open_ = false;
    }
    if (s.result) {
      ImGui::SameLine();
      ImGui::TextDisabled("%u runs, %.2f s", s.result->runs_done, s.result->seconds);
    }
  }

  ImGui::Separator();
  ImGui::TextUnformatted("Export");
  const bool runs_tab = tab_ == Tab::Runs && s.result;
  auto shown = [&] { return runs_tab ? runs_figure(s) : (s.view ? s.view->figure() : plot::Figure{}); };  // on a click only
  const std::string stem = s.info->id + (runs_tab ? "-runs" : "-live");
  if (ImGui::Button("SVG")) export_figure(shown(), stem, true);
  help_tooltip("Download the figure shown in the centre as SVG.");
  ImGui::SameLine();
  if (ImGui::Button("CSV")) export_figure(shown(), stem, false);
  help_tooltip("Download the data of the figure shown as CSV (plot, series, kind, x, y, lo, hi).");
}

// The Live tab's head: what to look for, then the play bar (where the view animates).
void App::draw_live_header() {
  Slot& s = current();
  const float fs = ImGui::GetFontSize();
  if (!s.callout.empty()) {
    const ImVec2 top = ImGui::GetCursorScreenPos();
    ImGui::Indent(fs * 0.7f);
    rich_text("Look for: " + s.callout, IM_COL32(245, 220, 150, 255));
    ImGui::Unindent(fs * 0.7f);
    const float bottom = ImGui::GetItemRectMax().y;
    ImGui::GetWindowDrawList()->AddRectFilled(top, ImVec2(top.x + fs * 0.22f, bottom), IM_COL32(245, 200, 90, 255));
  }
  if (!s.view || !s.view->animates()) return;
  ViewContext ctx{*s.experiment, s.settings.seed, s.result.get()};
  const char* play = s.playing ? "Pause" : (s.view->finished() ? "↻ Replay" : "▶ Play");
  if (ImGui::Button(play, ImVec2(fs * 5.2f, 0))) toggle_play();
  help_tooltip("Space");
  ImGui::SameLine();
  if (ImGui::Button("Step")) {
    s.view->advance(ctx, 1);
    s.playing = false;
  }
  help_tooltip("One step (right arrow)");
  ImGui::SameLine();
  if (ImGui::Button("Reset")) {
    s.view->reset(ctx);
    s.playing = false;
  }
  help_tooltip("Back to the start of this run");
  // The scrubber: drag to any point of the run (going back replays from the start).
  same_line_if_fits(fs * 14);
  float at = static_cast<float>(progress());
  ImGui::SetNextItemWidth(std::max(fs * 8, ImGui::GetContentRegionAvail().x - fs * 14.5f));
  if (ImGui::SliderFloat("##scrub", &at, 0.0f, 1.0f, escape_percent(s.view->status()).c_str())) seek(at);
  help_tooltip("Drag to move through the run");
  same_line_if_fits(fs * 8);
  float speed = static_cast<float>(s.speed);
  ImGui::SetNextItemWidth(fs * 8);
  if (ImGui::SliderFloat("##speed", &speed, 1.0f, 1e5f, "%.0f steps/s", ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp))
    set_speed(speed);
  help_tooltip("Playback speed in steps per second (the same on a slow and a fast screen)");
  same_line_if_fits(button_width("Unpin"));
  if (ImGui::Button(s.plots.pinned() ? "Unpin" : "Pin")) {
    if (s.plots.pinned()) s.plots.unpin();
    else s.plots.pin();
  }
  help_tooltip(s.plots.pinned() ? "Drop the grey ghost of the pinned run"
                                : "Keep the curves on screen now as a grey ghost, to compare after a parameter change");
}

void App::draw_centre(float width, float height) {
  Slot& s = current();
  set_plot_context(&s.plots);
  ImGui::BeginChild("##centre", ImVec2(width, height), false, ImGuiWindowFlags_NoScrollbar);
  ImGui::SetCursorPos(ImVec2(ImGui::GetStyle().WindowPadding.x, ImGui::GetStyle().WindowPadding.y * 0.5f));
  ImGui::BeginGroup();
  ImGui::PushItemWidth(-1);
  draw_notice_banner();
  rich_text(s.info->summary, color::kMuted, width - ImGui::GetStyle().WindowPadding.x * 2);
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
      draw_live_header();
      ImGui::BeginChild("##live", ImVec2(width - ImGui::GetStyle().WindowPadding.x * 2, 0), false);
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
  ImGui::PopItemWidth();
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
  ImGui::BeginChild("##runs_tab", ImVec2(0, 0), false);
  if (runs_busy()) {
    char label[96];
    std::snprintf(label, sizeof label, "%u / %u runs", r.runs_done, r.runs_requested);
    ImGui::ProgressBar(static_cast<float>(r.runs_done) / std::max(1u, r.runs_requested), ImVec2(-1, 0), label);
  }
  // Final metrics: mean ± 95% half-width, digits matched to the uncertainty.
  const float row_h = ImGui::GetTextLineHeight() + 2 * ImGui::GetStyle().CellPadding.y;
  const float table_h = row_h * (1.0f + static_cast<float>(r.layout.series.size())) + ImGui::GetStyle().ScrollbarSize + 4;
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
        if (st.count()) ImGui::TextUnformatted(plot::format_estimate(st.mean(), st.ci95()).c_str());
        else ImGui::TextDisabled("–");
      }
    }
    ImGui::EndTable();
  }
  help_tooltip("Mean over runs ± the half-width of its 95% confidence interval; [lo, hi] where the interval is wider than the mean.");
  draw_figure("##runs", runs_figure(s));
  ImGui::EndChild();
}

void App::draw_about_tab() {
  const Slot& s = current();
  const float fs = ImGui::GetFontSize();
  ImGui::BeginChild("##about", ImVec2(0, 0), false);
  ImGui::PushFont(services().title);
  rich_text(s.info->title);
  ImGui::PopFont();
  ImGui::TextDisabled("%s", s.info->id.c_str());
  ImGui::Spacing();
  rich_document(s.info->about);
  ImGui::Spacing();
  ImGui::PushFont(services().title);
  ImGui::TextUnformatted("Papers");
  ImGui::PopFont();
  const float width = std::min(ImGui::GetContentRegionAvail().x, fs * 48.0f);
  for (size_t i = 0; i < s.info->papers.size(); ++i) {
    const text::Citation c = text::parse_citation(s.info->papers[i]);
    ImGui::PushID(static_cast<int>(i));
    if (!c.authors.empty()) rich_text(c.authors + ".", color::kMuted, width);
    // The title is a link: the arXiv/DOI page where the reference names one, else a title search.
    const ImVec2 at = ImGui::GetCursorScreenPos();
    rich_text(c.title, color::kAccent, width);
    const bool hovered = ImGui::IsItemHovered();
    if (hovered) {
      ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
      const ImVec2 r = ImGui::GetItemRectMax();
      ImGui::GetWindowDrawList()->AddLine(ImVec2(at.x, r.y), r, color::kAccent);
      help_tooltip((c.direct ? "Open " : "Search for this title: ") + c.url);
    }
    if (ImGui::IsItemClicked()) post(Notice::Level::Info, open_url(c.url));
    if (!c.rest.empty()) rich_text(c.rest, color::kMuted, width);
    ImGui::PopID();
    ImGui::Spacing();
  }
  ImGui::Spacing();
  ImGui::TextUnformatted("Rerun at full scale");
  ImGui::PushFont(services().mono);
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  ImGui::TextUnformatted(cli_command().c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopFont();
  if (ImGui::Button("Copy CLI command")) post(Notice::Level::Info, copy_text(cli_command()));
  draw_cluster_script_controls(false);
  ImGui::EndChild();
}

// The number of Slurm tasks and "Copy cluster script" (the CLI menu and the About tab).
void App::draw_cluster_script_controls(bool in_menu) {
  int tasks = cluster_tasks_;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
  if (ImGui::InputInt("Slurm tasks", &tasks)) set_cluster_tasks(tasks);
  help_tooltip("MPI tasks of the cluster script (1 to " + std::to_string(kMaxClusterTasks) +
               "). The results are byte for byte those of the single-process command.");
  if (in_menu ? ImGui::MenuItem("Copy cluster script") : ImGui::Button("Copy cluster script"))
    post(Notice::Level::Info, copy_text(cluster_script()));
  help_tooltip(cluster_script());
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

void App::draw_toast() {
  const double age = now_seconds() - toast_time_;
  if (toast_.empty() || age > kToastSeconds) return;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float fs = ImGui::GetFontSize();
  const float alpha = static_cast<float>(std::min(1.0, (kToastSeconds - age) / 0.4));
  // Centred over the status bar, so that it never covers a plot; a notice too long for one line wraps
  // upwards (on a phone).
  TextLayout layout;
  layout.wrap = vp->WorkSize.x - fs * 4;
  const ImVec2 ts = rich_size(toast_, layout);
  const float pad = fs * 0.35f;
  const ImVec2 at(vp->WorkPos.x + 0.5f * (vp->WorkSize.x - ts.x), vp->WorkPos.y + vp->WorkSize.y - ts.y - pad);
  ImDrawList* dl = ImGui::GetForegroundDrawList();
  dl->AddRectFilled(ImVec2(at.x - fs, at.y - pad), ImVec2(at.x + ts.x + fs, at.y + ts.y + pad),
                    to_imu32(0.08f, 0.09f, 0.11f, 0.92f * alpha), fs * 0.5f);
  rich_draw(dl, at, to_imu32(0.95f, 0.95f, 0.95f, alpha), toast_, layout);
}

void App::draw_status_bar(float height) {
  ImGui::BeginChild("##status", ImVec2(0, height), false, ImGuiWindowFlags_NoScrollbar);
  ImGui::SetCursorPos(ImVec2(ImGui::GetStyle().WindowPadding.x, (height - ImGui::GetTextLineHeight()) * 0.5f));
  const ImGuiIO& io = ImGui::GetIO();
  // The frame rate only means something while frames are drawn continuously.
  if (wants_frames()) ImGui::TextDisabled("%.0f FPS", io.Framerate);
  else ImGui::TextDisabled("idle");
  const Slot& s = current();
  if (s.view && !s.view->status().empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("·  %s", escape_percent(s.view->status()).c_str());
  }
  if (runs_rate_ > 0 && s.result) {
    ImGui::SameLine();
    ImGui::TextDisabled("·  runs: %s %s/s", plot::format_number(runs_rate_).c_str(), s.result->layout.work_unit.c_str());
  }
  if (!notices_.empty() && now_seconds() - notices_.back().time < kStatusNoticeSeconds) {
    ImGui::SameLine();
    const Notice& n = notices_.back();
    text_colored(n.level == Notice::Level::Info ? color::kText : color::kWarning, "·  " + n.text);
  }
  ImGui::EndChild();
}

}  // namespace klab::ui
