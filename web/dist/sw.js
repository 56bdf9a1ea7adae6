// palabre's service worker. The app shell (this build's files) comes from
// the cache, so the app opens with no network at all; the API, the exports
// and GraphiQL always go to the network. Nothing the API answers is kept
// here: the app keeps what it needs offline, without names, in IndexedDB.
const SHELL = ["/","/assets/Admin-CEQOF2u3.js","/assets/Dashboard-DXEaTIji.js","/assets/Dashboard-wXMT3OB2.css","/assets/Erasure-DD4cRS8O.css","/assets/Erasure-DqStt67J.js","/assets/index-Bnwqfjxd.js","/assets/index-C21eu2Rc.css","/assets/numbers-D2pccE12.js","/icon.svg","/manifest.webmanifest"]
const VERSION = "faddb0404085"
const CACHE = 'palabre-shell-' + VERSION

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('palabre-shell-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  )
})

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url)
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || !SHELL.includes(url.pathname)) {
    return
  }
  event.respondWith(
    caches.open(CACHE).then((cache) => cache.match(url.pathname).then((hit) => hit || fetch(event.request))),
  )
})
