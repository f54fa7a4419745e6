// The calendar pages: place events in the time grid from their data-* attributes (the CSP
// forbids inline style attributes, not styles set from a script), move and resize them by
// dragging (pointer events), book empty time by dragging over it, and the event form's
// repeat fields.
(function () {
  "use strict";

  var SNAP = 15; // minutes
  var DAY = 24 * 60;

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function localStamp(date, minutes) {
    // "2024-11-30" + 570 -> "2024-11-30T09:30" (the server reads it in its time zone).
    var extra = Math.floor(minutes / DAY);
    var m = minutes - extra * DAY;
    var day = date;
    if (extra) {
      var parts = date.split("-").map(Number);
      var d = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2] + extra));
      day = d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate());
    }
    return day + "T" + pad(Math.floor(m / 60)) + ":" + pad(m % 60);
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function minutePx(column) {
    return column.getBoundingClientRect().height / DAY || 0.8;
  }

  function place(item) {
    var column = item.closest(".cal-day");
    if (!column) {
      return;
    }
    var px = minutePx(column);
    var lanes = Number(item.dataset.lanes) || 1;
    var lane = Number(item.dataset.lane) || 0;
    item.style.top = Number(item.dataset.top) * px + "px";
    item.style.height = Math.max(Number(item.dataset.height) * px - 1, 12) + "px";
    item.style.left = (100 * lane) / lanes + "%";
    item.style.width = "calc(" + 100 / lanes + "% - 2px)";
    item.style.right = "auto";
  }

  function placeAll(root) {
    root.querySelectorAll(".cal-day [data-cal-item]").forEach(place);
  }

  function scrollToMorning(grid) {
    var scroller = grid.querySelector("[data-cal-scroll]");
    var column = grid.querySelector(".cal-day");
    if (!scroller || !column) {
      return;
    }
    var earliest = 7 * 60;
    grid.querySelectorAll(".cal-day [data-cal-item]").forEach(function (item) {
      earliest = Math.min(earliest, Number(item.dataset.top));
    });
    scroller.scrollTop = Math.max(0, earliest - 30) * minutePx(column);
  }

  // --- messages ------------------------------------------------------------------------

  var alertBox = document.getElementById("cal-alert");

  function showAlert(text, retry) {
    if (!alertBox) {
      window.alert(text);
      return;
    }
    alertBox.querySelector("[data-cal-alert-text]").textContent = text;
    var button = alertBox.querySelector("[data-cal-confirm]");
    button.classList.toggle("d-none", !retry);
    button.onclick = retry
      ? function () {
          hideAlert();
          retry();
        }
      : null;
    alertBox.classList.remove("d-none");
    alertBox.scrollIntoView({ block: "nearest" });
  }

  function hideAlert() {
    if (alertBox) {
      alertBox.classList.add("d-none");
    }
  }

  // --- moving and resizing -------------------------------------------------------------

  function dayColumnAt(grid, x) {
    var found = null;
    grid.querySelectorAll(".cal-day").forEach(function (column) {
      var box = column.getBoundingClientRect();
      if (x >= box.left && x < box.right) {
        found = column;
      }
    });
    return found;
  }

  function sendMove(item, column, top, height, confirm) {
    var body = new FormData();
    body.append("start", localStamp(column.dataset.date, top));
    body.append("end", localStamp(column.dataset.date, top + height));
    body.append("version", item.dataset.version);
    if (item.dataset.occurrence) {
      body.append("occurrence_start", item.dataset.occurrence);
    }
    if (confirm) {
      body.append("confirm_conflicts", "on");
    }
    return fetch(item.dataset.moveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    }).then(function (response) {
      return response
        .json()
        .catch(function () {
          return { error: response.statusText };
        })
        .then(function (data) {
          return { status: response.status, data: data };
        });
    });
  }

  function startDrag(grid, item, event, resizing) {
    var home = item.parentElement;
    var origin = { top: Number(item.dataset.top), height: Number(item.dataset.height) };
    var px = minutePx(home);
    var startY = event.clientY;
    var startX = event.clientX;
    var moved = false;
    var column = home;
    item.setPointerCapture(event.pointerId);

    function restore() {
      if (item.parentElement !== home) {
        home.appendChild(item);
      }
      item.dataset.top = origin.top;
      item.dataset.height = origin.height;
      place(item);
    }

    function onMove(e) {
      var dy = e.clientY - startY;
      if (!moved && Math.abs(dy) < 4 && Math.abs(e.clientX - startX) < 4) {
        return;
      }
      moved = true;
      item.classList.add("is-dragging");
      var delta = Math.round(dy / px / SNAP) * SNAP;
      if (resizing) {
        var height = Math.min(Math.max(origin.height + delta, SNAP), DAY - origin.top);
        item.dataset.height = height;
      } else {
        var top = Math.min(Math.max(origin.top + delta, 0), DAY - origin.height);
        item.dataset.top = top;
        var target = dayColumnAt(grid, e.clientX);
        if (target && target !== column) {
          column = target;
          column.appendChild(item);
        }
        item.dataset.lane = 0;
        item.dataset.lanes = 1;
      }
      place(item);
    }

    function finish(e) {
      item.removeEventListener("pointermove", onMove);
      item.removeEventListener("pointerup", finish);
      item.removeEventListener("pointercancel", cancel);
      item.classList.remove("is-dragging");
      if (!moved) {
        return;
      }
      // The click that follows the drag must not open the event.
      var swallow = function (ev) {
        ev.preventDefault();
        item.removeEventListener("click", swallow, true);
      };
      item.addEventListener("click", swallow, true);
      window.setTimeout(function () {
        item.removeEventListener("click", swallow, true);
      }, 400);
      var top = Number(item.dataset.top);
      var height = Number(item.dataset.height);
      if (column === home && top === origin.top && height === origin.height) {
        return;
      }
      submit(false);

      function submit(confirm) {
        if (confirm) {
          column.appendChild(item);
          item.dataset.top = top;
          item.dataset.height = height;
          place(item);
        }
        item.setAttribute("aria-busy", "true");
        sendMove(item, column, top, height, confirm).then(function (answer) {
          item.removeAttribute("aria-busy");
          if (answer.status === 200 && answer.data.ok) {
            item.dataset.version = answer.data.version;
            window.location.reload();
            return;
          }
          restore();
          var retry = answer.data.can_confirm ? function () { submit(true); } : null;
          showAlert(answer.data.error || String(answer.status), retry);
        }, function () {
          item.removeAttribute("aria-busy");
          restore();
          showAlert(grid.dataset.offline || "Network error", null);
        });
      }
    }

    function cancel() {
      item.removeEventListener("pointermove", onMove);
      item.removeEventListener("pointerup", finish);
      item.removeEventListener("pointercancel", cancel);
      item.classList.remove("is-dragging");
      restore();
    }

    item.addEventListener("pointermove", onMove);
    item.addEventListener("pointerup", finish);
    item.addEventListener("pointercancel", cancel);
  }

  // --- booking empty time --------------------------------------------------------------

  function startSelect(grid, column, event) {
    var px = minutePx(column);
    var box = column.getBoundingClientRect();
    function minuteAt(y) {
      var m = Math.floor((y - box.top) / px / 30) * 30;
      return Math.min(Math.max(m, 0), DAY - 30);
    }
    var first = minuteAt(event.clientY);
    var last = first;
    var selection = document.createElement("div");
    selection.className = "cal-selection";
    selection.setAttribute("data-testid", "cal-selection");
    column.appendChild(selection);
    column.setPointerCapture(event.pointerId);

    function draw() {
      var top = Math.min(first, last);
      var bottom = Math.max(first, last) + 30;
      selection.style.top = top * px + "px";
      selection.style.height = (bottom - top) * px + "px";
    }
    draw();

    function onMove(e) {
      last = minuteAt(e.clientY);
      draw();
    }

    function done(open) {
      column.removeEventListener("pointermove", onMove);
      column.removeEventListener("pointerup", onUp);
      column.removeEventListener("pointercancel", onCancel);
      selection.remove();
      if (!open) {
        return;
      }
      var top = Math.min(first, last);
      var bottom = Math.max(first, last) + 30;
      if (bottom - top < 60 && first === last) {
        bottom = top + 60;
      }
      var url = grid.dataset.newUrl;
      window.location.href = url + (url.indexOf("?") < 0 ? "?" : "&") +
        "start=" + encodeURIComponent(localStamp(column.dataset.date, top)) +
        "&end=" + encodeURIComponent(localStamp(column.dataset.date, bottom));
    }

    function onUp() {
      done(true);
    }

    function onCancel() {
      done(false);
    }

    column.addEventListener("pointermove", onMove);
    column.addEventListener("pointerup", onUp);
    column.addEventListener("pointercancel", onCancel);
  }

  function wire(grid) {
    placeAll(grid);
    scrollToMorning(grid);
    var draggable = grid.hasAttribute("data-draggable");
    grid.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) {
        return;
      }
      var item = event.target.closest("[data-cal-item]");
      if (item) {
        if (draggable && item.hasAttribute("data-movable")) {
          event.preventDefault();
          hideAlert();
          startDrag(grid, item, event, Boolean(event.target.closest("[data-resize]")));
        }
        return;
      }
      var column = event.target.closest(".cal-day");
      if (column && grid.dataset.newUrl && !column.dataset.user) {
        event.preventDefault();
        startSelect(grid, column, event);
      }
    });
    window.addEventListener("resize", function () {
      placeAll(grid);
    });
  }

  document.querySelectorAll("[data-calendar]").forEach(wire);

  // --- the event form: show the weekdays only for a weekly repeat -----------------------

  var repeat = document.getElementById("id_repeat");
  var weekdays = document.querySelector("[data-repeat-weekdays]");
  if (repeat && weekdays) {
    var sync = function () {
      weekdays.classList.toggle("d-none", repeat.value !== "WEEKLY");
    };
    repeat.addEventListener("change", sync);
    sync();
  }
})();
