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

  // Move focus to an error summary, or to the answer to a check on the public register,
  // so keyboard and screen reader users hear it first.
  document.addEventListener("DOMContentLoaded", function () {
    var summary =
      document.getElementById("error-summary") || document.getElementById("check-result");
    if (summary) {
      summary.focus();
    }
  });
})();
