// The alignment chapter's live views (ImGui): every demo trains run 0 of its experiment step by
// step under a per-frame time budget and draws the numbers of the chapter's trainers.
#pragma once
#include <memory>
#include <string>

#include "ui/demo_view.hpp"

namespace klab::alignment {
// The view of `demo_id`, or null if the id is not one of this chapter's.
std::unique_ptr<ui::DemoView> make_view(const std::string& demo_id);
}  // namespace klab::alignment
