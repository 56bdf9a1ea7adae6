import { useEffect, useState } from 'preact/hooks'
import type { ApiError } from '../api'
import { useApp } from '../app'
import type { OutboxItem } from '../db'
import { AttendanceFields, attendanceInput, noHeadcount, type Attendee } from '../attendance'
import { Field, Saved, VocabularySelect, describedBy, focusFirstProblem, refusal } from '../forms'
import { t } from '../i18n'
import type { Command } from '../outbox'
import { ulid } from '../ulid'
import { dialogueProblems, rules, today, type Headcount } from '../checks'
import { Enrol } from './Enrol'
import { Modal } from '../modal'

// Log a dialogue: the meeting, who attended (registered participants by
// code, and a headcount of the others), the stakeholders present, the
// concerns raised and the commitments heard. It becomes one holdDialogue
// command and a makeCommitment per commitment, linked to the dialogue,
// all through the outbox.

export const holdDialogue = `mutation Hold($commandId: ID!, $input: HoldDialogueInput!) { holdDialogue(commandId: $commandId, input: $input) { id } }`
export const makeCommitment = `mutation Make($commandId: ID!, $input: MakeCommitmentInput!) { makeCommitment(commandId: $commandId, input: $input) { id } }`


interface Form {
  spaceId: string
  heldOn: string
  format: string
  pillar: string
  title: string
  topics: string
  locality: string
  language: string
  durationMinutes: string
  attendees: Attendee[]
  headcount: Headcount
  stakeholderIds: string[]
  concerns: { category: string; summary: string }[]
  commitments: { stakeholderId: string; text: string; dueOn: string }[]
}

const empty = (): Form => ({
  spaceId: '', heldOn: today(), format: '', pillar: '', title: '', topics: '', locality: '', language: '', durationMinutes: '',
  attendees: [], headcount: noHeadcount(),
  stakeholderIds: [], concerns: [], commitments: [],
})

function input(f: Form) {
  const opt = (s: string) => (s.trim() === '' ? undefined : s.trim())
  return {
    spaceId: f.spaceId, heldOn: f.heldOn, format: f.format, pillar: f.pillar, title: opt(f.title), locality: opt(f.locality), language: opt(f.language),
    topics: f.topics.split(',').map((s) => s.trim()).filter(Boolean),
    durationMinutes: f.durationMinutes ? Number(f.durationMinutes) : undefined,
    ...attendanceInput(f), stakeholderIds: f.stakeholderIds,
    concerns: f.concerns.filter((c) => c.category).map((c) => ({ category: c.category, summary: opt(c.summary) })),
  }
}

function fromInput(v: Record<string, unknown>, codes: Map<string, string>): Form {
  const i = v.input as ReturnType<typeof input>
  return {
    ...empty(), spaceId: i.spaceId, heldOn: i.heldOn, format: i.format, pillar: i.pillar, title: i.title ?? '', locality: i.locality ?? '',
    language: i.language ?? '', durationMinutes: i.durationMinutes ? String(i.durationMinutes) : '', topics: i.topics.join(', '),
    attendees: i.attendees.map((a) => ({ ...a, code: codes.get(a.participantId) ?? a.participantId })),
    headcount: i.headcount, stakeholderIds: i.stakeholderIds, concerns: i.concerns.map((c) => ({ category: c.category, summary: c.summary ?? '' })),
  }
}

// Set changes one field of the form.
type SetField = <K extends keyof Form>(k: K, v: Form[K]) => void

// Need is a field's message: required and left empty, refused by the
// checks, or refused by the server when a queued command is being fixed.
type Need = (name: string) => string | undefined

// useCodes reads the participants by code (the cached ones and those
// enrolled on this device but not sent yet) and, when fixing a queued
// dialogue, that item and its form.
function useCodes(fix: number | undefined, onFix: (item: OutboxItem, codes: Map<string, string>) => void) {
  const app = useApp()
  const ref = app.reference
  const [codes, setCodes] = useState<Map<string, string>>(new Map())
  useEffect(() => {
    void app.outbox.list().then((items) => {
      const m = new Map((ref?.participants ?? []).map((p) => [p.id, p.code]))
      for (const i of items) {
        if (i.mutation === 'enrolParticipant' && i.state !== 'sent') m.set(i.objectId, (i.variables.input as { code: string }).code)
      }
      setCodes(m)
      if (fix !== undefined) {
        const item = items.find((x) => x.seq === fix)
        if (item) onFix(item, m)
      }
    })
  }, [ref, fix])
  return [codes, setCodes] as const
}

