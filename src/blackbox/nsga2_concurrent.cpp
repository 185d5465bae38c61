#include "blackbox/nsga2_concurrent.hpp"

#include <algorithm>

#include "blackbox/nsga2_bits.hpp"  // nsga2_start_size

namespace klab::blackbox {

long long concurrent_phase_length(int doublings, bool plus, int i, int phase) {
  const long long tau = 1LL << i;
  if (plus && phase == 0) return doublings * tau;
  return std::max(tau, 4LL << std::min(phase, doublings));
}

ConcurrentSchedule::Phase ConcurrentSchedule::next() {
  // Candidates: the started instances, then the smallest unstarted one (r = 0, φ = 0).
  const size_t started = granted_.size();
  size_t pick = started;
  long long best = concurrent_phase_length(doublings_, plus_, static_cast<int>(started) + 2, 0);
  for (size_t k = 0; k < started; ++k) {
    const long long cost = granted_[k] + concurrent_phase_length(doublings_, plus_, static_cast<int>(k) + 2, phases_[k]);
    if (cost < best || (cost == best && k < pick)) best = cost, pick = k;
  }
  if (pick == started) granted_.push_back(0), phases_.push_back(0);
  Phase p;
  p.instance = static_cast<int>(pick) + 2;
  p.phase = phases_[pick];
  p.length = concurrent_phase_length(doublings_, plus_, p.instance, p.phase);
  granted_[pick] += p.length;  // the phase just granted (README: the copy charges the next one)
  ++phases_[pick];
  return p;
}

Nsga2Search::Nsga2Search(const Nsga2Settings& s, const FrontTarget& target, Rng& rng) : s_(s), schedule_(nsga2_doublings(s.mu), s.plus) {
  if (s_.concurrent) return;
  settings_.push_back(s_);
  runs_.push_back(nsga2_start(s_, rng));
  covered_.push_back(front_covered(target, runs_.back()));
  evaluations_ = runs_.back().evaluations;
}

void Nsga2Search::start_instance(int i, const FrontTarget& target, Rng& rng) {
  Nsga2Settings inst = s_;  // A_i: a dNSGA-II (or ⁺) with τ = 2^i
  inst.concurrent = false, inst.dynamic = true, inst.tau = 1LL << i;
  settings_.push_back(inst);
  runs_.push_back(nsga2_start(inst, rng));
  covered_.push_back(front_covered(target, runs_.back()));
  evaluations_ += runs_.back().evaluations;
}

void Nsga2Search::update_best() {
  best_ = static_cast<size_t>(std::max_element(covered_.begin(), covered_.end()) - covered_.begin());  // the first of the most
}

void Nsga2Search::step(const FrontTarget& target, const std::vector<double>& flip_cdf, Rng& rng) {
  if (!s_.concurrent) {
    nsga2_generation(settings_[0], flip_cdf, rng, runs_[0]);
    covered_[0] = front_covered(target, runs_[0]);
    evaluations_ = runs_[0].evaluations, generations_ = runs_[0].generations;
    return;
  }
  const long long initial = nsga2_start_size(s_.mu, true);  // an instance's first evaluations, outside its phases
  for (;;) {
    if (current_ < 0) {
      const ConcurrentSchedule::Phase p = schedule_.next();
      current_ = p.instance - 2;
      if (p.phase == 0) start_instance(p.instance, target, rng);  // the schedule starts instances in the order of i
      if (p.phase == 0) {  // the start is this step's work
        update_best();
        return;
      }
    }
    const size_t k = static_cast<size_t>(current_);
    Nsga2Run& r = runs_[k];
    if (r.evaluations - initial >= schedule_.granted(current_ + 2)) {  // the phase is spent
      current_ = -1;
      continue;
    }
    const long long before = r.evaluations;
    nsga2_generation(settings_[k], flip_cdf, rng, r);
    evaluations_ += r.evaluations - before, ++generations_;
    covered_[k] = front_covered(target, r);
    update_best();
    return;
  }
}

}  // namespace klab::blackbox
