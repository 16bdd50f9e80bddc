//go:build !linux

package bench

import "os/exec"

// setChildDiesWithParent does nothing off Linux: the bench stops its
// worker process itself.
func setChildDiesWithParent(*exec.Cmd) {}
