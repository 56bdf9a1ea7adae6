import { useState } from 'preact/hooks'
import { useApp } from '../app'
import type { OutboxItem } from '../db'
import { Field, VocabularySelect, terms } from '../forms'
import { t, type MessageKey } from '../i18n'
import {
  blankIndicator, blankValue, indicatorFields, indicatorInput, indicatorProblems, ruleMeasure, ruleParams, valueFields, valueInput, valueParts, valueProblems,
  type Framework, type Indicator, type IndicatorFields, type IndicatorInput, type ValueFields, type ValueInput,
} from '../results'
import { FormEnd, TextField, shownProblem } from './FrameworkForms'
import { frameworkCommand, useFrameworkSend } from './frameworkSend'

// An indicator's form (its measure, baseline, targets by year, the
// donor's codes, and a rule palabre computes it by or none, for values
// entered by hand) and a value's (a year's figure with its evidence, and
// its parts by sex, age and disability when known).

/** amountLabel says what a year's amount is for a measure. */
function amountLabel(measure: string): string {
  return t(measure === 'QUALITATIVE' ? 'results.comment' : measure === 'PERCENTAGE' ? 'results.percentValue' : 'results.value')
}

/** amountHelp warns that a qualitative indicator's comment is published:
 * it goes into the donor report (XLSX, CSV) and the IATI file. */
function amountHelp(measure: string): string | undefined {
  return measure === 'QUALITATIVE' ? t('results.commentPublished') : undefined
}

/** Targets are the indicator's targets, a row per year. */
function Targets({ f, setF, problem }: { f: IndicatorFields; setF: (f: IndicatorFields) => void; problem: (...p: string[]) => string | undefined }) {
  const put = (i: number, k: 'year' | 'amount', v: string) => setF({ ...f, targets: f.targets.map((x, j) => (j === i ? { ...x, [k]: v } : x)) })
  return (
    <fieldset>
      <legend>{t('results.targets')}</legend>
      {f.targets.map((x, i) => (
        <div class="row" key={i}>
          <TextField id={`i-target-${i}-year`} label={t('results.targetYear', { n: i + 1 })} inputMode="numeric" value={x.year} onInput={(v) => put(i, 'year', v)} problem={problem(`targets[${i}].year`)} />
          <TextField id={`i-target-${i}`} label={amountLabel(f.measure)} inputMode={f.measure === 'QUALITATIVE' ? undefined : 'decimal'} value={x.amount} onInput={(v) => put(i, 'amount', v)} help={amountHelp(f.measure)}
            problem={problem(`targets[${i}].value`, `targets[${i}].comment`, `targets[${i}]`)} />
          {f.targets.length > 1 && (
            <button type="button" onClick={() => setF({ ...f, targets: f.targets.filter((_, j) => j !== i) })}>{t('results.removeYear')}<span class="sr-only"> {x.year}</span></button>
          )}
        </div>
      ))}
      <button type="button" onClick={() => setF({ ...f, targets: [...f.targets, { year: '', amount: '' }] })}>{t('results.addYear')}</button>
    </fieldset>
  )
}

/** RuleFields choose how the indicator is measured: a rule palabre
 * ships, with the parameters it takes, or values entered by hand. */
