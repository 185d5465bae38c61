// Fuzz target: the URL hash codec (core/url_state.hpp) with every demo's parameter table.
//   - percent-encoding: any bytes survive encode → decode;
//   - a link that decodes and applies: encode → decode → apply gives the same state, and encoding
//     that state again gives the same link (the codec's canonical form is a fixed point);
//   - a link that is refused changes nothing (the parameters keep their values and version).
// Input: the link text. An unknown demo id reads the parameters with the demo picked by its first byte.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/run_settings.hpp"
#include "core/url_state.hpp"
#include "fuzz_util.hpp"

using namespace klab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);

  // Any bytes, as a value, come back unchanged.
  const Expected<UrlState> escaped = decode_url_hash("#x?k=" + percent_encode(text));
  KLAB_FUZZ_CHECK(escaped.ok() && escaped.value().params.size() == 1 && escaped.value().params[0].second == text,
                  "percent-encoding round trip");

  const Expected<UrlState> decoded = decode_url_hash(text);
  if (!decoded.ok()) {
    KLAB_FUZZ_CHECK(!decoded.error().empty(), "a refusal has a message");
    return 0;
  }
  const UrlState& state = decoded.value();
  const DemoInfo* demo = fuzz::catalog().find(state.demo);
  if (!demo) demo = &fuzz::catalog().demos()[size ? data[0] % fuzz::catalog().demos().size() : 0];
  std::unique_ptr<Experiment> e = demo->make();
  const std::vector<std::string> before = fuzz::texts(e->params());
  const uint64_t version = e->params().version();
  RunSettings settings;
  Status s;
  if (!state.seed.empty()) s = parse_seed(state.seed, &settings.seed);
  if (s.ok() && !state.runs.empty()) s = parse_runs(state.runs, &settings.runs);
  if (s.ok()) s = e->params().set_texts(state.params);
  if (!s.ok()) {
    KLAB_FUZZ_CHECK(fuzz::texts(e->params()) == before && e->params().version() == version, "a refused link changed nothing");
    return 0;
  }
  const std::string link = encode_url_hash(demo->id, e->params(), settings);
  const Expected<UrlState> again = decode_url_hash(link);
  KLAB_FUZZ_CHECK(again.ok(), "the canonical link decodes: " + again.error());
  KLAB_FUZZ_CHECK(again.value().demo == demo->id, "demo id round trip");
  std::unique_ptr<Experiment> back = demo->make();
  KLAB_FUZZ_CHECK(back->params().set_texts(again.value().params).ok(), "the canonical link applies");
  RunSettings settings_back;
  KLAB_FUZZ_CHECK(parse_seed(again.value().seed, &settings_back.seed).ok() && settings_back.seed == settings.seed, "seed round trip");
  KLAB_FUZZ_CHECK(parse_runs(again.value().runs, &settings_back.runs).ok() && settings_back.runs == settings.runs, "runs round trip");
  KLAB_FUZZ_CHECK(fuzz::same_values(e->params(), back->params()), "parameters round trip");
  KLAB_FUZZ_CHECK(encode_url_hash(demo->id, back->params(), settings_back) == link, "the canonical link is a fixed point");
  return 0;
}
