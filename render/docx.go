package render

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
)

// Limits bound what a .docx may make the engine read and write, so that a
// hostile or broken file gets a clear error instead of exhausting memory.
type Limits struct {
	MaxEntries        int   // entries in the zip
	MaxPartBytes      int64 // uncompressed size of one XML part
	MaxTotalBytes     int64 // uncompressed size of all entries together
	MaxOutputBytes    int   // size of one rendered part
	MaxLoopIterations int   // iterations of all {% for %} loops in one render
	MaxValueBytes     int   // size of one printed value
}

// DefaultLimits returns limits generous for real official documents (a few
// hundred KiB) and small enough to stop zip bombs and runaway loops.
func DefaultLimits() Limits {
	return Limits{
		MaxEntries:        2000,
		MaxPartBytes:      64 << 20,
		MaxTotalBytes:     256 << 20,
		MaxOutputBytes:    64 << 20,
		MaxLoopIterations: 200_000,
		MaxValueBytes:     1 << 20,
	}
}

// ErrNotDocx is returned (wrapped) when the input is not a usable .docx.
var ErrNotDocx = errors.New("不是有效的 .docx 文件")

// docxFile is an opened .docx: its zip entries and their contents.
type docxFile struct {
	zr    *zip.Reader
	files map[string]*zip.File
	data  map[string]string // uncompressed content of the parts we read
	size  int               // size of the .docx in bytes
}

// openDocx opens a .docx held in memory, checking entry count and declared
// sizes before reading anything.
func openDocx(b []byte, lim Limits) (*docxFile, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("%w：无法作为 zip 读取（%v）", ErrNotDocx, err)
	}
	if len(zr.File) > lim.MaxEntries {
		return nil, fmt.Errorf("%w：包含 %d 个条目，超过上限 %d", ErrNotDocx, len(zr.File), lim.MaxEntries)
	}
	d := &docxFile{zr: zr, files: map[string]*zip.File{}, data: map[string]string{}, size: len(b)}
	var total uint64
	for _, f := range zr.File {
		if _, dup := d.files[f.Name]; dup {
			return nil, fmt.Errorf("%w：条目 %s 重复", ErrNotDocx, f.Name)
		}
		d.files[f.Name] = f
		total += f.UncompressedSize64
	}
	if total > uint64(lim.MaxTotalBytes) {
		return nil, fmt.Errorf("%w：解压后共 %d 字节，超过上限 %d（可能是 zip 炸弹）", ErrNotDocx, total, lim.MaxTotalBytes)
	}
	if _, ok := d.files["word/document.xml"]; !ok {
		return nil, fmt.Errorf("%w：缺少 word/document.xml", ErrNotDocx)
	}
	return d, nil
}

// read returns the uncompressed content of one entry, refusing to read more
// than the limit whatever the zip header declares.
func (d *docxFile) read(name string, lim Limits) (string, error) {
	if s, ok := d.data[name]; ok {
		return s, nil
	}
	f, ok := d.files[name]
	if !ok {
		return "", fmt.Errorf("%w：缺少 %s", ErrNotDocx, name)
	}
	rc, err := f.Open()
	if err != nil {
		return "", fmt.Errorf("%w：无法读取 %s（%v）", ErrNotDocx, name, err)
	}
	defer rc.Close()
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(rc, lim.MaxPartBytes+1))
	if err != nil {
		return "", fmt.Errorf("%w：无法解压 %s（%v）", ErrNotDocx, name, err)
	}
	if n > lim.MaxPartBytes {
		return "", fmt.Errorf("%w：%s 解压后超过 %d 字节", ErrNotDocx, name, lim.MaxPartBytes)
	}
	s := buf.String()
	d.data[name] = s
	return s, nil
}

