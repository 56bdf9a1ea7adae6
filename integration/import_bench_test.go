package integration

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"
	"github.com/xuri/excelize/v2"
)

// BenchmarkImportThroughTheServer uploads, to the built binary, a Kobo
// XLSX export of 10,000 submissions of the form palabre ships, each with 8
// registered attendees, 2 newcomers enrolled by the import, and a
// commitment, as a Gao facilitator: reading, planning, checking and
// writing through the write policy. Target: under 30 s. It reports the
// server's peak resident memory during the import (VmHWM, reset first).
//
//	go test -run '^$' -bench ImportThroughTheServer -benchtime 1x ./integration/
func BenchmarkImportThroughTheServer(b *testing.B) {
	const submissions, registered, newcomers, people = 10_000, 8, 2, 400
	bin := binary(b)
	for b.Loop() {
		b.StopTimer()
		dir := filepath.Join(b.TempDir(), "data")
		admin := newToken(b, bin, dir, "--role", "admin")
		gao := newToken(b, bin, dir, "--role", "facilitator", "--region", "gao")
		s := startServer(b, bin, dir)
		space, holder := ulid.Make().String(), ulid.Make().String()
		s.must(admin, `mutation($c: ID!) { establishSpace(commandId: $c, input: {name: "Cadre de concertation de Bourem", kind: COMMUNITY_DIALOGUE_FORUM, region: "gao", pillar: SECURITY, establishedOn: "2025-01-05"}) { id } }`, map[string]any{"c": space})
		s.must(admin, `mutation($c: ID!) { registerStakeholder(commandId: $c, input: {name: "Gouvernorat de Gao", type: GOVERNOR, level: REGIONAL, region: "gao"}) { id } }`, map[string]any{"c": holder})
		var register strings.Builder
		register.WriteString("code,sex,ageBand,displacement,region,consent,consentOn\n")
		for i := range people {
			fmt.Fprintf(&register, "GAO-%04d,female,25-35,none,gao,oui,2026-01-10\n", i)
		}
		if r := s.upload(gao, "participants.csv", register.String()); r.Counts["imported"] != people {
			b.Fatalf("the register: %d %.500s", r.status, r.raw)
		}
		file := shippedFormExport(b, space, holder, submissions, registered, newcomers, people)
		clearPeak(b, s.cmd.Process.Pid)
		b.StartTimer()
		start := time.Now()
		r := s.upload(gao, "dialogue.xlsx", string(file))
		took := time.Since(start)
		b.StopTimer()
		if r.status != 200 || r.Counts["imported"] != submissions {
			b.Fatalf("the import: %d %v %.1000s", r.status, r.Counts, r.raw)
		}
		peak := peakResident(b, s.cmd.Process.Pid)
		b.ReportMetric(float64(submissions)/took.Seconds(), "submissions/s")
		b.ReportMetric(took.Seconds(), "s/import")
		b.ReportMetric(float64(peak>>20), "peak-RSS-MB")
		b.ReportMetric(float64(len(file)>>10), "file-KB")
		s.kill()
	}
}

// shippedFormExport writes n submissions of the form palabre ships as
// KoboToolbox's XLSX export with XML values and headers and groups in the
// headers (formpack's reporting/export.py): the submissions' sheet, then
// a sheet per repeat joined by _parent_index, dates as date cells.
func shippedFormExport(b testing.TB, space, holder string, n, registered, newcomers, people int) []byte {
	b.Helper()
	f := excelize.NewFile()
	const main = "Dialogue communautaire _ pré"
	f.SetSheetName("Sheet1", main)
	f.NewSheet("attendees")
	f.NewSheet("commitments")
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	heldOn := excelize.Cell{StyleID: date, Value: time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC)}
	sheets := map[string][][]any{}
	sheets[main] = [][]any{{"start", "end", "dialogue/spaceId", "dialogue/heldOn", "dialogue/format", "dialogue/pillar", "dialogue/title", "dialogue/topics",
		"dialogue/locality", "dialogue/language", "dialogue/durationMinutes", "headcount/youngWomen", "headcount/adultWomen", "headcount/youngMen",
		"headcount/adultMen", "headcount/withDisabilities", "headcount/displaced", "stakeholderIds", "meta/instanceID", "meta/rootUuid",
		"_id", "_uuid", "_submission_time", "_validation_status", "_index"}}
	sheets["attendees"] = [][]any{{"attendees/participantCode", "attendees/spoke", "attendees/newParticipant", "attendees/sex", "attendees/ageBand",
		"attendees/displacement", "attendees/groups", "attendees/consent", "_index", "_parent_table_name", "_parent_index", "_submission__id", "_submission__uuid"}}
	sheets["commitments"] = [][]any{{"commitments/stakeholderId", "commitments/text", "commitments/dueOn", "_index", "_parent_table_name", "_parent_index", "_submission__uuid"}}
	for i := range n {
		uuid := fmt.Sprintf("5d0c1f2e-0000-4000-8000-%012d", i)
		sheets[main] = append(sheets[main], []any{"2026-05-04T09:00:00.000+00:00", "2026-05-04T11:00:00.000+00:00", space, heldOn, "community-dialogue", "security",
			"Dialogue " + strconv.Itoa(i), "sécurité,foire", "Bourem", "songhay", 120, 1, 2, 1, 3, 0, 1, holder, "uuid:" + uuid, "uuid:" + uuid,
			100000 + i, uuid, "2026-05-04T12:00:00", "", i + 1})
		for a := range registered {
			code := fmt.Sprintf("GAO-%04d", (i*registered+a)%people)
			sheets["attendees"] = append(sheets["attendees"], []any{code, "yes", "no", "", "", "", "", "", len(sheets["attendees"]), main, i + 1, 100000 + i, uuid})
		}
		for a := range newcomers {
			code := fmt.Sprintf("NEW-%05d-%d", i, a)
			sheets["attendees"] = append(sheets["attendees"], []any{code, "no", "yes", "male", "18-24", "internally-displaced", "", "yes", len(sheets["attendees"]), main, i + 1, 100000 + i, uuid})
		}
		sheets["commitments"] = append(sheets["commitments"], []any{holder, "Patrouilles mixtes les jours de foire", heldOn, len(sheets["commitments"]), main, i + 1, uuid})
	}
	for _, name := range []string{main, "attendees", "commitments"} {
		w, err := f.NewStreamWriter(name)
		if err != nil {
			b.Fatal(err)
		}
		for r, row := range sheets[name] {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := w.SetRow(cell, row); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := f.Write(&out); err != nil {
		b.Fatal(err)
	}
	return out.Bytes()
}

// clearPeak resets a process's peak resident memory (Linux: 5 to
// clear_refs), so that VmHWM then measures what follows.
func clearPeak(b testing.TB, pid int) {
	b.Helper()
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
		b.Skipf("cannot reset the server's peak memory: %v", err)
	}
}

// peakResident is a process's peak resident memory since clearPeak.
func peakResident(b testing.TB, pid int) int64 {
	b.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb << 10
		}
	}
	b.Fatal("no VmHWM in /proc/PID/status")
	return 0
}
