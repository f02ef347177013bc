// The offline app's service worker (served by fieldwork.views.service_worker, which puts SHELL and
// SHELL_VERSION above this). It keeps only the /luring/ page and its static files, nothing personal:
// the data lives in IndexedDB. Every other request goes to the network untouched.
/* global SHELL, SHELL_VERSION, LuringSend, LuringDB */
"use strict";
var CACHE = "luring-" + SHELL_VERSION;
var PAGE = SHELL[0];

importScripts(SHELL.find(function (url) { return url.indexOf("luring/db") !== -1; }),
              SHELL.find(function (url) { return url.indexOf("luring/send") !== -1; }));

async function keepShell() {
  var cache = await caches.open(CACHE);
  await Promise.all(SHELL.map(async function (url) {
    var response = await fetch(url, { credentials: "same-origin", cache: "no-cache" });
    // Never keep a login page under /luring/: only the page itself.
    if (!response.ok || response.redirected) throw new Error("Tidak bisa menyimpan " + url);
    await cache.put(url, response);
  }));
}

self.addEventListener("install", function (event) {
  event.waitUntil(keepShell().then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("luring-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// The page opens from the cache at once (with or without signal) and is refreshed behind it.
async function page(request) {
  var cache = await caches.open(CACHE);
  var kept = await cache.match(PAGE);
  var fresh = fetch(request).then(function (response) {
    if (response.ok && !response.redirected) cache.put(PAGE, response.clone());
    return response;
  });
  if (kept) {
    fresh.catch(function () {});
    return kept;
  }
  return fresh;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === PAGE) {
    event.respondWith(page(request));
  } else if (SHELL.indexOf(url.pathname) > 0) {
    event.respondWith(caches.match(url.pathname).then(function (kept) { return kept || fetch(request); }));
  }
});

// Background Sync: with the page open it sends (and shows the answers); with none, this worker does.
self.addEventListener("sync", function (event) {
  if (event.tag !== "kirim-antrean") return;
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(async function (windows) {
    if (windows.length) {
      windows.forEach(function (client) { client.postMessage("kirim"); });
      return;
    }
    var urls = await LuringDB.get("meta", "urls");
    if (!urls) return;
    var result = await LuringSend(urls);
    if (result.outcome === "luring") throw new Error("Belum ada sinyal; dicoba lagi nanti.");
  }));
});
