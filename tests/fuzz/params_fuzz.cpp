// Fuzz target: the parameter parser (core/params.hpp) over every demo's table.
//   - a text that parses: its value is in range, its canonical text parses back to the same
//     value, and the canonical text is a fixed point (format → parse → format);
//   - set_texts with it either applies exactly that value or changes nothing (values and version);
//   - a refusal names the parameter.
// Input: byte 0 picks the demo, byte 1 the parameter, the rest is the value's text.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.hpp"

using namespace klab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const auto& demos = fuzz::catalog().demos();
  const DemoInfo& demo = demos[data[0] % demos.size()];
  std::unique_ptr<Experiment> e = demo.make();
  ParamSet& params = e->params();
  const size_t i = data[1] % params.specs().size();
  const ParamSpec& spec = params.specs()[i];
  const std::string text(reinterpret_cast<const char*>(data) + 2, size - 2);

  const Expected<ParamValue> v = parse_value(spec, text);
  if (v.ok()) {
    KLAB_FUZZ_CHECK(check_value(spec, v.value()).ok(), spec.key + " = " + text + " is in range");
    const std::string canonical = format_value(spec, v.value());
    const Expected<ParamValue> back = parse_value(spec, canonical);
    KLAB_FUZZ_CHECK(back.ok() && back.value() == v.value(), spec.key + ": " + text + " -> " + canonical);
    KLAB_FUZZ_CHECK(format_value(spec, back.value()) == canonical, spec.key + ": canonical text is a fixed point");
  } else {
    KLAB_FUZZ_CHECK(v.error().find("'" + spec.key + "'") != std::string::npos, "the message names the parameter: " + v.error());
  }

  const std::vector<std::string> before = fuzz::texts(params);
  const uint64_t version = params.version();
  const Status s = params.set_texts({{spec.key, text}});
  if (s.ok()) {
    KLAB_FUZZ_CHECK(v.ok() && params.get(i) == v.value(), spec.key + ": set_texts applied what parse_value read");
  } else {
    KLAB_FUZZ_CHECK(fuzz::texts(params) == before && params.version() == version, spec.key + ": a refusal changed nothing");
  }
  return 0;
}
