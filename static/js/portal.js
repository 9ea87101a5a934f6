// Behaviour shared by every page. No inline scripts anywhere: the CSP forbids them.
(function () {
  "use strict";

  // Ask before anything destructive: forms marked data-confirm.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // Lists read as one card a row on a phone (portal.css, .table-stacked): each cell is
  // labelled with its column's visible heading, and the table is given its roles in
  // ARIA, since browsers stop announcing a table as a table once CSS changes how it is
  // displayed. Without this script a list stays a table that scrolls sideways.
  function heading(cell) {
    var copy = cell.cloneNode(true);
    copy.querySelectorAll(".visually-hidden, [aria-hidden='true']").forEach(function (hidden) {
      hidden.remove();
    });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function stackTable(table) {
    var labels = [];
    table.querySelectorAll("thead th").forEach(function (cell) {
      var label = heading(cell);
      for (var span = 0; span < cell.colSpan; span++) {
        labels.push(label);
      }
    });
    table.setAttribute("role", "table");
    table.querySelectorAll("thead, tbody, tfoot").forEach(function (group) {
      group.setAttribute("role", "rowgroup");
    });
    table.querySelectorAll("tr").forEach(function (row) {
      row.setAttribute("role", "row");
      var inHead = row.parentNode.tagName === "THEAD";
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        if (inHead) {
          cell.setAttribute("role", "columnheader");
        } else if (cell.tagName === "TH") {
          cell.setAttribute("role", "rowheader");
        } else {
          cell.setAttribute("role", "cell");
          cell.setAttribute("data-label", labels[column] || "");
          if (!cell.textContent.trim() && !cell.querySelector("a, button, input, img, svg")) {
            cell.classList.add("table-stacked-blank");
          }
        }
        column += cell.colSpan;
      });
    });
    table.classList.add("table-stacked");
  }

  function stackTables(root) {
    root.querySelectorAll("table.table-stack:not(.table-stacked)").forEach(stackTable);
  }

  document.addEventListener("DOMContentLoaded", function () {
    stackTables(document);
  });
  // Content htmx puts on the page.
  document.addEventListener("htmx:load", function (event) {
    stackTables(event.target.parentNode || document);
  });

  // Filters above a list fold away on a phone unless some are on, so the list starts on
  // the first screen; on a wider screen, where the button that opens them is hidden
  // (portal.css, .filter-panel--wide-open), they are always open. Without this script
  // they are always open.
  var narrow = window.matchMedia("(max-width: 575.98px)");
  function foldFilters() {
    document.querySelectorAll("details.filter-panel--wide-open").forEach(function (panel) {
      panel.open = !narrow.matches || panel.hasAttribute("data-filters-on");
    });
  }
  document.addEventListener("DOMContentLoaded", foldFilters);
  narrow.addEventListener("change", foldFilters);

  // Warn before the idle sign-out (templates/includes/idle_warning.html), so nobody loses
  // what they are typing without notice: a page makes no request while someone reads or
  // types in it. When the session ends is kept in localStorage, so a page used in another
  // tab moves it on for every tab, and a warning already shown closes by itself.
  function idleWarning() {
    var box = document.getElementById("idle-warning");
    if (!box || !window.bootstrap) {
      return;
    }
    var key = "portal:session-ends-at";
    var warnBefore = Number(box.dataset.warnBefore) * 1000;
    var modal = bootstrap.Modal.getOrCreateInstance(box);
    var countdown = box.querySelector("[data-idle-countdown]");
    var warning = box.querySelector('[data-idle-state="warning"]');
    var ended = box.querySelector('[data-idle-state="ended"]');
    var problem = box.querySelector("[data-idle-problem]");
    var state = "";
    var ownEnd = 0;
    var timer = null;
    var focusBefore = null;

    function stored() {
      try {
        return Number(window.localStorage.getItem(key)) || 0;
      } catch (error) {
        return 0;
      }
    }
    function endsAt() {
      return Math.max(ownEnd, stored());
    }
    function movedOn(seconds) {
      ownEnd = Date.now() + seconds * 1000;
      try {
        if (ownEnd > stored()) {
          window.localStorage.setItem(key, String(ownEnd));
        }
      } catch (error) {
        // Storage turned off: this tab keeps its own time.
      }
    }
    function inWords(ms) {
      var seconds = Math.max(0, Math.ceil(ms / 1000));
      if (seconds >= 60) {
        var minutes = Math.ceil(seconds / 60);
        return minutes + (minutes === 1 ? " minute" : " minutes");
      }
      return seconds + (seconds === 1 ? " second" : " seconds");
    }
    function show(which) {
      state = which;
      warning.hidden = which !== "warning";
      ended.hidden = which !== "ended";
      box.setAttribute("aria-labelledby", which === "warning" ? "idle-warning-heading" : "idle-ended-heading");
      box.setAttribute("aria-describedby", which === "warning" ? "idle-warning-text" : "idle-ended-text");
      if (!box.classList.contains("show")) {
        focusBefore = document.activeElement;
        modal.show();
      } else {
        focusOn();
      }
    }
    function focusOn() {
      box.setAttribute("role", "alertdialog");
      var first = box.querySelector(
        state === "warning" ? "[data-idle-keep]" : '[data-idle-state="ended"] .btn-primary'
      );
      if (first) {
        first.focus();
      }
    }
    function tick() {
      var left = endsAt() - Date.now();
      if (left <= 0) {
        if (state !== "ended") {
          show("ended");
        }
        window.clearInterval(timer);
        return;
      }
      if (left <= warnBefore) {
        countdown.textContent = inWords(left);
        if (state !== "warning") {
          show("warning");
        }
      } else if (state === "warning") {
        state = "";
        modal.hide();  // moved on in another tab
      }
    }
    box.addEventListener("shown.bs.modal", focusOn);
    box.addEventListener("hidden.bs.modal", function () {
      if (focusBefore && document.contains(focusBefore)) {
        focusBefore.focus();
      }
    });
    box.querySelector("[data-idle-keep]").addEventListener("click", function () {
      var token = box.querySelector("input[name=csrfmiddlewaretoken]").value;
      window
        .fetch(box.dataset.keepUrl, {
          method: "POST",
          headers: { "X-CSRFToken": token },
          credentials: "same-origin",
          redirect: "manual",
        })
        .then(function (response) {
          // Sent to sign in, or refused: the session has already gone.
          if (response.type === "opaqueredirect" || response.status === 403) {
            show("ended");
            window.clearInterval(timer);
            return;
          }
          if (!response.ok) {
            throw new Error("unavailable");
          }
          return response.json().then(function (answer) {
            problem.hidden = true;
            movedOn(answer.ends_in);
            state = "";
            modal.hide();
          });
        })
        .catch(function () {
          // The portal could not be reached for a moment: the session may still be there.
          problem.hidden = false;
        });
    });
    // A request the page makes itself (htmx) may move the limit on too; every signed-in
    // answer says how long is left (portal/sessions.py).
    document.body.addEventListener("htmx:afterRequest", function (event) {
      var xhr = event.detail.xhr;
      var left = xhr ? xhr.getResponseHeader("X-Session-Ends-In") : null;
      if (left && state !== "ended") {
        movedOn(Number(left));
        tick();
      }
    });
    movedOn(Number(box.dataset.endsIn));
    timer = window.setInterval(tick, 1000);
  }
  document.addEventListener("DOMContentLoaded", idleWarning);

  // Move focus to an error summary, or to the answer to a check on the public register,
  // so keyboard and screen reader users hear it first.
  document.addEventListener("DOMContentLoaded", function () {
    summariseErrors();
    var summary =
      document.getElementById("error-summary") || document.getElementById("check-result");
    if (summary) {
      summary.focus();
    }
  });

  // A panel htmx refreshes on a timer (an import's progress) is not a live region, or its
  // every refresh would be read out: the status it carries (data-status) is copied to the
  // page's status region (#polled-status) only when it changes.
  document.addEventListener("htmx:afterSwap", function (event) {
    var region = document.getElementById("polled-status");
    var line = region && event.target.querySelector && event.target.querySelector("[data-status]");
    if (line && region.textContent !== line.getAttribute("data-status")) {
      region.textContent = line.getAttribute("data-status");
    }
  });

  // A short form that failed (an action in a side panel, a filter) has no summary of its
  // own: one is made at the top of the page, linking to each field in error with what is
  // wrong, and the panel the field is folded into is opened. Without a field in error, a
  // form's own error box is what takes the focus.
  function text(element) {
    return element ? heading(element) : "";
  }

  function fieldName(field) {
    var label = document.querySelector("label[for='" + field.id + "']");
    if (!label || field.type === "radio" || field.type === "checkbox") {
      var fieldset = field.closest("fieldset");
      label = (fieldset && fieldset.querySelector("legend")) || label;
    }
    return text(label) || field.name;
  }

  function fieldError(field) {
    var named = document.getElementById(field.id + "_error");
    if (named) {
      return text(named);
    }
    var box = field.closest(".mb-3, fieldset, .form-group") || field.parentNode;
    return text(box && box.querySelector(".invalid-feedback, .text-danger"));
  }

  function summariseErrors() {
    var main = document.querySelector("main");
    if (!main || document.getElementById("error-summary")) {
      return;
    }
    var seen = {};
    var fields = [];
    main.querySelectorAll(".is-invalid[id], [aria-invalid='true'][id]").forEach(function (field) {
      var group = field.type === "radio" || field.type === "checkbox" ? field.name : field.id;
      if (!seen[group]) {
        seen[group] = true;
        fields.push(field);
      }
    });
    if (!fields.length) {
      var box = main.querySelector("form .alert-block.alert-danger");
      if (box) {
        box.id = "error-summary";
        box.tabIndex = -1;
        box.setAttribute("role", "alert");
        var folded = box.closest("details");
        if (folded) {
          folded.open = true;
        }
      }
      return;
    }
    var summary = document.createElement("div");
    summary.id = "error-summary";
    summary.className = "alert alert-danger";
    summary.tabIndex = -1;
    summary.setAttribute("role", "alert");
    var title = document.createElement("h2");
    title.className = "h5";
    title.textContent =
      fields.length === 1 ? "There is a problem to fix" : "There are problems to fix";
    var list = document.createElement("ul");
    list.className = "mb-0";
    fields.forEach(function (field) {
      var folded = field.closest("details");
      if (folded) {
        folded.open = true;
      }
      var error = fieldError(field);
      var link = document.createElement("a");
      link.href = "#" + field.id;
      link.textContent = fieldName(field) + (error ? ": " + error : "");
      var item = document.createElement("li");
      item.appendChild(link);
      list.appendChild(item);
    });
    summary.appendChild(title);
    summary.appendChild(list);
    main.insertBefore(summary, main.firstChild);
  }
})();
