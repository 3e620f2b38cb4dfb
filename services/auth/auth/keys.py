"""The token signing key pair: `python -m auth.keys --private P --public Q` creates it once."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def ensure_key_pair(
    private_path: Path, public_path: Path, *, owner_uid: int | None = None
) -> tuple[Path, Path]:
    """Create an Ed25519 pair unless the private key exists; (re)write the matching public key."""
    private_path.parent.mkdir(parents=True, exist_ok=True)
    public_path.parent.mkdir(parents=True, exist_ok=True)
    if private_path.exists():
        private_key = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
    else:
        private_key = Ed25519PrivateKey.generate()
        private_pem = private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        # Created 0600 from the start, so the key is never readable by others, even briefly.
        fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(private_pem)
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if not public_path.exists() or public_path.read_bytes() != public_pem:
        public_path.write_bytes(public_pem)
    if owner_uid is not None:
        # In containers a root one-shot creates the pair for the non-root auth process.
        os.chown(private_path, owner_uid, -1)
    return private_path, public_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--private", type=Path, required=True, help="private key PEM path")
    parser.add_argument("--public", type=Path, required=True, help="public key PEM path")
    parser.add_argument("--owner-uid", type=int, help="give the private key to this user")
    args = parser.parse_args(argv)
    private_path, public_path = ensure_key_pair(args.private, args.public, owner_uid=args.owner_uid)
    print(f"signing key: {private_path}\nverification key: {public_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
