#include "core/rich_text.hpp"

#include <cstdint>

namespace klab::text {
namespace {

// The code point starting at s[i] (UTF-8) and its length in bytes.
uint32_t decode(const std::string& s, size_t i, size_t* len) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  if (i + static_cast<size_t>(n) > s.size()) n = 1;
  uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
  for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<size_t>(k)]) & 0x3F);
  *len = static_cast<size_t>(n);
  return cp;
}

bool ascii_alnum(uint32_t c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool combining(uint32_t c) { return c >= 0x300 && c <= 0x36F; }
bool greek(uint32_t c) { return c >= 0x370 && c <= 0x3FF; }
// Characters a sub/superscript without braces is made of.
bool script_char(uint32_t c) { return ascii_alnum(c) || greek(c) || combining(c); }

// The length of the script content starting at i (letters, digits, Greek, combining marks).
size_t script_length(const std::string& s, size_t i) {
  size_t j = i;
  while (j < s.size()) {
    size_t len;
    if (!script_char(decode(s, j, &len))) break;
    j += len;
  }
  return j - i;
}

// Whether '_' at i follows a one-symbol base (R_t, π_ref, μ̂_a, π*_β) rather than an identifier
// of two or more ASCII letters and digits (dp_sh) or nothing at all. A one-letter ASCII base with a
// word of five or more lowercase letters after it is an identifier too (q_learning, n_points):
// the papers' subscripts on Latin letters are short (V_rect, p_data, c_free).
bool subscript_base(const std::string& s, size_t i) {
  if (i == 0) return false;
  size_t ascii = 0, j = i;
  while (j > 0 && ascii_alnum(static_cast<unsigned char>(s[j - 1]))) --j, ++ascii;
  if (ascii >= 2) return false;
  if (ascii == 1) {
    size_t word = 0;
    while (i + 1 + word < s.size() && s[i + 1 + word] >= 'a' && s[i + 1 + word] <= 'z') ++word;
    return word < 5;
  }
  const unsigned char prev = static_cast<unsigned char>(s[i - 1]);
  return prev != ' ' && prev != '\n' && prev != '\t' && prev != '_';
}

// The index of the '}' matching the '{' at i (npos if none).
size_t matching_brace(const std::string& s, size_t i) {
  int depth = 0;
  for (size_t j = i; j < s.size(); ++j) {
    if (s[j] == '{') ++depth;
    if (s[j] == '}' && --depth == 0) return j;
  }
  return std::string::npos;
}

void push(std::vector<Run>& runs, const std::string& text, Shift shift, bool code) {
  if (text.empty()) return;
  if (!runs.empty() && runs.back().shift == shift && runs.back().code == code) runs.back().text += text;
  else runs.push_back({text, shift, code});
}

struct ScriptMap {
  const char* from;
  const char* to;
};
// Unicode super- and subscript forms the embedded fonts carry (src/ui/CMakeLists.txt ranges).
const ScriptMap kSuper[] = {{"0", "⁰"}, {"1", "¹"}, {"2", "²"}, {"3", "³"}, {"4", "⁴"}, {"5", "⁵"}, {"6", "⁶"},
                            {"7", "⁷"}, {"8", "⁸"}, {"9", "⁹"}, {"+", "⁺"}, {"-", "⁻"}, {"=", "⁼"}, {"(", "⁽"},
                            {")", "⁾"}, {"n", "ⁿ"}, {"i", "ⁱ"}, {"T", "ᵀ"}, {"p", "ᵖ"}, {"k", "ᵏ"}, {"t", "ᵗ"},
                            {"β", "ᵝ"}, {"*", "*"}};
const ScriptMap kSub[] = {{"0", "₀"}, {"1", "₁"}, {"2", "₂"}, {"3", "₃"}, {"4", "₄"}, {"5", "₅"}, {"6", "₆"},
                          {"7", "₇"}, {"8", "₈"}, {"9", "₉"}, {"+", "₊"}, {"-", "₋"}, {"=", "₌"}, {"(", "₍"},
                          {")", "₎"}, {"a", "ₐ"}, {"e", "ₑ"}, {"o", "ₒ"}, {"x", "ₓ"}, {"h", "ₕ"}, {"k", "ₖ"},
                          {"l", "ₗ"}, {"m", "ₘ"}, {"n", "ₙ"}, {"p", "ₚ"}, {"s", "ₛ"}, {"t", "ₜ"}, {"i", "ᵢ"},
                          {"r", "ᵣ"}, {"u", "ᵤ"}, {"v", "ᵥ"}, {"β", "ᵦ"}};

// `text` in super/subscript characters, or false when one has no such form.
template <size_t N>
bool map_script(const std::string& text, const ScriptMap (&map)[N], std::string* out) {
  out->clear();
  for (size_t i = 0; i < text.size();) {
    size_t len;
    decode(text, i, &len);
    const std::string ch = text.substr(i, len);
    bool found = false;
    for (const ScriptMap& m : map)
      if (ch == m.from) *out += m.to, found = true;
    if (!found) return false;
    i += len;
  }
  return true;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// Whether the '.' at i ends an author's initial ("G.", "J.-Y.", "Z. S.") rather than a segment.
bool initial_at(const std::string& s, size_t i) {
  size_t j = i;
  while (j > 0 && s[j - 1] != ' ' && s[j - 1] != '-') --j;
  return i - j == 1 && s[j] >= 'A' && s[j] <= 'Z';
}

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (ascii_alnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else out += '%', out += hex[c >> 4], out += hex[c & 15];
  }
  return out;
}

}  // namespace

