// The edited world of the diffusion demos as a parameter value: one text form of a Mixture, the
// value of every diffusion demo's `mixture` parameter, so the URL hash, `klab run --set`,
// config.json and "Copy CLI command" carry an edited mixture exactly (core/params.hpp: text is
// the common currency).
//
//   mixture = w:mx:my:sxx:sxy:syy;w:mx:my:sxx:sxy:syy;...      (1 to kMaxComponents components)
//
// w is a relative weight (the weights are normalised, w_k / Σ_j w_j), (mx, my) the mean and
// [[sxx, sxy], [sxy, syy]] the covariance; numbers as core/number_text.hpp reads them, spaces
// around a field ignored. The empty text means "the preset": `preset` at `width`.
#pragma once
#include <string>
#include <string_view>

#include "core/params.hpp"
#include "core/status.hpp"
#include "diffusion/mixture2d.hpp"

namespace klab::diffusion {

// 64 components of six 17-digit reals with exponents fit; the editor writes about 35 characters a
// component (values rounded to the precision a drag or a slider gives).
constexpr int kMixtureTextMaxChars = 10000;

// Shortest round-trip text of every field (parse_mixture(format_mixture(m)) == m exactly).
std::string format_mixture(const Mixture& m);
// The components as written (weights not normalised). Errors name the component (from 1) and
// the field: "component 2, field 'sxy': ...".
Expected<Mixture> parse_mixture(std::string_view text);

// The rule every diffusion demo's parameter table states on `mixture`: empty, or a text that
// parses and passes check_mixture. Errors begin "parameter 'mixture': ".
Status check_mixture_text(const std::string& text);
// The demo's data p_data: make_preset(preset, width) when `text` is empty, else the parsed
// mixture with its weights normalised. `text` must have passed check_mixture_text (the parameter
// rule sees to it); an unchecked invalid text is a programming error and aborts with its message.
Mixture world_mixture(Preset preset, double width, const std::string& text);

// Declares the `mixture` parameter of a demo whose parameters P hold `std::string mixture` (after
// its preset and width), with its rule. The live views' mixture editor (mixture_editor.hpp) writes it.
template <class P>
void add_mixture_param(ParamTable<P>& t) {
  t.text("mixture", &P::mixture, "", kMixtureTextMaxChars)
      .label("edited mixture")
      .help("The data mixture as w:mx:my:sxx:sxy:syy;... (weight, mean, covariance entries per component; up to 64), written by the live "
            "view's mixture editor; empty: the preset above at its width.");
  t.rule([](const P& p) { return check_mixture_text(p.mixture); });
}

}  // namespace klab::diffusion
