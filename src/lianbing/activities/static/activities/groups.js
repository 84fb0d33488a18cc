// Grouping can take some seconds (CP-SAT searches up to its time limit): a form
// marked data-busy says so and cannot be sent twice. No inline scripts (CSP).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = true;
      });
      var text = form.querySelector("[data-busy-text]");
      if (text) { text.textContent = form.dataset.busy; }
    });
  });
});
