package station

import (
	"math"
	"testing"
)

// The reference points published with eviltransform (the transform's
// best-known implementation): WGS-84 in, GCJ-02 out.
var gcjReference = []struct{ wgs, gcj Point }{
	{Point{31.1774276, 121.5272106}, Point{31.17530398364597, 121.531541859215}}, // Shanghai
	{Point{22.543847, 113.912316}, Point{22.540796131694766, 113.9171764808363}}, // Shenzhen
	{Point{39.911954, 116.377817}, Point{39.91334545536069, 116.38404722455657}}, // Beijing
}

func TestGCJ02AgainstReferencePoints(t *testing.T) {
	for _, c := range gcjReference {
		g := ToGCJ02(c.wgs)
		if math.Abs(g.Lat-c.gcj.Lat) > 1e-9 || math.Abs(g.Lng-c.gcj.Lng) > 1e-9 {
			t.Errorf("ToGCJ02(%v) = %v, want %v", c.wgs, g, c.gcj)
		}
		w := ToWGS84(c.gcj)
		if d := Distance(w, c.wgs); d > 0.01 {
			t.Errorf("ToWGS84(%v) = %v, %.4f m from %v", c.gcj, w, d, c.wgs)
		}
	}
	// Outside China the systems agree.
	tokyo := Point{35.681236, 139.767125}
	if ToGCJ02(tokyo) != tokyo || ToWGS84(tokyo) != tokyo {
		t.Error("Tokyo moved")
	}
}

// The inverse holds over the whole of Beijing, not just at three points.
func TestGCJ02InverseOverBeijing(t *testing.T) {
	for lat := 39.40; lat <= 41.10; lat += 0.05 {
		for lng := 115.40; lng <= 117.50; lng += 0.05 {
			p := Point{lat, lng}
			if d := Distance(ToWGS84(ToGCJ02(p)), p); d > 0.01 {
				t.Fatalf("round trip at %v is %.4f m off", p, d)
			}
		}
	}
}

func TestDistanceAndWalk(t *testing.T) {
	// Shanghai to Beijing (the GCJ reference points): eviltransform
	// publishes 1,078,164 m on a sphere of the equatorial radius; this
	// takes the mean radius.
	if d := Distance(gcjReference[0].gcj, gcjReference[2].gcj) * 6378137 / earthRadius; math.Abs(d-1078164) > 2 {
		t.Errorf("distance %.0f", d)
	}
	if WalkMetres(1000) != 1300 || WalkMinutes(1000) != 18 || WalkMinutes(1) != 1 {
		t.Errorf("walk %d m %d min", WalkMetres(1000), WalkMinutes(1000))
	}
}

func TestParseCoord(t *testing.T) {
	for in, want := range map[string]float64{"39.9087": 39.9087, " 116.397° ": 116.397, "39。9": 39.9, "-0.5": -0.5} {
		if v, ok := ParseCoord(in); !ok || v != want {
			t.Errorf("ParseCoord(%q) = %v %v", in, v, ok)
		}
	}
	for _, in := range []string{"", "abc", "NaN", "1e400", "39.9N", "Inf", "1,5"} {
		if _, ok := ParseCoord(in); ok {
			t.Errorf("ParseCoord(%q) accepted", in)
		}
	}
}
