"""Who issues the joint inspection letter (configuration, S12: the eco side drafts it)."""
from __future__ import annotations

from dataclasses import dataclass

from shared.config import Settings


@dataclass(frozen=True)
class Issuer:
    code: str = "青环西联函"  # 机关代字
    name: str = "青岛市生态环境局西海岸新区分局"
    contact_name: str = "综合科"
    contact_phone: str = "0532-86988000"

    @classmethod
    def from_settings(cls, settings: Settings) -> "Issuer":
        return cls(code=settings.letters_issuer_code, name=settings.letters_issuer_name,
                   contact_name=settings.letters_contact_name, contact_phone=settings.letters_contact_phone)
