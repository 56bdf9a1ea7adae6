package integration

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/palabre/palabre/core/access/accesstest"
	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/eventstoretest"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/events/keystore/vaulttest"
	"github.com/palabre/palabre/events/kurrentstore"
)

// defaultKurrentDBImage is overridden by PALABRE_KURRENTDB_IMAGE.
const defaultKurrentDBImage = "docker.kurrent.io/kurrent-latest/kurrentdb:26.1.1"

// kurrentDBURL returns the connection string of an existing server
// (PALABRE_KURRENTDB_URL) or of one started in a container for this test,
// and skips the test when neither can be had.
func kurrentDBURL(t *testing.T) string {
	t.Helper()
	if url := os.Getenv("PALABRE_KURRENTDB_URL"); url != "" {
		return url
	}
	testcontainers.SkipIfProviderIsNotHealthy(t)
	image := os.Getenv("PALABRE_KURRENTDB_IMAGE")
	if image == "" {
		image = defaultKurrentDBImage
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	ctr, err := testcontainers.Run(ctx, image,
		testcontainers.WithExposedPorts("2113/tcp"),
		testcontainers.WithEnv(map[string]string{
			"KURRENTDB_INSECURE":        "true",
			"KURRENTDB_RUN_PROJECTIONS": "None",
			"KURRENTDB_MEM_DB":          "true",
		}),
		testcontainers.WithWaitStrategy(wait.ForHTTP("/health/live").WithPort("2113/tcp").WithStartupTimeout(3*time.Minute)),
	)
	testcontainers.CleanupContainer(t, ctr)
	if err != nil {
		t.Fatalf("start KurrentDB (%s): %v", image, err)
	}
	endpoint, err := ctr.PortEndpoint(ctx, "2113/tcp", "")
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("esdb://%s?tls=false", endpoint)
}

func TestKurrentDBPassesTheConformanceSuite(t *testing.T) {
	url := kurrentDBURL(t)
	eventstoretest.Run(t, func(t *testing.T) events.Store {
		s, err := kurrentstore.Open(url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}, eventstoretest.Features{SharedAll: true})
}

func openKurrentDB(t *testing.T, url string) *kurrentstore.Store {
	t.Helper()
	s, err := kurrentstore.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// The participants' keys of palabre nodes on KurrentDB: one stream each,
// tombstoned when destroyed (the bytes go at the next scavenge, which
// this test does not run: MEM_DB keeps no chunk files to look in).
func TestKurrentDBIsAVault(t *testing.T) {
	url := kurrentDBURL(t)
	vaulttest.Run(t, func(t *testing.T) keystore.Vault { return openKurrentDB(t, url).Vault() }, vaulttest.Features{})
}

func TestNodesOnKurrentDBShareTokensAndSessions(t *testing.T) {
	url := kurrentDBURL(t)
	accesstest.Run(t, func(t *testing.T) events.Store { return openKurrentDB(t, url) })
}

func TestKurrentDBURLsAreChecked(t *testing.T) {
	for _, url := range []string{"", "http://localhost:2113", "esdb://"} {
		if s, err := kurrentstore.Open(url); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded, want an error naming the url", url)
		}
	}
}