std::vector<Run> parse_inline(const std::string& s) {
  std::vector<Run> runs;
  std::string base;
  auto flush = [&] {
    push(runs, base, Shift::Base, false);
    base.clear();
  };
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == '`') {
      const size_t end = s.find('`', i + 1);
      if (end != std::string::npos) {
        flush();
        push(runs, s.substr(i + 1, end - i - 1), Shift::Base, true);
        i = end + 1;
        continue;
      }
    }
    if ((c == '^' || (c == '_' && subscript_base(s, i))) && i + 1 < s.size()) {
      const Shift shift = c == '^' ? Shift::Super : Shift::Sub;
      if (s[i + 1] == '{') {
        const size_t end = matching_brace(s, i + 1);
        if (end != std::string::npos) {
          flush();
          push(runs, s.substr(i + 2, end - i - 2), shift, false);
          i = end + 1;
          continue;
        }
      } else if (const size_t n = script_length(s, i + 1); n > 0) {
        flush();
        push(runs, s.substr(i + 1, n), shift, false);
        i += 1 + n;
        continue;
      }
    }
    base += c;
    ++i;
  }
  flush();
  return runs;
}

std::string plain(const std::string& text) {
  std::string out, mapped;
  for (const Run& r : parse_inline(text)) {
    if (r.shift == Shift::Base) {
      out += r.text;
    } else if (r.shift == Shift::Super ? map_script(r.text, kSuper, &mapped) : map_script(r.text, kSub, &mapped)) {
      out += mapped;
    } else {
      const bool single = script_length(r.text, 0) == r.text.size();
      out += (r.shift == Shift::Super ? "^" : "_") + (single ? r.text : "(" + r.text + ")");
    }
  }
  return out;
}

