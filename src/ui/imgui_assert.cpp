// IM_ASSERT's target (see imgui_config.hpp): report and abort, in every build type.
#include <cstdio>
#include <cstdlib>

void klab_imgui_assert_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "ImGui assertion failed: %s (%s:%d)\n", expr, file, line);
  std::abort();
}
