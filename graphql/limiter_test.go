package graphql

import (
	"context"
	"testing"
	"time"
)

func TestOneTokensRequestsTakeTurnsWhileOthersGoOn(t *testing.T) {
	s := newSlots(1)
	release, err := s.acquire(context.Background(), "heavy")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := s.acquire(ctx, "heavy"); err == nil {
		t.Fatal("a second request of the same token ran beside the first")
	}
	other, err := s.acquire(context.Background(), "light")
	if err != nil {
		t.Fatalf("another token waited: %v", err)
	}
	other()
	release()
	again, err := s.acquire(context.Background(), "heavy")
	if err != nil {
		t.Fatalf("after its turn: %v", err)
	}
	again()
	if len(s.tokens) != 0 {
		t.Errorf("%d tokens' slots kept after every request ended", len(s.tokens))
	}
}
