/* reflection_journal: private reflections saved as the learner types, and a course journal to keep.
 * The block contract is docs/decisions/0001; hooks for the SCORM player are in docs/journal.md.
 * `rules` is the twin of xblocks/journal/model.py; tests/vectors/journal binds the two. */
(function (global) {
  "use strict";
  if (global.P2PJournal) { return; } // the script may arrive once per block on a page

  // The same whitespace characters as _WHITESPACE in model.py, so both count words alike.
  var WHITESPACE = /[ \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+/;
  var WORDLIKE = /[\p{L}\p{N}]/u;
  var AUTOSAVE_DELAY_MS = 1200;
  var AUTOSAVE_MAX_WAIT_MS = 10000; // someone typing without a pause still gets saved
  var RETRY_DELAY_MS = 5000;
  var ANNOUNCE_DELAY_MS = 1500;
  var KEEPALIVE_MAX_BYTES = 60000; // browsers send at most 64 KiB of keepalive bodies at once
  // Orders this page's draft saves: the server drops one that arrives after a newer one.
  var PAGE_ID = Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
  var lastSeq = 0;

  /* ------------------------------------------------------------------ rules */

  function wordCount(text) {
    return text.split(WHITESPACE).filter(function (token) { return WORDLIKE.test(token); }).length;
  }
  function charCount(text) { return Array.from(text).length; } // code points, as Python's len()

  function findPrompt(content, id) {
    for (var i = 0; i < content.prompts.length; i++) { if (content.prompts[i].id === id) { return content.prompts[i]; } }
    return null;
  }
  function isString(value) { return typeof value === "string"; }
  function isObject(value) { return value !== null && typeof value === "object" && !Array.isArray(value); }
  function has(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }

  function restore(saved, content) {
    var entries = isObject(saved) && isObject(saved.entries) ? saved.entries : {};
    var restored = {};
    content.prompts.forEach(function (prompt) {
      var entry = has(entries, prompt.id) ? entries[prompt.id] : null;
      if (!isObject(entry)) { return; }
      var versions = (Array.isArray(entry.versions) ? entry.versions : []).filter(function (v) {
        return isObject(v) && isString(v.text) && isString(v.at);
      }).map(function (v) {
        var kept = version(v.text, v.at, v.shared === true);
        if (isElsewhere(v)) { kept.words_elsewhere = v.words_elsewhere; }
        return kept;
      });
      var kept = {};
      if (isString(entry.draft)) { kept.draft = entry.draft; }
      if (versions.length) { kept.versions = versions; }
      if (Object.keys(kept).length) { restored[prompt.id] = kept; }
    });
    return { entries: restored };
  }

  // A submitted version; `shared` only when its prompt was shared with staff as it was submitted
  // (privacy by construction: text written while a prompt was private is never reported as shared).
  function version(text, at, shared) {
    return shared ? { text: text, at: at, shared: true } : { text: text, at: at };
  }
  /* A version whose text the store could not hold (SCORM 1.2's 4,096 characters): its text is
   * kept in the browser it was written in and in the learner's download; here it is "" with the
   * number of words it had, so it still counts. */
  function isElsewhere(v) {
    return v.text === "" && Number.isInteger(v.words_elsewhere) && v.words_elsewhere >= 0;
  }
  function versionWords(v) { return isElsewhere(v) ? v.words_elsewhere : wordCount(v.text); }

  function lastVersion(entry) {
    var versions = (entry && entry.versions) || [];
    return versions.length ? versions[versions.length - 1] : null;
  }
  function currentText(entry) {
    if (entry && has(entry, "draft")) { return entry.draft; }
    var last = lastVersion(entry);
    return last ? last.text : "";
  }
  function promptComplete(entry, content) {
    var last = lastVersion(entry);
    return !!last && versionWords(last) >= Math.max(content.min_words, 1);
  }
  function entryView(entry, content) {
    entry = entry || {};
    var text = currentText(entry);
    return {
      draft: has(entry, "draft") ? entry.draft : null,
      versions: (entry.versions || []).map(function (v) { return { text: v.text, at: v.at, words: versionWords(v) }; }),
      words: wordCount(text),
      chars: charCount(text),
      complete: promptComplete(entry, content)
    };
  }
  function doneCount(state, content) {
    return content.prompts.filter(function (p) { return promptComplete(state.entries[p.id], content); }).length;
  }
  function completion(state, content) { return doneCount(state, content) / content.prompts.length; }
  function score(state, content) {
    if (!content.points) { return null; }
    return { earned: content.points * doneCount(state, content) / content.prompts.length, possible: content.points };
  }
  function viewState(state, content) {
    var entries = {};
    content.prompts.forEach(function (p) { entries[p.id] = entryView(state.entries[p.id], content); });
    return { entries: entries, completed: completion(state, content) === 1, score: score(state, content) };
  }

  function checkedTextPayload(payload, content) {
    var keys = isObject(payload) ? Object.keys(payload).sort() : [];
    if (keys.length !== 2 || keys[0] !== "prompt_id" || keys[1] !== "text") { throw global.P2PStore.refuse("send exactly {prompt_id, text}"); }
    if (!isString(payload.prompt_id) || !findPrompt(content, payload.prompt_id)) { throw global.P2PStore.refuse("unknown prompt"); }
    if (!isString(payload.text)) { throw global.P2PStore.refuse("text must be a string"); }
    if (charCount(payload.text) > content.max_chars) {
      throw global.P2PStore.refuse("an entry holds at most " + content.max_chars + " characters");
    }
    return payload;
  }
  function withEntry(state, id, entry) {
    var entries = {};
    Object.keys(state.entries).forEach(function (key) { if (key !== id) { entries[key] = state.entries[key]; } });
    if (entry) { entries[id] = entry; }
    return { entries: entries };
  }

  function journalEntries(state, content, blockId) {
    var items = [];
    content.prompts.forEach(function (prompt) {
      var entry = state.entries[prompt.id];
      if (!entry) { return; }
      var view = entryView(entry, content);
      items.push({ block: blockId || content.id, lang: content.lang || "en", section: content.section, title: content.display_name, prompt_id: prompt.id,
        prompt: prompt.text, shared_with_staff: prompt.shared_with_staff, draft: view.draft, versions: view.versions });
    });
    return items;
  }

  var handlers = {
    state: function (state, payload, content) { return { state: state, response: viewState(state, content) }; },
    save_draft: function (state, payload, content) {
      var p = checkedTextPayload(payload, content);
      var entry = Object.assign({}, state.entries[p.prompt_id] || {});
      var last = lastVersion(entry);
      if ((last && last.text === p.text) || (!last && p.text === "")) { delete entry.draft; } else { entry.draft = p.text; }
      if (!Object.keys(entry).length) { entry = null; }
      return { state: withEntry(state, p.prompt_id, entry), response: { prompt_id: p.prompt_id, entry: entryView(entry, content) } };
    },
    save_drafts: function (state, payload, content) {
      var n = content.prompts.length;
      var keys = isObject(payload) ? Object.keys(payload) : [];
      if (!has(payload || {}, "drafts") || keys.some(function (k) { return ["drafts", "page", "seq"].indexOf(k) < 0; })) {
        throw global.P2PStore.refuse("send {drafts: [{prompt_id, text}, ...]}");
      }
      if (has(payload, "page") && (!isString(payload.page) || !payload.page.length || payload.page.length > 40)) {
        throw global.P2PStore.refuse("page must be a short string");
      }
      var seq = has(payload, "seq") ? payload.seq : 0;
      if (!Number.isInteger(seq) || seq < 0 || seq > Math.pow(2, 53)) { throw global.P2PStore.refuse("seq must be a whole number"); }
      var drafts = payload.drafts;
      if (!Array.isArray(drafts) || !drafts.length || drafts.length > n) {
        throw global.P2PStore.refuse("drafts must be a list of 1 to " + n + " items");
      }
      drafts.forEach(function (item) { checkedTextPayload(item, content); }); // all checked before any is applied
      var ids = drafts.map(function (item) { return item.prompt_id; });
      if (ids.some(function (id, i) { return ids.indexOf(id) !== i; })) { throw global.P2PStore.refuse("each prompt at most once"); }
      var entries = {};
      drafts.forEach(function (item) {
        var result = handlers.save_draft(state, { prompt_id: item.prompt_id, text: item.text }, content);
        state = result.state;
        entries[item.prompt_id] = result.response.entry;
      });
      return { state: state, response: { entries: entries } };
    },
    submit: function (state, payload, content, ctx) {
      var p = checkedTextPayload(payload, content);
      if (!p.text.trim()) { throw global.P2PStore.refuse("write something before submitting"); }
      var versions = ((state.entries[p.prompt_id] || {}).versions || []).slice();
      var last = versions.length ? versions[versions.length - 1] : null;
      var made = version(p.text, (ctx && ctx.now) || global.P2PStore.now(), findPrompt(content, p.prompt_id).shared_with_staff);
      if (!last || last.text !== p.text || (last.shared === true) !== (made.shared === true)) { versions.push(made); }
      var entry = { versions: versions };
      var next = withEntry(state, p.prompt_id, entry);
      var view = entryView(entry, content);
      return { state: next, response: { prompt_id: p.prompt_id, entry: view, met_min_words: view.complete,
        completed: completion(next, content) === 1, score: score(next, content) } };
    },
    journal: function (state, payload, content) { return { state: state, response: { entries: journalEntries(state, content) } }; },
    staff_entries: function () { throw global.P2PStore.refuse("staff views need the LMS", 403); }
  };
  // Private entries report a word count, never text: LMS administrators can read interactions. An
  // entry is private unless its latest version was submitted while its prompt was shared, and still is.
  // blockId: the player's id for the block (content.id, the url_name, may be empty in pointer-form OLX).
  function report(state, content, blockId) {
    var interactions = [];
    content.prompts.forEach(function (prompt) {
      var last = lastVersion(state.entries[prompt.id]);
      if (!last) { return; }
      interactions.push({ id: (blockId || content.id) + "-" + prompt.id, type: "long-fill-in", description: prompt.text,
        response: prompt.shared_with_staff && last.shared === true ? last.text
          : "private entry, " + versionWords(last) + " words",
        result: "neutral" });
    });
    return { completed: completion(state, content) === 1, score: score(state, content), interactions: interactions };
  }
  var rules = global.P2PStore.rules(restore, handlers, report);

  /* ------------------------------------------------------------------ the course journal */

  var mounted = []; // {id, content, snapshot()} of every journal block mounted on this page
  var strings = {};
  function t(text) { return has(strings, text) ? strings[text] : text; }
  function fill(text, values) { return text.replace(/\{(\w+)\}/g, function (m, key) { return has(values, key) ? values[key] : m; }); }

  /* Entries of every journal block, in page order: from `blocks` ([{id?, content, state}], states as
   * saved), else from the player's list if it gave one (course(); all blocks of the package),
   * else from the blocks mounted on this page. A mounted block adds what is typed but not saved
   * (a save refused for lack of room), so a download never misses the learner's latest text. */
  function collect(blocks) {
    if (!blocks && typeof api.source === "function") { blocks = api.source(); }
    var live = {};
    mounted.forEach(function (m) { live[m.id] = m; });
    blocks = blocks ? blocks.slice() : mounted.map(function (m) { return { id: m.id, content: m.content }; });
    var items = [];
    blocks.forEach(function (b) {
      var id = b.id || b.content.id;
      var state = has(live, id) ? live[id].snapshot() : b.state;
      items = items.concat(journalEntries(restore(state, b.content), b.content, id));
    });
    return items;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function formatDate(iso, lang) {
    var date = new Date(iso);
    return isNaN(date) ? iso : date.toLocaleString(lang || undefined, { dateStyle: "medium", timeStyle: "short" });
  }
  function groups(entries) {
    var list = [];
    entries.forEach(function (entry) {
      var heading = entry.section || entry.title;
      var group = list.length && list[list.length - 1].heading === heading ? list[list.length - 1] : null;
      if (!group) { group = { heading: heading, lang: entry.lang || "en", entries: [] }; list.push(group); }
      group.entries.push(entry);
    });
    return list;
  }

  /* The journal as a standalone, print-friendly HTML document (every text escaped). */
  function journalDocument(entries, lang) {
    var body = groups(entries).map(function (group) {
      return "<section><h2 lang=\"" + escapeHtml(group.lang) + "\">" + escapeHtml(group.heading) + "</h2>" + group.entries.map(function (e) {
        var versions = e.versions.slice().reverse();
        var html = "<article><h3 lang=\"" + escapeHtml(e.lang || "en") + "\">" + escapeHtml(e.prompt) + "</h3>";
        if (e.draft !== null) {
          html += "<p class=\"label\">" + escapeHtml(t("Draft, not submitted")) + "</p><div class=\"text\">" + escapeHtml(e.draft) + "</div>";
        }
        versions.forEach(function (v, i) {
          html += "<p class=\"label\">" + escapeHtml(fill(i === 0 ? t("Submitted {date} ({words} words)") : t("Earlier version, {date} ({words} words)"),
            { date: formatDate(v.at, lang), words: v.words })) + "</p><div class=\"text\">" + escapeHtml(v.text) + "</div>";
        });
        return html + "</article>";
      }).join("") + "</section>";
    }).join("");
    if (!entries.length) { body = "<p>" + escapeHtml(t("You have not written any journal entries yet.")) + "</p>"; }
    return "<!doctype html><html lang=\"" + escapeHtml(lang || "en") + "\"><head><meta charset=\"utf-8\">" +
      "<title>" + escapeHtml(t("My reflection journal")) + "</title><style>" +
      "body{font:16px/1.5 Georgia,serif;color:#1a1a1a;max-width:44em;margin:2em auto;padding:0 1em}" +
      "h2{border-bottom:1px solid #555;margin-top:2em}h3{font-size:1.05em}.label{color:#444;font-size:.9em;margin:.8em 0 .2em}" +
      ".text{white-space:pre-wrap;border-left:3px solid #777;padding-left:.8em}" +
      "@media print{body{margin:0;max-width:none}article{break-inside:avoid}}</style></head><body><main>" +
      "<h1>" + escapeHtml(t("My reflection journal")) + "</h1><p>" + escapeHtml(fill(t("Saved on {date}"), { date: formatDate(global.P2PStore.now(), lang) })) +
      "</p>" + body + "</main></body></html>";
  }

  function download(entries, lang) {
    var blob = new Blob([journalDocument(entries, lang)], { type: "text/html;charset=utf-8" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "reflection-journal.html";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 0);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /* Draws the journal into `container` with DOM text nodes only (learner text is never parsed as HTML). */
  function renderJournal(entries, container, lang) {
    container = container || document.createElement("div");
    container.textContent = "";
    if (!entries.length) { container.appendChild(el("p", "", t("You have not written any journal entries yet."))); return container; }
    groups(entries).forEach(function (group) {
      container.appendChild(el("h4", "p2p-journal__journal-heading", group.heading)).lang = group.lang;
      group.entries.forEach(function (e) {
        var article = el("article", "p2p-journal__journal-entry");
        article.appendChild(el("p", "p2p-journal__journal-prompt", e.prompt)).lang = e.lang || "en";
        var last = e.versions.length ? e.versions[e.versions.length - 1] : null;
        if (e.draft !== null) {
          article.appendChild(el("p", "p2p-journal__label", t("Draft, not submitted")));
          article.appendChild(el("p", "p2p-journal__journal-text", e.draft));
        }
        if (last) {
          article.appendChild(el("p", "p2p-journal__label", fill(t("Submitted {date} ({words} words)"), { date: formatDate(last.at, lang), words: last.words })));
          article.appendChild(el("p", "p2p-journal__journal-text", last.text));
        }
        container.appendChild(article);
      });
    });
    return container;
  }

  /* ------------------------------------------------------------------ one block on the page */

  function mount(element, store, data) {
    var root = element.classList && element.classList.contains("p2p-journal") ? element : element.querySelector(".p2p-journal");
    var content = data.content;
    var lang = data.lang || "en";
    Object.assign(strings, data.i18n || {});
    var view = data.state;
    var prompts = [];
    var saving = null; // the block's save on its way, if any
    var again = false; // text changed while it was
    mounted.push({ id: content.id || root.getAttribute("data-block-id"), content: content, snapshot: function () {
      var entries = {};
      prompts.forEach(function (ui) {
        var entry = view.entries[ui.id] || { draft: null, versions: [] };
        var saved = { versions: entry.versions.map(function (v) { return { text: v.text, at: v.at }; }) };
        if (ui.dirty && (ui.textarea.value || saved.versions.length)) { saved.draft = ui.textarea.value; } else if (entry.draft !== null) { saved.draft = entry.draft; }
        entries[ui.id] = saved;
      });
      return { entries: entries };
    } });

    function statusOf(ui, text, kind) {
      ui.status.textContent = text;
      ui.status.className = "p2p-journal__status" + (kind ? " p2p-journal__status--" + kind : "");
    }

    function setCount(ui) {
      var text = ui.textarea.value;
      var words = wordCount(text);
      var chars = charCount(text);
      var min = content.min_words;
      var wordsText = min ? fill(t("{words} of {min} words"), { words: words, min: min }) : fill(t("{words} words"), { words: words });
      ui.count.textContent = wordsText + " · " + fill(t("{chars} of {max} characters"), { chars: chars, max: content.max_chars });
      ui.over = chars > content.max_chars;
      ui.count.classList.toggle("p2p-journal__count--over", ui.over);
      ui.submit.disabled = ui.over || !text.trim();
      if (ui.over) {
        statusOf(ui, fill(t("Too long to save: remove {n} characters. Your text stays here."), { n: chars - content.max_chars }), "error");
      }
      clearTimeout(ui.announceTimer);
      ui.announceTimer = setTimeout(function () {
        ui.announce.textContent = min && words >= min ? fill(t("{words} words. Long enough to complete."), { words: words }) : wordsText;
      }, ANNOUNCE_DELAY_MS);
    }

    function drawVersions(ui, entry) {
      var earlier = entry.versions.slice(0, -1).reverse();
      ui.versions.hidden = !earlier.length;
      ui.versionList.textContent = "";
      earlier.forEach(function (v) {
        var item = el("li");
        item.appendChild(el("p", "p2p-journal__label", fill(t("{date} ({words} words)"), { date: formatDate(v.at, lang), words: v.words })));
        item.appendChild(el("p", "p2p-journal__journal-text", v.text));
        ui.versionList.appendChild(item);
      });
      ui.submit.textContent = entry.versions.length ? t("Submit changes") : t("Submit entry");
    }

    function refused(ui, error) {
      ui.failed = true;
      if (error && error.status === 507) {
        // The learning platform has no room left: the text stays in the box and can be downloaded.
        statusOf(ui, t("Not saved: this course has no room left in your learning platform. Your text is still here. Download your journal to keep a copy."), "error");
        ui.rescue.hidden = false;
      } else if (error && error.status === 0) {
        statusOf(ui, t("Not saved: the connection was lost. Your text is still here; saving will try again."), "error");
        clearTimeout(ui.timer);
        ui.timer = setTimeout(function () { save(); }, RETRY_DELAY_MS);
      } else {
        statusOf(ui, fill(t("Not saved: {reason}. Your text is still here."), { reason: (error && error.message) || "?" }), "error");
      }
    }

    function draftsPayload(batch) {
      return { drafts: batch.map(function (ui) { return { prompt_id: ui.id, text: ui.textarea.value }; }), page: PAGE_ID, seq: ++lastSeq };
    }
    function unsentOnLeave() {
      // Also prompts whose save is still on its way: this newer request may arrive first, and its
      // higher seq makes the server drop the older one's text for them.
      var batch = prompts.filter(function (ui) { return (ui.dirty || ui.sending) && !ui.over; });
      return batch.length ? draftsPayload(batch) : null;
    }

    /* Every dirty prompt of the block in ONE request: the server rewrites the learner's whole journal
     * record on each save, so separate requests at once could each undo the other's text. */
    function save(leaving) {
      prompts.forEach(function (ui) { clearTimeout(ui.timer); clearTimeout(ui.maxTimer); ui.maxTimer = null; });
      if (leaving && store.leave) {
        var payload = unsentOnLeave();
        if (payload) { store.leave("save_drafts", payload); }
        return Promise.resolve();
      }
      if (saving) { again = true; return saving; }
      var batch = prompts.filter(function (ui) { return ui.dirty && !ui.over; });
      if (!batch.length) { return Promise.resolve(); }
      var request = draftsPayload(batch);
      batch.forEach(function (ui) { ui.dirty = false; ui.sending = true; statusOf(ui, t("Saving…")); });
      saving = store.call("save_drafts", request).then(function (answer) {
        batch.forEach(function (ui) {
          view.entries[ui.id] = answer.entries[ui.id];
          ui.failed = false;
          if (!ui.dirty) { statusOf(ui, t("Draft saved.")); }
        });
      }, function (error) {
        batch.forEach(function (ui) { ui.dirty = true; refused(ui, error); });
      }).then(function () {
        batch.forEach(function (ui) { ui.sending = false; });
        saving = null;
        if (again) { again = false; return save(); }
      });
      return saving;
    }

    function submit(ui) {
      // The button stays enabled (a disabled button drops keyboard focus); a flag stops a double submit.
      if (ui.submitting) { return Promise.resolve(); }
      ui.submitting = true;
      clearTimeout(ui.timer);
      var payload = { prompt_id: ui.id, text: ui.textarea.value };
      statusOf(ui, t("Submitting…"));
      return Promise.resolve(saving).then(function () { return store.call("submit", payload); }).then(function (answer) {
        view.entries[ui.id] = answer.entry;
        ui.failed = false;
        if (ui.textarea.value === payload.text) { ui.dirty = false; }
        drawVersions(ui, answer.entry);
        var message = fill(t("Submitted. Version {n} is kept in your journal."), { n: answer.entry.versions.length });
        if (content.min_words && !answer.met_min_words) {
          message += " " + fill(t("Write at least {min} words to complete this reflection."), { min: content.min_words });
        }
        statusOf(ui, message, "done");
      }, function (error) { refused(ui, error); }).then(function () { ui.submitting = false; setCount(ui); });
    }

    function journalEntries() {
      // Offline, every block's state is on this page already (the player holds one document).
      if (store.kind === "offline") { return Promise.resolve(collect()); }
      return store.call("journal", {}).then(function (answer) { return answer.entries; });
    }

    root.querySelectorAll(".p2p-journal__prompt").forEach(function (node) {
      var ui = {
        id: node.getAttribute("data-prompt-id"),
        textarea: node.querySelector(".p2p-journal__text"),
        count: node.querySelector(".p2p-journal__count"),
        announce: node.querySelector(".p2p-journal__announce"),
        status: node.querySelector(".p2p-journal__status"),
        submit: node.querySelector(".p2p-journal__submit"),
        rescue: node.querySelector(".p2p-journal__rescue"),
        versions: node.querySelector(".p2p-journal__versions"),
        versionList: node.querySelector(".p2p-journal__version-list"),
        dirty: false
      };
      var entry = view.entries[ui.id] || { draft: null, versions: [] };
      ui.textarea.value = entry.draft !== null ? entry.draft : (entry.versions.length ? entry.versions[entry.versions.length - 1].text : "");
      ui.textarea.disabled = false;
      if (entry.draft !== null && entry.versions.length) { statusOf(ui, t("You have changes that are not submitted yet.")); }
      drawVersions(ui, entry);
      setCount(ui);
      ui.textarea.addEventListener("input", function () {
        ui.dirty = true;
        setCount(ui);
        clearTimeout(ui.timer);
        if (ui.over) { return; }
        ui.timer = setTimeout(function () { save(); }, AUTOSAVE_DELAY_MS);
        if (!ui.maxTimer) { ui.maxTimer = setTimeout(function () { save(); }, AUTOSAVE_MAX_WAIT_MS); }
      });
      ui.textarea.addEventListener("blur", function () { save(); });
      ui.submit.addEventListener("click", function () { submit(ui); });
      ui.rescue.addEventListener("click", function () { download(collect(), lang); });
      prompts.push(ui);
    });

    function flush() { save(true); }
    global.addEventListener("pagehide", flush);
    // Text that cannot be saved (too long, or refused) would be lost with the page: ask first.
    global.addEventListener("beforeunload", function (event) {
      var leaving = store.leave && unsentOnLeave();
      if (prompts.some(function (ui) { return ui.dirty && (ui.over || ui.failed); }) ||
          (leaving && new Blob([JSON.stringify(leaving)]).size > KEEPALIVE_MAX_BYTES)) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") { flush(); } });

    var toggle = root.querySelector(".p2p-journal__toggle");
    var panel = root.querySelector(".p2p-journal__journal");
    var downloadButton = root.querySelector(".p2p-journal__download");
    toggle.disabled = false;
    downloadButton.disabled = false;
    toggle.addEventListener("click", function () {
      if (toggle.getAttribute("aria-expanded") === "true") {
        panel.hidden = true;
        toggle.setAttribute("aria-expanded", "false");
        toggle.textContent = t("Show my course journal");
        return;
      }
      save().then(journalEntries).then(function (entries) {
        renderJournal(entries, panel, lang);
        panel.hidden = false;
        toggle.setAttribute("aria-expanded", "true");
        toggle.textContent = t("Hide my course journal");
        panel.focus();
      }, function (error) {
        panel.hidden = false;
        panel.textContent = fill(t("Your journal could not be loaded ({reason}). Try again in a moment."), { reason: error.message });
      });
    });
    downloadButton.addEventListener("click", function () {
      save().then(journalEntries).then(function (entries) {
        download(entries, lang);
      }, function () {
        download(collect(), lang); // the server is out of reach: what this page holds is still worth keeping
      });
    });

    var staff = root.querySelector(".p2p-journal__staff");
    if (data.staff && data.staff.csv_url) {
      staff.hidden = false;
      staff.querySelector(".p2p-journal__staff-csv").href = data.staff.csv_url;
      staff.querySelector(".p2p-journal__staff-load").addEventListener("click", function () {
        var target = staff.querySelector(".p2p-journal__staff-table");
        store.call("staff_entries", {}).then(function (answer) { drawStaffTable(target, answer.rows, content.lang); },
          function (error) { target.textContent = error.message; });
      });
    }
    return { save: save, prompts: prompts };
  }

  function drawStaffTable(target, rows, promptLang) {
    target.textContent = "";
    if (!rows.length) { target.appendChild(el("p", "", t("No shared entries yet."))); return; }
    var table = el("table", "p2p-journal__table");
    table.appendChild(el("caption", "", fill(t("Shared entries: {n}"), { n: rows.length })));
    var head = el("tr");
    [t("Username"), t("Prompt"), t("Words"), t("Submitted"), t("Entry")].forEach(function (label) {
      var th = el("th", "", label); th.scope = "col"; head.appendChild(th);
    });
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody"));
    rows.forEach(function (row) {
      var tr = el("tr");
      [row.username, row.prompt, String(row.words), formatDate(row.submitted_at), row.text].forEach(function (value, i) {
        var cell = tr.appendChild(el("td", i === 4 ? "p2p-journal__journal-text" : "", value));
        if (i === 1) { cell.lang = promptLang || "en"; }
      });
      body.appendChild(tr);
    });
    target.appendChild(table);
  }

  var serverQueue = Promise.resolve();
  var api = {
    mount: mount,
    rules: rules,
    wordCount: wordCount,  // the count the rules use (the SCORM 1.2 runtime writes it for text it leaves out)
    collect: collect,
    renderJournal: renderJournal,
    journalDocument: journalDocument,
    download: download,
    source: null,
    // The offline player's hook (player.js): the list of every journal block of the package.
    course: function (list) { api.source = list; }
  };
  global.P2PJournal = api;

  /* Open edX and the workbench: the runtime calls this with the block's element and init args. */
  global.P2PJournalInit = function (runtime, element, args) {
    var node = element && element.jquery ? element[0] : element;
    var data = JSON.parse(args.json);
    var store = global.P2PStore.server(runtime, element, data.csrf_cookie);
    // One request at a time for all journal blocks on the page: every block writes the same
    // per-learner journal record on the server, and two writes at once could lose one.
    var call = store.call;
    store.call = function (handler, payload) {
      var answer = serverQueue.then(function () { return call(handler, payload); });
      serverQueue = answer.catch(function () {});
      return answer;
    };
    // Leaving the page: a keepalive request outlives the page (plain fetch is cancelled on unload).
    store.leave = function (handler, payload) {
      fetch(runtime.handlerUrl(element, handler), {
        method: "POST", keepalive: true, credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": global.P2PStore.csrfToken(data.csrf_cookie) },
        body: JSON.stringify(payload)
      }).catch(function () { /* the page is gone; the last autosave stands */ });
    };
    if (data.staff) { data.staff = { csv_url: runtime.handlerUrl(element, "staff_csv") }; }
    return mount(node, store, data);
  };
})(typeof window !== "undefined" ? window : this);
