// Package frameworks is the results frameworks' read model: each
// programme's framework as its events left it — outcomes, results,
// indicators and the values entered by hand — folded by the domain's own
// Evolve, so that the model and the decider cannot disagree.
//
// Computed indicators' values are not here: the read service computes
// them through the disclosure method when a report is made (see
// core/read/results.go).
package frameworks
