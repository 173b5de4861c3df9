"""The comparison report as PDF, in the layout of a parentage report."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from homeward.core.pdf import Watermark, build, styles, table
from homeward.dna.models import MatchCandidate
from homeward.kinship.decisions import probability_of_parentage

__all__ = ["Watermark", "candidate_report_pdf", "cpi_parts", "cpi_text"]


def cpi_parts(log10_lr: float) -> tuple[str, int | None]:
    """The combined paternity index as (mantissa, power of ten), from its log10.

    Between 0.01 and a million it is written out (``("12,345.68", None)``); beyond, in
    scientific notation with three significant digits (``("1.27", 15)`` for 1.27 × 10¹⁵),
    as parentage reports print it: never a sixteen-digit number with four decimals.

    >>> cpi_parts(15.10543)
    ('1.27', 15)
    >>> cpi_parts(2.0)
    ('100', None)
    """
    if -2 <= log10_lr < 6:
        value = 10**log10_lr
        return f"{value:,.2f}".rstrip("0").rstrip("."), None
    exponent = math.floor(log10_lr)
    mantissa = round(10 ** (log10_lr - exponent), 2)
    if mantissa >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{mantissa:.2f}", exponent


def cpi_text(log10_lr: float) -> str:
    """The combined paternity index as plain text: ``1.27×10^15`` or ``12,345.68``."""
    mantissa, exponent = cpi_parts(log10_lr)
    return mantissa if exponent is None else f"{mantissa}×10^{exponent}"


def candidate_report_pdf(
    candidate: MatchCandidate, per_locus: list[dict[str, object]], watermark: Watermark
) -> bytes:
    """The report of one hit; ``per_locus`` is its per-locus table as read, for a stated
    purpose, by ``selectors.candidate_loci_read``."""
    style = styles()
    run = candidate.run
    log10_lr = candidate.log10_lr
    cpi = cpi_text(log10_lr)
    story: list[Flowable] = [
        Paragraph(_("Kinship comparison report"), style["title"]),
        Paragraph(_("Chongqing Public Security Bureau · DNA laboratory"), style["subtitle"]),
        Spacer(1, 4 * mm),
    ]
    if candidate.review != MatchCandidate.Review.CONFIRMED:
        warning = ParagraphStyle(
            "warn", parent=style["heading"], textColor=colors.HexColor("#b3261e")
        )
        story.append(
            Paragraph(
                _("NOT CONFIRMED — awaiting re-sampling and re-test (比中待复核)")
                if candidate.is_candidate
                else _("NOT A MATCH — below the decision threshold"),
                warning,
            )
        )
    samples = [
        [_("Purpose"), run.purpose],
        [
            _("Child"),
            f"{candidate.child_specimen.specimen_id} ({candidate.child_specimen.get_sample_type_display()})",
        ],
    ]
    if candidate.family:
        samples.append([_("Reference family"), candidate.family.code])
    if candidate.parent_specimen:
        samples.append([_("Alleged parent"), candidate.parent_specimen.specimen_id])
    story += [Paragraph(_("Samples"), style["heading"]), table(samples, widths=(45 * mm, 125 * mm))]
    loci = [[_("Locus"), _("Child"), _("Father"), _("Mother"), "PI / LR"]]
    for row in per_locus:
        mark = " *" if row["inconsistent"] else ""
        loci.append(
            [
                str(row["locus"]),
                str(row["child"]),
                str(row["father"]),
                str(row["mother"]),
                f"{row['lr']}{mark}",
            ]
        )
    story += [Paragraph(_("Genotypes and indices"), style["heading"]), table(loci, header=True)]
    story.append(
        Paragraph(
            _(
                "* inconsistent with Mendelian inheritance; the index uses the stepwise mutation model (GB/T 37223-2018 practice)."
            ),
            style["body"],
        )
    )
    review = candidate.get_review_display() + (
        f" · {candidate.review_note}" if candidate.review_note else ""
    )
    result = [
        [_("Combined index (CPI)"), f"{cpi} (log10 {log10_lr:.3f})"],
        [
            _("Probability of parentage (prior 0.5)"),
            f"{probability_of_parentage(log10_lr) * 100:.6f}%",
        ],
        [_("Loci compared"), str(candidate.loci_compared)],
        [_("Inconsistent loci"), str(candidate.inconsistent_loci)],
        [_("Decision band"), candidate.get_decision_display()],
        [_("Review"), review],
    ]
    if candidate.expected_chance_hits is not None:
        result.insert(
            2,
            [
                _("Unrelated records expected at this LR in the searched database"),
                f"{candidate.expected_chance_hits:.2g}",
            ],
        )
    if candidate.posterior is not None:
        result.insert(
            3,
            [
                _("Probability with a prior of one in the searched database"),
                f"{candidate.posterior * 100:.4g}%",
            ],
        )
    story += [Paragraph(_("Result"), style["heading"]), table(result, widths=(60 * mm, 110 * mm))]
    provenance = run.provenance
    story.append(Spacer(1, 3 * mm))
    story.append(
        Paragraph(
            _(
                "Engine %(version)s; allele frequencies: Chinese population table (Appendix D), digest %(digest)s; compared against %(size)s reference records. A database match is a lead, not a conclusion: it is confirmed by re-sampling and re-testing with additional loci."
            )
            % {
                "version": provenance.get("engine_version", ""),
                "digest": str(provenance.get("table_digest", ""))[:16],
                "size": provenance.get("index_size", ""),
            },
            style["body"],
        )
    )
    return build(story, title=_("Kinship comparison report"), watermark=watermark)
