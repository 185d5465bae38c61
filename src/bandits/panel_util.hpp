// Small ImGui helpers shared by the bandits chapter's panels (parameter edits, read-outs, grids).
#pragma once
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "core/params.hpp"
#include "core/plot_scale.hpp"
#include "imgui.h"
#include "ui/readouts.hpp"

namespace klab::bandits::panel {

inline ParamValue real_value(double x) {
  ParamValue v;
  v.real = x;
  return v;
}

inline ParamValue list_value(std::vector<double> xs) {
  ParamValue v;
  v.list = std::move(xs);
  return v;
}

// Sets several parameters at once (by key); the ParamSet checks ranges and rules, and a rejected
// change leaves everything as it was.
inline void assign(ParamSet& params, const std::vector<std::pair<const char*, ParamValue>>& changes) {
  std::vector<std::pair<size_t, ParamValue>> indexed;
  for (const auto& [key, value] : changes) {
    const int i = params.find(key);
    if (i >= 0) indexed.emplace_back(static_cast<size_t>(i), value);
  }
  (void)params.assign(indexed);
}

inline std::string num(double v) { return plot::format_number(v); }

// Markers that stay visible on the dark UI and on the light SVG export (true means, targets).
constexpr Rgba kMarker{0.95f, 0.68f, 0.12f, 1.0f};

// An axis of arms 1..k, ticked by arm number only.
inline plot::Axis arm_axis(size_t k, const std::string& label = "arm") {
  std::vector<std::string> names;
  for (size_t a = 0; a < k; ++a) names.push_back(std::to_string(a + 1));
  return plot::category_axis(label, names);
}

}  // namespace klab::bandits::panel
