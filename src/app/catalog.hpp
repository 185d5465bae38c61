// The lab's demo table: every chapter's demos, in sidebar order.
#pragma once
#include "core/registry.hpp"

namespace klab {
Registry make_catalog();
}
