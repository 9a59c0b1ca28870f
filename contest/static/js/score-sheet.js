// The judge's score sheet: live total, autosave of the draft (a few seconds after a change,
// and when a field is left), and a clear message when another tab or device saved meanwhile.
// Messages come from data-msg-* attributes (translated on the server). No inline scripts.
(function () {
  "use strict";
  var form = document.getElementById("score-sheet");
  if (!form) { return; }
  var inputs = Array.prototype.slice.call(form.querySelectorAll(".score-input"));
  var totalOut = document.getElementById("sheet-total");
  var status = document.getElementById("autosave-status");
  var staleBox = document.getElementById("sheet-stale");
  var version = form.querySelector("input[name=version]");
  var csrf = form.querySelector("input[name=csrf_token]");
  var editable = form.dataset.editable === "true";
  var timer = null;
  var dirty = false;
  var saving = false;
  var afterSave = null;
  var DELAY = 2000;
  var RETRYABLE = [0, 408, 425, 429, 500, 502, 503, 504];
  var failures = 0;

  function parse(text) {
    var t = (text || "").trim().replace(",", ".");
    if (t === "") { return 0; }
    var n = Number(t);
    return isFinite(n) ? n : NaN;
  }

  function plain(n) {
    return String(Math.round(n * 10) / 10).replace(".", ",");
  }

  function valid(input) {
    var n = parse(input.value);
    var max = Number(input.dataset.max);
    return !isNaN(n) && n >= 0 && n <= max && Math.round(n * 2) === n * 2;
  }

  function updateTotal() {
    var sum = 0;
    var ok = true;
    inputs.forEach(function (input) {
      var good = valid(input);
      input.classList.toggle("is-invalid", !good);
      if (good) { sum += parse(input.value); } else { ok = false; }
    });
    if (totalOut) { totalOut.textContent = plain(sum); }
    return ok;
  }

  function say(text) {
    if (status) { status.textContent = text; }
  }

  function showStale(data) {
    inputs.forEach(function (input) {
      input.value = (data.points && data.points[input.name]) || "";
    });
    var comment = form.querySelector("textarea[name=comment]");
    if (comment && typeof data.comment === "string") { comment.value = data.comment; }
    if (version && data.version) { version.value = data.version; }
    updateTotal();
    if (staleBox) {
      staleBox.textContent = form.dataset.msgStale;
      staleBox.classList.remove("d-none");
      staleBox.scrollIntoView({ block: "center" });
    }
    say("");
    dirty = false;
  }

  function save() {
    timer = null;
    if (!dirty || saving) { return; }
    if (!updateTotal()) { say(form.dataset.msgInvalid); return; }
    saving = true;
    dirty = false;
    say(form.dataset.msgSaving);
    var body = new FormData(form);
    body.delete("action");
    fetch(form.dataset.autosaveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf ? csrf.value : "", "Accept": "application/json" }
    }).then(function (response) {
      // A proxy's or a crashed server's answer may not be JSON: treat it as a retryable error.
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data, retryAfter: response.headers.get("Retry-After") };
      });
    }).then(function (result) {
      saving = false;
      var data = result.data || {};
      if (result.status === 200) {
        failures = 0;
        if (version) { version.value = data.version; }
        var now = new Date();
        say(form.dataset.msgSaved + " " + now.toLocaleTimeString("vi-VN"));
        form.dataset.savedVersion = String(data.version);
      } else if (result.status === 409 && data.error === "stale") {
        failures = 0;
        showStale(data);
      } else if (RETRYABLE.indexOf(result.status) !== -1 || data.retry) {
        if (afterSave) { afterSave(); return; }
        retryLater(Number(data.retry_after || result.retryAfter) || 0);
        return;
      } else {
        say(data.message || form.dataset.msgError);
      }
      if (afterSave) { afterSave(); return; }
      if (dirty) { schedule(); }
    }).catch(function () {
      saving = false;
      if (afterSave) { afterSave(); return; }
      retryLater(0);
    });
  }

  // The server is restarting, overloaded or unreachable: keep the changes, tell the judge and
  // try again later (the server's Retry-After, else 2, 4, 8 … 60 seconds).
  function retryLater(seconds) {
    failures += 1;
    dirty = true;
    var wait = seconds > 0 ? seconds : Math.min(60, Math.pow(2, failures));
    say((form.dataset.msgRetry || form.dataset.msgError).replace("{n}", String(wait)));
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, wait * 1000);
  }

  function schedule() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, DELAY);
  }

  function changed() {
    updateTotal();
    if (!editable) { return; }
    dirty = true;
    schedule();
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", function () {
    if (!editable) { return; }
    dirty = true;
    if (timer) { clearTimeout(timer); }
    save();
  });
  // After app.js (which may cancel for the confirmation): the plain form takes over, so no
  // autosave races the "Lưu nháp" / "Nộp phiếu" post; a save in flight is awaited first, so
  // the post carries the version it produced.
  document.addEventListener("submit", function (event) {
    if (event.target !== form || event.defaultPrevented) { return; }
    if (timer) { clearTimeout(timer); timer = null; }
    dirty = false;
    editable = false;
    if (saving) {
      event.preventDefault();
      var action = document.createElement("input");
      action.type = "hidden";
      action.name = "action";
      action.value = (event.submitter && event.submitter.value) || "save";
      form.appendChild(action);
      afterSave = function () { form.submit(); };
    }
  });
  updateTotal();
})();
