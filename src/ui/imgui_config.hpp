// Dear ImGui user configuration (IMGUI_USER_CONFIG): assertion failures report and abort even in
// release builds, so the headless UI tests fail loudly on any misuse of the ImGui API.
#pragma once

void klab_imgui_assert_failed(const char* expr, const char* file, int line);
#define IM_ASSERT(_EXPR) ((_EXPR) ? (void)0 : klab_imgui_assert_failed(#_EXPR, __FILE__, __LINE__))

// 32-bit vertex indices: a plot may draw more than 65,536 vertices (dense heatmaps drawn on the CPU,
// long curves); the OpenGL ES 3 / WebGL2 back end supports them.
#define ImDrawIdx unsigned int
