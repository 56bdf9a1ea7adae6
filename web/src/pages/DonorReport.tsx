import { useState } from 'preact/hooks'
import { useApp } from '../app'
import { today } from '../checks'
import { label, type Reference } from '../data'
import { download, downloadFailed } from '../download'
import { Field, serverMessage } from '../forms'
import { language, t, type MessageKey } from '../i18n'
import { count, day, percent } from '../numbers'
import { useQuery } from '../query'
import { amount, reportFile, valueParts, type Amount, type Indicator } from '../results'
import './results.css'

// The donor report ("Rapport au bailleur"): a framework's report for a
// year, as of a date if asked, per indicator its baseline, target, actual
// and achievement with the actual's parts by sex, age and disability, as
// the server gives them: its figures are already those released to a role
// without identities (perturbed, small ones withheld), and nothing here
// computes another. The same report downloads as XLSX and as an IATI 2.03
// file, in French or English, through the exports. Kept on the device for
// reading offline.

interface Actual {
  value: number | null
  withheld: boolean
  comment: string | null
  evidenceItems: number
  dimensions: { name: string; value: string; count: number | null; withheld: boolean }[]
}

interface Period {
  year: number
  target: Amount | null
  actual: Actual | null
  achievement: number | null
}

interface Report {
  asOf: string
  figuresAsOf: string
  years: number[]
  framework: { id: string; identifier: string; title: string }
  activities: {
    partner: { key: string; name: string } | null
    results: { outcome: { key: string; title: string }; result: { key: string; type: string; title: string }; indicators: { indicator: Indicator; periods: Period[] }[] }[]
  }[]
}

const reportQuery = `query DonorReport($frameworkId: ID!, $asOf: String) { donorReport(frameworkId: $frameworkId, asOf: $asOf) { asOf figuresAsOf years
  framework { id identifier title }
  activities { partner { key name } results { outcome { key title } result { key type title }
    indicators { indicator { key title measure references baseline { year value comment } }
      periods { year target { year value comment } achievement actual { value withheld comment evidenceItems dimensions { name value count withheld } } } } } } } }`

export default function DonorReport({ id }: { id?: string }) {
  const app = useApp()
  const [frameworks, listProblem] = useQuery<{ frameworks: { id: string; title: string }[] }>('query Frameworks { frameworks { id title } }', {}, [], app)
  const list = frameworks?.frameworks ?? []
  const [chosen, setChosen] = useState(id ?? '')
  const frameworkId = chosen || list[0]?.id || ''
  const [asOf, setAsOf] = useState('')
  const [lang, setLang] = useState(language())
  return (
    <section class="report">
      <h1>{t('nav.report')}</h1>
      <p class="help">{t('report.explain')}</p>
      {listProblem && <p class={app.online ? 'error' : 'notice state-waiting'} role="alert">{listProblem}</p>}
      {frameworks && list.length === 0 && <p>{t('results.none')}</p>}
      <form autoComplete="off" class="filters" onSubmit={(e) => e.preventDefault()}>
        <Field id="r-framework" label={t('report.framework')}>
          <select id="r-framework" value={frameworkId} onChange={(e) => setChosen(e.currentTarget.value)}>
            {list.map((f) => <option key={f.id} value={f.id}>{f.title}</option>)}
          </select>
        </Field>
        <Field id="r-lang" label={t('report.language')} help={t('report.languageHelp')}>
          <select id="r-lang" value={lang} aria-describedby="r-lang-help" onChange={(e) => setLang(e.currentTarget.value as 'fr' | 'en')}>
            <option value="fr">Français</option>
            <option value="en">English</option>
          </select>
        </Field>
        <Field id="r-asof" label={t('report.asOf')} help={t('report.asOfHelp')}>
          <input id="r-asof" type="date" value={asOf} max={today()} aria-describedby="r-asof-help" onInput={(e) => setAsOf(e.currentTarget.value)} />
        </Field>
      </form>
      {frameworkId && <ReportOf frameworkId={frameworkId} asOf={asOf} lang={lang} />}
    </section>
  )
}

/** ReportOf is a framework's report as of a date, a year of it shown. */
function ReportOf({ frameworkId, asOf, lang }: { frameworkId: string; asOf: string; lang: string }) {
  const app = useApp()
  const [year, setYear] = useState(0)
  const [data, problem, , kept] = useQuery<{ donorReport: Report }>(reportQuery, { frameworkId, asOf: asOf || undefined }, [frameworkId, asOf], app)
  const report = data?.donorReport
  // the year asked, or the last one reported
  const shown = report && (report.years.includes(year) ? year : (report.years[report.years.length - 1] ?? 0))
  return (
    <>
      {problem && <p class={app.online ? 'error' : 'notice state-waiting'} role="alert">{problem}</p>}
      {kept && <p class="notice state-waiting" role="status">{t('status.keptAt', { at: new Date(kept.at).toLocaleString(language()) })}</p>}
      {report && <Downloads report={report} asOf={asOf} lang={lang} />}
      {report && shown !== undefined && (
        <>
          <Field id="r-year" label={t('results.year')}>
            <select id="r-year" value={shown} onChange={(e) => setYear(Number(e.currentTarget.value))}>
              {report.years.map((y) => <option key={y} value={y}>{y}</option>)}
            </select>
          </Field>
          <ReportBody report={report} year={shown} />
        </>
      )}
    </>
  )
}

