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

export function LogDialogue({ fix }: { fix?: number }) {
  const app = useApp()
  const ref = app.reference
  const [form, setForm] = useState<Form>(empty)
  const [fixing, setFixing] = useState<OutboxItem>()
  const [missing, setMissing] = useState<string[]>([])
  const [saved, setSaved] = useState(false)
  const [codes, setCodes] = useState<Map<string, string>>(new Map())
  const [enrolling, setEnrolling] = useState(false)

  // Participants by code: the cached ones and those enrolled on this
  // device but not sent yet.
  useEffect(() => {
    void app.outbox.list().then((items) => {
      const m = new Map((ref?.participants ?? []).map((p) => [p.id, p.code]))
      for (const i of items) {
        if (i.mutation === 'enrolParticipant' && i.state !== 'sent') m.set(i.objectId, (i.variables.input as { code: string }).code)
      }
      setCodes(m)
      if (fix !== undefined) {
        const item = items.find((x) => x.seq === fix)
        if (item) {
          setFixing(item)
          setForm(fromInput(item.variables, m))
        }
      }
    })
  }, [ref, fix])

  const set = <K extends keyof Form>(k: K, v: Form[K]) => {
    setSaved(false)
    setForm((f) => ({ ...f, [k]: v }))
  }
  const error: ApiError | undefined = fixing?.error
  const now = today()
  const problems = dialogueProblems(form, now)
  const need = (name: string) => (missing.includes(name) ? t('form.required') : problems[name] ?? refusal(error, name))
  const spaces = (ref?.spaces ?? []).filter((s) => !s.closed && (app.session.regions.length === 0 || app.session.regions.includes(s.region)))

  const submit = async (e: Event) => {
    e.preventDefault()
    const absent = (['spaceId', 'heldOn', 'format', 'pillar'] as const).filter((k) => !form[k])
    setMissing(absent)
    focusFirstProblem()
    if (absent.length > 0 || Object.keys(problems).length > 0) {
      setSaved(false)
      return
    }
    const space = ref?.spaces.find((s) => s.id === form.spaceId)
    const summary = `${form.heldOn} — ${space?.name ?? ''}`
    const refersTo = form.attendees.map((a) => a.participantId)
    if (fixing) {
      await app.outbox.replace(fixing.seq!, { mutation: 'holdDialogue', document: holdDialogue, variables: { commandId: fixing.commandId, input: input(form) }, objectId: fixing.objectId, refersTo, summary })
    } else {
      const id = ulid()
      const cmds: Command[] = [{ mutation: 'holdDialogue', document: holdDialogue, variables: { commandId: id, input: input(form) }, objectId: id, refersTo, summary }]
      for (const c of form.commitments.filter((c) => c.stakeholderId && c.text.trim())) {
        const cid = ulid()
        cmds.push({
          mutation: 'makeCommitment', document: makeCommitment, objectId: cid, refersTo: [id], summary: `${form.heldOn} — ${c.text.trim().slice(0, 60)}`,
          variables: { commandId: cid, input: { stakeholderId: c.stakeholderId, spaceId: form.spaceId, dialogueId: id, text: c.text.trim(), pillar: form.pillar, madeOn: form.heldOn, dueOn: c.dueOn || undefined } },
        })
      }
      for (const c of cmds) await app.outbox.add(c)
      setForm(empty())
    }
    setSaved(true)
    if (app.online) void app.drain()
    if (fixing) app.go('/outbox')
  }

  const enrolled = (id: string, code: string) => {
    setCodes((m) => new Map(m).set(id, code))
    setForm((f) => ({ ...f, attendees: [...f.attendees, { participantId: id, code, spoke: false }] }))
    setEnrolling(false)
  }
  return (
    <>
    <form autoComplete="off" class="card wide" onSubmit={submit} aria-labelledby="dialogue-title" noValidate>
      <h1 id="dialogue-title">{t('dialogue.title')}</h1>
      {error && !error.field && <p class="error" role="alert">{refusal(error, '') ?? ''}</p>}
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

      <AttendanceFields value={{ attendees: form.attendees, headcount: form.headcount }} onChange={(a) => setForm((f) => ({ ...f, ...a }))} codes={codes} error={error} onEnrol={() => setEnrolling(true)} online={app.online} problems={problems} />

      <fieldset>
        <legend>{t('dialogue.stakeholders')}</legend>
        {(ref?.stakeholders ?? []).map((s) => (
          <label key={s.id} class="check">
            <input type="checkbox" checked={form.stakeholderIds.includes(s.id)}
              onChange={(e) => set('stakeholderIds', e.currentTarget.checked ? [...form.stakeholderIds, s.id] : form.stakeholderIds.filter((x) => x !== s.id))} /> {s.name}
          </label>
        ))}
      </fieldset>

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

      {!fixing && (
        <fieldset>
          <legend>{t('dialogue.commitments')}</legend>
          {form.commitments.map((c, i) => (
            <div key={i} class="row">
              <Field id={`commitment-holder-${i}`} label={t('dialogue.commitmentStakeholder')}>
                <select id={`commitment-holder-${i}`} value={c.stakeholderId} onChange={(e) => set('commitments', form.commitments.map((x, j) => (j === i ? { ...x, stakeholderId: e.currentTarget.value } : x)))}>
                  <option value="">{t('form.choose')}</option>
                  {(ref?.stakeholders ?? []).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
                </select>
              </Field>
              <Field id={`commitment-text-${i}`} label={t('dialogue.commitmentText')} error={problems[`commitments[${i}].text`]}>
                <input id={`commitment-text-${i}`} value={c.text} onInput={(e) => set('commitments', form.commitments.map((x, j) => (j === i ? { ...x, text: e.currentTarget.value } : x)))} />
              </Field>
              <Field id={`commitment-due-${i}`} label={t('dialogue.commitmentDue')} error={problems[`commitments[${i}].dueOn`]}>
                <input id={`commitment-due-${i}`} type="date" value={c.dueOn} min={form.heldOn || undefined} onInput={(e) => set('commitments', form.commitments.map((x, j) => (j === i ? { ...x, dueOn: e.currentTarget.value } : x)))} />
              </Field>
              <button type="button" class="link" onClick={() => set('commitments', form.commitments.filter((_, j) => j !== i))}>{t('dialogue.remove')}</button>
            </div>
          ))}
          <button type="button" onClick={() => set('commitments', [...form.commitments, { stakeholderId: '', text: '', dueOn: '' }])}>{t('dialogue.addCommitment')}</button>
        </fieldset>
      )}
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
