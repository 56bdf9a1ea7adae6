package domain_test

import (
	"testing"
	"time"

	"github.com/palabre/palabre/events/domain"
)

// TestDateUnmarshalMatchesTimeParse: the fast path of UnmarshalText gives
// what time.Parse gives, for every day of two centuries and for malformed
// and out-of-range inputs.
func TestDateUnmarshalMatchesTimeParse(t *testing.T) {
	inputs := []string{"2024-02-29", "2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "0000-01-01", "9999-12-31",
		"2024-1-01", "2024-01-1x", "+024-01-01", "2024/01/01", "20240101", " 2024-01-01", "2024-01-00"}
	for d := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2100; d = d.AddDate(0, 0, 1) {
		inputs = append(inputs, d.Format(time.DateOnly))
	}
	for _, in := range inputs {
		var got domain.Date
		err := got.UnmarshalText([]byte(in))
		want, wantErr := domain.ParseDate(in)
		if (err != nil) != (wantErr != nil) || got != want {
			t.Fatalf("%q: got %v (%v), time.Parse gives %v (%v)", in, got, err, want, wantErr)
		}
	}
}
