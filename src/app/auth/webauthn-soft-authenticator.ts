// A software WebAuthn authenticator for tests: an ES256 key pair that answers registration and sign-in options
// with the bytes a real security key would send (fmt "none"), so the server verifies them for real.

import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/server";
import { isoCBOR } from "@simplewebauthn/server/helpers";

const FLAG_UP = 0x01;
const FLAG_AT = 0x40;

export interface SoftAuthenticatorOptions {
  readonly rpId: string;
  readonly origin: string;
}

/** What a test may bend in one response to see the server refuse it. */
export interface Tamper {
  readonly origin?: string;
  readonly challenge?: string;
  readonly rpId?: string;
  /** The signature counter to report (default: one more than the last). */
  readonly counter?: number;
}

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

function sha256(bytes: Uint8Array | string): Buffer {
  return createHash("sha256").update(bytes).digest();
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export class SoftAuthenticator {
  readonly credentialId: Buffer = randomBytes(32);
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  /** The last signature counter reported. */
  counter = 0;

  constructor(private readonly options: SoftAuthenticatorOptions) {
    const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  get id(): string {
    return b64url(this.credentialId);
  }

  /** The public key as a COSE_Key map (EC2, ES256, P-256), CBOR-encoded. */
  private coseKey(): Uint8Array {
    const jwk = this.publicKey.export({ format: "jwk" });
    const x = Buffer.from(jwk.x!, "base64url");
    const y = Buffer.from(jwk.y!, "base64url");
    return isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, new Uint8Array(x)],
        [-3, new Uint8Array(y)],
      ]),
    );
  }

  private clientData(type: string, challenge: string, t: Tamper): Buffer {
    const json = {
      type,
      challenge: t.challenge ?? challenge,
      origin: t.origin ?? this.options.origin,
      crossOrigin: false,
    };
    return Buffer.from(JSON.stringify(json), "utf8");
  }

  /** Answers navigator.credentials.create() options: a new credential with attestation "none". */
  register(options: { challenge: string }, t: Tamper = {}): RegistrationResponseJSON {
    const clientDataJSON = this.clientData("webauthn.create", options.challenge, t);
    this.counter = t.counter ?? 0;
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const authData = Buffer.concat([
      sha256(t.rpId ?? this.options.rpId),
      Buffer.from([FLAG_UP | FLAG_AT]),
      uint32(this.counter),
      Buffer.alloc(16), // AAGUID: all zeros for attestation "none"
      idLength,
      this.credentialId,
      Buffer.from(this.coseKey()),
    ]);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Uint8Array | Map<string, string>>([
        ["fmt", "none"],
        ["attStmt", new Map<string, string>()],
        ["authData", new Uint8Array(authData)],
      ]),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(attestationObject),
        transports: ["usb"],
      },
    };
  }

  /** Answers navigator.credentials.get() options: an assertion signed with the credential's key. */
  authenticate(options: { challenge: string }, t: Tamper = {}): AuthenticationResponseJSON {
    const clientDataJSON = this.clientData("webauthn.get", options.challenge, t);
    this.counter = t.counter ?? this.counter + 1;
    const authData = Buffer.concat([
      sha256(t.rpId ?? this.options.rpId),
      Buffer.from([FLAG_UP]),
      uint32(this.counter),
    ]);
    const signature = sign("sha256", Buffer.concat([authData, sha256(clientDataJSON)]), this.privateKey);
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
      },
    };
  }
}
