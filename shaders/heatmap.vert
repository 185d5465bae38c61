// Heatmap quad (GLSL ES 3.00 body; the program prepends the #version line).
// Four vertices from gl_VertexID, no vertex buffers: a triangle strip covering u_rect, given as
// (x0, y0, x1, y1) in normalised device coordinates. v_uv runs over [0,1]² with v = 0 at the
// bottom edge, matching the row order of klab::plot::Heatmap (row 0 = y0).
uniform vec4 u_rect;
out vec2 v_uv;

void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
  v_uv = corner;
  gl_Position = vec4(mix(u_rect.xy, u_rect.zw, corner), 0.0, 1.0);
}
