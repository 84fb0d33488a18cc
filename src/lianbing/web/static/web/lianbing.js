// 练兵台: draws every chart whose options the page left in a JSON script element.
// No inline scripts: the Content Security Policy can forbid them.
(function () {
  "use strict";
  function drawCharts(root) {
    if (typeof echarts === "undefined") { return; }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source) { return; }
      var chart = echarts.getInstanceByDom(el) || echarts.init(el);
      chart.setOption(JSON.parse(source.textContent), true);
      el.dataset.chartReady = "1";
    });
  }
  // A table wider than the screen scrolls sideways in its box; keyboard users
  // can scroll it only if the box takes focus (WCAG 2.1.1). Only boxes that
  // scroll become tab stops, so wide screens keep their tab order.
  function focusScrollingTables(root) {
    root.querySelectorAll(".table-responsive").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) {
        box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  }
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = typeof echarts !== "undefined" && echarts.getInstanceByDom(el);
      if (chart) { chart.resize(); }
    });
    focusScrollingTables(document);
  });
  document.addEventListener("DOMContentLoaded", function () {
    drawCharts(document);
    focusScrollingTables(document);
  });
  document.addEventListener("htmx:afterSettle", function (evt) {
    drawCharts(evt.target);
    focusScrollingTables(document);
  });
})();

// A page's print button (e.g. the program calendar); no inline scripts under the CSP.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print-page]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
});
