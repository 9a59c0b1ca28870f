// Behaviour shared by every page. No inline scripts anywhere (the CSP forbids them).
(function () {
  "use strict";
  // Buttons with data-confirm ask before an irreversible action.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // After a failed save the error summary takes the focus (and scrolls into view), so a
  // phone user lands on the list of problems, not on the top of a long page.
  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      summary.scrollIntoView({ block: "start" });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }

  // A table wider than the screen scrolls sideways in its wrapper: the wrapper takes the
  // keyboard focus (arrow keys scroll it) and is named after its table's caption.
  function focusableScrollers() {
    var wrappers = document.querySelectorAll(".table-responsive");
    for (var i = 0; i < wrappers.length; i++) {
      var box = wrappers[i];
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        var caption = box.querySelector("caption");
        var heading = caption || box.parentElement.querySelector("h2, h3, h4");
        box.setAttribute("aria-label", heading ? heading.textContent.trim() : document.title);
      }
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusableScrollers);
  } else {
    focusableScrollers();
  }

  // A link of the summary moves the focus into its field (a bare #id only scrolls).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-link]");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    target.scrollIntoView({ block: "center" });
    target.focus();
  });
})();
