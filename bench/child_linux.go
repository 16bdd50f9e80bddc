package bench

import (
	"os/exec"
	"syscall"
)

// setChildDiesWithParent makes the kernel kill cmd's process when the
// bench process dies, whatever kills it.
func setChildDiesWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
