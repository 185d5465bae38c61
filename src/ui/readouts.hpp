// A compact table of "name  value" read-outs, up to `columns` pairs per row, fewer on narrow
// screens (the numbers next to a demo's plots: bounds, divergences, current estimates). Where
// only one pair fits a row, a list longer than four folds under a "Numbers" header. `tips[i]`, where
// given and not empty, is shown when the pointer rests on row i's value (the detail behind a count).
// `shown` < rows.size(): only the first `shown` rows stay in view on every screen, the rest fold
// under the "Numbers" header (a demo whose story needs a few of many numbers).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace klab::ui {
void readout_table(const char* id, const std::vector<std::pair<std::string, std::string>>& rows, int columns,
                   const std::vector<std::string>& tips = {}, size_t shown = SIZE_MAX);
}
