// Package org keeps the organisation tree (federations down to union
// groups), the employers behind the unions, and the unions' officers.
//
// The tree is a materialised path: every row carries '/<root>/.../<id>/', so
// "is X inside Y" is a prefix test, a subtree is one range scan of the path
// index (path >= P AND path < PathEnd(P)) in depth-first order, and counts over
// a subtree need no recursion. Every scoped method takes the caller's
// principal: reads are limited to the subtrees where it holds org.read and
// answer NotFound for anything else (the same answer as for a missing row, so
// nothing leaks); writes need org.write there and answer Forbidden when the
// record is only readable (the rule and the ranges are internal/scope's, as
// in every module). Every change is audited in its own transaction.
package org

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"gonghui/internal/auth"
	"gonghui/internal/beijing"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/hanzi"
	"gonghui/internal/scope"
)

// Org is one organisation of the tree.
type Org struct {
	ID           int64     `json:"id,string"`
	ParentID     int64     `json:"parent_id,string"` // 0 for the root
	Path         string    `json:"path"`
	Depth        int       `json:"depth"` // 0 for the root
	Name         string    `json:"name"`
	ShortName    string    `json:"short_name"` // 简称, "" when none
	Kind         Kind      `json:"kind"`
	DivisionCode string    `json:"division_code"`
	Address      string    `json:"address"`
	Phone        string    `json:"phone"`
	FoundedOn    string    `json:"founded_on"`
	Note         string    `json:"note"`
	ChildCount   int       `json:"child_count"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`

	sortKey string // its place among its siblings: orgSortKey
}

// Store reads and changes organisations, employers and officers.
type Store struct{ DB *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{DB: d} }

// now is the clock; tests move it.
var now = time.Now

// today is the current date in China as 'YYYY-MM-DD'.
func today() string { return beijing.Day(now()) }

// stamp is the time recorded on a change, at the millisecond precision it is
// stored with, so that what a write returns equals what a read gives back.
func stamp() time.Time { return now().UTC().Truncate(time.Millisecond) }

// orgCols are the columns scanOrg reads, in order.
const orgCols = "id, parent_id, path, depth, name, kind, division_code, address, phone, founded_on, note, child_count, created_at, updated_at, short_name, sort_key"

// orgInsertCols are the columns of a new row: orgCols and the search key.
const orgInsertCols = orgCols + ", search_key"

// orgSortKey orders siblings as the official lists do: federations first,
// then industry unions, then the unions of employers, sub-unions and groups;
// within each, by division code where one is recorded (a district's streets
// in their statistical order), then by the pinyin reading of the name. The
// key is ASCII, compared byte-wise (a C-collated column) on both engines.
func orgSortKey(kind Kind, division, name string) string {
	rank := "4"
	switch kind {
	case KindCity, KindDistrict, KindStreet, KindTownship:
		rank = "1"
	case KindIndustry:
		rank = "2"
	case KindSub:
		rank = "5"
	case KindGroup:
		rank = "6"
	}
	if division != "" {
		return rank + "0" + division + " " + hanzi.Reading(name)
	}
	return rank + "1 " + hanzi.Reading(name)
}

// orgSearchKey is what a name search looks in (internal/hanzi.SearchKey).
func orgSearchKey(name, short string) string { return hanzi.SearchKey(name, short) }

type scanner interface{ Scan(dest ...any) error }

func scanOrg(r scanner) (Org, error) {
	var o Org
	var parent sql.NullInt64
	var created, updated int64
	err := r.Scan(&o.ID, &parent, &o.Path, &o.Depth, &o.Name, &o.Kind, &o.DivisionCode, &o.Address,
		&o.Phone, &o.FoundedOn, &o.Note, &o.ChildCount, &created, &updated, &o.ShortName, &o.sortKey)
	o.ParentID = parent.Int64
	o.CreatedAt, o.UpdatedAt = scope.FromMillis(created), scope.FromMillis(updated)
	return o, err
}

func collectOrgs(rows *sql.Rows, err error) ([]Org, error) {
	if err != nil {
		return nil, errs.Internal(err, "org: query")
	}
	defer rows.Close()
	var out []Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, errs.Internal(err, "org: scan")
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal(err, "org: rows")
	}
	return out, nil
}

// queryer is what reads need: the reader pool or a write transaction.
type queryer interface {
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// load reads one organisation, unscoped; suffix may lock the row.
func load(ctx context.Context, q queryer, id int64, suffix string) (*Org, error) {
	o, err := scanOrg(q.QueryRow(ctx, "SELECT "+orgCols+" FROM orgs WHERE id = ?"+suffix, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("org")
	}
	if err != nil {
		return nil, errs.Internal(err, "org: load")
	}
	return &o, nil
}

// lockFor locks organisation id in tx for p, who must pass may
// (rule.Readable or rule.Writable) there.
func lockFor(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64, may func(*auth.Principal, string) error) (*Org, error) {
	o, err := load(ctx, tx, id, tx.ForUpdate())
	if err != nil {
		return nil, err
	}
	if err := may(p, o.Path); err != nil {
		return nil, err
	}
	return o, nil
}

// rule scopes organisations, employers and officers: org.read to see them,
// org.write to change them.
var rule = scope.Rule{Entity: "org", Read: auth.PermOrgRead, Write: auth.PermOrgWrite}

// inside reports whether path lies in the subtree at ancestor.
func inside(path, ancestor string) bool { return strings.HasPrefix(path, ancestor) }

// pathIDs returns the IDs along a materialised path, root first.
func pathIDs(path string) []int64 {
	var out []int64
	for _, s := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, ok := db.ParseID(s); ok {
			out = append(out, id)
		}
	}
	return out
}

// placeholders returns "?, ?, ..." for n values.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}
