package miniotest

import (
	"os/exec"
	"syscall"
)

// setProcAttr asks Linux to kill MinIO if the test process dies without
// cleaning up (for example when go test -timeout panics), so no server
// outlives its test binary. Pdeathsig is tied to the OS thread that started
// the process; Go only ends a thread when a goroutine exits while locked to
// it, which the tests using this package do not do.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
