"""Document numbers and verification codes (N10) — formatting rules only."""
from __future__ import annotations

import secrets

VERIFICATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


def document_number(issuer_code: str, year: int, seq: int) -> str:
    """`机关代字〔YYYY〕N号`: six-cornered brackets, full year, no leading zeros (GB/T 9704, N10)."""
    if seq < 1:
        raise ValueError("document sequence numbers start at 1")
    return f"{issuer_code}〔{year}〕{seq}号"


def verification_code() -> str:
    raw = "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))
