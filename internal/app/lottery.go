package app

import (
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"gonghui/internal/course"
)

// cmdLottery re-runs a course term's draw from its published record: the
// seed, the capacity and the tickets that took part. It needs no database:
// anyone can check that the places went as the rule says.
func cmdLottery(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("lottery", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seed := fs.String("seed", "", "the seed published at the draw")
	hash := fs.String("seed-hash", "", "the seed's SHA-256 published before the draw (checked when given)")
	capacity := fs.Int("capacity", 0, "places (0: no limit)")
	tickets := fs.String("tickets", "", "the tickets that took part, e.g. 1-120 or 1-40,42,45-50")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *seed == "" || *tickets == "" {
		return errors.New("usage: gonghui lottery --seed S --tickets 1-120 [--capacity N] [--seed-hash H]")
	}
	if *capacity < 0 {
		return errors.New("--capacity: 0 or more")
	}
	if *hash != "" && !strings.EqualFold(*hash, course.SeedHash(*seed)) {
		return fmt.Errorf("the seed does not match the published hash: SHA-256(seed) = %s", course.SeedHash(*seed))
	}
	list, err := ticketList(*tickets)
	if err != nil {
		return fmt.Errorf("--tickets: %w", err)
	}
	drawn, waiting := course.Draw(*seed, list, *capacity)
	fmt.Fprintf(stdout, "seed %s (SHA-256 %s), %d tickets, %d places\n", *seed, course.SeedHash(*seed), len(list), *capacity)
	fmt.Fprintln(stdout, "rank\tticket\tresult\tSHA-256(seed:ticket)")
	for i, t := range append(append([]int64{}, drawn...), waiting...) {
		result := "drawn"
		if i >= len(drawn) {
			result = "waiting"
		}
		k := course.TicketKey(*seed, t)
		fmt.Fprintf(stdout, "%d\t%d\t%s\t%s\n", i+1, t, result, hex.EncodeToString(k[:]))
	}
	return nil
}

// ticketList reads "1-40,42,45-50".
func ticketList(s string) ([]int64, error) {
	seen := map[int64]bool{}
	var out []int64
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.ParseInt(strings.TrimSpace(lo), 10, 64)
		if err != nil || a < 1 {
			return nil, fmt.Errorf("%q is not a ticket number", part)
		}
		b := a
		if isRange {
			if b, err = strconv.ParseInt(strings.TrimSpace(hi), 10, 64); err != nil || b < a {
				return nil, fmt.Errorf("%q is not a range of tickets", part)
			}
		}
		if b-a > 1_000_000 || len(out) > 1_000_000 {
			return nil, errors.New("more than a million tickets")
		}
		for t := a; t <= b; t++ {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}
