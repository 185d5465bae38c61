// Figures shared by the diffusion chapter's Runs figures and live views: the true density as a
// heatmap with particles over it, and one run's quality-vs-NFE curves.
#pragma once
#include <string>

#include "core/figure.hpp"
#include "diffusion/kinetic.hpp"
#include "diffusion/marginal.hpp"
#include "diffusion/mixture2d.hpp"
#include "diffusion/samplers_experiment.hpp"
#include "diffusion/solvers.hpp"

namespace klab::diffusion {

// The square view of a mixture: its box (means ± 3.5 sd) widened to a square.
Box view_box(const Mixture& m);

// p(x) on a cells × cells grid over `box` (the GPU heatmap shader draws it); the Marginal form
// draws a noised marginal p_t.
plot::Heatmap density_heatmap(const Mixture& m, const Box& box, int cells, const std::string& label);
plot::Heatmap density_heatmap(const Marginal& p, const Box& box, int cells, const std::string& label);

// The score field ∇log p(x) as arrows at the centres of a grid × grid lattice over `box`, one line
// (shafts and heads, NaN between arrows). Lengths are |∇log p| scaled so that the 90th percentile
// of the lattice's magnitudes spans 0.8 of a cell, capped there: directions everywhere, sizes
// comparable within one t (the field's scale grows ~1/σ_t² as t → 0, so it is not comparable across t).
plot::Line score_arrows(const Marginal& p, const Box& box, int grid, const Rgba& color);

// `samples` (at most `max_points` of them) over the density heatmap.
plot::Plot cloud_plot(const plot::Heatmap& density, const Box& box, const Particles& samples, size_t max_points, const std::string& title,
                      const std::string& name, size_t series);

// One run's metric against NFE for every sampler computed so far (log-log), the exact set's
// floor as a grey line where the metric has one.
plot::Plot run_quality_plot(const SamplersRun& run, const SamplersParams& p, SamplerMetric metric, const std::string& title,
                            const std::string& y_label);

// The three Gaussian paths as curves (σ_t, α_t) from the noise end (σ ≈ 1) to the data end (α ≈ 1),
// `current` drawn wider (built once per run: each point inverts λ(t) on the cond-OT and KO paths).
plot::Plot paths_plot(const GaussianPaths& g, PathKind current, const std::string& title);
// The dot at (σ_t, α_t) of `current` (per frame: the film's t).
void mark_path_time(plot::Plot& q, const GaussianPaths& g, PathKind current, double t);

}  // namespace klab::diffusion
