import { Offline, SignedOut, type Answer, type ApiError } from './api'
import { seal, unseal } from './crypto'
import type { OutboxItem, Store } from './db'
import { t, type MessageKey } from './i18n'

// The outbox is the heart of the app: every write goes through it, online
// or not. An item is a command with its commandId, made once on the
// device, so sending it again after a lost answer is safe. Items are sent
// in the order made; one that names an object an earlier item creates
// waits for that item, and a refused item holds back only those.

/** A command as a form makes it. */
export interface Command {
  mutation: string
  document: string
  /** Must hold commandId (the new object's id for a creation). */
  variables: Record<string, unknown> & { commandId: string }
  /** The name and phone of an enrolment: sealed before it is stored. */
  identity?: { name: string; phone?: string }
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
    /** The PIN's key, when unlocked. */
    private key: () => CryptoKey | null,
  ) {}

  async add(cmd: Command): Promise<OutboxItem> {
    const item: OutboxItem = {
      commandId: cmd.variables.commandId,
      mutation: cmd.mutation,
      document: cmd.document,
      variables: cmd.variables,
      objectId: cmd.objectId,
      refersTo: cmd.refersTo ?? [],
      summary: cmd.summary,
      state: 'waiting',
      createdAt: new Date().toISOString(),
    }
    if (cmd.identity) {
      const key = this.key()
      if (!key) throw new Error('locked')
      item.identity = await seal(key, cmd.identity)
    }
    item.seq = await this.db.add('outbox', item)
    return item
  }

  async list(): Promise<OutboxItem[]> {
    return this.db.getAll('outbox')
  }

  /** replace puts a refused item's corrected command back in line, under
   * the same commandId (a refused command wrote nothing). */
  async replace(seq: number, cmd: Command): Promise<void> {
    const old = await this.db.get('outbox', seq)
    if (!old) return
    const next: OutboxItem = { ...old, variables: { ...cmd.variables, commandId: old.commandId }, summary: cmd.summary, refersTo: cmd.refersTo ?? [], state: 'waiting', error: undefined }
    if (cmd.identity) {
      const key = this.key()
      if (!key) throw new Error('locked')
      next.identity = await seal(key, cmd.identity)
    }
    await this.db.put('outbox', next)
  }

  async remove(seq: number): Promise<void> {
    await this.db.delete('outbox', seq)
  }

  /** drain sends what can be sent, in order, and says what is left. */
  async drain(): Promise<DrainResult> {
    const items = await this.list()
    const result: DrainResult = { sent: 0, refused: 0, waiting: 0 }
    // Objects created by items not yet sent: whoever names them waits.
    const pending = new Set<string>()
    for (const item of items) {
      if (item.state === 'sent') continue
      if (item.state === 'refused' || item.refersTo.some((id) => pending.has(id)) || result.stopped) {
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
    const variables = { ...item.variables }
    if (item.identity) {
      const key = this.key()
      if (!key) return 'locked'
      variables.identity = await unseal(key, item.identity)
    }
    let answer: Answer<unknown>
    try {
      answer = await this.send(item.document, variables)
    } catch (e) {
      if (e instanceof Offline) return 'offline'
      if (e instanceof SignedOut) return 'signed-out'
      throw e
    }
    const refusal = answer.errors.find((e) => refusals.has(e.code))
    if (refusal) {
      await this.db.put('outbox', { ...item, state: 'refused', error: refusal as ApiError })
      return 'refused'
    }
    // Kept and sent again later under the same commandId, which the
    // server applies once even if it had saved it.
    if (answer.errors.some((e) => e.code === 'UNAVAILABLE')) return 'unavailable'
    if (answer.errors.length > 0) return 'busy'
    // The server has it: the sealed identity goes at once.
    await this.db.put('outbox', { ...item, state: 'sent', identity: undefined, error: undefined, sentAt: new Date().toISOString() })
    return 'sent'
  }

  /** prune forgets items sent more than a week ago. */
  async prune(now = Date.now()): Promise<void> {
    for (const item of await this.list()) {
      if (item.state === 'sent' && item.sentAt && now - Date.parse(item.sentAt) > 7 * 24 * 3600 * 1000) {
        await this.db.delete('outbox', item.seq!)
      }
    }
  }
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
