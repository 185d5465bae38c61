// KL Lab page glue: the Emscripten Module (canvas, loading progress, errors), the hook the
// C++ side calls once its first frame is on screen (window.klabFirstFrame), and the wake-up: the
// lab pauses its main loop when nothing moves (no CPU while idle), so every input event calls
// the C++ klab_wake() to draw again. Uploads: a hidden file input (#klab-upload) that the C++ side
// clicks (src/ui/platform_web.cpp pick_file); a chosen file's bytes wait in window.klabPicked until
// the lab takes them (files above window.klabPickLimit bytes are not read: only their size goes).
"use strict";
(function () {
  const loading = document.getElementById("loading");
  const text = document.getElementById("loading-text");
  const bar = document.getElementById("loading-bar");
  window.klabLoadFailed = function (message) {
    loading.classList.add("error");
    loading.classList.remove("hidden");
    text.textContent = "KL Lab could not start: " + message;
    console.error("KL Lab: " + message);
  };
  window.klabFirstFrame = function () {
    window.klabReady = true;
    window.klabFirstFrameMs = performance.now();
    loading.classList.add("hidden");
    setTimeout(() => { loading.style.display = "none"; }, 300);
  };
  if (typeof WebAssembly !== "object") window.klabLoadFailed("this browser has no WebAssembly support.");
  window.Module = {
    canvas: document.getElementById("canvas"),
    print: (s) => console.log(s),
    printErr: (s) => console.warn(s),
    setStatus: (s) => {
      const m = /\((\d+(\.\d+)?)\/(\d+)\)/.exec(s || "");
      if (m) bar.style.width = (100 * parseFloat(m[1]) / parseFloat(m[3])).toFixed(0) + "%";
    },
    onAbort: (what) => window.klabLoadFailed(String(what)),
  };
  // Keyboard focus goes to the canvas so ImGui receives keys.
  document.getElementById("canvas").addEventListener("mousedown", (e) => e.target.focus());
  const wake = () => { if (window.Module && Module._klab_wake) Module._klab_wake(); };
  window.klabPicked = [];
  const upload = document.createElement("input");
  upload.type = "file";
  upload.id = "klab-upload";
  upload.style.display = "none";
  document.body.appendChild(upload);
  upload.addEventListener("change", () => {
    const file = upload.files && upload.files[0];
    if (!file) return;
    upload.value = "";  // the same file picked again fires "change" again
    const limit = window.klabPickLimit || 16 * 1024 * 1024;
    const queue = (bytes) => { window.klabPicked.push({ name: file.name, size: file.size, bytes }); wake(); };
    if (file.size > limit) queue(new Uint8Array(0));
    else file.arrayBuffer().then((b) => queue(new Uint8Array(b)), (e) => console.warn("klab: cannot read " + file.name + ": " + e));
  });
  for (const type of ["pointermove", "pointerdown", "pointerup", "mousemove", "mousedown", "mouseup", "wheel", "keydown",
                      "keyup", "touchstart", "touchmove", "touchend", "resize", "hashchange", "focus", "blur",
                      "visibilitychange"])
    window.addEventListener(type, wake, { passive: true, capture: true });
})();
