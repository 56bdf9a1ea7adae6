//go:build !unix

package projections

import (
	"errors"
	"os"
)

// mapFile is not done here: the body is read into memory instead.
func mapFile(*os.File, int64) ([]byte, func(), error) {
	return nil, nil, errors.New("no memory-mapped files on this system")
}
