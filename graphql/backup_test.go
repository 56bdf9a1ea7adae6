package graphql_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/palabre/palabre/graphql"
)

// Found in review 3: a node's backup keeps a copy of every participant's
// key until it is downloaded, and the download had no deadline, so a
// reader that stalls kept that copy for as long as it stalled.
func TestABackupWhoseReaderStallsIsCut(t *testing.T) {
	ended := make(chan error, 1)
	e := newEnvWith(t, envOptions{
		server: &graphql.Options{BackupStall: 200 * time.Millisecond},
		backup: func(ctx context.Context, w io.Writer) error {
			chunk := make([]byte, 64<<10)
			for {
				if _, err := w.Write(chunk); err != nil {
					ended <- err
					return err
				}
			}
		},
	})
	req, _ := http.NewRequest(http.MethodGet, e.server.URL+"/admin/backup", nil)
	req.Header.Set("Authorization", "Bearer "+e.admin)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close() // read nothing: a stalled download
	select {
	case <-ended:
	case <-time.After(15 * time.Second):
		t.Fatal("a backup whose reader took nothing for 15 s was still being served")
	}
}
