import { useState } from 'preact/hooks'
import { useApp } from '../app'
import { label } from '../data'
import { Field, Saved, VocabularySelect, describedBy, focusFirstProblem } from '../forms'
import { dateBetween, today, verifierProblems, type Problems } from '../checks'
import { useQuery } from '../query'
import { day } from '../numbers'
import { language, t, type MessageKey } from '../i18n'
import { ulid } from '../ulid'
import { saidOf } from './Outcomes'

// One outcome: what changed, its evidence, its substantiation; the
// verifier asked (their name sealed to the server: it is never shown
// here, the app holds a session, which opens no name), their answer
// recorded, and the public mark set. Writes go through the outbox.

interface Outcome {
  id: string
  description: string
  significance: string
  contribution: string
  othersContribution: string | null
  changeType: string
  on: string
  region: string
  locality: string | null
  intended: boolean
  tags: string[]
  public: boolean
  substantiation: string
  actor: { id: string; name: string } | null
  evidence: { kind: string; id: string; report: number | null; dialogue: { heldOn: string } | null; commitment: { id: string; text: string } | null }[]
  requests: { id: string; requestedOn: string; erased: boolean; answer: { on: string; verdict: string; comment: string | null } | null }[]
  changes: { type: string; on: string | null; recordedAt: string; recordedBy: string }[]
}

const query = `query Outcome($id: ID!) { outcome(id: $id) { id description significance contribution othersContribution changeType on region locality intended tags public substantiation
  actor { id name } evidence { kind id report dialogue { heldOn } commitment { id text } } requests { id requestedOn erased answer { on verdict comment } } changes { type on recordedAt recordedBy } } }`

export function OutcomePage({ id }: { id: string }) {
  const app = useApp()
  const ref = app.reference
  const lang = language()
  const [data, problem, reload, kept] = useQuery<{ outcome: Outcome | null }>(query, { id }, [id, app.lastDrain], app)
  const o = data?.outcome
  if (problem) return <p class="error" role="alert">{problem}</p>
  if (!o) return <p class="loading">…</p>
  return (
    <section>
      <h1>{o.description}</h1>
      {kept && <p class="notice state-waiting" role="status">{t('status.keptAt', { at: new Date(kept.at).toLocaleString(lang) })}</p>}
      <p>
        {o.actor?.name ?? '—'} · {label(ref, lang, 'Region', o.region)}{o.locality && <> ({o.locality})</>} · {day(o.on)} · {label(ref, lang, 'ChangeType', o.changeType)} ·{' '}
        {t(o.intended ? 'outcome.intendedYes' : 'outcome.intendedNo')} · <a href={`#/outcome/${o.id}/edit`}>{t('outcome.revise')}</a>
      </p>
      <dl class="facts">
        <div><dt>{t('outcome.significance')}</dt><dd>{o.significance}</dd></div>
        <div><dt>{t('outcome.contribution')}</dt><dd>{o.contribution}</dd></div>
        {o.othersContribution && <div><dt>{t('outcome.others')}</dt><dd>{o.othersContribution}</dd></div>}
        {o.tags.length > 0 && <div><dt>{t('outcomes.tag')}</dt><dd>{o.tags.join(', ')}</dd></div>}
      </dl>
      <h2>{t('outcome.evidence')}</h2>
      {o.evidence.length === 0 ? <p>{t('outcome.evidenceNone')}</p> : (
        <ul class="list">
          {o.evidence.map((e, i) => (
            <li key={i}>{e.commitment ? <a href={`#/commitment/${e.commitment.id}`}>{saidOf(e)}</a> : saidOf(e)}</li>
          ))}
        </ul>
      )}
      <PublicMark o={o} reload={reload} />
      <h2>{t('outcome.substantiation')} — {label(ref, lang, 'SubstantiationState', o.substantiation)}</h2>
      <ol class="list">
        {o.requests.map((r) => (
          <li key={r.id}>
            {t('outcome.requestedOn', { date: day(r.requestedOn) })} —{' '}
            {r.answer ? t('outcome.answered', { date: day(r.answer.on), verdict: label(ref, lang, 'Verdict', r.answer.verdict) }) : t('outcome.noAnswer')}
            {r.answer?.comment && <div class="help">{r.answer.comment}</div>}
            {r.erased && <div class="help">{t('outcome.erased')}</div>}
            {!r.answer && <AnswerForm outcomeId={o.id} summary={o.description.slice(0, 60)} requestId={r.id} requestedOn={r.requestedOn} reload={reload} />}
          </li>
        ))}
      </ol>
      <AskForm o={o} reload={reload} />
      <History changes={o.changes} />
    </section>
  )
}

/** History is the outcome's events, oldest first, each said in the
 * reader's language with its business date and when it was recorded. */
function History({ changes }: { changes: Outcome['changes'] }) {
  return (
    <>
      <h2>{t('outcome.history')}</h2>
      <ol class="list">
        {changes.map((c, i) => {
          const what = t(('change.' + c.type) as MessageKey)
          return (
            <li key={i}>
              {c.on ? t('outcome.changeOn', { what, on: day(c.on) }) : what}
              <div class="help">{t('outcome.recordedBy', { at: new Date(c.recordedAt).toLocaleString(language()), who: c.recordedBy })}</div>
            </li>
          )
        })}
      </ol>
    </>
  )
}

