// A search box filters a long list of checkboxes (the communes of a group): rows that do
// not match are hidden, never unticked, so the form still sends every chosen member.
(function () {
  "use strict";
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  document.querySelectorAll("[data-filter-target]").forEach(function (input) {
    var list = document.getElementById(input.dataset.filterTarget);
    if (!list) return;
    input.addEventListener("input", function () {
      var wanted = fold(input.value.trim());
      list.querySelectorAll("[data-filter-text]").forEach(function (row) {
        row.hidden = wanted !== "" && fold(row.dataset.filterText).indexOf(wanted) === -1;
      });
    });
  });
  document.querySelectorAll("[data-member-picker]").forEach(function (form) {
    var badge = form.querySelector("[data-chosen-count]");
    if (!badge) return;
    form.addEventListener("change", function () {
      badge.textContent = form.querySelectorAll("input[name=area]:checked").length;
    });
  });
})();
