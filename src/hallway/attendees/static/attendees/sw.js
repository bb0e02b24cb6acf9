// hallway's service worker (hand-written, no build step): once visited, the programme, the
// attendee's agenda and their starred session pages open with no connection, and assets come
// from the cache.  Pages are fetched from the network first (a change of programme shows at
// once when online) and kept; offline, the kept copy is shown.  Stars made offline are queued
// by stars.js and replayed when the connection returns.  Notes are queued here: a note posted
// with no connection is kept in a cache of its own (one per session, the latest text wins)
// and posted again when a page says the connection is back (stars.js sends "replay").
"use strict";

const CACHE = "hallway-v1";
const QUEUE = "hallway-queue-v1";
const SKIP = ["/manage/", "/accounts/", "/healthz", "/readyz"];
const NOTE = /^\/[^/]+\/agenda\/notes\/[^/]+\/$/;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.filter((n) => n !== CACHE && n !== QUEUE).map((n) => caches.delete(n)),
        ),
      )
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

function escape(text) {
  const entities = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  return text.replace(/[&<>"']/g, (c) => entities[c]);
}

// What a note posted offline answers: the text, and that it waits on this device.
function queuedAnswer(request, body) {
  const text = new URLSearchParams(body).get("text") || "";
  const block =
    '<section class="my-notes" id="my-notes" data-queued="true"><h2>My private notes</h2>' +
    '<p class="note-queued" role="status">You are offline: this note is kept on this device ' +
    "and saved as soon as you are back online.</p>" +
    '<pre class="note-text">' + escape(text) + "</pre></section>";
  const page = request.headers.get("HX-Request")
    ? block
    : '<!doctype html><meta charset="utf-8"><title>Note kept offline</title>' + block;
  return new Response(page, {
    status: 202,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
  });
}

async function sendOrQueue(request) {
  const body = await request.clone().text();
  try {
    return await fetch(request);
  } catch (error) {
    const item = {
      url: request.url,
      body: body,
      type: request.headers.get("Content-Type") || "application/x-www-form-urlencoded",
    };
    const queue = await caches.open(QUEUE);
    await queue.put(new Request(request.url), new Response(JSON.stringify(item)));
    return queuedAnswer(request, body);
  }
}

const pause = (ms) => new Promise((done) => setTimeout(done, ms));
let replaying = null;

// Post the kept notes again, one replay at a time.  The page's "online" event can come a
// moment before the network answers, so a failed try is repeated a few times.
function replay() {
  if (!replaying) {
    replaying = (async () => {
      for (let attempt = 0; attempt < 8; attempt++) {
        if (await replayOnce()) {
          break;
        }
        await pause(250 * 2 ** Math.min(attempt, 3));
      }
    })().finally(() => {
      replaying = null;
    });
  }
  return replaying;
}

// One pass over the queue; true unless the network failed.  Tells the pages how many were
// sent and how many still wait.
async function replayOnce() {
  const queue = await caches.open(QUEUE);
  let sent = 0;
  let reached = true;
  for (const key of await queue.keys()) {
    const item = await (await queue.match(key)).json();
    let response;
    try {
      response = await fetch(item.url, {
        method: "POST",
        body: item.body,
        credentials: "same-origin",
        headers: { "Content-Type": item.type, Accept: "application/json" },
      });
    } catch (error) {
      reached = false; // still offline: keep the rest for next time
      break;
    }
    // A refused note (too long, a session gone) is not sent again; anything else waits.
    if (response.ok || response.status === 400 || response.status === 404) {
      await queue.delete(key);
      sent += response.ok ? 1 : 0;
    }
  }
  const waiting = (await queue.keys()).length;
  const pages = await self.clients.matchAll({ type: "window" });
  pages.forEach((page) => page.postMessage({ replayed: sent, waiting: waiting }));
  return reached;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method === "POST" && url.origin === self.location.origin && NOTE.test(url.pathname)) {
    event.respondWith(sendOrQueue(request));
    return;
  }
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
  if (event.data && event.data.replay) {
    event.waitUntil(replay());
    return;
  }
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
