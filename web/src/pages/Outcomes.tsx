import { useEffect, useState } from 'preact/hooks'
import { useApp } from '../app'
import { label } from '../data'
import { Field, RegionSelect, Saved, VocabularySelect, describedBy, focusFirstProblem, refusal, serverMessage } from '../forms'
import { download, downloadFailed } from '../download'
import { outcomeProblems, splitTags, today, type OutcomeFields } from '../checks'
import { useQuery } from '../query'
import { count, day } from '../numbers'
import { language, t } from '../i18n'
import { ulid } from '../ulid'
import type { OutboxItem } from '../db'

// Outcomes harvested (outcome harvesting): the list, logging one — from a
// fulfilled commitment, with its actor, region, date and evidence filled
// in —, and an outcome's page, where it is put to a verifier, their
// answer recorded, and the public mark set. Every write goes through the
// outbox; a verifier's name is sealed to the server as an enrolment's is.

interface Listed {
  id: string
  description: string
  changeType: string
  on: string
  region: string
  public: boolean
  substantiation: string
  actor: { id: string; name: string } | null
}

const listed = `id description changeType on region public substantiation actor { id name }`

export function OutcomesList() {
  const app = useApp()
  const ref = app.reference
  const [region, setRegion] = useState('')
  const [changeType, setChangeType] = useState('')
  const [tag, setTag] = useState('')
  const vars = { region: region || undefined, changeType: changeType || undefined, tag: tag.trim() || undefined }
  const [data, problem, , kept] = useQuery<{ outcomes: { edges: { node: Listed }[] } }>(
    `query Outcomes($region: String, $changeType: ChangeType, $tag: String) {
      outcomes(first: 100, region: $region, changeType: $changeType, tag: $tag) { edges { node { ${listed} } } } }`,
    vars, [region, changeType, tag, app.lastDrain], app)
  const list = (data?.outcomes.edges ?? []).map((e) => e.node)
  const lang = language()
  const [exportProblem, setExportProblem] = useState('')
  // the export is the list as filtered here, every page of it
  const exportAs = async (format: 'xlsx' | 'csv') => {
    setExportProblem('')
    const params = Object.fromEntries(Object.entries(vars).filter(([, v]) => v)) as Record<string, string>
    try {
      await download(`/export/outcomes.${format}?` + new URLSearchParams({ ...params, lang }), `palabre-changements.${format}`)
    } catch (e) {
      setExportProblem(downloadFailed(e, serverMessage))
    }
  }
  return (
    <section>
      <h1>{t('outcomes.title')}</h1>
      <p class="help">{t('outcomes.explain')}</p>
      <p><a href="#/outcome/new">{t('outcomes.new')}</a></p>
      <form autoComplete="off" class="filters" onSubmit={(e) => e.preventDefault()}>
        <Field id="o-region" label={t('enrol.region')}>
          <RegionSelect id="o-region" ref_={ref} value={region} onChange={setRegion} only={app.session.regions} blank={t('filter.allRegions')} />
        </Field>
        <Field id="o-type" label={t('outcome.changeType')}>
          <VocabularySelect id="o-type" vocabulary="ChangeType" ref_={ref} value={changeType} onChange={setChangeType} blank={t('outcomes.allTypes')} />
        </Field>
        <Field id="o-tag" label={t('outcomes.tag')}>
          <input id="o-tag" value={tag} onChange={(e) => setTag(e.currentTarget.value)} />
        </Field>
      </form>
      {problem && <p class={app.online ? 'error' : 'notice state-waiting'} role="alert">{problem}</p>}
      {kept && <p class="notice state-waiting" role="status">{t('status.keptAt', { at: new Date(kept.at).toLocaleString(lang) })}</p>}
      {!problem && <p class="help">{t('outcomes.count', { n: count(list.length) })}</p>}
      <div class="actions">
        <button type="button" onClick={() => void exportAs('xlsx')}>{t('dashboard.exportXlsx')}</button>
        <button type="button" onClick={() => void exportAs('csv')}>{t('dashboard.exportCsv')}</button>
      </div>
      {exportProblem && <p class="error" role="alert">{exportProblem}</p>}
      <ul class="cards">
        {list.map((o) => (
          <li key={o.id}>
            <a href={`#/outcome/${o.id}`}>{o.description}</a>
            <div class="help">
              {o.actor?.name ?? '—'} · {label(ref, lang, 'Region', o.region)} · {day(o.on)} · {label(ref, lang, 'ChangeType', o.changeType)} ·{' '}
              {label(ref, lang, 'SubstantiationState', o.substantiation)}
              {o.public && <strong> · {t('outcomes.public')}</strong>}
            </div>
          </li>
        ))}
      </ul>
    </section>
  )
}

