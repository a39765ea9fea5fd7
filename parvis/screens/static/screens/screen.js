/* Urban screen rotation, smoother than the <noscript> meta refresh, and resilient.
 *
 * Every `rotation` seconds the next slide is fetched as a fragment (?slide=N&fragment=1) and
 * swapped in without reloading the page. Each fragment received is kept in memory: when a fetch
 * fails (network cut, server down), the screen shows the copy it already has of that slide and
 * goes on turning; it never navigates to a browser error page. When the network comes back, the
 * next fetch refreshes the copies. No cookie, no storage, no third party.
 */
(function () {
  "use strict";
  var body = document.querySelector('[data-module="pv-screen"]');
  if (!body || !window.fetch) { return; }
  var stage = body.querySelector(".pv-screen__stage");
  var url = body.getAttribute("data-url");
  var copies = {};

  function current() { return stage.querySelector(".pv-screen__slide"); }
  function number(el, name, fallback) {
    var value = parseInt(el && el.getAttribute(name), 10);
    return isNaN(value) ? fallback : value;
  }

  copies[number(current(), "data-index", 0)] = stage.innerHTML;

  function show(html) {
    stage.innerHTML = html;
  }

  function tick() {
    var slide = current();
    var total = number(slide, "data-total", 0);
    var next = number(slide, "data-next", 0);
    var delay = number(slide, "data-rotation", 15) * 1000;
    fetch(url + "?slide=" + next + "&fragment=1", { cache: "no-store", credentials: "omit" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        body.classList.remove("pv-screen--offline");
        copies[next] = html;
        show(html);
      })
      .catch(function () {
        body.classList.add("pv-screen--offline");
        // Keep turning through the copies already received; with none, keep the current slide.
        var keys = Object.keys(copies).map(Number).sort(function (a, b) { return a - b; });
        if (total > 1 && keys.length > 1) {
          var index = number(slide, "data-index", 0);
          var position = keys.indexOf(index);
          show(copies[keys[(position + 1) % keys.length]]);
        }
      })
      .then(function () { window.setTimeout(tick, delay); });
  }

  window.setTimeout(tick, number(current(), "data-rotation", 15) * 1000);
})();
