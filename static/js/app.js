// Small behaviours of the web shell; no inline scripts (the CSP forbids them).
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var select = event.target.closest(".js-autosubmit");
    if (select && select.form) {
      select.form.requestSubmit();
    }
  });

  // "/" focuses the global search unless the user is typing somewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    var active = document.activeElement;
    if (active && (active.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName))) {
      return;
    }
    var search = document.getElementById("global-search");
    if (search) {
      event.preventDefault();
      search.focus();
      search.select();
    }
  });

  // Escape closes the suggestions.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var box = document.getElementById("search-suggestions");
      if (box) {
        box.innerHTML = "";
      }
    }
  });
})();
