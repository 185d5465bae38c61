# SDL2 2.26.5 for the browser, compiled as part of the wasm build from Debian's source package
# (unpacked by scripts/bootstrap.sh into build/deps/sdl2) with SDL's own
# include/SDL_config_emscripten.h, which SDL_config.h selects under __EMSCRIPTEN__. No configure
# step: SDL's CMake configure runs hundreds of emcc checks one after another (175 s of CPU here,
# most of the 3 minutes SDL used to add to a clean test command), and its results for Emscripten
# are that header. The subsystems are the ones the header enables (threads disabled, as the lab's
# wasm build has none); each platform's files live in a folder of their own, so the folders below
# name exactly what is compiled.
set(KLAB_SDL2_DIR "${KLAB_DEPS_DIR}/sdl2" CACHE PATH "SDL2 2.26.5 source tree (Debian source package)")
if(NOT EXISTS "${KLAB_SDL2_DIR}/include/SDL_config_emscripten.h")
  message(FATAL_ERROR "SDL2 sources not found in ${KLAB_SDL2_DIR}: run scripts/bootstrap.sh first")
endif()
set(_sdl_folders
  . atomic audio audio/disk audio/dummy audio/emscripten cpuinfo dynapi events file filesystem/emscripten
  haptic haptic/dummy joystick joystick/emscripten libm loadso/dlopen locale locale/emscripten misc
  misc/emscripten power power/emscripten render render/opengles2 render/software sensor sensor/dummy stdlib
  thread thread/generic timer timer/unix video video/emscripten video/yuv2rgb)
set(_sdl_sources "")
foreach(_folder ${_sdl_folders})
  file(GLOB _found "${KLAB_SDL2_DIR}/src/${_folder}/*.c")
  list(APPEND _sdl_sources ${_found})
endforeach()
add_library(sdl2_wasm STATIC ${_sdl_sources})
target_include_directories(sdl2_wasm SYSTEM PUBLIC "${KLAB_SDL2_DIR}/include")
target_compile_options(sdl2_wasm PRIVATE -w)
