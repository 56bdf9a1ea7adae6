import { fromBase64, newVault, scryptParams, seal, sealForServer, unseal, type Sealed, type ServerKey } from './crypto'
import type { ItemContent, ItemState, StoredItem, Store } from './db'
import { bindingOf } from './outbox'
import { pinnedKey } from './serverkey'

// A one-time migration reader for the PIN's first scheme (before issue
// 23): a key derived from the PIN by PBKDF2-SHA-256 (600,000 iterations)
// with a known-plaintext check value beside it; in the outbox, names and
// phones sealed under that key and everything else in clear; the cache in
// clear. Nothing here writes that scheme: a device that holds it is asked
// its old PIN once, and its work moves to the vault (see crypto.ts).

/** What the first scheme kept at meta 'pin'; failures is the migration's. */
export interface FirstSchemePin {
  salt: string
  check: Sealed
  failures?: number
}

/** An outbox item as the first scheme kept it. */
interface FirstSchemeItem {
  seq: number
  commandId: string
  mutation: string
  document: string
  variables: Record<string, unknown>
  identity?: Sealed
  objectId: string
  refersTo: string[]
  summary: string
  state: ItemState
  error?: ItemContent['error']
  createdAt: string
  sentAt?: string
}

const firstSchemeIterations = 600_000
const firstSchemeCheckValue = 'palabre'

export function isFirstSchemePin(record: unknown): record is FirstSchemePin {
  return typeof record === 'object' && record !== null && 'check' in record && 'salt' in record
}

/** holdsFirstScheme says whether the device still keeps the first
 * scheme's check value or outbox items. */
export async function holdsFirstScheme(db: Store): Promise<boolean> {
  if (isFirstSchemePin(await db.get('meta', 'pin'))) return true
  return (await db.getAll('outbox')).some((item) => !('content' in item))
}

/** openFirstSchemePin derives the old key and checks it against the check
 * value: null for a wrong PIN. */
export async function openFirstSchemePin(pin: string, record: FirstSchemePin, iterations = firstSchemeIterations): Promise<CryptoKey | null> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveKey'])
  const key = await crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: fromBase64(record.salt) as BufferSource, iterations },
    material, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
  const check = await unseal<string>(key, record.check).catch(() => undefined)
  return check === firstSchemeCheckValue ? key : null
}

/** migrateFirstScheme moves every outbox item and cache entry of the first
 * scheme under a new vault for newPin, names and phones sealed to the
 * pinned server key (kept under the vault until one is pinned). All is
 * computed first and written in one transaction, each old record replaced
 * by its new one and the check value last: a page closed midway leaves
 * the first scheme whole, and the next unlock starts again. */
export async function migrateFirstScheme(db: Store, oldKey: CryptoKey | null, newPin: string, params = scryptParams): Promise<CryptoKey> {
  const server = (await pinnedKey(db)) ?? null
  const { vault, key } = await newVault(newPin, params)
  const items: StoredItem[] = []
  for (const old of (await db.getAll('outbox')) as unknown[]) {
    if (!(old as StoredItem).content) items.push(await moveItem(old as FirstSchemeItem, oldKey, key, server))
  }
  const entries = (await db.getAll('cache')).filter((e) => !e.sealed)
  const cache = await Promise.all(entries.map(async (e) => ({ key: e.key, value: null, sealed: await seal(key, e.value), at: e.at })))

  const tx = db.transaction(['outbox', 'cache', 'meta'], 'readwrite')
  await Promise.all([
    ...items.map((item) => tx.objectStore('outbox').put(item)),
    ...cache.map((entry) => tx.objectStore('cache').put(entry)),
    tx.objectStore('meta').put({ vault, failures: 0 }, 'pin'),
    tx.done,
  ])
  return key
}

async function moveItem(old: FirstSchemeItem, oldKey: CryptoKey | null, key: CryptoKey, server: ServerKey | null): Promise<StoredItem> {
  const { seq, commandId, mutation, state, createdAt, sentAt, identity, document, objectId, refersTo, summary, error } = old
  // The server has a sent item's command: its variables are not kept.
  const content: ItemContent = { document, variables: state === 'sent' ? {} : old.variables, objectId, refersTo, summary, error }
  if (identity && state !== 'sent') {
    if (!oldKey) throw new Error('first scheme: a sealed name without its PIN')
    const who = await unseal<{ name: string; phone?: string }>(oldKey, identity)
    if (server) content.variables = { ...content.variables, identity: { sealed: await sealForServer(server, bindingOf(mutation, content.variables), who) } }
    else content.identity = who
  }
  const item: StoredItem = { seq, commandId, mutation, state, createdAt, content: await seal(key, content) }
  if (sentAt) item.sentAt = sentAt
  return item
}
