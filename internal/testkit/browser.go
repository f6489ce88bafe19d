package testkit

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// chromiumPath finds Debian's Chromium.
func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Browser starts a headless Chromium with a fresh profile and returns a
// chromedp context bound to it, with the window at width×height. Without
// Chromium the test is skipped, unless GONGHUI_BROWSER_TESTS=1 (CI), where
// it fails.
func Browser(t testing.TB, width, height int) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("GONGHUI_BROWSER_TESTS") == "1" {
			t.Fatal("chromium not found but GONGHUI_BROWSER_TESTS=1")
		}
		t.Skip("chromium not installed")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// The people this is for browse in Chinese; pages follow Accept-Language.
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first action starts the browser; it lives as long as ctx.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// ScreenshotDir is where browser tests leave their screenshots for people
// to look at: $GONGHUI_SCREENSHOTS, or tmp/screenshots in the module.
func ScreenshotDir(t testing.TB) string {
	dir := os.Getenv("GONGHUI_SCREENSHOTS")
	if dir == "" {
		out, err := exec.Command("go", "env", "GOMOD").Output()
		if err != nil {
			return t.TempDir()
		}
		dir = filepath.Join(filepath.Dir(strings.TrimSpace(string(out))), "tmp", "screenshots")
	}
	_ = os.MkdirAll(dir, 0o755)
	return dir
}

// Screenshot saves a full-page PNG named name.png.
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(ScreenshotDir(t), name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}
