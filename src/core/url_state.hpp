// The URL hash codec: the whole state of a demo in a shareable link.
//
//   #<demo-id>?<key>=<value>&...&seed=<S>&runs=<N>
// e.g. #kl.bernoulli?p_hat=0.3&n=20&t=1000&c=0&p_true=0.3&seed=1&runs=200
// Values use the canonical text of core/params (lists are comma-joined); characters outside
// [A-Za-z0-9._,~+:;-] are percent-encoded. Every parameter is written, so a link keeps its meaning
// even if a default changes later.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/params.hpp"
#include "core/run_settings.hpp"

namespace klab {

struct UrlState {
  std::string demo;
  std::vector<std::pair<std::string, std::string>> params;  // in URL order, decoded
  std::string seed, runs;                                   // empty when absent
};

std::string encode_url_hash(const std::string& demo_id, const ParamSet& params, const RunSettings& settings);
// Syntax only (percent-decoding, key=value pairs); errors say what is malformed: a bad %-escape,
// a pair without '=' or without a key, a key given twice, seed= or runs= without a value.
Expected<UrlState> decode_url_hash(std::string_view hash);
std::string percent_encode(std::string_view text);

}  // namespace klab
