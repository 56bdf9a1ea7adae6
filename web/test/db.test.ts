import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { newVault, type ServerKey } from '../src/crypto'
import { cached, forget, keep, openStore } from '../src/db'
import { pin, pinnedKey } from '../src/serverkey'
import { choosePin, maxFailures, unlock } from '../src/pages/Pin'

const quick = { N: 2 ** 10, r: 8, p: 1 }

describe('signing out', () => {
  it('leaves on the device none of the region’s codes or dialogues, but keeps what is not yet sent and the pinned server key', async () => {
    const db = await openStore('sign-out')
    const { key } = await newVault('123456', quick)
    await db.put('meta', { subject: 'facilitator-x', role: 'facilitator', regions: ['gao'] }, 'session')
    await db.put('meta', { id: 'k', algorithm: 'p256', publicKey: 'AA' }, 'serverKey')
    await keep(db, 'reference', { participants: [{ id: '01JE8B90B8X7DX6YZ1KQQNEWHP', code: 'GAO-0001', region: 'gao' }] }, key)
    await db.add('outbox', { commandId: 'c1', mutation: 'holdDialogue', state: 'waiting', createdAt: '2026-12-03T08:00:00Z', content: { iv: '', data: '' } })

    await forget(db)

    expect(await db.get('meta', 'session')).toBeUndefined()
    expect(await db.getAll('cache')).toEqual([])
    expect(await db.count('outbox')).toBe(1)
    expect(await pinnedKey(db)).toBeDefined()
  })
})

describe('what the server sent', () => {
  it('is kept sealed under the PIN’s key, and read back with it only', async () => {
    const db = await openStore('cache-sealed')
    const { key } = await newVault('123456', quick)
    await keep(db, 'reference', { code: 'GAO-0001' }, key)
    expect(JSON.stringify(await db.getAll('cache'))).not.toContain('GAO')
    expect(await cached(db, 'reference', key)).toEqual({ code: 'GAO-0001' })
    expect(await cached(db, 'reference', null)).toBeUndefined()
    expect(await cached(db, 'reference', (await newVault('123456', quick)).key)).toBeUndefined()
  })
})

describe('the server’s key', () => {
  const key = (id: string, publicKey = 'BAAA'): ServerKey => ({ id, algorithm: 'p256', publicKey })
  it('is pinned at the first sign-in, and another one later is refused, not taken', async () => {
    const db = await openStore('pinning')
    expect(await pin(db, key('a'))).toEqual({ key: key('a') })
    expect(await pin(db, key('a'))).toEqual({ key: key('a') })
    expect(await pin(db, key('b'))).toEqual({ changed: { was: key('a'), now: key('b') } })
    expect(await pin(db, key('a', 'BBBB'))).toEqual({ changed: { was: key('a'), now: key('a', 'BBBB') } })
    expect(await pinnedKey(db)).toEqual(key('a'))
  })
})

describe('the PIN', () => {
  it('counts wrong PINs in a row, forgets them at a right one, and says when the device must be wiped', async () => {
    const db = await openStore('pin-failures')
    const { vault } = await newVault('135790', quick)
    await db.put('meta', { vault, failures: 0 }, 'pin')
    expect(await unlock(db, '000000')).toEqual({ left: maxFailures - 1 })
    expect(await unlock(db, '135790')).toBeInstanceOf(CryptoKey)
    const left = []
    for (let i = 0; i < maxFailures; i++) left.push(((await unlock(db, '00000' + i)) as { left: number }).left)
    expect(left).toEqual([4, 3, 2, 1, 0])
    expect(maxFailures).toBe(5)
  })

  it('is kept as a wrapped key and a count, nothing else', async () => {
    const db = await openStore('pin-choose')
    await choosePin(db, '135790')
    const record = (await db.get('meta', 'pin')) as Record<string, unknown>
    expect(Object.keys(record).sort()).toEqual(['failures', 'vault'])
    expect(JSON.stringify(record)).not.toContain('135790')
  }, 60_000)
})

describe('a device upgraded from the PIN’s first scheme', () => {
  it('drops what it kept in clear or under the old PIN, and keeps who signed in', async () => {
    const { openDB } = await import('idb')
    const old = await openDB('upgraded', 1, {
      upgrade(db) {
        db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true }).createIndex('byCommand', 'commandId', { unique: true })
        db.createObjectStore('cache', { keyPath: 'key' })
        db.createObjectStore('meta')
      },
    })
    await old.add('outbox', { commandId: 'c1', variables: { input: { code: 'GAO-0001' } }, identity: { iv: 'x', data: 'y' } })
    await old.put('cache', { key: 'reference', value: { participants: [{ code: 'GAO-0001' }] } })
    await old.put('meta', { salt: 's', check: { iv: 'x', data: 'y' } }, 'pin')
    await old.put('meta', { subject: 'facilitator-x' }, 'session')
    old.close()

    const db = await openStore('upgraded')

    expect(await db.count('outbox')).toBe(0)
    expect(await db.count('cache')).toBe(0)
    expect(await db.get('meta', 'pin')).toBeUndefined()
    expect(await db.get('meta', 'session')).toEqual({ subject: 'facilitator-x' })
  })
})
