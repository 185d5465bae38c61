#include "core/colormap.hpp"

#include <cmath>

namespace klab {
namespace {

struct Ramp {
  const uint32_t* anchors;  // 0xRRGGBB, evenly spaced over [0, 1]
  size_t count;
};

constexpr uint32_t kViridis[] = {0x440154, 0x482878, 0x3e4a89, 0x31688e, 0x26828e,
                                 0x1f9e89, 0x35b779, 0x6ece58, 0xb5de2b, 0xfde725};
constexpr uint32_t kDiverging[] = {0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7,
                                   0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b};
// Okabe & Ito's colour-blind-safe set (black left out: the UI is dark), then Paul Tol's sand,
// olive, pink and pear: ten hues legible on the dark UI and on the white SVG. Series 10 and up
// reuse them with a dash pattern (plot::series_dash).
constexpr uint32_t kPalette[] = {0x56b4e9, 0xe69f00, 0x009e73, 0xd55e00, 0xcc79a7,
                                 0xddcc77, 0x0072b2, 0x999933, 0xffaabb, 0xbbcc33};

Ramp ramp(Colormap map) {
  if (map == Colormap::Diverging) return {kDiverging, sizeof kDiverging / sizeof kDiverging[0]};
  return {kViridis, sizeof kViridis / sizeof kViridis[0]};
}

Rgba unpack(uint32_t c) {
  return {static_cast<float>((c >> 16) & 0xff) / 255.0f, static_cast<float>((c >> 8) & 0xff) / 255.0f,
          static_cast<float>(c & 0xff) / 255.0f, 1.0f};
}

}  // namespace

Rgba palette(size_t i) { return unpack(kPalette[i % (sizeof kPalette / sizeof kPalette[0])]); }

Rgba colormap_at(Colormap map, double t) {
  const Ramp r = ramp(map);
  if (!(t > 0.0)) t = 0.0;  // also maps NaN to the low end
  if (t > 1.0) t = 1.0;
  const double pos = t * static_cast<double>(r.count - 1);
  const size_t i = pos >= static_cast<double>(r.count - 1) ? r.count - 2 : static_cast<size_t>(pos);
  const float f = static_cast<float>(pos - static_cast<double>(i));
  const Rgba a = unpack(r.anchors[i]), b = unpack(r.anchors[i + 1]);
  return {a.r + f * (b.r - a.r), a.g + f * (b.g - a.g), a.b + f * (b.b - a.b), 1.0f};
}

std::array<uint8_t, 256 * 4> colormap_lut(Colormap map) {
  std::array<uint8_t, 256 * 4> lut{};
  for (int i = 0; i < 256; ++i) {
    const Rgba c = colormap_at(map, i / 255.0);
    lut[4 * i + 0] = static_cast<uint8_t>(std::lround(c.r * 255.0f));
    lut[4 * i + 1] = static_cast<uint8_t>(std::lround(c.g * 255.0f));
    lut[4 * i + 2] = static_cast<uint8_t>(std::lround(c.b * 255.0f));
    lut[4 * i + 3] = 255;
  }
  return lut;
}

}  // namespace klab
