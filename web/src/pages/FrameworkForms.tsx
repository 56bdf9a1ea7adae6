import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { useApp } from '../app'
import type { ApiError } from '../api'
import type { Problems } from '../checks'
import type { OutboxItem } from '../db'
import { Field, Saved, VocabularySelect, describedBy, refusal, terms } from '../forms'
import { t, type MessageKey } from '../i18n'
import {
  blankPartner, blankProgramme, keyedProblems, organisationTypes, programmeFields, programmeInput, programmeOf, programmeProblems,
  type Framework, type PartnerFields, type ProgrammeFields, type ProgrammeInput,
} from '../results'
import { ulid } from '../ulid'
import { frameworkCommand, useFrameworkSend } from './frameworkSend'

// The results framework's forms: the programme (a new framework, or its
// details changed), a programme outcome and a result, each set by its key.
// The indicator's and the value's are in IndicatorForms.tsx.

/** shownProblem is a field's problem: the device's once a save was tried,
 * else the server's refusal of what was sent. */
export function shownProblem(problems: Problems, tried: boolean, error: ApiError | undefined, ...paths: string[]): string | undefined {
  for (const p of paths) {
    const local = tried ? problems[p] : undefined
    const server = refusal(error, p)
    if (local ?? server) return local ?? server
  }
  return undefined
}

/** TextField is a labelled input or text area with its problem. */
export function TextField(props: { id: string; label: string; value: string; onInput: (v: string) => void; problem?: string; help?: string; area?: boolean; type?: string; inputMode?: 'decimal' | 'numeric'; max?: string }) {
  const common = {
    id: props.id, value: props.value, 'aria-invalid': props.problem ? true : undefined, 'aria-describedby': describedBy(props.id, props.problem, props.help),
    onInput: (e: Event) => props.onInput((e.currentTarget as HTMLInputElement).value),
  }
  return (
    <Field id={props.id} label={props.label} error={props.problem} help={props.help}>
      {props.area ? <textarea rows={3} {...common} /> : <input type={props.type ?? 'text'} inputMode={props.inputMode} max={props.max} {...common} />}
    </Field>
  )
}

/** FormEnd is a form's last lines: what to fix, the button, the
 * confirmation where the person looks, and the way back. */
export function FormEnd({ tried, problems, submit, saved, back }: { tried: boolean; problems: Problems; submit: string; saved: string; back?: string }) {
  return (
    <>
      {tried && Object.keys(problems).length > 0 && <p class="error" role="alert">{t('form.fixFirst')}</p>}
      <button type="submit" class="primary">{submit}</button>
      <Saved message={saved} />
      {saved && back && <p><a href={back}>{t('results.backToFramework')}</a></p>}
    </>
  )
}

/** TextKey names a programme's fields that are typed. */
type TextKey = Exclude<keyof ProgrammeFields, 'partners'>

/** OrgFields are an organisation's ref, name and IATI type. */
function OrgFields({ id, legend, f, set, names, problem }: { id: string; legend: string; f: ProgrammeFields; set: (k: TextKey, v: string) => void; names: [TextKey, TextKey, TextKey]; problem: (p: string) => string | undefined }) {
  const [ref, name, type] = names
  return (
    <fieldset>
      <legend>{legend}</legend>
      <TextField id={id + '-name'} label={t('results.orgName')} value={f[name]} onInput={(v) => set(name, v)} problem={problem(id + '.name')} />
      <TextField id={id + '-ref'} label={t('results.orgRef')} value={f[ref]} onInput={(v) => set(ref, v)} problem={problem(id + '.ref')} help={t('results.orgRefHelp')} />
      <Field id={id + '-type'} label={t('results.orgType')} error={problem(id + '.type')}>
        <select id={id + '-type'} value={f[type]} aria-invalid={problem(id + '.type') ? true : undefined} onChange={(e) => set(type, e.currentTarget.value)}>
          <option value="">{t('form.choose')}</option>
          <OrgTypes />
        </select>
      </Field>
    </fieldset>
  )
}

