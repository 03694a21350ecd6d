#!/usr/bin/env bash
# `make run`: development keys on first run, migrations, roles, demo data once, then serve.
set -euo pipefail
cd "$(dirname "$0")/.."
# wkhtmltopdf renders the wallet card as PDF (Debian package; apt-get when missing).
scripts/system-deps.sh ${RUN_DEBS:-wkhtmltopdf}
mkdir -p instance
DEV_ENV=instance/dev.env
if [ ! -f "$DEV_ENV" ]; then
  umask 077
  key() { .venv/bin/python -c 'import base64,os;print(base64.b64encode(os.urandom(32)).decode())'; }
  {
    echo "# Development secrets made by 'make run' on $(date -I). Never use them in production."
    echo "SECRET_KEY=$(.venv/bin/python -c 'import secrets;print(secrets.token_urlsafe(48))')"
    echo "HULPREGIE_FIELD_KEYS=dev1:$(key)"
    echo "HULPREGIE_INDEX_KEY=$(key)"
    echo "# The demo logins are printed on screen; two-step login stays off for them here."
    echo "# Production requires it for Admin and PrivacyOfficer (the default)."
    echo "HULPREGIE_2FA_REQUIRED_ROLES=none"
  } > "$DEV_ENV"
  echo "Made development keys in $DEV_ENV"
fi
# The access log's checkpoint signing key (a PEM file apart from the database); also added to a
# development file made before it existed.
if ! grep -q '^HULPREGIE_AUDIT_SIGNING_KEY=' "$DEV_ENV"; then
  umask 077
  AUDIT_KEY=instance/dev-audit-signing.pem
  .venv/bin/python - "$AUDIT_KEY" <<'PY'
import sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
key = Ed25519PrivateKey.generate()
open(sys.argv[1], "wb").write(key.private_bytes(serialization.Encoding.PEM,
    serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
PY
  echo "HULPREGIE_AUDIT_SIGNING_KEY=$PWD/$AUDIT_KEY" >> "$DEV_ENV"
  echo "Made a development signing key for the access log: $AUDIT_KEY"
fi
# Values already in the environment win over the development file.
while IFS= read -r line; do
  case "$line" in ''|\#*) continue ;; esac
  name=${line%%=*}
  value=${line#*=}  # base64 values end in '=': keep everything after the first one
  [ -n "${!name:-}" ] || export "$name=$value"
done < "$DEV_ENV"

FLASK=(.venv/bin/flask --app run)
"${FLASK[@]}" db upgrade
"${FLASK[@]}" roles sync >/dev/null
loaded=$("${FLASK[@]}" demo load --if-empty)
echo "$loaded"
# On later runs the demo is there already: show its logins again.
if ! grep -q "Demo-accounts:" <<<"$loaded" && [ -f instance/demo-credentials.txt ]; then
  echo; echo "Inloggen (demo):"; cat instance/demo-credentials.txt
fi
echo
echo "Hulpregie: http://127.0.0.1:${PORT:-8080}/  (stop with Ctrl-C)"
exec "${FLASK[@]}" run --host 127.0.0.1 --port "${PORT:-8080}"
