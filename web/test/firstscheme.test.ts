import 'fake-indexeddb/auto'
import { openDB } from 'idb'
import { describe, expect, it } from 'vitest'
import { Offline } from '../src/api'
import { toBase64, type Binding, type ServerKey } from '../src/crypto'
import { cached, openStore, type Store } from '../src/db'
import { holdsFirstScheme } from '../src/firstscheme'
import { Outbox } from '../src/outbox'
import { maxFailures, unlock, unlockFirstScheme } from '../src/pages/Pin'
import { server } from './server'

// A device as the PIN's first scheme left it (web/src/crypto.ts, db.ts and
// outbox.ts before c5d749a): PBKDF2-SHA-256 of the PIN, a sealed check
// value 'palabre', names and phones sealed under that key in an item's
// identity, the rest of each item and the cache in clear. Tests derive
// with few iterations and a small scrypt (both kept with their records).
const cost = { iterations: 1000, params: { N: 2 ** 10, r: 8, p: 1 } }
const oldPin = '123456'
const newcomer = { name: 'Aminata Canari', phone: '+223 555 01 02' }
// The newcomer's enrolment, E1, names no region: what its name is sealed for.
const newcomerBinding: Binding = { purpose: 'EnrolParticipant', records: ['E1'], region: '' }

async function firstSchemeDevice(name: string): Promise<void> {
  const encoder = new TextEncoder()
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const material = await crypto.subtle.importKey('raw', encoder.encode(oldPin), 'PBKDF2', false, ['deriveKey'])
  const key = await crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: cost.iterations }, material,
    { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
  const seal = async (value: unknown) => {
    const iv = crypto.getRandomValues(new Uint8Array(12))
    const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, encoder.encode(JSON.stringify(value)))
    return { iv: toBase64(iv), data: toBase64(new Uint8Array(data)) }
  }
  const db = await openDB(name, 1, {
    upgrade(db) {
      db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true }).createIndex('byCommand', 'commandId', { unique: true })
      db.createObjectStore('cache', { keyPath: 'key' })
      db.createObjectStore('meta')
    },
  })
  const item = { document: 'mutation', refersTo: [] as string[], state: 'waiting', createdAt: '2026-11-28T08:00:00Z' }
  await db.add('outbox', { ...item, commandId: 'E1', mutation: 'enrolParticipant', objectId: 'E1', summary: 'GAO-0042',
    variables: { commandId: 'E1', input: { code: 'GAO-0042' } }, identity: await seal(newcomer) })
  await db.add('outbox', { ...item, commandId: 'D1', mutation: 'holdDialogue', objectId: 'D1', summary: 'Ansongo', refersTo: ['E1'],
    variables: { commandId: 'D1', input: { attendees: ['E1'], notes: 'puits' } } })
  await db.add('outbox', { ...item, commandId: 'D2', mutation: 'holdDialogue', objectId: 'D2', summary: 'Bourem',
    variables: { commandId: 'D2', input: { headcount: 31 } } })
  await db.put('cache', { key: 'reference', value: { participants: [{ code: 'GAO-0001' }] }, at: '2026-11-28T08:00:00Z' })
  await db.put('meta', { salt: toBase64(salt), check: await seal('palabre') }, 'pin')
  await db.put('meta', { subject: 'facilitator-x', role: 'facilitator', regions: ['gao'] }, 'session')
  db.close()
}

const outbox = (db: Store, key: CryptoKey, serverKey: ServerKey | null) =>
  new Outbox(db, async () => { throw new Offline('offline') }, () => key, () => serverKey)

async function expectWorkIntact(db: Store, key: CryptoKey, open: (envelope: string, binding: Binding) => Promise<unknown>, serverKey: ServerKey) {
  const items = await outbox(db, key, serverKey).list()
  expect(items.map((i) => [i.commandId, i.state, i.refersTo])).toEqual([['E1', 'waiting', []], ['D1', 'waiting', ['E1']], ['D2', 'waiting', []]])
  expect(items[1].variables).toEqual({ commandId: 'D1', input: { attendees: ['E1'], notes: 'puits' } })
  expect(items[2].variables).toEqual({ commandId: 'D2', input: { headcount: 31 } })
  const sealed = (items[0].variables.identity as { sealed: string }).sealed
  expect(await open(sealed, newcomerBinding)).toEqual(newcomer)
  expect(items[0].identity).toBeUndefined()
  const stored = JSON.stringify([await db.getAll('outbox'), await db.getAll('cache'), await db.getAll('meta')])
  for (const clear of ['Aminata', '555', 'GAO-0042', 'GAO-0001', 'puits', 'check']) expect(stored).not.toContain(clear)
  expect(await cached(db, 'reference', key)).toEqual({ participants: [{ code: 'GAO-0001' }] })
  expect(await holdsFirstScheme(db)).toBe(false)
}