// dialogueCommands are a new dialogue's commands: holdDialogue, then a
// makeCommitment per commitment written, linked to it.
function dialogueCommands(form: Form, summary: string, refersTo: string[]): Command[] {
  const id = ulid()
  const cmds: Command[] = [{ mutation: 'holdDialogue', document: holdDialogue, variables: { commandId: id, input: input(form) }, objectId: id, refersTo, summary }]
  for (const c of form.commitments.filter((c) => c.stakeholderId && c.text.trim())) {
    const cid = ulid()
    cmds.push({
      mutation: 'makeCommitment', document: makeCommitment, objectId: cid, refersTo: [id], summary: `${form.heldOn} — ${c.text.trim().slice(0, 60)}`,
      variables: { commandId: cid, input: { stakeholderId: c.stakeholderId, spaceId: form.spaceId, dialogueId: id, text: c.text.trim(), pillar: form.pillar, madeOn: form.heldOn, dueOn: c.dueOn || undefined } },
    })
  }
  return cmds
}

// useDialogueForm is the form's state: its fields, the queued item being
// fixed, the fields found missing, whether it was saved, the codes of
// participants and whether one is being enrolled here.
function useDialogueForm(fix: number | undefined) {
  const [form, setForm] = useState<Form>(empty)
  const [fixing, setFixing] = useState<OutboxItem>()
  const [missing, setMissing] = useState<string[]>([])
  const [saved, setSaved] = useState(false)
  const [enrolling, setEnrolling] = useState(false)
  const [codes, setCodes] = useCodes(fix, (item, m) => {
    setFixing(item)
    setForm(fromInput(item.variables, m))
  })
  const set: SetField = (k, v) => {
    setSaved(false)
    setForm((f) => ({ ...f, [k]: v }))
  }
  const enrolled = (id: string, code: string) => {
    setCodes((m) => new Map(m).set(id, code))
    setForm((f) => ({ ...f, attendees: [...f.attendees, { participantId: id, code, spoke: false }] }))
    setEnrolling(false)
  }
  return { form, setForm, set, fixing, missing, setMissing, saved, setSaved, codes, enrolling, setEnrolling, enrolled }
}

// useSubmitDialogue checks the form, then queues its commands (or replaces
// the queued one being fixed) and sends them when online.
function useSubmitDialogue(state: ReturnType<typeof useDialogueForm>, problems: Record<string, string>) {
  const app = useApp()
  const { form, fixing, setForm, setMissing, setSaved } = state
  return async (e: Event) => {
    e.preventDefault()
    const absent = (['spaceId', 'heldOn', 'format', 'pillar'] as const).filter((k) => !form[k])
    setMissing(absent)
    focusFirstProblem()
    if (absent.length > 0 || Object.keys(problems).length > 0) {
      setSaved(false)
      return
    }
    const space = app.reference?.spaces.find((s) => s.id === form.spaceId)
    const summary = `${form.heldOn} — ${space?.name ?? ''}`
    const refersTo = form.attendees.map((a) => a.participantId)
    if (fixing) {
      await app.outbox.replace(fixing.seq!, { mutation: 'holdDialogue', document: holdDialogue, variables: { commandId: fixing.commandId, input: input(form) }, objectId: fixing.objectId, refersTo, summary })
    } else {
      for (const c of dialogueCommands(form, summary, refersTo)) await app.outbox.add(c)
      setForm(empty())
    }
    setSaved(true)
    if (app.online) void app.drain()
    if (fixing) app.go('/outbox')
  }
}

