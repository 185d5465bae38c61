// The KL Lab window: SDL2 + OpenGL ES 3 (WebGL2 in the browser), Dear ImGui, the App shell.
// The same file builds natively (a desktop window) and with Emscripten (the browser lab).
//
//   klab_gui ["#<demo>?key=value&..."] [--frames N]
// natively: an optional link to open; --frames N draws N frames and exits (the smoke test under
// Xvfb), reporting whether the heatmaps run on the GPU shader.
#include <GLES3/gl3.h>
#include <SDL.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "app/catalog.hpp"
#include "app/views.hpp"
#include "core/number_text.hpp"
#include "imgui.h"
#include "imgui_impl_opengl3.h"
#include "imgui_impl_sdl.h"
#include "ui/app.hpp"
#include "ui/heatmap.hpp"
#include "ui/platform.hpp"
#include "ui/theme.hpp"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#include <emscripten/html5.h>
#endif

namespace {

struct Gui {
  SDL_Window* window = nullptr;
  SDL_GLContext gl = nullptr;
  klab::ui::UiServices services;
  std::unique_ptr<klab::ui::HeatmapRenderer> heatmaps;
  std::unique_ptr<klab::ui::App> app;
  float pixel_scale = 0.0f;  // device pixels per logical pixel the fonts were built for
  bool quit = false;
  long frames = 0, max_frames = -1;  // --frames: stop after that many frames
};

float current_pixel_scale(SDL_Window* w) {
  int ww, wh, dw, dh;
  SDL_GetWindowSize(w, &ww, &wh);
  SDL_GL_GetDrawableSize(w, &dw, &dh);
  return ww > 0 ? static_cast<float>(dw) / static_cast<float>(ww) : 1.0f;
}

void one_frame(void* arg) {
  Gui& g = *static_cast<Gui*>(arg);
#ifdef __EMSCRIPTEN__
  // Follow the page: the canvas fills the window (CSS size), SDL keeps the backing store at
  // CSS size × devicePixelRatio (SDL_WINDOW_ALLOW_HIGHDPI).
  double css_w, css_h;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  int ww, wh;
  SDL_GetWindowSize(g.window, &ww, &wh);
  if (static_cast<int>(css_w) != ww || static_cast<int>(css_h) != wh)
    SDL_SetWindowSize(g.window, static_cast<int>(css_w), static_cast<int>(css_h));
#endif
  SDL_Event e;
  while (SDL_PollEvent(&e)) {
    ImGui_ImplSDL2_ProcessEvent(&e);
    if (e.type == SDL_QUIT) g.quit = true;
  }
  const float scale = current_pixel_scale(g.window);
  if (std::fabs(scale - g.pixel_scale) > 0.01f) {  // HiDPI change: re-rasterise the fonts
    g.pixel_scale = scale;
    klab::ui::build_fonts(g.services.font_size, scale);
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  ImGui::NewFrame();
  if (g.heatmaps) g.heatmaps->new_frame();
  g.app->frame();
  ImGui::Render();
  int fw, fh;
  SDL_GL_GetDrawableSize(g.window, &fw, &fh);
  glViewport(0, 0, fw, fh);
  glClearColor(0.105f, 0.118f, 0.141f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  SDL_GL_SwapWindow(g.window);
  if (++g.frames == g.max_frames) g.quit = true;
#ifdef __EMSCRIPTEN__
  static bool first = true;
  if (first) {  // tell the page (and the end-to-end test) that the first frame is on screen
    first = false;
    EM_ASM({ if (window.klabFirstFrame) window.klabFirstFrame(); });
  }
#endif
}

}  // namespace

int main(int argc, char** argv) {
  static Gui g;  // lives for the whole program (the browser main loop outlives main())
  std::string link;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--frames" && i + 1 < argc) {
      long long frames = 0;
      if (klab::parse_integer_text(argv[++i], 1, 1000000000, &frames) != klab::NumberProblem::None) {
        std::fprintf(stderr, "klab_gui: --frames must be an integer in [1, 1000000000] (got '%s')\n", argv[i]);
        return 2;
      }
      g.max_frames = static_cast<long>(frames);
    } else if (!a.empty() && a[0] == '#') {
      link = a;
    } else {
      std::fprintf(stderr, "usage: klab_gui [\"#<demo>?key=value&...\"] [--frames N]\n");
      return 2;
    }
  }
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
    std::fprintf(stderr, "klab_gui: SDL_Init failed: %s\n", SDL_GetError());
    return 1;
  }
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  g.window = SDL_CreateWindow("KL Lab", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, 1440, 900,
                              SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  if (!g.window) {
    std::fprintf(stderr, "klab_gui: cannot open a window: %s\n", SDL_GetError());
    return 1;
  }
  g.gl = SDL_GL_CreateContext(g.window);
  if (!g.gl) {
    std::fprintf(stderr, "klab_gui: cannot create an OpenGL ES 3 context: %s\n", SDL_GetError());
    return 1;
  }
  SDL_GL_MakeCurrent(g.window, g.gl);
  SDL_GL_SetSwapInterval(1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the layout is computed, nothing to persist
  io.UserData = &g.services;
  klab::ui::apply_theme();
  ImGui_ImplSDL2_InitForOpenGL(g.window, g.gl);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  std::string error;
  g.heatmaps = klab::ui::make_gl_heatmap_renderer(&error);
  if (!g.heatmaps) std::fprintf(stderr, "klab_gui: %s (heatmaps fall back to the CPU)\n", error.c_str());
  g.services.heatmaps = g.heatmaps.get();

  g.app = std::make_unique<klab::ui::App>(klab::make_catalog(), klab::make_view_factory());
  if (!link.empty()) klab::ui::set_url_hash(link);
  g.app->open_link(klab::ui::url_hash());
#ifdef __EMSCRIPTEN__
  // The demo ids, for the page's scripts (the end-to-end test visits every demo).
  std::string ids = "[";
  for (const klab::DemoInfo& d : g.app->catalog().demos()) ids += (ids.size() > 1 ? ",\"" : "\"") + d.id + "\"";
  ids += "]";
  EM_ASM({ window.klabDemos = JSON.parse(UTF8ToString($0)); }, ids.c_str());
#endif

#ifdef __EMSCRIPTEN__
  emscripten_set_main_loop_arg(one_frame, &g, 0, true);
#else
  while (!g.quit) one_frame(&g);
  if (g.max_frames > 0)
    std::printf("klab_gui: drew %ld frames; heatmaps on the %s\n", g.frames, g.heatmaps ? "GPU (shaders/heatmap.frag)" : "CPU");
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplSDL2_Shutdown();
  ImGui::DestroyContext();
  SDL_GL_DeleteContext(g.gl);
  SDL_DestroyWindow(g.window);
  SDL_Quit();
#endif
  return 0;
}
