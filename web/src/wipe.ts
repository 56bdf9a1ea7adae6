// The quick exit, and what a lockout or a revoked token does: everything
// palabre keeps in this browser goes, in one go, and the tab leaves for a
// blank page. It works offline; online, the session ends on the server
// too (its cookie is HttpOnly: only the server can end it).

/** wipeDevice deletes every database, cache, service worker and stored
 * setting of this origin; each step goes on when another fails. */
export async function wipeDevice(endSession?: () => Promise<unknown>): Promise<void> {
  const steps: Promise<unknown>[] = [
    endSession?.().catch(() => undefined) ?? Promise.resolve(),
    (async () => {
      const names = (await indexedDB.databases?.())?.map((d) => d.name).filter((n): n is string => !!n) ?? ['palabre']
      await Promise.all(names.map((name) => new Promise((done) => {
        const req = indexedDB.deleteDatabase(name)
        req.onsuccess = req.onerror = done // blocked, it waits for the app's connection to close
      })))
    })(),
    (async () => Promise.all((await caches.keys()).map((k) => caches.delete(k))))(),
    (async () => Promise.all((await navigator.serviceWorker?.getRegistrations() ?? []).map((r) => r.unregister())))(),
  ]
  localStorage.clear()
  sessionStorage.clear()
  await Promise.allSettled(steps.map((p) => Promise.race([p, new Promise((done) => setTimeout(done, 3000))])))
}

/** leave is the neutral page the tab goes to, replacing palabre's in the
 * tab's history. */
export function leave(): void {
  location.replace('about:blank')
}
