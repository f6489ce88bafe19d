package testkit

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// Binary builds cmd/gonghui once per test process and returns its path.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		out, err := exec.Command("go", "env", "GOMOD").Output()
		if err != nil {
			buildErr = err
			return
		}
		root := filepath.Dir(strings.TrimSpace(string(out)))
		dir, err := os.MkdirTemp("", "gonghui-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "gonghui")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/gonghui")
		cmd.Dir = root
		if b, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, b)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// Server is a gonghui serve process started by a test.
type Server struct {
	URL  string
	cmd  *exec.Cmd
	done chan struct{}
	logs *strings.Builder
	mu   *sync.Mutex
}

var listening = regexp.MustCompile(`running at (http://[^/\s]+)/`)

// StartServer runs `gonghui serve` on a free loopback port against dsn and
// waits until /healthz answers. It is killed when the test ends.
func StartServer(t testing.TB, dsn string, args []string, env ...string) *Server {
	t.Helper()
	bin := Binary(t)
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", dsn}, args...)...)
	cmd.Env = append(append(os.Environ(), "GONGHUI_KEY_FILE="+KeyFileFor(dsn)), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{cmd: cmd, done: make(chan struct{}), logs: &strings.Builder{}, mu: &sync.Mutex{}}
	cmd.Stderr = writerFunc(func(b []byte) (int, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.logs.Write(b)
	})
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.logs.WriteString(line + "\n")
			s.mu.Unlock()
			if m := listening.FindStringSubmatch(line); m != nil {
				select {
				case urls <- m[1]:
				default:
				}
			}
		}
	}()
	go func() { _ = cmd.Wait(); close(s.done) }()
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			t.Logf("server %s output:\n%s", s.URL, s.Logs())
		}
	})
	select {
	case s.URL = <-urls:
	case <-s.done:
		t.Fatalf("server exited before listening:\n%s", s.Logs())
	case <-time.After(60 * time.Second):
		t.Fatalf("server did not start:\n%s", s.Logs())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+"/healthz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("healthz never answered 200:\n%s", s.Logs())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Logs returns what the server printed so far.
func (s *Server) Logs() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.String()
}

// Stop ends the server gracefully (SIGTERM), killing it if it lingers.
func (s *Server) Stop() {
	if s.cmd.Process == nil {
		return
	}
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// Kill ends the server at once (SIGKILL), as a crash or a power cut would
// end the process: nothing is flushed or closed.
func (s *Server) Kill() {
	if s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.done
}
