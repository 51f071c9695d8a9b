/* facilitation_rubric: self-assessment, rater calibration and trainer certification (its interface is
 * rubric-certification.js, loaded by Open edX only: a SCORM package refuses trainer mode). The block contract is docs/decisions/0001; the authoring format and SCORM notes are in docs/rubric.md.
 * `rules` is the twin of xblocks/rubric/model.py; tests/vectors/rubric binds the two. */
(function (global) {
  "use strict";
  if (global.P2PRubric) { return; } // the script may arrive once per block on a page

  var NOTE_LIMIT = 2000;
  var AUTOSAVE_DELAY_MS = 1000;
  var catalogue = {};

  function t(msgid) { return catalogue[msgid] || msgid; }
  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) { return values[name] === undefined ? all : String(values[name]); });
  }
  function isString(value) { return typeof value === "string"; }
  function isObject(value) { return value !== null && typeof value === "object" && !Array.isArray(value); }
  function has(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }
  function chars(text) { return Array.from(text).length; } // code points, as Python's len()

  /* ------------------------------------------------------------------ rules */

  function refuse(message, detail) {
    return global.P2PStore.refuse(message + (detail ? " (" + detail + ")" : ""));
  }
  function levelIndex(content) {
    var index = {};
    content.levels.forEach(function (level, i) { index[level.id] = i; });
    return index;
  }
  function hundredths(number) { return Math.round(number * 100); }
  function show(h) { return h / 100; }
  function percent(part, whole) { return whole ? Math.floor(part * 100 / whole) : 0; }

  function score(content, ratings) {
    var index = levelIndex(content), rule = content.pass, total = 0;
    var rows = content.criteria.map(function (criterion) {
      var level = ratings[criterion.id];
      var points = content.levels[index[level]].points;
      var earned = points * hundredths(criterion.weight);
      total += earned;
      var required = rule && has(rule.require, criterion.id) ? rule.require[criterion.id] : null;
      return { id: criterion.id, level: level, points: points, score: show(earned), required: required,
               meets: required === null ? null : index[level] >= index[required] };
    });
    var passed = null;
    if (rule) {
      passed = total >= hundredths(rule.min_total) && rows.every(function (row) { return row.meets !== false; });
    }
    return { total: show(total), max_total: show(hundredths(content.max_total)), passed: passed, criteria: rows };
  }

  /* ratings {sample: sheet}; samples not given are left out */
  function agreement(content, ratings) {
    var index = levelIndex(content), per = {}, exact = 0, adjacent = 0, count = 0;
    content.criteria.forEach(function (c) { per[c.id] = { exact: 0, adjacent: 0, ratings: 0 }; });
    var samples = content.samples.filter(function (sample) { return has(ratings, sample.id); }).map(function (sample) {
      return { id: sample.id, criteria: content.criteria.map(function (criterion) {
        var mine = ratings[sample.id][criterion.id], key = sample.key[criterion.id];
        var distance = Math.abs(index[mine] - index[key.level]);
        var counts = per[criterion.id];
        counts.ratings += 1; count += 1;
        if (distance === 0) { counts.exact += 1; exact += 1; }
        if (distance <= 1) { counts.adjacent += 1; adjacent += 1; }
        return { id: criterion.id, rating: mine, expert: key.level, rationale: key.rationale,
                 match: distance === 0 ? "exact" : distance === 1 ? "adjacent" : "off" };
      }) };
    });
    Object.keys(per).forEach(function (id) {
      per[id].exact_percent = percent(per[id].exact, per[id].ratings);
      per[id].adjacent_percent = percent(per[id].adjacent, per[id].ratings);
    });
    var rule = content.agreement;
    return { exact: exact, adjacent: adjacent, ratings: count, exact_percent: percent(exact, count),
             adjacent_percent: percent(adjacent, count), criteria: per, samples: samples,
             passed: exact * 100 >= rule.min_exact * count && adjacent * 100 >= rule.min_adjacent * count };
  }

  function criterionIds(content) { return content.criteria.map(function (c) { return c.id; }); }
  function sheetDone(sheet, content) {
    return criterionIds(content).every(function (id) { return isObject(sheet) && has(sheet, id); });
  }
  function graded(content) {
    return content.samples.filter(function (s) { return !s.practice; }).map(function (s) { return s.id; });
  }

  /* saved -> valid for this content. Self: {r, n, s, a}. Calibration: {r: ratings per sample,
   * a, f: first submitted ratings per sample (graded, never replaced), p: samples shown with the key}. */
  function restore(saved, content) {
    saved = isObject(saved) ? saved : {};
    var index = levelIndex(content);
    function keep(given) {
      var kept = {};
      if (!isObject(given)) { return kept; }
      content.criteria.forEach(function (c) {
        if (has(given, c.id) && isString(given[c.id]) && has(index, given[c.id])) { kept[c.id] = given[c.id]; }
      });
      return kept;
    }
    function keepSheets(given) {
      var sheets = {};
      given = isObject(given) ? given : {};
      content.samples.forEach(function (s) {
        var sheet = keep(has(given, s.id) ? given[s.id] : null);
        if (Object.keys(sheet).length) { sheets[s.id] = sheet; }
      });
      return sheets;
    }
    function completeOnly(sheets) {
      var kept = {};
      Object.keys(sheets).forEach(function (id) { if (sheetDone(sheets[id], content)) { kept[id] = sheets[id]; } });
      return kept;
    }
    var attempts = saved.a;
    attempts = typeof attempts === "number" && Math.floor(attempts) === attempts && attempts > 0 ? attempts : 0;
    if (content.mode === "calibration") {
      var ratings = keepSheets(saved.r), first, shown;
      if (!has(saved, "f") && (saved.s === 1 || saved.s === true)) {
        first = completeOnly(ratings);
        shown = Object.keys(first);
      } else {
        first = completeOnly(keepSheets(saved.f));
        var given = Array.isArray(saved.p) ? saved.p : [];
        shown = content.samples.map(function (s) { return s.id; }).filter(function (id) { return given.indexOf(id) >= 0; });
      }
      shown = shown.filter(function (id) { return has(first, id) && has(ratings, id) && sheetDone(ratings[id], content); });
      return { r: ratings, a: attempts, f: first, p: shown };
    }
    var notes = {}, rawNotes = isObject(saved.n) ? saved.n : {};
    content.criteria.forEach(function (c) {
      if (has(rawNotes, c.id) && isString(rawNotes[c.id]) && rawNotes[c.id]) { notes[c.id] = rawNotes[c.id]; }
    });
    var state = { r: keep(saved.r), n: notes, s: saved.s === 1 || saved.s === true ? 1 : 0, a: attempts };
    if (state.s && !sheetDone(state.r, content)) { state.s = 0; }
    return state;
  }

  /* "submitted" (shown with the key), "open" or "held" (graded, until every practice sample was submitted once) */
  function sampleStatus(state, content) {
    var practiceDone = content.samples.every(function (s) { return !s.practice || has(state.f, s.id); });
    var status = {};
    content.samples.forEach(function (s) {
      status[s.id] = state.p.indexOf(s.id) >= 0 ? "submitted" : s.practice || practiceDone ? "open" : "held";
    });
    return status;
  }
  function pick(sheets, ids) {
    var picked = {};
    ids.forEach(function (id) { picked[id] = sheets[id]; });
    return picked;
  }
  /* The graded agreement: first submissions of the graded samples; later ones are practice. */
  function grade(state, content) {
    var ids = graded(content);
    if (!ids.every(function (id) { return has(state.f, id); })) { return null; }
    var result = agreement(content, pick(state.f, ids)), out = {};
    ["exact", "adjacent", "ratings", "exact_percent", "adjacent_percent", "passed"].forEach(function (k) { out[k] = result[k]; });
    return out;
  }

  function view(state, content) {
    if (content.mode !== "calibration") {
      return { mode: content.mode, ratings: state.r, notes: state.n, submitted: !!state.s, attempts: state.a,
               result: state.s ? score(content, state.r) : null };
    }
    var status = sampleStatus(state, content);
    return {
      mode: "calibration", ratings: state.r, notes: {},
      submitted: Object.keys(status).every(function (id) { return status[id] !== "open"; }),
      attempts: state.a,
      result: state.p.length ? agreement(content, pick(state.r, state.p)) : null,
      samples: status,
      first: content.samples.filter(function (s) { return has(state.f, s.id); }).map(function (s) { return s.id; }),
      grade: grade(state, content)
    };
  }

  function checkedRatings(given, content, mustBeComplete) {
    var index = levelIndex(content), criteria = {};
    content.criteria.forEach(function (c) { criteria[c.id] = true; });
    if (!isObject(given)) { throw refuse(t("Ratings must map each criterion to a level.")); }
    Object.keys(given).forEach(function (criterion) {
      if (!has(criteria, criterion)) { throw refuse(t("This rubric has no such criterion."), criterion); }
      if (!isString(given[criterion]) || !has(index, given[criterion])) { throw refuse(t("This rubric has no such level."), criterion); }
    });
    if (mustBeComplete && !sheetDone(given, content)) { throw refuse(t("Rate every criterion before you submit.")); }
    return given;
  }

  function checkedSampleRatings(given, state, content, mustBeComplete) {
    if (!isObject(given)) { throw refuse(t("Ratings must map each criterion to a level.")); }
    var status = sampleStatus(state, content), ratings = {};
    function empty(sheet) { return sheet === null || (isObject(sheet) && !Object.keys(sheet).length); }
    Object.keys(given).forEach(function (id) {
      if (!has(status, id)) { throw refuse(t("This rubric has no such sample."), id); }
      if (status[id] === "submitted" && !empty(given[id])) { throw refuse(t("This sample is submitted; choose Rate again to practise it."), id); }
      if (status[id] === "held" && !empty(given[id])) { throw refuse(t("This sample opens after you submit the practice samples."), id); }
    });
    Object.keys(given).forEach(function (id) {
      if (!empty(given[id])) { ratings[id] = checkedRatings(given[id], content, false); }
    });
    if (mustBeComplete && Object.keys(status).some(function (id) {
      return status[id] === "open" && !sheetDone(has(ratings, id) ? ratings[id] : {}, content);
    })) { throw refuse(t("Rate every criterion before you submit.")); }
    return ratings;
  }

  function checkedNotes(given, content) {
    if (given === undefined || given === null) { return {}; }
    if (!isObject(given)) { throw refuse(t("Notes must map each criterion to text.")); }
    var criteria = {}, notes = {}, any = false;
    content.criteria.forEach(function (c) { criteria[c.id] = true; });
    Object.keys(given).forEach(function (criterion) {
      var text = given[criterion];
      if (!has(criteria, criterion)) { throw refuse(t("This rubric has no such criterion."), criterion); }
      if (!isString(text)) { throw refuse(t("Notes must map each criterion to text.")); }
      if (chars(text) > NOTE_LIMIT) { throw refuse(t("A note is longer than 2000 characters; shorten it."), criterion); }
      if (text) { notes[criterion] = text; any = true; }
    });
    if (content.mode === "calibration" && any) { throw refuse(t("Calibration ratings take no evidence notes.")); }
    return notes;
  }

  function learnerMode(content) {
    if (content.mode === "trainer") { throw refuse(t("In a certification rubric, trainers do the rating.")); }
  }
  // Anything but the sheet the script sends is refused: read as an empty sheet, it erased the draft.
  function sheetOf(payload) {
    var keys = isObject(payload) ? Object.keys(payload) : [];
    if (!keys.length || keys.some(function (k) { return k !== "ratings" && k !== "notes"; })) {
      throw refuse(t("Send the sheet as {ratings, notes}."));
    }
    return payload;
  }
  /* {ratings, notes} of a save or submit */
  function checkedSheet(state, payload, content, mustBeComplete) {
    learnerMode(content);
    payload = sheetOf(payload);
    var ratings = has(payload, "ratings") ? payload.ratings : {};
    if (content.mode === "calibration") {
      var status = sampleStatus(state, content);
      if (!Object.keys(status).some(function (id) { return status[id] === "open"; })) {
        throw refuse(t("This rubric is submitted; choose Revise to change it."));
      }
      var notes = checkedNotes(payload.notes, content);
      return { ratings: checkedSampleRatings(ratings, state, content, mustBeComplete), notes: notes };
    }
    if (state.s) { throw refuse(t("This rubric is submitted; choose Revise to change it.")); }
    return { ratings: checkedRatings(ratings, content, mustBeComplete), notes: checkedNotes(payload.notes, content) };
  }
  function copyOf(object) { var out = {}; Object.keys(object).forEach(function (k) { out[k] = object[k]; }); return out; }

  var handlers = {
    state: function (state, payload, content) { return { state: state, response: view(state, content) }; },
    save_draft: function (state, payload, content) {
      var sheet = checkedSheet(state, payload, content, false), next;
      if (content.mode === "calibration") {
        var r = pick(state.r, state.p);
        Object.keys(sheet.ratings).forEach(function (id) { r[id] = sheet.ratings[id]; });
        next = { r: r, a: state.a, f: state.f, p: state.p };
      } else {
        next = { r: sheet.ratings, n: sheet.notes, s: state.s, a: state.a };
      }
      return { state: next, response: view(next, content) };
    },
    submit: function (state, payload, content) {
      var sheet = checkedSheet(state, payload, content, true), next;
      if (content.mode === "calibration") {
        var status = sampleStatus(state, content);
        var opened = Object.keys(status).filter(function (id) { return status[id] === "open"; });
        var first = copyOf(state.f), r = copyOf(state.r);
        opened.forEach(function (id) { if (!has(first, id)) { first[id] = sheet.ratings[id]; } r[id] = sheet.ratings[id]; });
        var shown = content.samples.map(function (s) { return s.id; }).filter(function (id) {
          return state.p.indexOf(id) >= 0 || opened.indexOf(id) >= 0;
        });
        next = { r: r, a: state.a + 1, f: first, p: shown };
      } else {
        next = { r: sheet.ratings, n: sheet.notes, s: 1, a: state.a + 1 };
      }
      return { state: next, response: view(next, content) };
    },
    revise: function (state, payload, content) {
      learnerMode(content);
      var next;
      if (content.mode === "calibration") {
        if (!state.p.length) { throw refuse(t("There is no submitted rubric to revise.")); }
        var r = {};
        Object.keys(state.r).forEach(function (id) { if (state.p.indexOf(id) < 0) { r[id] = state.r[id]; } });
        next = { r: r, a: state.a, f: state.f, p: [] };
      } else {
        if (!state.s) { throw refuse(t("There is no submitted rubric to revise.")); }
        next = { r: state.r, n: state.n, s: 0, a: state.a };
      }
      return { state: next, response: view(next, content) };
    }
  };

  /* What the SCORM player reports: one interaction per rating (ids <block>-<criterion>, or
   * <block>-<sample>-<criterion> in calibration, where each sample's first submission is reported:
   * the graded one), the score, and whether the learner passed. */
  function report(state, content, blockId) {
    var id = blockId || content.id, v = view(state, content);
    if (content.mode === "calibration") {
      var labels = {}, interactions = [];
      content.criteria.forEach(function (c) { labels[c.id] = c.label; });
      agreement(content, state.f).samples.forEach(function (sample) {
        var label = content.samples.filter(function (s) { return s.id === sample.id; })[0].label;
        sample.criteria.forEach(function (row) {
          interactions.push({ id: id + "-" + sample.id + "-" + row.id, type: "choice",
                              description: label + ": " + labels[row.id], response: row.rating,
                              result: row.match === "exact" ? "correct" : "incorrect", weighting: 1 });
        });
      });
      return { completed: v.grade !== null, score: v.grade && { earned: v.grade.exact, possible: v.grade.ratings },
               passed: v.grade && v.grade.passed, interactions: interactions };
    }
    if (content.mode === "trainer" || !v.submitted) {
      return { completed: false, score: null, passed: null, interactions: [] };
    }
    return {
      completed: true, score: { earned: v.result.total, possible: v.result.max_total }, passed: v.result.passed,
      interactions: content.criteria.map(function (c) {
        return { id: id + "-" + c.id, type: "likert", description: c.label, response: state.r[c.id],
                 result: "neutral", weighting: c.weight };
      })
    };
  }

  // Certification needs a server that knows trainers and candidates (the SCORM builder refuses
  // trainer-mode rubrics); offline, these requests say so instead of failing silently.
  ["request_certification", "queue", "assess"].forEach(function (name) {
    handlers[name] = function () { throw refuse(t("Certification needs the Open edX course; it cannot run here.")); };
  });

  var rules = global.P2PStore.rules(restore, handlers, report);

  /* ------------------------------------------------------------------ interface */

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  /* Author text inside an interface sentence keeps its own language (a screen reader switches voice). */
  function authored(node, content) { node.lang = content.lang || "en"; return node; }
  function levelLabel(content, id) {
    for (var i = 0; i < content.levels.length; i++) { if (content.levels[i].id === id) { return content.levels[i].label; } }
    return id;
  }
  function criterionLabel(content, id) {
    for (var i = 0; i < content.criteria.length; i++) { if (content.criteria[i].id === id) { return content.criteria[i].label; } }
    return id;
  }
  function shortDate(iso) { return String(iso || "").replace("T", " ").replace(/:\d\dZ$/, " UTC"); }

  function grid(container) {
    var fieldsets = Array.prototype.slice.call(container.querySelectorAll("fieldset.p2p-rubric__criterion"));
    return {
      fieldsets: fieldsets,
      read: function (withSamples) {
        var ratings = {}, notes = {};
        fieldsets.forEach(function (fs) {
          if (fs.disabled) { return; } // a submitted or held-back sample is not part of the sheet
          var checked = fs.querySelector("input[type=radio]:checked");
          var note = fs.querySelector("textarea");
          var sample = fs.getAttribute("data-sample"), criterion = fs.getAttribute("data-criterion");
          var sheet = ratings;
          if (withSamples) { sheet = ratings[sample] = ratings[sample] || {}; }
          if (checked) { sheet[criterion] = checked.value; }
          if (note && note.value) { notes[criterion] = note.value; }
        });
        return { ratings: ratings, notes: notes };
      },
      /* locked: true/false, or for calibration {sample: status}: only "open" samples can be rated */
      fill: function (ratings, notes, withSamples, locked) {
        fieldsets.forEach(function (fs) {
          var sample = fs.getAttribute("data-sample"), criterion = fs.getAttribute("data-criterion");
          var sheet = withSamples ? ratings[sample] || {} : ratings;
          var lock = typeof locked === "object" ? locked[sample] !== "open" : locked;
          fs.disabled = typeof locked === "object" && lock;
          Array.prototype.forEach.call(fs.querySelectorAll("input[type=radio]"), function (radio) {
            radio.checked = sheet[criterion] === radio.value;
            radio.disabled = lock;
          });
          var note = fs.querySelector("textarea");
          if (note) { note.value = notes[criterion] || ""; note.readOnly = lock; }
        });
      },
      /* true when every criterion is rated; otherwise says which is next and puts focus there */
      checkComplete: function (ui) {
        var missing = fieldsets.filter(function (fs) {
          return !fs.disabled && !fs.querySelector("input[type=radio]:checked");
        })[0];
        if (!missing) { return true; }
        ui.fail({ message: fmt(t("Rate every criterion before you submit. Next to rate: {criterion}."),
          { criterion: missing.querySelector("legend").textContent.trim() }) });
        missing.querySelector("input[type=radio]").focus();
        return false;
      },
      feedback: function (criterion, sample) {
        for (var i = 0; i < fieldsets.length; i++) {
          var fs = fieldsets[i];
          if (fs.getAttribute("data-criterion") === criterion && (!sample || fs.getAttribute("data-sample") === sample)) {
            return fs.querySelector(".p2p-rubric__feedback");
          }
        }
        return null;
      }
    };
  }

  function matchText(match) {
    return match === "exact" ? t("Exact match") : match === "adjacent" ? t("One level apart") : t("More than one level apart");
  }

  function mount(element, store, data) {
    element = element && element.jquery ? element[0] : element;
    catalogue = data.i18n || {};
    var root = element.querySelector(".p2p-rubric") || element;
    var content = data.content;
    var status = root.querySelector(".p2p-rubric__status");
    var alertBox = root.querySelector(".p2p-rubric__alert");
    var ui = {
      say: function (message) { alertBox.textContent = ""; status.textContent = message; },
      fail: function (error) {
        status.textContent = "";
        alertBox.textContent = (error && error.message) || t("Something went wrong; try again.");
      }
    };
    if (content.mode === "trainer") { // rubric-certification.js, which only Open edX loads
      global.P2PRubricCertification.mount(root, store, data, ui, interfaceHelpers);
    } else {
      mountLearner(root, store, content, data.state, ui);
    }
  }

  function mountLearner(root, store, content, initial, ui) {
    var calibration = content.mode === "calibration";
    var form = root.querySelector(".p2p-rubric__form");
    var submitButton = root.querySelector(".p2p-rubric__submit");
    var reviseButton = root.querySelector(".p2p-rubric__revise");
    var savedNote = root.querySelector(".p2p-rubric__saved");
    var heldNote = root.querySelector(".p2p-rubric__held") || el("p");
    var results = root.querySelector(".p2p-rubric__results");
    var resultsBody = root.querySelector(".p2p-rubric__results-body");
    var sheet = grid(form);
    var current = initial, queue = Promise.resolve(), timer = null;

    function call(handler, payload) { // one request at a time, in order
      var next = queue.then(function () { return store.call(handler, payload); });
      queue = next.catch(function () {});
      return next;
    }

    function draw(state) {
      current = state;
      sheet.fill(state.ratings, state.notes, calibration, calibration ? state.samples : state.submitted);
      submitButton.hidden = state.submitted;
      reviseButton.hidden = !state.submitted;
      if (calibration) {
        var held = false;
        Array.prototype.forEach.call(root.querySelectorAll(".p2p-rubric__sample"), function (section) {
          var status = state.samples[section.getAttribute("data-sample")];
          section.hidden = status === "held";
          held = held || status === "held";
        });
        heldNote.hidden = !held;
        reviseButton.textContent = t("Rate again for practice");
      }
      sheet.fieldsets.forEach(function (fs) {
        var box = fs.querySelector(".p2p-rubric__feedback");
        box.hidden = true;
        box.textContent = "";
      });
      results.hidden = !state.result;
      resultsBody.textContent = "";
      if (state.result) {
        if (calibration) { drawAgreement(state.result, state.grade); } else { drawScore(state.result); }
      }
    }

    function drawScore(result) {
      result.criteria.forEach(function (row) {
        var box = sheet.feedback(row.id);
        var criterion = content.criteria.filter(function (c) { return c.id === row.id; })[0];
        box.appendChild(el("p", null, criterion.weight !== 1
          ? fmt(t("Your rating: {level}, {points} points × {weight} = {score}."),
                { level: levelLabel(content, row.level), points: row.points, weight: criterion.weight, score: row.score })
          : fmt(t("Your rating: {level}, {score} points."), { level: levelLabel(content, row.level), score: row.score })));
        if (row.required !== null) {
          box.appendChild(el("p", row.meets ? "p2p-rubric__ok" : "p2p-rubric__short",
            fmt(row.meets ? t("Meets the required level ({level}).") : t("Below the required level ({level})."),
                { level: levelLabel(content, row.required) })));
        }
        box.hidden = false;
      });
      resultsBody.appendChild(el("p", "p2p-rubric__total",
        fmt(t("Total: {total} out of {max}."), { total: result.total, max: result.max_total })));
      if (result.passed !== null) {
        var verdict = el("p", result.passed ? "p2p-rubric__ok" : "p2p-rubric__short",
          result.passed ? t("This meets the pass rule.") : t("This does not meet the pass rule yet."));
        resultsBody.appendChild(verdict);
        if (!result.passed && result.total < content.pass.min_total) {
          resultsBody.appendChild(el("p", null, fmt(t("The total needs to reach {min}."), { min: content.pass.min_total })));
        }
      }
    }

    function drawAgreement(result, graded) {
      var labels = {};
      content.samples.forEach(function (s) { labels[s.id] = s.label; });
      // The graded verdict first (first submissions only), then this round's figures and comparison.
      if (graded) {
        resultsBody.appendChild(el("p", graded.passed ? "p2p-rubric__ok" : "p2p-rubric__short", graded.passed
          ? t("You met the calibration standard.")
          : fmt(t("Not met: the standard is {exact}% exact and {adjacent}% within one level."),
                { exact: content.agreement.min_exact, adjacent: content.agreement.min_adjacent })));
        resultsBody.appendChild(el("p", "p2p-rubric__grade", fmt(
          t("Your grade comes from your first ratings of the graded sample(s): {exact} of {total} exact ({percent}%), {adjacent} within one level. Rating again is practice and does not change it."),
          { exact: graded.exact, total: graded.ratings, percent: graded.exact_percent, adjacent: graded.adjacent })));
      } else {
        resultsBody.appendChild(el("p", null, t("Practice results: they do not count toward your grade. The graded sample opens below.")));
      }
      resultsBody.appendChild(el("h4", null, t("Agreement with the expert")));
      var figures = el("ul", "p2p-rubric__figures");
      figures.appendChild(el("li", null, fmt(t("Exact agreement: {count} of {total} ratings ({percent}%)."),
        { count: result.exact, total: result.ratings, percent: result.exact_percent })));
      figures.appendChild(el("li", null, fmt(t("Within one level: {count} of {total} ratings ({percent}%)."),
        { count: result.adjacent, total: result.ratings, percent: result.adjacent_percent })));
      resultsBody.appendChild(figures);
      resultsBody.appendChild(el("h4", null, t("By criterion")));
      var byCriterion = el("ul", "p2p-rubric__figures");
      content.criteria.forEach(function (c) {
        var counts = result.criteria[c.id];
        byCriterion.appendChild(el("li", null, fmt(t("{criterion}: {exact} of {total} exact, {adjacent} of {total} within one level."),
          { criterion: c.label, exact: counts.exact, adjacent: counts.adjacent, total: counts.ratings })));
      });
      resultsBody.appendChild(byCriterion);
      result.samples.forEach(function (sample) {
        resultsBody.appendChild(authored(el("h4", "p2p-rubric__compare-title", labels[sample.id]), content));
        var list = el("ul", "p2p-rubric__compare");
        sample.criteria.forEach(function (row) {
          var item = el("li", "p2p-rubric__compare-item p2p-rubric__match-" + row.match);
          item.appendChild(authored(el("p", "p2p-rubric__compare-criterion", criterionLabel(content, row.id)), content));
          var pair = el("div", "p2p-rubric__pair");
          var mine = el("p", "p2p-rubric__mine");
          mine.appendChild(el("span", "p2p-rubric__pair-label", t("Your rating")));
          mine.appendChild(authored(el("span", "p2p-rubric__pair-value", levelLabel(content, row.rating)), content));
          var expert = el("p", "p2p-rubric__expert");
          expert.appendChild(el("span", "p2p-rubric__pair-label", t("Expert rating")));
          expert.appendChild(authored(el("span", "p2p-rubric__pair-value", levelLabel(content, row.expert)), content));
          pair.appendChild(mine);
          pair.appendChild(expert);
          item.appendChild(pair);
          item.appendChild(el("p", "p2p-rubric__match", matchText(row.match)));
          var reason = fmt(t("Expert's reason: {reason}"), { reason: "\u0000" }).split("\u0000");
          var rationale = item.appendChild(el("p", "p2p-rubric__rationale", reason[0]));
          rationale.appendChild(authored(el("span", null, row.rationale), content));
          rationale.appendChild(document.createTextNode(reason.slice(1).join("")));
          list.appendChild(item);
          var box = sheet.feedback(row.id, sample.id);
          box.appendChild(el("p", null, fmt(t("Expert rating: {level}. {match}."),
            { level: levelLabel(content, row.expert), match: matchText(row.match) })));
          box.hidden = false;
        });
        resultsBody.appendChild(list);
      });
    }

    function saveDraft() {
      if (current.submitted) { return; }
      clearTimeout(timer);
      call("save_draft", sheet.read(calibration)).then(function (state) {
        current = state;
        savedNote.textContent = t("Draft saved.");
      }, ui.fail);
    }

    form.addEventListener("change", function (event) {
      if (event.target.type === "radio") { saveDraft(); }
    });
    form.addEventListener("input", function (event) {
      if (event.target.tagName === "TEXTAREA" && !current.submitted) {
        savedNote.textContent = "";
        clearTimeout(timer);
        timer = setTimeout(saveDraft, AUTOSAVE_DELAY_MS);
      }
    });
    form.addEventListener("focusout", function (event) {
      if (event.target.tagName === "TEXTAREA" && timer !== null && !current.submitted) { saveDraft(); timer = null; }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!sheet.checkComplete(ui)) { return; }
      clearTimeout(timer);
      call("submit", sheet.read(calibration)).then(function (state) {
        draw(state);
        savedNote.textContent = "";
        ui.say(t("Submitted. Your results follow the rubric."));
        results.focus();
      }, ui.fail);
    });
    reviseButton.addEventListener("click", function () {
      call("revise", {}).then(function (state) {
        draw(state);
        ui.say(t("You can change your ratings now."));
        sheet.fieldsets[0].querySelector("input[type=radio]").focus();
      }, ui.fail);
    });
    draw(initial);
  }

  // What rubric-certification.js draws with (it runs in the same catalogue and markup).
  var interfaceHelpers = { t: t, fmt: fmt, el: el, authored: authored, levelLabel: levelLabel, shortDate: shortDate, grid: grid };

  global.P2PRubric = { mount: mount, rules: rules, score: score, agreement: agreement };

  /* Open edX: the runtime calls this with the args of initialize_js (a JSON string without "<"). */
  global.P2PRubricInit = function (runtime, element, args) {
    var node = element && element.jquery ? element[0] : element;
    var data = JSON.parse(args.json);
    mount(node, global.P2PStore.server(runtime, node, data.csrf_cookie), data);
  };
})(typeof window !== "undefined" ? window : this);
