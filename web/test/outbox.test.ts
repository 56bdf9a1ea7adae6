import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { Offline, type Answer } from '../src/api'
import { deriveKey, newSalt } from '../src/crypto'
import { openStore } from '../src/db'
import { Outbox, blockers, kindOf, type Command } from '../src/outbox'

let n = 0
const store = () => openStore('test-' + n++)

const command = (id: string, refersTo: string[] = [], identity?: Command['identity']): Command => ({
  mutation: identity ? 'enrolParticipant' : 'holdDialogue', document: 'mutation', variables: { commandId: id, input: { code: id } },
  objectId: id, refersTo, summary: id, identity,
})

// A server that answers as told, recording what it got.
function server(answers: Record<string, Answer<unknown> | 'offline'>) {
  const got: Record<string, unknown>[] = []
  const send = async (_: string, variables: Record<string, unknown>) => {
    const a = answers[variables.commandId as string] ?? { data: {}, errors: [] }
    if (a === 'offline') throw new Offline('offline')
    got.push(variables)
    return a
  }
  return { send, got }
}

describe('the outbox', () => {
  it('sends in order, and an item naming a refused one waits for it while the others go on', async () => {
    const db = await store()
    const { send, got } = server({ B: { errors: [{ code: 'BAD_USER_INPUT', field: 'input.code', message: 'taken' }] } })
    const box = new Outbox(db, send, () => null)
    await box.add(command('A'))
    await box.add(command('B'))
    await box.add(command('C', ['B']))
    await box.add(command('D'))
    const r = await box.drain()
    expect(r).toEqual({ sent: 2, refused: 1, waiting: 1 })
    expect(got.map((v) => v.commandId)).toEqual(['A', 'B', 'D'])
    const items = await box.list()
    expect(items.map((i) => i.state)).toEqual(['sent', 'refused', 'waiting', 'sent'])
    expect(items[1].error?.field).toBe('input.code')
  })

  it('keeps everything when offline, and sends each command once its answer comes', async () => {
    const db = await store()
    const answers: Record<string, Answer<unknown> | 'offline'> = { A: 'offline' }
    const { send, got } = server(answers)
    const box = new Outbox(db, send, () => null)
    await box.add(command('A'))
    await box.add(command('B'))
    expect((await box.drain()).stopped).toBe('offline')
    expect(got).toEqual([])
    delete answers.A
    expect(await box.drain()).toEqual({ sent: 2, refused: 0, waiting: 0 })
    expect(await box.drain()).toEqual({ sent: 0, refused: 0, waiting: 0 })
    expect(got.map((v) => v.commandId)).toEqual(['A', 'B'])
  })

  it('keeps everything while the server cannot save, and says so', async () => {
    const db = await store()
    const answers: Record<string, Answer<unknown> | 'offline'> = { A: { errors: [{ code: 'UNAVAILABLE', message: "the server's disk is full; nothing was saved: try again later" }] } }
    const { send, got } = server(answers)
    const box = new Outbox(db, send, () => null)
    await box.add(command('A'))
    await box.add(command('B'))
    expect((await box.drain()).stopped).toBe('unavailable')
    expect((await box.list()).map((i) => i.state)).toEqual(['waiting', 'waiting'])
    delete answers.A
    expect(await box.drain()).toEqual({ sent: 2, refused: 0, waiting: 0 })
    expect(got.map((v) => v.commandId)).toEqual(['A', 'A', 'B'])
  })

  it('a fixed item goes again under its commandId', async () => {
    const db = await store()
    const answers: Record<string, Answer<unknown> | 'offline'> = { A: { errors: [{ code: 'BAD_USER_INPUT', message: 'no' }] } }
    const { send, got } = server(answers)
    const box = new Outbox(db, send, () => null)
    const item = await box.add(command('A'))
    await box.drain()
    delete answers.A
    await box.replace(item.seq!, { ...command('ignored'), variables: { commandId: 'ignored', input: { code: 'fixed' } } })
    await box.drain()
    expect(got).toEqual([{ commandId: 'A', input: { code: 'A' } }, { commandId: 'A', input: { code: 'fixed' } }])
  })

  it('seals a name under the PIN key, sends it only unlocked, and forgets it once sent', async () => {
    const db = await store()
    const { send, got } = server({})
    const key = await deriveKey('123456', newSalt(), 1000)
    let unlocked: CryptoKey | null = key
    const box = new Outbox(db, send, () => unlocked)
    await box.add(command('P', [], { name: 'Aminata Canary', phone: '+223 555' }))
    const raw = JSON.stringify(await db.getAll('outbox'))
    expect(raw).not.toContain('Aminata')
    expect(raw).not.toContain('555')
    unlocked = null
    expect((await box.drain()).stopped).toBe('locked')
    unlocked = key
    await box.drain()
    expect(got[0].identity).toEqual({ name: 'Aminata Canary', phone: '+223 555' })
    const [sent] = await box.list()
    expect(sent.state).toBe('sent')
    expect(sent.identity).toBeUndefined()
  })

  it('refuses to take a name while locked', async () => {
    const box = new Outbox(await store(), server({}).send, () => null)
    await expect(box.add(command('P', [], { name: 'X' }))).rejects.toThrow('locked')
  })

  it('says what kind of entry each item is, and that one waiting on an unsent enrolment waits for it, not for a fix', async () => {
    const db = await store()
    const box = new Outbox(db, server({ P: 'offline' }).send, () => null)
    await box.add({ ...command('P'), mutation: 'enrolParticipant' })
    await box.add(command('D', ['P']))
    await box.add({ ...command('C', ['D']), mutation: 'makeCommitment' })
    await box.add({ ...command('X'), mutation: 'somethingNew' })
    await box.drain()
    const items = await box.list()
    expect(items.map(kindOf)).toEqual(['Inscription', 'Dialogue', 'Engagement', 'Saisie'])
    expect(items.map((i) => i.state)).toEqual(['waiting', 'waiting', 'waiting', 'waiting'])
    expect(blockers(items[1], items).map((x) => x.objectId)).toEqual(['P'])
    expect(blockers(items[2], items).map((x) => x.objectId)).toEqual(['D'])
    expect(blockers(items[0], items)).toEqual([])
  })

  it('holds a profile’s correction behind its unsent enrolment', async () => {
    const db = await store()
    const { send, got } = server({ P: { errors: [{ code: 'BAD_USER_INPUT', message: 'no' }] } })
    const box = new Outbox(db, send, () => null)
    await box.add({ ...command('P'), mutation: 'enrolParticipant' })
    await box.add({ ...command('K', ['P']), objectId: 'P', mutation: 'correctParticipant' })
    expect(await box.drain()).toEqual({ sent: 0, refused: 1, waiting: 1 })
    expect(got.map((v) => v.commandId)).toEqual(['P'])
  })
})
