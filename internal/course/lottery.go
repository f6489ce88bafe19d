package course

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strconv"
)

// Draw orders lottery tickets by SHA-256 of "seed:ticket" (seed in hex
// as published, ticket in decimal), smallest first, and gives the first
// capacity tickets a place (all of them when capacity is 0); the rest wait
// in that order. Anyone holding the published seed, the tickets and the
// capacity gets the same result: it depends on nothing else.
//
//	printf '%s' "SEED:17" | sha256sum   # the key of ticket 17
func Draw(seed string, tickets []int64, capacity int) (drawn, waiting []int64) {
	type entry struct {
		ticket int64
		key    [32]byte
	}
	es := make([]entry, len(tickets))
	for i, t := range tickets {
		es[i] = entry{t, TicketKey(seed, t)}
	}
	sort.Slice(es, func(i, j int) bool {
		if c := bytes.Compare(es[i].key[:], es[j].key[:]); c != 0 {
			return c < 0
		}
		return es[i].ticket < es[j].ticket
	})
	n := len(es)
	if capacity > 0 && capacity < n {
		n = capacity
	}
	for i, e := range es {
		if i < n {
			drawn = append(drawn, e.ticket)
		} else {
			waiting = append(waiting, e.ticket)
		}
	}
	return drawn, waiting
}

// TicketKey is the lottery key of one ticket.
func TicketKey(seed string, ticket int64) [32]byte {
	return sha256.Sum256([]byte(seed + ":" + strconv.FormatInt(ticket, 10)))
}

// SeedHash is what is published before the draw: SHA-256 of the seed's
// text, in hex.
func SeedHash(seed string) string {
	s := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(s[:])
}
