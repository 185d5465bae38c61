#include "diffusion/usf_plan_text.hpp"

#include <vector>

#include "core/params.hpp"

namespace klab::diffusion {
namespace {

std::vector<std::string_view> tokens(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    const size_t start = i;
    while (i < text.size() && text[i] != ' ') ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

// "b=<real>" or "p=<real>" with a real in [lo, hi].
Status read_real(std::string_view token, char name, const char* what, double lo, double hi, double* out) {
  const std::string got = " (got '" + std::string(token) + "')";
  if (token.size() < 3 || token[0] != name || token[1] != '=' || !parse_real(token.substr(2), out))
    return Status::error(std::string("USF plan: expected ") + name + "=<" + what + ">" + got);
  if (!(*out >= lo && *out <= hi))
    return Status::error(std::string("USF plan: ") + what + " must be in [" + format_real(lo) + ", " + format_real(hi) + "]" + got);
  return {};
}

Status read_step(std::string_view token, size_t index, UsfStep* st) {
  const std::string where = "USF plan: step " + std::to_string(index + 1) + " ('" + std::string(token) + "')";
  if (token.empty() || token[0] < '1' || token[0] > '3') return Status::error(where + " must start with its order 1, 2 or 3");
  st->order = token[0] - '0';
  if (token.size() < 2 || (token[1] != 'd' && token[1] != 'e')) return Status::error(where + " needs its prediction after the order: d (x̂₀) or e (ε̂)");
  st->noise = token[1] == 'e';
  size_t i = 2;
  st->deriv = UsfDeriv::Dpm;
  if (i < token.size() && (token[i] == 't' || token[i] == 'l')) st->deriv = token[i++] == 't' ? UsfDeriv::Taylor : UsfDeriv::LowOrder;
  st->relax = 0.0;
  if (i < token.size() && token[i] == 'r' && st->deriv != UsfDeriv::Dpm) {
    const size_t end = token.find('c', i + 1);
    const std::string_view number = token.substr(i + 1, end == std::string_view::npos ? std::string_view::npos : end - i - 1);
    if (!parse_real(number, &st->relax) || !(st->relax >= -kUsfMaxRelax && st->relax <= kUsfMaxRelax))
      return Status::error(where + " needs a relaxation coefficient in [" + format_real(-kUsfMaxRelax) + ", " + format_real(kUsfMaxRelax) +
                           "] after r");
    i = end == std::string_view::npos ? token.size() : end;
  }
  st->corrector = i < token.size() && token[i] == 'c';
  if (st->corrector) ++i;
  if (i != token.size()) return Status::error(where + " may end only in t (Taylor) or l (low-order), then r<c> (relaxation), then c (corrector)");
  return {};
}

std::string format_usf_step(const UsfStep& st) {
  std::string s = std::to_string(st.order) + (st.noise ? "e" : "d");
  if (st.deriv == UsfDeriv::Taylor) s += "t";
  if (st.deriv == UsfDeriv::LowOrder) s += "l";
  if (st.relax != 0.0) s += "r" + format_real(st.relax);
  if (st.corrector) s += "c";
  return s;
}

}  // namespace

std::string format_usf_plan(const UsfPlan& u) {
  std::string s = "b=" + format_real(u.blend) + " p=" + format_real(u.power);
  for (const UsfStep& st : u.steps) s += " " + format_usf_step(st);
  return s;
}

Expected<UsfPlan> parse_usf_plan(std::string_view text) {
  const std::vector<std::string_view> t = tokens(text);
  if (t.size() < 3) return Status::error("USF plan: expected 'b=<blend> p=<power>' and at least one step (got '" + std::string(text) + "')");
  UsfPlan u;
  if (Status st = read_real(t[0], 'b', "blend", 0.0, 1.0, &u.blend); !st.ok()) return st;
  if (Status st = read_real(t[1], 'p', "power", 0.01, 100.0, &u.power); !st.ok()) return st;
  u.steps.resize(t.size() - 2);
  for (size_t i = 0; i < u.steps.size(); ++i)
    if (Status st = read_step(t[i + 2], i, &u.steps[i]); !st.ok()) return st;
  return u;
}

}  // namespace klab::diffusion
