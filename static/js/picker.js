// Search pickers (portal/widgets.py): a search box in place of a long <select>. Typing asks
// the field's JSON endpoint for up to ten matches; ↑/↓ and Enter (or a click) pick one,
// Esc closes the list. Picks become selected options of the hidden <select>, so the form
// submits them as before; each shows as a badge with a × to remove it. Without this script
// the select stays visible and submits what was already chosen.
// No inline scripts (the CSP forbids them).
(function () {
  "use strict";

  var DELAY = 250; // ms after the last keystroke
  var MIN_CHARS = 1;
  var MAX_SHOWN = 10;

  function setUp(root) {
    if (root.dataset.pickerReady) {
      return;
    }
    root.dataset.pickerReady = "true";
    var select = root.querySelector("select");
    var input = root.querySelector("input[type=search]");
    var list = root.querySelector("[role=listbox]");
    var chosen = root.querySelector("[data-picker-chosen]");
    var multiple = root.dataset.multiple === "true";
    var timer = null;
    var request = null;
    var shownFor = null; // the text the list shows results for
    var pickWhenShown = false; // Enter came before the results
    var active = -1;

    // The search box takes the select's place, and its label and description.
    select.hidden = true;
    select.tabIndex = -1;
    input.hidden = false;
    if (select.id) {
      document.querySelectorAll('label[for="' + select.id + '"]').forEach(function (label) {
        label.htmlFor = input.id;
      });
    }
    if (select.getAttribute("aria-describedby")) {
      input.setAttribute("aria-describedby", select.getAttribute("aria-describedby"));
    }
    if (select.getAttribute("aria-invalid")) {
      input.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));
    }

    function chosenOptions() {
      return Array.prototype.filter.call(select.options, function (option) {
        return option.value !== "" && option.selected;
      });
    }

    function showChosen() {
      chosen.textContent = "";
      chosenOptions().forEach(function (option) {
        var badge = document.createElement("span");
        badge.className = "badge text-bg-light border d-inline-flex align-items-center fw-normal fs-6";
        badge.dataset.value = option.value;
        badge.setAttribute("data-testid", "picker-chosen");
        var text = document.createElement("span");
        text.textContent = option.textContent;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn btn-link btn-sm p-0 ms-1 lh-1 text-body text-decoration-none";
        remove.textContent = "×";
        remove.setAttribute("aria-label",
          root.dataset.removeLabel.replace("%(label)s", option.textContent));
        remove.addEventListener("click", function () {
          unpick(option.value);
          input.focus();
        });
        badge.appendChild(text);
        badge.appendChild(remove);
        chosen.appendChild(badge);
      });
    }

    function changed() {
      select.dispatchEvent(new Event("change", { bubbles: true }));
      showChosen();
    }

    function pick(id, label) {
      var value = String(id);
      var option = Array.prototype.find.call(select.options, function (o) {
        return o.value === value;
      });
      if (!multiple) {
        // One choice: it replaces the one before (the blank option stays, unselected).
        Array.prototype.slice.call(select.options).forEach(function (o) {
          if (o.value !== "" && o.value !== value) {
            o.remove();
          }
        });
      }
      if (!option) {
        option = new Option(label, value);
        select.add(option);
      }
      option.selected = true;
      input.value = "";
      close();
      changed();
    }

    function unpick(value) {
      Array.prototype.slice.call(select.options).forEach(function (o) {
        if (o.value === value) {
          o.remove();
        }
      });
      if (!multiple && select.options.length && select.options[0].value === "") {
        select.options[0].selected = true;
      }
      changed();
    }

    function buttons() {
      return Array.prototype.slice.call(list.querySelectorAll("button[role=option]"));
    }

    function highlight(index) {
      var all = buttons();
      active = all.length ? Math.max(0, Math.min(index, all.length - 1)) : -1;
      all.forEach(function (button, i) {
        button.classList.toggle("active", i === active);
        button.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", all[active].id);
        all[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      shownFor = null;
      pickWhenShown = false;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function note(text) {
      var line = document.createElement("div");
      line.className = "list-group-item small text-muted";
      line.textContent = text;
      list.appendChild(line);
    }

    function show(query, results) {
      var taken = {};
      chosenOptions().forEach(function (o) { taken[o.value] = true; });
      list.textContent = "";
      shownFor = query;
      active = -1;
      results.filter(function (r) { return !taken[String(r.id)]; }).slice(0, MAX_SHOWN)
        .forEach(function (result, i) {
          var button = document.createElement("button");
          button.type = "button";
          button.id = input.id + "_option_" + i;
          button.className = "list-group-item list-group-item-action py-1";
          button.setAttribute("role", "option");
          button.setAttribute("aria-selected", "false");
          button.setAttribute("data-testid", "picker-option");
          button.dataset.id = result.id;
          button.textContent = result.label;
          list.appendChild(button);
        });
      if (!buttons().length) {
        note(root.dataset.emptyText);
      }
      open();
      if (pickWhenShown) {
        pickWhenShown = false;
        var first = buttons()[0];
        if (first) {
          pick(first.dataset.id, first.textContent);
        }
      }
    }

    function search() {
      var query = input.value.trim();
      if (request) {
        request.abort();
        request = null;
      }
      if (query.length < MIN_CHARS) {
        close();
        return;
      }
      var url = input.dataset.searchUrl;
      url += (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query);
      var controller = new AbortController();
      request = controller;
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin",
                   signal: controller.signal })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (data) {
          if (request === controller && input.value.trim() === query) {
            request = null;
            show(query, data.results || []);
          }
        })
        .catch(function (error) {
          if (error.name === "AbortError" || request !== controller) {
            return;
          }
          request = null;
          list.textContent = "";
          shownFor = null;
          pickWhenShown = false;
          note(root.dataset.errorText);
          open();
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      pickWhenShown = false;
      timer = setTimeout(search, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (list.hidden) {
          if (input.value.trim().length >= MIN_CHARS) {
            clearTimeout(timer);
            search();
          }
          event.preventDefault();
          return;
        }
        event.preventDefault();
        highlight(active < 0 && event.key === "ArrowUp" ? buttons().length - 1
          : active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter") {
        if (!input.value.trim()) {
          return; // an empty box: Enter submits the form as anywhere else
        }
        // Never submit from a search box with text in it: take the highlighted (or first)
        // match, or the first one of the results still on their way.
        event.preventDefault();
        var all = buttons();
        if (shownFor === input.value.trim() && all.length) {
          var button = all[Math.max(active, 0)];
          pick(button.dataset.id, button.textContent);
        } else if (shownFor !== input.value.trim()) {
          pickWhenShown = true;
          clearTimeout(timer);
          search();
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          event.stopPropagation();
          close();
        }
      }
    });

    // A click on a match picks it; the mousedown keeps the focus in the search box, so the
    // list is not closed by the box losing it first.
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    list.addEventListener("click", function (event) {
      var button = event.target.closest("button[role=option]");
      if (button) {
        pick(button.dataset.id, button.textContent);
        input.focus();
      }
    });

    root.addEventListener("focusout", function (event) {
      if (!event.relatedTarget || !root.contains(event.relatedTarget)) {
        clearTimeout(timer);
        if (request) {
          request.abort();
          request = null;
        }
        close();
      }
    });

    showChosen();
  }

  function setUpAll(scope) {
    (scope || document).querySelectorAll("[data-search-picker]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUpAll(); });
  } else {
    setUpAll();
  }
  // Forms swapped in by htmx bring their pickers along.
  document.addEventListener("htmx:afterSwap", function (event) { setUpAll(event.target); });
})();
