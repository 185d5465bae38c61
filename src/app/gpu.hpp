// Whether a CUDA device answers. Built from src/cuda/device.cu when nvcc exists, otherwise
// from app/gpu_none.cpp, which explains that this build has no CUDA engine.
#pragma once
#include <string>

namespace klab {
bool cuda_device_available(std::string* why_not);
}
