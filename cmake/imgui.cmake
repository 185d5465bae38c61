# Dear ImGui 1.86 from Debian's source package (unpacked by scripts/bootstrap.sh), one source
# tree for the native and the wasm builds. IM_ASSERT is routed to src/ui/imgui_config.hpp so that
# assertion failures abort in release builds too (the headless UI tests rely on that).
if(NOT EXISTS "${KLAB_IMGUI_DIR}/imgui.cpp")
  message(FATAL_ERROR "Dear ImGui sources not found in ${KLAB_IMGUI_DIR}: run scripts/bootstrap.sh first")
endif()
add_library(imgui STATIC
  ${KLAB_IMGUI_DIR}/imgui.cpp ${KLAB_IMGUI_DIR}/imgui_draw.cpp ${KLAB_IMGUI_DIR}/imgui_tables.cpp
  ${KLAB_IMGUI_DIR}/imgui_widgets.cpp ${KLAB_IMGUI_DIR}/imgui_demo.cpp)
target_include_directories(imgui SYSTEM PUBLIC ${KLAB_IMGUI_DIR} ${KLAB_IMGUI_DIR}/backends)
target_compile_definitions(imgui PUBLIC IMGUI_USER_CONFIG="${CMAKE_SOURCE_DIR}/src/ui/imgui_config.hpp"
  IMGUI_DISABLE_OBSOLETE_FUNCTIONS)
target_compile_options(imgui PRIVATE -w)

# Platform back end: SDL2 + OpenGL ES 3 (WebGL2 in the browser; GLES3 contexts natively), so both
# builds share one GL dialect and one shader language (GLSL ES 3.00).
add_library(imgui_backend STATIC ${KLAB_IMGUI_DIR}/backends/imgui_impl_sdl.cpp ${KLAB_IMGUI_DIR}/backends/imgui_impl_opengl3.cpp)
target_compile_definitions(imgui_backend PUBLIC IMGUI_IMPL_OPENGL_ES3)
target_compile_options(imgui_backend PRIVATE -w)
if(KLAB_WASM)
  include(${CMAKE_CURRENT_LIST_DIR}/sdl2_wasm.cmake)
  target_link_libraries(imgui_backend PUBLIC imgui sdl2_wasm)
  target_link_options(imgui_backend PUBLIC -sUSE_SDL=0 -sUSE_WEBGL2=1 -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2)
else()
  find_package(SDL2 REQUIRED)
  find_library(GLESV2_LIBRARY GLESv2 REQUIRED)
  target_link_libraries(imgui_backend PUBLIC imgui SDL2::SDL2 ${GLESV2_LIBRARY})
endif()
