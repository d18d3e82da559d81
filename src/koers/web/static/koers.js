// Progressive enhancement of the pages; everything works without it.
// Charts: each figure carries its Vega-Lite spec as a JSON data block next to the
// server-rendered SVG. When the vendored vega-embed is loaded, the chart is redrawn
// interactively (tooltips) with Vega's expression interpreter, so the strict
// Content-Security-Policy (no eval) holds; on any failure the SVG simply stays.
(function () {
  "use strict";
  function enhance(figure) {
    // on a phone the narrow spec, drawn at its own size (its text stays 11 px)
    var phone = window.matchMedia && window.matchMedia("(max-width: 36em)").matches;
    var block = (phone && figure.querySelector("script.chart-spec-phone")) ||
      figure.querySelector("script.chart-spec");
    var target = figure.querySelector(".chart-live");
    if (!block || !target || typeof window.vegaEmbed !== "function") return;
    var spec;
    try { spec = JSON.parse(block.textContent); } catch (e) { return; }
    window.vegaEmbed(target, spec, {
      renderer: "svg",
      actions: false,
      ast: true,
      expr: window.vegaInterpreter,
      tooltip: true
    }).then(function () {
      figure.classList.add("chart-enhanced");
    }).catch(function () { /* keep the static SVG */ });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("figure.chart").forEach(enhance);
  });
})();
