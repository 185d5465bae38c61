#include "ui/typeset.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "core/rich_text.hpp"
#include "imgui_internal.h"  // ImTextCharFromUtf8: the code points of a piece, for its combining marks
#include "ui/theme.hpp"

namespace klab::ui {
namespace {

constexpr float kScriptScale = 0.72f;  // sub/superscripts, relative to the text size
// Greek superscripts, larger: the atlas glyph shrunk to 0.72 of a desktop text size loses π's thin
// bar over its legs, so Q^π read as "Qⁿ". (Subscripts keep kScriptScale: β, λ, τ stay distinct.)
constexpr float kGreekSuperScale = 0.88f;
constexpr float kCodeScale = 0.94f;    // monospace runs look larger at the same pixel size
constexpr float kLinePitch = 1.28f;    // line spacing of wrapped text, in text sizes

struct Piece {
  const std::string* text;
  size_t begin, end;
  text::Shift shift;
  bool code;
};

struct Word {
  std::vector<Piece> pieces;
  int spaces = 0;  // spaces before the word
  float width = 0;
};

struct Setup {
  ImFont* font;
  ImFont* mono;
  float size;
};

Setup setup(const TextLayout& layout) {
  Setup s;
  s.font = layout.font ? layout.font : ImGui::GetFont();
  s.mono = services().mono ? services().mono : s.font;
  s.size = layout.size > 0 ? layout.size : ImGui::GetFontSize();
  return s;
}

ImFont* piece_font(const Setup& s, const Piece& p) { return p.code ? s.mono : s.font; }
// Whether [begin, end) of a piece holds a Greek letter (U+0380–U+03FF: UTF-8 lead bytes 0xCE, 0xCF).
bool greek(const Piece& p) {
  return std::any_of(p.text->begin() + static_cast<std::ptrdiff_t>(p.begin), p.text->begin() + static_cast<std::ptrdiff_t>(p.end),
                     [](char c) { return c == '\xCE' || c == '\xCF'; });
}
float piece_size(const Setup& s, const Piece& p) {
  const float script = p.shift == text::Shift::Super && greek(p) ? kGreekSuperScale : kScriptScale;
  return s.size * (p.shift == text::Shift::Base ? 1.0f : script) * (p.code ? kCodeScale : 1.0f);
}
float piece_dy(const Setup& s, const Piece& p) {
  switch (p.shift) {
    case text::Shift::Super: return -0.10f * s.size;
    case text::Shift::Sub: return 0.40f * s.size;
    case text::Shift::Base: return p.code ? 0.5f * s.size * (1.0f - kCodeScale) : 0.0f;
  }
  return 0.0f;
}
float piece_width(const Setup& s, const Piece& p, size_t end) {
  const char* b = p.text->c_str() + p.begin;
  return piece_font(s, p)->CalcTextSizeA(piece_size(s, p), FLT_MAX, 0.0f, b, p.text->c_str() + end).x;
}
float space_width(const Setup& s) { return s.font->CalcTextSizeA(s.size, FLT_MAX, 0.0f, " ").x; }

// Words of the runs: base text splits at spaces; scripts and code spans stick to their word.
std::vector<Word> words_of(const std::vector<text::Run>& runs, const Setup& s) {
  std::vector<Word> words(1);
  for (const text::Run& r : runs) {
    if (r.code || r.shift != text::Shift::Base) {
      words.back().pieces.push_back({&r.text, 0, r.text.size(), r.shift, r.code});
      continue;
    }
    size_t start = 0;
    for (size_t i = 0; i <= r.text.size(); ++i) {
      if (i < r.text.size() && r.text[i] != ' ') continue;
      if (i > start) words.back().pieces.push_back({&r.text, start, i, r.shift, false});
      if (i < r.text.size()) {
        if (!words.back().pieces.empty()) words.emplace_back();
        ++words.back().spaces;
      }
      start = i + 1;
    }
  }
  for (Word& w : words)
    for (const Piece& p : w.pieces) w.width += piece_width(s, p, p.end);
  return words;
}

struct Placed {
  const Word* word;
  float x;
  int line;
};

// Greedy line breaking; returns the placed words and the total size.
std::vector<Placed> lay_out(const std::vector<Word>& words, const Setup& s, const TextLayout& layout, ImVec2* size) {
  std::vector<Placed> placed;
  const float space = space_width(s);
  float x = 0, width = 0;
  int line = 0;
  bool line_empty = true;
  for (const Word& w : words) {
    if (w.pieces.empty()) continue;
    const float gap = line_empty ? (line == 0 ? w.spaces * space : 0.0f) : w.spaces * space;
    if (!line_empty && layout.wrap > 0 && x + gap + w.width > layout.wrap) {
      ++line;
      x = layout.indent_rest;
      placed.push_back({&w, x, line});
      x += w.width;
    } else {
      x += gap;
      placed.push_back({&w, x, line});
      x += w.width;
    }
    line_empty = false;
    width = std::max(width, x);
  }
  *size = ImVec2(width, s.size * (1.0f + kLinePitch * static_cast<float>(line)));
  return placed;
}

// [b, e) at `at`, with every combining mark moved from where the font puts it (over an 'x') to over
// the letter before it (combining_mark_shift); the rest is ImGui's own text path.
void draw_text(ImDrawList* list, ImFont* font, float size, ImVec2 at, ImU32 color, const char* b, const char* e) {
  // U+0300–U+036F are the two-byte sequences that start with 0xCC or 0xCD: most texts have none.
  if (std::none_of(b, e, [](char c) { return c == '\xCC' || c == '\xCD'; })) {
    list->AddText(font, size, at, color, b, e);
    return;
  }
  const char* from = b;  // the start of the text not yet drawn
  unsigned int previous = 0;
  for (const char* c = b; c < e;) {
    unsigned int code = 0;
    const int n = ImTextCharFromUtf8(&code, c, e);
    if (n <= 0) break;
    const ImVec2 shift = code >= 0x300 && code <= 0x36F && previous ? combining_mark_shift(font, size, static_cast<ImWchar>(previous)) : ImVec2();
    if (shift.x != 0.0f || shift.y != 0.0f) {
      const float pen = font->CalcTextSizeA(size, FLT_MAX, 0.0f, b, c).x;  // the mark has no advance
      list->AddText(font, size, ImVec2(at.x + font->CalcTextSizeA(size, FLT_MAX, 0.0f, b, from).x, at.y), color, from, c);
      list->AddText(font, size, ImVec2(at.x + pen + shift.x, at.y - shift.y), color, c, c + n);
      from = c + n;
    }
    previous = code;
    c += n;
  }
  list->AddText(font, size, ImVec2(at.x + font->CalcTextSizeA(size, FLT_MAX, 0.0f, b, from).x, at.y), color, from, e);
}

void draw_piece(ImDrawList* list, const Setup& s, const Piece& p, ImVec2 at, ImU32 color, size_t end) {
  draw_text(list, piece_font(s, p), piece_size(s, p), ImVec2(at.x, at.y + piece_dy(s, p)), color, p.text->c_str() + p.begin,
            p.text->c_str() + end);
}

ImU32 text_color(ImU32 color) { return color ? color : ImGui::GetColorU32(ImGuiCol_Text); }

// One line without markup (most tick labels, legend names, titles): ImGui's own text path.
bool plain_line(const std::string& str, const TextLayout& layout) {
  return layout.wrap <= 0 && str.find_first_of("^_`") == std::string::npos;
}

}  // namespace

ImVec2 combining_mark_shift(ImFont* font, float size, ImWchar base) {
  const ImFontGlyph* x = font->FindGlyphNoFallback('x');
  const ImFontGlyph* letter = font->FindGlyphNoFallback(base);
  if (!x || !letter || letter->AdvanceX <= 0.0f) return ImVec2();
  const float scale = size / font->FontSize;
  // Glyph tops (Y0) are measured down from the line's top: a taller letter has the smaller Y0.
  const float up = std::max(0.0f, x->Y0 - letter->Y0) * scale;
  const float across = 0.5f * (x->AdvanceX - letter->AdvanceX) * scale;
  // Under half a pixel either way (p̂, μ̂, any monospace letter as wide as 'x'): where the font puts it.
  return ImVec2(std::fabs(across) < 0.5f ? 0.0f : across, up < 0.5f ? 0.0f : up);
}

ImVec2 rich_size(const std::string& str, const TextLayout& layout) {
  const Setup s = setup(layout);
  if (plain_line(str, layout)) return ImVec2(s.font->CalcTextSizeA(s.size, FLT_MAX, 0.0f, str.c_str()).x, s.size);
  const std::vector<text::Run> runs = text::parse_inline(str);
  const std::vector<Word> words = words_of(runs, s);
  ImVec2 size;
  lay_out(words, s, layout, &size);
  return size;
}

ImVec2 rich_draw(ImDrawList* list, ImVec2 pos, ImU32 color, const std::string& str, const TextLayout& layout) {
  const Setup s = setup(layout);
  if (plain_line(str, layout)) {
    draw_text(list, s.font, s.size, pos, color, str.c_str(), str.c_str() + str.size());
    return ImVec2(s.font->CalcTextSizeA(s.size, FLT_MAX, 0.0f, str.c_str()).x, s.size);
  }
  const std::vector<text::Run> runs = text::parse_inline(str);
  const std::vector<Word> words = words_of(runs, s);
  ImVec2 size;
  for (const Placed& p : lay_out(words, s, layout, &size)) {
    float x = pos.x + p.x;
    const float y = pos.y + s.size * kLinePitch * static_cast<float>(p.line);
    for (const Piece& piece : p.word->pieces) {
      draw_piece(list, s, piece, ImVec2(x, y), color, piece.end);
      x += piece_width(s, piece, piece.end);
    }
  }
  return size;
}

bool rich_draw_fit(ImDrawList* list, ImVec2 pos, ImU32 color, const std::string& str, float max_width,
                   const TextLayout& layout) {
  TextLayout one = layout;
  one.wrap = 0;
  if (rich_size(str, one).x <= max_width) {
    rich_draw(list, pos, color, str, one);
    return false;
  }
  const Setup s = setup(one);
  const std::vector<text::Run> runs = text::parse_inline(str);
  const std::vector<Word> words = words_of(runs, s);
  const float ellipsis = s.font->CalcTextSizeA(s.size, FLT_MAX, 0.0f, "…").x, space = space_width(s);
  const float limit = max_width - ellipsis;
  float x = 0;
  bool first = true;
  for (const Word& w : words) {
    if (w.pieces.empty()) continue;
    if (!first) x += w.spaces * space;
    first = false;
    for (const Piece& p : w.pieces) {
      const float full = piece_width(s, p, p.end);
      if (x + full <= limit) {
        draw_piece(list, s, p, ImVec2(pos.x + x, pos.y), color, p.end);
        x += full;
        continue;
      }
      // Cut this piece at a character boundary, then the ellipsis.
      size_t end = p.end;
      while (end > p.begin) {
        do --end;
        while (end > p.begin && (static_cast<unsigned char>((*p.text)[end]) & 0xC0) == 0x80);
        if (x + piece_width(s, p, end) <= limit) break;
      }
      if (end > p.begin) draw_piece(list, s, p, ImVec2(pos.x + x, pos.y), color, end), x += piece_width(s, p, end);
      list->AddText(s.font, s.size, ImVec2(pos.x + x, pos.y), color, "…");
      return true;
    }
  }
  return true;
}

void rich_text(const std::string& str, ImU32 color, float wrap) {
  TextLayout layout;
  // The remaining width less a little: the words' widths are measured piece by piece.
  layout.wrap = wrap < 0 ? std::max(ImGui::GetContentRegionAvail().x - ImGui::GetFontSize() * 0.5f, ImGui::GetFontSize() * 4) : wrap;
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const ImVec2 size = rich_draw(ImGui::GetWindowDrawList(), pos, text_color(color), str, layout);
  ImGui::Dummy(ImVec2(std::max(size.x, 1.0f), size.y));
}

void rich_text_fit(const std::string& str, ImU32 color) {
  const float width = std::max(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize());
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const bool cut = rich_draw_fit(ImGui::GetWindowDrawList(), pos, text_color(color), str, width);
  ImGui::Dummy(ImVec2(cut ? width : rich_size(str).x, ImGui::GetFontSize()));
  if (cut && ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    rich_text(str, 0, ImGui::GetFontSize() * 26.0f);
    ImGui::EndTooltip();
  }
}

void rich_document(const std::string& str) {
  const float fs = ImGui::GetFontSize();
  const float width = std::min(ImGui::GetContentRegionAvail().x, fs * 48.0f);
  for (const text::Block& b : text::parse_blocks(str)) {
    switch (b.kind) {
      case text::Block::Paragraph:
        rich_text(b.text, 0, width);
        break;
      case text::Block::LookFor: {
        // An accent bar and the heading, then the paragraph.
        const ImVec2 top = ImGui::GetCursorScreenPos();
        ImGui::Indent(fs * 0.8f);
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(color::kAccent));
        ImGui::TextUnformatted("What to look for");
        ImGui::PopStyleColor();
        rich_text(b.text.substr(std::string("What to look for:").size() + 1), 0, width - fs * 0.8f);
        ImGui::Unindent(fs * 0.8f);
        const float bottom = ImGui::GetCursorScreenPos().y - ImGui::GetStyle().ItemSpacing.y;
        ImGui::GetWindowDrawList()->AddRectFilled(top, ImVec2(top.x + fs * 0.22f, bottom), color::kAccent);
        break;
      }
      case text::Block::Equation: {
        TextLayout layout;
        layout.font = services().mono;
        layout.wrap = width - fs * 1.5f;
        layout.indent_rest = fs * 2.0f;
        ImGui::Indent(fs * 1.5f);
        const ImVec2 pos = ImGui::GetCursorScreenPos();
        const ImVec2 size = rich_draw(ImGui::GetWindowDrawList(), pos, color::kText, b.text, layout);
        ImGui::Dummy(ImVec2(std::max(size.x, 1.0f), size.y));
        ImGui::Unindent(fs * 1.5f);
        break;
      }
    }
  }
}

}  // namespace klab::ui
