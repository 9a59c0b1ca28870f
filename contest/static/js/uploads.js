// Attachment uploads (templates/entries/_attachments.html): instead of a multipart POST, send
// each chosen file as the raw body of a PUT to the form's data-stream-url (the server reads it
// straight from the request stream), one after the other, with a progress bar; then reload the
// page to show the files. Without this script the form still works as a plain POST.
// The server decides what a file is and how big it may be; the size check here only spares a
// long upload that would be refused. Loaded once per partial; the guard makes that harmless.
// A file chosen and left there is uploaded when the entrant continues (or they are asked).
(function () {
  "use strict";
  if (window.contestUploads) {
    return;
  }
  window.contestUploads = true;

  function sendOne(form, file, progress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      var url = form.dataset.streamUrl + "?name=" + encodeURIComponent(file.name);
      xhr.open("PUT", url);
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRFToken", form.querySelector("input[name=csrf_token]").value);
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          progress.value = Math.round((event.loaded / event.total) * 100);
        }
      });
      xhr.addEventListener("load", function () {
        var body = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch (e) {
          body = null;
        }
        if (xhr.status >= 200 && xhr.status < 300) {
          resolve(body);
        } else {
          reject(new Error((body && body.message) || form.dataset.failed));
        }
      });
      xhr.addEventListener("error", function () {
        reject(new Error(form.dataset.failed));
      });
      xhr.send(file);
    });
  }

  // A file chosen but not uploaded is never silently dropped: the "continue" link
  // (data-upload-then-go) uploads it first; any other link asks (data-pending-question).
  function pendingForms() {
    return Array.prototype.slice
      .call(document.querySelectorAll("form.attachment-upload[data-stream-url]"))
      .filter(function (form) {
        var input = form.querySelector("input[type=file]");
        return input && input.files && input.files.length;
      });
  }

  function uploadAll(forms) {
    return forms.reduce(function (chain, form) {
      var input = form.querySelector("input[type=file]");
      var progress = form.querySelector("[data-upload-progress]");
      var error = form.querySelector("[data-upload-error]");
      var limit = parseInt(form.dataset.maxBytes, 10);
      return chain.then(function () {
        error.textContent = "";
        progress.hidden = false;
        return Array.prototype.slice.call(input.files).reduce(function (inner, file) {
          return inner.then(function () {
            if (limit && file.size > limit) {
              throw { form: form, message: form.dataset.tooLarge.replace("{name}", file.name) };
            }
            progress.value = 0;
            return sendOne(form, file, progress).catch(function (problem) {
              throw { form: form, message: problem.message };
            });
          });
        }, Promise.resolve());
      });
    }, Promise.resolve());
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    var forms = pendingForms();
    if (!forms.length) {
      return;
    }
    var marker = document.querySelector("[data-pending-question]");
    if (!link.hasAttribute("data-upload-then-go")) {
      if (marker && !window.confirm(marker.dataset.pendingQuestion)) {
        event.preventDefault();
      }
      return;
    }
    event.preventDefault();
    link.setAttribute("aria-disabled", "true");
    link.classList.add("disabled");
    uploadAll(forms)
      .then(function () {
        window.location.assign(link.href);
      })
      .catch(function (problem) {
        link.removeAttribute("aria-disabled");
        link.classList.remove("disabled");
        var form = problem.form || forms[0];
        form.querySelector("[data-upload-progress]").hidden = true;
        form.querySelector("[data-upload-error]").textContent = problem.message || form.dataset.failed;
        form.scrollIntoView({ block: "center" });
        var input = form.querySelector("input[type=file]");
        if (input) input.focus();
      });
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form.attachment-upload") || !window.XMLHttpRequest) {
      return;
    }
    var input = form.querySelector("input[type=file]");
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length) {
      return;
    }
    event.preventDefault();
    var progress = form.querySelector("[data-upload-progress]");
    var error = form.querySelector("[data-upload-error]");
    var button = form.querySelector("button[type=submit]");
    var limit = parseInt(form.dataset.maxBytes, 10);
    error.textContent = "";
    var tooBig = files.filter(function (file) {
      return limit && file.size > limit;
    });
    if (tooBig.length) {
      error.textContent = form.dataset.tooLarge.replace("{name}", tooBig[0].name);
      return;
    }
    button.disabled = true;
    progress.hidden = false;
    files
      .reduce(function (chain, file) {
        return chain.then(function () {
          progress.value = 0;
          return sendOne(form, file, progress);
        });
      }, Promise.resolve())
      .then(function () {
        window.location.reload();
      })
      .catch(function (problem) {
        error.textContent = problem.message;
        button.disabled = false;
        progress.hidden = true;
      });
  });
})();
