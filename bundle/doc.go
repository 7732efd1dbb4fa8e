// Package bundle packs archived documents into evaluator bundles and checks
// them: a BagIt bag (RFC 8493, version 1.0) serialised as one zip file.
//
// A bundle holds, in data/, every version of every selected document, named
// 发文字号-标题.docx (older versions with a -v<n> suffix); manifest-sha256.txt
// with the SHA-256 of each; bag-info.txt (Source-Organization, Bagging-Date,
// Payload-Oxum, External-Description with the search query, Bag-Count, …);
// metadata.json and metadata.csv describing the documents with the element
// names of DA/T 46-2009 (文书类电子文件元数据方案); and
// tagmanifest-sha256.txt over all of those, so that the metadata is as
// verifiable as the documents. Everything sits under one base directory in
// the zip, as BagIt serialisations do.
//
// Three steps, each usable on its own:
//
//   - Select takes the ids a search returned and adds the documents they
//     answer (archive.Record.RespondsTo) and the documents that answer them,
//     so a 监督通知书 travels with its 整改情况报告. A caller-supplied filter
//     decides what may be exported (access control stays with the caller).
//   - Write streams the bag as a zip to any io.Writer, reading one stored
//     version at a time, and returns what an audit event needs: counts,
//     bytes and the SHA-256 of the bag.
//   - Verify checks a bag from an io.ReaderAt: completeness (every file
//     listed is present, nothing present is unlisted), every digest, the
//     Payload-Oxum and the tag-file formats; each problem names its file.
package bundle
