//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package pii

// lockFile is a no-op where flock is unavailable: Rotate's merge with the
// file on disk still prevents losing keys from earlier rotations, but two
// rotations at the same instant could race. Rotate is an operator action;
// run it from one place on these platforms.
func lockFile(string) (unlock func(), err error) { return func() {}, nil }

// syncDir is a no-op where directories cannot be opened and synced
// (Windows); rename there is already journalled by NTFS.
func syncDir(string) error { return nil }
