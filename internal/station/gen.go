package station

import (
	"context"
	"math/rand/v2"
	"strconv"

	"gonghui/internal/auth"
	"gonghui/internal/db"
	"gonghui/internal/errs"
)

// Generate adds n made-up stations spread over Beijing's built-up area
// for the benchmark: denser towards the centre, as real ones are, with
// random types, amenities and hours (some round the clock, some past
// midnight, some closed at weekends), kept by orgs in turn. Reproducible
// from seed. A thousand to a transaction.
func (s *Store) Generate(ctx context.Context, pr *auth.Principal, orgs []int64, n int, seed uint64) (int, error) {
	if len(orgs) == 0 {
		return 0, errs.Invalid("no_orgs", "station.org_not_writable")
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	hours := []string{"08:00-18:00", "24小时", "07:00-21:00", "09:00-12:00,13:30-17:30", "10:00-02:00", "06:00-22:00"}
	done := 0
	for done < n {
		batch := min(1000, n-done)
		err := s.DB.Tx(ctx, func(tx *db.Tx) error {
			for i := range batch {
				k := done + i
				// A point within ~35 km of Tiananmen, most within 12.
				r := 0.35 * rng.Float64() * rng.Float64()
				lat, lng := 39.9087+r*(rng.Float64()*2-1), 116.3975+r*1.3*(rng.Float64()*2-1)
				in := Input{OrgID: orgs[k%len(orgs)], Type: BuiltinTypes[rng.IntN(len(BuiltinTypes))], Name: "基准驿站" + strconv.Itoa(k+1),
					Address: "北京市测试路 " + strconv.Itoa(k+1) + " 号", Lat: &lat, Lng: &lng}
				for _, a := range Amenities {
					if rng.IntN(2) == 0 {
						in.Amenities = append(in.Amenities, a)
					}
				}
				h := hours[rng.IntN(len(hours))]
				for d := range 7 {
					*in.Hours.Day(d) = h
				}
				if rng.IntN(4) == 0 {
					in.Hours.Sat, in.Hours.Sun = "休息", "休息"
				}
				p, f := in.validate()
				if err := f.Err(); err != nil {
					return err
				}
				if err := s.insert(ctx, tx, pr, db.NewID(), p); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return done, err
		}
		done += batch
	}
	return done, nil
}
