import { useState } from 'preact/hooks'
import { useApp } from '../app'
import { label, type Reference } from '../data'
import { statusClass, statusOf } from '../status'
import { Field, Saved, VocabularySelect, describedBy, focusFirstProblem, terms } from '../forms'
import { actionProblems, today } from '../checks'
import { useQuery } from '../query'
import { language, t, type Language, type MessageKey } from '../i18n'
import { day } from '../numbers'
import { ulid } from '../ulid'

// The advocacy leads' pages: the commitments board (by stakeholder,
// region, space and status, overdue ones first) and a commitment's page
// with its history, the outcomes citing it and the actions on it (a
// stakeholder's scorecard is Scorecard.tsx). Actions go through the
// outbox like every write.

export interface Commitment {
  id: string
  text: string
  madeOn: string
  dueOn: string | null
  status: string
  progress: string | null
  overdue: boolean
  settledOn: string | null
  stakeholder: { id: string; name: string } | null
  space: { id: string; name: string; region: string } | null
}

export const fields = `id text madeOn dueOn status progress overdue settledOn stakeholder { id name } space { id name region }`

export function Board() {
  const app = useApp()
  const ref = app.reference
  const [stakeholderId, setStakeholder] = useState('')
  const [region, setRegion] = useState('')
  const [spaceId, setSpace] = useState('')
  const [status, setStatus] = useState('OPEN')
  const vars = { stakeholderId: stakeholderId || undefined, region: region || undefined, spaceId: spaceId || undefined, status: status || undefined }
  const [data, problem, , kept] = useQuery<{ commitments: { edges: { node: Commitment }[] } }>(
    `query Board($stakeholderId: ID, $region: String, $spaceId: ID, $status: CommitmentStatus) {
      commitments(first: 100, stakeholderId: $stakeholderId, region: $region, spaceId: $spaceId, status: $status, orderBy: DUE_ON) { edges { node { ${fields} } } } }`,
    vars, [stakeholderId, region, spaceId, status], app)
  const list = (data?.commitments.edges ?? []).map((e) => e.node)
  list.sort((a, b) => Number(b.overdue) - Number(a.overdue)) // overdue first, then by due date
  const lang = language()
  return (
    <section>
      <h1>{t('board.title')}</h1>
      <form autoComplete="off" class="filters" onSubmit={(e) => e.preventDefault()}>
        <Field id="f-stakeholder" label={t('dialogue.commitmentStakeholder')}>
          <select id="f-stakeholder" value={stakeholderId} onChange={(e) => setStakeholder(e.currentTarget.value)}>
            <option value="">{t('filter.allStakeholders')}</option>
            {(ref?.stakeholders ?? []).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </Field>
        <Field id="f-region" label={t('enrol.region')}>
          <select id="f-region" value={region} onChange={(e) => setRegion(e.currentTarget.value)}>
            <option value="">{t('filter.allRegions')}</option>
            {terms(ref, 'Region').map((r) => <option key={r.code} value={r.code}>{r.label}</option>)}
          </select>
        </Field>
        <Field id="f-space" label={t('dialogue.space')}>
          <select id="f-space" value={spaceId} onChange={(e) => setSpace(e.currentTarget.value)}>
            <option value="">{t('filter.allSpaces')}</option>
            {(ref?.spaces ?? []).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </Field>
        <Field id="f-status" label={t('board.status')}>
          <VocabularySelect id="f-status" vocabulary="CommitmentStatus" ref_={ref} value={status} onChange={setStatus} blank={t('filter.allStatuses')} />
        </Field>
      </form>
      {problem && <p class={app.online ? 'error' : 'notice state-waiting'} role="alert">{problem}</p>}
      {kept && <p class="notice state-waiting" role="status">{t('status.keptAt', { at: new Date(kept.at).toLocaleString(lang) })}</p>}
      {!problem && <p class="help">{t('board.count', { n: list.length })}</p>}
      <ul class="cards">
        {list.map((c) => <CommitmentCard key={c.id} c={c} holder />)}
      </ul>
    </section>
  )
}

/** CommitmentCard is a commitment in a list: its text, linked to its
 * page, then (its stakeholder where the list is not theirs), its space,
 * status and due date, overdue ones marked. */
export function CommitmentCard({ c, holder = false }: { c: Commitment; holder?: boolean }) {
  const ref = useApp().reference
  const lang = language()
  return (
    <li class={c.overdue ? 'overdue' : ''}>
      <a href={`#/commitment/${c.id}`}>{c.text}</a>
      <div class="help">
        {holder && <>{c.stakeholder?.name ?? '—'} · </>}{c.space?.name ?? '—'} · <span class={'status-' + statusClass(c)}>{statusOf(ref, lang, c)}</span>
        {c.dueOn && <> · {t('board.due', { date: day(c.dueOn) })}</>}
        {c.overdue && <strong class="late"> · {t('board.overdue')}</strong>}
      </div>
    </li>
  )
}

/** Update is one dated step of a commitment's history. */
export interface Update {
  kind: string
  on: string
  status: string | null
  note: string | null
  evidence: string[]
  reason: string | null
  dueOn: string | null
}

export const updateFields = `history { kind on status note evidence reason dueOn }`

interface Detail extends Commitment {
  history: Update[]
  outcomes: { edges: { node: { id: string; description: string; on: string; changeType: string } }[] }
}

/** updateSaid says a step of a commitment's history, its date aside:
 * "Point d’avancement — À risque — the note"; briefly, a progress report
 * is its status alone ("À risque — the note"), as a full page says it. */
export function updateSaid(ref: Reference | undefined, lang: Language, h: Update, brief = false): string {
  return [
    !(brief && h.kind === 'PROGRESS' && h.status) && t(('commitment.kind.' + h.kind) as MessageKey),
    h.status && label(ref, lang, 'ProgressStatus', h.status),
    h.dueOn && t('board.due', { date: day(h.dueOn) }),
    h.note ?? h.reason,
  ].filter(Boolean).join(' — ')
}

const actions = {
  progress: { mutation: 'reportCommitmentProgress', input: 'ReportProgressInput' },
  revise: { mutation: 'reviseCommitmentDueDate', input: 'ReviseDueDateInput' },
  fulfil: { mutation: 'fulfilCommitment', input: 'FulfilCommitmentInput' },
  break: { mutation: 'breakCommitment', input: 'BreakCommitmentInput' },
  withdraw: { mutation: 'withdrawCommitment', input: 'WithdrawCommitmentInput' },
} as const

/** UpdateList is a commitment's history, each step dated. */
function UpdateList({ history }: { history: Update[] }) {
  const ref = useApp().reference
  const lang = language()
  return (
    <>
      <h2>{t('commitment.history')}</h2>
      <ol class="list">
        {history.map((h, i) => (
          <li key={i}>
            <strong>{day(h.on)}</strong> {updateSaid(ref, lang, h)}
            {h.evidence.length > 0 && <div class="help">{t('commitment.evidence')} : {h.evidence.join(', ')}</div>}
          </li>
        ))}
      </ol>
    </>
  )
}

/** CitingOutcomes lists the outcomes that cite a commitment. */
function CitingOutcomes({ outcomes }: { outcomes: { id: string; description: string; on: string; changeType: string }[] }) {
  const ref = useApp().reference
  const lang = language()
  return (
    <>
      <h2>{t('commitment.outcomes')}</h2>
      {outcomes.length === 0 ? <p>{t('commitment.outcomesNone')}</p> : (
        <ul class="list">
          {outcomes.map((o) => (
            <li key={o.id}>
              <a href={`#/outcome/${o.id}`}>{o.description}</a> <span class="help">· {day(o.on)} · {label(ref, lang, 'ChangeType', o.changeType)}</span>
            </li>
          ))}
        </ul>
      )}
    </>
  )
}

export function CommitmentPage({ id }: { id: string }) {
  const app = useApp()
  const ref = app.reference
  const lang = language()
  const [data, problem, reload, kept] = useQuery<{ commitment: Detail | null }>(
    `query One($id: ID!) { commitment(id: $id) { ${fields} ${updateFields} outcomes(first: 100) { edges { node { id description on changeType } } } } }`, { id }, [id, app.lastDrain], app)
  const [action, setAction] = useState<keyof typeof actions>('progress')
  const [on, setOn] = useState(today())
  const [status, setStatus] = useState('')
  const [note, setNote] = useState('')
  const [evidence, setEvidence] = useState('')
  const [sent, setSent] = useState('')
  const [tried, setTried] = useState(false)
  const c = data?.commitment
  if (problem) return <p class="error" role="alert">{problem}</p>
  if (!c) return <p class="loading">…</p>
  const open = c.status === 'OPEN'
  const now = today()
  const problems = actionProblems(action, { on, status, note, evidence }, c.madeOn, now)
  const shown = (field: string) => (tried || (field === 'on' && on) ? problems[field] : undefined)
  const submit = async (e: Event) => {
    e.preventDefault()
    if (Object.keys(problems).length > 0) {
      setTried(true)
      setSent('')
      focusFirstProblem()
      return
    }
    const evidenceList = evidence.split('\n').map((s) => s.trim()).filter(Boolean)
    const input: Record<string, unknown> = {
      progress: { reportedOn: on, status, note: note || undefined, evidence: evidenceList },
      revise: { dueOn: on, reason: note },
      fulfil: { on, evidence: evidenceList },
      break: { on, note: note || undefined },
      withdraw: { on, note: note || undefined },
    }[action]
    const a = actions[action]
    const commandId = ulid()
    await app.outbox.add({
      mutation: a.mutation, objectId: c.id, summary: `${t(('action.' + action) as MessageKey)} — ${c.text.slice(0, 60)}`,
      document: `mutation Act($commandId: ID!, $id: ID!, $input: ${a.input}!) { ${a.mutation}(commandId: $commandId, id: $id, input: $input) { id } }`,
      variables: { commandId, id: c.id, input },
    })
    setSent(t('action.saved'))
    setTried(false)
    setNote('')
    setEvidence('')
    await app.drain()
    reload()
  }
  return (
    <section>
      <h1>{c.text}</h1>
      {kept && <p class="notice state-waiting" role="status">{t('status.keptAt', { at: new Date(kept.at).toLocaleString(lang) })}</p>}
      <p>
        {c.stakeholder && <a href={`#/scorecard/${c.stakeholder.id}`}>{c.stakeholder.name}</a>} · {c.space?.name} · {t('board.made', { date: day(c.madeOn) })}
        {c.dueOn && <> · {t('board.due', { date: day(c.dueOn) })}</>} · <strong class={'status-' + statusClass(c)}>{statusOf(ref, lang, c)}</strong>
        {c.overdue && <strong class="late"> · {t('board.overdue')}</strong>}
      </p>
      {c.status === 'FULFILLED' && <p><a href={`#/outcome/new/${c.id}`}>{t('outcome.fromCommitment')}</a></p>}
      <UpdateList history={c.history} />
      <CitingOutcomes outcomes={c.outcomes.edges.map((e) => e.node)} />
      {open && (
        <form autoComplete="off" class="card wide" onSubmit={submit} aria-labelledby="act-title">
          <h2 id="act-title">{t('commitment.act')}</h2>
          <Field id="action" label={t('commitment.action')}>
            <select id="action" value={action} onChange={(e) => setAction(e.currentTarget.value as keyof typeof actions)}>
              {Object.keys(actions).map((k) => <option key={k} value={k}>{t(('action.' + k) as MessageKey)}</option>)}
            </select>
          </Field>
          <Field id="on" label={action === 'revise' ? t('commitment.newDue') : t('dialogue.heldOn')} error={shown('on')}>
            <input id="on" type="date" value={on} required min={c.madeOn} max={action === 'revise' ? undefined : now}
              aria-invalid={shown('on') ? true : undefined} aria-describedby={describedBy('on', shown('on'))} onInput={(e) => setOn(e.currentTarget.value)} />
          </Field>
          {action === 'progress' && (
            <Field id="progress-status" label={t('commitment.progress')} error={shown('status')}>
              <VocabularySelect id="progress-status" vocabulary="ProgressStatus" ref_={ref} value={status} onChange={setStatus} required />
            </Field>
          )}
          {action !== 'fulfil' && (
            <Field id="note" label={action === 'revise' ? t('commitment.reason') : t('commitment.note')} error={shown('note')}>
              <textarea id="note" value={note} onInput={(e) => setNote(e.currentTarget.value)} />
            </Field>
          )}
          {(action === 'progress' || action === 'fulfil') && (
            <Field id="evidence" label={t('commitment.evidenceField')} error={shown('evidence')}>
              <textarea id="evidence" value={evidence} onInput={(e) => setEvidence(e.currentTarget.value)} />
            </Field>
          )}
          <button type="submit" class="primary">{t('commitment.submit')}</button>
          <Saved message={sent} />
        </form>
      )}
    </section>
  )
}
