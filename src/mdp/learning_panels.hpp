// The live views of mdp.learning and mdp.constrained (ImGui; registered by panels.cpp's make_view).
#pragma once
#include <memory>

#include "ui/demo_view.hpp"

namespace klab::mdp {
// mdp.learning: the control learners and off-policy evaluators (with their λ sweep) of run 1, one episode each per step.
std::unique_ptr<ui::DemoView> make_learning_view();
// mdp.constrained: the Lagrangian learners of run 1, one primal-dual iteration each per step.
std::unique_ptr<ui::DemoView> make_constrained_view();
}  // namespace klab::mdp
