package imports_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/imports"
	"github.com/palabre/palabre/events/keystore"
)

// BenchmarkKoboImport imports, from a Kobo XLSX export, 10,000
// submissions of ~8 registered attendees and a commitment each, into a
// fresh embedded store: reading the workbook, planning, the dry-run check
// and the writes. Target: under 30 s.
func BenchmarkKoboImport(b *testing.B) {
	const submissions, attendees, people = 10_000, 8, 400
	for b.Loop() {
		b.StopTimer()
		w := newWorld(b)
		codes := map[string]domain.ID{"GAO-0001": w.person}
		for i := 2; i <= people; i++ {
			id := domain.ID(ulid.Make())
			code := fmt.Sprintf("GAO-%04d", i)
			if _, err := w.env.Handler.Enrol(context.Background(), id, participant.Enrol{Profile: participant.Profile{Code: code, Sex: "male", BirthYear: 1990,
				Displacement: "none", Region: "gao"}, Consent: participant.Consent{Given: true, On: domain.NewDate(2025, 2, 1)}},
				keystore.Identity{Name: "x"}, commands.Meta{CommandID: ulid.Make()}); err != nil {
				b.Fatal(err)
			}
			codes[code] = id
		}
		w.codes = func(_, code string) (domain.ID, bool, bool) { id, ok := codes[code]; return id, ok, false }
		var subs []submission
		for i := range submissions {
			s := submission{uuid: fmt.Sprintf("sub-%d", i), pillar: "security", women: 3, commitment: "Patrouilles mixtes"}
			for a := range attendees {
				s.codes = append(s.codes, fmt.Sprintf("GAO-%04d", 1+(i*attendees+a)%people))
			}
			subs = append(subs, s)
		}
		file := w.koboXLSX(b, subs...)
		b.StartTimer()
		start := time.Now()
		r := w.run(b, file, false)
		b.ReportMetric(time.Since(start).Seconds(), "s/import")
		b.ReportMetric(float64(submissions)/time.Since(start).Seconds(), "submissions/s")
		if r.Counts[imports.Imported] != submissions {
			b.Fatalf("%v", r.Counts)
		}
	}
}

// BenchmarkParticipantsRegister imports a register of 2,000 participants
// with names and phones into a fresh embedded store: each a code claimed,
// a key made durable, a name sealed and an enrolment written.
func BenchmarkParticipantsRegister(b *testing.B) {
	const people = 2_000
	var csv strings.Builder
	csv.WriteString("code,sex,birthYear,displacement,region,consent,consentOn,name,phone\n")
	for i := range people {
		fmt.Fprintf(&csv, "REG-%05d,female,%d,none,gao,oui,2026-01-10,Personne %d,+223 70 %06d\n", i, 1960+i%50, i, i)
	}
	for b.Loop() {
		b.StopTimer()
		w := newWorld(b)
		b.StartTimer()
		start := time.Now()
		r := w.runFile(b, "participants.csv", []byte(csv.String()), false)
		b.ReportMetric(float64(people)/time.Since(start).Seconds(), "participants/s")
		if r.Counts[imports.Imported] != people {
			b.Fatalf("%v", r.Counts)
		}
	}
}
