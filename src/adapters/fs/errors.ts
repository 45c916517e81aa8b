// File-system errors in words a user understands, without the errno noise.

export function describeFsError(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case "ENOENT":
      return "no such file or folder";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOTDIR":
      return "a part of the path is not a folder";
    case "EISDIR":
      return "it is a folder";
    case "EEXIST":
      return "it already exists";
    default:
      return e.message;
  }
}
