import { useEffect, useState } from 'preact/hooks'
import { Offline, gql } from './api'
import { serverMessage } from './forms'
import { t } from './i18n'

// useQuery asks the API when its dependencies change, and says what went
// wrong in the interface's language (offline, or the server's refusal);
// reload asks again.
export function useQuery<T>(query: string, variables: Record<string, unknown>, deps: unknown[]): [T | undefined, string, () => void] {
  const [data, setData] = useState<T>()
  const [problem, setProblem] = useState('')
  const [tick, setTick] = useState(0)
  useEffect(() => {
    setProblem('')
    gql<T>(query, variables).then(
      (a) => (a.errors.length ? setProblem(serverMessage(a.errors[0])) : setData(a.data)),
      (e) => setProblem(e instanceof Offline ? t('status.offline') : String(e)),
    )
  }, [...deps, tick])
  return [data, problem, () => setTick((n) => n + 1)]
}
