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
})();
