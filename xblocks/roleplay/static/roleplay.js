/* Scenario role-play: one script for Open edX and SCORM packages (docs/decisions/0001).
 *
 * P2PRoleplay.rules is the JavaScript twin of xblocks/roleplay/model.py (restore, apply,
 * report) and P2PRoleplay.conditions of conditions.py (the condition language, never eval);
 * the shared vectors in tests/vectors/roleplay/ hold them equal.
 * P2PRoleplay.mount draws the block and reaches learner state only through the store.
 */
(function (global) {
  "use strict";

  /* ---------------------------------------------------------------- conditions */

  var MAX_LENGTH = 400, MAX_DEPTH = 24, MAX_NUMBER = 9999;
  var KEYWORDS = ["and", "or", "not", "true", "false"];
  var COMPARISONS = ["==", "!=", "<=", ">=", "<", ">"];
  var TOKEN = /\s*(?:(-?\d+)|([A-Za-z][A-Za-z0-9_-]*)|(==|!=|<=|>=|<|>|\(|\)|=)|(\S))/y;
  var EFFECT = /^([A-Za-z][A-Za-z0-9_-]*?)(=|\+=|-=)(-?\d+|true|false)$/;

  function ConditionError(message, position) {
    this.message = message;
    this.position = position;
  }

  function fail(message, position) { throw new ConditionError(message, position); }

  function tokens(text) {
    var found = [], at = 0;
    for (;;) {
      TOKEN.lastIndex = at;
      var match = TOKEN.exec(text);
      if (!match) { found.push(["end", "", text.length]); return found; }
      var kind = match[1] !== undefined ? "num" : match[2] !== undefined ? "name" : match[3] !== undefined ? "op" : "bad";
      var word = match[1] !== undefined ? match[1] : match[2] !== undefined ? match[2] : match[3] !== undefined ? match[3] : match[4];
      var position = match.index + match[0].length - word.length;
      if (kind === "bad") { fail("unexpected character '" + word + "'", position); }
      if (kind === "op" && word === "=") { fail("'=' sets a variable; to compare, write '=='", position); }
      if (kind === "name" && KEYWORDS.indexOf(word) >= 0) { kind = "keyword"; }
      found.push([kind, word, position]);
      at = TOKEN.lastIndex;
    }
  }

  function parse(text, variables) {
    if (typeof text !== "string" || !text.trim()) { fail("the condition is empty", 0); }
    if (text.length > MAX_LENGTH) { fail("the condition is longer than " + MAX_LENGTH + " characters", MAX_LENGTH); }
    var list = tokens(text), at = 0;
    var vars = variables || null;

    function peek() { return list[at]; }
    function take() { return list[at++]; }
    function is(token, kind, word) { return token[0] === kind && token[1] === word; }
    function deeper(depth) {
      if (depth >= MAX_DEPTH) { fail("the condition nests more than " + MAX_DEPTH + " levels", peek()[2]); }
      return depth + 1;
    }
    function known(name, kind, position) {
      if (!vars) { return; }
      var declared = Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : null;
      if (declared === null) { fail("unknown variable '" + name + "'", position); }
      if (declared !== kind) {
        if (kind === "flag") { fail("'" + name + "' is a counter: compare it, as in '" + name + " > 0'", position); }
        fail("'" + name + "' is a flag: use it alone or with 'not', without comparing it", position);
      }
    }
    function either(depth) {
      var parts = [both(depth)];
      while (is(peek(), "keyword", "or")) { take(); parts.push(both(depth)); }
      return parts.length === 1 ? parts[0] : ["or"].concat(parts);
    }
    function both(depth) {
      var parts = [negation(depth)];
      while (is(peek(), "keyword", "and")) { take(); parts.push(negation(depth)); }
      return parts.length === 1 ? parts[0] : ["and"].concat(parts);
    }
    function negation(depth) {
      if (is(peek(), "keyword", "not")) { depth = deeper(depth); take(); return ["not", negation(depth)]; }
      return atom(depth);
    }
    function operand() {
      var token = take();
      if (token[0] === "num") {
        if (Math.abs(parseInt(token[1], 10)) > MAX_NUMBER) {
          fail("numbers in conditions lie between -" + MAX_NUMBER + " and " + MAX_NUMBER, token[2]);
        }
        return ["num", parseInt(token[1], 10)];
      }
      if (token[0] === "name") { known(token[1], "counter", token[2]); return ["counter", token[1]]; }
      return fail("expected a counter or a whole number after the comparison, not '" + token[1] + "'", token[2]);
    }
    function atom(depth) {
      var token = peek(), position = token[2];
      if (is(token, "op", "(")) {
        depth = deeper(depth);
        take();
        var inner = either(depth);
        var close = take();
        if (!is(close, "op", ")")) { fail("a '(' is not closed: add ')'", close[2]); }
        return inner;
      }
      if (token[0] === "keyword" && (token[1] === "true" || token[1] === "false")) {
        take();
        return ["const", token[1] === "true"];
      }
      if (token[0] === "name" || token[0] === "num") {
        // A name is a flag unless a comparison follows: look ahead before checking its kind.
        var next = list[at + 1];
        if (next[0] === "op" && COMPARISONS.indexOf(next[1]) >= 0) {
          var left = operand(), op = take()[1], right = operand();
          if (left[0] === "num" && right[0] === "num") { fail("a comparison needs a counter on one side", position); }
          return ["cmp", op, left, right];
        }
        take();
        if (token[0] === "num") { fail("a number alone is not a condition: compare it with a counter", position); }
        known(token[1], "flag", position);
        return ["flag", token[1]];
      }
      if (token[0] === "end") { fail("the condition ends too early: a flag, a comparison or '(' is missing", position); }
      return fail("unexpected '" + token[1] + "': expected a flag, a comparison or '('", position);
    }

    var tree = either(0);
    var rest = peek();
    if (rest[0] !== "end") { fail("unexpected '" + rest[1] + "': join conditions with 'and' or 'or'", rest[2]); }
    return tree;
  }

  function names(tree) {
    var found = {};
    (function visit(node) {
      if (node[0] === "flag" || node[0] === "counter") { found[node[1]] = true; }
      else if (node[0] === "cmp") { visit(node[2]); visit(node[3]); }
      else if (node[0] !== "num" && node[0] !== "const") { node.slice(1).forEach(visit); }
    })(tree);
    return Object.keys(found).sort();
  }

  function number(operand, values) {
    if (operand[0] === "num") { return operand[1]; }
    var value = Object.prototype.hasOwnProperty.call(values, operand[1]) ? values[operand[1]] : 0;
    return typeof value === "number" ? value : 0;
  }

  function holds(tree, values) {
    switch (tree[0]) {
      case "const": return tree[1];
      case "flag": return Object.prototype.hasOwnProperty.call(values, tree[1]) && values[tree[1]] === true;
      case "not": return !holds(tree[1], values);
      case "and": return tree.slice(1).every(function (part) { return holds(part, values); });
      case "or": return tree.slice(1).some(function (part) { return holds(part, values); });
    }
    var left = number(tree[2], values), right = number(tree[3], values);
    switch (tree[1]) {
      case "==": return left === right;
      case "!=": return left !== right;
      case "<": return left < right;
      case "<=": return left <= right;
      case ">": return left > right;
    }
    return left >= right;
  }

  function parseEffects(text, variables) {
    if (typeof text !== "string" || !text.trim()) { fail("nothing to set", 0); }
    var effects = [], seen = {}, pattern = /\S+/g, match;
    while ((match = pattern.exec(text)) !== null) {
      var effect = parseEffect(match[0], match.index, variables || null);
      if (seen[effect[0]]) { fail("'" + effect[0] + "' is set twice: combine the two into one", match.index); }
      seen[effect[0]] = true;
      effects.push(effect);
    }
    return effects;
  }

  function parseEffect(item, position, variables) {
    var match = EFFECT.exec(item);
    if (!match) {
      fail("'" + item + "' is not an effect: write flag=true, flag=false, counter=2, counter+=1 or counter-=1", position);
    }
    var name = match[1], op = match[2], value = match[3];
    if (KEYWORDS.indexOf(name) >= 0) { fail("'" + name + "' is a keyword, not a variable", position); }
    var kind = value === "true" || value === "false" ? "flag" : "counter";
    if (kind === "flag" && op !== "=") {
      if (variables && variables[name] === "counter") {  // true/false given to a counter
        fail("'" + name + "' is a counter: write it as in '" + name + "+=1'", position);
      }
      fail("a flag is set with '=' only: " + name + "=true or " + name + "=false", position);
    }
    if (kind === "counter" && Math.abs(parseInt(value, 10)) > MAX_NUMBER) {
      fail("numbers lie between -" + MAX_NUMBER + " and " + MAX_NUMBER, position);
    }
    if (variables) {
      var declared = Object.prototype.hasOwnProperty.call(variables, name) ? variables[name] : null;
      if (declared === null) { fail("unknown variable '" + name + "'", position); }
      if (declared !== kind) {
        fail("'" + name + "' is a " + declared + ": write it as in '" + (declared === "flag" ? name + "=true" : name + "+=1") + "'", position);
      }
    }
    return [name, op, kind === "flag" ? value === "true" : parseInt(value, 10)];
  }

  function applyEffects(effects, values) {
    var result = {};
    Object.keys(values).forEach(function (key) { result[key] = values[key]; });
    effects.forEach(function (effect) {
      var name = effect[0], op = effect[1], value = effect[2];
      if (op === "=") { result[name] = value; return; }
      var current = typeof result[name] === "number" ? result[name] : 0;
      var total = op === "+=" ? current + value : current - value;
      result[name] = Math.max(-MAX_NUMBER, Math.min(MAX_NUMBER, total));
    });
    return result;
  }


  var conditions = {
    parse: parse, holds: holds, names: names, parseEffects: parseEffects, applyEffects: applyEffects,
    ConditionError: ConditionError
  };

  /* ---------------------------------------------------------------- rules */

  var indexes = typeof WeakMap === "function" ? new WeakMap() : null;

  function index(content) {
    var found = indexes && indexes.get(content);
    if (found) { return found; }
    found = { scenes: {}, choices: {}, sceneOfChoice: {}, trees: {}, effects: {} };
    content.scenes.forEach(function (scene) {
      found.scenes[scene.id] = scene;
      scene.choices.forEach(function (choice) {
        found.choices[choice.id] = choice;
        found.sceneOfChoice[choice.id] = scene;
      });
    });
    if (indexes) { indexes.set(content, found); }
    return found;
  }

  function has(object, key) {
    return typeof key === "string" && Object.prototype.hasOwnProperty.call(object, key);
  }

  function emptyState() {
    return { r: [], v: null, n: 0, b: null, l: null, f: null };
  }

  /* Does a condition hold? The content was validated on the server, so it parses. */
  function when(content, condition, values) {
    if (!condition) { return true; }
    var trees = index(content).trees;
    if (!has(trees, condition)) { trees[condition] = parse(condition); }
    return holds(trees[condition], values);
  }

  function after(content, choice, values) {
    if (!choice.set) { return applyEffects([], values); }
    var cache = index(content).effects;
    if (!has(cache, choice.set)) { cache[choice.set] = parseEffects(choice.set); }
    return applyEffects(cache[choice.set], values);
  }

  function initialValues(content) {
    var values = {};
    (content.variables || []).forEach(function (v) { values[v.id] = v.initial; });
    return values;
  }

  /* Where a choice leads given the values after its effects: the first branch whose condition
   * holds (and, into an ending, whose ending's condition holds too), then `next`; null if none. */
  function target(content, choice, values) {
    var scenes = index(content).scenes;
    var ways = (choice.branches || []).map(function (b) { return [b.to, b["if"]]; });
    if (choice.next) { ways.push([choice.next, ""]); }
    for (var i = 0; i < ways.length; i++) {
      var scene = scenes[ways[i][0]];
      if (scene && when(content, ways[i][1], values) && (!scene.ending || when(content, scene["if"], values))) {
        return ways[i][0];
      }
    }
    return null;
  }

  /* The choices offered in a scene with these values: {choice, values after it, to}. */
  function offeredIn(content, sceneId, values) {
    var found = [];
    index(content).scenes[sceneId].choices.forEach(function (choice) {
      if (!when(content, choice["if"], values)) { return; }
      var next = after(content, choice, values), to = target(content, choice, next);
      if (to !== null) { found.push({ choice: choice, values: next, to: to }); }
    });
    return found;
  }

  function move(content, sceneId, values, id) {
    var moves = typeof id === "string" ? offeredIn(content, sceneId, values) : [];
    for (var i = 0; i < moves.length; i++) {
      if (moves[i].choice.id === id) { return moves[i]; }
    }
    return null;
  }

  /* [{scene, values}] at each step of a valid route, the start first. */
  function trace(content, route) {
    var choices = index(content).choices;
    var steps = [{ scene: content.start, values: initialValues(content) }];
    route.forEach(function (id) {
      var values = after(content, choices[id], steps[steps.length - 1].values);
      steps.push({ scene: target(content, choices[id], values), values: values });
    });
    return steps;
  }

  function routeScenes(content, route) {
    return trace(content, route).map(function (step) { return step.scene; });
  }

  /* The longest prefix of a saved route still playable in this content, loops cut. */
  function walk(content, route) {
    var steps = [{ scene: content.start, values: initialValues(content) }], kept = [], idx = index(content);
    if (!Array.isArray(route)) { return kept; }
    for (var i = 0; i < route.length; i++) {
      var here = steps[steps.length - 1];
      if (idx.scenes[here.scene].ending) { break; }
      var found = move(content, here.scene, here.values, route[i]);
      if (!found) { break; }
      var cut = steps.map(function (step) { return step.scene; }).indexOf(found.to);
      if (cut >= 0) {
        steps = steps.slice(0, cut + 1);
        kept = kept.slice(0, cut);
      } else {
        steps.push({ scene: found.to, values: found.values });
        kept.push(route[i]);
      }
    }
    return kept;
  }

  function totalsOf(content, route) {
    var totals = {}, choices = index(content).choices;
    content.dimensions.forEach(function (d) { totals[d.id] = 0; });
    route.forEach(function (id) {
      var points = choices[id].points;
      Object.keys(points).forEach(function (d) { totals[d] += points[d]; });
    });
    return totals;
  }

  function earnedOf(totals) {
    var sum = 0;
    Object.keys(totals).forEach(function (d) { sum += totals[d]; });
    return Math.max(0, sum);
  }

  function isCount(x) { return typeof x === "number" && Math.floor(x) === x; }

  function scorePair(value) {
    if (Array.isArray(value) && value.length === 2 && isCount(value[0]) && isCount(value[1]) &&
        value[0] >= 0 && value[1] > 0 && value[0] <= value[1]) {
      return [value[0], value[1]];
    }
    return null;
  }

  function restore(saved, content) {
    var state = emptyState(), idx = index(content);
    if (!saved || typeof saved !== "object" || Array.isArray(saved)) { return state; }
    state.r = walk(content, saved.r);
    var scenes = routeScenes(content, state.r), here = scenes[scenes.length - 1];
    var last = state.r.length ? state.r[state.r.length - 1] : null;
    state.v = has(idx.choices, saved.v) && targetsOf(idx.choices[saved.v]).indexOf(here) >= 0 && saved.v !== last
      ? saved.v : null;
    state.n = isCount(saved.n) && saved.n >= 0 ? saved.n : 0;
    state.b = scorePair(saved.b);
    state.l = scorePair(saved.l);
    state.f = scorePair(saved.f);
    if (!state.f && state.n && state.l) {
      // Saved before the first score was kept: the last after one attempt, else the lower of best and last.
      var lWins = state.b && state.l[0] * state.b[1] > state.b[0] * state.l[1];
      state.f = state.n === 1 ? state.l : lWins ? state.b : state.l;
    }
    return state;
  }

  function targetsOf(choice) {
    return (choice.branches || []).map(function (b) { return b.to; }).concat(choice.next ? [choice.next] : []);
  }

  function scoreDict(pair) { return pair ? { earned: pair[0], possible: pair[1] } : null; }

  function keptScore(state, content) { return { best: state.b, last: state.l, first: state.f }[content.keep]; }

  function view(state, content) {
    var steps = trace(content, state.r), here = steps[steps.length - 1];
    var scene = index(content).scenes[here.scene];
    var totals = totalsOf(content, state.r);
    var left = content.max_attempts ? Math.max(0, content.max_attempts - state.n) : null;
    return {
      scene: scene.id,
      route: state.r.slice(),
      via: state.v || (state.r.length ? state.r[state.r.length - 1] : null),
      values: here.values,
      offered: scene.ending ? [] : offeredIn(content, here.scene, here.values).map(function (m) { return m.choice.id; }),
      ending: scene.ending,
      totals: totals,
      earned: earnedOf(totals),
      attempts: state.n,
      attempts_left: left,
      can_back: state.r.length > 0 && !scene.ending,
      can_restart: left === null || left > 0,
      best: scoreDict(state.b),
      last: scoreDict(state.l),
      first: scoreDict(state.f),
      score: scoreDict(keptScore(state, content))
    };
  }

  function refuse(message) { return global.P2PStore.refuse(message); }

  function finish(state, content) {
    if (content.max_attempts && state.n >= content.max_attempts) { return; }
    var possible = content.possible;
    var score = [Math.min(possible, earnedOf(totalsOf(content, state.r))), possible];
    state.n += 1;
    state.l = score;
    if (!state.f) { state.f = score; }
    if (!state.b || score[0] * state.b[1] > state.b[0] * score[1]) { state.b = score; }
  }

  var handlers = {
    state: function (state) { return state; },
    choose: function (state, payload, content) {
      var idx = index(content), steps = trace(content, state.r), last = steps[steps.length - 1];
      var here = idx.scenes[last.scene];
      if (here.ending) { throw refuse("this conversation has ended: start over to play it again"); }
      var found = move(content, here.id, last.values, payload.choice);
      if (!found) { throw refuse("choice '" + payload.choice + "' is not offered in scene '" + here.id + "'"); }
      var cut = steps.map(function (step) { return step.scene; }).indexOf(found.to);
      if (cut >= 0) {
        state.r = state.r.slice(0, cut);
        state.v = found.choice.id;
      } else {
        state.r.push(found.choice.id);
        state.v = null;
      }
      if (idx.scenes[found.to].ending) { finish(state, content); }
      return state;
    },
    back: function (state, payload, content) {
      var scenes = routeScenes(content, state.r);
      var here = index(content).scenes[scenes[scenes.length - 1]];
      if (!state.r.length) { throw refuse("there is no step to go back to: this is the first scene"); }
      if (here.ending) { throw refuse("this conversation has ended: start over to play it again"); }
      state.r.pop();
      state.v = null;
      return state;
    },
    restart: function (state, payload, content) {
      if (content.max_attempts && state.n >= content.max_attempts) {
        throw refuse("all " + content.max_attempts + " attempts have been used");
      }
      state.r = [];
      state.v = null;
      return state;
    }
  };

  /* Each request as the rules contract calls it: (state, payload, content) -> {state, response}. */
  var ruleHandlers = {};
  Object.keys(handlers).forEach(function (name) {
    ruleHandlers[name] = function (state, payload, content) {
      if (!payload || typeof payload !== "object" || Array.isArray(payload)) {
        throw refuse("the request must be a JSON object");
      }
      var next = handlers[name](JSON.parse(JSON.stringify(state)), payload, content);
      return { state: next, response: view(next, content) };
    };
  });

  function report(state, content, blockId) {
    var idx = index(content), prefix = blockId ? blockId + "-" : "";
    var route = state.r, steps = trace(content, route);
    function total(choice) {
      return Object.keys(choice.points).reduce(function (s, d) { return s + choice.points[d]; }, 0);
    }
    return {
      completed: state.n > 0,
      score: scoreDict(keptScore(state, content)),
      interactions: route.map(function (id, step) {
        var choice = idx.choices[id], scene = idx.sceneOfChoice[id], at = steps[step];
        // The best choice among those offered then (conditions may have hidden others).
        var top = Math.max.apply(null, offeredIn(content, at.scene, at.values).map(function (m) { return total(m.choice); }));
        var mine = total(choice);
        return {
          id: prefix + id, type: "choice", description: scene.title + ": " + choice.text,
          response: id, result: mine === top ? "correct" : (mine < 0 ? "incorrect" : "neutral"),
          choices: scene.choices.map(function (c) { return c.id; })
        };
      })
    };
  }

  var rules = global.P2PStore.rules(restore, ruleHandlers, report);

  /* ---------------------------------------------------------------- view */

  function make(tag, attributes, text) {
    var el = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (attributes[name] !== null && attributes[name] !== undefined) { el.setAttribute(name, attributes[name]); }
    });
    if (text !== undefined && text !== null) { el.textContent = text; }
    return el;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return has(values, key) ? String(values[key]) : whole;
    });
  }

  function percent(earned, possible) {
    return possible > 0 ? Math.max(0, Math.min(100, Math.round(100 * earned / possible))) : 0;
  }

  function mount(element, store, data) {
    var content = data.content, i18n = data.i18n || {}, idx = index(content), cl = content.lang;
    var stage = element.querySelector("[data-role=stage]");
    var status = element.querySelector("[data-role=status]");
    var baseId = element.getAttribute("data-block-id") || "roleplay";
    var personas = {};
    content.personas.forEach(function (p) { personas[p.id] = p; });
    var busy = false;

    function t(text) { return has(i18n, text) ? i18n[text] : text; }

    function announce(text) {
      // Emptied first so that the same message twice is announced twice.
      status.textContent = "";
      global.setTimeout(function () { status.textContent = text; }, 30);
    }

    function request(handler, payload) {
      if (busy) { return; }
      busy = true;
      stage.setAttribute("aria-busy", "true");
      store.call(handler, payload).then(function (state) {
        busy = false;
        draw(state, true);
        if (handler === "choose" && state.via) {
          var choice = idx.choices[state.via];
          announce(t("Feedback:") + " " + choice.feedback + (state.ending ? " " + t("The conversation has ended.") : ""));
        } else if (handler === "back") {
          announce(t("You stepped back one scene."));
        } else if (handler === "restart") {
          announce(t("The conversation starts again."));
        }
      }, function (error) {
        var message = error && error.status === 507 ? t("Your progress could not be saved, so nothing changed.")
          : t("That step could not be taken.");
        announce(message + (error && error.message ? " (" + error.message + ")" : ""));
        // The page may be behind the stored state (another tab played on): show what is stored.
        store.call("state", {}).then(function (state) { busy = false; draw(state, true); }, function () {
          busy = false;
          stage.removeAttribute("aria-busy");
        });
      });
    }

    function beat(line) {
      var item = make("li", { "class": line.speaker ? "p2p-rp-line" : "p2p-rp-narration", lang: cl });
      if (line.speaker) {
        var who = personas[line.speaker];
        item.appendChild(make("span", { "class": "p2p-rp-speaker" }, who.name));
        item.appendChild(document.createTextNode(" "));
      }
      item.appendChild(make(line.speaker ? "q" : "span", { lang: line.lang, "class": "p2p-rp-words" }, line.text));
      if (line.translation) {
        var by = line.translation_by && personas[line.translation_by];
        var note = make("span", { "class": "p2p-rp-translation", lang: line.translation_lang });
        note.appendChild(make("span", { "class": "p2p-rp-translation-by" },
          by ? fill(t("{name}, interpreting:"), { name: by.name }) : t("Translation:")));
        note.appendChild(document.createTextNode(" " + line.translation));
        item.appendChild(note);
      }
      return item;
    }

    function pointsText(choice) {
      var parts = content.dimensions.filter(function (d) { return choice.points[d.id]; }).map(function (d) {
        var value = choice.points[d.id];
        return d.label + " " + (value > 0 ? "+" : "\u2212") + Math.abs(value);
      });
      return parts.length ? t("Points:") + " " + parts.join(", ") : t("No points for this choice.");
    }

    function chart(state, heading) {
      var table = make("table", { "class": "p2p-rp-chart" });
      table.appendChild(make("caption", null, heading));
      var head = make("tr");
      [t("Dimension"), t("Points"), t("Best possible"), t("Share")].forEach(function (label) {
        head.appendChild(make("th", { scope: "col" }, label));
      });
      table.appendChild(make("thead")).appendChild(head);
      var body = table.appendChild(make("tbody"));
      content.dimensions.forEach(function (d) {
        var row = make("tr"), got = state.totals[d.id], share = percent(got, d.best);
        row.appendChild(make("th", { scope: "row", lang: cl }, d.label));
        row.appendChild(make("td", null, String(got)));
        row.appendChild(make("td", null, String(d.best)));
        var cell = make("td");
        // The bar repeats the number beside it, so it is hidden from screen readers.
        var bar = make("span", { "class": "p2p-rp-bar", "aria-hidden": "true" });
        // Set through the CSSOM, which a content security policy without 'unsafe-inline' allows.
        bar.appendChild(make("span", { "class": "p2p-rp-bar-fill" })).style.width = share + "%";
        cell.appendChild(bar);
        cell.appendChild(make("span", { "class": "p2p-rp-share" }, share + "%"));
        row.appendChild(cell);
        body.appendChild(row);
      });
      return table;
    }

    function button(label, handler, payload, extra) {
      var b = make("button", Object.assign({ type: "button", "class": "p2p-rp-button" }, extra || {}), label);
      b.addEventListener("click", function () { request(handler, payload); });
      return b;
    }

    function draw(state, moveFocus) {
      var scene = idx.scenes[state.scene];
      stage.textContent = "";
      stage.removeAttribute("aria-busy");
      if (state.via) {
        var via = idx.choices[state.via];
        var box = stage.appendChild(make("div", { "class": "p2p-rp-feedback" }));
        var label = box.appendChild(make("p", { "class": "p2p-rp-feedback-label" }));
        label.appendChild(document.createTextNode(t("You chose:") + " "));
        label.appendChild(make("span", { lang: cl }, via.text));
        box.appendChild(make("p", { lang: cl }, via.feedback));
        box.appendChild(make("p", { "class": "p2p-rp-points" }, state.route.indexOf(state.via) < 0
          ? t("You are back at an earlier scene: the choices in between no longer count, for or against you.")
          : pointsText(via)));
      }
      var headingId = baseId + "-scene";
      var heading = make("h4", { id: headingId, tabindex: "-1", "class": "p2p-rp-scene-title" });
      if (scene.ending) { heading.appendChild(document.createTextNode(t("Ending:") + " ")); }
      heading.appendChild(make("span", { lang: cl }, scene.title));
      stage.appendChild(heading);
      // Lines and narration with a condition are said only when it holds on the learner's route.
      var said = scene.beats.filter(function (line) { return when(content, line["if"], state.values || {}); });
      if (said.length) {
        var transcript = make("ol", { "class": "p2p-rp-transcript", "aria-label": t("Transcript") });
        said.forEach(function (line) { transcript.appendChild(beat(line)); });
        stage.appendChild(transcript);
      }
      var actions = make("div", { "class": "p2p-rp-actions" });
      if (scene.ending) {
        var debrief = stage.appendChild(make("section", { "class": "p2p-rp-debrief", "aria-labelledby": baseId + "-debrief" }));
        debrief.appendChild(make("h5", { id: baseId + "-debrief" }, t("Debrief")));
        debrief.appendChild(make("p", { lang: cl }, scene.debrief));
        debrief.appendChild(make("p", { "class": "p2p-rp-overall" }, fill(t("This route earned {earned} of {possible} points ({percent}%)."),
          { earned: state.earned, possible: content.possible, percent: percent(state.earned, content.possible) })));
        debrief.appendChild(chart(state, t("Points on each dimension")));
        var review = debrief.appendChild(make("details", { "class": "p2p-rp-review" }));
        review.appendChild(make("summary", null, t("Your route, step by step")));
        var steps = review.appendChild(make("ol"));
        state.route.forEach(function (id) {
          var item = steps.appendChild(make("li"));
          item.appendChild(make("span", { lang: cl }, idx.sceneOfChoice[id].title + ": " + idx.choices[id].text));
          item.appendChild(document.createTextNode(" (" + pointsText(idx.choices[id]) + ")"));
        });
        if (state.score) {
          debrief.appendChild(make("p", null, fill({
            best: t("Your recorded score (best attempt): {earned} of {possible}."),
            last: t("Your recorded score (last attempt): {earned} of {possible}."),
            first: t("Your recorded score (first attempt; replays are practice): {earned} of {possible}.")
          }[content.keep], state.score)));
        }
        if (state.attempts_left !== null) {
          debrief.appendChild(make("p", null, fill(t("Attempts left: {count}"), { count: state.attempts_left })));
        }
        if (state.can_restart) { actions.appendChild(button(t("Replay the conversation"), "restart", {})); }
      } else {
        var group = make("div", { role: "group", "aria-labelledby": baseId + "-ask", "class": "p2p-rp-choices" });
        group.appendChild(make("p", { id: baseId + "-ask", "class": "p2p-rp-ask" }, t("What do you do?")));
        var list = group.appendChild(make("ul"));
        var shown = state.offered || scene.choices.map(function (c) { return c.id; });
        scene.choices.filter(function (c) { return shown.indexOf(c.id) >= 0; }).forEach(function (choice) {
          list.appendChild(make("li")).appendChild(button(choice.text, "choose", { choice: choice.id }, { "data-choice": choice.id, lang: cl }));
        });
        stage.appendChild(group);
        if (state.can_back) { actions.appendChild(button(t("Step back"), "back", {})); }
        if (state.route.length && state.can_restart) { actions.appendChild(button(t("Start over"), "restart", {})); }
      }
      if (actions.childNodes.length) { stage.appendChild(actions); }
      if (!scene.ending) {
        stage.appendChild(make("p", { "class": "p2p-rp-progress" }, fill(t("Step {step} of your route"), { step: state.route.length + 1 })));
      }
      if (moveFocus) { heading.focus(); }
    }

    draw(data.state, false);
    return { draw: draw };
  }

  global.P2PRoleplay = { mount: mount, rules: rules, conditions: conditions };

  /* Open edX (and the xblock-sdk workbench): the server is authoritative. Three declared
   * parameters: the runtime passes `data` only to initializers that take it. */
  global.P2PRoleplayInit = function (runtime, element, data) {
    var el = element && element.jquery ? element[0] : element;
    if (data && typeof data.json === "string") { data = JSON.parse(data.json); }
    var root = el.querySelector(".p2p-roleplay");
    return mount(root, global.P2PStore.server(runtime, el, data && data.csrf_cookie), data);
  };
})(typeof window !== "undefined" ? window : this);
