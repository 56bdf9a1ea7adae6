// Package framework is the results framework aggregate: a programme's
// outcomes, each with its results (of an IATI result type: output,
// outcome, impact, other), each with its indicators — a measure (unit,
// percentage or qualitative), whether it improves upward, a baseline,
// targets per year, the donor's codes it reports against — and the
// values entered by hand, each with its evidence.
//
// An indicator either names a rule palabre computes it by from the log
// (Rules), or takes values entered by hand (RecordValue). Computed values
// are never stored: the read service releases them through the disclosure
// method whenever a report is made, so that a report as of a date is the
// same whenever it is made again.
//
// Outcomes, results, indicators and partners are named by keys the
// programme chooses ("O1", "R1.2", "I1.2.3"): the codes its reports and
// its donor already use, stable across renames.
//
// # Caveats
//
// Nothing is ever removed from a framework: a result or an indicator no
// longer reported is retitled and given no target, so that every report
// made before can be made again as it was.
package framework
