package search

import (
	"context"
	"fmt"
	"math/rand"
	"time"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/doctext"
)

// DocOf is the index entry of an archived document: its record's metadata
// and the text of its latest version.
func DocOf(r *archive.Record, text string) Doc {
	d := Doc{
		ID: r.ID, Wenhao: r.Wenhao, Daizi: r.Daizi, Year: r.Year, Seq: r.Seq,
		WenZhong: r.WenZhong, Category: r.Category, Issuer: r.Issuer, Unit: r.SupervisedUnit,
		Status: r.Status, Title: r.Title, Text: text, Org: r.Org, Secrecy: r.Secrecy, RespondsTo: r.RespondsTo,
	}
	if t, err := time.Parse("2006-01-02", r.Date); err == nil {
		d.Date = t
	}
	if r.Filing != nil {
		d.Retention = r.Filing.Retention
	}
	return d
}

// docFromStore reads a record's latest version and builds its entry.
func docFromStore(ctx context.Context, docs *archive.Documents, r *archive.Record) (Doc, error) {
	content, err := docs.GetVersion(ctx, r, r.Latest().N)
	if err != nil {
		return Doc{}, err
	}
	return docOfContent(r, content)
}

// docOfContent builds the entry of a record from the content of its latest
// version, a .docx or an imported .txt.
func docOfContent(r *archive.Record, content []byte) (Doc, error) {
	text, err := doctext.Text(r.Latest().FileFormat(), content)
	if err != nil {
		return Doc{}, fmt.Errorf("search: text of %s: %w", r.Label(), err)
	}
	return DocOf(r, text), nil
}

// IndexRecord (re)indexes one archived document; the archive calls it
// when a document is issued or changed.
func (x *Index) IndexRecord(ctx context.Context, store archive.Store, r *archive.Record) error {
	d, err := docFromStore(ctx, archive.NewDocuments(store), r)
	if err != nil {
		return err
	}
	return x.Put(ctx, d)
}

// Rebuild indexes every document of the store into x (a new, empty index:
// reindex builds beside the old one and swaps). progress is called as
// records are done.
func Rebuild(ctx context.Context, store archive.Store, x *Index, progress func(done, total int)) (int, error) {
	docs := archive.NewDocuments(store)
	recs, err := allRecords(ctx, docs)
	if err != nil {
		return 0, err
	}
	batch := make([]Doc, 0, 200)
	for i, r := range recs {
		d, err := docFromStore(ctx, docs, r)
		if err != nil {
			return i, err
		}
		batch = append(batch, d)
		if len(batch) == cap(batch) || i == len(recs)-1 {
			if err := x.PutBatch(ctx, batch); err != nil {
				return i, err
			}
			batch = batch[:0]
		}
		if progress != nil {
			progress(i+1, len(recs))
		}
	}
	return len(recs), nil
}

// CheckReport says how the index compared with the store at start-up.
type CheckReport struct {
	StoreRecords int // documents in the store
	Indexed      int // documents in the index before the check
	Added        int // documents indexed by the check
	Full         bool
}

// Check compares the index with the store — the counts and a sample of
// documents — and, when they disagree, indexes every document the index
// lacks. The index is derived: the store is always right.
func Check(ctx context.Context, store archive.Store, x *Index) (*CheckReport, error) {
	docs := archive.NewDocuments(store)
	recs, err := allRecords(ctx, docs)
	if err != nil {
		return nil, err
	}
	n, err := x.Count()
	if err != nil {
		return nil, err
	}
	rep := &CheckReport{StoreRecords: len(recs), Indexed: int(n)}
	sample := recs
	if len(sample) > 50 {
		rng := rand.New(rand.NewSource(time.Now().UnixNano()))
		sample = make([]*archive.Record, 50)
		for i := range sample {
			sample[i] = recs[rng.Intn(len(recs))]
		}
	}
	ok := int(n) == len(recs)
	for _, r := range sample {
		if !ok {
			break
		}
		has, err := x.Has(r.ID)
		if err != nil {
			return nil, err
		}
		ok = has
	}
	if ok {
		return rep, nil
	}
	rep.Full = true
	// In batches: after an index was lost or set aside, this is a rebuild.
	batch := make([]Doc, 0, 200)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := x.PutBatch(ctx, batch); err != nil {
			return err
		}
		rep.Added += len(batch)
		batch = batch[:0]
		return nil
	}
	for _, r := range recs {
		has, err := x.Has(r.ID)
		if err != nil {
			return nil, err
		}
		if has {
			continue
		}
		d, err := docFromStore(ctx, docs, r)
		if err != nil {
			return nil, err
		}
		if batch = append(batch, d); len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return rep, nil
}

// PutIssued indexes a document just issued or imported, from its record
// and the content of its latest version (no read from the store):
// issuing.Issuer's OnIssued and the importer's OnImported.
func (x *Index) PutIssued(ctx context.Context, r *archive.Record, content []byte) error {
	d, err := docOfContent(r, content)
	if err != nil {
		return err
	}
	return x.Put(ctx, d)
}

// allRecords reads every document record of the store.
func allRecords(ctx context.Context, docs *archive.Documents) ([]*archive.Record, error) {
	var recs []*archive.Record
	err := docs.ListRecords(ctx, func(r *archive.Record) error {
		recs = append(recs, r)
		return nil
	})
	return recs, err
}