/** Downloads are the report's files: XLSX and IATI XML, in the language
 * chosen, as of the date asked; every year is in them. */
function Downloads({ report, asOf, lang }: { report: Report; asOf: string; lang: string }) {
  const [failed, setFailed] = useState('')
  const get = async (ext: 'xlsx' | 'xml') => {
    setFailed('')
    const params = new URLSearchParams({ frameworkId: report.framework.id, lang, ...(asOf ? { asOf } : {}) })
    try {
      await download(`/export/donorReport.${ext}?${params}`, reportFile(report.framework.identifier, asOf || report.asOf.slice(0, 10), lang, ext))
    } catch (e) {
      setFailed(downloadFailed(e, serverMessage))
    }
  }
  return (
    <>
      <p class="help">{t('report.moment', { asOf: new Date(report.asOf).toLocaleString(language()), figures: day(report.figuresAsOf) })}</p>
      <div class="actions">
        <button type="button" onClick={() => void get('xlsx')}>{t('report.xlsx')}</button>
        <button type="button" onClick={() => void get('xml')}>{t('report.iati')}</button>
      </div>
      <p class="help">{t('report.filesHold')}</p>
      {failed && <p class="error" role="alert">{failed}</p>}
    </>
  )
}

function ReportBody({ report, year }: { report: Report; year: number }) {
  const ref = useApp().reference
  return (
    <>
      {report.activities.map((a) => (
        <div key={a.partner?.key ?? ''}>
          <h2>{a.partner ? a.partner.name : t('report.programme')} — {year}</h2>
          {a.results.length === 0 && <p>{t('report.noIndicator')}</p>}
          {a.results.map((r) => (
            <div key={r.result.key}>
              <h3>{r.outcome.key} › {r.result.key} — {r.result.title} <span class="help">({label(ref, language(), 'ResultType', r.result.type)})</span></h3>
              <ul class="cards">
                {r.indicators.map((i) => <IndicatorYear key={i.indicator.key} indicator={i.indicator} period={i.periods.find((p) => p.year === year)} />)}
              </ul>
            </div>
          ))}
        </div>
      ))}
      <p class="help">{t('dashboard.withheldWhy')}</p>
    </>
  )
}

function Withheld() {
  return <span class="withheld" title={t('dashboard.withheldWhy')}>{t('dashboard.withheld')}</span>
}

/** IndicatorYear is an indicator's year: the figures as the server gave
 * them, a withheld one said so, never as 0. */
function IndicatorYear({ indicator: i, period: p }: { indicator: Indicator; period?: Period }) {
  const ref = useApp().reference
  const a = p?.actual
  const actual = !a ? '—' : a.withheld ? <Withheld /> : amount(i.measure, a)
  return (
    <li class="indicator">
      <strong>{i.key} — {i.title}</strong>
      {i.references.length > 0 && <div class="help">{t('results.codes', { codes: i.references.join(', ') })}</div>}
      <dl class="figures">
        <div><dt>{t('results.baselineOf', { year: i.baseline.year })}</dt><dd>{amount(i.measure, i.baseline)}</dd></div>
        <div><dt>{t('report.target')}</dt><dd>{amount(i.measure, p?.target)}</dd></div>
        <div><dt>{t('report.actual')}</dt><dd>{actual}</dd></div>
        <div><dt>{t('report.achievement')}</dt><dd>{p?.achievement == null ? '—' : percent(p.achievement)}</dd></div>
      </dl>
      {a && a.dimensions.length > 0 && (
        <dl class="facts parts">
          {a.dimensions.map((d) => (
            <div key={d.name + d.value}><dt>{partLabel(ref, d.name, d.value)}</dt><dd>{d.withheld || d.count == null ? <Withheld /> : count(d.count)}</dd></div>
          ))}
        </dl>
      )}
      {a?.comment && <p>{a.comment}</p>}
      {a && a.evidenceItems > 0 && <p class="help">{t('results.evidenceItems', { n: a.evidenceItems })}</p>}
    </li>
  )
}

/** partLabel names a part of an actual: women, youth (15–35)… */
function partLabel(ref: Reference | undefined, name: string, value: string): string {
  const known = valueParts.find((p) => p.name === name && p.value === value)
  return known ? t(known.label as MessageKey) : `${label(ref, language(), 'Dimension', name)} : ${value}`
}
