// Live countdown to a deadline. Markup: an element with data-countdown… attributes:
//   data-deadline  ISO 8601 moment with its offset (e.g. 2025-07-31T17:00:00+07:00)
//   data-template  the text with {d} {h} {m} {s} placeholders (translated by the server)
//   data-ended     the text once the deadline has passed
// The server already renders the remaining time as text, so the page works without JS.
(function () {
  "use strict";

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function render(element, deadline) {
    var left = Math.floor((deadline - Date.now()) / 1000);
    if (left <= 0) {
      element.textContent = element.dataset.ended || "";
      element.dataset.state = "ended";
      return false;
    }
    var days = Math.floor(left / 86400);
    var hours = Math.floor((left % 86400) / 3600);
    var minutes = Math.floor((left % 3600) / 60);
    var seconds = left % 60;
    element.textContent = (element.dataset.template || "")
      .replace("{d}", String(days))
      .replace("{h}", pad(hours))
      .replace("{m}", pad(minutes))
      .replace("{s}", pad(seconds));
    element.dataset.state = "running";
    return true;
  }

  function start(element) {
    var deadline = Date.parse(element.dataset.deadline || "");
    if (isNaN(deadline)) {
      return;
    }
    if (!render(element, deadline)) {
      return;
    }
    var timer = window.setInterval(function () {
      if (!render(element, deadline)) {
        window.clearInterval(timer);
      }
    }, 1000);
  }

  document.querySelectorAll("[data-countdown], [data-deadline][data-template]").forEach(start);
})();
