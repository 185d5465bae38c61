// The film's toggles (film_view.hpp), the same in every diffusion live view: trajectories and the
// score field.
#pragma once

namespace klab::diffusion {

struct FilmToggles {
  bool paths = true, score = false;
};

// Two checkboxes on the current toolbar line; `paths_tip` says whose paths they are.
void film_toggles(FilmToggles* t, const char* paths_tip);

}  // namespace klab::diffusion
