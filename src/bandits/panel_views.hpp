// The chapter's views, one factory per demo (defined in <demo>_panel.cpp).
#pragma once
#include <memory>

#include "ui/demo_view.hpp"

namespace klab::bandits {
std::unique_ptr<ui::DemoView> make_regret_view();
std::unique_ptr<ui::DemoView> make_free_view();
std::unique_ptr<ui::DemoView> make_streaming_view();
std::unique_ptr<ui::DemoView> make_judges_view();
std::unique_ptr<ui::DemoView> make_bai_view();
}  // namespace klab::bandits
