#include "ui/theme.hpp"

#include <cstddef>
#include <initializer_list>

extern const unsigned char klab_font_sans[];
extern const size_t klab_font_sans_size;
extern const unsigned char klab_font_mono[];
extern const size_t klab_font_mono_size;

namespace klab::ui {
namespace {

// Latin (with extensions: ŝ, ȳ), combining accents (p̂), Greek, phonetic superscripts (ᵀ),
// punctuation, super/subscripts, arrows, maths operators and symbols (★, ⟨⟩):
// the ranges the embedded fonts were cut down to (KLAB_GLYPH_RANGES in src/ui/CMakeLists.txt).
const ImWchar kGlyphRanges[] = {
#include "glyph_ranges.inc"
};

ImFont* add_font(const unsigned char* data, size_t size, float pixels, bool merge = false) {
  ImFontConfig cfg;
  cfg.FontDataOwnedByAtlas = false;  // the embedded array outlives the atlas
  cfg.OversampleH = 2;
  cfg.OversampleV = 1;
  cfg.PixelSnapH = false;
  cfg.MergeMode = merge;  // merged glyphs only fill the gaps of the font before (ImGui keeps existing ones)
  return ImGui::GetIO().Fonts->AddFontFromMemoryTTF(const_cast<unsigned char*>(data), static_cast<int>(size), pixels, &cfg,
                                                    kGlyphRanges);
}

// ImGui 1.86 lays out text glyph by glyph (no OpenType mark positioning), so a combining mark
// (U+0300–036F: p̂, x̄) lands where its own advance puts it: beside the letter in DejaVu Sans
// Mono, which gives marks a full cell. We place the accents ourselves: every combining mark gets
// a zero advance and is centred over the previous character, taken to be as wide as 'x' (exact
// in the monospace font, within a pixel or two for the proportional one).
void stack_combining_marks(ImFont* font) {
  const ImFontGlyph* x = font->FindGlyphNoFallback('x');
  if (!x) return;
  const float base = x->AdvanceX;
  for (ImWchar c = 0x300; c <= 0x36F; ++c) {
    auto* g = const_cast<ImFontGlyph*>(font->FindGlyphNoFallback(c));
    if (!g) continue;
    const float shift = -0.5f * base - 0.5f * (g->X0 + g->X1);
    g->X0 += shift;
    g->X1 += shift;
    g->AdvanceX = 0.0f;
    if (c < font->IndexAdvanceX.Size) font->IndexAdvanceX[c] = 0.0f;
  }
}

}  // namespace

UiServices& services() {
  auto* s = static_cast<UiServices*>(ImGui::GetIO().UserData);
  IM_ASSERT(s && "klab UI services not attached to this ImGui context");
  return *s;
}

ImU32 to_imu32(float r, float g, float b, float a) { return ImGui::ColorConvertFloat4ToU32(ImVec4(r, g, b, a)); }

void build_fonts(float font_size, float pixel_scale) {
  ImGuiIO& io = ImGui::GetIO();
  UiServices& s = services();
  io.Fonts->Clear();
  s.font_size = font_size;
  s.body = add_font(klab_font_sans, klab_font_sans_size, font_size * pixel_scale);
  // The monospace font lacks a few symbols (ℓ, ∥): DejaVu Sans fills those gaps.
  s.mono = add_font(klab_font_mono, klab_font_mono_size, (font_size - 1.0f) * pixel_scale);
  add_font(klab_font_sans, klab_font_sans_size, (font_size - 1.0f) * pixel_scale, true);
  s.title = add_font(klab_font_sans, klab_font_sans_size, (font_size + 5.0f) * pixel_scale);
  io.FontDefault = s.body;
  io.FontGlobalScale = 1.0f / pixel_scale;
  io.Fonts->Build();
  for (ImFont* f : {s.body, s.mono, s.title}) stack_combining_marks(f);
}

void apply_theme() {
  ImGuiStyle& st = ImGui::GetStyle();
  st = ImGuiStyle();
  ImGui::StyleColorsDark(&st);
  st.WindowRounding = 0.0f;
  st.ChildRounding = 4.0f;
  st.FrameRounding = 4.0f;
  st.GrabRounding = 4.0f;
  st.PopupRounding = 4.0f;
  st.TabRounding = 4.0f;
  st.ScrollbarRounding = 6.0f;
  st.WindowPadding = ImVec2(10, 10);
  st.FramePadding = ImVec2(7, 4);
  st.ItemSpacing = ImVec2(8, 6);
  st.ItemInnerSpacing = ImVec2(6, 4);
  st.WindowBorderSize = 0.0f;
  st.ChildBorderSize = 1.0f;
  st.GrabMinSize = 12.0f;
  ImVec4* c = st.Colors;
  const ImVec4 bg(0.105f, 0.118f, 0.141f, 1.0f), panel(0.133f, 0.149f, 0.180f, 1.0f), frame(0.180f, 0.200f, 0.240f, 1.0f);
  const ImVec4 accent(0.298f, 0.608f, 0.910f, 1.0f), accent_dim(0.298f, 0.608f, 0.910f, 0.55f);
  c[ImGuiCol_WindowBg] = bg;
  c[ImGuiCol_ChildBg] = panel;
  c[ImGuiCol_PopupBg] = ImVec4(0.15f, 0.165f, 0.2f, 0.98f);
  c[ImGuiCol_Border] = ImVec4(0.25f, 0.27f, 0.32f, 1.0f);
  c[ImGuiCol_FrameBg] = frame;
  c[ImGuiCol_FrameBgHovered] = ImVec4(0.22f, 0.245f, 0.29f, 1.0f);
  c[ImGuiCol_FrameBgActive] = ImVec4(0.25f, 0.28f, 0.33f, 1.0f);
  c[ImGuiCol_TitleBg] = bg;
  c[ImGuiCol_TitleBgActive] = bg;
  c[ImGuiCol_MenuBarBg] = ImVec4(0.085f, 0.095f, 0.115f, 1.0f);
  c[ImGuiCol_Header] = ImVec4(0.298f, 0.608f, 0.910f, 0.30f);
  c[ImGuiCol_HeaderHovered] = ImVec4(0.298f, 0.608f, 0.910f, 0.45f);
  c[ImGuiCol_HeaderActive] = accent_dim;
  c[ImGuiCol_Button] = ImVec4(0.22f, 0.25f, 0.30f, 1.0f);
  c[ImGuiCol_ButtonHovered] = ImVec4(0.28f, 0.33f, 0.40f, 1.0f);
  c[ImGuiCol_ButtonActive] = accent_dim;
  c[ImGuiCol_SliderGrab] = accent;
  c[ImGuiCol_SliderGrabActive] = ImVec4(0.45f, 0.72f, 0.98f, 1.0f);
  c[ImGuiCol_CheckMark] = accent;
  c[ImGuiCol_Tab] = ImVec4(0.16f, 0.18f, 0.22f, 1.0f);
  c[ImGuiCol_TabHovered] = ImVec4(0.298f, 0.608f, 0.910f, 0.45f);
  c[ImGuiCol_TabActive] = ImVec4(0.22f, 0.30f, 0.42f, 1.0f);
  c[ImGuiCol_PlotHistogram] = accent;
  c[ImGuiCol_Separator] = ImVec4(0.25f, 0.27f, 0.32f, 1.0f);
  c[ImGuiCol_Text] = ImVec4(0.87f, 0.886f, 0.91f, 1.0f);
  c[ImGuiCol_TextDisabled] = ImVec4(0.55f, 0.57f, 0.62f, 1.0f);
}

void error_text(const std::string& message) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color::kError));
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(message.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
}

}  // namespace klab::ui
