/* An action script for a real LMS check (the body of an async function run in the SCO's frame,
 * with the helpers `H`): plays every unit of the page the way the learners do, from the
 * page's own data. Settings come from a first line the test prepends:
 *   var PLAY = {chars: 1000, roleplay: "best" | <points to aim at>, selfLevel: "lowest", texts: [...]};
 * Journals: every prompt gets an entry of PLAY.chars characters (at least min_words words), the
 * next of PLAY.texts when given (varied prose, which compresses as a learner's does), else words
 * repeated from a short list (which compresses far better than anything a learner writes).
 * Role-plays: the route whose points are the best (or the closest at or below PLAY.roleplay).
 * Calibration rubrics: the expert key. Self rubrics: the lowest level (an honest beginner).
 * Problems (knowledge checks, tests): the right answers, submitted once.
 * Answers what it did and what the page shows (errors included, and the course grade the
 * player's result page shows, which the LMS must show too). */
var data = JSON.parse(document.getElementById("p2p-data").textContent);
var settings = typeof PLAY === "object" ? PLAY : {};
var chars = settings.chars || 400;
var done = [];
var WORDS = ("families bring knowledge of their child that no assessment captures so I will ask first and listen " +
  "before I explain the plan then summarise what I heard and check it with them at the next meeting").split(" ");

var written = 0;
function entry(minWords, n) {
  if (settings.texts && settings.texts.length) { return settings.texts[written++ % settings.texts.length]; }
  var words = [], length = 0, i = n;
  while (length < chars || words.length < minWords) { var w = WORDS[i++ % WORDS.length]; words.push(w); length += w.length + 1; }
  return words.join(" ").slice(0, Math.max(chars, words.slice(0, minWords).join(" ").length));
}

function routes(content) {  // every route from the start to an ending, with its points
  var scenes = {};
  content.scenes.forEach(function (s) { scenes[s.id] = s; });
  var found = [];
  (function walk(id, route, points, seen) {
    var scene = scenes[id];
    if (!scene || seen[id]) { return; }
    if (scene.ending || !scene.choices.length) { found.push({route: route, points: points}); return; }
    var next = Object.assign({}, seen); next[id] = true;
    scene.choices.forEach(function (c) {
      var p = Object.keys(c.points).reduce(function (s, d) { return s + c.points[d]; }, 0);
      walk(c.next, route.concat([c.id]), points + p, next);
    });
  })(content.start, [], 0, {});
  return found;
}

async function show(unit) {
  H.click('.p2p-toc a[data-unit="' + unit + '"]');
  await H.waitFor(function () { return !document.querySelectorAll(".p2p-unit")[unit].hidden; });
}

for (var unit = 0; unit < data.units.length; unit++) {
  await show(unit);
  var blocks = data.blocks.filter(function (b) { return b.unit === unit; });
  for (var k = 0; k < blocks.length; k++) {
    var block = blocks[k], root = document.querySelector('.p2p-block[data-block-id="' + block.id + '"]');
    var c = block.content;
    if (block.global === "P2PJournal") {
      var prompts = root.querySelectorAll(".p2p-journal__prompt");
      for (var n = 0; n < prompts.length; n++) {
        var box = prompts[n].querySelector(".p2p-journal__text");
        await H.waitFor(function () { return !box.disabled; });
        H.type(box, entry(c.min_words || 1, n + unit));
        var submit = prompts[n].querySelector(".p2p-journal__submit");
        await H.waitFor(function () { return !submit.disabled; });
        H.click(submit);
        var status = prompts[n].querySelector(".p2p-journal__status");
        await H.waitFor(function () { return /\S/.test(status.textContent); }).catch(function () {});
        done.push(block.id + ": " + status.textContent.trim().slice(0, 80));
      }
    } else if (block.global === "P2PRoleplay") {
      var all = routes(c).sort(function (a, b) { return b.points - a.points; });
      var aim = settings.roleplay === undefined || settings.roleplay === "best" ? Infinity : settings.roleplay;
      var pick = all.filter(function (r) { return r.points <= aim; })[0] || all[all.length - 1];
      for (var s = 0; s < pick.route.length; s++) {
        var id = pick.route[s];
        await H.waitFor('[data-choice="' + id + '"]');
        H.click(root.querySelector('[data-choice="' + id + '"]'));
      }
      await H.waitFor(function () { return root.querySelector(".p2p-rp-debrief"); });
      done.push(block.id + ": route of " + pick.points + " points");
    } else if (block.global === "P2PProblem") {
      var form = root.querySelector(".p2p-problem__form"), check = root.querySelector(".p2p-problem__submit");
      if (check.disabled) { continue; }  // answered in an earlier sitting
      c.items.filter(function (item) { return item.kind; }).forEach(function (part) {
        var box = form.querySelector('[data-part="' + part.id + '"]');
        if (part.kind === "single" || part.kind === "multiple") {
          part.choices.forEach(function (choice) {
            H.check(box.querySelector('input[value="' + choice.id + '"]'), choice.correct === "true");
          });
        } else if (part.kind === "dropdown") {
          H.select(box.querySelector("select"), part.options.filter(function (o) { return o.correct === "true"; })[0].text);
        } else {
          H.type(box.querySelector("input"), part.kind === "text" ? part.answers[0] : String(part.answer));
        }
      });
      H.click(check);
      await H.waitFor(function () { return /\S/.test(root.querySelector(".p2p-problem__status").textContent); }).catch(function () {});
      done.push(block.id + ": answered");
    } else if (block.global === "P2PRubric") {
      var lowest = c.levels[0].id;
      // A calibration opens its graded sample after the practice ones: rate each open round in turn.
      for (var round = 0; round < 3; round++) {
        var rate = root.querySelector(".p2p-rubric__submit");
        if (rate.hidden) { break; }
        var fieldsets = root.querySelectorAll("fieldset[data-criterion]");
        for (var f = 0; f < fieldsets.length; f++) {
          var fs = fieldsets[f], criterion = fs.getAttribute("data-criterion"), sample = fs.getAttribute("data-sample");
          if (fs.disabled) { continue; }
          var level = lowest;
          if (c.mode === "calibration") {
            var sampleKey = c.samples.filter(function (x) { return !sample || x.id === sample; })[0].key;
            level = sampleKey[criterion].level;
          }
          H.check(fs.querySelector('input[value="' + level + '"]'), true);
        }
        await H.waitFor(function () { return !rate.disabled; });
        var before = root.querySelectorAll("fieldset[data-criterion]:disabled").length;
        H.click(rate);
        await H.waitFor(function () {
          return root.querySelectorAll("fieldset[data-criterion]:disabled").length > before;
        }).catch(function () {});
      }
      done.push(block.id + ": rated");
    }
  }
}
H.click("#p2p-result-link");
await H.waitFor(".p2p-result-grade");
await H.sleep(1500);  // the debounced commit
return {done: done, error: H.text("#p2p-error"), notice: H.text("#p2p-notice"),
  progress: H.text("#p2p-progress-text"), grade: H.text(".p2p-result-grade")};
