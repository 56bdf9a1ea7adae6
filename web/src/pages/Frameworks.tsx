import { useEffect, useState } from 'preact/hooks'
import { readsDonorReport, useApp } from '../app'
import { label } from '../data'
import type { OutboxItem } from '../db'
import { language, t } from '../i18n'
import { day } from '../numbers'
import { useQuery } from '../query'
import { amount, frameworkFields, type Framework, type Indicator, type IndicatorInput } from '../results'
import { OutcomeForm, ProgrammeForm, ResultForm, type Keyed } from './FrameworkForms'
import { IndicatorForm, ValueForm } from './IndicatorForms'
import './results.css'

// The results frameworks ("Cadre de résultats"): the list, a framework
// with its programme outcomes, results and indicators, and — for the roles
// the write policy lets define one (admins) — its forms: the programme,
// an outcome, a result, an indicator, a value entered by hand. Every role
// that reads figures reads them; what it may not do is not offered, and
// the server stays the rule. Read offline from what was last loaded.

/** path is the route after "#/framework": ["new"], [id], [id, "result",
 * "new", outcomeKey], [id, "indicator", key], ["fix", seq]… */
export default function Frameworks({ path }: { path: string[] }) {
  const [first = '', kind, key, under] = path
  if (first === '') return <FrameworkList />
  if (first === 'new') return <Defines><ProgrammeForm /></Defines>
  if (first === 'fix') return <Defines><FixFrameworkItem seq={Number(kind)} /></Defines>
  if (!kind) return <FrameworkPage id={first} />
  return <Defines><FrameworkFormPage id={first} kind={kind} keyOf={key === 'new' ? undefined : key} under={key === 'new' ? under : undefined} /></Defines>
}

/** defines: the role the write policy lets define a results framework. */
export function defines(role: string): boolean {
  return role === 'admin'
}

/** Defines shows a form only to a role that may send it. */
function Defines({ children }: { children: preact.ComponentChildren }) {
  return defines(useApp().session.role) ? <>{children}</> : <p class="error" role="alert">{t('results.notYours')}</p>
}

/** useFramework is one framework, kept on the device for offline reading. */
function useFramework(id: string) {
  const app = useApp()
  const [data, problem, , kept] = useQuery<{ framework: Framework | null }>(`query Framework($id: ID!) { framework(id: $id) { ${frameworkFields} } }`, { id }, [id, app.lastDrain], app)
  return { fw: data?.framework ?? undefined, problem, kept, notFound: !!data && !data.framework }
}

function Kept({ at }: { at?: string }) {
  return at ? <p class="notice state-waiting" role="status">{t('status.keptAt', { at: new Date(at).toLocaleString(language()) })}</p> : null
}

function FrameworkList() {
  const app = useApp()
  const [data, problem, , kept] = useQuery<{ frameworks: Framework[] }>(`query Frameworks { frameworks { ${frameworkFields} } }`, {}, [app.lastDrain], app)
  const list = data?.frameworks ?? []
  return (
    <section>
      <h1>{t('results.title')}</h1>
      <p class="help">{t('results.explain')}</p>
      {defines(app.session.role) && <p><a href="#/framework/new">{t('results.newFramework')}</a></p>}
      {problem && <p class={app.online ? 'error' : 'notice state-waiting'} role="alert">{problem}</p>}
      <Kept at={kept?.at} />
      {data && list.length === 0 && <p>{t('results.none')}</p>}
      <ul class="cards">
        {list.map((f) => (
          <li key={f.id}>
            <a href={`#/framework/${f.id}`}>{f.title}</a>
            <div class="help">
              {f.identifier} · {period(f)} · {t('results.counts', { outcomes: f.outcomes.length, results: f.results.length, indicators: f.indicators.length })}
            </div>
          </li>
        ))}
      </ul>
    </section>
  )
}

function period(f: Framework): string {
  return f.endOn ? t('results.period', { from: day(f.startOn), to: day(f.endOn) }) : t('results.since', { from: day(f.startOn) })
}

