import { openDB, type DBSchema, type IDBPDatabase } from 'idb'
import { seal, unseal, type Sealed } from './crypto'
import type { ApiError } from './api'

// The device's store (IndexedDB): the outbox, what the app caches to work
// offline (vocabulary, spaces, stakeholders, participants' codes — never a
// name), and a few settings. Names and phones are sealed to the server
// before they get here; what the app reads back is sealed under the PIN's
// data key (see crypto.ts) whenever the app has one.

export type ItemState = 'waiting' | 'sent' | 'refused'

/** What an outbox item keeps sealed under the PIN's data key. */
export interface ItemContent {
  document: string
  /** The command's variables; a name and phone only as sealed to the
   * server (identity.sealed). Emptied once the server has the command. */
  variables: Record<string, unknown>
  /** The object it creates or acts on. */
  objectId: string
  /** Objects it names that earlier items create: it waits for them. */
  refersTo: string[]
  /** What the person reads in the outbox (never a name). */
  summary: string
  /** The id of the token whose session made it (not its secret): it is
   * sent under that token only. Items made before have none. */
  owner?: string
  error?: ApiError
  /** A name and phone moved from the PIN's first scheme before the
   * server's key was pinned: kept under the PIN only until it is, then
   * sealed to the server (Outbox.sealWaitingNames). */
  identity?: { name: string; phone?: string; organisation?: string }
}

/** An outbox item as the app reads it: one command, with the ids it makes
 * and refers to. */
export interface OutboxItem extends ItemContent {
  seq?: number
  commandId: string
  mutation: string
  state: ItemState
  createdAt: string
  sentAt?: string
}

/** An outbox item as the device keeps it: its content sealed. */
export interface StoredItem {
  seq?: number
  commandId: string
  mutation: string
  state: ItemState
  createdAt: string
  sentAt?: string
  content: Sealed
}

interface Schema extends DBSchema {
  outbox: { key: number; value: StoredItem; indexes: { byCommand: string } }
  cache: { key: string; value: { key: string; value: unknown; sealed?: Sealed; at: string } }
  meta: { key: string; value: unknown }
}

export type Store = IDBPDatabase<Schema>

/** storeName is the app's database: the wipe deletes every database of
 * this origin, and tests name their own. */
export const storeName = 'palabre'

export function openStore(name = storeName): Promise<Store> {
  return openDB<Schema>(name, 2, {
    upgrade(db, from) {
      // Version 1 (the PIN's first scheme) keeps its records as they are:
      // the first unlock moves them under the new PIN (firstscheme.ts).
      if (from >= 1) return
      const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true })
      outbox.createIndex('byCommand', 'commandId', { unique: true })
      db.createObjectStore('cache', { keyPath: 'key' })
      db.createObjectStore('meta')
    },
    // A wipe deletes the database: the app lets go of it at once.
    blocking(_current, _blocked, event) {
      ;(event.target as IDBDatabase).close()
    },
  })
}

/** cached reads what keep kept; under a key, sealed. */
export async function cached<T>(db: Store, name: string, key: CryptoKey | null): Promise<T | undefined> {
  const entry = await db.get('cache', name)
  if (!entry?.sealed) return entry?.value as T | undefined
  return key ? unseal<T>(key, entry.sealed).catch(() => undefined) : undefined
}

/** keep keeps what the server sent, sealed under the PIN's data key when
 * the app has one (roles that write); in clear for the analyst, who has
 * no PIN and gets figures and spaces only. */
export async function keep(db: Store, name: string, value: unknown, key: CryptoKey | null): Promise<void> {
  const at = new Date().toISOString()
  await db.put('cache', key ? { key: name, value: null, sealed: await seal(key, value), at } : { key: name, value, at })
}

/** forget is what signing out leaves behind: no session and nothing the
 * server sent (a region's codes and dialogues help whoever takes the
 * device next), but the outbox and the PIN's settings, so unsent work is
 * sent after its own token signs in again (Outbox.drain); and, in the same
 * transaction, a sign-out pending until the server has ended the session
 * (signout.ts). */
export async function forget(db: Store): Promise<void> {
  const tx = db.transaction(['meta', 'cache'], 'readwrite')
  const meta = tx.objectStore('meta')
  await Promise.all([meta.delete('session'), meta.put(new Date().toISOString(), pendingSignOut), tx.objectStore('cache').clear(), tx.done])
}

/** pendingSignOut names, in meta, when a sign-out was asked that the
 * server has not yet ended (its cookie is HttpOnly: only it can). */
export const pendingSignOut = 'signOut'
