// Uploaded files as the page shows them: images (PNG charts) inline, anything else as a download.
// Only raster images are served as images; everything else (SVG and HTML included) is served as
// an attachment, so an uploaded file cannot run script on the page's origin.

const IMAGE_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
};
const TEXT_TYPES = new Set(["txt", "log", "json", "yaml", "yml", "csv", "md"]);

export function mimeTypeOf(name: string): string {
  const ext = name.toLowerCase().split(".").at(-1) ?? "";
  if (ext in IMAGE_TYPES) return IMAGE_TYPES[ext] ?? "application/octet-stream";
  if (TEXT_TYPES.has(ext)) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

export const isInlineImage = (mimetype: string): boolean => mimetype.startsWith("image/");

/** The page's URL of a file (the name is only there for the browser's download name). */
export const fileUrl = (id: string, name: string): string => `/ui/files/${id}/${encodeURIComponent(name)}`;
