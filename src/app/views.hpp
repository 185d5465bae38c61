// Every chapter's live views, by demo id (the UI counterpart of catalog.hpp).
#pragma once
#include "ui/demo_view.hpp"

namespace klab {
ui::ViewFactory make_view_factory();
}
