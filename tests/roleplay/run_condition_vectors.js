// Applies tests/vectors/roleplay/conditions/*.json to P2PRoleplay.conditions (static/roleplay.js) and prints
// what the script answers as JSON; test_roleplay_conditions.py compares it with the vectors.
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");
// Loaded as a page loads it: after p2p-store.js, into one global (the script builds its rules with it).
const ROOT = path.join(__dirname, "..", "..");
const page = vm.createContext({});
vm.runInContext("var window = this;", page);
for (const file of ["xblocks/common/static/p2p-store.js", "xblocks/roleplay/static/roleplay.js"]) {
  vm.runInContext(fs.readFileSync(path.join(ROOT, file), "utf8"), page, { filename: file });
}
const conditions = page.P2PRoleplay.conditions;

function attempt(run) {
  try {
    return { value: run() };
  } catch (error) {
    if (!(error instanceof conditions.ConditionError)) { throw error; }
    return { message: error.message, position: error.position };
  }
}

const folder = path.join(__dirname, "..", "vectors", "roleplay", "conditions");
const answers = {};
for (const name of fs.readdirSync(folder).filter((n) => n.endsWith(".json")).sort()) {
  const vector = JSON.parse(fs.readFileSync(path.join(folder, name), "utf8"));
  const vars = vector.variables;
  answers[name] = {
    valid: vector.valid.map((c) => {
      const tree = conditions.parse(c.condition, vars);
      return { tree, results: c.cases.map(([values]) => conditions.holds(tree, values)), names: conditions.names(tree) };
    }),
    invalid: vector.invalid.map((c) => attempt(() => conditions.parse(c.condition, vars))),
    effects: vector.effects.map((e) => {
      const effects = conditions.parseEffects(e.set, vars);
      return { effects, after: conditions.applyEffects(effects, e.before) };
    }),
    invalid_effects: vector.invalid_effects.map((e) => attempt(() => conditions.parseEffects(e.set, vars))),
  };
}
process.stdout.write(JSON.stringify(answers));
