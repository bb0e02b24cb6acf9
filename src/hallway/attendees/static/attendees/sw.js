// hallway's service worker (hand-written, no build step): once visited, the programme, the
// attendee's agenda and their starred session pages open with no connection, and assets come
// from the cache.  Pages are fetched from the network first (a change of programme shows at
// once when online) and kept; offline, the kept copy is shown.  Stars made offline are queued
// by stars.js and replayed when the connection returns.
"use strict";

const CACHE = "hallway-v1";
const SKIP = ["/manage/", "/accounts/", "/healthz", "/readyz"];

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

function keep(request, response) {
  if (response.ok && response.type === "basic") {
    const copy = response.clone();
    caches.open(CACHE).then((cache) => cache.put(request, copy));
  }
  return response;
}

function fromCache(request) {
  // Private pages vary by cookie; this cache belongs to this browser alone.
  return caches.match(request, { ignoreVary: true }).then(
    (hit) =>
      hit ||
      new Response("You are offline and this page was not saved on this device yet.", {
        status: 503,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      }),
  );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (SKIP.some((prefix) => url.pathname.startsWith(prefix))) {
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    // Static files have hashed names in production: a kept copy never goes stale.
    event.respondWith(
      caches.match(request).then((hit) => hit || fetch(request).then((r) => keep(request, r))),
    );
    return;
  }
  event.respondWith(
    fetch(request)
      .then((response) => keep(request, response))
      .catch(() => fromCache(request)),
  );
});

// stars.js names the pages to keep for offline use: the agenda and every starred session.
self.addEventListener("message", (event) => {
  const pages = (event.data && event.data.keep) || [];
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      Promise.all(
        pages.map((page) =>
          fetch(page, { credentials: "same-origin" })
            .then((response) => (response.ok ? cache.put(page, response) : null))
            .catch(() => null),
        ),
      ),
    ),
  );
});
