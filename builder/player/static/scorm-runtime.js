/* The SCORM run-time adapter of the offline player (SCORM 1.2 and 2004, one binding per version
 * in VERSIONS): finds the LMS, keeps the page's state document (course-state.js) in
 * cmi.suspend_data, and reports bookmark, score, status and interactions.
 *
 *   var runtime = P2PScorm.start(config, ui);   // config: the page's p2p-data; ui: {notice, error, changed}
 *   runtime.register(blockId, rules, content);  // every block, before begin()
 *   runtime.begin();                            // first report; returns the bookmarked unit index or -1
 *   runtime.slot(blockId)                       // {load, save} for P2PStore.offline
 *   runtime.visit(unitIndex)                    // bookmark + progress (a learner action)
 *   runtime.status()                            // {progress, completed, unitsDone, certificate...}
 *   runtime.learner()                           // {name, id} as the LMS gives them
 *   runtime.finish()                            // exit, session time, last commit, Terminate (once)
 *   runtime.onward()                            // {title, go()}: the next chapter, or null
 *
 * Commits are debounced: at most one per learner action, none while idle. Without an LMS the
 * same document goes to localStorage, and the page says so.
 */
(function (global) {
  "use strict";

  var State = global.P2PCourseState;
  var COMMIT_DELAY_MS = 800;
  var i18n = {};
  function t(text) { return i18n[text] || text; }

  var VERSIONS = {
    scorm12: {
      api: "API", initialize: "LMSInitialize", terminate: "LMSFinish", get: "LMSGetValue",
      set: "LMSSetValue", commit: "LMSCommit", lastError: "LMSGetLastError", errorString: "LMSGetErrorString",
      location: "cmi.core.lesson_location", exit: "cmi.core.exit", session: "cmi.core.session_time",
      score: "cmi.core.score", response: "student_response", incorrect: "wrong", textLimit: 255,
      time: "time"
    },
    scorm2004: {
      api: "API_1484_11", initialize: "Initialize", terminate: "Terminate", get: "GetValue",
      set: "SetValue", commit: "Commit", lastError: "GetLastError", errorString: "GetErrorString",
      location: "cmi.location", exit: "cmi.exit", session: "cmi.session_time",
      score: "cmi.score", response: "learner_response", incorrect: "incorrect", textLimit: 4000,
      time: "timestamp"
    }
  };

  /* The standard's search: up the parent chain, then up the opener's. Answers the window that
   * holds the API (the LMS's page), or null. */
  function holderIn(win, name) {
    for (var hops = 0; win && hops < 500; hops++) {
      try { if (win[name]) { return win; } } catch (ignored) { /* another origin: keep climbing */ }
      var parent;
      try { parent = win.parent; } catch (ignored) { parent = null; }
      if (!parent || parent === win) { break; }
      win = parent;
    }
    return null;
  }

  function findHolder(name) {
    var holder = holderIn(global, name);
    var openers = [];
    try { if (global.top) { openers.push(global.top.opener); } } catch (ignored) { /* cross-origin top */ }
    try { openers.push(global.opener); } catch (ignored) { /* none */ }
    for (var i = 0; !holder && i < openers.length; i++) {
      if (openers[i]) { holder = holderIn(openers[i], name); }
    }
    return holder;
  }

  function findApi(name) {
    var holder = findHolder(name);
    return holder ? holder[name] : null;
  }

  /* Moodle's player keeps ONE run-time object for every SCO of its page (mod/scorm/datamodels:
   * M.scorm_api.init runs once per player page) and, in SCORM 2004, a session that has terminated
   * never initializes again there (Initialize answers 104), so a chapter that ends with Terminate
   * leaves the next chapter unconnected. Its page offers the launcher its own ">" button calls. */
  function moodleLauncher(holder) {
    try {
      return holder && typeof holder.mod_scorm_launch_next_sco === "function" ? holder.mod_scorm_launch_next_sco : null;
    } catch (ignored) { return null; }
  }

  /* This SCO's page goes while the LMS's page stays on screen: the LMS's own navigation replaced the
   * SCO's frame. (When the LMS's page itself goes, its document is already hidden at our pagehide:
   * measured in Chromium.) */
  function lmsPageStays(holder) {
    try { return holder !== global && holder.document.visibilityState === "visible"; } catch (ignored) { return false; }
  }

  function hash(text) {
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h.toString(36);
  }

  function pad(n, width) { n = String(n); while (n.length < width) { n = "0" + n; } return n; }

  function sessionTime(version, ms) {
    // Whole hundredths first, so 59.999 s becomes 1 minute, never ":60.00" (seconds are 00-59).
    var cs = Math.round(Math.max(0, ms) / 10);
    if (version === "scorm12") {  // CMITimespan HHHH:MM:SS.SS: four digits of hours at most
      cs = Math.min(cs, 9999 * 360000 + 359999);
    }
    var h = Math.floor(cs / 360000), m = Math.floor(cs % 360000 / 6000), s = (cs % 6000 / 100).toFixed(2);
    if (version === "scorm12") {
      return pad(h, 4) + ":" + pad(m, 2) + ":" + pad(s, 5);
    }
    return "PT" + h + "H" + m + "M" + s + "S";
  }

  /* The learner's own clock: 1.2 time is HH:MM:SS with no zone (so local time); a 2004 timestamp
   * carries the learner's offset, which the standard allows only after fractional seconds (Moodle's
   * pattern insists on it): 2026-12-05T07:20:33.0-08:00. */
  function clockTime(version, date) {
    var time = pad(date.getHours(), 2) + ":" + pad(date.getMinutes(), 2) + ":" + pad(date.getSeconds(), 2);
    if (version === "scorm12") { return time; }
    var offset = -date.getTimezoneOffset(), sign = offset < 0 ? "-" : "+";
    offset = Math.abs(offset);
    return pad(date.getFullYear(), 4) + "-" + pad(date.getMonth() + 1, 2) + "-" + pad(date.getDate(), 2) + "T" + time +
      ".0" + sign + pad(Math.floor(offset / 60), 2) + ":" + pad(offset % 60, 2);
  }

  /* SCORM 1.2 choice and likert responses are one character 0-9 or a-z: the response itself when
   * it is one, else its position among the options the interaction lists, else its position among
   * its siblings in the block's content (a role-play choice in its scene, a rubric level among the
   * levels), else a stable character derived from it. */
  var ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
  function position(content, id) {
    var found = -1;
    (function walk(node) {
      if (found >= 0 || !node || typeof node !== "object") { return; }
      if (Array.isArray(node)) {
        for (var i = 0; i < node.length && found < 0; i++) { if (node[i] && node[i].id === id) { found = i; } }
        node.forEach(walk);
      } else {
        Object.keys(node).forEach(function (key) { walk(node[key]); });
      }
    })(content);
    return found;
  }

  function singleCharacter(interaction, content) {
    var response = String(interaction.response);
    if (/^[0-9a-z]$/.test(response)) { return response; }
    var options = interaction.choices || interaction.options;
    var at = options ? options.indexOf(interaction.response) : position(content, interaction.response);
    if (at >= 0 && at < ALPHABET.length) { return ALPHABET.charAt(at); }
    return ALPHABET.charAt(parseInt(hash(response), 36) % 36);
  }

  /* 2004 text (learner_response of text types, description) is a localized string: one line for
   * LMSs that check it with a line-by-line pattern (scorm-again does), and a leading "{" would open
   * a {lang=...} tag, so it is kept from the start. The whole text stays in suspend_data. */
  function localizedString(text, limit) {
    text = String(text).replace(/\s*[\r\n\u2028\u2029]+\s*/g, " ");
    return (text.charAt(0) === "{" ? " " + text : text).slice(0, limit);
  }

  /* Identifiers the strictest run-times take. An interaction id: letters, digits and _ . : -,
   * ending in a letter or digit (Moodle's 2004 CMIIdentifier; 1.2 takes printable ASCII). A 2004
   * choice or likert response: letters, digits, _ and . only (Moodle's short_identifier_type,
   * [\w.]{1,250}: a hyphen gets 406). */
  function identifier(text, limit) {
    var id = String(text).replace(/[^A-Za-z0-9_.:-]/g, "_").slice(0, limit);
    return /[A-Za-z0-9]$/.test(id) ? id : id.slice(0, limit - 1) + "0";
  }

  function shortIdentifier(text) {
    var id = String(text).replace(/[^A-Za-z0-9_.]/g, "_").slice(0, 250);
    return id || "_";
  }

  /* ------------------------------------------------------------------ room in suspend_data
   * SCORM 1.2 keeps 4,096 characters. Everything but journal text (visited units, completion, the
   * role-plays, the rubrics, the journals' dates and word counts, interaction signatures) always
   * goes in; journal text goes in as far as it fits. The journals' whole state is also kept in this
   * browser, so text that does not fit stays with the learner and in their download. To make room,
   * step by step: earlier (superseded) versions are left out, then drafts, then the latest
   * versions' text, oldest first, becomes its word count (a version "kept elsewhere", which still
   * counts: see the journal's restore). A step is a level: 0 all, 1 no earlier versions, 2 no
   * drafts, 2 + k the k oldest texts left out. */
  var JOURNAL_LEVELS = 2;

  function journalEntries(state) {
    return state && state.entries && typeof state.entries === "object" ? state.entries : {};
  }

  function lastOf(entry) {
    var versions = (entry && Array.isArray(entry.versions)) ? entry.versions : [];
    return versions.length ? versions[versions.length - 1] : null;
  }

  /* The texts that can be left out at levels above 2, oldest first: [[block id, prompt id]]. */
  function candidates(doc, journals) {
    var found = [];
    journals.forEach(function (id) {
      var entries = journalEntries(doc.b[id]);
      Object.keys(entries).sort().forEach(function (prompt) {
        var last = lastOf(entries[prompt]);
        if (last && last.text) { found.push({block: id, prompt: prompt, at: String(last.at)}); }
      });
    });
    return found.sort(function (a, b) { return a.at < b.at ? -1 : a.at > b.at ? 1 : 0; });
  }

  function wordsOf(text) {  // the journal's own count (its rules are on the page whenever a journal is)
    return global.P2PJournal ? global.P2PJournal.wordCount(text) : String(text).split(/\s+/).filter(Boolean).length;
  }

  /* A copy of doc for suspend_data at the given level, and what it leaves to this browser. */
  function leaner(doc, journals, order, level) {
    if (level === 0) { return {doc: doc, held: 0}; }
    var copy = Object.assign({}, doc, {b: Object.assign({}, doc.b)}), held = 0;
    journals.forEach(function (id) {
      if (!doc.b[id]) { return; }
      var entries = {};
      Object.keys(journalEntries(doc.b[id])).forEach(function (prompt) {
        var entry = doc.b[id].entries[prompt], last = lastOf(entry), kept = {};
        if (!entry || typeof entry !== "object") { return; }
        if (last) { kept.versions = [last]; }
        if (typeof entry.draft === "string") {
          if (level < 2) { kept.draft = entry.draft; } else if (entry.draft) { held++; }
        }
        if (kept.versions || "draft" in kept) { entries[prompt] = kept; }
      });
      copy.b[id] = Object.assign({}, doc.b[id], {entries: entries});
    });
    order.slice(0, Math.max(0, level - JOURNAL_LEVELS)).forEach(function (item) {
      var entry = copy.b[item.block].entries[item.prompt], last = entry.versions[0];
      entry = copy.b[item.block].entries[item.prompt] = Object.assign({}, entry);
      entry.versions = [Object.assign({}, last, {text: "", words_elsewhere: wordsOf(last.text)})];  // its date and sharing stay
      held++;
    });
    return {doc: copy, held: held};
  }

  function start(config, ui) {
    i18n = config.i18n || {};
    var v = VERSIONS[config.version];
    var version = config.version;
    var holder = findHolder(v.api);
    var api = holder ? holder[v.api] : null;
    var launchNext = moodleLauncher(holder);
    // In Moodle's 2004 player a chapter hands its open session to the next chapter instead of
    // terminating it (see finish): Moodle loads the next SCO's data into it when that SCO initializes.
    var handsOver = version === "scorm2004" && !!launchNext;
    var startedAt = Date.now();
    var blocks = {};          // id -> {rules, content, unit}
    var doc = State.empty();
    doc.i = {};               // interaction id -> signature of what the LMS holds
    var written = "";         // the suspend_data the LMS (or localStorage) holds now
    var commitTimer = null, dirty = false, live = false, finished = false;
    var interactionIndex = {}, interactionCount = 0;
    var storageKey = "p2p-scorm:" + config.package + ":" + config.sco;
    var journalKey = null;    // this learner's journals in full, in this browser (set once the learner is known)
    var keptLocally = "";     // what journalKey holds now
    var level = 0;            // the room level of the last write (see leaner)
    var unitIds = config.units.map(function (u) { return u.id; });
    var reported = {};

    function lmsError(what) {
      var code = String(api[v.lastError]());
      var text;
      try { text = String(api[v.errorString](code)); } catch (ignored) { text = ""; }
      ui.error(t("The LMS refused a request; your work on this page is kept, but tell your administrator.") +
        " (" + what + ": " + code + (text ? " " + text : "") + ")");
      return false;
    }

    function call(method, argument, what) {
      if (!api) { return true; }
      var result;
      try { result = api[method](argument); } catch (e) { ui.error(String(e)); return false; }
      return String(result) === "true" ? true : lmsError(what || method);
    }

    function get(key) {
      if (!api) { return ""; }
      var value = api[v.get](key);
      var code = String(api[v.lastError]());
      return code === "0" ? String(value) : "";
    }

    function set(key, value) {
      if (!api) { return true; }
      var result;
      try { result = api[v.set](key, String(value)); } catch (e) { ui.error(String(e)); return false; }
      return String(result) === "true" ? true : lmsError(key);
    }

    function initialize() {
      var result;
      try { result = String(api[v.initialize]("")); } catch (e) { ui.error(String(e)); return false; }
      if (result === "true") { return true; }
      // Moodle 2004: the chapter before handed its session over (finish); Moodle has loaded this
      // SCO's data into it already and answers 103 "already initialized": the session is ours.
      if (handsOver && String(api[v.lastError]()) === "103") { return true; }
      return lmsError("Initialize");
    }

    /* Moodle builds every SCO's data once, when its player page opens, and hands a SCO that data
     * whenever it initializes: a chapter opened again on the same page got the data of then, and its
     * next save overwrote everything done in it since (measured: a journal entry lost). Moodle's one
     * run-time object outlives the chapters, so it carries what each chapter last gave it. */
    var memory = null, memoryKey = config.package + ":" + config.sco;
    if (api && launchNext) {
      try { memory = api.p2pChapters || (api.p2pChapters = {}); } catch (ignored) { memory = null; }
    }
    var remembered = memory && memory[memoryKey];

    function remember(location) {
      if (!memory) { return; }
      var before = memory[memoryKey] || {};
      memory[memoryKey] = {text: written, index: Object.assign({}, interactionIndex), count: interactionCount,
        location: location === undefined ? before.location : location};
    }

    function readSaved() {
      if (remembered) {  // and Moodle's data model holds it again
        if (api && remembered.text && get("cmi.suspend_data") !== remembered.text) { set("cmi.suspend_data", remembered.text); }
        return remembered.text;
      }
      if (api) { return get("cmi.suspend_data"); }
      try { return global.localStorage.getItem(storageKey) || ""; } catch (ignored) { return ""; }
    }

    function writeSaved(text) {
      if (api) { return set("cmi.suspend_data", text); }
      try { global.localStorage.setItem(storageKey, text); } catch (ignored) {
        // Keep going with the state in memory: the learner can finish this sitting.
        ui.error(t("This browser does not let the course keep your progress; it will be lost when you close the page."));
      }
      return true;
    }

    function scheduleCommit() {
      dirty = true;
      if (commitTimer || !api) { return; }
      commitTimer = global.setTimeout(function () { commitTimer = null; flush(); }, COMMIT_DELAY_MS);
    }

    function flush() {
      if (commitTimer) { global.clearTimeout(commitTimer); commitTimer = null; }
      if (!dirty || !api || finished) { return; }
      dirty = false;
      call(v.commit, "", "Commit");
    }

    function report() {
      return State.status(doc, blocks, unitIds, config.grading, config.certificate);
    }

    function sendScoreAndStatus(state) {
      var passed = state.scaled === null || config.mastery === null ? null : state.scaled >= config.mastery;
      // With a passing score an LMS turns any score it holds into passed/failed: a 1.2 LMS when the
      // sitting ends (Moodle's player does), a 2004 LMS whenever success_status is read (RTE: score.scaled
      // against cmi.scaled_passing_score, whatever the SCO set; scorm-again also at Terminate). A part-way
      // score would fail a learner who is not finished, so it goes out only with the final status.
      var holdScore = config.mastery !== null && !state.completed;
      if (state.scaled !== null && !holdScore) {  // score before status: some LMSs read the score when the status arrives
        // The course grade by its grading policy, as a percentage in both versions: LMSs (Moodle's
        // gradebook among them) read 2004 score.raw as the grade out of 100; scaled goes beside it.
        var prefix = version === "scorm12" ? "cmi.core.score." : "cmi.score.";
        set(prefix + "min", "0");
        set(prefix + "max", "100");
        set(prefix + "raw", String(Math.round(state.raw * 100) / 100));
        if (version === "scorm2004") { set("cmi.score.scaled", String(Math.round(state.scaled * 10000) / 10000)); }
      }
      if (version === "scorm12") {
        // A masteryscore in the manifest makes an LMS report passed/failed, so send the same.
        var status = !state.completed ? "incomplete" : passed === null ? "completed" : passed ? "passed" : "failed";
        set("cmi.core.lesson_status", status);
      } else {
        set("cmi.progress_measure", String(Math.round(state.progress * 10000) / 10000));
        set("cmi.completion_status", state.completed ? "completed" : "incomplete");
        set("cmi.success_status", !state.completed ? "unknown" : passed === false ? "failed" : "passed");
      }
    }

    /* A choice response; several choices (checkboxes) as a list: "0,2" in 1.2, "a[,]c" in 2004. */
    function choiceResponse(item, content) {
      var chosen = Array.isArray(item.response) ? item.response : [item.response];
      return chosen.map(function (one) {
        var single = {response: one, choices: item.choices, options: item.options};
        return version === "scorm12" ? singleCharacter(single, content) : shortIdentifier(one);
      }).join(version === "scorm12" ? "," : "[,]");
    }

    /* An interaction in this version's vocabulary, or null when the LMS already has it as it is. */
    function interactionRecord(entry) {
      var item = entry.item, type = item.type;
      if (version === "scorm12" && type === "long-fill-in") { return null; }  // 1.2 has no long text
      if (version === "scorm12" && type === "other") { type = "performance"; }
      var response = (type === "choice" || type === "likert") ? choiceResponse(item, entry.content)
        : version === "scorm2004" ? localizedString(item.response, v.textLimit)
        : String(item.response).slice(0, v.textLimit);
      var result = item.result === "incorrect" ? v.incorrect : item.result;
      var record = {id: identifier(item.id, 255), type: type, response: response, result: result,
        description: item.description, weighting: item.weighting};
      record.signature = hash(JSON.stringify([type, response, result]));
      return doc.i[record.id] === record.signature ? null : record;
    }

    function sendInteraction(record) {
      var id = record.id;
      var index = version === "scorm2004" && id in interactionIndex ? interactionIndex[id] : interactionCount++;
      interactionIndex[id] = index;
      var base = "cmi.interactions." + index + ".";
      set(base + "id", id);
      set(base + "type", record.type);
      if (version === "scorm2004" && record.description) { set(base + "description", localizedString(record.description, 250)); }
      if (record.weighting !== undefined && record.weighting !== null) { set(base + "weighting", String(record.weighting)); }
      set(base + v.response, record.response);
      if (record.result) { set(base + "result", record.result); }
      set(base + v.time, clockTime(version, new Date()));
    }

    function journalIds() {
      return Object.keys(blocks).filter(function (id) {
        return global.P2PJournal && blocks[id].rules === global.P2PJournal.rules;
      }).sort();
    }

    /* The journals' whole state, kept in this browser beside the LMS's copy while the LMS's copy
     * leaves something out (level > 0); removed once everything fits again, so a private journal
     * stays on a shared computer no longer than it must. */
    function keepLocally(journals, fittedLevel) {
      if (!journalKey) { return; }
      var kept = {};
      journals.forEach(function (id) { if (doc.b[id]) { kept[id] = doc.b[id]; } });
      var text = fittedLevel > 0 ? JSON.stringify({b: kept}) : "";
      if (text === keptLocally) { return; }
      try {
        if (text) { global.localStorage.setItem(journalKey, text); } else { global.localStorage.removeItem(journalKey); }
        keptLocally = text;
      } catch (ignored) { keptLocally = null; }
    }

    /* The encoded document at the lowest room level that fits, starting from the last write's
     * (usually two encodings a save); null when even the journals' word counts alone do not fit. */
    function fit(full) {
      var journals = journalIds(), order = candidates(full, journals);
      var top = JOURNAL_LEVELS + order.length, cache = {};
      function at(n) {
        if (!(n in cache)) {
          var lean = leaner(full, journals, order, n);
          cache[n] = {text: global.P2PStateCodec.encode(lean.doc), held: lean.held, level: n};
        }
        return cache[n].text.length <= config.capacity ? cache[n] : null;
      }
      var n = Math.min(level, top), found = at(n);
      if (found) {
        while (n > 0 && at(n - 1)) { found = at(--n); }
      } else {  // the lowest level above n that fits: steps doubling, then halving
        var fails = n, fits = n + 1;
        while (fits < top && !at(fits)) { fails = fits; fits = Math.min(top, n + 2 * (fits - n)); }
        if (fits <= top && at(fits)) {
          while (fits - fails > 1) { var mid = (fails + fits) >> 1; if (at(mid)) { fits = mid; } else { fails = mid; } }
          found = at(fits);
        }
      }
      if (!found) {  // last: the interaction signatures (1.2 would then repeat unchanged records once)
        var bare = leaner(Object.assign({}, full, {i: {}}), journals, order, top);
        var text = global.P2PStateCodec.encode(bare.doc);
        found = text.length <= config.capacity ? {text: text, held: bare.held, level: top} : null;
      }
      return found;
    }

    /* How full the LMS's room is, for the course-wide meter: used (0..1), held (texts only in this
     * browser), elsewhere (texts kept in another browser), local (this browser keeps the journals). */
    function room(fitted) {
      var elsewhere = 0;
      journalIds().forEach(function (id) {
        var entries = journalEntries(doc.b[id]);
        Object.keys(entries).forEach(function (prompt) {
          (entries[prompt].versions || []).forEach(function (v) { if (v && v.text === "" && "words_elsewhere" in v) { elsewhere++; } });
        });
      });
      return {used: fitted.held ? 1 : fitted.text.length / config.capacity, held: fitted.held,
        elsewhere: elsewhere, local: keptLocally !== null, capacity: config.capacity};
    }

    /* Write the document (as much journal text as fits), then score, status and the interactions
     * that changed, and schedule one commit. false = nothing written and nothing sent. */
    function persist() {
      var state = report();
      var records = api ? state.interactions.map(interactionRecord).filter(Boolean) : [];
      var signatures = Object.assign({}, doc.i);
      records.forEach(function (record) { signatures[record.id] = record.signature; });
      var fitted = fit(Object.assign({}, doc, {i: signatures}));
      if (!fitted) { return false; }
      keepLocally(journalIds(), fitted.level);
      level = fitted.level;
      var text = fitted.text;
      if (ui.room) { ui.room(room(fitted)); }
      if (text !== written) {
        if (!writeSaved(text)) { return false; }
        written = text;
      }
      doc.i = signatures;
      reported = state;
      if (api) {
        sendScoreAndStatus(state);
        records.forEach(sendInteraction);
        remember();
      }
      scheduleCommit();
      ui.changed(state);
      return true;
    }

    function load() {
      var saved = readSaved();
      if (!saved) { return; }
      var restored = State.decode(saved);
      if (!restored) {
        ui.error(t("Your saved progress could not be read, so this course starts from the beginning."));
        return;
      }
      written = saved;
      doc = {v: State.version, b: restored.b || {}, u: restored.u || [], i: restored.i || {}};
      if (restored.c) { doc.c = 1; }
      if (restored.l) { doc.l = restored.l; }
      if (typeof restored.k === "string") { doc.k = restored.k; }
    }

    /* Journal text this browser kept that the LMS's copy left out (see leaner): an entry whose
     * latest version is the same (same date; the LMS has its text or only its word count) comes
     * back whole, with its earlier versions and draft; a draft the LMS had no room for comes back
     * when the LMS has no entry for that prompt. Only into a document the LMS handed back: a new
     * attempt starts empty. */
    function mergeKept() {
      var kept = null;
      if (!journalKey) { return; }
      try { keptLocally = global.localStorage.getItem(journalKey) || ""; kept = keptLocally ? JSON.parse(keptLocally) : null; } catch (ignored) { kept = null; }
      if (!written || !kept || typeof kept.b !== "object" || !kept.b) { return; }
      journalIds().forEach(function (id) {
        var local = journalEntries(kept.b[id]);
        if (!doc.b[id] || !Object.keys(local).length) { return; }
        var entries = Object.assign({}, journalEntries(doc.b[id]));
        Object.keys(local).forEach(function (prompt) {
          var mine = local[prompt], theirs = entries[prompt];
          if (!mine || typeof mine !== "object") { return; }
          var a = lastOf(mine), b = lastOf(theirs);
          if (a && b && a.at === b.at && (a.text === b.text || (b.text === "" && "words_elsewhere" in b))) {
            entries[prompt] = Object.assign({}, mine, typeof theirs.draft === "string" ? {draft: theirs.draft} : {});
          } else if (!theirs && !a && typeof mine.draft === "string") {
            entries[prompt] = {draft: mine.draft};
          }
        });
        doc.b[id] = Object.assign({}, doc.b[id], {entries: entries});
      });
    }

    function readInteractions() {
      if (!api) { return; }
      if (remembered) {  // what this chapter sent earlier on this Moodle page (see memory)
        interactionIndex = Object.assign({}, remembered.index);
        interactionCount = remembered.count;
        return;
      }
      interactionCount = parseInt(get("cmi.interactions._count"), 10) || 0;
      if (version !== "scorm2004") { return; }  // 1.2 ids are write-only: its records are a journal
      for (var n = 0; n < interactionCount; n++) { interactionIndex[get("cmi.interactions." + n + ".id")] = n; }
    }

    /* The sitting ends (the page is hidden): exit, session time, last commit, Terminate, once. */
    function finish() {
      if (finished || !live) { return; }
      if (api) {
        // Always suspend, finished or not: the journal and the role-plays must come back on the next
        // launch ("normal" makes a 2004 LMS start afresh, with no suspend_data, in Moodle inside the
        // same attempt), and a learner who failed can improve on what they did.
        set(v.exit, "suspend");
        set(v.session, sessionTime(version, Date.now() - startedAt));
        dirty = true;
        flush();
        // Moodle's 2004 player moving to another chapter on its own page: everything is committed;
        // a Terminate would keep the next chapter from connecting (104). Leaving the page terminates.
        if (!(handsOver && lmsPageStays(holder))) { call(v.terminate, "", "Terminate"); }
      }
      finished = true;
    }

    /* Where the player's Next goes after this SCO's last unit, or null when only the LMS's own
     * navigation can open the next chapter. SCORM 2004: the navigation request "continue" (unless
     * the LMS says it is not valid now), then Terminate; the LMS launches the next SCO. Moodle: its
     * own launcher (2004, see finish), or in 1.2 its nav.event "continue" and LMSFinish. SCORM 1.2
     * has no navigation of its own. */
    function onward() {
      if (!api || finished || !config.next_page) { return null; }
      if (version === "scorm2004" && !launchNext) {
        var valid = get("adl.nav.request_valid.continue");
        return valid === "false" ? null : function () { set("adl.nav.request", "continue"); finish(); };
      }
      if (!launchNext) { return null; }
      if (version === "scorm2004") {
        return function () { dirty = true; flush(); launchNext(); };
      }
      return function () { set("nav.event", "continue"); finish(); };
    }

    if (api) {
      live = initialize();
      if (!live) { api = null; }
    } else {
      live = true;
    }
    if (!api) {
      ui.notice(t("No LMS connection: your progress is saved in this browser only."));
    }
    if (api) {  // an LMS may set its own passing score (from the manifest or an administrator)
      var lmsMastery = parseFloat(get(version === "scorm12" ? "cmi.student_data.mastery_score" : "cmi.scaled_passing_score"));
      if (!isNaN(lmsMastery)) { config.mastery = version === "scorm12" ? lmsMastery / 100 : lmsMastery; }
    }
    load();
    readInteractions();
    var learner = api ? get(version === "scorm12" ? "cmi.core.student_id" : "cmi.learner_id") : "";
    journalKey = "p2p-scorm-journal:" + config.package + ":" + config.sco + ":" + learner;

    return {
      mode: api ? "lms" : "local",
      register: function (id, rules, content, unit) {
        blocks[id] = {rules: rules, content: content, unit: unit};
      },
      begin: function () {
        mergeKept();
        // A re-published package: forget blocks and units that no longer exist.
        State.prune(doc, blocks, unitIds);
        var prefixes = Object.keys(blocks).map(function (id) { return identifier(id, 255) + "-"; });
        Object.keys(doc.i).forEach(function (id) {  // interaction ids are "<block id>-..."
          if (!prefixes.some(function (prefix) { return id.indexOf(prefix) === 0; })) { delete doc.i[id]; }
        });
        var state = report();
        reported = state;
        if (api) {
          sendScoreAndStatus(state);
          // Suspend from the launch on, committed now, not only at the end (see finish): what a SCO
          // sends while its page unloads is the likeliest to be lost (Moodle sends it with sendBeacon,
          // which refuses more than 64 KB, and with every commit Moodle sends all a SCO has set), and
          // without "suspend" the next launch starts afresh, with no journal and no role-play.
          set(v.exit, "suspend");
          scheduleCommit();
        }
        ui.changed(state);
        if (ui.room && journalIds().length) {
          var fitted = fit(doc);
          if (fitted) { level = fitted.level; }
          ui.room(room(fitted || {text: written, held: 0}));
        }
        var bookmark = remembered && remembered.location ? remembered.location : api ? get(v.location) : doc.l;
        return unitIds.indexOf(bookmark);
      },
      slot: function (id) {
        return {
          load: function () { return doc.b[id] || null; },
          save: function (state, handler) {
            if (handler === "state") { return {ok: true}; }  // read-only by contract
            var before = doc.b[id];
            doc.b[id] = state;
            if (persist()) { return {ok: true}; }
            if (before === undefined) { delete doc.b[id]; } else { doc.b[id] = before; }
            return {ok: false, message: t("This change does not fit in the space the LMS keeps for your course, so it was not saved. Download your journal to keep your text, then shorten an entry.")};
          }
        };
      },
      visit: function (index) {
        var unitId = unitIds[index];
        if (unitId === undefined) { return; }
        var before = doc.l, firstVisit = doc.u.indexOf(unitId) < 0;
        if (api) { set(v.location, unitId); remember(unitId); } else { doc.l = unitId; }
        if (firstVisit) { doc.u.push(unitId); }
        if (firstVisit || !api) {
          if (!persist()) {
            if (firstVisit) { doc.u.pop(); }
            doc.l = before;
            ui.error(t("Your progress no longer fits in the space the LMS keeps for this course. Download your journal to keep your text."));
          }
        } else {
          scheduleCommit();
        }
      },
      status: function () { return reported; },
      // Who the LMS says the learner is (the certificate's name): {name, id}, empty without an LMS.
      learner: function () {
        return version === "scorm12"
          ? {name: get("cmi.core.student_name"), id: get("cmi.core.student_id")}
          : {name: get("cmi.learner_name"), id: get("cmi.learner_id")};
      },
      saved: function (id) { return doc.b[id] || null; },
      finish: finish,
      // The next chapter, when the LMS lets the player open it: {title, go()} or null.
      onward: function () {
        var go = onward();
        return go ? {title: config.next_page.title, go: go} : null;
      },
      document: function () { return JSON.parse(JSON.stringify(doc)); }
    };
  }

  global.P2PScorm = {start: start, findApi: findApi, sessionTime: sessionTime};
})(typeof window !== "undefined" ? window : this);