/** send queues a command on an outcome and sends what can be sent. */
function useSend(outcomeId: string, reload: () => void) {
  const app = useApp()
  return async (mutation: string, input: string, variables: Record<string, unknown>, summary: string, identity?: { name: string; phone?: string; organisation?: string }) => {
    const commandId = ulid()
    const args = identity ? `$commandId: ID!, $id: ID!, $requestId: ID!, $requestedOn: Date!, $identity: VerifierInput!` : `$commandId: ID!, $id: ID!, $input: ${input}!`
    const inputArg = identity ? `{requestId: $requestId, requestedOn: $requestedOn, verifier: $identity}` : `$input`
    await app.outbox.add({
      mutation, objectId: outcomeId, summary, identity,
      document: `mutation Act(${args}) { ${mutation}(commandId: $commandId, id: $id, input: ${inputArg}) { id } }`,
      variables: { commandId, id: outcomeId, ...variables },
    })
    await app.drain()
    reload()
  }
}

function PublicMark({ o, reload }: { o: Outcome; reload: () => void }) {
  const send = useSend(o.id, reload)
  const [saved, setSaved] = useState('')
  const toggle = async () => {
    await send('markOutcomePublic', 'MarkOutcomePublicInput', { input: { public: !o.public } }, o.description.slice(0, 60))
    setSaved(t('outcome.publicSaved'))
  }
  return (
    <div class="card">
      <p>{t(o.public ? 'outcome.publicYes' : 'outcome.publicNo')}</p>
      <button type="button" onClick={toggle}>{t(o.public ? 'outcome.makePrivate' : 'outcome.makePublic')}</button>
      <Saved message={saved} />
    </div>
  )
}

/** shownProblem is a field's problem once the person tried to send. */
const shownProblem = (problems: Problems, tried: boolean) => (f: string) => (tried ? problems[f] : undefined)

function AskForm({ o, reload }: { o: Outcome; reload: () => void }) {
  const app = useApp()
  const send = useSend(o.id, reload)
  const [f, setF] = useState({ name: '', phone: '', organisation: '', on: today() })
  const [tried, setTried] = useState(false)
  const [saved, setSaved] = useState('')
  const problems = verifierProblems(f, o.on, today())
  const shown = shownProblem(problems, tried)
  const submit = async (e: Event) => {
    e.preventDefault()
    if (!app.serverKey) return setSaved(t('serverKey.missing'))
    if (Object.keys(problems).length > 0) {
      setTried(true)
      focusFirstProblem()
      return
    }
    const who = { name: f.name.trim(), phone: f.phone.trim() || undefined, organisation: f.organisation.trim() || undefined }
    await send('requestSubstantiation', '', { requestId: ulid(), requestedOn: f.on }, o.description.slice(0, 60), who)
    setF({ name: '', phone: '', organisation: '', on: today() })
    setTried(false)
    setSaved(t('outcome.asked'))
  }
  const input = (k: keyof typeof f, name: MessageKey, type = 'text') => (
    <Field id={'v-' + k} label={t(name)} error={shown(k)}>
      <input id={'v-' + k} type={type} value={f[k]} autoComplete="off" onInput={(e) => setF({ ...f, [k]: e.currentTarget.value })}
        aria-invalid={shown(k) ? true : undefined} aria-describedby={describedBy('v-' + k, shown(k))} />
    </Field>
  )
  return (
    <form autoComplete="off" class="card wide" onSubmit={submit} aria-labelledby="ask-title" noValidate>
      <h2 id="ask-title">{t('outcome.ask')}</h2>
      <p class="help">{t('outcome.askHelp')}</p>
      {input('name', 'outcome.verifierName')}
      {input('phone', 'outcome.verifierPhone', 'tel')}
      {input('organisation', 'outcome.verifierOrganisation')}
      {input('on', 'outcome.askOn', 'date')}
      <button type="submit" class="primary">{t('outcome.askSubmit')}</button>
      <Saved message={saved} />
    </form>
  )
}

function AnswerForm({ outcomeId, summary, requestId, requestedOn, reload }: { outcomeId: string; summary: string; requestId: string; requestedOn: string; reload: () => void }) {
  const app = useApp()
  const send = useSend(outcomeId, reload)
  const [verdict, setVerdict] = useState('')
  const [comment, setComment] = useState('')
  const [on, setOn] = useState(today())
  const [tried, setTried] = useState(false)
  const [saved, setSaved] = useState('')
  const problems: Problems = { ...dateBetween('on', on, requestedOn, today()), ...(verdict ? {} : { verdict: t('form.required') }) }
  const shown = shownProblem(problems, tried)
  const ids = (k: string) => `a-${k}-${requestId}`
  const submit = async (e: Event) => {
    e.preventDefault()
    if (Object.keys(problems).length > 0) {
      setTried(true)
      focusFirstProblem()
      return
    }
    await send('recordSubstantiation', 'RecordSubstantiationInput', { input: { requestId, answeredOn: on, verdict, comment: comment || undefined } }, summary)
    setSaved(t('outcome.answeredSaved'))
  }
  return (
    <form autoComplete="off" class="card" onSubmit={submit} noValidate aria-label={t('outcome.answer')}>
      <Field id={ids('verdict')} label={t('outcome.verdict')} error={shown('verdict')}>
        <VocabularySelect id={ids('verdict')} vocabulary="Verdict" ref_={app.reference} value={verdict} onChange={setVerdict} required error={shown('verdict')} />
      </Field>
      <Field id={ids('on')} label={t('outcome.answerOn')} error={shown('on')}>
        <input id={ids('on')} type="date" value={on} min={requestedOn} max={today()} onInput={(e) => setOn(e.currentTarget.value)}
          aria-invalid={shown('on') ? true : undefined} aria-describedby={describedBy(ids('on'), shown('on'))} />
      </Field>
      <Field id={ids('comment')} label={t('outcome.comment')}>
        <textarea id={ids('comment')} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
      </Field>
      <button type="submit" class="primary">{t('outcome.answerSubmit')}</button>
      <Saved message={saved} />
    </form>
  )
}
