//go:build linux

package archive

import (
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// openUnnamed opens a new file in dir that has no name yet (O_TMPFILE):
// it costs the folder no entry until linkUnnamed gives it one, and
// nothing is left behind if the process dies before that. Like the named
// temporary files it replaces (os.CreateTemp), it is readable by its owner
// only: documents may be classified (密级).
func openUnnamed(dir string) (*os.File, error) {
	fd, err := unix.Open(dir, unix.O_RDWR|unix.O_TMPFILE|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, &os.PathError{Op: "open unnamed file in", Path: dir, Err: err}
	}
	return os.NewFile(uintptr(fd), filepath.Join(dir, "(unnamed)")), nil
}

// linkUnnamed names a file opened by openUnnamed as p. Like link(2) it is
// atomic and fails with an error matching fs.ErrExist if p exists.
func linkUnnamed(f *os.File, p string) error {
	src := "/proc/self/fd/" + strconv.Itoa(int(f.Fd()))
	if err := unix.Linkat(unix.AT_FDCWD, src, unix.AT_FDCWD, p, unix.AT_SYMLINK_FOLLOW); err != nil {
		return &os.LinkError{Op: "link", Old: f.Name(), New: p, Err: err}
	}
	return nil
}
