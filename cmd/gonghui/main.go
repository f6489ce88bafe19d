// Command gonghui runs the trade-union work platform: the server and its
// administrative subcommands. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"gonghui/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.RunCommand(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
