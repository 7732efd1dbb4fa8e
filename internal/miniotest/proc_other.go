//go:build !linux

package miniotest

import "os/exec"

// setProcAttr does nothing outside Linux.
func setProcAttr(cmd *exec.Cmd) {}
