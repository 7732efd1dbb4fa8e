package search

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// TestRestriction checks that a user's restriction removes other offices'
// documents, classified documents and documents outside the date range from
// the hits and from the facets, without changing the order of what remains.
func TestRestriction(t *testing.T) {
	ctx := context.Background()
	x, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	var docs []Doc
	for i := 1; i <= 30; i++ {
		d := Doc{
			ID: fmt.Sprintf("d%02d", i), Wenhao: fmt.Sprintf("乌司发〔2025〕%d号", i), Daizi: "乌司发", Year: 2025, Seq: i,
			WenZhong: "通知", Category: "监督通知书", Issuer: "乌鲁木齐市司法局", Status: "issued",
			Org: []string{"wlmq", "klmy", ""}[i%3], Unit: []string{"市场监管局", "交通局"}[i%2],
			Date:  time.Date(2025, time.Month(1+i%12), 1, 0, 0, 0, 0, time.UTC),
			Title: "关于案卷评查的通知", Text: fmt.Sprintf("案卷评查%s", string(make([]rune, i%5))),
		}
		if i%10 == 0 {
			d.Secrecy = "秘密"
		}
		docs = append(docs, d)
	}
	if err := x.PutBatch(ctx, docs); err != nil {
		t.Fatal(err)
	}
	all, err := x.Search(ctx, Request{Query: "案卷评查", Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total != 30 {
		t.Fatalf("unrestricted: %d hits, want 30", all.Total)
	}
	w := &Restriction{Orgs: []string{"wlmq"}, Secrecy: []string{""}}
	got, err := x.Search(ctx, Request{Query: "案卷评查", Size: 100, Within: w})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, h := range all.Hits {
		var d Doc
		for _, dd := range docs {
			if dd.ID == h.ID {
				d = dd
			}
		}
		if d.Org == "wlmq" && d.Secrecy == "" {
			want = append(want, h.ID)
		}
	}
	var ids []string
	for _, h := range got.Hits {
		ids = append(ids, h.ID)
	}
	if !reflect.DeepEqual(ids, want) {
		t.Errorf("restricted hits %v, want %v (same order as unrestricted)", ids, want)
	}
	if got.Total != uint64(len(want)) {
		t.Errorf("total %d, want %d", got.Total, len(want))
	}
	var facetSum int
	for _, f := range got.Facets["被监督单位"] {
		facetSum += f.Count
	}
	if facetSum != len(want) {
		t.Errorf("facets count %d documents, want %d: a facet must not reveal hidden documents", facetSum, len(want))
	}

	// No office at all admitted: nothing.
	none, err := x.Search(ctx, Request{Query: "案卷评查", Within: &Restriction{Orgs: []string{}}})
	if err != nil {
		t.Fatal(err)
	}
	if none.Total != 0 {
		t.Errorf("empty Orgs admitted %d documents", none.Total)
	}
	// A date range and a unit: inclusive of both ends.
	r, err := x.Search(ctx, Request{Query: "案卷评查", Size: 100, Within: &Restriction{
		Units: []string{"交通局"}, From: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range docs {
		if d.Unit == "交通局" && (d.Date.Month() == 3 || d.Date.Month() == 4) {
			n++
		}
	}
	if r.Total != uint64(n) || n == 0 {
		t.Errorf("unit and dates: %d hits, want %d", r.Total, n)
	}
}

// TestRespondsToFilter checks that 答复: finds the documents answering one.
func TestRespondsToFilter(t *testing.T) {
	ctx := context.Background()
	x, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	x.Put(ctx, Doc{ID: "n1", Title: "通知", Text: "限期整改"})
	x.Put(ctx, Doc{ID: "r1", Title: "整改情况报告", Text: "已整改", RespondsTo: "20260305-3f2a9c0d1e4b"})
	x.Put(ctx, Doc{ID: "r2", Title: "整改情况报告", Text: "已整改", RespondsTo: "20260305-000000000000"})
	res, err := x.Search(ctx, Request{Query: "答复:20260305-3f2a9c0d1e4b"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Hits[0].ID != "r1" {
		t.Fatalf("答复: found %d, %+v", res.Total, res.Hits)
	}
}
