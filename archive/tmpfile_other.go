//go:build !linux

package archive

import (
	"errors"
	"os"
)

var errNoUnnamed = errors.New("unnamed files need Linux")

// openUnnamed is not available here; the store uses named temporary files.
func openUnnamed(dir string) (*os.File, error) { return nil, errNoUnnamed }

// linkUnnamed is not available here.
func linkUnnamed(f *os.File, p string) error { return errNoUnnamed }
