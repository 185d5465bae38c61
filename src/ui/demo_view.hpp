// What a chapter's panel implements: the live, interactive view of one demo (centre of the
// window). Views draw plots built by the chapter's experiment code (no maths here) and may edit
// parameters (dragging bars, peaks) through experiment.params().
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "core/batch.hpp"
#include "core/figure.hpp"

namespace klab::ui {

struct ViewContext {
  Experiment& experiment;
  uint64_t seed;
  const BatchResult* runs;  // latest aggregate of the Runs tab (null before any run)
};

class DemoView {
 public:
  virtual ~DemoView() = default;
  // Parameters or seed changed: rebuild the live state.
  virtual void reset(const ViewContext& ctx) {}
  // Views with live iterations (gradient steps, pulls) get play / pause / step controls, a
  // scrubber and a speed in steps per second; a new run plays as soon as the view is (re)built.
  virtual bool animates() const { return false; }
  virtual void advance(const ViewContext& ctx, int steps) {}
  virtual bool finished() const { return true; }
  virtual std::string status() const { return ""; }  // "step 120 / 400"
  // Where the live run is, in the view's steps (what advance() counts): done and in all (an
  // estimate is fine). They drive the scrubber and the default speed (a whole run in ~8 s).
  virtual double steps_done() const { return finished() ? 1.0 : 0.0; }
  virtual double steps_total() const { return 1.0; }
  // Fills the available region.
  virtual void draw(ViewContext& ctx) = 0;
  // The figure currently shown, for "Export SVG / CSV".
  const plot::Figure& figure() const { return figure_; }

 protected:
  plot::Figure figure_;
};

// demo id -> its view (null: the shell shows the experiment's Runs figure only).
using ViewFactory = std::function<std::unique_ptr<DemoView>(const std::string& demo_id)>;

}  // namespace klab::ui
