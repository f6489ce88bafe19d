package site

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// stationJPEG is a small photo of a station.
func stationJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(60 + x%120), uint8(100 + y%100), 160, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestStationPagesMore: a station's photos from its staff page (a file
// that is not a picture refused on its field, nothing kept; the public
// page shows the rest as lazy thumbs linking to the larger copy); its
// counts; the list sorted by visits in 30 days; the form's exception
// dates past the six rows it used to have, "more rows" without script,
// a bad date on a late row refused on that row.
func TestStationPagesMore(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		s, store := stationSite(t, d)
		officer := s.login("dashilan", "")
		west := s.login("xichang", "")
		a := officer.post("/stations/new", stationForm(id(s.east)), "/stations/new")
		m := stationPathRE.FindStringSubmatch(a.location)
		if m == nil {
			t.Fatalf("create: %d %s", a.status, a.location)
		}
		show := "/stations/" + m[1]
		st, err := store.Get(context.Background(), signupGrant(s), mustID(t, m[1]))
		if err != nil {
			t.Fatal(err)
		}

		// Photos.
		a = officer.get(show)
		wantBody(t, "show", a, "还没有照片。", `enctype="multipart/form-data"`, "还可添加 6 张", "到访与领取", "近 30 天", "各项服务领取次数", "免费饮水")
		wantNoKeys(t, "show", a, keyRE("sweb|station"), rawKeyRE)
		a = officer.upload(show+"/photos", nil, "photo", "x.gif", []byte("GIF89a not a photo"), show)
		wantStatus(t, "not a photo", a, 422)
		wantBody(t, "not a photo", a, "照片须为 JPEG、PNG 或 WebP 图片。", `aria-invalid="true"`)
		if ps, _ := store.Photos(context.Background(), signupGrant(s), st.ID); len(ps) != 0 {
			t.Fatalf("%d photos kept from a refused upload", len(ps))
		}
		wantStatus(t, "a stranger's upload", west.upload(show+"/photos", nil, "photo", "a.jpg", stationJPEG(t, 40, 30), "/stations"), 404)
		a = officer.upload(show+"/photos", nil, "photo", "a.jpg", stationJPEG(t, 400, 300), show)
		wantStatus(t, "upload", a, 303)
		a = officer.get(show)
		wantBody(t, "show with a photo", a, `loading="lazy"`, "前门大街暖心驿站 第 1 张照片", "还可添加 5 张")
		public := s.client("")
		a = public.get("/s/" + st.Code)
		wantBody(t, "public page", a, `class="station-photo"`, `loading="lazy"`, "?size=thumb", "点按照片查看大图。")
		wantNoKeys(t, "public page", a, keyRE("sweb|station"), rawKeyRE)
		thumb := photoRE.FindStringSubmatch(a.body)
		if thumb == nil {
			t.Fatalf("no photo on the public page: %s", a.body)
		}
		img := public.get(thumb[1] + "?size=thumb")
		wantStatus(t, "thumb", img, 200)
		if !strings.HasPrefix(img.body, "\xff\xd8\xff") || strings.Contains(img.body, "Exif") {
			t.Fatalf("the thumb is not a clean JPEG")
		}
		wantStatus(t, "bad size", public.get(thumb[1]+"?size=huge"), 422)

		// Counts and the list by visits.
		if _, err := store.VisitAnonymous(context.Background(), st.Code, "device0123456789abcdef"); err != nil {
			t.Fatal(err)
		}
		a = officer.get("/stations?sort=-visits")
		wantStatus(t, "by visits", a, 200)
		wantBody(t, "by visits", a, "近 30 天到访", `aria-sort="descending"`)
		a = officer.get(show)
		wantBody(t, "counts", a, "<strong>1</strong>")

		// Exception dates: ten rows sent, kept in order.
		edit := show + "/edit"
		a = officer.get(edit)
		wantBody(t, "edit", a, `name="exceptions.2.date"`, "再加几行", `data-exception-row`)
		if strings.Contains(a.body, `name="exceptions.3.date"`) {
			t.Fatal("a station with no exceptions shows more than three blank rows")
		}
		form := stationForm(id(s.east))
		form.Set("version", strconv.Itoa(st.Version))
		for i := range 10 {
			form.Set("exceptions."+strconv.Itoa(i)+".date", "2026-10-"+twoDigits(i+1))
			form.Set("exceptions."+strconv.Itoa(i)+".hours", "")
		}
		more := url.Values{}
		for k, v := range form {
			more[k] = v
		}
		more.Set("more_rows", "1")
		a = officer.post(edit, more, edit)
		wantStatus(t, "more rows", a, 200)
		wantBody(t, "more rows", a, `name="exceptions.12.date"`, `value="2026-10-10"`)
		if got, _ := store.Get(context.Background(), signupGrant(s), st.ID); len(got.Hours.Exceptions) != 0 {
			t.Fatal("more rows saved the form")
		}
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("exceptions.8.date", "2026-02-30")
		a = officer.post(edit, bad, edit)
		wantStatus(t, "a bad late date", a, 422)
		wantBody(t, "a bad late date", a, `id="f-exceptions-8-date"`)
		if !strings.Contains(a.body[strings.Index(a.body, `id="f-exceptions-8-date"`):], `aria-invalid="true"`) {
			t.Fatal("the bad date's row is not marked")
		}
		a = officer.post(edit, form, edit)
		wantStatus(t, "ten exceptions", a, 303)
		got, err := store.Get(context.Background(), signupGrant(s), st.ID)
		if err != nil || len(got.Hours.Exceptions) != 10 {
			t.Fatalf("kept %+v %v", got, err)
		}
		a = officer.get(edit)
		wantBody(t, "edit with ten", a, `name="exceptions.12.date"`, `value="2026-10-10"`)
	})
}

var photoRE = regexp.MustCompile(`<a class="station-photo" href="(/s/\d+/photos/\d+)"`)

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