/** The commitment an outcome is logged from, with what prefills it. */
interface Source {
  id: string
  text: string
  settledOn: string | null
  stakeholder: { id: string; name: string; region: string | null } | null
  space: { region: string } | null
  dialogue: { id: string; heldOn: string } | null
  history: { kind: string; on: string }[]
}

/** Evidence is a piece of the log as the form offers it. */
interface Evidence {
  kind: 'COMMITMENT' | 'DIALOGUE' | 'PROGRESS_REPORT'
  id: string
  report?: number
  said: string
}

/** evidenceOf is what a commitment offers as evidence: itself, its
 * dialogue, and each of its progress reports, by rank. */
function evidenceOf(c: Source): Evidence[] {
  const out: Evidence[] = [{ kind: 'COMMITMENT', id: c.id, said: t('outcome.ev.commitment', { text: c.text }) }]
  if (c.dialogue) out.push({ kind: 'DIALOGUE', id: c.dialogue.id, said: t('outcome.ev.dialogue', { date: day(c.dialogue.heldOn) }) })
  c.history.filter((h) => h.kind === 'PROGRESS').forEach((h, i) =>
    out.push({ kind: 'PROGRESS_REPORT', id: c.id, report: i + 1, said: t('outcome.ev.report', { n: i + 1, date: day(h.on) }) }))
  return out
}

const blank: OutcomeFields = { actorId: '', changeType: '', on: '', region: '', locality: '', description: '', significance: '', contribution: '', othersContribution: '', tags: '' }

/** Start is what a form opens with: an outcome as it stands, or as it
 * was sent. */
interface Start {
  fields: OutcomeFields
  intended: boolean
  evidence: Evidence[]
}

/** Revising is an outcome's record as it stands, and its id. */
interface Revising extends Start {
  id: string
}

/** Sent is an outcome's input as the outbox keeps it. */
interface Sent {
  actorId: string
  changeType: string
  on: string
  region: string
  locality?: string
  description: string
  significance: string
  contribution: string
  othersContribution?: string
  intended: boolean
  tags: string[]
  evidence: { kind: Evidence['kind']; id: string; report?: number }[]
}

/** FixOutcome is a refused outcome's form, filled with what was sent, the
 * server's refusal beside the field it names; saved, it goes back in line
 * under the same commandId. */
export function FixOutcome({ seq }: { seq: number }) {
  const app = useApp()
  const [item, setItem] = useState<OutboxItem>()
  useEffect(() => void app.outbox.get(seq).then(setItem), [seq])
  if (!item) return <p class="loading">…</p>
  const sent = item.variables.input as Sent
  const lang = language()
  const start: Start = {
    intended: sent.intended,
    fields: { ...blank, ...sent, locality: sent.locality ?? '', othersContribution: sent.othersContribution ?? '', tags: sent.tags.join(', ') },
    evidence: sent.evidence.map((e) => ({ ...e, said: `${label(app.reference, lang, 'EvidenceKind', e.kind)} ${e.report ?? ''} (${e.id.slice(-6)})` })),
  }
  const revising = item.mutation === 'reviseOutcome' ? { ...start, id: item.objectId } : undefined
  return <OutcomeForm key={seq} start={start} revising={revising} fixing={item} />
}

interface Recorded {
  actor: { id: string } | null
  actorId: string
  changeType: string
  on: string
  region: string
  locality: string | null
  description: string
  significance: string
  contribution: string
  othersContribution: string | null
  intended: boolean
  tags: string[]
  evidence: { kind: Evidence['kind']; id: string; report: number | null; dialogue: { heldOn: string } | null; commitment: { text: string } | null }[]
}

/** ReviseOutcome is the form again, filled with the outcome as it stands;
 * its evidence is what it cites now. A revision takes the public mark off. */
export function ReviseOutcome({ id }: { id: string }) {
  const app = useApp()
  const [data] = useQuery<{ outcome: Recorded | null }>(
    `query Revise($id: ID!) { outcome(id: $id) { actorId changeType on region locality description significance contribution othersContribution intended tags
      evidence { kind id report dialogue { heldOn } commitment { text } } } }`, { id }, [id], app)
  const o = data?.outcome
  if (!o) return <p class="loading">…</p>
  const revising: Revising = {
    id, intended: o.intended,
    fields: { actorId: o.actorId, changeType: o.changeType, on: o.on, region: o.region, locality: o.locality ?? '', description: o.description, significance: o.significance,
      contribution: o.contribution, othersContribution: o.othersContribution ?? '', tags: o.tags.join(', ') },
    evidence: o.evidence.map((e) => ({ kind: e.kind, id: e.id, report: e.report ?? undefined, said: saidOf(e) })),
  }
  return <OutcomeForm key={id} revising={revising} />
}