describe('a device that holds the PIN’s first scheme', () => {
  it('moves every pending item under the new PIN, the newcomer’s name sealed to the pinned server key', async () => {
    await firstSchemeDevice('first-scheme')
    const db = await openStore('first-scheme')
    expect(await db.count('outbox')).toBe(3)
    const s = await server()
    await db.put('meta', s.key, 'serverKey')

    const key = await unlockFirstScheme(db, oldPin, '24681357', cost)

    expect(key).toBeInstanceOf(CryptoKey)
    await expectWorkIntact(db, key as CryptoKey, s.open, s.key)
    expect(await unlock(db, '24681357')).toBeInstanceOf(CryptoKey)
    expect(await db.get('meta', 'session')).toMatchObject({ subject: 'facilitator-x' })
  })

  it('keeps a name under the new PIN while no server key is pinned, never sends it, and seals it once one is', async () => {
    await firstSchemeDevice('first-scheme-offline')
    const db = await openStore('first-scheme-offline')
    const key = (await unlockFirstScheme(db, oldPin, '24681357', cost)) as CryptoKey
    const waiting = await outbox(db, key, null).list()
    expect(waiting[0].identity).toEqual(newcomer)
    expect(JSON.stringify(await db.getAll('outbox'))).not.toContain('Aminata')
    const sent: unknown[] = []
    const offlineBox = new Outbox(db, async (_, v) => (sent.push(v), { data: {}, errors: [] }), () => key, () => null)
    expect(await offlineBox.drain()).toEqual({ sent: 1, refused: 0, waiting: 2 })
    expect(sent.map((v) => (v as { commandId: string }).commandId)).toEqual(['D2'])

    const s = await server()
    await outbox(db, key, s.key).sealWaitingNames()
    const items = await outbox(db, key, s.key).list()
    expect(items[0].identity).toBeUndefined()
    expect(await s.open((items[0].variables.identity as { sealed: string }).sealed, newcomerBinding)).toEqual(newcomer)
  })

  it('resumes a migration interrupted midway, with nothing lost', async () => {
    await firstSchemeDevice('first-scheme-interrupted')
    const db = await openStore('first-scheme-interrupted')
    const now = async () => JSON.stringify([await db.getAll('outbox'), await db.getAll('cache'), await db.get('meta', 'pin')])
    const before = await now()
    // A server key that cannot be used: sealing the newcomer fails.
    await db.put('meta', { id: 'k', algorithm: 'p256', publicKey: 'AAAA' }, 'serverKey')
    await expect(unlockFirstScheme(db, oldPin, '24681357', cost)).rejects.toThrow()
    expect(await now()).toBe(before)

    // The page closed while writing: the transaction ends once the second
    // item is written, before it commits.
    const s = await server()
    await db.put('meta', s.key, 'serverKey')
    const put = IDBObjectStore.prototype.put
    let puts = 0
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
      const request = put.apply(this, args)
      const tx = this.transaction
      if (this.name === 'outbox' && ++puts === 2) queueMicrotask(() => tx.abort())
      return request
    }
    try {
      await expect(unlockFirstScheme(db, oldPin, '24681357', cost)).rejects.toThrow()
    } finally {
      IDBObjectStore.prototype.put = put
    }
    expect(puts).toBe(3)
    expect(await now()).toBe(before)

    const key = await unlockFirstScheme(db, oldPin, '97531864', cost)
    await expectWorkIntact(db, key as CryptoKey, s.open, s.key)
  })

  it('counts a wrong old PIN toward the wipe and deletes nothing', async () => {
    await firstSchemeDevice('first-scheme-wrong')
    const db = await openStore('first-scheme-wrong')
    const before = JSON.stringify([await db.getAll('outbox'), await db.getAll('cache')])
    const left = []
    for (let i = 0; i < maxFailures; i++) left.push(((await unlockFirstScheme(db, '65432' + i, '24681357', cost)) as { left: number }).left)
    expect(left).toEqual([4, 3, 2, 1, 0])
    expect(JSON.stringify([await db.getAll('outbox'), await db.getAll('cache')])).toBe(before)
    expect(await holdsFirstScheme(db)).toBe(true)
  })
})
