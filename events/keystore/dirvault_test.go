package keystore_test

import (
	"testing"

	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/events/keystore/vaulttest"
)

func TestTheKeyDirectoryIsAVault(t *testing.T) {
	vaulttest.Run(t, func(t *testing.T) keystore.Vault {
		v, err := keystore.OpenDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return v
	}, vaulttest.Features{Stored: func(t *testing.T, v keystore.Vault) []string { return []string{v.(*keystore.DirVault).Dir()} }})
}
