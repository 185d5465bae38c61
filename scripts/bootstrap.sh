#!/usr/bin/env bash
# Idempotent dependency install for KL Lab on Debian 12 (bookworm).
#
# Everything comes from Debian's packages (binary and source) and the npm registry.
# Third-party sources are unpacked and built under build/deps/ (git-ignored); nothing is committed.
# A second run only checks and returns (a few seconds); it changes nothing.
#
#   scripts/bootstrap.sh            native + wasm build dependencies
#   scripts/bootstrap.sh --test     also the test dependencies (Chromium, playwright-core, scipy,
#                                   clang with its sanitizer/libFuzzer runtimes, strace)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deps="$here/build/deps"
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

say() { printf '\033[1;34m[bootstrap]\033[0m %s\n' "$*"; }
sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# ---- 1. Debian binary packages -------------------------------------------------------------
pkgs=(build-essential cmake pkg-config libeigen3-dev libsdl2-dev doctest-dev nlohmann-json3-dev emscripten
      fonts-dejavu-core fonttools xz-utils gzip ca-certificates ccache)
[ $want_test = 1 ] && pkgs+=(chromium python3-numpy python3-scipy nodejs xvfb xauth libgl1-mesa-dri libegl-mesa0)
# The native-asan and fuzz presets (clang 14; ASan, UBSan and libFuzzer live in libclang-rt-14-dev)
# and the kill-at-rename test (strace).
[ $want_test = 1 ] && pkgs+=(clang libclang-rt-14-dev strace)
# The MPI build and its tests (`mpirun -np 3 klab run …` against one process; issue 14).
[ $want_test = 1 ] && pkgs+=(libopenmpi-dev openmpi-bin)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  sudo_if_needed apt-get update -qq
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# ---- 2. Debian source packages: Dear ImGui 1.86 and SDL2 2.26.5 ------------------------------
mkdir -p "$deps"
src_list=/etc/apt/sources.list.d/klab-debian-src.sources
have_src() { ls "$deps"/imgui_1.86*.orig.tar.* >/dev/null 2>&1 && ls "$deps"/libsdl2_2.26*.orig.tar.* >/dev/null 2>&1; }
if ! have_src; then
  if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
    say "adding a deb-src entry ($src_list)"
    sudo_if_needed tee "$src_list" >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    sudo_if_needed apt-get update -qq
  fi
  say "downloading Debian source packages imgui and libsdl2 into build/deps"
  (cd "$deps" && apt-get source --download-only -qq imgui libsdl2 2>&1 | grep -v -i 'unsandboxed' || true)
  have_src || { echo "bootstrap: could not download the imgui/libsdl2 source packages" >&2; exit 1; }
fi
if [ ! -f "$deps/imgui/imgui.cpp" ]; then
  say "unpacking Dear ImGui 1.86"
  rm -rf "$deps/imgui" && mkdir -p "$deps/imgui"
  tar -xf "$(ls "$deps"/imgui_1.86*.orig.tar.* | head -1)" -C "$deps/imgui" --strip-components=1
fi

# ---- 3. SDL2's sources, compiled for wasm by the wasm build (cmake/sdl2_wasm.cmake) -------------
if [ ! -f "$deps/sdl2/include/SDL_config_emscripten.h" ]; then
  say "unpacking SDL2 2.26.5"
  rm -rf "$deps/sdl2" && mkdir -p "$deps/sdl2"
  tar -xf "$(ls "$deps"/libsdl2_2.26*.orig.tar.* | head -1)" -C "$deps/sdl2" --strip-components=1
fi
rm -rf "$deps/sdl2-wasm" "$deps/sdl2-build.log"   # the library an earlier bootstrap built, no longer used

# ---- 4. npm: playwright-core for the browser test (no browser download) ---------------------
if [ $want_test = 1 ] && [ ! -f "$here/tests/e2e/node_modules/playwright-core/package.json" ]; then
  say "installing playwright-core (npm)"
  (cd "$here/tests/e2e" && npm ci --no-audit --no-fund --loglevel=error)
fi
say "dependencies ready"
