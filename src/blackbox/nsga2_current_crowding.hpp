// The current crowding distance: truncating a front of two objectives by removing, one at a time, a
// member of smallest crowding distance among those left, the distances recomputed after each removal
// (Kukkonen & Deb, CEC 2006, "Improved pruning of non-dominated solutions based on crowding distance
// for bi-objective optimization problems"; Zheng & Doerr, GECCO 2022, "Better approximation guarantees
// for the NSGA-II by using the current crowding distance"): the survival of the dNSGA-II in Doerr,
// Krejca, Wietheger, arXiv:2509.01739, Algorithm 1, as a secondary copy of that paper shows it.
// The distance is crowding_distances' (nsga2.hpp, Deb et al. 2002) of the members left: per objective
// the members sorted by (value, index), the two ends ∞, the others (v_{k+1} − v_{k−1}) / range, summed
// f₁ term first. Ties between equal smallest distances: the higher index goes (a deterministic rule of
// this lab, as its classic survival keeps the lower index).
// Fast form, O(m log m): sorted neighbour lists per objective and a heap of distances. Removing an
// interior member changes only its (up to four) neighbours' terms; the ends, hence the ranges, stay
// until every member left is an end (∞), at most four of them, which the recompute then finishes.
#pragma once
#include <vector>

namespace klab::blackbox {

// The `count` members removed, in the order removed (members: indices into f1, f2).
std::vector<int> current_crowding_removals(const std::vector<double>& f1, const std::vector<double>& f2, std::vector<int> members, int count);
// Reference: crowding_distances of the members left recomputed after every removal, O(count·m log m).
std::vector<int> current_crowding_removals_reference(const std::vector<double>& f1, const std::vector<double>& f2, std::vector<int> members,
                                                     int count);

}  // namespace klab::blackbox