function OrgTypes() {
  return <>{organisationTypes.map((c) => <option key={c} value={c}>{c} — {t(('iati.org.' + c) as MessageKey)}</option>)}</>
}

/** Partners are the programme's implementing partners, each with the
 * regions it works in; with several, the report has an activity for each. */
function Partners({ f, setF, problem }: { f: ProgrammeFields; setF: (f: ProgrammeFields) => void; problem: (p: string) => string | undefined }) {
  const ref = useApp().reference
  const put = (i: number, change: Partial<PartnerFields>) => setF({ ...f, partners: f.partners.map((p, j) => (j === i ? { ...p, ...change } : p)) })
  return (
    <fieldset>
      <legend>{t('results.partners')}</legend>
      <p class="help">{t('results.partnersHelp')}</p>
      {problem('partners') && <p class="error" role="alert">{problem('partners')}</p>}
      {f.partners.map((p, i) => (
        <fieldset key={i}>
          <legend>{t('results.partnerN', { n: i + 1 })}</legend>
          <TextField id={`pa-${i}-key`} label={t('results.key')} value={p.key} onInput={(v) => put(i, { key: v })} problem={problem(`partners[${i}].key`)} />
          <TextField id={`pa-${i}-name`} label={t('results.orgName')} value={p.name} onInput={(v) => put(i, { name: v })} problem={problem(`partners[${i}].name`)} />
          <TextField id={`pa-${i}-ref`} label={t('results.orgRef')} value={p.ref} onInput={(v) => put(i, { ref: v })} problem={problem(`partners[${i}].ref`)} />
          <Field id={`pa-${i}-type`} label={t('results.orgType')} error={problem(`partners[${i}].type`)}>
            <select id={`pa-${i}-type`} value={p.type} onChange={(e) => put(i, { type: e.currentTarget.value })}>
              <option value="">{t('form.choose')}</option>
              <OrgTypes />
            </select>
          </Field>
          <fieldset>
            <legend>{t('results.partnerRegionsLegend')}</legend>
            {terms(ref, 'Region').map((r) => (
              <label key={r.code} class="check">
                <input type="checkbox" checked={p.regions.includes(r.code)} onChange={(e) => put(i, { regions: e.currentTarget.checked ? [...p.regions, r.code] : p.regions.filter((x) => x !== r.code) })} /> {r.label}
              </label>
            ))}
            {problem(`partners[${i}].regions`) && <p class="error" role="alert">{problem(`partners[${i}].regions`)}</p>}
          </fieldset>
          <button type="button" onClick={() => setF({ ...f, partners: f.partners.filter((_, j) => j !== i) })}>{t('results.removePartner')}<span class="sr-only"> {p.name}</span></button>
        </fieldset>
      ))}
      <button type="button" onClick={() => setF({ ...f, partners: [...f.partners, blankPartner] })}>{t('results.addPartner')}</button>
    </fieldset>
  )
}

