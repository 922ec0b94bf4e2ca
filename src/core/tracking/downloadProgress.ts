/**
 * What a download's progress notification says, and how far its bar moves: VS Code's progress
 * takes increments in percent, so the host keeps the last percentage and reports the difference.
 */
import { formatBytes } from '../format.js';
import type { DownloadProgress } from './artifactDownload.js';

export interface ProgressStep {
  /** "12 MB of 40 MB · 2 of 5 files" */
  readonly message: string;
  /** 0–100, never backwards (a retried file counts its bytes again from zero). */
  readonly percent: number;
}

export function downloadProgressStep(progress: DownloadProgress, previousPercent: number): ProgressStep {
  const files = progress.totalFiles > 1 ? ` · ${progress.filesDone} of ${progress.totalFiles} files` : '';
  const known = progress.totalBytes > 0;
  const message = known ? `${formatBytes(Math.min(progress.bytes, progress.totalBytes))} of ${formatBytes(progress.totalBytes)}${files}` : `${formatBytes(progress.bytes)}${files}`;
  const fraction = known ? progress.bytes / progress.totalBytes : progress.totalFiles > 0 ? progress.filesDone / progress.totalFiles : 0;
  const percent = Math.max(previousPercent, Math.min(100, Math.floor(fraction * 100)));
  return { message, percent };
}
