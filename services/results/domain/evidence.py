"""Evidence files of a visit (S9, S14): which kinds, how large."""
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = ("image/jpeg", "image/png", "application/pdf")
