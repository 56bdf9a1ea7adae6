package integration

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/palabre/palabre/events/imports/importstest"
)

// A zip bomb uploaded by a facilitator, 7.8 million rows in ~150 KB, is
// refused by the server, the limit named in the reader's language, with
// the server's resident memory under 200 MB (it once reached 15 GB).
func TestTheServerRefusesAZipBombWithinItsMemory(t *testing.T) {
	bin := binary(t)
	dir := filepath.Join(t.TempDir(), "data")
	gao := newToken(t, bin, dir, "--role", "facilitator", "--region", "gao")
	s := startServer(t, bin, dir)
	bomb := importstest.ZipOf(t, "palabre_dialogue.csv", "KEY,n\n", "uuid:a,12\n", "", 7_800_000)
	clearPeak(t, s.cmd.Process.Pid)
	r := s.uploadIn("fr", "/import?dryRun=true", gao, "palabre_dialogue.zip", string(bomb))
	peak := peakResident(t, s.cmd.Process.Pid)
	t.Logf("a bomb of %d KB: %d, the server's peak RSS %d MB", len(bomb)>>10, r.status, peak>>20)
	if r.status != 400 || !strings.Contains(r.raw, "le fichier dépasse 150\u202f000 lignes (limite de lignes par fichier)") {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	if peak > 200<<20 {
		t.Fatalf("the server's resident memory reached %d MB", peak>>20)
	}
}
