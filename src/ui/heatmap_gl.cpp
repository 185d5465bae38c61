// GPU heatmaps: a float texture per heatmap, coloured by shaders/heatmap.frag through the
// colormap lookup table, drawn from an ImDrawList callback inside ImGui's own render pass.
#include <GLES3/gl3.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/colormap.hpp"
#include "ui/heatmap.hpp"

extern const unsigned char klab_shader_heatmap_vert[];
extern const unsigned char klab_shader_heatmap_frag[];

namespace klab::ui {
namespace {

GLuint compile(GLenum type, const char* body, std::string* error) {
  const std::string src = std::string("#version 300 es\nprecision highp float;\nprecision highp int;\n") + body;
  const GLuint s = glCreateShader(type);
  const char* p = src.c_str();
  glShaderSource(s, 1, &p, nullptr);
  glCompileShader(s);
  GLint ok = 0;
  glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[2048] = {0};
    glGetShaderInfoLog(s, sizeof log, nullptr, log);
    *error = std::string("heatmap shader: ") + log;
    glDeleteShader(s);
    return 0;
  }
  return s;
}

class GlHeatmaps final : public HeatmapRenderer {
 public:
  bool init(std::string* error) {
    const GLuint vs = compile(GL_VERTEX_SHADER, reinterpret_cast<const char*>(klab_shader_heatmap_vert), error);
    const GLuint fs = vs ? compile(GL_FRAGMENT_SHADER, reinterpret_cast<const char*>(klab_shader_heatmap_frag), error) : 0;
    if (!vs || !fs) return false;
    program_ = glCreateProgram();
    glAttachShader(program_, vs);
    glAttachShader(program_, fs);
    glLinkProgram(program_);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint ok = 0;
    glGetProgramiv(program_, GL_LINK_STATUS, &ok);
    if (!ok) {
      *error = "heatmap shader program failed to link";
      return false;
    }
    glGenVertexArrays(1, &vao_);
    for (Colormap map : {Colormap::Viridis, Colormap::Diverging}) {
      const auto lut = colormap_lut(map);
      luts_.push_back(make_texture(GL_LINEAR));
      glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, 256, 1, 0, GL_RGBA, GL_UNSIGNED_BYTE, lut.data());
    }
    field_ = make_texture(GL_NEAREST);  // float textures are not filterable in WebGL2: the shader interpolates
    return true;
  }

  void new_frame() override { records_.clear(); }

  void queue(ImDrawList* list, ImVec2 min, ImVec2 max, const plot::Heatmap& h, double vmin, double vmax) override {
    auto r = std::make_unique<Record>();
    r->owner = this;
    r->min = min;
    r->max = max;
    r->nx = h.nx;
    r->ny = h.ny;
    r->values = h.values;
    r->vmin = static_cast<float>(vmin);
    r->vmax = static_cast<float>(vmax);
    r->lut = h.colormap == Colormap::Diverging ? 1 : 0;
    r->smooth = h.smooth;
    list->AddCallback(&GlHeatmaps::render, r.get());
    list->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
    records_.push_back(std::move(r));
  }

 private:
  struct Record {
    GlHeatmaps* owner;
    ImVec2 min, max;
    int nx, ny, lut;
    bool smooth;
    std::vector<float> values;
    float vmin, vmax;
  };

  static void render(const ImDrawList*, const ImDrawCmd* cmd) {
    const auto* r = static_cast<const Record*>(cmd->UserCallbackData);
    r->owner->draw(*r, cmd->ClipRect);
  }

  void draw(const Record& r, ImVec4 clip) {
    const ImDrawData* dd = ImGui::GetDrawData();
    if (!dd || r.nx <= 0 || r.ny <= 0 || r.values.size() < static_cast<size_t>(r.nx * r.ny)) return;
    const ImVec2 pos = dd->DisplayPos, size = dd->DisplaySize, scale = dd->FramebufferScale;
    const float fb_h = size.y * scale.y;
    glEnable(GL_SCISSOR_TEST);
    glScissor(static_cast<GLint>((clip.x - pos.x) * scale.x), static_cast<GLint>(fb_h - (clip.w - pos.y) * scale.y),
              static_cast<GLsizei>((clip.z - clip.x) * scale.x), static_cast<GLsizei>((clip.w - clip.y) * scale.y));
    glUseProgram(program_);
    glBindVertexArray(vao_);
    auto ndc_x = [&](float x) { return (x - pos.x) / size.x * 2.0f - 1.0f; };
    auto ndc_y = [&](float y) { return 1.0f - (y - pos.y) / size.y * 2.0f; };
    glUniform4f(glGetUniformLocation(program_, "u_rect"), ndc_x(r.min.x), ndc_y(r.max.y), ndc_x(r.max.x), ndc_y(r.min.y));
    glUniform2f(glGetUniformLocation(program_, "u_range"), r.vmin, r.vmax);
    glUniform1i(glGetUniformLocation(program_, "u_log"), 0);
    glUniform1i(glGetUniformLocation(program_, "u_smooth"), r.smooth ? 1 : 0);
    glUniform1f(glGetUniformLocation(program_, "u_contours"), r.smooth ? 10.0f : 0.0f);
    glUniform1f(glGetUniformLocation(program_, "u_alpha"), 1.0f);
    glUniform1i(glGetUniformLocation(program_, "u_field"), 0);
    glUniform1i(glGetUniformLocation(program_, "u_lut"), 1);
    glActiveTexture(GL_TEXTURE1);
    glBindTexture(GL_TEXTURE_2D, luts_[static_cast<size_t>(r.lut)]);
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, field_);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, r.nx, r.ny, 0, GL_RED, GL_FLOAT, r.values.data());
    glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
  }

  // A bound 2-D texture with clamped edges and the given filter.
  static GLuint make_texture(GLint filter) {
    GLuint t;
    glGenTextures(1, &t);
    glBindTexture(GL_TEXTURE_2D, t);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    return t;
  }

  GLuint program_ = 0, vao_ = 0, field_ = 0;
  std::vector<GLuint> luts_;
  std::vector<std::unique_ptr<Record>> records_;
};

}  // namespace

std::unique_ptr<HeatmapRenderer> make_gl_heatmap_renderer(std::string* error) {
  auto r = std::make_unique<GlHeatmaps>();
  if (!r->init(error)) return nullptr;
  return r;
}

}  // namespace klab::ui
