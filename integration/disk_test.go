//go:build linux

package integration

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"
)

// smallDisk mounts a 300 MB ext4 image and returns its mount point, or
// skips saying why it cannot (not root, no loop devices).
func smallDisk(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("a small filesystem is loop-mounted only by root")
	}
	image := filepath.Join(t.TempDir(), "disk.ext4")
	mnt := filepath.Join(t.TempDir(), "mnt")
	if err := os.Mkdir(mnt, 0o700); err != nil {
		t.Fatal(err)
	}
	steps := [][]string{{"truncate", "-s", "300M", image}, {"mkfs.ext4", "-q", "-F", image}, {"mount", "-o", "loop", image, mnt}}
	for _, step := range steps {
		if out, err := exec.Command(step[0], step[1:]...).CombinedOutput(); err != nil {
			t.Skipf("cannot make a small filesystem (%s: %v %s); the fault-injected store tests cover the same ground", step[0], err, out)
		}
	}
	t.Cleanup(func() { exec.Command("umount", "-l", mnt).Run() })
	return mnt
}

// fill takes the filesystem's free space down to leave bytes.
func fill(t *testing.T, dir string, leave int64) string {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	free := int64(st.Bavail) * st.Bsize
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Fallocate(int(f.Fd()), 0, 0, free-leave); err != nil {
		t.Fatalf("fallocate: %v", err)
	}
	return path
}

// TestAFullDiskRefusesWritesCleanlyAndTheyResumeWhenSpaceIsFreed runs the
// server on a 300 MB filesystem, fills it under the store's reserve and
// frees it again: writes are refused with 503 UNAVAILABLE and a reason,
// /readyz says not ready (why, to an admin), writes resume by themselves,
// and every acknowledged write is there after a restart.
func TestAFullDiskRefusesWritesCleanlyAndTheyResumeWhenSpaceIsFreed(t *testing.T) {
	mnt := smallDisk(t)
	bin := binary(t)
	dir := filepath.Join(mnt, "data")
	admin := newToken(t, bin, dir, "--role", "admin")
	s := startServer(t, bin, dir, "--reserve-mib", "32")
	establish := func() (int, http.Header, answer) {
		body, _ := json.Marshal(map[string]any{"query": `mutation($c: ID!) { establishSpace(commandId: $c, input: {name: "Comité de Ménaka", kind: SECURITY_ADVISORY_COMMITTEE, region: "menaka", pillar: SECURITY, establishedOn: "2025-01-05"}) { id } }`,
			"variables": map[string]any{"c": ulid.Make().String()}})
		req, _ := http.NewRequest(http.MethodPost, s.url+"/graphql", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+admin)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var a answer
		json.NewDecoder(res.Body).Decode(&a)
		return res.StatusCode, res.Header, a
	}
	acknowledged := 0
	for range 5 {
		if status, _, a := establish(); status != 200 || a.code() != "" {
			t.Fatalf("before the disk fills: %d %+v", status, a)
		}
		acknowledged++
	}

	filler := fill(t, mnt, 16<<20)
	status, header, a := establish()
	if status != http.StatusServiceUnavailable || a.code() != "UNAVAILABLE" || header.Get("Retry-After") == "" ||
		!strings.Contains(a.Errors[0].Message, "the server's disk is full; nothing was saved") {
		t.Fatalf("a write on a full disk: %d %q %+v", status, header.Get("Retry-After"), a)
	}
	ready := func(token string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodGet, s.url+"/readyz", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body map[string]any
		json.NewDecoder(res.Body).Decode(&body)
		return res.StatusCode, body
	}
	if code, body := ready(admin); code != 503 || !strings.Contains(fmt.Sprint(body["store"]), "disk is full") {
		t.Fatalf("/readyz for an admin on a full disk: %d %v", code, body)
	}
	if code, body := ready(""); code != 503 || body["store"] != nil {
		t.Fatalf("/readyz for anyone says more than not ready: %d %v", code, body)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	freed := time.Now()
	deadline := freed.Add(10 * time.Second)
	for {
		status, _, a := establish()
		if status == 200 && a.code() == "" {
			acknowledged++
			t.Logf("writes resumed %s after space was freed", time.Since(freed).Round(time.Millisecond))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("writes did not resume within 10 s of space being freed: %d %+v", status, a)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if code, _ := ready(admin); code != 200 {
		t.Fatalf("/readyz after space was freed: %d", code)
	}

	s.kill()
	s = startServer(t, bin, dir)
	spaces := s.must(admin, `{ spaces(first: 100, region: "menaka") { totalCount } }`, nil)
	if n := pick(spaces, "spaces", "totalCount"); n != float64(acknowledged) {
		t.Fatalf("after a restart %v spaces, want the %d acknowledged", n, acknowledged)
	}
}
