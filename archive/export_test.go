package archive

// NamedTemporariesOnly makes s write through named temporary files, as it
// does where the file system takes no O_TMPFILE files.
func NamedTemporariesOnly(s *FileStore) { s.unnamed = false }

// FileLockDir is the store's folder of key locks.
const FileLockDir = fileLockDir
