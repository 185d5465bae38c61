// A small typesetter for the lab's marked-up text (core/rich_text.hpp) on ImGui: sub- and
// superscripts drawn smaller and shifted (T^{2/3} reads T²ᐟ³, π_ref reads π with "ref" below),
// `code` in the monospace font, words wrapped to a width. Plot titles, legends, tick labels,
// parameter labels, tooltips and the About page all go through it, so no raw markup reaches the
// screen.
#pragma once
#include <string>

#include "imgui.h"

namespace klab::ui {

struct TextLayout {
  ImFont* font = nullptr;   // null: the current font
  float size = 0.0f;        // pixels; 0: the current font size
  float wrap = 0.0f;        // > 0: break lines to this width
  float indent_rest = 0.0f; // extra indentation of continuation lines (hanging indent)
};

// ImGui 1.86 has no mark positioning; the shell centres every combining mark over an 'x'-sized letter
// (theme.cpp). Over a taller or wider letter (Q̂: DejaVu's hat spans 1147–1638 of 2048 units, Q rises to
// 1520) the typesetter moves the mark by this much (pixels at `size`; y up): up by how far the letter
// rises above 'x', across to the letter's centre. Zero for x-sized letters (p̂, μ̂).
ImVec2 combining_mark_shift(ImFont* font, float size, ImWchar base);

// The size of `text` laid out as `layout` says.
ImVec2 rich_size(const std::string& text, const TextLayout& layout = {});
// Draws `text` with its top-left corner at `pos`; returns its size.
ImVec2 rich_draw(ImDrawList* list, ImVec2 pos, ImU32 color, const std::string& text, const TextLayout& layout = {});
// One line cut to `max_width` with an ellipsis; returns true when it was cut.
bool rich_draw_fit(ImDrawList* list, ImVec2 pos, ImU32 color, const std::string& text, float max_width,
                   const TextLayout& layout = {});

// As an ImGui item at the cursor, wrapped to the remaining width (wrap < 0) or to `wrap` pixels.
void rich_text(const std::string& text, ImU32 color = 0, float wrap = -1.0f);
// One line cut to the remaining width with an ellipsis, the whole text in a tooltip when cut.
void rich_text_fit(const std::string& text, ImU32 color = 0);
// A demo text (paragraphs, equations, the "what to look for" paragraph) typeset to the remaining
// width: paragraphs reflowed, equations in the monospace font with a hanging indent when long.
void rich_document(const std::string& text);

}  // namespace klab::ui
