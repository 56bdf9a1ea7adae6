import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { newVault } from '../src/crypto'
import { openStore } from '../src/db'
import { Outbox } from '../src/outbox'
import { beginSignOut, endPendingSignOut, signOutPending } from '../src/signout'

globalThis.document ??= { documentElement: { lang: 'fr' } } as Document

let n = 0
const store = () => openStore('sign-out-' + n++)
const unlocked = await newVault('123456', { N: 2 ** 10, r: 8, p: 1 })
const command = (id: string) => ({ mutation: 'holdDialogue', document: 'mutation', variables: { commandId: id }, objectId: id, summary: id })

describe('a sign-out made offline', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('stays pending until the server has ended the session, and is ended at the first request that reaches it', async () => {
    const db = await store()
    await db.put('meta', { subject: 'gao-1', role: 'facilitator', regions: ['gao'] }, 'session')
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('offline'))))
    await beginSignOut(db)
    expect(await db.get('meta', 'session')).toBeUndefined()
    expect(await signOutPending(db)).toBe(true)
    // A server that fails to close the session has not ended it either.
    vi.stubGlobal('fetch', vi.fn(async () => new Response('', { status: 500 })))
    expect(await endPendingSignOut(db)).toBe(false)
    expect(await signOutPending(db)).toBe(true)
    const fetch = vi.fn(async () => new Response(null, { status: 204 }))
    vi.stubGlobal('fetch', fetch)
    expect(await endPendingSignOut(db)).toBe(true)
    expect((fetch.mock.calls[0] as unknown as [string, RequestInit])[1].method).toBe('DELETE')
    expect(await signOutPending(db)).toBe(false)
  })

  it('keeps the outbox from sending anything until it is ended', async () => {
    const db = await store()
    const send = vi.fn(async () => ({ data: {}, errors: [] }))
    const box = new Outbox(db, send, () => unlocked.key, () => null, () => 'token-a')
    await box.add(command('A1'))
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('offline'))))
    await beginSignOut(db)
    expect(await box.drain()).toMatchObject({ sent: 0, waiting: 1, stopped: 'signed-out' })
    expect(send).not.toHaveBeenCalled()
  })
})

describe('unsent work', () => {
  it('is sent under the token that made it only: another one signed in on the device leaves it waiting', async () => {
    const db = await store()
    const got: string[] = []
    const send = async (_: string, v: Record<string, unknown>) => (got.push(v.commandId as string), { data: {}, errors: [] })
    let signedIn = 'token-a'
    const box = new Outbox(db, send, () => unlocked.key, () => null, () => signedIn)
    await box.add(command('A1'))
    await box.add({ ...command('A2'), refersTo: ['A1'] })
    signedIn = 'token-b'
    await box.add(command('B1'))
    expect(await box.drain()).toMatchObject({ sent: 1, waiting: 2 })
    expect(got).toEqual(['B1'])
    const items = await box.list()
    expect(items.filter((i) => !box.ownsItem(i)).map((i) => i.commandId)).toEqual(['A1', 'A2'])
    signedIn = 'token-a'
    expect(await box.drain()).toMatchObject({ sent: 2, waiting: 0 })
    expect(got).toEqual(['B1', 'A1', 'A2'])
  })
})
