// The lab's shell, the same in the browser and the native window: chapter/demo sidebar,
// parameter panel, run controls, the centre tabs (Live view, Runs over seeds, About), the
// status bar, notices, and the URL hash that holds the whole state.
//
// Layout: at 900 logical pixels and wider, sidebar | centre | controls; narrower (tablets,
// phones), the centre takes the whole width and the demos and controls live in a drawer opened
// from the menu bar. The Live tab opens with a one-sentence "what to look for" callout (from the
// demo's About text) and a play bar (play/pause, step, reset, a scrubber over the run, the speed
// in steps per second, pin run).
//
// frame() lays out one full-window ImGui frame; it is called between ImGui::NewFrame() and
// ImGui::Render() by src/app/main_gui.cpp, and by the headless UI tests with scripted input.
// wants_frames() tells the host whether anything moves without input (an animation, a batch, a
// notice on a timer): when it does not, the host draws nothing until the next input event.
#pragma once
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/batch.hpp"
#include "core/registry.hpp"
#include "core/run_settings.hpp"
#include "ui/demo_view.hpp"
#include "ui/param_panel.hpp"
#include "ui/plot.hpp"

namespace klab::ui {

struct Notice {
  enum class Level { Info, Warning, Error };
  Level level = Level::Info;
  std::string text;
  double time = 0;  // seconds since start, when it was posted
};

enum class Tab { Live, Runs, About };

// Below this window width (logical pixels) the controls move into a drawer.
constexpr float kDrawerBelowWidth = 900.0f;
// The App's layout rule for the current ImGui viewport: the controls in a drawer, the centre the whole
// width (what App::drawer_mode() holds during a frame; views read it to fit their plots).
bool drawer_layout();

class App {
 public:
  App(Registry catalog, ViewFactory views);
  ~App();

  void frame();
  // Whether something changes without input: the host keeps drawing frames while it does.
  bool wants_frames() const;

  // Applies a URL hash ("#<demo>?key=value&...&seed=S&runs=N"). Anything invalid leaves the
  // defaults in place and posts a visible warning naming the problem; returns that problem.
  Status open_link(const std::string& hash);
  std::string link() const;
  std::string cli_command() const;
  // "Copy cluster script": a Slurm batch script running cli_command() under srun on
  // cluster_tasks() tasks (core/run_output.hpp cluster_script).
  std::string cluster_script() const;
  int cluster_tasks() const { return cluster_tasks_; }
  void set_cluster_tasks(int tasks);
  void select(const std::string& demo_id);
  void select_tab(Tab tab) { requested_tab_ = tab, tab_requested_ = true; }
  Tab tab() const { return tab_; }

  const DemoInfo& demo() const { return *current().info; }
  Experiment& experiment() { return *current().experiment; }
  RunSettings& settings() { return current().settings; }
  DemoView* view() { return current().view.get(); }
  void set_playing(bool on) { current().playing = on; }
  bool playing() const { return current().playing; }
  // Space: play/pause where the view animates; otherwise a brief notice saying there is nothing to play.
  void toggle_play();
  // Live speed in view steps per second.
  double speed() const { return current().speed; }
  void set_speed(double steps_per_second) { current().speed = steps_per_second, current().speed_set = true; }
  // Moves the live run to `fraction` of its length (replaying from the start when going back).
  void seek(double fraction) { current().seek_target = fraction, current().playing = false; }
  double progress() const;
  void start_runs();
  bool runs_busy() const { return current().job && !current().job->done(); }
  const BatchResult* runs_result() const { return current().result.get(); }
  const std::vector<Notice>& notices() const { return notices_; }
  void post(Notice::Level level, const std::string& text);
  // A brief message over the centre (play/pause, nothing to play); fades after two seconds.
  void toast(const std::string& text);
  const std::string& last_toast() const { return toast_; }
  const Registry& catalog() const { return catalog_; }
  PlotContext& plots() { return current().plots; }
  bool drawer_mode() const { return drawer_mode_; }
  bool drawer_open() const { return drawer_open_; }
  void set_drawer_open(bool open) { drawer_open_ = open; }

 private:
  struct Slot {
    const DemoInfo* info = nullptr;
    std::unique_ptr<Experiment> experiment;
    std::unique_ptr<DemoView> view;
    RunSettings settings;
    std::unique_ptr<BatchJob> job;
    std::unique_ptr<BatchResult> result;
    std::unique_ptr<plot::Figure> runs_figure;  // experiment->figure(*result), made when first asked for
    bool runs_figure_behind = false;            // runs finished since it was made
    double runs_figure_made = 0.0, runs_figure_cost = 0.0;  // when (the UI's clock), and its cost in seconds
    ParamPanel panel;
    PlotContext plots;   // focus set, zoom and pinned ghosts of this demo's plots
    std::string callout; // the About text's first "what to look for" sentence
    uint64_t view_version = ~0ull, view_seed = ~0ull;  // what the live view was built from
    uint64_t runs_version = ~0ull, runs_seed = ~0ull;  // what the Runs result was computed from
    uint32_t runs_count = 0;
    bool playing = false;
    double speed = 60.0;  // view steps per second
    bool speed_set = false;  // chosen by the reader (kept across runs)
    double step_debt = 0.0;  // fractional steps carried to the next frame
    double seek_target = -1.0;
  };

  Slot& current() { return *slots_[current_]; }
  const Slot& current() const { return *slots_[current_]; }
  Slot& slot_for(size_t demo_index);
  // Replaces the slot's experiment and settings (from a link, or its defaults); stops its runs.
  void adopt(Slot& s, std::unique_ptr<Experiment> experiment, const RunSettings& settings);
  // The Runs tab's figure of s.result. A demo's figure() may be costly (optim.halpern's replays run 1
  // to draw its iterates), so it is made once per result: while runs are still finishing, again at
  // most every max(0.5 s, 10 × its cost) (at most a tenth of the frames' time), and once they are done.
  const plot::Figure& runs_figure(Slot& s);
  void sync_view();
  void advance_work();
  void advance_seek(Slot& s);
  void sync_url();

  void draw_menu_bar();
  void draw_cluster_script_controls(bool in_menu);
  void draw_demo_list(bool close_on_select);
  void draw_sidebar(float width, float height);
  void draw_controls(float width, float height);
  void draw_controls_body();
  void draw_drawer();
  void draw_centre(float width, float height);
  void draw_live_header();
  void draw_runs_tab();
  void draw_about_tab();
  void draw_status_bar(float height);
  void draw_notice_banner();
  void draw_toast();
  void dismiss_notices();
  void export_figure(const plot::Figure& figure, const std::string& stem, bool svg);

  Registry catalog_;
  ViewFactory views_;
  std::vector<std::unique_ptr<Slot>> slots_;  // one per demo, created on first visit
  size_t current_ = 0;
  std::set<std::string> open_chapters_;  // chapters whose demos the sidebar lists (the current one's opens itself)
  Tab tab_ = Tab::Live;
  Tab requested_tab_ = Tab::Live;
  bool tab_requested_ = true;
  std::vector<Notice> notices_;
  std::string last_hash_;
  bool show_sidebar_ = true;
  bool drawer_mode_ = false, drawer_open_ = false;
  std::string toast_;
  double toast_time_ = -100.0;
  double runs_rate_ = 0.0;  // work units per second of the batch, smoothed
  int cluster_tasks_ = 64;  // Slurm tasks of the cluster script
};

}  // namespace klab::ui
