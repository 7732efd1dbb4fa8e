package archive

// NamedTemporariesOnly makes s write through named temporary files, as it
// does where the file system takes no O_TMPFILE files.
func NamedTemporariesOnly(s *FileStore) { s.unnamed = false }

// WritesUnnamed reports whether s writes new files without a name first.
func WritesUnnamed(s *FileStore) bool { return s.unnamed }

// FileLockDir is the store's folder of key locks.
const FileLockDir = fileLockDir
