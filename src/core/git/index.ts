/** The git port: the only module in the project that runs git (lint enforces it). */
export { BlobReader, type GitObject } from './blobReader.js';
export { gitEnvironment } from './environment.js';
export { GitError, type GitErrorReason } from './errors.js';
export { Git, parseRemotes, type GitCallOptions, type GitRemote, type ListedBlob, type RefEntry, type RefListing } from './git.js';
export { parseCommit, parseTree, type CommitInfo, type TreeEntry, type TreeEntryKind } from './objects.js';
export { locateRepo, readRefFiles, type RepoLocation } from './refFiles.js';
export { ObjectStore, type BlobText, type ObjectStoreOptions } from './objectStore.js';
