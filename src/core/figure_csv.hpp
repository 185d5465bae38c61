// The data behind a figure as tidy CSV, one row per drawn value:
//   plot,series,kind,x,y,lo,hi
// kind is line | points | bars (x = bin centre, lo/hi = bin edges) | heatmap (y = cell centre,
// lo = value) | guide (x or y holds the value). Empty cells are left blank.
#pragma once
#include <string>

#include "core/figure.hpp"

namespace klab::plot {

std::string figure_csv(const Figure& figure);
// Quotes a CSV field when it holds a comma, quote or newline (RFC 4180).
std::string csv_field(const std::string& s);

}  // namespace klab::plot
