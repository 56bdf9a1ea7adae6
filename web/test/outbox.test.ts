import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { Offline, type Answer } from '../src/api'
import { newVault, type ServerKey } from '../src/crypto'
import { openStore, type Store } from '../src/db'
import { Outbox, bindingOf, blockers, kindOf, type Command, type Send } from '../src/outbox'
import { server as deviceKeyServer } from './server'

let n = 0
const store = () => openStore('test-' + n++)

// Every test's outbox is unlocked (a small scrypt: the vault's own
// parameters), and knows a server key (made here: nothing opens it).
const unlocked = await newVault('123456', { N: 2 ** 10, r: 8, p: 1 })
const P256 = { name: 'ECDH', namedCurve: 'P-256' }
const serverPair = (await crypto.subtle.generateKey(P256, false, ['deriveBits'])) as CryptoKeyPair
const serverPoint = new Uint8Array(await crypto.subtle.exportKey('raw', serverPair.publicKey))
const serverKey: ServerKey = { id: 'k1', algorithm: 'p256', publicKey: btoa(String.fromCharCode(...serverPoint)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') }
const outbox = (db: Store, send: Send, key: () => CryptoKey | null = () => unlocked.key) => new Outbox(db, send, key, () => serverKey)

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
  it('seals each name for its own command: an enrolment’s id and region, a correction’s person, a verifier’s outcome and request', async () => {
    const s = await deviceKeyServer()
    const db = await store()
    const { send, got } = server({})
    const box = new Outbox(db, send, () => unlocked.key, () => s.key)
    const who = { name: 'Aminata Canary' }
    await box.add({ ...command('P1', [], who), variables: { commandId: 'P1', input: { code: 'GAO-1', region: 'gao' } } })
    await box.add({ ...command('C1', [], who), mutation: 'correctParticipant', variables: { commandId: 'C1', id: 'P0', input: { code: 'GAO-0', region: 'gao' } } })
    await box.add({ ...command('V1', [], who), mutation: 'requestSubstantiation', variables: { commandId: 'V1', id: 'O1', requestId: 'R1', requestedOn: '2026-12-01' } })
    await box.drain()
    const sealed = got.map((v) => (v.identity as { sealed: string }).sealed)
    expect(await s.open(sealed[0], { purpose: 'EnrolParticipant', records: ['P1'], region: 'gao' })).toEqual(who)
    expect(await s.open(sealed[1], { purpose: 'CorrectParticipant', records: ['P0'], region: 'gao' })).toEqual(who)
    expect(await s.open(sealed[2], { purpose: 'RequestSubstantiation', records: ['O1', 'R1'], region: '' })).toEqual(who)
    // Carried into another command, it does not open.
    await expect(s.open(sealed[0], { purpose: 'EnrolParticipant', records: ['P2'], region: 'mopti' })).rejects.toThrow()
    await expect(s.open(sealed[0], { purpose: 'RequestSubstantiation', records: ['O1', 'R1'], region: '' })).rejects.toThrow()
    expect(() => bindingOf('holdDialogue', { commandId: 'D' })).toThrow()
  })

  it('keeps a name the server will not open (an old envelope past its date, or used before) in sight with the reason, and what names it waits', async () => {
    const db = await store()
    const refusal = { code: 'BAD_USER_INPUT', field: 'identity.sealed', message: 'identity.sealed: scellé par une ancienne version de l’application…' }
    const { send } = server({ P: { errors: [refusal] } })
    const box = outbox(db, send)
    await box.add(command('P', [], { name: 'Aminata Canary' }))
    await box.add(command('D', ['P']))
    expect(await box.drain()).toEqual({ sent: 0, refused: 1, waiting: 1 })
    const [refused, waiting] = await box.list()
    expect([refused.state, refused.error]).toEqual(['refused', refusal])
    expect(waiting.state).toBe('waiting')
    expect(await box.count()).toBe(2)
  })

  it('sends in order, and an item naming a refused one waits for it while the others go on', async () => {
    const db = await store()
    const { send, got } = server({ B: { errors: [{ code: 'BAD_USER_INPUT', field: 'input.code', message: 'taken' }] } })
    const box = outbox(db, send)
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
    const box = outbox(db, send)
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
    const box = outbox(db, send)
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
    const box = outbox(db, send)
    const item = await box.add(command('A'))
    await box.drain()
    delete answers.A
    await box.replace(item.seq!, { ...command('ignored'), variables: { commandId: 'ignored', input: { code: 'fixed' } } })
    await box.drain()
    expect(got).toEqual([{ commandId: 'A', input: { code: 'A' } }, { commandId: 'A', input: { code: 'fixed' } }])
  })

})

