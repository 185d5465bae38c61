// SVG writer for the figure model (see figure.hpp).
#pragma once
#include <string>

#include "core/figure.hpp"

namespace klab::plot {

// A standalone SVG document, `width` pixels wide, plots laid out in a grid.
std::string render_svg(const Figure& figure, double width = 960);

}  // namespace klab::plot
