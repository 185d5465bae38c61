// The diffusion chapter's film, shared by the four live views: a sampler's particles at one of its
// steps over the exact density at that step's t (a heatmap), with the paths of some particles and the
// score field ∇log p_t as arrows on request. A sampler's states are recorded as Paths (solvers.hpp):
// diffusion.samplers and diffusion.constrained record their ODE solvers' steps, diffusion.tsmc the
// genealogy of its SMC particles, diffusion.federated its annealed Langevin levels.
#pragma once
#include <string>
#include <vector>

#include "core/figure.hpp"
#include "diffusion/marginal.hpp"
#include "diffusion/mixture2d.hpp"
#include "diffusion/solvers.hpp"

namespace klab::diffusion {

constexpr size_t kMaxCloudPoints = 20000;  // particles drawn per cloud of a finished sample set
constexpr int kHeatmapCells = 128;         // a fixed density's heatmap
constexpr size_t kFilmParticles = 2000;   // particles drawn per film frame (the first ones recorded)
constexpr size_t kFilmStates = 2000000;   // particles × recorded states per film, at most (32 MB)
constexpr size_t kFilmTrajectories = 48;  // paths drawn by the "trajectories" toggle
constexpr int kFilmHeatCells = 80;        // the density heatmap of a frame (recomputed when t moves)
constexpr int kScoreGrid = 15;            // the score field's arrows: kScoreGrid² lattice points

// The exact density at a frame's t and its score as arrows.
struct FilmField {
  plot::Heatmap heat;
  plot::Line arrows;
};
FilmField film_field(const Marginal& p, const Box& box, const std::string& label);

// The particles of state i, or on the chord between states i and i + 1 at u ∈ [0, 1].
Particles path_state(const Paths& p, size_t i, double u = 0.0);

// The 2σ ellipses of a mixture's components noised to (α_t, σ_t) (covariance α²Σ + σ²I), one line.
plot::Line component_ellipses(const Mixture& m, double alpha, double sigma, const std::string& name, const Rgba& color);

// What a film frame shows besides its cloud.
struct FilmLayers {
  const Paths* paths = nullptr;                 // trajectories: the first kFilmTrajectories paths
  const plot::Line* arrows = nullptr;           // the score field
  const std::vector<double>* log_w = nullptr;   // the cloud's log weights: point size by N·W (three sizes)
};

// The frame: `cloud` (its first kFilmParticles) over the field's heatmap, with the layers given.
plot::Plot film_plot(const FilmField& field, const Box& box, const Particles& cloud, const std::string& title, const std::string& name,
                     size_t series, const FilmLayers& layers);

}  // namespace klab::diffusion
