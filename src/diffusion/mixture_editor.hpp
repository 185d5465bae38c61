// The data-mixture editor of the diffusion demos' live views (ImGui, the same code natively and in
// the browser): drag a component's mean on the density heatmap, or the end of its principal axis
// (a square handle on the 2σ ellipse) to turn and stretch its covariance; set its weight share, standard
// deviations σx, σy and correlation ρ, add or remove components (1 to kMaxComponents), or start
// again from a preset. Every change is written to the demo's `mixture` parameter
// (mixture_text.hpp), so the URL hash, "Copy CLI command" and `klab run --set mixture=...`
// reproduce the edited mixture exactly; a rejected change (say, composition experts that no longer
// exist) shows the parameter's message and leaves the parameters as they were.
#pragma once
#include <cstdint>
#include <string>

#include "core/experiment.hpp"
#include "core/figure.hpp"
#include "diffusion/mixture2d.hpp"

namespace klab::diffusion {

class MixtureEditor {
 public:
  // The toggle and, when open, the editor (its plot has id "mixture editor"); the caller's plots
  // go below. Opens by itself when the demo's parameters first carry an edited mixture.
  void draw(Experiment& experiment);

 private:
  void draw_open(ParamSet& params);  // the toggle, then the plot and the controls when open
  void load(const ParamSet& params);  // draft_ ← the demo's current mixture (preset or edited)
  void commit(ParamSet& params);      // draft_ → the `mixture` parameter, values rounded
  void draw_plot_and_handles(float width, float height);
  void draw_controls(ParamSet& params);
  void refresh_heatmap();

  bool open_ = false;
  bool loaded_ = false;
  uint64_t loaded_version_ = 0;
  std::string loaded_text_;
  Mixture draft_;   // what is shown and edited; written to the parameter by commit()
  Box box_{};       // the plot's fixed view (set on load, so the picture holds still while editing)
  plot::Heatmap heatmap_;
  bool heatmap_stale_ = true;
  int selected_ = 0;
  int dragging_ = -1;   // component whose mean is being dragged
  int axis_dragging_ = -1;  // component whose axis end is being dragged
  double axis_minor_ = 0.0;  // the other axis' eigenvalue when that drag began (kept during it)
  bool editing_ = false;  // a slider of the draft is held: the parameters are not reloaded
  std::string message_;   // the last rejected change's message
};

}  // namespace klab::diffusion
