// Heatmap colouring (GLSL ES 3.00 body; the program prepends the #version and precision lines).
//
// u_field holds the scalar grid (R32F, one texel per cell, NaN = transparent). The value at a
// fragment is interpolated bilinearly between cell centres (or taken from the nearest cell when
// u_smooth is 0 or a neighbour is NaN), normalised to t = (v - vmin)/(vmax - vmin) (log10 first
// when u_log is 1), and coloured from the 256-entry colormap lookup table u_lut, the same table
// the CPU paths use (core/colormap.cpp). u_contours > 0 darkens iso-lines at t = k/u_contours,
// one pixel wide whatever the zoom (fwidth).
uniform sampler2D u_field;
uniform sampler2D u_lut;
uniform vec2 u_range;     // (vmin, vmax)
uniform int u_log;
uniform int u_smooth;
uniform float u_contours;
uniform float u_alpha;
in vec2 v_uv;
out vec4 frag_color;

float cell(ivec2 p, ivec2 size) {
  return texelFetch(u_field, clamp(p, ivec2(0), size - ivec2(1)), 0).r;
}

void main() {
  ivec2 size = textureSize(u_field, 0);
  vec2 pos = v_uv * vec2(size) - 0.5;           // cell-centre coordinates
  ivec2 base = ivec2(floor(pos));
  vec2 f = pos - vec2(base);
  float v00 = cell(base, size), v10 = cell(base + ivec2(1, 0), size);
  float v01 = cell(base + ivec2(0, 1), size), v11 = cell(base + ivec2(1, 1), size);
  float nearest = cell(ivec2(floor(v_uv * vec2(size))), size);
  float v = nearest;
  bool any_nan = isnan(v00) || isnan(v10) || isnan(v01) || isnan(v11);
  if (u_smooth == 1 && !any_nan) v = mix(mix(v00, v10, f.x), mix(v01, v11, f.x), f.y);
  if (isnan(nearest) || isnan(v)) discard;

  float lo = u_range.x, hi = u_range.y;
  if (u_log == 1) {
    v = log(max(v, 1e-30)) / log(10.0);
    lo = log(max(lo, 1e-30)) / log(10.0);
    hi = log(max(hi, 1e-30)) / log(10.0);
  }
  float t = clamp((v - lo) / max(hi - lo, 1e-30), 0.0, 1.0);
  vec3 rgb = texture(u_lut, vec2(t * (255.0 / 256.0) + 0.5 / 256.0, 0.5)).rgb;
  if (u_contours > 0.0) {
    float x = t * u_contours;
    float d = abs(fract(x + 0.5) - 0.5) / max(fwidth(x), 1e-6);
    rgb *= mix(0.55, 1.0, clamp(d, 0.0, 1.0));
  }
  frag_color = vec4(rgb, u_alpha);
}
