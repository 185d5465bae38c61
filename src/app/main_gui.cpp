// The KL Lab window: SDL2 + OpenGL ES 3 (WebGL2 in the browser), Dear ImGui, the App shell.
// The same file builds natively (a desktop window) and with Emscripten (the browser lab).
//
// Frames are drawn only when something changes: an input event (and a few frames after it, for
// ImGui to settle hovers and popups), an animation, a running batch, a notice on a timer
// (App::wants_frames). Idle, the browser's main loop is paused until web/klab.js sees an input
// event and calls klab_wake(); the native window sleeps in SDL_WaitEventTimeout. So an idle lab
// costs no CPU.
//
//   klab_gui ["#<demo>?key=value&..."] [--frames N]
// natively: an optional link to open; --frames N draws N frames and exits (the smoke test under
// Xvfb), reporting whether the heatmaps run on the GPU shader.
#include <GLES3/gl3.h>
#include <SDL.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

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
#define EMSCRIPTEN_KEEPALIVE_IF_WEB EMSCRIPTEN_KEEPALIVE
#else
#define EMSCRIPTEN_KEEPALIVE_IF_WEB
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
  int settle = 3;                    // frames still to draw after the last input
  bool paused = false;               // browser: main loop paused while idle
  double ui_ms_total = 0.0;          // time of the drawn frames in the lab's UI code and ImGui (no GL)
  double cpp_ms_total = 0.0;         // ... and in the GL calls (which wait for a software rasteriser)
  std::string state;                 // the last window.klabState published
};

Gui* g_gui = nullptr;

// Frames ImGui needs after an input event to settle (hover states, popups opening).
constexpr int kSettleFrames = 3;

float current_pixel_scale(SDL_Window* w) {
  int ww, wh, dw, dh;
  SDL_GetWindowSize(w, &ww, &wh);
  SDL_GL_GetDrawableSize(w, &dw, &dh);
  return ww > 0 ? static_cast<float>(dw) / static_cast<float>(ww) : 1.0f;
}

#ifdef __EMSCRIPTEN__
// The page's view of the lab, for its scripts and the end-to-end test: the demo, whether it plays,
// and (when window.klabInspect is set) where each plot's data area and legend are.
void publish(Gui& g, const std::vector<klab::ui::PlotRecord>* plots) {
  char progress[32];
  std::snprintf(progress, sizeof progress, "%.4f", g.app->progress());
  const klab::ui::DemoView* v = g.app->view();
  const std::string tab = g.app->tab() == klab::ui::Tab::Live ? "live" : g.app->tab() == klab::ui::Tab::Runs ? "runs" : "about";
  std::string state = std::string("{\"demo\":\"") + g.app->demo().id + "\",\"tab\":\"" + tab + "\",\"playing\":" +
                      (g.app->playing() ? "true" : "false") + ",\"animates\":" + (v && v->animates() ? "true" : "false") +
                      ",\"progress\":" + progress + ",\"drawer\":" + (g.app->drawer_mode() ? "true" : "false") +
                      ",\"toast\":\"" + (g.app->last_toast().find('"') == std::string::npos ? g.app->last_toast() : "") + "\"}";
  if (state != g.state) {
    g.state = state;
    EM_ASM({ window.klabState = JSON.parse(UTF8ToString($0)); }, state.c_str());
  }
  if (!plots) return;
  std::string json = "[";
  auto rect = [](ImVec2 a, ImVec2 b) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "[%.1f,%.1f,%.1f,%.1f]", a.x, a.y, b.x, b.y);
    return std::string(buf);
  };
  for (const auto& r : *plots) {
    if (json.size() > 1) json += ",";
    json += "{\"id\":\"" + r.id + "\",\"cell\":" + rect(r.cell_min, r.cell_max) + ",\"area\":" + rect(r.area_min, r.area_max) +
            ",\"legend\":[";
    for (size_t i = 0; i < r.legend.size(); ++i)
      json += (i ? "," : "") + rect(ImVec2(r.legend[i].x, r.legend[i].y), ImVec2(r.legend[i].z, r.legend[i].w));
    char range[160];
    std::snprintf(range, sizeof range, "],\"x\":[%.9g,%.9g,%d],\"y\":[%.9g,%.9g,%d]}", r.xr.lo, r.xr.hi,
                  r.xs == klab::plot::Scale::Log, r.yr.lo, r.yr.hi, r.ys == klab::plot::Scale::Log);
    json += range;
  }
  json += "]";
  EM_ASM({ window.klabPlots = JSON.parse(UTF8ToString($0)); }, json.c_str());
}
#endif

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
    g.settle = kSettleFrames;
  }
  // Nothing moves and nothing happened: draw nothing (the last frame stays on screen).
  const bool busy = g.settle > 0 || g.app->wants_frames() || ImGui::GetIO().WantTextInput || g.frames < kSettleFrames;
  if (!busy && g.max_frames < 0) {
#ifdef __EMSCRIPTEN__
    g.paused = true;
    emscripten_pause_main_loop();
#else
    SDL_WaitEventTimeout(nullptr, 500);
#endif
    return;
  }
  if (g.settle > 0) --g.settle;
  const auto t0 = std::chrono::steady_clock::now();
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
#ifdef __EMSCRIPTEN__
  std::vector<klab::ui::PlotRecord> plots;
  const bool inspect = EM_ASM_INT({ return window.klabInspect ? 1 : 0; });
  if (inspect) klab::ui::set_plot_recorder(&plots);
#endif
  g.app->frame();
  ImGui::Render();
  g.ui_ms_total += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
#ifdef __EMSCRIPTEN__
  klab::ui::set_plot_recorder(nullptr);
#endif
  int fw, fh;
  SDL_GL_GetDrawableSize(g.window, &fw, &fh);
  glViewport(0, 0, fw, fh);
  glClearColor(0.105f, 0.118f, 0.141f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  g.cpp_ms_total += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  SDL_GL_SwapWindow(g.window);
  if (++g.frames == g.max_frames) g.quit = true;
#ifdef __EMSCRIPTEN__
  publish(g, inspect ? &plots : nullptr);
  EM_ASM({ window.klabFrames = $0; window.klabUiMs = $1; window.klabCppMs = $2; }, static_cast<double>(g.frames), g.ui_ms_total,
         g.cpp_ms_total);
#endif
#ifdef __EMSCRIPTEN__
  static bool first = true;
  if (first) {  // tell the page (and the end-to-end test) that the first frame is on screen
    first = false;
    EM_ASM({ if (window.klabFirstFrame) window.klabFirstFrame(); });
  }
#endif
}


}  // namespace

// Called by web/klab.js on every input event while the main loop may be paused.
extern "C" EMSCRIPTEN_KEEPALIVE_IF_WEB void klab_wake() {
  if (!g_gui) return;
  g_gui->settle = kSettleFrames;
#ifdef __EMSCRIPTEN__
  if (g_gui->paused) {
    g_gui->paused = false;
    emscripten_resume_main_loop();
  }
#endif
}

int main(int argc, char** argv) {
  static Gui g;  // lives for the whole program (the browser main loop outlives main())
  g_gui = &g;
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
  klab::ui::allow_external_open(true);  // paper links open in the system's browser
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
