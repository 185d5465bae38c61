// The bandits chapter's live views: widgets, plots and drag handles only; every number comes from
// the chapter's experiment code (the same code the CLI and the tests run).
#include "bandits/panels.hpp"

#include "bandits/panel_views.hpp"

namespace klab::bandits {

std::unique_ptr<ui::DemoView> make_view(const std::string& demo_id) {
  if (demo_id == "bandits.regret") return make_regret_view();
  if (demo_id == "bandits.free_exploration") return make_free_view();
  if (demo_id == "bandits.streaming") return make_streaming_view();
  if (demo_id == "bandits.judges") return make_judges_view();
  if (demo_id == "bandits.bai") return make_bai_view();
  return nullptr;
}

}  // namespace klab::bandits
