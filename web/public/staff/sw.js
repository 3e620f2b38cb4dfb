// The staff app's service worker: the app shell from the cache when there is no signal, the last
// task and room lists for opening offline, and Web Push notifications.
// The build writes its own version here (vite.config.ts): a new build is a new sw.js, so phones
// install it, and its activation deletes the previous build's cached scripts and styles.
const SHELL = "staff-shell-dev";
// The last lists, per person: the app deletes this cache when they sign out.
const DATA = "staff-data-v1";
const SHELL_FILES = ["/staff/", "/staff/manifest.webmanifest", "/staff/icon-192.png"];

// The built page names its hashed scripts and styles: cache them with it, so the first visit
// already leaves a shell that opens offline.
async function cacheShell() {
  const cache = await caches.open(SHELL);
  const page = await fetch("/staff/", { cache: "no-store" });
  const html = await page.clone().text();
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);
  await cache.put("/staff/", page);
  await cache.addAll([...SHELL_FILES.slice(1), ...assets]);
}

self.addEventListener("install", (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== SHELL && key !== DATA).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

function isListRead(url, request) {
  return request.method === "GET" && (url.pathname === "/api/tasks" || url.pathname === "/api/rooms");
}

// Network first; a good answer is kept with the time it was fetched, so the offline copy can say
// how old it is ("as of 10:42, offline").
async function listFromNetworkOrCache(request) {
  const cache = await caches.open(DATA);
  try {
    const response = await fetch(request);
    if (response.ok) {
      const body = await response.clone().json();
      const kept = JSON.stringify({ ...body, offlineAsOf: new Date().toISOString() });
      await cache.put(request.url, new Response(kept, { headers: { "Content-Type": "application/json" } }));
    }
    return response;
  } catch (error) {
    const cached = await cache.match(request.url);
    if (cached) return cached;
    throw error;
  }
}

async function pageFromNetworkOrShell(request) {
  try {
    const response = await fetch(request);
    if (response.ok) (await caches.open(SHELL)).put("/staff/", response.clone());
    return response;
  } catch (error) {
    const cached = await caches.match("/staff/");
    if (cached) return cached;
    throw error;
  }
}

async function assetFromCacheOrNetwork(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) (await caches.open(SHELL)).put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || request.method !== "GET") return;
  if (isListRead(url, request)) {
    event.respondWith(listFromNetworkOrCache(request));
  } else if (request.mode === "navigate" && url.pathname.startsWith("/staff/")) {
    event.respondWith(pageFromNetworkOrShell(request));
  } else if (url.pathname.startsWith("/assets/") || SHELL_FILES.includes(url.pathname)) {
    event.respondWith(assetFromCacheOrNetwork(request));
  }
});

self.addEventListener("push", (event) => {
  let message = { title: "Hotel staff", body: "", url: "/staff/" };
  try {
    message = { ...message, ...event.data.json() };
  } catch {
    if (event.data) message.body = event.data.text();
  }
  event.waitUntil(
    self.registration.showNotification(message.title, {
      body: message.body,
      icon: "/staff/icon-192.png",
      badge: "/staff/icon-192.png",
      data: { url: message.url || "/staff/" },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  let target = new URL((event.notification.data && event.notification.data.url) || "/staff/", self.location.origin);
  // Only this app's own pages are opened from a notification.
  if (target.origin !== self.location.origin || !target.pathname.startsWith("/staff/")) target = new URL("/staff/", self.location.origin);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => new URL(client.url).pathname.startsWith("/staff/"));
      if (open) return open.focus().then((client) => (client && target.href !== client.url ? client.navigate(target.href) : client));
      return self.clients.openWindow(target.href);
    }),
  );
});
