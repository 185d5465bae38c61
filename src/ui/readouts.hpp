// A compact table of "name  value" read-outs, up to `columns` pairs per row, fewer on narrow
// screens (the numbers next to a demo's plots: bounds, divergences, current estimates). Where
// only one pair fits a row, a list longer than four folds under a "Numbers" header.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace klab::ui {
void readout_table(const char* id, const std::vector<std::pair<std::string, std::string>>& rows, int columns);
}
