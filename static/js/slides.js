// The training slides, one at a time. Without this script every slide is shown in order,
// and printing always shows every slide (see the print rules in portal.css).
(function () {
  "use strict";

  var deck = document.querySelector("[data-deck]");
  if (!deck) {
    return;
  }
  var slides = Array.prototype.slice.call(deck.querySelectorAll("[data-slide]"));
  if (!slides.length) {
    return;
  }
  var total = slides.length;
  var progress = document.getElementById("deck-progress");
  var bar = document.querySelector("[data-deck-bar]");
  var prev = document.querySelector("[data-deck-prev]");
  var next = document.querySelector("[data-deck-next]");
  var current = 0;

  function indexFromHash() {
    var match = /^#slide-(\d+)$/.exec(window.location.hash);
    if (!match) {
      return null;
    }
    var n = parseInt(match[1], 10);
    return n >= 1 && n <= total ? n - 1 : null;
  }

  function show(index, options) {
    options = options || {};
    index = Math.max(0, Math.min(total - 1, index));
    var hadFocusInside = slides[current].contains(document.activeElement);
    current = index;
    slides.forEach(function (slide, i) {
      slide.hidden = i !== index;
    });
    var slide = slides[index];
    // The polite live region tells screen reader users where they are.
    progress.textContent =
      "Slide " + (index + 1) + " of " + total + ": " + slide.getAttribute("data-title");
    bar.value = index + 1;
    var focused = document.activeElement;
    prev.disabled = index === 0;
    next.disabled = index === total - 1;
    // A button that goes out of use while it has the focus hands it on, rather than
    // dropping it to the top of the page: to the other button, or to the slide.
    if ((focused === prev && prev.disabled) || (focused === next && next.disabled)) {
      var other = focused === prev ? next : prev;
      if (other.disabled) {
        slide.focus();
      } else {
        other.focus();
      }
    }
    var hash = "#" + slide.id;
    // The address always names the slide on show, so it can be shared; but not on first
    // load, where the browser would treat the new fragment as a jump and move focus.
    if (!options.initial && window.location.hash !== hash) {
      window.history.replaceState(null, "", hash);
    }
    if (options.focus || hadFocusInside) {
      slide.focus();
    }
  }

  function go(step) {
    show(current + step);
  }

  function isTyping(target) {
    var tag = target && target.tagName;
    return (
      tag === "INPUT" ||
      tag === "TEXTAREA" ||
      tag === "SELECT" ||
      (target && target.isContentEditable)
    );
  }

  deck.classList.add("deck--js");
  document.querySelectorAll("[data-deck-controls], [data-deck-bar], [data-deck-tools]").forEach(
    function (element) {
      element.hidden = false;
    }
  );

  prev.addEventListener("click", function () {
    go(-1);
  });
  next.addEventListener("click", function () {
    go(1);
  });

  var controls = document.querySelector("[data-deck-controls]");

  function inDeck(target) {
    return deck.contains(target) || (controls && controls.contains(target));
  }

  // The arrow keys turn the slides from the deck, its buttons or the page at large; Page
  // Up, Page Down, Home and End only from the deck and its buttons, so that elsewhere on
  // the page they still scroll it.
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) {
      return;
    }
    var atDeck = inDeck(event.target);
    if (!atDeck && event.target !== document.body) {
      return;
    }
    var handled = true;
    if (event.key === "ArrowRight" || (atDeck && event.key === "PageDown")) {
      go(1);
    } else if (event.key === "ArrowLeft" || (atDeck && event.key === "PageUp")) {
      go(-1);
    } else if (atDeck && event.key === "Home") {
      show(0);
    } else if (atDeck && event.key === "End") {
      show(total - 1);
    } else {
      handled = false;
    }
    if (handled) {
      event.preventDefault();
    }
  });

  // Swipe left or right on a touch screen; vertical movement still scrolls the page.
  var start = null;
  deck.addEventListener("pointerdown", function (event) {
    if (event.pointerType === "mouse") {
      return;
    }
    start = { x: event.clientX, y: event.clientY };
  });
  deck.addEventListener("pointerup", function (event) {
    if (!start) {
      return;
    }
    var dx = event.clientX - start.x;
    var dy = event.clientY - start.y;
    start = null;
    if (Math.abs(dx) > 50 && Math.abs(dx) > Math.abs(dy) * 1.5) {
      go(dx < 0 ? 1 : -1);
    }
  });
  deck.addEventListener("pointercancel", function () {
    start = null;
  });

  // A link to a slide (from the list of slides, or pasted in) opens that slide.
  window.addEventListener("hashchange", function () {
    var index = indexFromHash();
    if (index !== null) {
      show(index, { focus: true });
    }
  });

  var printButton = document.querySelector("[data-deck-print]");
  if (printButton) {
    printButton.addEventListener("click", function () {
      window.print();
    });
  }

  var notesButton = document.querySelector("[data-deck-notes]");
  if (notesButton) {
    notesButton.addEventListener("click", function () {
      var shown = notesButton.getAttribute("aria-pressed") === "true";
      notesButton.setAttribute("aria-pressed", shown ? "false" : "true");
      deck.classList.toggle("deck--notes-hidden", shown);
    });
  }

  var fullscreenButton = document.querySelector("[data-deck-fullscreen]");
  if (fullscreenButton) {
    if (!deck.requestFullscreen) {
      fullscreenButton.hidden = true;
    } else {
      fullscreenButton.addEventListener("click", function () {
        deck.requestFullscreen().then(function () {
          slides[current].focus();
        });
      });
    }
  }

  var start0 = indexFromHash();
  show(start0 === null ? 0 : start0, { focus: start0 !== null, initial: true });
})();
