// --pre-js of the wasm test programs: under node, hand the process environment to the program
// (Emscripten otherwise gives it a fixed one), so getenv sees KLAB_TMP and KLAB_REFERENCE_DIR
// set by ctest.
Module['preRun'] = [function () {
  if (typeof process !== 'undefined' && process.env) {
    for (var name in process.env) ENV[name] = process.env[name];
  }
}];
