// The balance table: a tapped candidate's explanation is loaded into #pair-panel.
// Beside the table (wide screens) the panel is in sight; below it (phones) it may be
// thousands of pixels down, so the page scrolls to it, else the tap looks dead.
// No inline scripts: the Content Security Policy may forbid them.
document.addEventListener("htmx:afterSwap", function (evt) {
  var panel = evt.detail && evt.detail.target;
  if (!panel || panel.id !== "pair-panel") { return; }
  var top = panel.getBoundingClientRect().top;
  if (top < 0 || top > window.innerHeight * 0.5) {
    panel.scrollIntoView({ block: "start" });
  }
});
