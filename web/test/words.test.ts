import { describe, expect, it } from 'vitest'
import type { Reference } from '../src/data'
import { statusClass, statusOf } from '../src/status'
import { readableSubject, whoIsSignedIn } from '../src/who'

const ref = {
  vocabulary: {
    fr: {
      CommitmentStatus: [{ code: 'open', value: 'OPEN', label: 'En cours' }, { code: 'fulfilled', value: 'FULFILLED', label: 'Tenu' }],
      ProgressStatus: [{ code: 'at-risk', value: 'AT_RISK', label: 'À risque' }],
      Region: [{ code: 'gao', value: null, label: 'Gao' }],
    },
    en: {},
  },
} as unknown as Reference

describe('a commitment’s status', () => {
  it('reads as its latest progress while open, as its settlement after', () => {
    expect(statusOf(ref, 'fr', { status: 'OPEN', progress: 'AT_RISK' })).toBe('À risque')
    expect(statusOf(ref, 'fr', { status: 'OPEN', progress: null })).toBe('En cours')
    expect(statusOf(ref, 'fr', { status: 'FULFILLED', progress: 'AT_RISK' })).toBe('Tenu')
    expect(statusClass({ status: 'OPEN', progress: 'AT_RISK', overdue: false })).toBe('at-risk')
  })
})

describe('who did it', () => {
  it('reads a token made without a name as its role, and keeps a chosen name', () => {
    expect(readableSubject('facilitator-xdm5jh')).toBe('Facilitateur·rice (xdm5jh)')
    expect(readableSubject('animatrice-tombouctou')).toBe('animatrice-tombouctou')
    expect(whoIsSignedIn({ subject: 'facilitator-xdm5jh', role: 'facilitator', regions: ['gao'] }, ref)).toBe('Facilitateur·rice · Gao')
    expect(whoIsSignedIn({ subject: 'awa', role: 'facilitator', regions: ['gao'] }, ref)).toBe('awa · Facilitateur·rice · Gao')
  })
})
