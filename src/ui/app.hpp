// The lab's shell, the same in the browser and the native window: chapter/demo sidebar,
// parameter panel, run controls, the centre tabs (Live view, Runs over seeds, About), the
// status bar, notices, and the URL hash that holds the whole state.
//
// frame() lays out one full-window ImGui frame; it is called between ImGui::NewFrame() and
// ImGui::Render() by src/app/main_gui.cpp, and by the headless UI tests with scripted input.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/batch.hpp"
#include "core/registry.hpp"
#include "core/run_settings.hpp"
#include "ui/demo_view.hpp"
#include "ui/param_panel.hpp"

namespace klab::ui {

struct Notice {
  enum class Level { Info, Warning, Error };
  Level level = Level::Info;
  std::string text;
  double time = 0;  // seconds since start, when it was posted
};

enum class Tab { Live, Runs, About };

class App {
 public:
  App(Registry catalog, ViewFactory views);
  ~App();

  void frame();

  // Applies a URL hash ("#<demo>?key=value&...&seed=S&runs=N"). Anything invalid leaves the
  // defaults in place and posts a visible warning naming the problem; returns that problem.
  Status open_link(const std::string& hash);
  std::string link() const;
  std::string cli_command() const;
  void select(const std::string& demo_id);
  void select_tab(Tab tab) { requested_tab_ = tab; }

  const DemoInfo& demo() const { return *current().info; }
  Experiment& experiment() { return *current().experiment; }
  RunSettings& settings() { return current().settings; }
  DemoView* view() { return current().view.get(); }
  void set_playing(bool on) { current().playing = on; }
  bool playing() const { return current().playing; }
  void start_runs();
  bool runs_busy() const { return current().job && !current().job->done(); }
  const BatchResult* runs_result() const { return current().result.get(); }
  const std::vector<Notice>& notices() const { return notices_; }
  void post(Notice::Level level, const std::string& text);
  const Registry& catalog() const { return catalog_; }

 private:
  struct Slot {
    const DemoInfo* info = nullptr;
    std::unique_ptr<Experiment> experiment;
    std::unique_ptr<DemoView> view;
    RunSettings settings;
    std::unique_ptr<BatchJob> job;
    std::unique_ptr<BatchResult> result;
    ParamPanel panel;
    uint64_t view_version = ~0ull, view_seed = ~0ull;  // what the live view was built from
    uint64_t runs_version = ~0ull, runs_seed = ~0ull;  // what the Runs result was computed from
    uint32_t runs_count = 0;
    bool playing = false;
    int steps_per_frame = 4;
  };

  Slot& current() { return *slots_[current_]; }
  const Slot& current() const { return *slots_[current_]; }
  Slot& slot_for(size_t demo_index);
  // Replaces the slot's experiment and settings (from a link, or its defaults); stops its runs.
  void adopt(Slot& s, std::unique_ptr<Experiment> experiment, const RunSettings& settings);
  void sync_view();
  void advance_work();
  void sync_url();

  void draw_menu_bar();
  void draw_sidebar(float width, float height);
  void draw_controls(float width, float height);
  void draw_centre(float width, float height);
  void draw_runs_tab();
  void draw_about_tab();
  void draw_status_bar(float height);
  void draw_notice_banner();
  void dismiss_notices();
  void export_figure(const plot::Figure& figure, const std::string& stem, bool svg);

  Registry catalog_;
  ViewFactory views_;
  std::vector<std::unique_ptr<Slot>> slots_;  // one per demo, created on first visit
  size_t current_ = 0;
  Tab tab_ = Tab::Live;
  Tab requested_tab_ = Tab::Live;
  bool tab_requested_ = true;
  std::vector<Notice> notices_;
  std::string last_hash_;
  bool show_sidebar_ = true;
  double runs_rate_ = 0.0;  // work units per second of the batch, smoothed
};

}  // namespace klab::ui