describe('the outbox’s names and what waits', () => {
  it('seals a name to the server as it is made, and everything else under the PIN’s key', async () => {
    const db = await store()
    const { send, got } = server({})
    let key: CryptoKey | null = unlocked.key
    const box = outbox(db, send, () => key)
    await box.add({ ...command('P', ['SPACE_REF_01']), mutation: 'enrolParticipant', summary: 'Inscription GAO-0042', variables: { commandId: 'P', input: { code: 'GAO-0042', groups: ['pastoralist'] } }, identity: { name: 'Aminata Canary', phone: '+223 555' } })
    const raw = JSON.stringify(await db.getAll('outbox'))
    for (const clear of ['Aminata', '555', 'GAO-0042', 'pastoralist', 'SPACE_REF_01', 'document', 'refersTo']) expect(raw).not.toContain(clear)
    expect(Object.keys((await db.getAll('outbox'))[0]).sort()).toEqual(['commandId', 'content', 'createdAt', 'mutation', 'seq', 'state'])
    key = null
    expect(await box.drain()).toEqual({ sent: 0, refused: 0, waiting: 1, stopped: 'locked' })
    await expect(box.list()).rejects.toThrow('locked')
    key = unlocked.key
    await box.drain()
    // What the server got: the name sealed to it, which the device cannot open.
    const identity = got[0].identity as { sealed: string }
    expect(identity.sealed).toMatch(/^p256b\.k1\./)
    expect(JSON.stringify(got[0])).not.toContain('Aminata')
    const [sent] = await box.list()
    expect(sent.state).toBe('sent')
    expect(sent.variables).toEqual({})
    expect(sent.summary).toBe('Inscription GAO-0042')
  })

  it('refuses to take a name without the server’s key, or anything while locked', async () => {
    const db = await store()
    const noServer = new Outbox(db, server({}).send, () => unlocked.key, () => null)
    await expect(noServer.add(command('P', [], { name: 'X' }))).rejects.toThrow('no server key')
    await expect(outbox(db, server({}).send, () => null).add(command('D'))).rejects.toThrow('locked')
    expect(await db.count('outbox')).toBe(0)
  })

  it('seals a name the same way a fix gives it again', async () => {
    const db = await store()
    const answers: Record<string, Answer<unknown> | 'offline'> = { P: { errors: [{ code: 'BAD_USER_INPUT', field: 'input.code', message: 'taken' }] } }
    const { send, got } = server(answers)
    const box = outbox(db, send)
    const item = await box.add(command('P', [], { name: 'Aminata Canary' }))
    await box.drain()
    delete answers.P
    await box.replace(item.seq!, command('ignored', [], { name: 'Aminata Canary' }))
    expect(JSON.stringify(await db.getAll('outbox'))).not.toContain('Aminata')
    await box.drain()
    expect(got.map((v) => [v.commandId, String((v.identity as { sealed: string }).sealed).slice(0, 8)])).toEqual([['P', 'p256b.k1'], ['P', 'p256b.k1']])
  })

  it('says what kind of entry each item is, and that one waiting on an unsent enrolment waits for it, not for a fix', async () => {
    const db = await store()
    const box = outbox(db, server({ P: 'offline' }).send)
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
    const box = outbox(db, send)
    await box.add({ ...command('P'), mutation: 'enrolParticipant' })
    await box.add({ ...command('K', ['P']), objectId: 'P', mutation: 'correctParticipant' })
    expect(await box.drain()).toEqual({ sent: 0, refused: 1, waiting: 1 })
    expect(got.map((v) => v.commandId)).toEqual(['P'])
  })
})
