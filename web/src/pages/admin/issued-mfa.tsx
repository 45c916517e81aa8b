// A second factor shown once: the otpauth URI as a QR code and the recovery codes, after creating or resetting.

import { QrCode } from "../../components/qr-code.js";

export function IssuedMfa(props: {
  username: string;
  otpauthUri?: string;
  recoveryCodes?: string[];
  onClose: () => void;
}) {
  return (
    <div className="admin-notice" role="status">
      <p>
        <strong>{props.username}</strong>: hand these over now, they are shown only once.
      </p>
      {props.otpauthUri ? (
        <>
          <QrCode text={props.otpauthUri} label={`Authenticator QR code for ${props.username}`} />
          <p className="secret">
            <code>{props.otpauthUri}</code>
          </p>
        </>
      ) : (
        <p className="muted">This role does not need a second factor.</p>
      )}
      {props.recoveryCodes && props.recoveryCodes.length > 0 && (
        <>
          <h3>Recovery codes</h3>
          <ol className="recovery-codes">
            {props.recoveryCodes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ol>
        </>
      )}
      <button type="button" onClick={props.onClose}>
        Done
      </button>
    </div>
  );
}