function FrameworkPage({ id }: { id: string }) {
  const app = useApp()
  const { fw, problem, kept, notFound } = useFramework(id)
  if (problem) return <p class={app.online ? 'error' : 'notice state-waiting'} role="alert">{problem}</p>
  if (notFound) return <p class="error" role="alert">{t('results.notFound')}</p>
  if (!fw) return <p class="loading">…</p>
  const admin = defines(app.session.role)
  const reports = readsDonorReport(app.session)
  return (
    <section class="framework">
      <p><a href="#/frameworks">{t('results.all')}</a></p>
      <h1>{fw.title}</h1>
      <Kept at={kept?.at} />
      {fw.description && <p>{fw.description}</p>}
      <dl class="facts">
        <div><dt>{t('results.identifier')}</dt><dd>{fw.identifier}</dd></div>
        <div><dt>{t('results.reportingOrg')}</dt><dd>{fw.reportingOrg.name}</dd></div>
        {fw.funder && <div><dt>{t('results.funder')}</dt><dd>{fw.funder.name}</dd></div>}
        <div><dt>{t('results.periodLabel')}</dt><dd>{period(fw)}</dd></div>
        {fw.vocabularyName && <div><dt>{t('results.vocabulary')}</dt><dd>{fw.vocabularyName}</dd></div>}
        {fw.partners.length > 0 && <div><dt>{t('results.partners')}</dt><dd>{fw.partners.map((p) => p.name).join(', ')}</dd></div>}
      </dl>
      <div class="actions">
        {admin && <a href={`#/framework/${id}/edit`}>{t('results.changeProgramme')}</a>}
        {admin && <a href={`#/framework/${id}/outcome/new`}>{t('results.addOutcome')}</a>}
        {reports && <a href={`#/report/${id}`}>{t('nav.report')}</a>}
      </div>
      {fw.outcomes.length === 0 && <p>{t('results.noOutcome')}</p>}
      {fw.outcomes.map((o) => (
        <div key={o.key} class="outcome-block">
          <h2>{o.key} — {o.title}</h2>
          {o.description && <p>{o.description}</p>}
          {admin && (
            <div class="actions">
              <a href={`#/framework/${id}/outcome/${encodeURIComponent(o.key)}`}>{t('results.editOutcome')}<span class="sr-only"> {o.key}</span></a>
              <a href={`#/framework/${id}/result/new/${encodeURIComponent(o.key)}`}>{t('results.addResult')}<span class="sr-only"> {o.key}</span></a>
            </div>
          )}
          {fw.results.filter((r) => r.outcomeKey === o.key).map((r) => <ResultBlock key={r.key} fw={fw} result={r} admin={admin} />)}
        </div>
      ))}
    </section>
  )
}

function ResultBlock({ fw, result, admin }: { fw: Framework; result: Framework['results'][number]; admin: boolean }) {
  const ref = useApp().reference
  const here = `#/framework/${fw.id}`
  return (
    <>
      <h3>{result.key} — {result.title} <span class="help">({label(ref, language(), 'ResultType', result.type)})</span></h3>
      {result.description && <p>{result.description}</p>}
      {admin && (
        <div class="actions">
          <a href={`${here}/result/${encodeURIComponent(result.key)}`}>{t('results.editResult')}<span class="sr-only"> {result.key}</span></a>
          <a href={`${here}/indicator/new/${encodeURIComponent(result.key)}`}>{t('results.addIndicator')}<span class="sr-only"> {result.key}</span></a>
        </div>
      )}
      <ul class="cards">
        {fw.indicators.filter((i) => i.resultKey === result.key).map((i) => <IndicatorCard key={i.key} fw={fw} indicator={i} admin={admin} />)}
      </ul>
    </>
  )
}

