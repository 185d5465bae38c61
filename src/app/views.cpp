#include "app/views.hpp"

#include "alignment/panels.hpp"
#include "bandits/panels.hpp"
#include "diffusion/panels.hpp"
#include "blackbox/panels.hpp"
#include "kl/panels.hpp"
#include "mdp/panels.hpp"
#include "offline/panels.hpp"
#include "optim/panels.hpp"

namespace klab {

ui::ViewFactory make_view_factory() {
  return [](const std::string& id) -> std::unique_ptr<ui::DemoView> {
    if (auto v = kl::make_view(id)) return v;
    if (auto v = bandits::make_view(id)) return v;
    if (auto v = alignment::make_view(id)) return v;
    if (auto v = mdp::make_view(id)) return v;
    if (auto v = offline::make_view(id)) return v;
    if (auto v = optim::make_view(id)) return v;
    if (auto v = diffusion::make_view(id)) return v;
    if (auto v = blackbox::make_view(id)) return v;
    return nullptr;
  };
}

}  // namespace klab
