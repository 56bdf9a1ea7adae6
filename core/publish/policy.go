package publish

import (
	"errors"
	"fmt"
	"time"

	"github.com/palabre/palabre/events/domain"
)

// Policy is the publication's date and delay.
type Policy struct {
	// AsOf is the publication's date.
	AsOf domain.Date
	// DelayDays: nothing dated within the last DelayDays days before AsOf
	// is published.
	DelayDays int
}

// DefaultDelayDays is the delay when a publication names none: a month
// and a half, so that a dialogue is never public while its participants
// may still be near it.
const DefaultDelayDays = 45

// Validate names each setting that is wrong.
func (p Policy) Validate() error {
	var errs []error
	if p.AsOf.IsZero() {
		errs = append(errs, errors.New("--as-of: a publication needs its date"))
	}
	if p.DelayDays < 0 || p.DelayDays > 3650 {
		errs = append(errs, fmt.Errorf("--delay-days: must be between 0 and 3650, not %d", p.DelayDays))
	}
	return errors.Join(errs...)
}

// Cutoff is the last date published: AsOf less the delay.
func (p Policy) Cutoff() domain.Date {
	return domain.DateOf(p.AsOf.Time().AddDate(0, 0, -p.DelayDays))
}

// Moment is when the log is read for a publication of AsOf: the start
// of its day (UTC), so that a publication made at any hour of its day,
// or made again on a later day with the same --as-of, is the same, byte
// for byte; what is recorded during the day waits for the next day's.
func (p Policy) Moment() time.Time {
	return p.AsOf.Time()
}

// Dated reports whether a date may be published: set, and on or before
// the cut-off.
func (p Policy) Dated(d domain.Date) bool {
	return !d.IsZero() && !d.After(p.Cutoff())
}

// lastWholeMonth is the last day of the last calendar month that ends on
// or before the cut-off: inclusion figures are released by whole months,
// so a month the cut-off cuts is left out entirely.
func (p Policy) lastWholeMonth() domain.Date {
	c := p.Cutoff().Time()
	next := c.AddDate(0, 0, 1)
	if next.Month() != c.Month() {
		return p.Cutoff()
	}
	first := time.Date(c.Year(), c.Month(), 1, 0, 0, 0, 0, time.UTC)
	return domain.DateOf(first.AddDate(0, 0, -1))
}
