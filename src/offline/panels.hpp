// The offline chapter's live views (ImGui), one per demo.
#pragma once
#include <memory>
#include <string>

#include "ui/demo_view.hpp"

namespace klab::offline {
// The view of `demo_id`, or null if the id is not one of this chapter's views.
std::unique_ptr<ui::DemoView> make_view(const std::string& demo_id);
}
