// The optim chapter's live views (ImGui): optim.mixture, optim.lion, optim.online, optim.halpern, optim.bilevel.
#pragma once
#include <memory>
#include <string>

#include "ui/demo_view.hpp"

namespace klab::optim {
// The view of `demo_id`, or null if the id is not one of this chapter's.
std::unique_ptr<ui::DemoView> make_view(const std::string& demo_id);
}
