// Keyboard flow on the judge's score sheet: Enter in a points input moves to the next input
// (the next criterion, then the comment) instead of submitting the form; Shift+Enter goes
// back. In the comment, Enter keeps making new lines. No inline scripts, no framework.
(function () {
  "use strict";
  var form = document.getElementById("score-sheet");
  if (!form) { return; }
  var flow = Array.prototype.slice.call(form.querySelectorAll("[data-flow]"));

  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || event.isComposing || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (target.tagName !== "INPUT" || !target.hasAttribute("data-flow")) { return; }
    event.preventDefault();
    var index = flow.indexOf(target);
    var next = flow[index + (event.shiftKey ? -1 : 1)];
    if (next && !next.disabled) {
      next.focus();
      if (typeof next.select === "function" && next.tagName === "INPUT") { next.select(); }
    }
  });
})();
