package render

import (
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"
)

// mediaDir is where a .docx keeps its images.
const mediaDir = "word/media/"

// imageMagic gives, per file extension, the bytes an image of that format
// starts with.
var imageMagic = map[string][][]byte{
	".png":  {[]byte("\x89PNG\r\n\x1a\n")},
	".jpg":  {[]byte("\xff\xd8\xff")},
	".jpeg": {[]byte("\xff\xd8\xff")},
	".gif":  {[]byte("GIF87a"), []byte("GIF89a")},
	".bmp":  {[]byte("BM")},
	".tif":  {[]byte("II*\x00"), []byte("MM\x00*")},
	".tiff": {[]byte("II*\x00"), []byte("MM\x00*")},
}

// MediaParts returns the names of the images the template holds (its parts
// under word/media/), sorted: the names Options.Media may replace.
func (t *Template) MediaParts() []string {
	var out []string
	for name := range t.docx.files {
		if strings.HasPrefix(name, mediaDir) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// checkMedia checks the replacements of a render before anything is
// rendered: each names an image of the template and holds an image of the
// same format, within the part size limit.
func (t *Template) checkMedia(media map[string][]byte) error {
	names := make([]string, 0, len(media))
	for name := range media {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		b := media[name]
		if _, ok := t.docx.files[name]; !ok || !strings.HasPrefix(name, mediaDir) {
			have := t.MediaParts()
			if len(have) == 0 {
				return fmt.Errorf("无法替换图片 %s：模板中没有图片", name)
			}
			return fmt.Errorf("无法替换图片 %s：模板中没有这个图片（模板中的图片：%s）", name, strings.Join(have, "、"))
		}
		ext := strings.ToLower(path.Ext(name))
		magic, ok := imageMagic[ext]
		if !ok {
			return fmt.Errorf("无法替换图片 %s：不支持替换 %s 格式（支持 png、jpg、gif、bmp、tif）", name, ext)
		}
		if int64(len(b)) > t.limits.MaxPartBytes {
			return fmt.Errorf("无法替换图片 %s：新图片 %d 字节，超过上限 %d", name, len(b), t.limits.MaxPartBytes)
		}
		match := false
		for _, m := range magic {
			match = match || bytes.HasPrefix(b, m)
		}
		if !match {
			return fmt.Errorf("无法替换图片 %s：新内容不是 %s 格式的图片", name, strings.TrimPrefix(ext, "."))
		}
	}
	return nil
}
