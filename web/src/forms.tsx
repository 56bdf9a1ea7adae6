import type { ComponentChildren } from 'preact'
import { useEffect, useRef } from 'preact/hooks'
import type { ApiError } from './api'
import type { Reference, Term } from './data'
import { language, t, type MessageKey } from './i18n'

// What every form shares: a labelled field with its error, a select of a
// vocabulary, and the server's refusal told next to the field it names.

export function Field(props: { id: string; label: string; error?: string; help?: string; children: ComponentChildren }) {
  return (
    <div class={props.error ? 'field invalid' : 'field'}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.help && (
        <p id={props.id + '-help'} class="help">
          {props.help}
        </p>
      )}
      {props.error && (
        <p id={props.id + '-error'} class="error" role="alert">
          {props.error}
        </p>
      )}
    </div>
  )
}

/** describedBy names a field's help and error for assistive technology. */
export function describedBy(id: string, error?: string, help?: string): string | undefined {
  return [help && id + '-help', error && id + '-error'].filter(Boolean).join(' ') || undefined
}

export function terms(ref: Reference | undefined, vocabulary: string): Term[] {
  return ref?.vocabulary[language()][vocabulary] ?? []
}

export function VocabularySelect(props: {
  id: string
  vocabulary: string
  ref_: Reference | undefined
  value: string
  onChange: (v: string) => void
  required?: boolean
  error?: string
  /** The blank choice's words: "— choisir —" unless a filter says "all". */
  blank?: string
}) {
  return (
    <select
      id={props.id}
      value={props.value}
      required={props.required}
      aria-invalid={props.error ? true : undefined}
      aria-describedby={describedBy(props.id, props.error)}
      onChange={(e) => props.onChange(e.currentTarget.value)}
    >
      <option value="">{props.blank ?? t('form.choose')}</option>
      {terms(props.ref_, props.vocabulary).map((term) => (
        <option key={term.code} value={term.value ?? term.code}>
          {term.label}
        </option>
      ))}
    </select>
  )
}

/** refusal is the server's error for the field at path (the input's own
 * name, e.g. "headcount.youngMen"), told in the interface's language. */
export function refusal(error: ApiError | undefined, path: string): string | undefined {
  if (!error) return undefined
  const at = (field?: string) => {
    const f = field?.replace(/^input\./, '') ?? ''
    return f === path || f.startsWith(path + '.') || f.startsWith(path + '[')
  }
  if (error.problems) {
    const mine = error.problems.filter((p) => at(p.field)).map((p) => p.message)
    return mine.length ? mine.join(' ; ') : undefined
  }
  return at(error.field) ? serverMessage(error) : undefined
}

// The forms' fields by the input's names, for refusals told away from
// their form (the outbox).
const fieldLabels: Record<string, MessageKey> = {
  spaceId: 'dialogue.space', heldOn: 'dialogue.heldOn', format: 'dialogue.format', pillar: 'dialogue.pillar', title: 'dialogue.titleField',
  topics: 'dialogue.topics', locality: 'dialogue.locality', language: 'dialogue.language', durationMinutes: 'dialogue.duration',
  attendees: 'dialogue.attendees', headcount: 'dialogue.headcount', stakeholderIds: 'dialogue.stakeholders', concerns: 'dialogue.concerns',
  identity: 'enrol.name', code: 'enrol.code', sex: 'enrol.sex', birthYear: 'enrol.birthYear', ageBand: 'enrol.ageBand', region: 'enrol.region',
  displacement: 'enrol.displacement', groups: 'enrol.groups', functioning: 'enrol.functioning', consent: 'enrol.consent',
  stakeholderId: 'dialogue.commitmentStakeholder', text: 'dialogue.commitmentText', dueOn: 'dialogue.commitmentDue',
  actorId: 'outcome.actor', changeType: 'outcome.changeType', description: 'outcome.description', significance: 'outcome.significance',
  contribution: 'outcome.contribution', othersContribution: 'outcome.others', tags: 'outcome.tags', evidence: 'outcome.evidence',
  verifier: 'outcome.verifierName', requestedOn: 'outcome.askOn', answeredOn: 'outcome.answerOn', verdict: 'outcome.verdict', comment: 'outcome.comment',
}

/** fieldLabel names the field an error is about, in the interface's
 * language ("" when it names none). */
export function fieldLabel(error: ApiError): string {
  const first = error.field?.replace(/^input\./, '').split(/[.[]/)[0] ?? ''
  return fieldLabels[first] ? t(fieldLabels[first]) : first
}

export function serverMessage(error: ApiError): string {
  if (error.problems?.length) {
    return error.problems.map((p) => `${fieldLabel({ ...error, field: p.field }) || p.field} : ${p.message}`).join(' ; ')
  }
  const known: string[] = ['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'FORBIDDEN']
  const key = (known.includes(error.code) ? 'error.' + error.code : 'error.INTERNAL') as MessageKey
  return `${t(key)} ${t('error.detail', { message: error.message })}`
}

/** focusFirstProblem moves the keyboard to the first field at fault once
 * the form shows its errors, so nobody has to hunt for it. */
export function focusFirstProblem(): void {
  setTimeout(() => (document.querySelector('.field.invalid input, .field.invalid select') as HTMLElement | null)?.focus(), 0)
}

/** RegionSelect picks one of the deployment's regions (those given, or
 * all), or none when a blank choice is offered. */
export function RegionSelect(props: { id: string; ref_: Reference | undefined; value: string; onChange: (v: string) => void; only?: string[]; blank?: string; required?: boolean }) {
  return (
    <select id={props.id} value={props.value} required={props.required} onChange={(e) => props.onChange(e.currentTarget.value)}>
      {props.blank !== undefined && <option value="">{props.blank}</option>}
      {terms(props.ref_, 'Region').filter((r) => !props.only?.length || props.only.includes(r.code)).map((r) => <option key={r.code} value={r.code}>{r.label}</option>)}
    </select>
  )
}

/** Saved says an action is done where the person is looking: put beside
 * the button that did it, it takes the focus when it appears (scrolled
 * into view, and read out by a screen reader). */
export function Saved({ message }: { message: string }) {
  const ref = useRef<HTMLParagraphElement>(null)
  useEffect(() => {
    if (!message) return
    ref.current?.focus()
    ref.current?.scrollIntoView?.({ block: 'center' })
  }, [message])
  return message ? <p ref={ref} tabIndex={-1} class="notice state-sent" role="status">{message}</p> : null
}
