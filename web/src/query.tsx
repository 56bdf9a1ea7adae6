import { useEffect, useState } from 'preact/hooks'
import { Offline, gql } from './api'
import { cached, keep, type Store } from './db'
import { serverMessage } from './forms'
import { t } from './i18n'

/** Kept is an answer kept on the device, and when it was asked. */
export interface Kept {
  at: string
}

// useQuery asks the API when its dependencies change, and says what went
// wrong in the interface's language (offline, or the server's refusal);
// reload asks again. Given a store, it keeps each answer there (for what
// holds no identity: commitments, stakeholders; sealed under the PIN's
// data key, see db.ts keep) and, offline, shows the last one kept, with
// when it was asked.
export function useQuery<T>(query: string, variables: Record<string, unknown>, deps: unknown[], store?: { db: Store; key: CryptoKey | null }): [T | undefined, string, () => void, Kept | undefined] {
  const [data, setData] = useState<T>()
  const [problem, setProblem] = useState('')
  const [kept, setKept] = useState<Kept>()
  const [tick, setTick] = useState(0)
  useEffect(() => {
    setProblem('')
    const key = 'query:' + query + JSON.stringify(variables)
    gql<T>(query, variables).then(
      (a) => {
        if (a.errors.length) return setProblem(serverMessage(a.errors[0]))
        setData(a.data)
        setKept(undefined)
        if (store && a.data) void keep(store.db, key, { data: a.data, at: new Date().toISOString() }, store.key)
      },
      async (e) => {
        const last = store && e instanceof Offline ? await cached<{ data: T; at: string }>(store.db, key, store.key) : undefined
        if (last) {
          setData(last.data)
          setKept({ at: last.at })
        } else setProblem(e instanceof Offline ? t('status.offlineNothingKept') : String(e))
      },
    )
  }, [...deps, tick])
  return [data, problem, () => setTick((n) => n + 1), kept]
}
