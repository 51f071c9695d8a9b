// ESLint (flat config) over every script we ship and the Node scripts of the tests; `make lint` runs it.
// The shipped scripts are classic browser scripts (one IIFE defining a global), also loaded by Node's
// test runner through `require`, so they see the browser's globals and CommonJS's `module`.
"use strict";
const js = require("@eslint/js");
const globals = require("globals");

// The real-LMS check's action scripts (tests/moodle/*.js) are bodies of an async function of `H`
// (the helpers) that the check tool compiles in the SCO's frame: lint them inside that function.
const ASYNC_BODY_START = "(async function (H) {\n";
const asyncFunctionBody = {
  meta: { name: "async-function-body" },
  preprocess: (text) => [{ text: ASYNC_BODY_START + text + "\n});\n", filename: "body.js" }],
  postprocess: (messages) =>
    messages[0].map((m) => ({ ...m, line: m.line - 1, endLine: m.endLine && m.endLine - 1 })),
  supportsAutofix: false,
};

module.exports = [
  { ignores: ["node_modules/", ".venv/", ".venv-*/", "dist/", "**/.pytest-tmp/"] },
  js.configs.recommended,
  {
    files: ["xblocks/**/static/**/*.js", "builder/player/static/**/*.js", "tests/fixtures/**/static/**/*.js"],
    languageOptions: {
      sourceType: "script",
      globals: { ...globals.browser, module: "readonly" },
    },
    // The SCORM builder minifies these with an ES5 parser, so a caught error that is not read is
    // named `ignored` rather than left out (`catch {}` is ES2019).
    rules: { "no-unused-vars": ["error", { caughtErrorsIgnorePattern: "^ignored$" }] },
  },
  {
    files: ["eslint.config.js", "tests/**/*.test.js", "tests/**/run_*.js"],
    languageOptions: { sourceType: "commonjs", globals: { ...globals.node } },
  },
  {
    // helpers the browser tests evaluate in the page before an action script (they define H for it)
    files: ["tests/scorm/data/play_helpers.js"],
    languageOptions: { sourceType: "script", globals: { ...globals.browser } },
  },
  { files: ["tests/moodle/*.js"], processor: asyncFunctionBody },
  {
    // the function the processor wraps each script in (ESLint names it <script>/0_body.js)
    files: ["tests/moodle/*.js/*.js"],
    languageOptions: { sourceType: "script", globals: { ...globals.browser, PLAY: "readonly", LEARNER: "readonly" } },
  },
];
