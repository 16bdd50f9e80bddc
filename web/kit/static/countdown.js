/* Guichet: live pick-up countdowns of the support queue.
   Every <time data-countdown datetime="…"> shows the time left before its
   deadline ("Reste 7 min 05 s"), or how late it is ("En retard de 2 min
   10 s"), recomputed each second from the deadline the server rendered.
   The labels come from data-left-label / data-late-label (French or
   English). No inline script anywhere: this file is served from /static/. */
(function () {
  "use strict";

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function format(seconds) {
    var s = Math.abs(Math.round(seconds));
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    if (h > 0) {
      return h + " h " + pad(m) + " min";
    }
    return m + " min " + pad(s % 60) + " s";
  }

  function tick() {
    var nodes = document.querySelectorAll("time[data-countdown]");
    var now = Date.now();
    for (var i = 0; i < nodes.length; i++) {
      var el = nodes[i];
      var due = Date.parse(el.getAttribute("datetime"));
      if (isNaN(due)) {
        continue;
      }
      var left = (due - now) / 1000;
      var late = left < 0;
      var label = late ? el.getAttribute("data-late-label") : el.getAttribute("data-left-label");
      el.textContent = label + " " + format(left);
      if (late) {
        el.classList.add("guichet-countdown--late");
      } else {
        el.classList.remove("guichet-countdown--late");
      }
    }
  }

  tick();
  window.setInterval(tick, 1000);
})();
