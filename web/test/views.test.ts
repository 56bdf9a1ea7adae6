import { describe, expect, it } from 'vitest'
import { buckets, exportName, rangeProblem, viewRefusal } from '../src/views'

describe('an inclusion view’s rules, as the device knows them', () => {
  it('counts months and quarters as the server does', () => {
    expect(buckets('2025-12-03', '2026-12-03', 'MONTH')).toBe(13)
    expect(buckets('2026-01-01', '2026-12-31', 'QUARTER')).toBe(4)
    expect(buckets('2016-01-01', '2025-12-31', 'MONTH')).toBe(120)
    expect(buckets('2026-02-01', '2026-01-01', 'MONTH')).toBe(0)
  })
  it('names a range the server would refuse before it is sent', () => {
    expect(rangeProblem('2016-01-01', '2025-12-31', 'MONTH')).toBe('')
    expect(rangeProblem('2015-12-01', '2025-12-31', 'MONTH')).toContain('au plus 120')
    expect(rangeProblem('2000-01-01', '2025-12-31', 'QUARTER')).toBe('')
    expect(rangeProblem('2026-02-01', '2026-01-31', 'MONTH')).toMatch(/ne peut pas précéder/)
  })
  it('tells the server’s refusals in French, with what to change', () => {
    expect(viewRefusal({ code: 'BAD_USER_INPUT', field: 'query', message: 'this request would cost about 23578' })).toMatch(/une seule région ou une période plus courte/)
    expect(viewRefusal({ code: 'BAD_USER_INPUT', field: 'bucket', message: 'MONTH buckets…' })).toMatch(/raccourcissez la période/)
    expect(viewRefusal({ code: 'BAD_USER_INPUT', field: 'from', message: '…' })).toMatch(/1950/)
    expect(viewRefusal({ code: 'RATE_LIMITED', message: 'slow down' })).toContain('slow down')
  })
})

describe('an export’s file name', () => {
  it('says which region and which period it holds', () => {
    expect(exportName('gao', '2025-12-01', '2026-11-30', 'xlsx')).toBe('palabre-inclusion_gao_2025-12-01_2026-11-30.xlsx')
    expect(exportName(undefined, '2025-12-01', '2026-11-30', 'csv')).toBe('palabre-inclusion_2025-12-01_2026-11-30.csv')
  })
})
