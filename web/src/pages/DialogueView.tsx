import { useState } from 'preact/hooks'
import { useApp } from '../app'
import { AttendanceFields, attendanceInput, type Attendance } from '../attendance'
import { subsetProblems } from '../checks'
import { label } from '../data'
import { Field } from '../forms'
import { useQuery } from '../query'
import { language, t, type MessageKey } from '../i18n'
import { ulid } from '../ulid'

// One dialogue as its region's facilitator sees it, with its history, and
// the two corrections a facilitator makes: its attendance (replaced
// whole), or its retraction, with a reason.

interface Dialogue {
  id: string
  heldOn: string
  format: string
  pillar: string
  title: string | null
  retracted: boolean
  space: { name: string } | null
  attendees: { participantId: string; spoke: boolean; participant: { code: string } | null }[] | null
  headcount: Attendance['headcount'] | null
  stakeholders: { name: string }[]
  commitments: { id: string; text: string }[]
  changes: { type: string; recordedAt: string; recordedBy: string }[]
}

const query = `query View($id: ID!) { dialogue(id: $id) { id heldOn format pillar title retracted space { name }
  attendees { participantId spoke participant { code } } headcount { youngWomen adultWomen youngMen adultMen withDisabilities displaced }
  stakeholders { name } commitments { id text } changes { type recordedAt recordedBy } } }`

export function DialogueView({ id }: { id: string }) {
  const app = useApp()
  const ref = app.reference
  const lang = language()
  const [attendance, setAttendance] = useState<Attendance>()
  const [reason, setReason] = useState('')
  const [saved, setSaved] = useState('')
  const [data, problem] = useQuery<{ dialogue: Dialogue | null }>(query, { id }, [id, app.lastDrain])
  const d = data?.dialogue
  if (problem) return <p class="error" role="alert">{problem}</p>
  if (!d) return <p class="loading">…</p>
  const codes = new Map((ref?.participants ?? []).map((p) => [p.id, p.code]))
  const current: Attendance = {
    attendees: (d.attendees ?? []).map((a) => ({ participantId: a.participantId, spoke: a.spoke, code: a.participant?.code ?? a.participantId })),
    headcount: d.headcount ?? { youngWomen: 0, adultWomen: 0, youngMen: 0, adultMen: 0, withDisabilities: 0, displaced: 0 },
  }
  const summary = `${d.heldOn} — ${d.space?.name ?? ''}`
  const correct = async (e: Event) => {
    e.preventDefault()
    if (!attendance || Object.keys(subsetProblems(attendance.headcount)).length > 0) return
    await app.outbox.add({
      mutation: 'correctDialogueAttendance', objectId: d.id, refersTo: attendance.attendees.map((a) => a.participantId), summary: `${t('view.correct')} — ${summary}`,
      document: `mutation Correct($commandId: ID!, $id: ID!, $input: AttendanceInput!) { correctDialogueAttendance(commandId: $commandId, id: $id, input: $input) { id } }`,
      variables: { commandId: ulid(), id: d.id, input: attendanceInput(attendance) },
    })
    setAttendance(undefined)
    setSaved(t('action.saved'))
    await app.drain()
  }
  const retract = async (e: Event) => {
    e.preventDefault()
    if (!reason.trim()) return
    await app.outbox.add({
      mutation: 'retractDialogue', objectId: d.id, summary: `${t('view.retract')} — ${summary}`,
      document: `mutation Retract($commandId: ID!, $id: ID!, $input: RetractDialogueInput!) { retractDialogue(commandId: $commandId, id: $id, input: $input) { id } }`,
      variables: { commandId: ulid(), id: d.id, input: { reason: reason.trim() } },
    })
    setSaved(t('action.saved'))
    await app.drain()
  }
  return (
    <section>
      <h1>{d.title ?? summary}</h1>
      {saved && <p class="notice" role="status">{saved}</p>}
      {d.retracted && <p class="error">{t('view.retracted')}</p>}
      <p>
        {summary} · {label(ref, lang, 'DialogueFormat', d.format)} · {label(ref, lang, 'Pillar', d.pillar)}
      </p>
      <p>{t('dialogue.attendees')} : {current.attendees.map((a) => a.code + (a.spoke ? ' ★' : '')).join(', ') || t('form.none')}</p>
      <p>{t('dialogue.stakeholders')} : {d.stakeholders.map((s) => s.name).join(', ') || t('form.none')}</p>
      {d.commitments.length > 0 && <p>{t('dialogue.commitments')} : {d.commitments.map((c) => c.text).join(' ; ')}</p>}
      <h2>{t('commitment.history')}</h2>
      <ol class="list">
        {d.changes.map((c, i) => <li key={i}>{new Date(c.recordedAt).toLocaleString(lang)} — {t(('change.' + c.type) as MessageKey)} ({c.recordedBy})</li>)}
      </ol>
      {!d.retracted && (
        <>
          {attendance ? (
            <form class="card wide" onSubmit={correct} aria-labelledby="correct-title">
              <h2 id="correct-title">{t('view.correct')}</h2>
              <AttendanceFields value={attendance} onChange={setAttendance} codes={codes} />
              <button type="submit" class="primary">{t('view.saveAttendance')}</button>
            </form>
          ) : (
            <button type="button" onClick={() => setAttendance(current)}>{t('view.correct')}</button>
          )}
          <form class="card wide" onSubmit={retract} aria-labelledby="retract-title">
            <h2 id="retract-title">{t('view.retract')}</h2>
            <p class="help">{t('view.retractExplain')}</p>
            <Field id="reason" label={t('commitment.reason')}>
              <input id="reason" value={reason} required onInput={(e) => setReason(e.currentTarget.value)} />
            </Field>
            <button type="submit">{t('view.retract')}</button>
          </form>
        </>
      )}
    </section>
  )
}