function IndicatorCard({ fw, indicator: i, admin }: { fw: Framework; indicator: Indicator; admin: boolean }) {
  const ref = useApp().reference
  const lang = language()
  const here = `#/framework/${fw.id}`
  const values = fw.values.filter((v) => v.indicatorKey === i.key)
  return (
    <li class="indicator">
      <strong>{i.key} — {i.title}</strong>
      <div class="help">
        {label(ref, lang, 'IndicatorMeasure', i.measure)} · {i.rule ? label(ref, lang, 'IndicatorRule', i.rule) : t('results.byHand')}
        {i.references.length > 0 && <> · {t('results.codes', { codes: i.references.join(', ') })}</>}
      </div>
      <dl class="facts">
        <div><dt>{t('results.baselineOf', { year: i.baseline.year })}</dt><dd>{amount(i.measure, i.baseline)}</dd></div>
        {i.targets.map((x) => <div key={x.year}><dt>{t('results.targetOf', { year: x.year })}</dt><dd>{amount(i.measure, x)}</dd></div>)}
      </dl>
      {values.length > 0 && (
        <ul class="list">
          {values.map((v) => (
            <li key={v.year + (v.partnerKey ?? '')}>
              {t('results.valueOf', { year: v.year, value: amount(i.measure, v) })}
              {v.partnerKey && <> ({fw.partners.find((p) => p.key === v.partnerKey)?.name ?? v.partnerKey})</>}
              {v.evidence.length > 0 && <div class="help">{t('results.evidenceIs', { evidence: v.evidence.join(' ; ') })}</div>}
            </li>
          ))}
        </ul>
      )}
      {admin && (
        <div class="actions">
          <a href={`${here}/indicator/${encodeURIComponent(i.key)}`}>{t('results.editIndicator')}<span class="sr-only"> {i.key}</span></a>
          {!i.rule && <a href={`${here}/value/${encodeURIComponent(i.key)}`}>{t('results.recordValue')}<span class="sr-only"> {i.key}</span></a>}
        </div>
      )}
    </li>
  )
}

/** FrameworkFormPage opens a framework's form: its programme, or a part
 * by its key (none: a new one, under the part named). */
function FrameworkFormPage({ id, kind, keyOf, under }: { id: string; kind: string; keyOf?: string; under?: string }) {
  const { fw, problem, notFound } = useFramework(id)
  if (problem) return <p class="error" role="alert">{problem}</p>
  if (notFound) return <p class="error" role="alert">{t('results.notFound')}</p>
  if (!fw) return <p class="loading">…</p>
  const key = keyOf && decodeURIComponent(keyOf)
  const parent = under && decodeURIComponent(under)
  switch (kind) {
    case 'edit':
      return <ProgrammeForm fw={fw} />
    case 'outcome':
      return <OutcomeForm frameworkId={id} start={fw.outcomes.find((o) => o.key === key)} />
    case 'result':
      return <ResultForm fw={fw} start={fw.results.find((r) => r.key === key)} outcomeKey={parent} />
    case 'indicator':
      return <IndicatorForm fw={fw} start={fw.indicators.find((i) => i.key === key)} resultKey={parent} />
    case 'value': {
      const indicator = fw.indicators.find((i) => i.key === key)
      return indicator ? <ValueForm fw={fw} indicator={indicator} /> : <p class="error" role="alert">{t('results.notFound')}</p>
    }
  }
  return <p class="error" role="alert">{t('results.notFound')}</p>
}

/** FixFrameworkItem is a refused framework command's form, filled with
 * what was sent and the server's refusal beside the field it names. */
function FixFrameworkItem({ seq }: { seq: number }) {
  const app = useApp()
  const [item, setItem] = useState<OutboxItem>()
  useEffect(() => void app.outbox.get(seq).then(setItem), [seq])
  if (!item) return <p class="loading">…</p>
  if (item.mutation === 'defineFramework') return <ProgrammeForm fixing={item} />
  return <FixOnFramework item={item} />
}

function FixOnFramework({ item }: { item: OutboxItem }) {
  const { fw, problem } = useFramework(item.objectId)
  if (problem) return <p class="error" role="alert">{problem}</p>
  if (!fw) return <p class="loading">…</p>
  const input = item.variables.input as Keyed & { indicatorKey?: string }
  switch (item.mutation) {
    case 'changeFrameworkDetails':
      return <ProgrammeForm fw={fw} fixing={item} />
    case 'setFrameworkOutcome':
      return <OutcomeForm frameworkId={fw.id} start={input} fixing={item} />
    case 'setFrameworkResult':
      return <ResultForm fw={fw} start={input} fixing={item} />
    case 'setFrameworkIndicator':
      return <IndicatorForm fw={fw} start={input as unknown as IndicatorInput} fixing={item} />
  }
  const indicator = fw.indicators.find((i) => i.key === input.indicatorKey)
  return indicator ? <ValueForm fw={fw} indicator={indicator} fixing={item} /> : <p class="error" role="alert">{t('results.notFound')}</p>
}
