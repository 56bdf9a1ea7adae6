import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { forget, keep, openStore } from '../src/db'

describe('signing out', () => {
  it('leaves on the device none of the region’s codes or dialogues, but keeps what is not yet sent', async () => {
    const db = await openStore('sign-out')
    await db.put('meta', { subject: 'facilitator-x', role: 'facilitator', regions: ['gao'] }, 'session')
    await keep(db, 'reference', { participants: [{ id: '01JE8B90B8X7DX6YZ1KQQNEWHP', code: 'GAO-0001', region: 'gao' }] })
    await db.add('outbox', {
      commandId: 'c1', mutation: 'holdDialogue', document: 'mutation', variables: {}, objectId: 'o1', refersTo: [],
      summary: 'dialogue', state: 'waiting', createdAt: '2026-12-03T08:00:00Z',
    })

    await forget(db)

    expect(await db.get('meta', 'session')).toBeUndefined()
    expect(await db.getAll('cache')).toEqual([])
    expect(await db.count('outbox')).toBe(1)
  })
})
