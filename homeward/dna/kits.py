"""STR typing kits in use in Chinese public-security laboratories and their loci."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kit(models.TextChoices):
    GOLDENEYE_20A = "goldeneye_20a", "Goldeneye DNA ID 20A"
    AGCU_EX22 = "agcu_ex22", "AGCU Expressmarker 22"
    POWERPLEX_21 = "powerplex_21", "PowerPlex 21"
    GLOBALFILER = "globalfiler", "GlobalFiler"
    SINOFILER = "sinofiler", "Sinofiler"
    IDENTIFILER = "identifiler", "Identifiler"
    OTHER = "other", _("Other (loci as typed)")


@dataclass(frozen=True)
class KitLoci:
    autosomal: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.autosomal)


_CODIS_CORE_13 = (
    "D3S1358", "vWA", "FGA", "D8S1179", "D21S11", "D18S51", "D5S818", "D13S317", "D7S820",
    "D16S539", "TH01", "TPOX", "CSF1PO",
)  # fmt: skip

KIT_LOCI: dict[str, KitLoci] = {
    Kit.GOLDENEYE_20A: KitLoci(
        (
            "D19S433",
            "D5S818",
            "D21S11",
            "D18S51",
            "D6S1043",
            "D3S1358",
            "D13S317",
            "D7S820",
            "D16S539",
            "CSF1PO",
            "Penta D",
            "vWA",
            "D8S1179",
            "TPOX",
            "Penta E",
            "TH01",
            "D12S391",
            "D2S1338",
            "FGA",
        )  # fmt: skip
    ),
    Kit.AGCU_EX22: KitLoci(
        (
            "D3S1358",
            "D13S317",
            "D7S820",
            "D16S539",
            "Penta E",
            "D2S441",
            "TPOX",
            "TH01",
            "D2S1338",
            "CSF1PO",
            "Penta D",
            "D10S1248",
            "D19S433",
            "vWA",
            "D21S11",
            "D18S51",
            "D6S1043",
            "D8S1179",
            "D5S818",
            "D12S391",
            "FGA",
        )  # fmt: skip
    ),
    Kit.POWERPLEX_21: KitLoci(
        (
            "D3S1358",
            "D1S1656",
            "D2S441",
            "D10S1248",
            "D13S317",
            "Penta E",
            "D16S539",
            "D18S51",
            "D2S1338",
            "CSF1PO",
            "Penta D",
            "TH01",
            "vWA",
            "D21S11",
            "D7S820",
            "D5S818",
            "TPOX",
            "D8S1179",
            "D12S391",
            "D19S433",
            "FGA",
        )  # fmt: skip
    ),
    Kit.GLOBALFILER: KitLoci(
        (
            "D3S1358",
            "vWA",
            "D16S539",
            "CSF1PO",
            "TPOX",
            "D8S1179",
            "D21S11",
            "D18S51",
            "D2S441",
            "D19S433",
            "TH01",
            "FGA",
            "D22S1045",
            "D5S818",
            "D13S317",
            "D7S820",
            "SE33",
            "D10S1248",
            "D1S1656",
            "D12S391",
            "D2S1338",
        )  # fmt: skip
    ),
    Kit.SINOFILER: KitLoci(
        (
            "D8S1179",
            "D21S11",
            "D7S820",
            "CSF1PO",
            "D3S1358",
            "D5S818",
            "D13S317",
            "D16S539",
            "D2S1338",
            "D19S433",
            "vWA",
            "D12S391",
            "D18S51",
            "D6S1043",
            "FGA",
        )  # fmt: skip
    ),
    Kit.IDENTIFILER: KitLoci(_CODIS_CORE_13 + ("D2S1338", "D19S433")),
}


def kit_loci(kit: str) -> tuple[str, ...] | None:
    """The autosomal loci of ``kit``; None for "other" (any locus of the table)."""
    entry = KIT_LOCI.get(kit)
    return entry.autosomal if entry else None
