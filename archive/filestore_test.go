package archive_test

import (
	"testing"

	"github.com/gongwen/gongwen/archive"
	"github.com/gongwen/gongwen/archive/storetest"
)

func TestFileStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) archive.Store {
		s, err := archive.OpenFileStore(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
