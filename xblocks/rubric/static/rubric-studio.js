/* Studio editor of a facilitation_rubric: the OLX in a text area; `studio_submit` saves it, or
 * refuses it whole with the model's located problems, which are listed here. */
(function (global) {
  "use strict";

  global.P2PRubricStudioInit = function (runtime, element, data) {
    var root = element && element.jquery ? element[0] : element;
    var i18n = (data && data.i18n) || {};
    var store = global.P2PStore.server(runtime, root);
    var olx = root.querySelector(".p2p-rubric-studio__olx");
    var summary = root.querySelector(".p2p-rubric-studio__summary");
    var list = root.querySelector(".p2p-rubric-studio__list");

    function t(text) { return Object.prototype.hasOwnProperty.call(i18n, text) ? i18n[text] : text; }

    function show(message, problems) {
      summary.textContent = message;
      list.textContent = "";
      problems.forEach(function (problem) {
        var item = document.createElement("li");
        item.textContent = problem;
        list.appendChild(item);
      });
      olx.setAttribute("aria-invalid", problems.length ? "true" : "false");
    }

    root.querySelector(".p2p-rubric-studio__save").addEventListener("click", function () {
      show(t("Saving…"), []);
      store.call("studio_submit", { olx: olx.value }).then(function () {
        show(t("Saved."), []);
        if (runtime.notify) { runtime.notify("save", { state: "end" }); }
      }, function (error) {
        var lines = String((error && error.message) || "").split("\n").filter(Boolean);
        show(lines.length > 1 ? lines[0] : t("Not saved."), lines.slice(1));
      });
    });
    root.querySelector(".p2p-rubric-studio__cancel").addEventListener("click", function () {
      if (runtime.notify) { runtime.notify("cancel", {}); }
    });
  };
})(typeof window !== "undefined" ? window : this);
