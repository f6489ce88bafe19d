//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package pii

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive flock on name (created if needed, left in
// place afterwards). flock is released by the kernel if the process dies, so
// a crash mid-rotation cannot leave a stale lock behind. A separate lock file
// is used because the key file itself is replaced by rename, and a lock on
// the old inode would not exclude a process that opened the new one.
func lockFile(name string) (unlock func(), err error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, &os.PathError{Op: "flock", Path: name, Err: err}
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// syncDir makes a rename or link in dir durable: without it a power cut can
// lose the new directory entry even though the file's data was synced.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
