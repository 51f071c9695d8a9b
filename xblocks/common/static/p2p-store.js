/* The one interface a block script reaches learner state through (see docs/decisions/0001).
 *
 *   store.call(handler, payload) -> Promise of the handler's JSON answer;
 *   a refused request rejects with {status, message} and changes nothing.
 *
 * P2PStore.server(runtime, element, csrfCookie): Open edX / workbench; POSTs to the block's JSON
 *   handlers, the server is authoritative. csrfCookie: the cookie Django keeps its CSRF token in (the
 *   block's init data says which: operators can rename it), "csrftoken" when not given.
 * P2PStore.offline(rules, content, slot): SCORM or no LMS; applies the block's own JavaScript
 *   rules (the twin of model.py + block.py handlers) and persists through `slot`, which the
 *   player provides: slot.load() -> saved state or null; slot.save(state) -> {ok, message}.
 *   A save that cannot be made (suspend_data full) refuses the request: state stays as it was.
 * P2PStore.rules(restore, handlers, report): a block's rules in the one shape every runtime calls
 *   (the twin of model.py's restore, apply and report; docs/architecture.md, "The rules contract"):
 *     restore(saved, content) -> state
 *     apply(handler, state, payload, content, ctx) -> {state, response}   (throws a refusal)
 *     report(state, content, blockId) -> {completed, score, interactions}
 *   ctx: {now: "2026-11-24T10:00:00Z"}, the time a rule records (the offline store gives the clock's).
 */
(function (global) {
  "use strict";

  /* The one place a script reads the CSRF token (Django checks it on every POST). */
  function csrfToken(cookieName) {
    var cookies = global.document ? String(document.cookie).split(/;\s*/) : [];
    var prefix = (cookieName || "csrftoken") + "=";
    for (var i = 0; i < cookies.length; i++) {
      if (cookies[i].indexOf(prefix) === 0) { return decodeURIComponent(cookies[i].slice(prefix.length)); }
    }
    return "";
  }

  function server(runtime, element, csrfCookie) {
    return {
      kind: "server",
      call: function (handler, payload) {
        return fetch(runtime.handlerUrl(element, handler), {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(csrfCookie) },
          body: JSON.stringify(payload || {})
        }).then(function (response) {
          return response.text().then(function (text) {
            var body;
            try { body = text ? JSON.parse(text) : {}; } catch (ignored) { body = { error: text }; }
            if (!response.ok) {
              throw { status: response.status, message: body.error || body.message || response.statusText };
            }
            return body;
          });
        }, function () {
          throw { status: 0, message: "network" };
        });
      }
    };
  }

  function clone(value) {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }

  function offline(rules, content, slot) {
    var state = rules.restore(clone(slot.load()), content);
    return {
      kind: "offline",
      state: function () { return clone(state); },
      call: function (handler, payload) {
        var outcome;
        try {
          outcome = rules.apply(handler, clone(state), clone(payload || {}), content, { now: now() });
        } catch (error) {
          return Promise.reject(error && error.status ? error : { status: 500, message: String(error) });
        }
        var saved = slot.save(outcome.state, handler);
        if (!saved || !saved.ok) {
          return Promise.reject({ status: 507, message: (saved && saved.message) || "not saved" });
        }
        state = outcome.state;
        return Promise.resolve(clone(outcome.response));
      }
    };
  }

  /* A refused request, thrown by rules the way a JSON handler answers 400. */
  function refuse(message, status) {
    return { status: status || 400, message: message };
  }

  /* The time to the second, in the form model.py writes (rules.now). */
  function now() { return new Date().toISOString().replace(/\.\d+Z$/, "Z"); }

  function rules(restore, handlers, report) {
    return {
      restore: restore,
      apply: function (handler, state, payload, content, ctx) {
        if (!Object.prototype.hasOwnProperty.call(handlers, handler)) { throw refuse("unknown handler " + handler, 404); }
        return handlers[handler](state, payload, content, ctx || {});
      },
      report: report
    };
  }

  global.P2PStore = { server: server, offline: offline, refuse: refuse, rules: rules, now: now, csrfToken: csrfToken };
})(typeof window !== "undefined" ? window : this);
