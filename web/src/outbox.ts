import { Offline, SignedOut, type Answer, type ApiError } from './api'
import { seal, sealForServer, unseal, type Binding, type ServerKey } from './crypto'
import { pendingSignOut, type ItemContent, type OutboxItem, type StoredItem, type Store } from './db'
import { t, type MessageKey } from './i18n'

// The outbox is the heart of the app: every write goes through it, online
// or not. An item is a command with its commandId, made once on the
// device, so sending it again after a lost answer is safe. Items are sent
// in the order made; one that names an object an earlier item creates
// waits for that item, and a refused item holds back only those.
//
// At rest an item is sealed under the PIN's data key but for its kind,
// state, dates and commandId (what says, locked, that work waits); a name
// and phone are sealed to the server before that, and nothing on the
// device opens them again.

/** A command as a form makes it. */
export interface Command {
  mutation: string
  document: string
  /** Must hold commandId (the new object's id for a creation). */
  variables: Record<string, unknown> & { commandId: string }
  /** The name and phone of an enrolment, or a verifier's name, phone and
   * organisation: sealed to the server at once, as the variable identity. */
  identity?: { name: string; phone?: string; organisation?: string }
  objectId: string
  refersTo?: string[]
  summary: string
}

export type Send = (document: string, variables: Record<string, unknown>) => Promise<Answer<unknown>>

/** Codes that mean the server looked at the command and will not take it
 * as it is: the person must change it. Anything else is tried again. */
const refusals = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'FORBIDDEN'])

export interface DrainResult {
  sent: number
  refused: number
  waiting: number
  /** Why draining stopped early: offline, signed out, the server busy, or
   * unable to save (its disk full, its store out of reach). */
  stopped?: 'offline' | 'signed-out' | 'busy' | 'unavailable' | 'locked'
}

export class Outbox {
  constructor(
    private db: Store,
    private send: Send,
    /** The PIN's data key, when unlocked. */
    private key: () => CryptoKey | null,
    /** The server's device key, pinned at sign-in. */
    private serverKey: () => ServerKey | null,
    /** The id of the signed-in token: items are sent under it only. */
    private owner: () => string | undefined = () => undefined,
  ) {}

  async add(cmd: Command): Promise<OutboxItem> {
    const item: OutboxItem = {
      commandId: cmd.variables.commandId,
      mutation: cmd.mutation,
      document: cmd.document,
      variables: await this.sealIdentity(cmd),
      objectId: cmd.objectId,
      refersTo: cmd.refersTo ?? [],
      summary: cmd.summary,
      owner: this.owner(),
      state: 'waiting',
      createdAt: new Date().toISOString(),
    }
    item.seq = await this.db.add('outbox', await this.stored(item))
    return item
  }

  /** list is every item, opened: it needs the PIN's key. */
  async list(): Promise<OutboxItem[]> {
    const key = this.unlocked()
    return Promise.all((await this.db.getAll('outbox')).map(async ({ content, ...rest }) => ({ ...rest, ...(await unseal<ItemContent>(key, content)) })))
  }

  /** count is how many items wait or were refused: it needs no key. */
  async count(): Promise<number> {
    return (await this.db.getAll('outbox')).filter((i) => i.state !== 'sent').length
  }

  async get(seq: number): Promise<OutboxItem | undefined> {
    return (await this.list()).find((i) => i.seq === seq)
  }

  /** replace puts a refused item's corrected command back in line, under
   * the same commandId (a refused command wrote nothing). */
  async replace(seq: number, cmd: Command): Promise<void> {
    const old = await this.get(seq)
    if (!old) return
    const variables = await this.sealIdentity({ ...cmd, variables: { ...cmd.variables, commandId: old.commandId } })
    await this.db.put('outbox', await this.stored({ ...old, variables, identity: undefined, summary: cmd.summary, refersTo: cmd.refersTo ?? [], state: 'waiting', error: undefined }))
  }

  async remove(seq: number): Promise<void> {
    await this.db.delete('outbox', seq)
  }

  /** drain sends what can be sent, in order, and says what is left. An
   * item made under another token than the one signed in waits for it
   * (another person's work is never sent under this one's name), and
   * nothing is sent while a sign-out waits for the server (signout.ts). */
  async drain(): Promise<DrainResult> {
    if (!this.key()) return { sent: 0, refused: 0, waiting: await this.count(), stopped: 'locked' }
    if (await this.db.get('meta', pendingSignOut)) return { sent: 0, refused: 0, waiting: await this.count(), stopped: 'signed-out' }
    await this.sealWaitingNames()
    const items = await this.list()
    const result: DrainResult = { sent: 0, refused: 0, waiting: 0 }
    // Objects created by items not yet sent: whoever names them waits.
    const pending = new Set<string>()
    for (const item of items) {
      if (item.state === 'sent') continue
      // A name not yet sealed to the server (no key pinned) is never sent.
      if (item.state === 'refused' || item.identity || !this.ownsItem(item) || item.refersTo.some((id) => pending.has(id)) || result.stopped) {
        pending.add(item.objectId)
        if (item.state === 'refused') result.refused++
        else result.waiting++
        continue
      }
      const outcome = await this.sendOne(item)
      if (outcome === 'sent') {
        result.sent++
        continue
      }
      pending.add(item.objectId)
      if (outcome === 'refused') {
        result.refused++
      } else {
        result.stopped = outcome
        result.waiting++
      }
    }
    return result
  }

