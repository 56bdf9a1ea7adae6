import { openDB, type DBSchema, type IDBPDatabase } from 'idb'
import type { Sealed } from './crypto'
import type { ApiError } from './api'

// The device's store (IndexedDB): the outbox, what the app caches to work
// offline (vocabulary, spaces, stakeholders, participants' codes — never a
// name), and a few settings. Nothing here is a name or phone in clear.

export type ItemState = 'waiting' | 'sent' | 'refused'

/** An outbox item: one command, with the ids it makes and refers to. */
export interface OutboxItem {
  seq?: number
  commandId: string
  mutation: string
  document: string
  variables: Record<string, unknown>
  /** The name and phone of an enrolment, sealed under the PIN's key. */
  identity?: Sealed
  /** The object it creates or acts on. */
  objectId: string
  /** Objects it names that earlier items create: it waits for them. */
  refersTo: string[]
  /** What the person reads in the outbox (never a name). */
  summary: string
  state: ItemState
  error?: ApiError
  createdAt: string
  sentAt?: string
}

interface Schema extends DBSchema {
  outbox: { key: number; value: OutboxItem; indexes: { byCommand: string } }
  cache: { key: string; value: { key: string; value: unknown; at: string } }
  meta: { key: string; value: unknown }
}

export type Store = IDBPDatabase<Schema>

export function openStore(name = 'palabre'): Promise<Store> {
  return openDB<Schema>(name, 1, {
    upgrade(db) {
      const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true })
      outbox.createIndex('byCommand', 'commandId', { unique: true })
      db.createObjectStore('cache', { keyPath: 'key' })
      db.createObjectStore('meta')
    },
  })
}

export async function cached<T>(db: Store, key: string): Promise<T | undefined> {
  return (await db.get('cache', key))?.value as T | undefined
}

export async function keep(db: Store, key: string, value: unknown): Promise<void> {
  await db.put('cache', { key, value, at: new Date().toISOString() })
}

/** forget is what signing out leaves behind: no session and nothing the
 * server sent (a region's codes and dialogues help whoever takes the
 * device next), but the outbox and the PIN's settings, so unsent work is
 * sent after the next sign-in. */
export async function forget(db: Store): Promise<void> {
  const tx = db.transaction(['meta', 'cache'], 'readwrite')
  await Promise.all([tx.objectStore('meta').delete('session'), tx.objectStore('cache').clear(), tx.done])
}
