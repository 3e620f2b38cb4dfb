"""The signing key pair is created once, private to its owner, and kept across runs."""

import stat

from cryptography.hazmat.primitives import serialization

from auth.keys import ensure_key_pair, main


def test_creates_a_private_key_readable_only_by_its_owner(tmp_path):
    private_path, public_path = ensure_key_pair(tmp_path / "k" / "p.pem", tmp_path / "k" / "q.pem")
    assert stat.S_IMODE(private_path.stat().st_mode) == 0o600
    private_key = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
    public_key = serialization.load_pem_public_key(public_path.read_bytes())
    assert public_key.public_bytes_raw() == private_key.public_key().public_bytes_raw()


def test_rerunning_keeps_the_existing_pair(tmp_path):
    assert main(["--private", str(tmp_path / "p.pem"), "--public", str(tmp_path / "q.pem")]) == 0
    first = (tmp_path / "p.pem").read_bytes()
    (tmp_path / "q.pem").unlink()
    main(["--private", str(tmp_path / "p.pem"), "--public", str(tmp_path / "q.pem")])
    assert (tmp_path / "p.pem").read_bytes() == first
    assert (tmp_path / "q.pem").exists()
