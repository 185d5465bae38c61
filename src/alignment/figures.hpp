// Figure pieces shared by the alignment demos' Runs figures and live views (no UI code): the
// reward–KL frontier of the closed-form optimum, curve plots with CI bands, and the probability
// simplex of a 3-response prompt with paths, the optimum and a gradient-descent field.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "alignment/world.hpp"
#include "core/batch.hpp"
#include "core/figure.hpp"

namespace klab::alignment {

// Series colour i: the lab's 10-colour palette (series 10 and up are told apart by their dash,
// plot::series_dash).
Rgba series_color(size_t i);
// Colours of reference objects (optima, π_ref, guides), legible on the dark UI and on white SVG.
constexpr Rgba kOptimumColor = plot::kOptimumGold;
constexpr Rgba kReferenceColor = plot::kReferenceGrey;

// About `max_points` + 1 distinct integer checkpoints 0 = c_0 < ... < c_n = steps.
std::vector<long long> step_checkpoints(long long steps, int max_points);

// Every series' mean curve `metric` with its 95% band.
plot::Plot curves_plot(const BatchResult& r, const std::string& metric, const std::string& title, const std::string& ylabel,
                       plot::Scale yscale);

// Gold reward against KL(π‖π_ref) along the closed-form family π*_b, b from 50 down to 0.02, with
// π*_β marked: the best trade-off any policy can reach (dashed line).
plot::Plot reward_kl_frontier(const World& world, double beta);

// A simplex plot titled `title` with corners labelled by response index and gold reward of prompt x.
plot::Plot simplex_frame(const World& world, int x, const std::string& title);

// A path of distributions (each 3 probabilities) as a simplex line.
plot::Line simplex_path(const std::string& name, const std::vector<Eigen::Vector3d>& path, Rgba color);
plot::Points simplex_point(const std::string& name, const Eigen::Vector3d& p, Rgba color, float radius);
// An optimum (π*, π_N, the constrained optimum): a gold point in a dark ring.
void add_optimum_marker(plot::Plot& plot, const std::string& name, double x, double y);
// An optimum on the simplex (plane coordinates): a small gold point named `name` inside a large gold
// ★ outline cased in white, a tenth of the triangle's side across (the figure model's points are
// discs, so the star is two closed lines of the point's group; the methods' end dots that reach the
// optimum sit inside it).
void add_optimum_star(plot::Plot& plot, const std::string& name, double x, double y);

// Arrows of a vector field v(π) on the simplex (one NaN-separated line; lengths ∝ √(|v|/max|v|)).
plot::Line simplex_field(const std::function<Eigen::Vector3d(const Eigen::Vector3d&)>& field, int resolution,
                         Rgba color);

// A scalar field on the simplex as a heatmap (NaN outside), values clipped to [lo, hi] quantiles.
plot::Heatmap simplex_heatmap(const std::function<double(const Eigen::Vector3d&)>& value, int nx, int ny,
                              const std::string& label);

Eigen::Vector3d row3(const MatrixXd& logp, int x);  // π(·|x) of a 3-response prompt

}  // namespace klab::alignment
