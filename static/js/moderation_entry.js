// The moderation entry form: apply what the excerpt check suggests.
// The check itself comes from the server (htmx); this only acts on its buttons.
(function () {
  "use strict";

  function tickCategory(value) {
    var box = document.querySelector('input[name="categories"][value="' + CSS.escape(value) + '"]');
    if (box) {
      box.checked = true;
    }
    return box;
  }

  document.addEventListener("click", function (event) {
    var redact = event.target.closest("[data-redact-excerpt]");
    if (redact) {
      var excerpt = document.getElementById("id_excerpt");
      if (redact.hasAttribute("data-also-tick")) {
        tickCategory(redact.getAttribute("data-also-tick"));
      }
      if (excerpt) {
        excerpt.value = redact.getAttribute("data-redacted");
        excerpt.focus();
        // Ask the server to check the excerpt again.
        excerpt.dispatchEvent(new Event("input", { bubbles: true }));
      }
      return;
    }
    var tick = event.target.closest("[data-tick-category]");
    if (tick) {
      var box = tickCategory(tick.getAttribute("data-tick-category"));
      if (box) {
        tick.disabled = true;
        tick.textContent = tick.textContent.replace(/^Tick/, "Ticked");
        // The button is out of use now: the focus goes to the box it ticked, which says
        // what was done, rather than to the top of the page.
        box.focus();
      }
    }
  });
})();