/** ProgrammeForm defines a framework, or changes its programme. */
export function ProgrammeForm({ fw, fixing }: { fw?: Framework; fixing?: OutboxItem }) {
  const sent = fixing?.variables.input as ProgrammeInput | undefined
  const start = sent ?? (fw ? programmeOf(fw) : undefined)
  const [f, setF] = useState<ProgrammeFields>(start ? programmeFields(start) : blankProgramme)
  const [tried, setTried] = useState(false)
  const [id] = useState(() => fixing?.objectId ?? fw?.id ?? ulid())
  const { send, error, saved } = useFrameworkSend(fixing)
  const changing = !!fw || fixing?.mutation === 'changeFrameworkDetails'
  const problems = programmeProblems(f)
  const problem = (...paths: string[]) => shownProblem(problems, tried, error, ...paths)
  const set = (k: TextKey, v: string) => setF({ ...f, [k]: v })
  const text = (k: TextKey, label: MessageKey, extra: { help?: string; area?: boolean; type?: string } = {}) => (
    <TextField id={'p-' + k} label={t(label)} value={f[k]} onInput={(v) => set(k, v)} problem={problem(k)} {...extra} />
  )
  const submit = async (e: Event) => {
    e.preventDefault()
    setTried(true)
    if (Object.keys(problems).length > 0) return
    const input = programmeInput(f)
    await send(frameworkCommand(changing ? 'changeFrameworkDetails' : 'defineFramework', 'ProgrammeInput', id, input, f.title), t(changing ? 'results.programmeChanged' : 'results.defined'))
  }
  return (
    <form autoComplete="off" class="card wide" onSubmit={submit} aria-labelledby="p-title-h">
      <h1 id="p-title-h">{t(changing ? 'results.changeProgramme' : 'results.newFramework')}</h1>
      {text('title', 'results.programmeTitle')}
      {text('description', 'results.description', { area: true })}
      {text('identifier', 'results.identifier', { help: t('results.identifierHelp') })}
      <OrgFields id="reportingOrg" legend={t('results.reportingOrg')} f={f} set={set} names={['orgRef', 'orgName', 'orgType']} problem={problem} />
      <OrgFields id="funder" legend={t('results.funder')} f={f} set={set} names={['funderRef', 'funderName', 'funderType']} problem={problem} />
      <div class="row">
        {text('country', 'results.country', { help: t('results.countryHelp') })}
        {text('startOn', 'results.startOn', { type: 'date' })}
        {text('endOn', 'results.endOn', { type: 'date' })}
      </div>
      <fieldset>
        <legend>{t('results.vocabulary')}</legend>
        <p class="help">{t('results.vocabularyHelp')}</p>
        {text('vocabularyName', 'results.vocabularyName')}
        <TextField id="p-vocabularyUri" label={t('results.vocabularyUri')} type="url" value={f.vocabularyUri} onInput={(v) => set('vocabularyUri', v)} problem={problem('vocabulary.uri', 'vocabulary')} />
      </fieldset>
      <Partners f={f} setF={setF} problem={problem} />
      <FormEnd tried={tried} problems={problems} submit={t('results.saveProgramme')} saved={saved} back={`#/framework/${id}`} />
    </form>
  )
}

/** KeyedForm is a programme outcome's or a result's form: a key, a
 * title, a description, and what else the kind asks. */
function KeyedForm({ heading, submit, problems, tried, saved, back, onSubmit, children }: { heading: string; submit: string; problems: Problems; tried: boolean; saved: string; back: string; onSubmit: (e: Event) => void; children: ComponentChildren }) {
  return (
    <form autoComplete="off" class="card wide" onSubmit={onSubmit} aria-labelledby="k-title-h">
      <h1 id="k-title-h">{heading}</h1>
      {children}
      <FormEnd tried={tried} problems={problems} submit={submit} saved={saved} back={back} />
    </form>
  )
}

export interface Keyed {
  key: string
  title: string
  description?: string | null
  outcomeKey?: string
  type?: string
}

/** useKeyed is a keyed part's form state and its send. */
function useKeyed(start: Keyed | undefined, fixing: OutboxItem | undefined, extra: Record<string, string>) {
  const [f, setF] = useState({ key: start?.key ?? '', title: start?.title ?? '', description: start?.description ?? '', outcomeKey: start?.outcomeKey ?? extra.outcomeKey ?? '', type: start?.type ?? '' })
  const [tried, setTried] = useState(false)
  const { send, error, saved } = useFrameworkSend(fixing)
  return { f, setF, tried, setTried, send, error, saved }
}