std::vector<Block> parse_blocks(const std::string& text) {
  std::vector<Block> blocks;
  bool open = false;  // the last block is a paragraph that continues on the next text line
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (trim(line).empty()) {
      open = false;
    } else if (starts_with(line, "    ")) {
      blocks.push_back({Block::Equation, line.substr(4)});
      open = false;
    } else if (starts_with(trim(line), "What to look for:")) {
      blocks.push_back({Block::LookFor, trim(line)});
      open = true;
    } else if (open) {
      blocks.back().text += " " + trim(line);
    } else {
      blocks.push_back({Block::Paragraph, trim(line)});
      open = true;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return blocks;
}

namespace {

// Whether a parenthesised group points the developer at the tests ("tests/unit/…", "claim 4",
// "claims 1–2"): the callout drops those, the About text keeps them.
bool developer_reference(const std::string& group) {
  if (group.find("tests/") != std::string::npos) return true;
  for (size_t at = group.find("claim"); at != std::string::npos; at = group.find("claim", at + 1)) {
    size_t i = at + 5;
    if (i < group.size() && group[i] == 's') ++i;
    if (i + 1 < group.size() && group[i] == ' ' && group[i + 1] >= '0' && group[i + 1] <= '9') return true;
  }
  return false;
}

// The text without its developer references, with the space before each removed group.
std::string strip_developer_references(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '(') {
      out += s[i];
      continue;
    }
    size_t close = i, depth = 0;
    for (; close < s.size(); ++close) {
      if (s[close] == '(') ++depth;
      if (s[close] == ')' && --depth == 0) break;
    }
    if (close < s.size() && developer_reference(s.substr(i, close - i + 1))) {
      while (!out.empty() && out.back() == ' ') out.pop_back();
      i = close;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The first position of `mark` outside parentheses at or after `from` (npos when none).
size_t find_outside_parentheses(const std::string& s, const std::string& mark, size_t from = 0) {
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '(') ++depth;
    if (s[i] == ')' && depth > 0) --depth;
    if (depth == 0 && i >= from && s.compare(i, mark.size(), mark) == 0) return i;
  }
  return std::string::npos;
}

}  // namespace

std::string look_for_sentence(const std::string& text) {
  for (const Block& b : parse_blocks(text)) {
    if (b.kind != Block::LookFor) continue;
    std::string s = strip_developer_references(trim(b.text.substr(std::string("What to look for:").size())));
    // The first sentence: up to the first '.' followed by a space (not a decimal point), outside parentheses.
    const size_t stop = find_outside_parentheses(s, ". ");
    if (stop != std::string::npos) s = s.substr(0, stop);
    if (!s.empty() && s.back() == '.') s.pop_back();
    // A long list of findings ("a; b; c"): its first item, never cut inside open parentheses.
    const size_t semicolon = find_outside_parentheses(s, "; ", 30);
    if (s.size() > 200 && semicolon != std::string::npos) s = s.substr(0, semicolon);
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
    return s.empty() ? s : s + ".";
  }
  return "";
}

Citation parse_citation(const std::string& reference) {
  // Segment ends: ". " (or the final '.') that do not close an initial.
  std::vector<size_t> ends;
  for (size_t i = 0; i < reference.size(); ++i)
    if (reference[i] == '.' && (i + 1 == reference.size() || reference[i + 1] == ' ') && !initial_at(reference, i))
      ends.push_back(i);
  Citation c;
  const bool has_authors = reference.size() > 2 && reference[1] == '.' && initial_at(reference, 1);
  size_t title_start = 0;
  if (has_authors && !ends.empty()) {
    c.authors = reference.substr(0, ends[0]);
    title_start = ends[0] + 2;
  }
  size_t title_end = reference.size();
  for (size_t e : ends)
    if (e > title_start) {
      title_end = e;
      break;
    }
  if (title_start < reference.size()) c.title = trim(reference.substr(title_start, title_end - title_start));
  if (title_end + 1 < reference.size()) c.rest = trim(reference.substr(title_end + 1));
  // A direct link where the reference names an arXiv id or a DOI.
  const size_t arxiv = reference.find("arXiv:"), doi = reference.find("doi:");
  auto token = [&](size_t from) {
    size_t e = from;
    while (e < reference.size() && reference[e] != ' ' && reference[e] != ',') ++e;
    if (e > from && reference[e - 1] == '.') --e;
    return reference.substr(from, e - from);
  };
  if (arxiv != std::string::npos) {
    c.url = "https://arxiv.org/abs/" + token(arxiv + 6);
    c.direct = true;
  } else if (doi != std::string::npos) {
    c.url = "https://doi.org/" + token(doi + 4);
    c.direct = true;
  } else {
    c.url = "https://scholar.google.com/scholar?q=" + url_encode("\"" + c.title + "\"");
  }
  return c;
}

}  // namespace klab::text
