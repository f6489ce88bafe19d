package notice

import (
	"context"
	"strings"
	"testing"
	"time"

	"gonghui/internal/db"
	"gonghui/internal/member/membertest"
	"gonghui/internal/member/membertest/storetest"
	"gonghui/internal/sms"
	"gonghui/internal/testkit"
)

func TestMessageMany(t *testing.T) {
	ctx := context.Background()
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		w := storetest.New(t, d)
		s := NewStore(d, w.S)
		a1 := w.Add(t, w.UnionA, "周红芳", 1)
		a2 := w.Add(t, w.SubA, "陈勇兰", 2)
		b1 := w.Add(t, w.UnionB, "刘洋", 3)
		count := func() int {
			return membertest.Count(t, d, "SELECT count(*) FROM member_notices WHERE kind = ?", KindMessage)
		}

		// Refused, nothing stored: bad text, or a member outside the subtree.
		for text, key := range map[string]string{"  ": "field.required", strings.Repeat("通", MaxMessage+1): "field.too_long", "周六\x00活动": "member.text_control"} {
			_, err := s.MessageMany(ctx, w.DashilanOfficer, []int64{a1.ID}, text)
			membertest.WantField(t, err, "message", key)
		}
		_, err := s.MessageMany(ctx, w.DashilanOfficer, []int64{a1.ID, b1.ID}, "周六上午工会活动室开放。")
		membertest.WantField(t, err, "ids", "member.bulk_outside")
		_, err = s.MessageMany(ctx, w.DashilanOfficer, nil, "周六上午工会活动室开放。")
		membertest.WantField(t, err, "ids", "member.bulk_none")
		if n := count(); n != 0 {
			t.Fatalf("%d notices after refusals", n)
		}

		n, err := s.MessageMany(ctx, w.DashilanOfficer, []int64{a1.ID, a2.ID}, "  周六上午工会活动室开放。 ")
		if err != nil || n != 2 {
			t.Fatalf("message: %d %v", n, err)
		}
		if k := membertest.Count(t, d, "SELECT count(*) FROM audit_log WHERE action = ?", "member.message"); k != 2 {
			t.Fatalf("%d audit records", k)
		}
		ns, err := s.List(ctx, a1.ID, 10)
		if err != nil || len(ns) != 1 || ns[0].Kind != KindMessage || ns[0].ActivityTitle != "周六上午工会活动室开放。" {
			t.Fatalf("notices: %+v %v", ns, err)
		}
		// The portal's "for you" shows it.
		items, err := s.MessageSource().ForMember(ctx, a2.ID, time.Now().Add(-time.Hour))
		if err != nil || len(items) != 1 || items[0].Subject != "周六上午工会活动室开放。" || items[0].Open() {
			t.Fatalf("for you: %+v %v", items, err)
		}

		// Sent by SMS once, by the notice sender.
		rec := &sms.Recorder{}
		render := func(kind, title string) string { return "【工会】" + title }
		if sent, err := s.Send(ctx, rec.Send, render); err != nil || sent != 2 {
			t.Fatalf("sent %d: %v", sent, err)
		}
		if sent, err := s.Send(ctx, rec.Send, render); err != nil || sent != 0 {
			t.Fatalf("sent again %d: %v", sent, err)
		}
		if got := rec.Sent(membertest.Mobile(1)); len(got) != 1 || got[0] != "【工会】周六上午工会活动室开放。" {
			t.Fatalf("sms: %q", got)
		}
	})
}
