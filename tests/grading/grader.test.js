// The player's grader (builder/player/static/grader.js) against the shared vectors; run with
// `node --test tests/grading/grader.test.js` (make test runs it; test_grader_vectors.py runs grading.py on them).
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");
const grader = require(path.join(root, "builder", "player", "static", "grader.js"));
const folder = path.join(root, "tests", "vectors", "grader");

for (const name of fs.readdirSync(folder).filter((n) => n.endsWith(".json")).sort()) {
  test(name, () => {
    const vector = JSON.parse(fs.readFileSync(path.join(folder, name), "utf8"));
    assert.deepStrictEqual(grader.grade(vector.policy, vector.subsections), vector.expected);
    if (vector.expected_compare) {
      assert.deepStrictEqual(grader.compare(vector.subsections), vector.expected_compare);
    }
  });
}
