// Search pickers (portal/widgets.py) on Tom Select: a <select> holding only the chosen
// options becomes a search box. Typing asks the select's JSON endpoint (data-search-url)
// for matches; ↑/↓ and Enter (or a click) choose one, Backspace in the empty box removes
// the last chosen, Esc closes the list. Every text comes from the select's data attributes,
// in the page's language. Without this script the select stays visible and submits what
// was already chosen. No inline scripts or styles (the CSP forbids them).
(function () {
  "use strict";

  var DELAY = 250; // ms after the last keystroke

  if (!window.TomSelect) {
    return;
  }

  // Each chosen item's remove button says what it removes ("移除 王丽娜 · 客户服务中心").
  window.TomSelect.define("labelled_remove", function (options) {
    var self = this;
    self.hook("after", "setupTemplates", function () {
      var render = self.settings.render.item;
      self.settings.render.item = function (data, escape) {
        var item = render.call(self, data, escape);
        var button = item.querySelector(".remove");
        if (button) {
          var text = options.label.replace("%(label)s", data.label);
          button.setAttribute("aria-label", text);
          button.title = text;
        }
        return item;
      };
    });
  });

  function line(text, className, testId) {
    var div = document.createElement("div");
    div.className = className;
    div.textContent = text;
    if (testId) {
      div.setAttribute("data-testid", testId);
    }
    return div;
  }

  function setUp(select) {
    if (select.tomselect) {
      return;
    }
    var texts = select.dataset;
    // The results the list may show: those the endpoint gave for this very text (Tom
    // Select's own filter would drop matches by pinyin, initials or phone digits).
    var shown = { query: null, ids: {}, failed: false };
    var request = null;
    var pickWhenShown = null; // Enter came before the results for this text

    function searchUrl(query) {
      var url = texts.searchUrl;
      return url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query);
    }

    var picker = new window.TomSelect(select, {
      valueField: "id",
      labelField: "label",
      searchField: ["label"],
      placeholder: texts.placeholder,
      plugins: {
        remove_button: { label: "×", title: "" },
        labelled_remove: { label: texts.removeLabel },
      },
      hideSelected: true,
      closeAfterSelect: true,
      openOnFocus: false,
      refreshThrottle: 0,
      loadThrottle: DELAY,
      score: function (query) {
        return function (option) {
          return shown.query === query && shown.ids[String(option.id)] ? 1 : 0;
        };
      },
      load: function (query, callback) {
        var self = this;
        // Every search asks the server again: who may be chosen changes as people work.
        delete self.loadedSearches[query];
        if (request) {
          request.abort();
        }
        var controller = new AbortController();
        controller.query = query;
        request = controller;
        fetch(searchUrl(query), { headers: { Accept: "application/json" },
                                  credentials: "same-origin", signal: controller.signal })
          .then(function (response) {
            if (!response.ok) {
              throw new Error(String(response.status));
            }
            return response.json();
          })
          .then(function (answer) {
            if (request !== controller) {
              callback();
              return;
            }
            request = null;
            var results = answer.results || [];
            var ids = {};
            results.forEach(function (result) { ids[String(result.id)] = true; });
            self.clearOptions(); // the chosen stay
            shown = { query: query, ids: ids, failed: false };
            callback(results);
            if (pickWhenShown === query && self.inputValue() === query) {
              pickFirst();
            }
          })
          .catch(function (error) {
            if (request === controller) {
              request = null;
              if (error.name !== "AbortError") {
                shown = { query: query, ids: {}, failed: true };
                pickWhenShown = null;
              }
            }
            callback();
          });
      },
      render: {
        option: function (data) {
          return line(data.label, "", "picker-option");
        },
        item: function (data) {
          var item = document.createElement("div");
          item.setAttribute("data-testid", "picker-chosen");
          item.appendChild(line(data.label, "picker-label"));
          return item;
        },
        no_results: function () {
          return line(shown.failed ? texts.errorText : texts.emptyText, "no-results",
                      "picker-note");
        },
        loading: function () {
          return line(texts.loadingText, "no-results", "picker-note");
        },
        not_loading: function () {
          return line(texts.typeToSearch, "no-results", "picker-note");
        },
      },
    });

    function pickFirst() {
      pickWhenShown = null;
      picker.refreshOptions(false);
      var first = picker.selectable()[0];
      if (first) {
        picker.addItem(first.dataset.value);
        picker.close();
      } else {
        picker.refreshOptions(true); // says there is no match
      }
    }

    function search(query) {
      if (!request || request.query !== query) {
        picker.load(query);
      }
      picker.refreshOptions(true);
    }

    // Before Tom Select sees the key (capture): Enter never submits the form from a box
    // with text in it, but takes the highlighted match, or the first one (of the results
    // still on their way, if need be); Esc closes the list and keeps the text; ↓ opens it
    // again. IME composition keys are left alone.
    picker.wrapper.addEventListener("keydown", function (event) {
      if (event.isComposing || event.keyCode === 229) {
        return; // an input method's Enter chooses characters
      }
      var query = picker.inputValue();
      if (event.key === "Enter") {
        if (!query) {
          // An empty box: Enter submits the form as anywhere else (Tom Select would keep
          // it while a note such as "type to search" is open).
          if (picker.isOpen) {
            picker.close(false);
          }
          return;
        }
        if (picker.isOpen && picker.activeOption) {
          return;
        }
        event.preventDefault();
        event.stopPropagation();
        if (shown.query === query && !request) {
          pickFirst();
        } else {
          pickWhenShown = query;
          search(query);
        }
      } else if (event.key === "Escape") {
        if (picker.isOpen) {
          event.preventDefault();
          event.stopPropagation();
          picker.close(false);
        }
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!picker.isOpen && query) {
          event.preventDefault();
          event.stopPropagation();
          if (shown.query === query) {
            picker.refreshOptions(true);
          } else {
            search(query);
          }
        }
      }
    }, true);

    // The search box takes the select's description and error state (its label Tom Select
    // moves itself); the hidden select, which only carries the value, is left out of what
    // a screen reader reads.
    select.setAttribute("aria-hidden", "true");
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (select.getAttribute(name)) {
        picker.control_input.setAttribute(name, select.getAttribute(name));
      }
    });
  }

  function setUpAll(scope) {
    (scope || document).querySelectorAll("select[data-search-picker]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUpAll(); });
  } else {
    setUpAll();
  }
  // Forms swapped in by htmx bring their pickers along.
  document.addEventListener("htmx:load", function (event) { setUpAll(event.target); });
})();
