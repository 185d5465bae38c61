#!/usr/bin/env bash
# Prepares the GPU check (scripts/gpu_check.sh) for a bare, offline GPU machine: copies the
# header-only libraries the build needs — Eigen, nlohmann-json, doctest, with their CMake package
# files — from this machine's Debian packages into build/gpu-prefix (ignored by git; about 11 MB),
# laid out as an install prefix that `-DCMAKE_PREFIX_PATH=build/gpu-prefix` finds. Run it here,
# then ship build/gpu-prefix with the working tree (the device tool's `carry`).
# Installs the three Debian packages first if missing (scripts/bootstrap.sh does too).
#
#   scripts/gpu_prepare.sh [PREFIX]     (default build/gpu-prefix)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
prefix=${1:-build/gpu-prefix}

need=()
[ -f /usr/share/eigen3/cmake/Eigen3Config.cmake ] || need+=(libeigen3-dev)
[ -f /usr/share/cmake/nlohmann_json/nlohmann_jsonConfig.cmake ] || need+=(nlohmann-json3-dev)
[ -f /usr/lib/cmake/doctest/doctestConfig.cmake ] || need+=(doctest-dev)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "${need[@]}"
fi

rm -rf "$prefix"
mkdir -p "$prefix/include" "$prefix/share/eigen3" "$prefix/share/cmake" "$prefix/lib/cmake"
# Headers.
cp -r /usr/include/eigen3 "$prefix/include/eigen3"
cp -r /usr/include/nlohmann "$prefix/include/nlohmann"
cp -r /usr/include/doctest "$prefix/include/doctest"
# CMake package files, at the same place relative to the prefix as under /usr (Eigen's and
# nlohmann-json's compute their prefix from their own location).
cp -r /usr/share/eigen3/cmake "$prefix/share/eigen3/cmake"
cp -r /usr/share/cmake/nlohmann_json "$prefix/share/cmake/nlohmann_json"
cp -r /usr/lib/cmake/doctest "$prefix/lib/cmake/doctest"
# doctest's targets file names /usr outright: make it relative to its own location.
sed -i 's|^set(_IMPORT_PREFIX "/usr")$|get_filename_component(_IMPORT_PREFIX "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)|' \
  "$prefix/lib/cmake/doctest/doctestTargets.cmake"
if grep -rq '"/usr' "$prefix"/share/eigen3/cmake "$prefix"/share/cmake "$prefix"/lib/cmake; then
  echo "gpu_prepare: a CMake package file still names /usr:" >&2
  grep -rn '"/usr' "$prefix"/share/eigen3/cmake "$prefix"/share/cmake "$prefix"/lib/cmake >&2
  exit 1
fi
size_kb=$(du -sk "$prefix" | cut -f1)
if [ "$size_kb" -gt $((60 * 1024)) ]; then
  echo "gpu_prepare: $prefix is $((size_kb / 1024)) MB, over the 60 MB that may travel with the tree" >&2
  exit 1
fi
echo "gpu_prepare: $prefix ready ($((size_kb / 1024)) MB: Eigen $(sed -n 's/.*PACKAGE_VERSION "\(.*\)".*/\1/p' "$prefix/share/eigen3/cmake/Eigen3ConfigVersion.cmake" | head -1), nlohmann-json, doctest)"
echo "gpu_prepare: on the GPU machine run scripts/gpu_check.sh (carry $prefix)"
