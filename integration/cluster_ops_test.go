package integration

import (
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"
)

// replacedWithin: a new node that takes a removed one's place holds
// current replicas of every stream within it (the log here is small).
const replacedWithin = 2 * time.Minute

// TestOperatingACluster runs an operator's day on three palabre nodes
// (whose routes speak TLS under the authority derived from the master
// key): doctor through a node, a backup through a node restored into a
// new node, and a node lost for good replaced by one of another name.
func TestOperatingACluster(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs three servers")
	}
	bin := binary(t)
	c := startPalabreCluster(t, bin)
	space, person := ulid.Make().String(), ulid.Make().String()
	c.nodes[0].Load().must(c.admins[0], establish, map[string]any{"c": space})
	c.nodes[0].Load().must(c.admins[0], `mutation($c: ID!) { enrolParticipant(commandId: $c, input: {code: "OPS-1", sex: FEMALE, ageBand: AGE_18_24,
	  functioning: {}, displacement: NONE, region: "gao", consent: {given: true, on: "2025-02-01"}}, identity: {name: "Fatoumata"}) { id } }`, map[string]any{"c": person})

	t.Run("doctor through a node finds the cluster healthy", func(t *testing.T) {
		c.doctorUntil(t, 0, replicationWithin, true)
	})
	backup := filepath.Join(t.TempDir(), "cluster.tar")
	t.Run("a backup through a node restores into a new node", func(t *testing.T) {
		run(t, bin, "PALABRE_TOKEN="+c.admins[0], "backup", backup, "--server", c.nodes[0].Load().url)
		into := filepath.Join(t.TempDir(), "restored")
		run(t, bin, "", "restore", backup, "--data", into)
		admin := newToken(t, bin, into, "--role", "admin")
		s := startServer(t, bin, into, "--store", "nats") // copies the restored log into its own
		defer stop(t, s)
		checkServes(t, s, admin, space, person)
	})
	t.Run("a backup through a node restores into a new cluster", func(t *testing.T) {
		restored := filepath.Join(t.TempDir(), "restored")
		run(t, bin, "", "restore", backup, "--data", restored)
		dirs := []string{restored, filepath.Join(t.TempDir(), "b"), filepath.Join(t.TempDir(), "c")}
		routes := []string{freeRoute(t), freeRoute(t), freeRoute(t)}
		var nodes []*server
		var found []<-chan string
		for i, dir := range dirs {
			s, f := launchServer(t, &http.Client{Timeout: 30 * time.Second}, bin, dir, "--store", "nats", "--nats-name", fmt.Sprintf("r%d", i+1),
				"--nats-listen", routes[i], "--nats-peers", strings.Join(routes, ","))
			nodes, found = append(nodes, s), append(found, f)
		}
		for i, s := range nodes {
			s.awaitReadyWithin(found[i], restartWithin)
		}
		// The cluster's own admin token came with the backup's log; the
		// third node, which did not copy it, serves it once it is in.
		deadline := time.Now().Add(replacedWithin)
		for !serves(nodes[2], c.admins[0], space, person) {
			if time.Now().After(deadline) {
				t.Fatalf("the new cluster's third node does not serve the backup's space and name after %s:\n%s", replacedWithin, tail(nodes[0].logs.String(), 3000))
			}
			time.Sleep(200 * time.Millisecond)
		}
	})
	t.Run("a node lost for good is replaced by one of another name", func(t *testing.T) {
		c.nodes[2].Swap(nil).kill()
		// As an operator would: doctor names the lost node, then it is
		// removed, again after a 503 while the log elects a new leader.
		for out, start := "", time.Now(); !strings.Contains(out, "n3 (not heard from"); time.Sleep(time.Second) {
			if time.Since(start) > resumeWithin {
				t.Fatalf("doctor does not name the lost node after %s:\n%s", resumeWithin, out)
			}
			out = c.doctorUntil(t, 0, resumeWithin, false)
		}
		start := time.Now()
		for {
			remove := exec.Command(bin, "cluster", "remove-peer", "n3", "--server", c.nodes[0].Load().url)
			remove.Env = append(remove.Environ(), "PALABRE_TOKEN="+c.admins[0])
			out, err := remove.CombinedOutput()
			if err == nil {
				break
			}
			// 503 while a leader is elected; 409 while the leader still
			// counts n3 as up (heard from within 10s), as doctor may not.
			waiting := strings.Contains(string(out), "503") || strings.Contains(string(out), "the node is up")
			if !waiting || time.Since(start) > resumeWithin {
				t.Fatalf("remove-peer n3: %v\n%s", err, out)
			}
			time.Sleep(time.Second)
		}
		// The removal applied, the streams wait for a node to take its place.
		for out, start := "", time.Now(); !strings.Contains(out, "none has taken its place"); time.Sleep(time.Second) {
			if time.Since(start) > resumeWithin {
				t.Fatalf("doctor does not find n3 removed after %s:\n%s", resumeWithin, out)
			}
			out = c.doctorUntil(t, 0, resumeWithin, false)
		}
		dir := filepath.Join(t.TempDir(), "n4")
		admin := newToken(t, bin, dir, "--role", "admin")
		route := freeRoute(t)
		s, found := launchServer(t, &http.Client{Timeout: 30 * time.Second}, bin, dir, "--store", "nats", "--nats-name", "n4",
			"--nats-listen", route, "--nats-peers", strings.Join([]string{c.routes[0], c.routes[1], route}, ","))
		s.awaitReadyWithin(found, restartWithin)
		c.nodes[2].Store(s)
		c.doctorUntil(t, 0, replacedWithin, true) // three current replicas again, n4's
		checkServes(t, s, admin, space, person)
	})
}

// doctorUntil runs doctor through node i until it finds the cluster
// healthy (or, with healthy false, finds a problem), for at most within.
func (c *cluster) doctorUntil(t *testing.T, i int, within time.Duration, healthy bool) string {
	t.Helper()
	start := time.Now()
	for {
		cmd := exec.Command(c.bin, "doctor", "--data", c.dirs[i], "--server", c.nodes[i].Load().url)
		cmd.Env = append(cmd.Environ(), "PALABRE_TOKEN="+c.admins[i])
		out, err := cmd.CombinedOutput()
		if (err == nil) == healthy {
			t.Logf("doctor after %s:\n%s", time.Since(start).Round(time.Millisecond), out)
			return string(out)
		}
		if time.Since(start) > within {
			t.Fatalf("doctor through node %d: healthy %v after %s, want %v:\n%s", i+1, err == nil, within, healthy, out)
		}
		time.Sleep(time.Second)
	}
}

// checkServes checks that s serves the space and opens the person's name
// written through another node before.
func checkServes(t *testing.T, s *server, admin, space, person string) {
	t.Helper()
	if !serves(s, admin, space, person) {
		t.Fatalf("%s does not serve the space %s and Fatoumata's name", s.url, space)
	}
}

func serves(s *server, admin, space, person string) bool {
	a := s.query(admin, `query($s: ID!, $p: ID!) { space(id: $s) { id } participant(id: $p) { identity { name } } }`, map[string]any{"s": space, "p": person})
	return pick(a.Data, "space", "id") == space && pick(a.Data, "participant", "identity", "name") == "Fatoumata"
}
