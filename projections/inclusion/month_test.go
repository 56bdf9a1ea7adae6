package inclusion

import "testing"

// TestMonthOfDayIsTheCalendarsMonth checks the integer conversion views
// use per dialogue against the calendar's, over three centuries.
func TestMonthOfDayIsTheCalendarsMonth(t *testing.T) {
	for day := int32(-30000); day < 80000; day++ {
		if got, want := monthOfDay(day), monthIndex(dateOfDay(day)); got != want {
			t.Fatalf("day %d (%s): month %d, want %d", day, dateOfDay(day), got, want)
		}
	}
}
