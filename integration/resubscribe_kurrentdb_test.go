package integration

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/eventstoretest"
	"github.com/palabre/palabre/events/kurrentstore"
	"github.com/palabre/palabre/projections"
)

// TestTheRunnerResubscribesWhenKurrentDBRestarts stops and starts a
// KurrentDB container under a following runner: appends meanwhile answer
// ErrUnavailable, the feed says it dropped, and once the node is back the
// runner resubscribes from the last event it fed and reads every event
// once. The node keeps its data on disk and its port across the restart.
func TestTheRunnerResubscribesWhenKurrentDBRestarts(t *testing.T) {
	if os.Getenv("PALABRE_KURRENTDB_URL") != "" {
		t.Skip("stops and starts a KurrentDB container of its own")
	}
	testcontainers.SkipIfProviderIsNotHealthy(t)
	image := os.Getenv("PALABRE_KURRENTDB_IMAGE")
	if image == "" {
		image = defaultKurrentDBImage
	}
	port := freePort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	ctr, err := testcontainers.Run(ctx, image,
		testcontainers.WithExposedPorts("2113/tcp"),
		testcontainers.WithEnv(map[string]string{"KURRENTDB_INSECURE": "true", "KURRENTDB_RUN_PROJECTIONS": "None"}),
		testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
			hc.PortBindings = network.PortMap{network.MustParsePort("2113/tcp"): {{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: strconv.Itoa(port)}}}
		}),
		testcontainers.WithWaitStrategy(wait.ForHTTP("/health/live").WithPort("2113/tcp").WithStartupTimeout(3*time.Minute)),
	)
	testcontainers.CleanupContainer(t, ctr)
	if err != nil {
		t.Fatalf("start KurrentDB (%s): %v", image, err)
	}
	store, err := kurrentstore.Open(fmt.Sprintf("esdb://127.0.0.1:%d?tls=false", port))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for range 50 {
		if _, err := store.Append(ctx, "space-a", events.Any{}, eventstoretest.NewEvents("Before", 1)...); err != nil {
			t.Fatal(err)
		}
	}
	c := newEventCounter()
	runner, err := projections.NewRunner(store, t.TempDir(), &projections.Options{RetryWait: 100 * time.Millisecond}, c)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	runCtx, stop := context.WithCancel(ctx)
	go func() { done <- runner.Run(runCtx) }()
	defer func() { stop(); <-done }()

	stopTimeout := 10 * time.Second
	if err := ctr.Stop(ctx, &stopTimeout); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Append(ctx, "space-a", events.Any{}, eventstoretest.NewEvents("Down", 1)...); !errors.Is(err, events.ErrUnavailable) {
		t.Errorf("an append to a stopped node: %v, want ErrUnavailable", err)
	}
	for deadline := time.Now().Add(time.Minute); runner.Following() == nil; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the runner never said its feed dropped")
		}
	}
	if err := ctr.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var last events.Position
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(500 * time.Millisecond) {
		res, err := store.Append(ctx, "space-b", events.Any{}, eventstoretest.NewEvents("After", 1)...)
		if err == nil {
			last = res.Position
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the node did not come back: %v", err)
		}
	}
	waitCtx, cancelWait := context.WithTimeout(ctx, 2*time.Minute)
	defer cancelWait()
	for {
		err := runner.WaitFor(waitCtx, last)
		if err == nil {
			break
		}
		if !errors.Is(err, projections.ErrNotFollowing) {
			t.Fatalf("the runner did not reach the write after the restart: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got := c.count(); got != 51 {
		t.Fatalf("the read model holds %d events, want each of the 51 once", got)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// eventCounter counts every event it is fed, of any type.
type eventCounter struct {
	mu sync.Mutex
	n  int
}

func newEventCounter() *eventCounter { return &eventCounter{} }

func (c *eventCounter) Name() string { return "counter" }
func (c *eventCounter) Version() int { return 1 }
func (c *eventCounter) Apply(projections.Event) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return nil
}
func (c *eventCounter) Snapshot(w io.Writer) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := fmt.Fprint(w, c.n)
	return err
}
func (c *eventCounter) Restore(r io.Reader) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := fmt.Fscan(r, &c.n)
	return err
}
func (c *eventCounter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n = 0
}
func (c *eventCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
