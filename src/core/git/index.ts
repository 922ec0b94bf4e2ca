/** The git port: the only module in the project that runs git (lint enforces it). */
export { BlobReader, type GitObject } from './blobReader.js';
export { gitEnvironment } from './environment.js';
export { GitError, type GitErrorReason } from './errors.js';
export { Git, type GitCallOptions, type TreeEntry } from './git.js';
