// Fast entry at the desk, made for the keyboard: the lookup box has the focus; ↑/↓ and
// Enter choose the caller; the category is filtered by typing (name or pinyin); Enter
// goes on to the description; Ctrl+Enter saves. No inline scripts (the CSP forbids them).
(function () {
  "use strict";

  var form = document.getElementById("fast-entry-form");
  if (!form) {
    return;
  }
  var lookup = document.getElementById("ticket-lookup");
  var results = document.getElementById("lookup-results");
  var noticesBox = document.getElementById("entry-notices");
  var filter = document.getElementById("category-filter");
  var select = form.elements.category;
  var active = -1;
  var pickOnSwap = false;

  function picks() {
    return Array.prototype.slice.call(results.querySelectorAll(".js-pick"));
  }

  function highlight(index) {
    var all = picks();
    active = all.length ? Math.max(0, Math.min(index, all.length - 1)) : -1;
    all.forEach(function (button, i) {
      button.classList.toggle("bg-primary-subtle", i === active);
      button.setAttribute("aria-current", i === active ? "true" : "false");
    });
    if (active >= 0) {
      all[active].scrollIntoView({ block: "nearest" });
    }
  }

  function resultsQuery() {
    var list = results.querySelector("[data-q]");
    return list ? list.getAttribute("data-q") : null;
  }

  function loadNotices(params) {
    if (!noticesBox) {
      return;
    }
    if (!params || !window.htmx) {
      noticesBox.innerHTML = "";
      return;
    }
    window.htmx.ajax("GET", noticesBox.dataset.url + "?" + new URLSearchParams(params).toString(),
      { target: noticesBox, swap: "innerHTML" });
  }

  function unlinkNotice() {
    form.elements.notice.value = "";
    var box = document.getElementById("linked-notice");
    if (box) {
      box.classList.add("d-none");
    }
  }

  function linkNotice(button) {
    form.elements.notice.value = button.dataset.notice;
    document.getElementById("linked-notice-title").textContent = button.dataset.title;
    document.getElementById("linked-notice").classList.remove("d-none");
    (select.value ? form.elements.description : filter || select).focus();
  }

  function pick(button) {
    form.elements.party.value = button.dataset.party || "";
    form.elements.room.value = button.dataset.room || "";
    document.getElementById("chosen-label").textContent = button.dataset.label;
    unlinkNotice();
    if (button.dataset.room) {
      loadNotices({ room: button.dataset.room, party: button.dataset.party || "" });
      (filter || select).focus();
    } else {
      // A person with no room: the ticket is for a public area, so the estate comes next.
      loadNotices(form.elements.estate.value
        ? { estate: form.elements.estate.value, party: button.dataset.party || "" } : null);
      form.elements.estate.focus();
    }
  }

  // The lookup box: ↑/↓ move the highlight, Enter takes the highlighted caller (or the
  // first one of the results still on their way).
  lookup.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      var all = picks();
      if (all.length && resultsQuery() === lookup.value.slice(0, 60)) {
        pick(all[Math.max(active, 0)]);
      } else if (lookup.value.trim()) {
        pickOnSwap = true;
      }
    } else if (event.key === "Escape") {
      results.innerHTML = "";
      active = -1;
    }
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target !== results) {
      return;
    }
    active = -1;
    highlight(0);
    if (pickOnSwap && resultsQuery() === lookup.value.slice(0, 60)) {
      pickOnSwap = false;
      var all = picks();
      if (all.length) {
        pick(all[0]);
      }
    }
  });

  // With the focus on a caller, ↑/↓ move between callers (↑ from the first: the box).
  results.addEventListener("keydown", function (event) {
    var button = event.target.closest(".js-pick");
    if (!button || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) {
      return;
    }
    event.preventDefault();
    var all = picks();
    var index = all.indexOf(button) + (event.key === "ArrowDown" ? 1 : -1);
    if (index < 0) {
      lookup.focus();
    } else if (index < all.length) {
      highlight(index);
      all[index].focus();
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".js-pick");
    if (button) {
      pick(button);
      return;
    }
    var link = event.target.closest(".js-link-notice");
    if (link) {
      linkNotice(link);
      return;
    }
    if (event.target.closest(".js-unlink-notice")) {
      unlinkNotice();
    }
  });

  // The category: typing filters the list by name or pinyin and selects the first match.
  if (filter && select) {
    var options = Array.prototype.slice.call(select.options);
    var visible = function () {
      return options.filter(function (option) { return option.value && !option.hidden; });
    };
    filter.addEventListener("input", function () {
      var terms = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      options.forEach(function (option) {
        var text = option.dataset.search || option.text.toLowerCase();
        option.hidden = terms.length > 0 && (!option.value || !terms.every(function (term) {
          return text.indexOf(term) !== -1;
        }));
      });
      var shown = visible();
      var current = select.selectedOptions[0];
      if (!current || current.hidden || !current.value) {
        select.value = shown.length ? shown[0].value : "";
      }
      filter.classList.toggle("is-invalid", terms.length > 0 && !shown.length);
    });
    filter.addEventListener("keydown", function (event) {
      var shown = visible();
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var index = shown.indexOf(select.selectedOptions[0]);
        index += event.key === "ArrowDown" ? 1 : -1;
        if (shown.length) {
          select.value = shown[Math.max(0, Math.min(index, shown.length - 1))].value;
        }
      } else if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        if (select.value) {
          form.elements.description.focus();
        }
      } else if (event.key === "Escape" && filter.value) {
        event.preventDefault();
        filter.value = "";
        filter.dispatchEvent(new Event("input"));
      }
    });
    // Enter on the list itself also goes on to the description.
    select.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.ctrlKey && !event.metaKey && select.value) {
        event.preventDefault();
        form.elements.description.focus();
      }
    });
  }

  // Complaints: whom it is about, shown only for that type.
  var complaint = document.getElementById("complaint-fields");
  function showComplaintFields() {
    if (complaint) {
      complaint.classList.toggle("d-none", form.elements.type.value !== "complaint");
    }
  }
  form.elements.type.addEventListener("change", showComplaintFields);

  // A category made for one type of ticket (投诉: complaints) sets the type; the server
  // refuses a type the category does not take.
  function typeFromCategory() {
    var option = select && select.selectedOptions[0];
    var kind = option ? option.getAttribute("data-ticket-type") : "";
    if (kind && form.elements.type.value !== kind) {
      form.elements.type.value = kind;
      showComplaintFields();
    }
  }
  if (select) {
    select.addEventListener("change", typeFromCategory);
    // The filter box chooses the category by script, which fires no change event.
    if (filter) {
      filter.addEventListener("input", typeFromCategory);
      filter.addEventListener("keydown", function (event) {
        if (event.key === "ArrowDown" || event.key === "ArrowUp") {
          typeFromCategory();
        }
      });
    }
  }

  // A public area: the notices of the estate, unless a room is chosen.
  form.elements.estate.addEventListener("change", function () {
    if (form.elements.room.value) {
      return;
    }
    unlinkNotice();
    loadNotices(form.elements.estate.value
      ? { estate: form.elements.estate.value, party: form.elements.party.value } : null);
  });

  // Ctrl+Enter (⌘+Enter) saves from anywhere on the page.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // Sent back: start at the duplicate question or the first field in error, not in the
  // lookup box (a missing place is fixed there, so the focus stays).
  var first = document.getElementById("confirm-dup") ||
    form.querySelector("input.is-invalid, select.is-invalid, textarea.is-invalid");
  if (first) {
    first.focus();
  } else if (form.elements.room.value || form.elements.party.value) {
    (filter || select).focus();  // the caller came with the link (the owner page)
  } else if (document.activeElement === document.body || !document.activeElement) {
    lookup.focus();  // at once, not when the browser gets round to autofocus
  }
})();
