// palabre's service worker. The app shell (this build's files every role
// loads) comes from the cache, so the app opens with no network at all;
// a page only some roles open (the dashboard, the admin's) is cached once
// the app says the signed-in role uses it, so no role's device keeps
// another's code. The API, the exports and GraphiQL always go to the
// network: nothing the API answers is kept here; the app keeps what it
// needs offline, without names, in IndexedDB.
const SHELL = ["/","/assets/index-B6ISnymp.js","/assets/index-IS8nRl--.css","/icon.svg","/manifest.webmanifest"]
const PAGES = {"admin":["/assets/Admin-hbWR6MZq.js","/assets/Erasure-DPKGNFwn.js","/assets/Erasure-T9BhRc_K.css"],"dashboard":["/assets/Dashboard-BFqjNwkH.js","/assets/Dashboard-wXMT3OB2.css"],"donorreport":["/assets/DonorReport-DU8ma1PE.js","/assets/results-C-ZoEyS6.css","/assets/results-q9XYU4g-.js"],"erasure":["/assets/Erasure-DPKGNFwn.js","/assets/Erasure-T9BhRc_K.css"],"frameworks":["/assets/Frameworks-CCTvVnuv.js","/assets/results-C-ZoEyS6.css","/assets/results-q9XYU4g-.js"]}
const VERSION = "73442c3bf3ed"
const CACHE = 'palabre-shell-' + VERSION
const OWN = new Set([...SHELL, ...Object.values(PAGES).flat()])

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

// The app names the pages its role opens ({pages: ['dashboard']}): their
// files are cached now, to open offline later.
self.addEventListener('message', (event) => {
  const pages = Array.isArray(event.data?.pages) ? event.data.pages : []
  const files = pages.flatMap((p) => PAGES[p] ?? [])
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(files)))
})

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url)
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || !OWN.has(url.pathname)) {
    return
  }
  event.respondWith(
    caches.open(CACHE).then((cache) => cache.match(url.pathname).then((hit) => hit || fetch(event.request))),
  )
})
