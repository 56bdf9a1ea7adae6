// Package domain is the vocabulary palabre's aggregates share: aggregate
// ids, business dates, validation problems that name their field, and the
// facts a decision may need about other aggregates.
//
// Each aggregate lives in its own package below this one (space,
// stakeholder, participant, dialogue, commitment) with its commands, its
// events, its state, and two pure functions: Decide(state, command, env)
// returns the events a command produces or every reason it is refused;
// Evolve(state, event) folds one event into the state. Neither touches a
// store, a clock or a random source: what they need to know of the world
// arrives in an Env.
//
// Each aggregate also describes itself once, in its package's Aggregate
// (a domain.Aggregate): its category, events, commands, which command
// creates it, its facts for other deciders, its region, its events'
// summaries and business dates, and its vocabularies. The registry lists
// every aggregate's descriptor; the rest of palabre is derived from that
// list (see docs/ARCHITECTURE.md, "Adding an aggregate").
package domain
