package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events/imports/importstest"
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
	b.StopTimer()
	for range b.N {
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
		file := importstest.ShippedFormExport(b, space, holder, submissions, registered, newcomers, people)
		clearPeak(b, s.cmd.Process.Pid)
		before, cpuBefore := peakResident(b, s.cmd.Process.Pid), cpuTime(b, s.cmd.Process.Pid)
		b.StartTimer()
		start := time.Now()
		r := s.upload(gao, "dialogue.xlsx", string(file))
		took := time.Since(start)
		b.StopTimer()
		if r.status != 200 || r.Counts["imported"] != submissions {
			b.Fatalf("the import: %d %v %.1000s", r.status, r.Counts, r.raw)
		}
		peak, cpu := peakResident(b, s.cmd.Process.Pid), cpuTime(b, s.cmd.Process.Pid)-cpuBefore
		b.ReportMetric(float64(submissions)/took.Seconds(), "submissions/s")
		b.ReportMetric(took.Seconds(), "s/import")
		b.ReportMetric(float64(peak>>20), "peak-RSS-MB")
		b.ReportMetric(float64(before>>20), "RSS-before-MB")
		b.ReportMetric(cpu.Seconds(), "server-CPU-s")
		b.ReportMetric(float64(len(file)>>10), "file-KB")
		b.Logf("%d submissions in %v (the server's CPU: %v), its peak RSS %d MB (%d MB before), a file of %d KB", submissions, took.Round(time.Millisecond), cpu.Round(time.Millisecond), peak>>20, before>>20, len(file)>>10)
		s.kill()
	}
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
func peakResident(b testing.TB, pid int) int64 { return statusBytes(b, pid, "VmHWM") }

// resident is a process's resident memory now.
func resident(b testing.TB, pid int) int64 { return statusBytes(b, pid, "VmRSS") }

// statusBytes reads a size in kB from a process's /proc/PID/status.
func statusBytes(b testing.TB, pid int, field string) int64 {
	b.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb << 10
		}
	}
	b.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

// cpuTime is the CPU a process has used, user and system (its stat's
// utime and stime, in clock ticks of 1/100 s on Linux).
func cpuTime(b testing.TB, pid int) time.Duration {
	b.Helper()
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	_, after, _ := strings.Cut(string(stat), ") ") // the command's name may hold spaces
	fields := strings.Fields(after)
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		b.Fatalf("/proc/%d/stat: %v %v", pid, err1, err2)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
