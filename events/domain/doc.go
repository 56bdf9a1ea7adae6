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
package domain
