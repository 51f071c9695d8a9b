/* The helpers an action script (tests/moodle/play_course.js) uses as H, for running it in the
 * stand-in LMS the way the real-Moodle check runs it: the same script plays both (the test
 * evaluates this text in the page, so H is used there). */
/* exported H */
var H = (function () {
  "use strict";
  function q(sel) {
    var el = typeof sel === "string" ? document.querySelector(sel) : sel;
    if (!el) { throw new Error("no element matches " + JSON.stringify(sel)); }
    return el;
  }
  function fire(el, type) { el.dispatchEvent(new Event(type, {bubbles: true})); }
  return {
    waitFor: function (what, timeout) {
      var until = Date.now() + (timeout || 15000);
      return new Promise(function (resolve, reject) {
        (function poll() {
          var ok;
          try { ok = typeof what === "function" ? what() : document.querySelector(what); } catch { ok = false; }
          if (ok) { resolve(ok); } else if (Date.now() > until) { reject(new Error("timed out waiting for " + what)); } else { setTimeout(poll, 50); }
        })();
      });
    },
    click: function (sel) { q(sel).click(); return true; },
    type: function (sel, text) {
      var el = q(sel);
      el.focus();
      el.value = String(text);
      fire(el, "input");
      fire(el, "change");
    },
    select: function (sel, value) { var el = q(sel); el.value = value; fire(el, "change"); },
    check: function (sel, on) { var el = q(sel); if (el.checked !== on) { el.click(); } },
    text: function (sel) { var el = document.querySelector(sel); return el ? el.textContent.trim() : ""; },
    sleep: function (ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }
  };
})();
