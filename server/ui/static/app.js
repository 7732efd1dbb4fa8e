// gongwen UI: small progressive enhancements; every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // 增加一行: clone the last row of a table field with fresh names.
  document.querySelectorAll("button.add-row").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var table = document.querySelector('table[data-table="' + btn.dataset.for + '"] tbody');
      if (!table || !table.lastElementChild) return;
      var last = table.lastElementChild;
      var row = last.cloneNode(true);
      var n = table.children.length;
      row.firstElementChild.textContent = String(n + 1);
      row.querySelectorAll("input").forEach(function (inp) {
        inp.value = "";
        inp.name = inp.name.replace(/\.(\d+)\.([^.]+)$/, "." + n + ".$2");
        if (inp.getAttribute("aria-label")) {
          inp.setAttribute("aria-label", inp.getAttribute("aria-label").replace(/第\d+行/, "第" + (n + 1) + "行"));
        }
      });
      table.appendChild(row);
      row.querySelector("input").focus();
    });
  });
  // Ask before irreversible actions.
  document.querySelectorAll("form.danger").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm("确定要作废吗？此操作会记入审计日志，不能撤销。")) e.preventDefault();
    });
  });
  // Focus the first field with an error.
  var bad = document.querySelector('[aria-invalid="true"]');
  if (bad) bad.focus();
});
