// The print button of the 练兵计划书; no inline scripts (the Content Security Policy may forbid them).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
});
