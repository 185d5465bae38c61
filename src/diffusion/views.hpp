// The diffusion chapter's live views that live in their own files (panels.cpp's make_view returns
// them): each a film of its demo's own sampler (film_view.hpp) beside the demo's curves.
#pragma once
#include <memory>
#include <string>

#include "core/plot_scale.hpp"
#include "ui/demo_view.hpp"

namespace klab::diffusion {

// A number as the views' readouts and titles write it.
inline std::string num(double v) { return plot::format_number(v); }

std::unique_ptr<ui::DemoView> make_tsmc_view();         // tsmc_view.cpp
std::unique_ptr<ui::DemoView> make_constrained_view();  // constrained_view.cpp
std::unique_ptr<ui::DemoView> make_federated_view();    // federated_view.cpp

}  // namespace klab::diffusion
