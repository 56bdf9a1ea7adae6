import { gql } from './api'
import { cached, keep, type Store } from './db'
import type { Language } from './i18n'

// What the app keeps to work offline, refreshed whenever it is online:
// the vocabularies in both languages, the spaces and stakeholders the
// person may see, their regions' participants as pseudonymous codes (never
// a name), and the latest dialogues; sealed under the PIN's data key for
// every role but the analyst's (see db.ts keep).

export interface Term {
  code: string
  value: string | null
  label: string
}

export interface Reference {
  vocabulary: Record<Language, Record<string, Term[]>>
  spaces: { id: string; name: string; region: string; pillar: string; closed: boolean }[]
  stakeholders: { id: string; name: string; region: string | null }[]
  participants: { id: string; code: string; region: string }[]
  dialogues: { id: string; heldOn: string; format: string; space: { name: string } | null; attendance: number | null }[]
  at: string
}

// refreshQuery asks what the role may read: analysts read figures and
// spaces, not records.
const refreshQuery = (records: boolean) => `query Refresh {
  fr: vocabulary(language: FR) { name terms { code value label } }
  en: vocabulary(language: EN) { name terms { code value label } }
  spaces(first: 100, orderBy: NAME) { edges { node { id name region pillar closed } } }
  ${records ? `stakeholders(first: 100) { edges { node { id name region } } }
  dialogues(first: 10) { edges { node { id heldOn format space { name } figures { attendance { count } } } } }` : ''}
}`

const participantsQuery = `query Codes($region: String!, $after: String) {
  participants(region: $region, first: 100, after: $after, orderBy: CODE) { pageInfo { hasNextPage endCursor } edges { node { id code region } } }
}`

type Connection<T> = { edges: { node: T }[]; pageInfo?: { hasNextPage: boolean; endCursor: string | null } }
const nodes = <T>(c: Connection<T> | undefined): T[] => (c?.edges ?? []).map((e) => e.node)

function byName(list: { name: string; terms: Term[] }[] = []): Record<string, Term[]> {
  return Object.fromEntries(list.map((v) => [v.name, v.terms]))
}

/** refresh asks the server for the reference and keeps it; throws Offline. */
export async function refresh(db: Store, regions: string[], role: string, key: CryptoKey | null): Promise<Reference> {
  const seesParticipants = role === 'facilitator' || role === 'admin'
  type Answer = {
    fr: { name: string; terms: Term[] }[]
    en: { name: string; terms: Term[] }[]
    spaces: Connection<Reference['spaces'][number]>
    stakeholders: Connection<Reference['stakeholders'][number]>
    dialogues: Connection<{ id: string; heldOn: string; format: string; space: { name: string } | null; figures: { attendance: { count: number | null } } }>
  }
  const { data } = await gql<Answer>(refreshQuery(role !== 'analyst'))
  const ref: Reference = {
    vocabulary: { fr: byName(data?.fr), en: byName(data?.en) },
    spaces: nodes(data?.spaces),
    stakeholders: nodes(data?.stakeholders),
    participants: [],
    dialogues: nodes(data?.dialogues).map((d) => ({ id: d.id, heldOn: d.heldOn, format: d.format, space: d.space, attendance: d.figures.attendance.count })),
    at: new Date().toISOString(),
  }
  if (seesParticipants) {
    for (const region of regions) {
      let after: string | null = null
      do {
        const page: { data?: { participants: Connection<Reference['participants'][number]> } } = await gql(participantsQuery, { region, after })
        ref.participants.push(...nodes(page.data?.participants))
        after = page.data?.participants.pageInfo?.hasNextPage ? page.data.participants.pageInfo.endCursor : null
      } while (after)
    }
  }
  await keep(db, 'reference', ref, key)
  return ref
}

export function loadReference(db: Store, key: CryptoKey | null): Promise<Reference | undefined> {
  return cached<Reference>(db, 'reference', key)
}

/** label is a vocabulary value's label in a language, or the value. */
export function label(ref: Reference | undefined, lang: Language, vocabulary: string, value: string): string {
  return ref?.vocabulary[lang][vocabulary]?.find((t) => t.value === value || t.code === value)?.label ?? value
}
