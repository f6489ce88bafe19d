// Package sms sends text messages to mobile phones. The product talks to
// one small interface; the default sender writes messages to the server log
// (the mobile number masked), for development and for installations whose
// SMS gateway is yet to be connected. A gateway adapter implements Sender.
package sms

import (
	"context"
	"log/slog"
	"sync"

	"gonghui/internal/cnid"
)

// Sender delivers one text message.
type Sender interface {
	Send(ctx context.Context, mobile, text string) error
}

// LogSender writes each message to the structured log. The number is masked:
// plain personal numbers never reach a log.
type LogSender struct{}

// Send logs the message.
func (LogSender) Send(ctx context.Context, mobile, text string) error {
	slog.InfoContext(ctx, "sms (log sender)", "to", cnid.MaskMobile(mobile), "text", text)
	return nil
}

// Recorder keeps the messages it is given, for tests.
type Recorder struct {
	mu   sync.Mutex
	sent map[string][]string
}

// Send records the message.
func (r *Recorder) Send(_ context.Context, mobile, text string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sent == nil {
		r.sent = map[string][]string{}
	}
	r.sent[mobile] = append(r.sent[mobile], text)
	return nil
}

// Last returns the last message sent to mobile, or "".
func (r *Recorder) Last(mobile string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.sent[mobile]
	if len(m) == 0 {
		return ""
	}
	return m[len(m)-1]
}

// Sent returns every message sent to mobile, oldest first.
func (r *Recorder) Sent(mobile string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.sent[mobile]...)
}
