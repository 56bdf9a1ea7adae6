// Package outcomes is the outcomes read model: every outcome harvested as
// last revised, with its evidence, whether it is marked public, and its
// substantiation — each request's sealed verifier (never opened here: the
// read service opens it for those who may) and answer.
//
// It knows nothing of who reads: scoping by region and the opening of a
// verifier's identity are the read service's (core/read).
package outcomes
