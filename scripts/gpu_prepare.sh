#!/usr/bin/env bash
# Prepares the GPU check (scripts/gpu_check.sh) for a bare, offline GPU machine: copies the
# header-only libraries the build needs — Eigen, nlohmann-json, doctest, with their CMake package
# files — from this machine's Debian packages into build/gpu-prefix (ignored by git), laid out as an
# install prefix that `-DCMAKE_PREFIX_PATH=build/gpu-prefix` finds; and Debian's Open MPI (runtime,
# headers, compiler wrapper and the libraries they load that a bare machine lacks) into
# build/gpu-prefix/openmpi, a copy of its /usr layout that gpu_check.sh relocates with OPAL_PREFIX,
# so that `mpirun … --backend cuda` runs there too (issue 14). About 45 MB in all. Run it here, then
# ship build/gpu-prefix with the working tree (the device tool's `carry`).
# Installs the Debian packages first if missing (scripts/bootstrap.sh does too).
#
#   scripts/gpu_prepare.sh [PREFIX]     (default build/gpu-prefix)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
prefix=${1:-build/gpu-prefix}

need=()
[ -f /usr/share/eigen3/cmake/Eigen3Config.cmake ] || need+=(libeigen3-dev)
[ -f /usr/share/cmake/nlohmann_json/nlohmann_jsonConfig.cmake ] || need+=(nlohmann-json3-dev)
[ -f /usr/lib/cmake/doctest/doctestConfig.cmake ] || need+=(doctest-dev)
[ -x /usr/bin/orterun ] || need+=(openmpi-bin)
[ -f /usr/lib/x86_64-linux-gnu/openmpi/include/mpi.h ] || need+=(libopenmpi-dev)
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

# Open MPI 4.1 (Debian 12: prefix /usr, libraries in /usr/lib/x86_64-linux-gnu, its plugins, headers and
# wrapper libdir under …/openmpi, PMIx under …/pmix2). Copied with the same paths below $mpi, so that
# OPAL_PREFIX=$mpi and PMIX_INSTALL_PREFIX=$mpi/lib/x86_64-linux-gnu/pmix2 relocate every path Open MPI
# derives from its prefix; /etc/openmpi's settings are not prefix-relative: gpu_check.sh sets them as
# OMPI_MCA_* variables instead. The libraries that Open MPI's own programs and libraries load from
# outside it (hwloc, libevent, …) are copied too, except the C and C++ runtimes every machine has.
mpi=$prefix/openmpi
multi=lib/x86_64-linux-gnu
mkdir -p "$mpi/bin" "$mpi/$multi" "$mpi/share"
cp -a /usr/$multi/openmpi /usr/$multi/pmix2 "$mpi/$multi/"
cp -a /usr/share/openmpi "$mpi/share/"
for f in orterun orted opal_wrapper; do cp -a "/usr/bin/$f" "$mpi/bin/"; done
ln -s orterun "$mpi/bin/mpirun"
ln -s orterun "$mpi/bin/mpiexec"
ln -s opal_wrapper "$mpi/bin/mpicxx"
ln -s opal_wrapper "$mpi/bin/mpicc"
# Open MPI's libraries (the …/openmpi/lib links point at them), then what they and the programs load.
# (The plugins that need a fabric library a plain machine lacks, ucx, libfabric, verbs, psm, then fail
# to load and are skipped; shared memory and TCP are what one machine needs.)
cp -a /usr/$multi/libmpi.so.* /usr/$multi/libmpi_cxx.so.* /usr/$multi/libopen-pal.so.* /usr/$multi/libopen-rte.so.* \
  /usr/$multi/libmca_common_sm.so.* /usr/$multi/libmca_common_ompio.so.* /usr/$multi/libmca_common_monitoring.so.* "$mpi/$multi/"
ldd "$mpi"/bin/orterun "$mpi"/bin/orted "$mpi"/bin/opal_wrapper "$mpi"/$multi/lib*.so.[0-9]* \
    "$mpi"/$multi/pmix2/lib/libpmix.so.[0-9]* "$mpi"/$multi/pmix2/lib/pmix/*.so 2>/dev/null |
  awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u |
  grep -v -E '/(libc|libm|libdl|libpthread|librt|libstdc\+\+|libgcc_s|ld-linux[^/]*)\.so' |
  while read -r lib; do
    [ -e "$mpi/$multi/$(basename "$lib")" ] || cp -L "$lib" "$mpi/$multi/"
  done
# The development links of the bindings not copied (Fortran, Java, OpenSHMEM…) would dangle.
find "$mpi" -xtype l -delete
# Nothing here may point back into /usr.
if find "$mpi" -type l -lname '/*' | grep -q .; then
  echo "gpu_prepare: an absolute link in $mpi:" >&2
  find "$mpi" -type l -lname '/*' >&2
  exit 1
fi
size_kb=$(du -sk "$prefix" | cut -f1)
if [ "$size_kb" -gt $((60 * 1024)) ]; then
  echo "gpu_prepare: $prefix is $((size_kb / 1024)) MB, over the 60 MB that may travel with the tree" >&2
  exit 1
fi
echo "gpu_prepare: $prefix ready ($((size_kb / 1024)) MB: Eigen $(sed -n 's/.*PACKAGE_VERSION "\(.*\)".*/\1/p' "$prefix/share/eigen3/cmake/Eigen3ConfigVersion.cmake" | head -1), nlohmann-json, doctest, Open MPI $(ompi_info 2>/dev/null | sed -n 's/^ *Open MPI: *//p' | head -1))"
echo "gpu_prepare: on the GPU machine run scripts/gpu_check.sh (carry $prefix)"
