package compact

import (
	"math"
	"time"

	"github.com/palabre/palabre/events/domain"
)

// Day is a date as days since 1970-01-01 in 4 bytes (a domain.Date is
// 24), NoDay for the zero date.
type Day int32

// NoDay is the zero date's Day.
const NoDay Day = math.MinInt32

// DayOf returns d's Day.
func DayOf(d domain.Date) Day {
	if d.IsZero() {
		return NoDay
	}
	return Day(d.Time().Unix() / 86400)
}

// Date returns the date of day.
func (day Day) Date() domain.Date {
	if day == NoDay {
		return domain.Date{}
	}
	return domain.DateOf(time.Unix(int64(day)*86400, 0).UTC())
}
