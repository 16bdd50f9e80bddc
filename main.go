// Command guichet is the Guichet helpdesk: one binary with subcommands for
// the embedded development stack and for production processes. It only
// dispatches: the commands are in package command.
package main

import (
	"os"
	_ "time/tzdata" // Europe/Paris must load in scratch and distroless images

	"guichet/command"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	os.Exit(command.Run(version, os.Args[1:], os.Stdout, os.Stderr))
}
