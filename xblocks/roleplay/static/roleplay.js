/* Scenario role-play: one script for Open edX and SCORM packages (docs/decisions/0001).
 *
 * P2PRoleplay.rules is the JavaScript twin of xblocks/roleplay/model.py (restore, handlers,
 * report); the shared vectors in tests/vectors/roleplay/ hold the two equal.
 * P2PRoleplay.mount draws the block and reaches learner state only through the store.
 */
(function (global) {
  "use strict";

  /* ---------------------------------------------------------------- rules */

  var indexes = typeof WeakMap === "function" ? new WeakMap() : null;

  function index(content) {
    var found = indexes && indexes.get(content);
    if (found) { return found; }
    found = { scenes: {}, choices: {}, sceneOfChoice: {} };
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
    return { r: [], v: null, n: 0, b: null, l: null };
  }

  function routeScenes(content, route) {
    var choices = index(content).choices;
    return [content.start].concat(route.map(function (id) { return choices[id].next; }));
  }

  function offered(scene, id) {
    for (var i = 0; i < scene.choices.length; i++) {
      if (scene.choices[i].id === id) { return scene.choices[i]; }
    }
    return null;
  }

  /* The longest prefix of a saved route still playable in this content, loops cut. */
  function walk(content, route) {
    var scenes = [content.start], kept = [], idx = index(content);
    if (!Array.isArray(route)) { return kept; }
    for (var i = 0; i < route.length; i++) {
      var here = idx.scenes[scenes[scenes.length - 1]];
      var choice = typeof route[i] === "string" ? offered(here, route[i]) : null;
      if (here.ending || !choice) { break; }
      var cut = scenes.indexOf(choice.next);
      if (cut >= 0) {
        scenes = scenes.slice(0, cut + 1);
        kept = kept.slice(0, cut);
      } else {
        scenes.push(choice.next);
        kept.push(choice.id);
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
    state.v = has(idx.choices, saved.v) && idx.choices[saved.v].next === here && saved.v !== last ? saved.v : null;
    state.n = isCount(saved.n) && saved.n >= 0 ? saved.n : 0;
    state.b = scorePair(saved.b);
    state.l = scorePair(saved.l);
    return state;
  }

  function scoreDict(pair) { return pair ? { earned: pair[0], possible: pair[1] } : null; }

  function keptScore(state, content) { return content.keep === "best" ? state.b : state.l; }

  function view(state, content) {
    var scenes = routeScenes(content, state.r);
    var scene = index(content).scenes[scenes[scenes.length - 1]];
    var totals = totalsOf(content, state.r);
    var left = content.max_attempts ? Math.max(0, content.max_attempts - state.n) : null;
    return {
      scene: scene.id,
      route: state.r.slice(),
      via: state.v || (state.r.length ? state.r[state.r.length - 1] : null),
      ending: scene.ending,
      totals: totals,
      earned: earnedOf(totals),
      attempts: state.n,
      attempts_left: left,
      can_back: state.r.length > 0 && !scene.ending,
      can_restart: left === null || left > 0,
      best: scoreDict(state.b),
      last: scoreDict(state.l),
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
    if (!state.b || score[0] * state.b[1] > state.b[0] * score[1]) { state.b = score; }
  }

  var handlers = {
    state: function (state) { return state; },
    choose: function (state, payload, content) {
      var idx = index(content), scenes = routeScenes(content, state.r);
      var here = idx.scenes[scenes[scenes.length - 1]];
      if (here.ending) { throw refuse("this conversation has ended: start over to play it again"); }
      var choice = typeof payload.choice === "string" ? offered(here, payload.choice) : null;
      if (!choice) { throw refuse("choice '" + payload.choice + "' is not offered in scene '" + here.id + "'"); }
      var cut = scenes.indexOf(choice.next);
      if (cut >= 0) {
        state.r = state.r.slice(0, cut);
        state.v = choice.id;
      } else {
        state.r.push(choice.id);
        state.v = null;
      }
      if (idx.scenes[choice.next].ending) { finish(state, content); }
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

  /* Rules as the offline store calls them: (state, payload, content) -> {state, response}. */
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
    var route = state.r;
    function total(choice) {
      return Object.keys(choice.points).reduce(function (s, d) { return s + choice.points[d]; }, 0);
    }
    return {
      completed: state.n > 0,
      score: scoreDict(keptScore(state, content)),
      interactions: route.map(function (id) {
        var choice = idx.choices[id], scene = idx.sceneOfChoice[id];
        var top = Math.max.apply(null, scene.choices.map(total)), mine = total(choice);
        return {
          id: prefix + id, type: "choice", description: scene.title + ": " + choice.text,
          response: id, result: mine === top ? "correct" : (mine < 0 ? "incorrect" : "neutral"),
          choices: scene.choices.map(function (c) { return c.id; })
        };
      })
    };
  }

  var rules = { restore: restore, handlers: ruleHandlers, report: report };

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
      if (scene.beats.length) {
        var transcript = make("ol", { "class": "p2p-rp-transcript", "aria-label": t("Transcript") });
        scene.beats.forEach(function (line) { transcript.appendChild(beat(line)); });
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
          debrief.appendChild(make("p", null, fill(content.keep === "best" ? t("Your recorded score (best attempt): {earned} of {possible}.")
            : t("Your recorded score (last attempt): {earned} of {possible}."), state.score)));
        }
        if (state.attempts_left !== null) {
          debrief.appendChild(make("p", null, fill(t("Attempts left: {count}"), { count: state.attempts_left })));
        }
        if (state.can_restart) { actions.appendChild(button(t("Replay the conversation"), "restart", {})); }
      } else {
        var group = make("div", { role: "group", "aria-labelledby": baseId + "-ask", "class": "p2p-rp-choices" });
        group.appendChild(make("p", { id: baseId + "-ask", "class": "p2p-rp-ask" }, t("What do you do?")));
        var list = group.appendChild(make("ul"));
        scene.choices.forEach(function (choice) {
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

  global.P2PRoleplay = { mount: mount, rules: rules };

  /* Open edX (and the xblock-sdk workbench): the server is authoritative. Three declared
   * parameters: the runtime passes `data` only to initializers that take it. */
  global.P2PRoleplayInit = function (runtime, element, data) {
    var el = element && element.jquery ? element[0] : element;
    if (data && typeof data.json === "string") { data = JSON.parse(data.json); }
    var root = el.querySelector(".p2p-roleplay");
    return mount(root, global.P2PStore.server(runtime, el), data);
  };
})(typeof window !== "undefined" ? window : this);
