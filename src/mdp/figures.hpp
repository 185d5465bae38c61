// Figure pieces shared by the mdp chapter's experiments (built with named fields, STYLE habit 4).
#pragma once
#include <string>
#include <vector>

#include "core/batch.hpp"
#include "core/figure.hpp"

namespace klab::mdp {

// The result lines of curve `metric` for the series that report it (a series without that metric
// has no points and is left out of the plot and its legend).
std::vector<plot::Line> reported_lines(const BatchResult& r, const std::string& metric);
// A dashed grey horizontal guide (budgets, thresholds, optima).
plot::Guide reference_guide(const std::string& label, double y);
// One bar per series with the mean of final metric `metric` (95% CI as a line over the bar's top),
// on an x axis ticked with the series names.
plot::Plot final_bars(const BatchResult& r, const std::string& metric, const std::string& title, const std::string& y_label);
// The index of `id` in `ids` (ids come from validated multi-choice parameters: always found).
size_t id_index(const std::vector<std::string>& ids, const std::string& id);

}  // namespace klab::mdp