  private async sendOne(item: OutboxItem): Promise<'sent' | 'refused' | NonNullable<DrainResult['stopped']>> {
    let answer: Answer<unknown>
    try {
      answer = await this.send(item.document, item.variables)
    } catch (e) {
      if (e instanceof Offline) return 'offline'
      if (e instanceof SignedOut) return 'signed-out'
      throw e
    }
    const refusal = answer.errors.find((e) => refusals.has(e.code))
    if (refusal) {
      await this.db.put('outbox', await this.stored({ ...item, state: 'refused', error: refusal as ApiError }))
      return 'refused'
    }
    // Kept and sent again later under the same commandId, which the
    // server applies once even if it had saved it.
    if (answer.errors.some((e) => e.code === 'UNAVAILABLE')) return 'unavailable'
    if (answer.errors.length > 0) return 'busy'
    // The server has it: what it said goes at once; what it is stays a
    // week, for the person to see it went.
    await this.db.put('outbox', await this.stored({ ...item, state: 'sent', variables: {}, error: undefined, sentAt: new Date().toISOString() }))
    return 'sent'
  }

  /** sealIdentity is a command's variables with its name and phone sealed
   * to the server, which alone opens them. */
  private async sealIdentity(cmd: Command): Promise<Record<string, unknown>> {
    if (!cmd.identity) return cmd.variables
    const server = this.serverKey()
    if (!server) throw new Error('no server key')
    return { ...cmd.variables, identity: { sealed: await sealForServer(server, bindingOf(cmd.mutation, cmd.variables), cmd.identity) } }
  }

  /** sealWaitingNames seals to the server, once its key is pinned, the
   * names and phones moved from the PIN's first scheme before it was. */
  async sealWaitingNames(): Promise<void> {
    const server = this.serverKey()
    if (!server) return
    for (const item of await this.list()) {
      if (!item.identity) continue
      const variables = { ...item.variables, identity: { sealed: await sealForServer(server, bindingOf(item.mutation, item.variables), item.identity) } }
      await this.db.put('outbox', await this.stored({ ...item, variables, identity: undefined }))
    }
  }

  /** ownsItem says whether the token signed in made the item (or it was
   * made before items named their token). */
  ownsItem(item: Pick<OutboxItem, 'owner'>): boolean {
    return item.owner === undefined || item.owner === this.owner()
  }

  private unlocked(): CryptoKey {
    const key = this.key()
    if (!key) throw new Error('locked')
    return key
  }

  private async stored({ document, variables, objectId, refersTo, summary, error, identity, owner, seq, ...rest }: OutboxItem): Promise<StoredItem> {
    const content: ItemContent = { document, variables, objectId, refersTo, summary, error }
    if (identity) content.identity = identity
    if (owner !== undefined) content.owner = owner
    const item: StoredItem = { ...rest, content: await seal(this.unlocked(), content) }
    if (seq !== undefined) item.seq = seq
    return item
  }

  /** prune forgets items sent more than a week ago. */
  async prune(now = Date.now()): Promise<void> {
    for (const item of await this.db.getAll('outbox')) {
      if (item.state === 'sent' && item.sentAt && now - Date.parse(item.sentAt) > 7 * 24 * 3600 * 1000) {
        await this.db.delete('outbox', item.seq!)
      }
    }
  }
}

/** bindingOf is what a command's name and phone are sealed for, from its
 * mutation and variables as they will be sent (a fix keeps the commandId,
 * so its binding): the server rebuilds the same from the command
 * (core/policy's bindingOf), and an envelope opens nowhere else. */
export function bindingOf(mutation: string, variables: Record<string, unknown>): Binding {
  const input = (variables.input ?? {}) as { region?: string }
  switch (mutation) {
    case 'enrolParticipant':
      return { purpose: 'EnrolParticipant', records: [String(variables.commandId)], region: input.region ?? '' }
    case 'correctParticipant':
      return { purpose: 'CorrectParticipant', records: [String(variables.id)], region: input.region ?? '' }
    case 'requestSubstantiation':
      return { purpose: 'RequestSubstantiation', records: [String(variables.id), String(variables.requestId)], region: '' }
  }
  throw new Error('no name is sealed for ' + mutation)
}

/** kindOf names what an item is, in the interface's language. */
export function kindOf(item: Pick<OutboxItem, 'mutation'>): string {
  const key = ('kind.' + item.mutation) as MessageKey
  const said = t(key)
  return said === key ? t('kind.other') : said
}

/** blockers are, for an item, the earlier items not yet sent that create
 * what it names: it goes once they have. */
export function blockers(item: OutboxItem, items: OutboxItem[]): OutboxItem[] {
  if (item.state !== 'waiting') return []
  return items.filter((x) => x.seq! < item.seq! && x.state !== 'sent' && item.refersTo.includes(x.objectId))
}
