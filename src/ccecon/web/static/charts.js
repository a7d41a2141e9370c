// Draws every chart whose figure is embedded as JSON data (<script type="application/json"
// data-plot="TARGET-ID">): no inline script, so the page's Content-Security-Policy can
// refuse every inline script; or in a data-figure attribute (content swapped in by HTMX).
// Runs on load and after each HTMX swap.
(function () {
  function draw(root) {
    root.querySelectorAll('script[type="application/json"][data-plot]').forEach(function (el) {
      if (el.dataset.drawn) return;
      var target = document.getElementById(el.dataset.plot);
      if (!target || !window.Plotly) return;
      var f = JSON.parse(el.textContent);
      window.Plotly.newPlot(target, f.data, f.layout, { displaylogo: false, responsive: true });
      el.dataset.drawn = "1";
    });
    // a figure in an attribute: what an HTMX swap delivers (it drops <script> tags)
    root.querySelectorAll("[data-figure]").forEach(function (el) {
      if (el.dataset.drawn || !window.Plotly) return;
      var f = JSON.parse(el.dataset.figure);
      window.Plotly.newPlot(el, f.data, f.layout, { displaylogo: false, responsive: true });
      el.dataset.drawn = "1";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (e) { draw(e.target); });
})();