// MeetingFields are the meeting itself: where, when, how, on what.
function MeetingFields({ form, set, need, now }: { form: Form; set: SetField; need: Need; now: string }) {
  const app = useApp()
  const ref = app.reference
  const spaces = (ref?.spaces ?? []).filter((s) => !s.closed && (app.session.regions.length === 0 || app.session.regions.includes(s.region)))
  return (
    <fieldset>
      <Field id="spaceId" label={t('dialogue.space')} error={need('spaceId')}>
        <select id="spaceId" value={form.spaceId} required aria-describedby={describedBy('spaceId', need('spaceId'))} onChange={(e) => set('spaceId', e.currentTarget.value)}>
          <option value="">{t('form.choose')}</option>
          {spaces.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </select>
      </Field>
      <Field id="heldOn" label={t('dialogue.heldOn')} error={need('heldOn')}>
        <input id="heldOn" type="date" value={form.heldOn} max={now} required aria-invalid={need('heldOn') ? true : undefined} aria-describedby={describedBy('heldOn', need('heldOn'))} onInput={(e) => set('heldOn', e.currentTarget.value)} />
      </Field>
      <Field id="format" label={t('dialogue.format')} error={need('format')}>
        <VocabularySelect id="format" vocabulary="DialogueFormat" ref_={ref} value={form.format} onChange={(v) => set('format', v)} required error={need('format')} />
      </Field>
      <Field id="pillar" label={t('dialogue.pillar')} error={need('pillar')}>
        <VocabularySelect id="pillar" vocabulary="Pillar" ref_={ref} value={form.pillar} onChange={(v) => set('pillar', v)} required error={need('pillar')} />
      </Field>
      <Field id="title" label={t('dialogue.titleField')} error={need('title')}>
        <input id="title" value={form.title} aria-describedby={describedBy('title', need('title'))} onInput={(e) => set('title', e.currentTarget.value)} />
      </Field>
      <Field id="topics" label={t('dialogue.topics')} error={need('topics')}>
        <input id="topics" value={form.topics} aria-describedby={describedBy('topics', need('topics'))} onInput={(e) => set('topics', e.currentTarget.value)} />
      </Field>
      <Field id="locality" label={t('dialogue.locality')} error={need('locality')}>
        <input id="locality" value={form.locality} aria-describedby={describedBy('locality', need('locality'))} onInput={(e) => set('locality', e.currentTarget.value)} />
      </Field>
      <Field id="language" label={t('dialogue.language')} error={need('language')}>
        <input id="language" value={form.language} aria-describedby={describedBy('language', need('language'))} onInput={(e) => set('language', e.currentTarget.value)} />
      </Field>
      <Field id="durationMinutes" label={t('dialogue.duration')} error={need('durationMinutes')}>
        <input id="durationMinutes" type="number" min="0" max={rules.durationMinutes.max} inputMode="numeric" value={form.durationMinutes} aria-describedby={describedBy('durationMinutes', need('durationMinutes'))} onInput={(e) => set('durationMinutes', e.currentTarget.value)} />
      </Field>
    </fieldset>
  )
}

// StakeholdersPresent ticks the stakeholders at the meeting.
function StakeholdersPresent({ form, set }: { form: Form; set: SetField }) {
  const ref = useApp().reference
  return (
    <fieldset>
      <legend>{t('dialogue.stakeholders')}</legend>
      {(ref?.stakeholders ?? []).map((s) => (
        <label key={s.id} class="check">
          <input type="checkbox" checked={form.stakeholderIds.includes(s.id)}
            onChange={(e) => set('stakeholderIds', e.currentTarget.checked ? [...form.stakeholderIds, s.id] : form.stakeholderIds.filter((x) => x !== s.id))} /> {s.name}
        </label>
      ))}
    </fieldset>
  )
}

// ConcernsRaised lists the concerns, each a category and a summary.
function ConcernsRaised({ form, set, need, error }: { form: Form; set: SetField; need: Need; error?: ApiError }) {
  const ref = useApp().reference
  return (
    <fieldset>
      <legend>{t('dialogue.concerns')}</legend>
      {form.concerns.map((c, i) => (
        <div key={i} class="row">
          <Field id={`concern-${i}`} label={t('dialogue.concerns')} error={refusal(error, `concerns[${i}].category`)}>
            <VocabularySelect id={`concern-${i}`} vocabulary="ConcernCategory" ref_={ref} value={c.category} onChange={(v) => set('concerns', form.concerns.map((x, j) => (j === i ? { ...x, category: v } : x)))} />
          </Field>
          <Field id={`concern-summary-${i}`} label={t('dialogue.concernSummary')} error={need(`concerns[${i}]`)}>
            <input id={`concern-summary-${i}`} value={c.summary} onInput={(e) => set('concerns', form.concerns.map((x, j) => (j === i ? { ...x, summary: e.currentTarget.value } : x)))} />
          </Field>
          <button type="button" class="link" onClick={() => set('concerns', form.concerns.filter((_, j) => j !== i))}>{t('dialogue.remove')}</button>
        </div>
      ))}
      <button type="button" onClick={() => set('concerns', [...form.concerns, { category: '', summary: '' }])}>{t('dialogue.addConcern')}</button>
    </fieldset>
  )
}

// CommitmentsHeard lists the commitments made: who, what, by when.
function CommitmentsHeard({ form, set, problems }: { form: Form; set: SetField; problems: Record<string, string> }) {
  const ref = useApp().reference
  const change = (i: number, c: Partial<Form['commitments'][number]>) => set('commitments', form.commitments.map((x, j) => (j === i ? { ...x, ...c } : x)))
  return (
    <fieldset>
      <legend>{t('dialogue.commitments')}</legend>
      {form.commitments.map((c, i) => (
        <div key={i} class="row">
          <Field id={`commitment-holder-${i}`} label={t('dialogue.commitmentStakeholder')}>
            <select id={`commitment-holder-${i}`} value={c.stakeholderId} onChange={(e) => change(i, { stakeholderId: e.currentTarget.value })}>
              <option value="">{t('form.choose')}</option>
              {(ref?.stakeholders ?? []).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
            </select>
          </Field>
          <Field id={`commitment-text-${i}`} label={t('dialogue.commitmentText')} error={problems[`commitments[${i}].text`]}>
            <input id={`commitment-text-${i}`} value={c.text} onInput={(e) => change(i, { text: e.currentTarget.value })} />
          </Field>
          <Field id={`commitment-due-${i}`} label={t('dialogue.commitmentDue')} error={problems[`commitments[${i}].dueOn`]}>
            <input id={`commitment-due-${i}`} type="date" value={c.dueOn} min={form.heldOn || undefined} onInput={(e) => change(i, { dueOn: e.currentTarget.value })} />
          </Field>
          <button type="button" class="link" onClick={() => set('commitments', form.commitments.filter((_, j) => j !== i))}>{t('dialogue.remove')}</button>
        </div>
      ))}
      <button type="button" onClick={() => set('commitments', [...form.commitments, { stakeholderId: '', text: '', dueOn: '' }])}>{t('dialogue.addCommitment')}</button>
    </fieldset>
  )
}

export function LogDialogue({ fix }: { fix?: number }) {
  const app = useApp()
  const state = useDialogueForm(fix)
  const { form, setForm, set, fixing, missing, saved, codes, enrolling, setEnrolling, enrolled } = state
  const error: ApiError | undefined = fixing?.error
  const now = today()
  const problems = dialogueProblems(form, now)
  const need = (name: string) => (missing.includes(name) ? t('form.required') : problems[name] ?? refusal(error, name))
  const submit = useSubmitDialogue(state, problems)
  return (
    <>
    <form autoComplete="off" class="card wide" onSubmit={submit} aria-labelledby="dialogue-title" noValidate>
      <h1 id="dialogue-title">{t('dialogue.title')}</h1>
      {error && !error.field && <p class="error" role="alert">{refusal(error, '') ?? ''}</p>}
      <MeetingFields form={form} set={set} need={need} now={now} />

      <AttendanceFields value={{ attendees: form.attendees, headcount: form.headcount }} onChange={(a) => setForm((f) => ({ ...f, ...a }))} codes={codes} error={error} onEnrol={() => setEnrolling(true)} online={app.online} problems={problems} />

      <StakeholdersPresent form={form} set={set} />

      <ConcernsRaised form={form} set={set} need={need} error={error} />

      {!fixing && <CommitmentsHeard form={form} set={set} problems={problems} />}
      <button type="submit" class="primary">{t('dialogue.submit')}</button>
      <Saved message={saved ? t('dialogue.saved') : ''} />
    </form>
    {enrolling && (
      <Modal label={t('dialogue.enrolHere')} onClose={() => setEnrolling(false)}>
        <Enrol onEnrolled={enrolled} />
      </Modal>
    )}
    </>
  )
}
