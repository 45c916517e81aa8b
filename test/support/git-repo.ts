// Running git in a repository a test made, with a fixed identity and no user or system configuration.

import { execFileSync } from "node:child_process";

/** A `git` bound to the repository folder `repo()` (read at each call, so it can be set in `beforeAll`). */
export function gitIn(repo: () => string): (...args: string[]) => string {
  return (...args) =>
    execFileSync("git", args, {
      cwd: repo(),
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@example.com",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@example.com",
        GIT_CONFIG_NOSYSTEM: "1",
        HOME: repo(),
      },
    }).toString();
}