function RuleFields({ f, setF, problem }: { f: IndicatorFields; setF: (f: IndicatorFields) => void; problem: (...p: string[]) => string | undefined }) {
  const ref = useApp().reference
  const takes = ruleParams[f.rule] ?? []
  const chooseRule = (rule: string) => setF({ ...f, rule, measure: ruleMeasure[rule] ?? f.measure })
  return (
    <fieldset>
      <legend>{t('results.source')}</legend>
      <Field id="i-rule" label={t('results.rule')} error={problem('rule')} help={t('results.ruleHelp')}>
        <VocabularySelect id="i-rule" vocabulary="IndicatorRule" ref_={ref} value={f.rule} onChange={chooseRule} blank={t('results.byHand')} error={problem('rule')} />
      </Field>
      {takes.includes('pillar') && (
        <Field id="i-pillar" label={t('results.rulePillar')} error={problem('params.pillar', 'pillar')}>
          <VocabularySelect id="i-pillar" vocabulary="Pillar" ref_={ref} value={f.pillar} onChange={(v) => setF({ ...f, pillar: v })} blank={t('results.anyPillar')} />
        </Field>
      )}
      {takes.includes('group') && (
        <Field id="i-group" label={t('results.ruleGroup')} error={problem('params.group', 'group')}>
          <VocabularySelect id="i-group" vocabulary="Group" ref_={ref} value={f.group} onChange={(v) => setF({ ...f, group: v })} />
        </Field>
      )}
      {takes.includes('spaceId') && (
        <Field id="i-space" label={t('results.ruleSpace')} error={problem('params.spaceId', 'spaceId')}>
          <select id="i-space" value={f.spaceId} onChange={(e) => setF({ ...f, spaceId: e.currentTarget.value })}>
            <option value="">{t('results.anySpace')}</option>
            {(ref?.spaces ?? []).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </Field>
      )}
      {takes.includes('changeType') && (
        <Field id="i-change" label={t('results.ruleChangeType')} error={problem('params.changeType', 'changeType')}>
          <VocabularySelect id="i-change" vocabulary="ChangeType" ref_={ref} value={f.changeType} onChange={(v) => setF({ ...f, changeType: v })} />
        </Field>
      )}
    </fieldset>
  )
}

/** IndicatorForm sets an indicator of a result by its key. */
export function IndicatorForm({ fw, start, resultKey, fixing }: { fw: Framework; start?: Indicator | IndicatorInput; resultKey?: string; fixing?: OutboxItem }) {
  const ref = useApp().reference
  const [f, setF] = useState<IndicatorFields>(() => (start ? indicatorFields(start) : { ...blankIndicator, resultKey: resultKey ?? '', baselineYear: fw.startOn.slice(0, 4) }))
  const [tried, setTried] = useState(false)
  const { send, error, saved } = useFrameworkSend(fixing)
  const problems = indicatorProblems(f)
  const problem = (...paths: string[]) => shownProblem(problems, tried, error, ...paths)
  const locked = !!start && !fixing
  const submit = async (e: Event) => {
    e.preventDefault()
    setTried(true)
    if (Object.keys(problems).length > 0) return
    await send(frameworkCommand('setFrameworkIndicator', 'IndicatorInput', fw.id, indicatorInput(f), f.title), t('results.indicatorSaved'))
  }
  return (
    <form autoComplete="off" class="card wide" onSubmit={submit} aria-labelledby="i-title-h">
      <h1 id="i-title-h">{t(start ? 'results.editIndicator' : 'results.addIndicator')}</h1>
      <Field id="i-result" label={t('results.result')} error={problem('resultKey')}>
        <select id="i-result" value={f.resultKey} aria-invalid={problem('resultKey') ? true : undefined} onChange={(e) => setF({ ...f, resultKey: e.currentTarget.value })}>
          <option value="">{t('form.choose')}</option>
          {fw.results.map((r) => <option key={r.key} value={r.key}>{r.key} — {r.title}</option>)}
        </select>
      </Field>
      {locked ? <p><strong>{t('results.key')}</strong> : {f.key}</p> : (
        <TextField id="i-key" label={t('results.key')} value={f.key} onInput={(v) => setF({ ...f, key: v })} problem={problem('key')} help={t('results.keyHelp')} />
      )}
      <TextField id="i-title" label={t('results.indicatorTitle')} value={f.title} onInput={(v) => setF({ ...f, title: v })} problem={problem('title')} />
      <TextField id="i-description" label={t('results.description')} area value={f.description} onInput={(v) => setF({ ...f, description: v })} problem={problem('description')} />
      <RuleFields f={f} setF={setF} problem={problem} />
      <Field id="i-measure" label={t('results.measure')} error={problem('measure')} help={f.rule ? t('results.measureOfRule') : undefined}>
        <select id="i-measure" value={f.measure} disabled={!!f.rule} aria-invalid={problem('measure') ? true : undefined} onChange={(e) => setF({ ...f, measure: e.currentTarget.value })}>
          <option value="">{t('form.choose')}</option>
          {terms(ref, 'IndicatorMeasure').map((m) => <option key={m.code} value={m.value ?? m.code}>{m.label}</option>)}
        </select>
      </Field>
      <label class="check">
        <input type="checkbox" checked={f.ascending} onChange={(e) => setF({ ...f, ascending: e.currentTarget.checked })} /> {t('results.ascending')}
      </label>
      <fieldset>
        <legend>{t('results.baseline')}</legend>
        <div class="row">
          <TextField id="i-baseline-year" label={t('results.year')} inputMode="numeric" value={f.baselineYear} onInput={(v) => setF({ ...f, baselineYear: v })} problem={problem('baseline.year')} />
          <TextField id="i-baseline" label={amountLabel(f.measure)} inputMode={f.measure === 'QUALITATIVE' ? undefined : 'decimal'} value={f.baseline} onInput={(v) => setF({ ...f, baseline: v })} help={amountHelp(f.measure)}
            problem={problem('baseline.value', 'baseline.comment', 'baseline')} />
        </div>
      </fieldset>
      <Targets f={f} setF={setF} problem={problem} />
      <TextField id="i-references" label={t('results.references')} value={f.references} onInput={(v) => setF({ ...f, references: v })} problem={problem('references')}
        help={fw.vocabularyUri ? t('results.referencesHelp', { vocabulary: fw.vocabularyName ?? fw.vocabularyUri }) : t('results.referencesNoVocabulary')} />
      <FormEnd tried={tried} problems={problems} submit={t('results.saveIndicator')} saved={saved} back={`#/framework/${fw.id}`} />
    </form>
  )
}

/** ValueForm records an indicator's value for a year, by hand, with its
 * evidence and, when known, its parts. */
export function ValueForm({ fw, indicator, fixing }: { fw: Framework; indicator: Indicator; fixing?: OutboxItem }) {
  const sent = fixing?.variables.input as ValueInput | undefined
  const [f, setF] = useState<ValueFields>(() => (sent ? valueFields(sent) : blankValue(indicator.key, new Date().getFullYear())))
  const [tried, setTried] = useState(false)
  const { send, error, saved } = useFrameworkSend(fixing)
  const measure = indicator.measure
  const problems = valueProblems(f, measure)
  const problem = (...paths: string[]) => shownProblem(problems, tried, error, ...paths)
  const set = (k: keyof ValueFields, v: string) => setF({ ...f, [k]: v })
  const submit = async (e: Event) => {
    e.preventDefault()
    setTried(true)
    if (Object.keys(problems).length > 0) return
    await send(frameworkCommand('recordIndicatorValue', 'IndicatorValueInput', fw.id, valueInput(f, measure), `${indicator.title} (${f.year})`), t('results.valueSaved'))
  }
  return (
    <form autoComplete="off" class="card wide" onSubmit={submit} aria-labelledby="v-title-h">
      <h1 id="v-title-h">{t('results.recordValue')}</h1>
      <p>{indicator.key} — {indicator.title}</p>
      <p class="help">{t('results.valueHelp')}</p>
      <div class="row">
        <TextField id="v-year" label={t('results.year')} inputMode="numeric" value={f.year} onInput={(v) => set('year', v)} problem={problem('year')} />
        <TextField id="v-amount" label={amountLabel(measure)} inputMode={measure === 'QUALITATIVE' ? undefined : 'decimal'} value={f.amount} onInput={(v) => set('amount', v)} problem={problem('value', 'comment')}
          help={amountHelp(measure)} />
      </div>
      {fw.partners.length > 1 && (
        <Field id="v-partner" label={t('results.partner')} error={problem('partnerKey')}>
          <select id="v-partner" value={f.partnerKey} onChange={(e) => set('partnerKey', e.currentTarget.value)}>
            <option value="">{t('results.wholeProgramme')}</option>
            {fw.partners.map((p) => <option key={p.key} value={p.key}>{p.name}</option>)}
          </select>
        </Field>
      )}
      <TextField id="v-evidence" label={t('results.evidence')} area value={f.evidence} onInput={(v) => set('evidence', v)} problem={problem('evidence')} help={t('results.evidenceHelp')} />
      {measure !== 'QUALITATIVE' && (
        <fieldset>
          <legend>{t('results.parts')}</legend>
          <p class="help">{t('results.partsHelp')}</p>
          <div class="row">
            {valueParts.map((p, i) => (
              <TextField key={i} id={`v-part-${i}`} label={t(p.label as MessageKey)} inputMode="decimal" value={f.parts[i] ?? ''}
                onInput={(v) => setF({ ...f, parts: f.parts.map((x, j) => (j === i ? v : x)) })} problem={problem(`parts[${i}]`)} />
            ))}
          </div>
        </fieldset>
      )}
      <FormEnd tried={tried} problems={problems} submit={t('results.saveValue')} saved={saved} back={`#/framework/${fw.id}`} />
    </form>
  )
}
