// The list of common and breached passwords new passwords are checked against (NIST SP 800-63B 3.1.1.2).
// It is zxcvbn-ts's "passwords-common" dictionary (@zxcvbn-ts/language-common, MIT): about 49,000 passwords
// ranked by frequency in public breach corpora, all lowercase. Loaded on first use: decompressing it takes
// ~150 ms, which commands that never check a password should not pay.

let loading: Promise<ReadonlySet<string>> | undefined;

export function commonPasswords(): Promise<ReadonlySet<string>> {
  loading ??= import("@zxcvbn-ts/language-common").then(
    (m) => new Set(m.dictionary["passwords-common"]) as ReadonlySet<string>,
  );
  return loading;
}
