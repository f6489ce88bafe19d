// Package e2e holds end-to-end tests that run the real gonghui binary: several
// server processes on one database, and a real browser driving the pages.
package e2e
