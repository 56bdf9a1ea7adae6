import type { ServerKey } from './crypto'
import type { Store } from './db'

// The server's device key is pinned on the device at the first sign-in:
// names are sealed to that key only. Another key later (a server
// reinstalled without its master key, or someone in the middle) is
// refused loudly, never taken silently; the way on is the quick exit,
// which forgets the pinned key with everything else.

export type Pinning = { key: ServerKey } | { changed: { was: ServerKey; now: ServerKey } }

/** pinnedKey is the key pinned on this device, if any. */
export async function pinnedKey(db: Store): Promise<ServerKey | undefined> {
  return (await db.get('meta', 'serverKey')) as ServerKey | undefined
}

/** pin compares the key the server publishes with the pinned one, pinning
 * it when there is none. */
export async function pin(db: Store, published: ServerKey): Promise<Pinning> {
  const was = await pinnedKey(db)
  if (!was) {
    await db.put('meta', published, 'serverKey')
    return { key: published }
  }
  if (was.id !== published.id || was.publicKey !== published.publicKey || was.algorithm !== published.algorithm) {
    return { changed: { was, now: published } }
  }
  return { key: was }
}
