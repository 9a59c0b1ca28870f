// Entry pages: the authors list (add a row, mark a row for removal), a warning before leaving a
// form with unsaved changes, one submission per click, and the bulk bar of the intake list.
// Every page works without this script: the server adds blank author rows ("Thêm tác giả"
// saves and comes back with one more), removal is a checkbox, and the bulk form posts as is.
(function () {
  "use strict";

  // --- Authors -------------------------------------------------------------------------------
  function visibleRows(list) {
    return Array.prototype.slice.call(list.querySelectorAll("[data-author-row]"));
  }

  function renumber(list) {
    var n = 0;
    visibleRows(list).forEach(function (row) {
      var removed = row.querySelector("[data-author-remove]");
      var number = row.querySelector("[data-author-number]");
      if (removed && removed.checked) {
        number.textContent = "";
        return;
      }
      n += 1;
      number.textContent = String(n);
    });
    var add = document.querySelector("[data-add-author]");
    if (add) {
      add.hidden = visibleRows(list).length >= parseInt(list.dataset.max || "0", 10);
    }
  }

  function addAuthor(list) {
    var template = document.getElementById("author-template");
    if (!template) {
      return;
    }
    var index = parseInt(list.dataset.nextIndex || "0", 10);
    list.dataset.nextIndex = String(index + 1);
    var fragment = template.content.cloneNode(true);
    fragment.querySelectorAll("[name], [id], [for], [value], [data-index]").forEach(function (el) {
      ["name", "id", "for", "value", "data-index"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value && value.indexOf("__i__") !== -1) {
          el.setAttribute(attr, value.split("__i__").join(String(index)));
        }
      });
    });
    list.appendChild(fragment);
    renumber(list);
    var rows = visibleRows(list);
    var last = rows[rows.length - 1];
    var first = last.querySelector("input[type=text], input:not([type])");
    last.scrollIntoView({ behavior: "smooth", block: "start" });
    if (first) {
      first.focus({ preventScroll: true });
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-author]");
    var list = document.querySelector("[data-author-list]");
    if (button && list) {
      event.preventDefault();
      addAuthor(list);
      markDirty(button.form);
    }
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-author-remove]")) {
      target.closest("[data-author-row]").classList.toggle("is-removed", target.checked);
      var list = document.querySelector("[data-author-list]");
      if (list) {
        renumber(list);
      }
    }
    if (target.matches("select[data-autosubmit]")) {
      target.form.submit();
    }
    if (target.matches("[data-select-all]")) {
      var form = target.closest("form");
      form.querySelectorAll("input[name=ids]").forEach(function (box) {
        box.checked = target.checked;
      });
      countSelected(form);
    }
    if (target.matches("input[name=ids]")) {
      countSelected(target.form);
    }
    if (target.matches("[data-bulk-action]")) {
      showReason(target.form);
    }
  });

  // --- Unsaved changes and double submits ----------------------------------------------------
  var dirty = null;
  var leaving = false;

  function markDirty(form) {
    if (form && form.dataset.unsaved) {
      dirty = form;
    }
  }

  document.addEventListener("input", function (event) {
    markDirty(event.target.form);
  });

  window.addEventListener("beforeunload", function (event) {
    if (dirty && !leaving) {
      event.preventDefault();
      event.returnValue = dirty.dataset.unsaved;
      return dirty.dataset.unsaved;
    }
    return undefined;
  });

  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) {
      return; // the confirmation was declined (app.js)
    }
    var form = event.target;
    if (form === dirty || form.dataset.unsaved) {
      leaving = true;
    }
    if (form.hasAttribute("data-once")) {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      // Disable after the browser has read the clicked button's name and value.
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) {
          b.disabled = true;
        });
      }, 0);
    }
  });

  // A bulk action with nothing selected is refused before the confirmation (capture phase,
  // ahead of app.js).
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (form.hasAttribute("data-bulk") && !form.querySelector("input[name=ids]:checked")) {
        event.preventDefault();
        event.stopPropagation();
        window.alert(form.dataset.none || "");
      }
    },
    true
  );

  // --- Bulk bar ------------------------------------------------------------------------------
  function countSelected(form) {
    var n = form.querySelectorAll("input[name=ids]:checked").length;
    var badge = form.querySelector("[data-selected-count]");
    if (badge) {
      badge.textContent = n ? "(" + n + ")" : "";
    }
  }

  function showReason(form) {
    var select = form.querySelector("[data-bulk-action]");
    var reason = form.querySelector("[data-bulk-reason]");
    if (select && reason) {
      reason.hidden = select.value !== "reject";
    }
  }

  document.querySelectorAll("form[data-bulk]").forEach(function (form) {
    countSelected(form);
    showReason(form);
  });
  var list = document.querySelector("[data-author-list]");
  if (list) {
    renumber(list);
  }
})();
