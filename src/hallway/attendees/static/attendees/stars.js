// Marks the star buttons of a programme page (cached publicly, so it holds no one's stars)
// with this device's stars, read from the private /<event>/agenda/starred.json.  Without
// JavaScript the buttons are plain forms that toggle and come back; with htmx they toggle in
// place.  No inline script anywhere (CSP script-src 'self').
(function () {
  "use strict";

  function show(form, on) {
    form.querySelector("input[name=action]").value = on ? "unstar" : "star";
    var button = form.querySelector("button");
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.title = on ? "Remove from my agenda" : "Add to my agenda";
    button.querySelector(".glyph").textContent = on ? "\u2605" : "\u2606";
  }

  function mark(starred) {
    document.querySelectorAll("form.star").forEach(function (form) {
      show(form, starred.has(form.dataset.session));
    });
    document.documentElement.dataset.starsMarked = "true";
  }

  function load() {
    var holder = document.querySelector("[data-starred]");
    if (!holder || !document.querySelector("form.star")) {
      return;
    }
    fetch(holder.dataset.starred, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data) {
          mark(new Set(data.starred));
        }
      })
      .catch(function () {
        /* offline: the buttons still work as forms */
      });
  }

  // A session with several parts has several buttons: keep them all in step after a swap.
  document.addEventListener("htmx:afterSwap", function (event) {
    var form = event.detail.elt;
    if (!form || !form.matches || !form.matches("form.star")) {
      return;
    }
    var on = form.querySelector("button").getAttribute("aria-pressed") === "true";
    document
      .querySelectorAll('form.star[data-session="' + CSS.escape(form.dataset.session) + '"]')
      .forEach(function (other) {
        show(other, on);
      });
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", load);
  } else {
    load();
  }
})();
