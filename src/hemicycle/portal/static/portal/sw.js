/* Hémicycle — service worker of the members' portal (scope: /elu/).
 *
 * Pages of the portal and the documents a member opens (sitting packs, acts, annexes) are
 * kept in the Cache API as they are fetched, so that they can be read again without network:
 * network first, the cached copy when the network fails, the "hors ligne" page for a page
 * never opened. Static files (DSFR) are served from the cache and refreshed behind. The
 * annotations API, downloads and the service worker itself are never cached. The portal's
 * script empties these caches at logout and when another member uses the device.
 */
"use strict";

var VERSION = "hc-portal-v1";
var PAGES = VERSION + "-pages";
var STATIC = VERSION + "-static";
var SCOPE = new URL(self.registration.scope);
var OFFLINE = new URL("hors-ligne/", SCOPE).href;
var NEVER = ["annotations/", "sw.js", "secretariat/"];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(PAGES)
      .then(function (cache) { return cache.add(new Request(OFFLINE, { credentials: "same-origin" })); })
      .catch(function () { /* the offline page will be cached on a later visit */ })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("hc-portal") === 0 && key !== PAGES && key !== STATIC;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "clear") {
    event.waitUntil(caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) { return key.indexOf("hc-portal") === 0; })
        .map(function (key) { return caches.delete(key); }));
    }));
  }
});

function kind(request) {
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return null; }
  if (url.pathname.indexOf("/static/") === 0) { return "static"; }
  if (url.pathname.indexOf(SCOPE.pathname) !== 0) { return null; }
  var rest = url.pathname.slice(SCOPE.pathname.length);
  for (var i = 0; i < NEVER.length; i += 1) {
    if (rest.indexOf(NEVER[i]) === 0) { return null; }
  }
  if (/\/telecharger\/$/.test(url.pathname)) { return null; }
  return "page";
}

function keep(response) {
  return response && response.ok && !response.redirected && response.type === "basic";
}

function networkFirst(request) {
  return caches.open(PAGES).then(function (cache) {
    return fetch(request).then(function (response) {
      if (keep(response)) { cache.put(request, response.clone()); }
      return response;
    }).catch(function (error) {
      // ignoreVary: responses vary on Cookie and Accept-Language, which a cached copy for this
      // device's member may ignore (another member's copies are deleted, see portal.js).
      return cache.match(request, { ignoreVary: true }).then(function (hit) {
        return hit || cache.match(request, { ignoreVary: true, ignoreSearch: true });
      }).then(function (hit) {
        if (hit) { return hit; }
        if (request.mode === "navigate") {
          return cache.match(OFFLINE, { ignoreVary: true }).then(function (page) { if (page) { return page; } throw error; });
        }
        throw error;
      });
    });
  });
}

function staleWhileRevalidate(request) {
  return caches.open(STATIC).then(function (cache) {
    return cache.match(request, { ignoreVary: true }).then(function (hit) {
      var refresh = fetch(request).then(function (response) {
        if (keep(response)) { cache.put(request, response.clone()); }
        return response;
      });
      if (hit) { refresh.catch(function () {}); return hit; }
      return refresh;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var what = kind(event.request);
  if (what === "page") {
    event.respondWith(networkFirst(event.request));
  } else if (what === "static") {
    event.respondWith(staleWhileRevalidate(event.request));
  }
});
