// Signing in: password, then a TOTP or recovery code when asked; first-time enrolment of TOTP with a QR code.

import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { Navigate, useLocation, useNavigate } from "react-router";
import { api, setCsrfToken, type ApiError } from "../api/client.js";
import type { LoginAnswer, Me } from "../api/types.js";
import { toApiError } from "../api/use-api.js";
import { QrCode } from "../components/qr-code.js";
import { ErrorBox, Loading } from "../components/states.js";
import { useSession } from "../session.js";

type Step = "password" | "second-factor" | "enroll" | "recovery-codes";

function Field(props: {
  id: string;
  label: string;
  type?: string;
  value: string;
  onChange: (v: string) => void;
  autoComplete: string;
  inputMode?: "numeric";
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.id}
        type={props.type ?? "text"}
        value={props.value}
        autoComplete={props.autoComplete}
        inputMode={props.inputMode}
        required
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}

function Card({ title, children }: { title: string; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Rampart`;
  }, [title]);
  return (
    <main className="login" id="main">
      <div className="login-card">
        <p className="brand">Rampart</p>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

/** TOTP enrolment: a new secret as a QR code, then its first code; the server answers with recovery codes. */
function Enroll({ onDone }: { onDone: (codes: string[]) => void }) {
  const [secret, setSecret] = useState<{ secret: string; otpauthUri: string }>();
  const [code, setCode] = useState("");
  const [error, setError] = useState<ApiError>();
  useEffect(() => {
    api
      .post<{ secret: string; otpauthUri: string }>("/auth/mfa/enroll")
      .then(setSecret, (e) => setError(toApiError(e)));
  }, []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      onDone(
        (await api.post<{ recoveryCodes: string[] }>("/auth/mfa/confirm", { code: code.trim() }))
          .recoveryCodes,
      );
    } catch (err) {
      setError(toApiError(err));
    }
  };
  if (!secret) return error ? <ErrorBox error={error} /> : <Loading label="Creating your secret…" />;
  return (
    <form onSubmit={submit}>
      <p>Your role signs in with a second factor. Scan this code with an authenticator app:</p>
      <QrCode text={secret.otpauthUri} label="QR code of your authenticator secret" />
      <p className="muted">
        Or type the secret: <code className="secret">{secret.secret}</code>
      </p>
      <Field
        id="code"
        label="Code from the app"
        value={code}
        onChange={setCode}
        autoComplete="one-time-code"
        inputMode="numeric"
      />
      {error && <ErrorBox error={error} />}
      <button type="submit" className="primary">
        Confirm
      </button>
    </form>
  );
}

function RecoveryCodes({ codes, onContinue }: { codes: string[]; onContinue: () => void }) {
  return (
    <div>
      <p>
        Keep these recovery codes somewhere safe. Each works once instead of a code; they are not shown again.
      </p>
      <ul className="recovery-codes" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <button type="button" className="primary" onClick={onContinue}>
        I have saved them, continue
      </button>
    </div>
  );
}

export default function Login() {
  const { me, signedIn } = useSession();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from ?? "/";
  const [step, setStep] = useState<Step>("password");
  const [form, setForm] = useState({ username: "", password: "", code: "" });
  const [useRecovery, setUseRecovery] = useState(false);
  const [codes, setCodes] = useState<string[]>([]);
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (v: string) => setForm((f) => ({ ...f, [k]: v }));

  // A reload in the middle of enrolment comes back here with a half-signed-in session.
  useEffect(() => {
    if (me?.stage === "password" && step === "password") setStep("enroll");
  }, [me, step]);
  if (me && me.stage !== "password" && step !== "recovery-codes") return <Navigate to={from} replace />;

  const finish = async () => {
    signedIn(await api.get<Me>("/auth/me"));
    navigate(from, { replace: true });
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const second =
      step === "second-factor" ? { [useRecovery ? "recoveryCode" : "totp"]: form.code.trim() } : {};
    try {
      const answer = await api.post<LoginAnswer>("/auth/login", {
        username: form.username,
        password: form.password,
        ...second,
      });
      setCsrfToken(answer.csrfToken);
      if (answer.next === "enroll-mfa") setStep("enroll");
      else await finish();
    } catch (err) {
      const apiError = toApiError(err);
      if (apiError.code === "mfa-required") setStep("second-factor");
      else setError(apiError);
    } finally {
      setBusy(false);
    }
  };

  if (step === "enroll")
    return (
      <Card title="Set up your authenticator">
        <Enroll
          onDone={(c) => {
            setCodes(c);
            setStep("recovery-codes");
          }}
        />
      </Card>
    );
  if (step === "recovery-codes")
    return (
      <Card title="Your recovery codes">
        <RecoveryCodes codes={codes} onContinue={() => void finish().catch((e) => setError(toApiError(e)))} />
        {error && <ErrorBox error={error} />}
      </Card>
    );
  return (
    <Card title="Sign in">
      <form onSubmit={submit}>
        {step === "password" ? (
          <>
            <Field
              id="username"
              label="Username"
              value={form.username}
              onChange={set("username")}
              autoComplete="username"
            />
            <Field
              id="password"
              label="Password"
              type="password"
              value={form.password}
              onChange={set("password")}
              autoComplete="current-password"
            />
          </>
        ) : (
          <>
            <Field
              id="code"
              label={useRecovery ? "Recovery code" : "Code from your authenticator app"}
              value={form.code}
              onChange={set("code")}
              autoComplete="one-time-code"
              {...(!useRecovery && { inputMode: "numeric" as const })}
            />
            <button type="button" className="link" onClick={() => setUseRecovery((r) => !r)}>
              {useRecovery ? "Use a code from the app instead" : "Use a recovery code instead"}
            </button>
          </>
        )}
        {error && <ErrorBox error={error} />}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Signing in…" : step === "password" ? "Sign in" : "Verify"}
        </button>
      </form>
    </Card>
  );
}
