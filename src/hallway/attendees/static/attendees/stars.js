// Marks the star buttons of a programme page (cached publicly, so it holds no one's stars)
// with this device's stars, read from the private /<event>/agenda/starred.json.  Without
// JavaScript the buttons are plain forms that toggle and come back; with htmx they toggle in
// place.  Offline, a star is queued in localStorage and sent when the connection returns;
// the footer says when the device last synced.  No inline script (CSP script-src 'self').
(function () {
  "use strict";

  var QUEUE = "hallway-star-queue";
  var SYNCED = "hallway-synced";

  function queued() {
    try {
      return JSON.parse(localStorage.getItem(QUEUE) || "[]");
    } catch (error) {
      return [];
    }
  }

  function saveQueue(items) {
    localStorage.setItem(QUEUE, JSON.stringify(items));
  }

  function show(form, on) {
    form.querySelector("input[name=action]").value = on ? "unstar" : "star";
    var button = form.querySelector("button");
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.title = on ? "Remove from my agenda" : "Add to my agenda";
    button.querySelector(".glyph").textContent = on ? "\u2605" : "\u2606";
  }

  function status() {
    var line = document.getElementById("sync-status");
    if (!line) {
      return;
    }
    var synced = localStorage.getItem(SYNCED);
    var waiting = queued().length;
    var text = "";
    if (!navigator.onLine) {
      text = "Offline: showing what this device saved";
      if (synced) {
        text += ", last synced " + new Date(synced).toLocaleString();
      }
      text += ".";
    } else if (synced) {
      text = "My agenda synced " + new Date(synced).toLocaleString() + ".";
    }
    if (waiting) {
      text += " " + waiting + " star" + (waiting > 1 ? "s" : "") + " waiting to be sent.";
    }
    line.textContent = text;
    line.hidden = !text;
  }

  function mark(starred) {
    queued().forEach(function (item) {
      if (item.action === "star") {
        starred.add(item.session);
      } else {
        starred.delete(item.session);
      }
    });
    document.querySelectorAll("form.star").forEach(function (form) {
      show(form, starred.has(form.dataset.session));
    });
    document.documentElement.dataset.starsMarked = "true";
  }

  function keepForOffline(data) {
    if (!("serviceWorker" in navigator) || !data.pages) {
      return;
    }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) {
        registration.active.postMessage({ keep: data.pages });
      }
    });
  }

  function load() {
    var holder = document.querySelector("[data-starred]");
    if (!holder) {
      return;
    }
    var online = navigator.onLine;
    fetch(holder.dataset.starred, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) {
          return;
        }
        if (online && navigator.onLine) {
          localStorage.setItem(SYNCED, new Date().toISOString());
          keepForOffline(data);
        }
        mark(new Set(data.starred));
        status();
      })
      .catch(function () {
        mark(new Set());
        status();
      });
  }

  function replay() {
    var items = queued();
    if (!items.length || !navigator.onLine) {
      status();
      return;
    }
    var sent = items.reduce(function (previous, item) {
      return previous.then(function () {
        return fetch(item.url, {
          method: "POST",
          credentials: "same-origin",
          headers: { Accept: "application/json" },
          body: new URLSearchParams({ action: item.action }),
        }).then(function (response) {
          if (!response.ok && response.status !== 404) {
            throw new Error("not sent");
          }
        });
      });
    }, Promise.resolve());
    sent
      .then(function () {
        saveQueue([]);
        document.documentElement.dataset.starsReplayed = "true";
        load();
      })
      .catch(status);
  }

  // Offline, a star goes into the queue instead of the network (before htmx sees it).
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!form.matches || !form.matches("form.star") || navigator.onLine) {
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation();
      var on = form.querySelector("button").getAttribute("aria-pressed") !== "true";
      var items = queued().filter(function (item) {
        return item.session !== form.dataset.session;
      });
      items.push({ url: form.getAttribute("action"), session: form.dataset.session, action: on ? "star" : "unstar" });
      saveQueue(items);
      document
        .querySelectorAll('form.star[data-session="' + CSS.escape(form.dataset.session) + '"]')
        .forEach(function (other) {
          show(other, on);
        });
      status();
    },
    true,
  );

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

  // Notes made offline wait in the service worker (sw.js); ask it to send them.
  function replayNotes() {
    if ("serviceWorker" in navigator && navigator.onLine) {
      navigator.serviceWorker.ready.then(function (registration) {
        if (registration.active) {
          registration.active.postMessage({ replay: true });
        }
      });
    }
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (!event.data || event.data.replayed === undefined) {
        return;
      }
      document.documentElement.dataset.notesWaiting = String(event.data.waiting);
      if (event.data.replayed) {
        document.documentElement.dataset.notesReplayed = "true";
      }
    });
  }

  window.addEventListener("online", replay);
  window.addEventListener("online", replayNotes);
  window.addEventListener("offline", status);

  function start() {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    }
    load();
    replay();
    replayNotes();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
