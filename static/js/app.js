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

  // The top search's suggestions, a listbox: ↑/↓ move the highlight (announced through
  // aria-activedescendant, the focus stays in the box), Enter opens the highlighted one
  // (with none highlighted it searches), Escape closes them.
  var search = document.getElementById("global-search");
  var box = document.getElementById("search-suggestions");
  var active = -1;

  function options() {
    return box ? Array.prototype.slice.call(box.querySelectorAll("[role=option]")) : [];
  }

  function highlight(index) {
    var all = options();
    active = all.length && index >= 0 ? index % all.length : -1;
    all.forEach(function (option, i) {
      option.classList.toggle("active", i === active);
      option.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    if (active >= 0) {
      search.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    } else {
      search.removeAttribute("aria-activedescendant");
    }
  }

  function close() {
    if (box) {
      box.innerHTML = "";
    }
    active = -1;
    if (search) {
      search.removeAttribute("aria-activedescendant");
      search.setAttribute("aria-expanded", "false");
    }
  }

  if (search && box) {
    search.addEventListener("keydown", function (event) {
      var all = options();
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!all.length) {
          return;
        }
        event.preventDefault();
        if (event.key === "ArrowDown") {
          highlight(active + 1);
        } else {
          highlight(active <= 0 ? all.length - 1 : active - 1);
        }
      } else if (event.key === "Enter" && active >= 0 && all[active]) {
        event.preventDefault();
        window.location.assign(all[active].href);
      }
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target === box) {
        active = -1;
        search.removeAttribute("aria-activedescendant");
        search.setAttribute("aria-expanded", options().length ? "true" : "false");
      }
    });
    // A click elsewhere closes them too.
    document.addEventListener("click", function (event) {
      if (!event.target.closest(".app-search")) {
        close();
      }
    });
  }

  // Escape closes the suggestions.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      close();
    }
  });
})();