/** saidOf says a piece of evidence as a form lists it. */
export function saidOf(e: { kind: string; report: number | null; dialogue: { heldOn: string } | null; commitment: { text: string } | null }): string {
  if (e.kind === 'DIALOGUE') return t('outcome.ev.dialogue', { date: e.dialogue ? day(e.dialogue.heldOn) : '—' })
  if (e.kind === 'COMMITMENT') return t('outcome.ev.commitment', { text: e.commitment?.text ?? '—' })
  return t('outcome.ev.reportOf', { n: e.report ?? 0, text: e.commitment?.text ?? '—' })
}

export function NewOutcome({ from }: { from?: string }) {
  const app = useApp()
  const [data] = useQuery<{ commitment: Source | null }>(
    `query From($id: ID!) { commitment(id: $id) { id text settledOn stakeholder { id name region } space { region } dialogue { id heldOn } history { kind on } } }`,
    { id: from ?? '' }, [from], app)
  const source = from ? data?.commitment : undefined
  if (from && !source) return <p class="loading">…</p>
  return <OutcomeForm key={source?.id ?? 'blank'} source={source ?? undefined} />
}

// outcomeInput is the outcome as the server takes it.
function outcomeInput(form: OutcomeFields, intended: boolean, evidence: Pick<Evidence, 'kind' | 'id' | 'report'>[]) {
  return {
    actorId: form.actorId, changeType: form.changeType, on: form.on, region: form.region, locality: form.locality || undefined,
    description: form.description, significance: form.significance, contribution: form.contribution,
    othersContribution: form.othersContribution || undefined, intended, tags: splitTags(form.tags), evidence,
  }
}

// useOutcomeForm is the form's state: its fields, the evidence offered
// and which is chosen, whether it was intended, whether a save was tried,
// and what was saved.
function useOutcomeForm(source: Source | undefined, start: Start | undefined) {
  const regions = useApp().session.regions
  // A new outcome's form opens, and opens again once saved, with what its
  // commitment says.
  const [initial] = useState<OutcomeFields>(() => start?.fields ?? {
    ...blank, actorId: source?.stakeholder?.id ?? '', on: source?.settledOn ?? '',
    region: source?.space?.region ?? source?.stakeholder?.region ?? (regions.length === 1 ? regions[0]! : ''),
  })
  const [form, setForm] = useState<OutcomeFields>(initial)
  const offered = start?.evidence ?? (source ? evidenceOf(source) : [])
  const [chosen, setChosen] = useState<boolean[]>(() => offered.map(() => true))
  const [intended, setIntended] = useState(start?.intended ?? true)
  const [tried, setTried] = useState(false)
  const [saved, setSaved] = useState('')
  // reset opens the form again as new, once a new outcome is saved.
  const reset = () => {
    setForm(initial)
    setChosen(offered.map(() => true))
    setIntended(true)
  }
  return { form, setForm, offered, chosen, setChosen, intended, setIntended, tried, setTried, saved, setSaved, reset }
}

// EvidenceOffered lets the reader choose the evidence the outcome cites.
function EvidenceOffered({ offered, chosen, setChosen, fixing }: { offered: Evidence[]; chosen: boolean[]; setChosen: (c: boolean[]) => void; fixing?: OutboxItem }) {
  return (
    <fieldset>
      <legend>{t('outcome.evidence')}</legend>
      {offered.length === 0 && <p class="help">{t('outcome.evidenceNone')}</p>}
      {offered.map((ev, i) => (
        <label key={ev.kind + ev.id + (ev.report ?? '')} class="check">
          <input type="checkbox" checked={chosen[i]} onChange={(e) => setChosen(chosen.map((c, j) => (j === i ? e.currentTarget.checked : c)))} /> {ev.said}
        </label>
      ))}
      {refusal(fixing?.error, 'evidence') && <p class="error" role="alert">{refusal(fixing?.error, 'evidence')}</p>}
    </fieldset>
  )
}

