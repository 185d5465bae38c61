// The `klab` command line (native and, for the wasm determinism test, under node):
//   klab list
//   klab run <demo-id> --help
//   klab run <demo-id> [--set key=value ...] [--config FILE] [--runs N] [--seed S] [--threads T]
//                      [--backend cpu|cuda] --out DIR [--overwrite] [--quiet]
// Returns the process exit code: 0 on success, 2 on bad input (with a message naming the flag
// or parameter and its allowed range), 1 when the run itself fails.
#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace klab {
int cli_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
}
