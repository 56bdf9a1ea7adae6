package projections_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/palabre/palabre/events/pebblestore"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/stakeholders"
)

// TestRecoveredReadModelsEqualAFullReplayAfterSIGKILL kills a process that
// appends while its projections follow and snapshot, then recovers the
// read models from their snapshots and the log and compares them, byte for
// byte, with a replay from position 0.
func TestRecoveredReadModelsEqualAFullReplayAfterSIGKILL(t *testing.T) {
	work := t.TempDir()
	bin := filepath.Join(work, "crashprojector")
	if out, err := exec.Command("go", "build", "-o", bin, "./internal/crashprojector").CombinedOutput(); err != nil {
		t.Fatalf("build crashprojector: %v\n%s", err, out)
	}
	dir := filepath.Join(work, "data")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
	for cycle := range 6 {
		cmd := exec.Command(bin, "-data", dir, "-seed", fmt.Sprint(rng.Uint64()))
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(150+rng.IntN(600)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if st, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !st.Signaled() {
			t.Fatalf("cycle %d: crashprojector ended before it was killed: %s", cycle, stderr.String())
		}
		recovered, replayed, n := recoverAndReplay(t, dir)
		for i := range recovered {
			if !bytes.Equal(recovered[i], replayed[i]) {
				t.Fatalf("cycle %d: read model %d recovered from its snapshot differs from a full replay of %d events", cycle, i, n)
			}
		}
		t.Logf("cycle %d: %d events, recovered models equal a full replay", cycle, n)
	}
}

// recoverAndReplay returns the models' snapshots recovered through the
// runner and rebuilt by a plain replay.
func recoverAndReplay(t *testing.T, dir string) (recovered, replayed [][]byte, n int) {
	t.Helper()
	store, err := pebblestore.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	fresh := func() []projections.Projection {
		return []projections.Projection{inclusion.New(), commitments.New(time.Now), stakeholders.New()}
	}
	full := fresh()
	n, last, err := projections.Replay(context.Background(), store, full...)
	if err != nil {
		t.Fatal(err)
	}
	models := fresh()
	r, err := projections.NewRunner(store, filepath.Join(dir, "snapshots"), nil, models...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
	err = r.WaitFor(wctx, last)
	wcancel()
	cancel()
	<-done
	if err != nil {
		t.Fatalf("recover: %v", err)
	}
	for i := range models {
		var a, b bytes.Buffer
		models[i].Snapshot(&a)
		full[i].Snapshot(&b)
		recovered, replayed = append(recovered, a.Bytes()), append(replayed, b.Bytes())
	}
	// Snapshots hold state, not what a double application would add to an
	// index: compare answers too.
	for _, region := range []string{"", "gao", "mopti", "tombouctou", "bamako", "menaka"} {
		q := inclusion.Query{Region: region, Bucket: inclusion.Quarter}
		a, err1 := models[0].(*inclusion.Model).View(context.Background(), q)
		b, err2 := full[0].(*inclusion.Model).View(context.Background(), q)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("inclusion in %q: recovered %+v (%v), replayed %+v (%v)", region, a.Total, err1, b.Total, err2)
		}
		cq := commitments.Query{Region: region}
		if a, b := models[1].(*commitments.Model).Figures(cq), full[1].(*commitments.Model).Figures(cq); a != b {
			t.Fatalf("commitments in %q: recovered %+v, replayed %+v", region, a, b)
		}
	}
	return recovered, replayed, n
}
