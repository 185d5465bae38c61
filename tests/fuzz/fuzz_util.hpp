// Shared by the fuzz targets (tests/fuzz/*_fuzz.cpp): a check that aborts with a message (the
// fuzzer then saves the input), the demo catalogue, and comparisons of parameter sets.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "app/catalog.hpp"

#define KLAB_FUZZ_CHECK(cond, what)                                                        \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      std::fprintf(stderr, "fuzz check failed: %s (%s:%d): %s\n", #cond, __FILE__, __LINE__, \
                   std::string(what).c_str());                                             \
      std::abort();                                                                        \
    }                                                                                      \
  } while (0)

namespace klab::fuzz {

inline const Registry& catalog() {
  static const Registry r = make_catalog();
  return r;
}

// Every parameter's canonical text, in table order: equal texts mean equal values (format_value
// is one-to-one on valid values).
inline std::vector<std::string> texts(const ParamSet& p) {
  std::vector<std::string> t;
  for (size_t i = 0; i < p.specs().size(); ++i) t.push_back(p.text(i));
  return t;
}

inline bool same_values(const ParamSet& a, const ParamSet& b) {
  if (a.specs().size() != b.specs().size()) return false;
  for (size_t i = 0; i < a.specs().size(); ++i)
    if (a.get(i) != b.get(i)) return false;
  return true;
}

}  // namespace klab::fuzz
