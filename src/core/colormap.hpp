// Colours: the categorical series palette and the continuous colormaps.
//
// A colormap is a piecewise-linear ramp through anchor colours (sRGB). The same 256-entry lookup
// table feeds the GPU heatmap shader (shaders/heatmap.frag samples it as a texture) and the CPU
// paths (SVG export, headless drawing), so every renderer shows identical colours.
//   Viridis: perceptually uniform, sequential (anchors at the published viridis colours).
//   Diverging: blue - white - red, for signed fields.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

namespace klab {

struct Rgba {
  float r = 0, g = 0, b = 0, a = 1;
};

enum class Colormap { Viridis, Diverging };

// Series colour i: 10 colour-blind-safe colours legible on dark and light backgrounds, cycling.
Rgba palette(size_t i);
// Colour at t in [0, 1] (clamped).
Rgba colormap_at(Colormap map, double t);
// 256 RGBA8 entries: t = i / 255.
std::array<uint8_t, 256 * 4> colormap_lut(Colormap map);

}  // namespace klab
