/* An action script for the Moodle check tool (the body of an async function run in the SCO's frame,
 * with its helpers `H`): answers every problem of the package once, as one learner of a simulated
 * class. A first line the driver prepends sets `var LEARNER = {name, ability}` (0 to 1): each part is
 * answered right with that probability, decided by a hash of the learner and the part (so a run is
 * repeatable), else with a plausible wrong answer. Journals, role-plays and rubrics are left alone.
 * Answers what it submitted: per problem, each part's id with 1 (answered right) or 0. */
var data = JSON.parse(document.getElementById("p2p-data").textContent);
var done = [];

function chance(text) { // FNV-1a of the text, as a number in [0, 1)
  var h = 0x811c9dc5;
  for (var i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
  return h / 4294967296;
}

async function show(unit) {
  H.click('.p2p-toc a[data-unit="' + unit + '"]');
  await H.waitFor(function () { return !document.querySelectorAll(".p2p-unit")[unit].hidden; });
}

function answerPart(box, part, right) {
  var node = box.querySelector('[data-part="' + part.id + '"]');
  if (part.kind === "single" || part.kind === "multiple") {
    var good = part.choices.filter(function (c) { return c.correct === "true"; });
    var bad = part.choices.filter(function (c) { return c.correct !== "true"; });
    var chosen = right || !bad.length ? (part.kind === "single" ? good.slice(0, 1) : good)
      : (part.kind === "single" ? [bad[Math.floor(chance(LEARNER.name + part.id + "w") * bad.length)]] : bad.slice(0, 1));
    chosen.forEach(function (c) { H.check(node.querySelector('input[value="' + c.id + '"]'), true); });
  } else if (part.kind === "dropdown") {
    var option = part.options.filter(function (o) { return (o.correct === "true") === right; })[0] || part.options[0];
    H.select(node.querySelector("select"), option.text);
  } else if (part.kind === "text") {
    H.type(node.querySelector("input"), right ? part.answers[0] : "not sure");
  } else if (part.kind === "numeric") {
    H.type(node.querySelector("input"), right ? part.answer : String(Number(part.answer) * 3 + 7));
  }
}

for (var unit = 0; unit < data.units.length; unit++) {
  var problems = data.blocks.filter(function (b) { return b.unit === unit && b.global === "P2PProblem"; });
  if (!problems.length) { continue; }
  await show(unit);
  for (var k = 0; k < problems.length; k++) {
    var block = problems[k], box = document.querySelector('.p2p-block[data-block-id="' + block.id + '"]');
    var parts = block.content.items.filter(function (item) { return item.kind; });
    var given = {};
    parts.forEach(function (part) {
      var right = chance(LEARNER.name + "/" + block.id + "/" + part.id) < LEARNER.ability;
      answerPart(box, part, right);
      given[part.id] = right ? 1 : 0;
    });
    var submit = box.querySelector(".p2p-problem__submit");
    H.click(submit);
    var status = box.querySelector(".p2p-problem__status");
    await H.waitFor(function () { return /\S/.test(status.textContent); }).catch(function () {});
    done.push({ problem: block.id, right: given, status: status.textContent.trim() });
  }
}
return { learner: LEARNER, answered: done };
