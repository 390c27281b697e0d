"""Who issues the joint inspection letter (configuration, S12: the eco side drafts it)."""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Issuer:
    code: str = "青环西联函"  # 机关代字
    name: str = "青岛市生态环境局西海岸新区分局"
    contact_name: str = "综合科"
    contact_phone: str = "0532-86988000"

    @classmethod
    def from_env(cls, env=None) -> "Issuer":
        env = os.environ if env is None else env
        return cls(code=env.get("LETTERS_ISSUER_CODE", cls.code), name=env.get("LETTERS_ISSUER_NAME", cls.name),
                   contact_name=env.get("LETTERS_CONTACT_NAME", cls.contact_name),
                   contact_phone=env.get("LETTERS_CONTACT_PHONE", cls.contact_phone))