// templateParts lists the parts that may hold template tags, in a stable
// order: the body, headers, footers, footnotes, endnotes, core properties.
func (d *docxFile) templateParts() []string {
	var out []string
	out = append(out, "word/document.xml")
	for _, f := range d.zr.File {
		n := f.Name
		if strings.HasPrefix(n, "word/header") && strings.HasSuffix(n, ".xml") ||
			strings.HasPrefix(n, "word/footer") && strings.HasSuffix(n, ".xml") {
			out = append(out, n)
		}
	}
	for _, n := range []string{"word/footnotes.xml", "word/endnotes.xml", "docProps/core.xml"} {
		if _, ok := d.files[n]; ok {
			out = append(out, n)
		}
	}
	return out
}

// zipPools reuse what writing a .docx needs per render: deflate
// compressors (BestSpeed: a .docx is small and rendering is the hot path)
// and copy buffers. One per Template, shared by its concurrent renders.
type zipPools struct {
	flate sync.Pool // *flate.Writer
	buf   sync.Pool // *[]byte
}

// pooledFlate returns a flate writer to its pool when closed.
type pooledFlate struct {
	*flate.Writer
	pool *sync.Pool
}

func (p *pooledFlate) Close() error {
	err := p.Writer.Close()
	p.pool.Put(p.Writer)
	return err
}

func (zp *zipPools) compressor(w io.Writer) (io.WriteCloser, error) {
	if fw, ok := zp.flate.Get().(*flate.Writer); ok {
		fw.Reset(w)
		return &pooledFlate{fw, &zp.flate}, nil
	}
	fw, err := flate.NewWriter(w, flate.BestSpeed)
	if err != nil {
		return nil, err
	}
	return &pooledFlate{fw, &zp.flate}, nil
}

// writeDocx writes a new .docx: every entry in the template's order,
// replaced ones with their new content, media with their new bytes (stored:
// images are compressed already), all others copied byte for byte (still
// compressed, untouched).
func writeDocx(d *docxFile, replaced map[string]string, media map[string][]byte, zp *zipPools) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(d.size)
	zw := zip.NewWriter(&out)
	zw.RegisterCompressor(zip.Deflate, zp.compressor)
	bp, _ := zp.buf.Get().(*[]byte)
	if bp == nil {
		b := make([]byte, 32<<10)
		bp = &b
	}
	defer zp.buf.Put(bp)
	for _, f := range d.zr.File {
		if m, ok := media[f.Name]; ok {
			h := f.FileHeader
			h.Method = zip.Store
			h.CompressedSize64, h.UncompressedSize64, h.CRC32 = 0, 0, 0
			h.Flags &^= 0x8
			w, err := zw.CreateHeader(&h)
			if err != nil {
				return nil, fmt.Errorf("render: write %s: %w", f.Name, err)
			}
			if _, err := w.Write(m); err != nil {
				return nil, fmt.Errorf("render: write %s: %w", f.Name, err)
			}
			continue
		}
		content, ok := replaced[f.Name]
		if !ok {
			// zip.Writer.Copy, with a reused buffer.
			h := f.FileHeader
			w, err := zw.CreateRaw(&h)
			if err != nil {
				return nil, fmt.Errorf("render: copy %s: %w", f.Name, err)
			}
			r, err := f.OpenRaw()
			if err != nil {
				return nil, fmt.Errorf("render: copy %s: %w", f.Name, err)
			}
			if _, err := io.CopyBuffer(w, r, *bp); err != nil {
				return nil, fmt.Errorf("render: copy %s: %w", f.Name, err)
			}
			continue
		}
		h := f.FileHeader
		h.Method = zip.Deflate
		h.CompressedSize64, h.UncompressedSize64, h.CRC32 = 0, 0, 0
		h.Flags &^= 0x8
		w, err := zw.CreateHeader(&h)
		if err != nil {
			return nil, fmt.Errorf("render: write %s: %w", f.Name, err)
		}
		if _, err := io.WriteString(w, content); err != nil {
			return nil, fmt.Errorf("render: write %s: %w", f.Name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("render: close zip: %w", err)
	}
	return out.Bytes(), nil
}
