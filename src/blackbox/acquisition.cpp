#include "blackbox/acquisition.hpp"

#include <algorithm>
#include <cmath>

#include "core/lab_math.hpp"
#include "core/portable.hpp"

namespace klab::blackbox {

double normal_pdf(double z) { return 0.3989422804014327 * math::exp(-0.5 * z * z); }
double normal_cdf(double z) { return 0.5 * std::erfc(-z * 0.7071067811865476); }

double expected_improvement(double mean, double sd, double best) {
  const double delta = mean - best;
  if (!(sd > 0.0)) return delta > 0.0 ? delta : 0.0;
  const double a = std::fabs(delta);
  return (delta > 0.0 ? delta : 0.0) + sd * normal_pdf(delta / sd) - a * normal_cdf(-a / sd);
}

double probability_of_improvement(double mean, double sd, double best) {
  if (!(sd > 0.0)) return mean > best ? 1.0 : 0.0;
  return normal_cdf((mean - best) / sd);
}

double upper_confidence_bound(double mean, double sd, double beta) { return mean + std::sqrt(beta) * sd; }

double expected_max_gain(const double* a, const double* b, int m, std::vector<int>* scratch) {
  std::vector<int>& order = *scratch;
  order.resize(static_cast<size_t>(2 * m));
  int* idx = order.data();
  int* hull = order.data() + m;
  for (int i = 0; i < m; ++i) idx[i] = i;
  // Slopes ascending; among equal slopes the largest intercept last (it dominates the others).
  std::sort(idx, idx + m, [&](int i, int j) { return b[i] < b[j] || (b[i] == b[j] && (a[i] < a[j] || (a[i] == a[j] && i < j))); });
  // Upper envelope: hull[0..h) with breakpoints c (line hull[k] is on top for z in (c_{k−1}, c_k)).
  std::vector<double> c;
  c.reserve(static_cast<size_t>(m));
  int h = 0;
  for (int t = 0; t < m; ++t) {
    const int j = idx[t];
    if (t + 1 < m && b[idx[t + 1]] == b[j]) continue;  // a larger intercept with the same slope follows
    while (h > 0) {
      const int i = hull[h - 1];
      const double z = (a[i] - a[j]) / (b[j] - b[i]);  // where line j overtakes line i
      if (h > 1 && z <= c[static_cast<size_t>(h - 2)]) {
        --h;  // line i is never on top
        c.pop_back();
        continue;
      }
      c.push_back(z);
      break;
    }
    hull[h++] = j;
  }
  double gain = 0.0;
  for (int k = 0; k + 1 < h; ++k) {
    const double z = -std::fabs(c[static_cast<size_t>(k)]);
    gain += (b[hull[k + 1]] - b[hull[k]]) * (z * normal_cdf(z) + normal_pdf(z));
  }
  return gain;
}

}  // namespace klab::blackbox
