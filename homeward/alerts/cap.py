"""CAP 1.2 messages (OASIS Common Alerting Protocol) for the partner feed.

Every alert becomes a thread of messages: ``Alert`` when published, ``Update`` for each
ring with its wider circle, ``Cancel`` when the child is found or the alert withdrawn.
Each message carries an info block in zh-CN and one in en-US and references every earlier
message of the thread. The public fields only: the same whitelist as the public page.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - building, not parsing
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from homeward.alerts.models import Alert, AlertStatus, CapMessage

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
SHANGHAI = ZoneInfo("Asia/Shanghai")
LANGUAGES = (("zh-CN", "zh-hans"), ("en-US", "en"))

ET.register_namespace("", CAP_NS)


def cap_time(moment: datetime) -> str:
    """CAP's dateTime form: local time with a numeric offset, no fractions, never "Z"."""
    return moment.astimezone(SHANGHAI).isoformat(timespec="seconds")


def public_url(path: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{CAP_NS}}}{tag}")
    if text is not None:
        element.text = text
    return element


def identifier_for(alert: Alert, sequence: int) -> str:
    return f"cn.cq.homeward.alert.{alert.public_id}.{sequence}"


def _headline(alert: Alert, msg_type: str) -> str:
    if msg_type == CapMessage.MsgType.CANCEL:
        if alert.outcome == Alert.Outcome.FOUND_SAFE:
            return _("Missing child found: %(name)s") % {"name": alert.public_name}
        return _("Alert ended: %(name)s") % {"name": alert.public_name}
    return _("Missing child: %(name)s, %(age)s years old") % {
        "name": alert.public_name,
        "age": alert.age_years,
    }


def _description(alert: Alert) -> str:
    parts = [
        _("Sex: %s") % alert.get_sex_display(),
        _("Age: %s") % alert.age_years,
    ]
    if alert.height_cm:
        parts.append(_("Height: %s cm") % alert.height_cm)
    if alert.build:
        parts.append(_("Build: %s") % alert.build)
    if alert.clothing:
        parts.append(_("Clothing: %s") % alert.clothing)
    if alert.features:
        parts.append(_("Features: %s") % alert.features)
    if alert.last_seen_at:
        parts.append(
            _("Last seen: %(time)s at %(place)s")
            % {
                "time": alert.last_seen_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
                "place": alert.last_seen_place,
            }
        )
    return "; ".join(parts)


# The valueName of a geocode holding a Chinese administrative division code.
GEOCODE_SCHEME = "GB/T 2260"


def _info(
    root: ET.Element,
    alert: Alert,
    msg_type: str,
    radius_km: float,
    cap_lang: str,
    sent: datetime,
) -> None:
    info = _sub(root, "info")
    _sub(info, "language", cap_lang)
    _sub(info, "category", "Rescue")
    _sub(info, "event", _("Child Abduction"))
    _sub(info, "responseType", "AllClear" if msg_type == CapMessage.MsgType.CANCEL else "Monitor")
    _sub(info, "urgency", "Immediate")
    _sub(info, "severity", "Severe")
    _sub(info, "certainty", "Observed")
    if alert.last_seen_at:
        _sub(info, "onset", cap_time(alert.last_seen_at))
    # A Cancel expires at once; an Alert or Update when a newer message should have
    # replaced it (partners drop expired messages from their displays).
    expires = sent
    if msg_type != CapMessage.MsgType.CANCEL:
        expires = sent + timedelta(hours=settings.ALERT_CAP_EXPIRES_HOURS)
    _sub(info, "expires", cap_time(expires))
    _sub(info, "senderName", _("Chongqing Public Security Bureau"))
    _sub(info, "headline", _headline(alert, msg_type))
    if msg_type == CapMessage.MsgType.CANCEL:
        _sub(info, "description", _("The alert has ended. Thank you for your help."))
    else:
        _sub(info, "description", _description(alert))
        _sub(
            info,
            "instruction",
            _("If you see this child, call %(hotline)s at once or report a sighting.")
            % {"hotline": alert.hotline},
        )
    _sub(info, "web", public_url(reverse("public_alerts:detail", args=[alert.public_id])))
    _sub(info, "contact", alert.hotline)
    if msg_type != CapMessage.MsgType.CANCEL and alert.photo:
        resource = _sub(info, "resource")
        _sub(resource, "resourceDesc", _("Photo"))
        _sub(resource, "mimeType", "image/jpeg")
        _sub(resource, "uri", public_url(reverse("public_alerts:photo", args=[alert.public_id])))
    area = _sub(info, "area")
    _sub(area, "areaDesc", alert.last_seen_place or alert.division.name_zh)
    if alert.latitude is not None and alert.longitude is not None:
        _sub(area, "circle", f"{alert.latitude:.5f},{alert.longitude:.5f} {radius_km:g}")
    geocode = _sub(area, "geocode")
    _sub(geocode, "valueName", GEOCODE_SCHEME)
    _sub(geocode, "value", alert.division.code)


def build_cap(
    alert: Alert,
    *,
    sequence: int,
    msg_type: str,
    sent: datetime,
    radius_km: float,
    earlier: list[CapMessage],
) -> tuple[str, str]:
    """The identifier and XML text of one message of ``alert``'s thread."""
    identifier = identifier_for(alert, sequence)
    root = ET.Element(f"{{{CAP_NS}}}alert")
    _sub(root, "identifier", identifier)
    _sub(root, "sender", settings.ALERT_CAP_SENDER)
    _sub(root, "sent", cap_time(sent))
    _sub(root, "status", "Actual")
    _sub(root, "msgType", msg_type)
    _sub(root, "scope", "Public")
    if msg_type == CapMessage.MsgType.CANCEL:
        # A note for the partners' systems, in English like the CAP vocabulary.
        _sub(root, "note", "Child found" if alert.status == AlertStatus.RESOLVED else "Withdrawn")
    if earlier:
        _sub(
            root,
            "references",
            " ".join(
                f"{settings.ALERT_CAP_SENDER},{m.identifier},{cap_time(m.sent)}" for m in earlier
            ),
        )
    _sub(root, "incidents", str(alert.public_id))
    for cap_lang, django_lang in LANGUAGES:
        with translation.override(django_lang):
            _info(root, alert, msg_type, radius_km, cap_lang, sent)
    xml = ET.tostring(root, encoding="unicode", xml_declaration=False)
    return identifier, '<?xml version="1.0" encoding="UTF-8"?>\n' + xml