/** OutcomeForm sets a programme outcome by its key. */
export function OutcomeForm({ frameworkId, start, fixing }: { frameworkId: string; start?: Keyed; fixing?: OutboxItem }) {
  const { f, setF, tried, setTried, send, error, saved } = useKeyed(start, fixing, {})
  const problems = keyedProblems(f, [])
  const problem = (p: string) => shownProblem(problems, tried, error, p)
  const submit = async (e: Event) => {
    e.preventDefault()
    setTried(true)
    if (Object.keys(problems).length > 0) return
    const input = { key: f.key.trim(), title: f.title.trim(), description: f.description.trim() || undefined }
    await send(frameworkCommand('setFrameworkOutcome', 'OutcomeInput', frameworkId, input, f.title), t('results.outcomeSaved'))
  }
  return (
    <KeyedForm heading={t(start ? 'results.editOutcome' : 'results.addOutcome')} submit={t('results.saveOutcome')} problems={problems} tried={tried} saved={saved} back={`#/framework/${frameworkId}`} onSubmit={submit}>
      <KeyTitle f={f} setF={setF} problem={problem} locked={!!start && !fixing} />
    </KeyedForm>
  )
}

/** ResultForm sets a result of an outcome, of an IATI type, by its key. */
export function ResultForm({ fw, start, outcomeKey, fixing }: { fw: Framework; start?: Keyed; outcomeKey?: string; fixing?: OutboxItem }) {
  const app = useApp()
  const { f, setF, tried, setTried, send, error, saved } = useKeyed(start, fixing, { outcomeKey: outcomeKey ?? '' })
  const problems = keyedProblems(f, ['outcomeKey', 'type'])
  const problem = (p: string) => shownProblem(problems, tried, error, p)
  const submit = async (e: Event) => {
    e.preventDefault()
    setTried(true)
    if (Object.keys(problems).length > 0) return
    const input = { key: f.key.trim(), outcomeKey: f.outcomeKey, type: f.type, title: f.title.trim(), description: f.description.trim() || undefined }
    await send(frameworkCommand('setFrameworkResult', 'ResultInput', fw.id, input, f.title), t('results.resultSaved'))
  }
  return (
    <KeyedForm heading={t(start ? 'results.editResult' : 'results.addResult')} submit={t('results.saveResult')} problems={problems} tried={tried} saved={saved} back={`#/framework/${fw.id}`} onSubmit={submit}>
      <Field id="k-outcome" label={t('results.outcome')} error={problem('outcomeKey')}>
        <select id="k-outcome" value={f.outcomeKey} aria-invalid={problem('outcomeKey') ? true : undefined} onChange={(e) => setF({ ...f, outcomeKey: e.currentTarget.value })}>
          <option value="">{t('form.choose')}</option>
          {fw.outcomes.map((o) => <option key={o.key} value={o.key}>{o.key} — {o.title}</option>)}
        </select>
      </Field>
      <Field id="k-type" label={t('results.resultType')} error={problem('type')} help={t('results.resultTypeHelp')}>
        <VocabularySelect id="k-type" vocabulary="ResultType" ref_={app.reference} value={f.type} onChange={(v) => setF({ ...f, type: v })} error={problem('type')} />
      </Field>
      <KeyTitle f={f} setF={setF} problem={problem} locked={!!start && !fixing} />
    </KeyedForm>
  )
}

type KeyedState = ReturnType<typeof useKeyed>['f']

/** KeyTitle are a keyed part's key (fixed once set: a new key is a new
 * part), title and description. */
function KeyTitle({ f, setF, problem, locked }: { f: KeyedState; setF: (f: KeyedState) => void; problem: (p: string) => string | undefined; locked: boolean }) {
  return (
    <>
      {locked ? <p><strong>{t('results.key')}</strong> : {f.key}</p> : (
        <TextField id="k-key" label={t('results.key')} value={f.key} onInput={(v) => setF({ ...f, key: v })} problem={problem('key')} help={t('results.keyHelp')} />
      )}
      <TextField id="k-title" label={t('results.partTitle')} value={f.title} onInput={(v) => setF({ ...f, title: v })} problem={problem('title')} />
      <TextField id="k-description" label={t('results.description')} area value={f.description} onInput={(v) => setF({ ...f, description: v })} problem={problem('description')} />
    </>
  )
}
