// The progress component (templates/_macros/progress.html): every [data-job-progress] element
// polls its job's JSON (data-status-url) once a second until the job is done, then shows the
// final state or, with data-reload-on-done="true", reloads the page to show the result.
// Loaded once per job bar; the guard below makes repeated loads harmless.
(function () {
  "use strict";
  if (window.contestJobProgress) {
    return;
  }
  var POLL_MS = 1000;
  var MAX_BACKOFF_MS = 10000;
  var COLOURS = {
    pending: "secondary",
    queued: "info",
    running: "primary",
    succeeded: "success",
    failed: "danger"
  };

  function setColour(element, prefix, status) {
    Object.keys(COLOURS).forEach(function (key) {
      element.classList.remove(prefix + COLOURS[key]);
    });
    element.classList.add(prefix + (COLOURS[status] || "secondary"));
  }

  function render(root, state) {
    var bar = root.querySelector("[data-job-bar]");
    var track = root.querySelector("[data-job-track]");
    var status = root.querySelector("[data-job-status]");
    var message = root.querySelector("[data-job-message]");
    var percent = Math.max(0, Math.min(100, Number(state.percent) || 0));
    root.dataset.status = state.status;
    root.dataset.percent = String(percent);
    root.dataset.done = state.done ? "true" : "false";
    if (bar) {
      bar.style.width = percent + "%";
      bar.textContent = percent + "%";
      setColour(bar, "bg-", state.status);
      bar.classList.toggle("progress-bar-striped", !state.done);
      bar.classList.toggle("progress-bar-animated", !state.done);
    }
    if (track) {
      track.setAttribute("aria-valuenow", String(percent));
    }
    if (status && state.status_label) {
      status.textContent = state.status_label;
      setColour(status, "text-bg-", state.status);
    }
    if (message && (state.message !== undefined || state.error)) {
      message.textContent = state.error || state.message || "";
    }
  }

  function watch(root) {
    var url = root.dataset.statusUrl;
    var delay = POLL_MS;
    // The server rendered the bar without an inline style (CSP): size it now.
    render(root, {
      status: root.dataset.status,
      percent: root.dataset.percent,
      done: root.dataset.done === "true"
    });
    if (!url || root.dataset.done === "true") {
      return;
    }

    function poll() {
      fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin",
                  cache: "no-store"})
        .then(function (response) {
          if (response.status === 401 || response.status === 403 || response.status === 404) {
            throw new Error("stop");
          }
          if (!response.ok) {
            throw new Error("retry");
          }
          return response.json();
        })
        .then(function (state) {
          delay = POLL_MS;
          render(root, state);
          if (state.done) {
            root.dispatchEvent(new CustomEvent("job:done", {bubbles: true, detail: state}));
            if (root.dataset.reloadOnDone === "true") {
              window.location.reload();
            }
            return;
          }
          window.setTimeout(poll, delay);
        })
        .catch(function (error) {
          if (error && error.message === "stop") {
            return;
          }
          // Network trouble or a server hiccup: keep trying, more slowly.
          delay = Math.min(delay * 2, MAX_BACKOFF_MS);
          window.setTimeout(poll, delay);
        });
    }

    window.setTimeout(poll, POLL_MS);
  }

  function start() {
    document.querySelectorAll("[data-job-progress]").forEach(function (root) {
      if (root.dataset.watching === "true") {
        return;
      }
      root.dataset.watching = "true";
      watch(root);
    });
  }

  window.contestJobProgress = {start: start};
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
