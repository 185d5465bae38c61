// Parameter widgets generated from a demo's ParamTable: one row per parameter (label with a help
// tooltip naming the allowed range, then the widget). Every change goes through
// ParamSet::assign, so ranges and cross-field rules hold; rejected input is shown in red under
// its widget and the previous value stays.
#pragma once
#include <string>
#include <vector>

#include "core/params.hpp"

namespace klab::ui {

class ParamPanel {
 public:
  // Returns true when a value changed this frame.
  bool draw(ParamSet& params);

 private:
  std::vector<std::string> buffers_;  // text being edited (list parameters)
  std::vector<std::string> errors_;   // last rejection per parameter
  uint64_t seen_version_ = ~0ull;
};

// Shows `text` as a tooltip for the last item when hovered (wrapped to a readable width).
void help_tooltip(const std::string& text);

}  // namespace klab::ui
