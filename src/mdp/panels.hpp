// The mdp chapter's live views (ImGui): mdp.planning, mdp.robust, mdp.learning and mdp.constrained
// (learning_panels.hpp), mdp.irl, mdp.safe_meta and mdp.risk (irl_safe_risk_panels.hpp).
#pragma once
#include <memory>
#include <string>

#include "ui/demo_view.hpp"

namespace klab::mdp {
// The view of `demo_id`, or null if the id is not one of this chapter's views.
std::unique_ptr<ui::DemoView> make_view(const std::string& demo_id);
}
