// The lab's light text markup, parsed once for every renderer (the ImGui typesetter in
// src/ui/typeset.cpp, the SVG writer): demo texts, plot titles and legends are written as plain
// strings with the notation of the papers, and drawn with real sub- and superscripts.
//
//   x^{2/3}, e^{-z}     superscript (braces: everything up to the matching '}')
//   x^2, ln^β           superscript of the letters/digits that follow
//   π_{λ*}, E_{π*}      subscript
//   R_t, π_ref, μ̂_a    subscript of the letters/digits that follow, when the base is one symbol:
//                       dp_sh, est_ivwe (identifiers of two or more ASCII characters) and
//                       q_learning (one ASCII letter, then five or more lowercase ones) stay as written
//   `code`              a name from the code (parameter keys): monospace, no markup inside
#pragma once
#include <string>
#include <vector>

namespace klab::text {

enum class Shift { Base, Super, Sub };

struct Run {
  std::string text;
  Shift shift = Shift::Base;
  bool code = false;
};

// The runs of one line of marked-up text (adjacent runs of the same kind merged).
std::vector<Run> parse_inline(const std::string& text);
// The text without markup, sub/superscripts written out as Unicode where every character has a
// super/subscript form (T²ᐟ³ is not one: it stays T^(2/3)), for places that draw plain strings.
std::string plain(const std::string& text);

// A document: paragraphs of text and equation lines. The demos' texts are hard-wrapped at about
// 110 characters: consecutive text lines are one paragraph (reflowed by the renderer); a blank
// line, an equation line (indented by 4 spaces) or a line opening with "What to look for:" starts
// a new block.
struct Block {
  enum Kind { Paragraph, Equation, LookFor };
  Kind kind = Paragraph;
  std::string text;  // without the indentation of equations
};
std::vector<Block> parse_blocks(const std::string& text);
// The first sentence of a document's "What to look for:" paragraph ("" when it has none): the
// one-sentence callout that opens a demo's live view. Parenthesised developer references
// ("(claim 4, tests/unit/…)") are dropped, and no cut falls inside open parentheses.
std::string look_for_sentence(const std::string& text);

// A paper reference written "Authors. Title. Venue Year." split into its parts, with a link: the
// arXiv page or DOI when the reference names one ("arXiv:2401.01234", "doi:10.…"), otherwise a
// search for the exact title.
struct Citation {
  std::string authors, title, rest, url;
  bool direct = false;  // url is the paper's own page, not a search
};
Citation parse_citation(const std::string& reference);

}  // namespace klab::text