function OutcomeForm({ source, revising, start = revising, fixing }: { source?: Source; revising?: Revising; start?: Start; fixing?: OutboxItem }) {
  const app = useApp()
  const ref = app.reference
  const regions = app.session.regions
  const { form, setForm, offered, chosen, setChosen, intended, setIntended, tried, setTried, saved, setSaved, reset } = useOutcomeForm(source, start)
  const problems = outcomeProblems(form, today())
  const shown = (f: keyof OutcomeFields) => (tried || (f === 'on' && form.on) ? problems[f] : undefined) ?? refusal(fixing?.error, f)
  const set = (f: keyof OutcomeFields) => (e: Event) => setForm({ ...form, [f]: (e.currentTarget as HTMLInputElement).value })
  const submit = async (e: Event) => {
    e.preventDefault()
    if (Object.keys(problems).length > 0) {
      setTried(true)
      setSaved('')
      focusFirstProblem()
      return
    }
    const evidence = offered.filter((_, i) => chosen[i]).map(({ kind, id, report }) => ({ kind, id, report }))
    const input = outcomeInput(form, intended, evidence)
    const summary = form.description.slice(0, 60)
    if (fixing) {
      await app.outbox.replace(fixing.seq!, { mutation: fixing.mutation, document: fixing.document, variables: { ...fixing.variables, commandId: fixing.commandId, input }, objectId: fixing.objectId, summary })
      await app.drain()
      return app.go('/outbox')
    }
    const commandId = ulid()
    await app.outbox.add(revising ? {
      mutation: 'reviseOutcome', objectId: revising.id, summary: form.description.slice(0, 60),
      document: `mutation Revise($commandId: ID!, $id: ID!, $input: HarvestedOutcomeInput!) { reviseOutcome(commandId: $commandId, id: $id, input: $input) { id } }`,
      variables: { commandId, id: revising.id, input },
    } : {
      mutation: 'harvestOutcome', objectId: commandId, summary: form.description.slice(0, 60),
      document: `mutation Harvest($commandId: ID!, $input: HarvestedOutcomeInput!) { harvestOutcome(commandId: $commandId, input: $input) { id } }`,
      variables: { commandId, input },
    })
    if (!revising) reset()
    setTried(false)
    setSaved(t(revising ? 'outcome.revised' : 'outcome.saved'))
    await app.drain()
  }
  const text = (f: keyof OutcomeFields, name: string, area = true) => (
    <Field id={'o-' + f} label={name} error={shown(f)}>
      {area ? <textarea id={'o-' + f} value={form[f]} onInput={set(f)} aria-invalid={shown(f) ? true : undefined} aria-describedby={describedBy('o-' + f, shown(f))} />
        : <input id={'o-' + f} value={form[f]} onInput={set(f)} aria-invalid={shown(f) ? true : undefined} aria-describedby={describedBy('o-' + f, shown(f))} />}
    </Field>
  )
  return (
    <form autoComplete="off" class="card wide" onSubmit={submit} aria-labelledby="outcome-title" noValidate>
      <h1 id="outcome-title">{t(revising ? 'outcome.reviseTitle' : 'outcome.newTitle')}</h1>
      {revising && <p class="help">{t('outcome.reviseHelp')}</p>}
      {source && <p class="help">{t('outcome.fromHelp', { text: source.text })}</p>}
      <Field id="o-actorId" label={t('outcome.actor')} error={shown('actorId')}>
        <select id="o-actorId" value={form.actorId} onChange={set('actorId')} aria-invalid={shown('actorId') ? true : undefined} aria-describedby={describedBy('o-actorId', shown('actorId'))}>
          <option value="">{t('form.choose')}</option>
          {(ref?.stakeholders ?? []).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </select>
      </Field>
      <Field id="o-changeType" label={t('outcome.changeType')} error={shown('changeType')}>
        <VocabularySelect id="o-changeType" vocabulary="ChangeType" ref_={ref} value={form.changeType} onChange={(v) => setForm({ ...form, changeType: v })} required error={shown('changeType')} />
      </Field>
      <Field id="o-on" label={t('outcome.on')} error={shown('on')}>
        <input id="o-on" type="date" value={form.on} max={today()} onInput={set('on')} aria-invalid={shown('on') ? true : undefined} aria-describedby={describedBy('o-on', shown('on'))} />
      </Field>
      <Field id="o-region" label={t('outcome.region')} error={shown('region')}>
        <RegionSelect id="o-region" ref_={ref} value={form.region} onChange={(v) => setForm({ ...form, region: v })} only={regions} blank={t('form.choose')} />
      </Field>
      {text('locality', t('outcome.locality'), false)}
      {text('description', t('outcome.description'))}
      {text('significance', t('outcome.significance'))}
      {text('contribution', t('outcome.contribution'))}
      {text('othersContribution', t('outcome.others'))}
      <label class="check">
        <input type="checkbox" checked={intended} onChange={(e) => setIntended(e.currentTarget.checked)} /> {t('outcome.intended')}
      </label>
      {text('tags', t('outcome.tags'), false)}
      <EvidenceOffered offered={offered} chosen={chosen} setChosen={setChosen} fixing={fixing} />
      {tried && Object.keys(problems).length > 0 && <p class="error" role="alert">{t('form.fixFirst')}</p>}
      <button type="submit" class="primary">{t(revising ? 'outcome.reviseSubmit' : 'outcome.submit')}</button>
      <Saved message={saved} />
      {saved && <p><a href={revising ? `#/outcome/${revising.id}` : '#/outcomes'}>{t(revising ? 'outcome.back' : 'outcomes.title')}</a></p>}
    </form>
  )
}
