package activity

import (
	"context"
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/stats"
)

// genTitles are activities of the kinds the seeds report.
var genTitles = []struct {
	kind  Kind
	title string
}{
	{"themed_education", "参观中国共产党历史展览馆"}, {"visit", "参观香山革命纪念馆"}, {"walk", "环湖健步走"},
	{"screening", "观影：《我和我的祖国》"}, {"lecture", "安全生产知识讲座"}, {"contest", "劳动保护知识竞赛"},
	{"volunteering", "关爱智障儿童志愿服务"}, {"condolence", "走访慰问困难职工"}, {"other", "职工趣味运动会"},
}

// Generate adds synthetic activities to a generated city for scale tests:
// one for about every perUnions grassroots unions (for its members) and a
// few for each district, spread over the last two years and the coming
// month, with registrations of their members and, for those past, the
// check-ins of most of them. Rows go in with multi-row inserts, bypassing
// the sign-up path (whose speed the benchmarks measure on their own).
func Generate(ctx context.Context, s *Store, perUnions int, seed int64, progress func(done, total int)) (int, error) {
	if perUnions < 1 {
		perUnions = 20
	}
	rng := mrand.New(mrand.NewPCG(uint64(seed), 7))
	type host struct {
		id    int64
		path  string
		quota int
	}
	var hosts []host
	rows, err := s.DB.Query(ctx, "SELECT id, path, kind FROM orgs WHERE kind IN ('grassroots_union', 'district_federation') ORDER BY id")
	if err != nil {
		return 0, errs.Internal(err, "activity: generate")
	}
	for rows.Next() {
		var h host
		var kind string
		if err := rows.Scan(&h.id, &h.path, &kind); err != nil {
			rows.Close()
			return 0, errs.Internal(err, "activity: generate")
		}
		switch {
		case kind == "district_federation":
			h.quota = 300
			for range 10 {
				hosts = append(hosts, h)
			}
		case rng.IntN(perUnions) == 0:
			h.quota = 20 + rng.IntN(80)
			hosts = append(hosts, h)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, errs.Internal(err, "activity: generate")
	}
	now := time.Now()
	for i, h := range hosts {
		g := genTitles[rng.IntN(len(genTitles))]
		start := now.Add(-time.Duration(rng.IntN(730*24)) * time.Hour).Add(time.Duration(rng.IntN(30*24)) * time.Hour).Truncate(time.Hour)
		end := start.Add(time.Duration(2+rng.IntN(3)) * time.Hour)
		status := StatusFinished
		if end.After(now) {
			status = StatusPublished
		}
		members, err := s.genMembers(ctx, h.path, h.quota)
		if err != nil {
			return i, err
		}
		id := db.NewID()
		secret := make([]byte, 32)
		_, _ = rand.Read(secret)
		ms := func(t time.Time) int64 { return t.UnixMilli() }
		cp := db.NewID()
		var regs, checks []any
		for k, m := range members {
			at := ms(start.AddDate(0, 0, -1-rng.IntN(13)))
			regs = append(regs, id, m.id, m.path, string(RegConfirmed), k+1, ViaSelf, at, at)
			if status == StatusFinished && rng.IntN(10) < 8 {
				checks = append(checks, cp, m.id, id, m.path, ms(start.Add(time.Duration(rng.IntN(30))*time.Minute)), CheckInByCode, nil)
			}
		}
		attended := len(checks) / 7
		err = s.DB.Tx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO activities (id, org_id, org_path, audience_org_id, audience_path, title, kind, starts_at, ends_at,
				reg_opens_at, reg_closes_at, cancel_before, capacity, status, confirmed, attended, reg_seq, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				id, h.id, h.path, h.id, h.path, g.title, g.kind, ms(start), ms(end), ms(start.AddDate(0, 0, -14)), ms(start), ms(start),
				h.quota, status, len(members), attended, len(members), ms(start.AddDate(0, 0, -14)), ms(start)); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "INSERT INTO activity_checkpoints (id, activity_id, position, name, rotate_seconds, secret) VALUES (?, ?, 0, '', 0, ?)",
				cp, id, secret); err != nil {
				return err
			}
			if err := tx.InsertRows(ctx, "registrations (activity_id, member_id, member_org_path, status, seq, via, created_at, updated_at)", 8, regs); err != nil {
				return err
			}
			if err := tx.InsertRows(ctx, "checkins (checkpoint_id, member_id, activity_id, member_org_path, at, via, by_user)", 7, checks); err != nil {
				return err
			}
			return stats.Log(ctx, tx, activityFigures(h.path, ms(start), status, int64(len(members)), int64(attended)).Changes(statMetrics, 1)...)
		})
		if err != nil {
			return i, fmt.Errorf("activity: generate: %w", err)
		}
		if progress != nil && (i%100 == 0 || i == len(hosts)-1) {
			progress(i+1, len(hosts))
		}
	}
	return len(hosts), nil
}

type genMember struct {
	id   int64
	path string
}

// genMembers lists up to n active members of a subtree (in index order).
func (s *Store) genMembers(ctx context.Context, path string, n int) ([]genMember, error) {
	rows, err := s.DB.Query(ctx, "SELECT id, org_path FROM members WHERE org_path >= ? AND org_path < ? AND status = 'active' ORDER BY org_path, id LIMIT ?",
		path, audit.PathEnd(path), n)
	if err != nil {
		return nil, errs.Internal(err, "activity: generate")
	}
	defer rows.Close()
	var out []genMember
	for rows.Next() {
		var m genMember
		if err := rows.Scan(&m.id, &m.path); err != nil {
			return nil, errs.Internal(err, "activity: generate")
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
