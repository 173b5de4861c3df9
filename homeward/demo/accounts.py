"""Demo accounts: one per role, in a fitting agency. Passwords are random, written
once to a 0600 file under var/ and printed when `make run` starts."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from homeward.core.models import Agency, User
from homeward.core.roles import TWO_FACTOR_ROLES, Role
from homeward.core.services.accounts import temporary_password, user_create


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    agency_code: str
    role: str
    leader_post: str = ""


DEMO_ACCOUNTS = (
    DemoAccount("demo.investigator", "周建国", "500103-public_security", Role.INVESTIGATOR),
    DemoAccount(
        "demo.commander", "罗志鹏", "cq-public_security", Role.ALERT_COMMANDER, "deputy_head"
    ),
    DemoAccount("demo.head", "杨国强", "500103-public_security", Role.INVESTIGATOR, "head"),
    DemoAccount("demo.dna", "覃晓东", "cq-public_security", Role.DNA_ANALYST),
    DemoAccount("demo.caseworker", "冉秀英", "500101-civil_affairs", Role.CIVIL_AFFAIRS_CASEWORKER),
    DemoAccount("demo.welfare", "何晓琳", "500103-civil_affairs", Role.CIVIL_AFFAIRS_CASEWORKER),
    DemoAccount("demo.training", "邓志强", "500103-human_resources", Role.SERVICE_OFFICER),
    DemoAccount("demo.education", "谭静", "500101-education", Role.EDUCATION_OFFICER),
    # Village and school staff in 石柱县 (their township or school: homeward.demo.prevention).
    DemoAccount("demo.director", "马春梅", "500240-civil_affairs", Role.PREVENTION_WORKER),
    DemoAccount("demo.teacher", "秦朝阳", "500240-education", Role.EDUCATION_OFFICER),
    DemoAccount("demo.health", "向春兰", "cq-health", Role.HEALTH_OFFICER),
    # A hotel receptionist in 渝中区: files mandatory reports only (hotels answer to the police).
    DemoAccount("demo.hotel", "刘小燕", "500103-public_security", Role.MANDATORY_REPORTER),
    DemoAccount("demo.legalaid", "黎嘉乐", "500103-justice", Role.LEGAL_AID_OFFICER),
    DemoAccount(
        "demo.womensfed", "冉海燕", "500240-womens_federation", Role.WOMENS_FEDERATION_OFFICER
    ),
    DemoAccount(
        "demo.conference", "蒋思彤", "cq-joint_conference_office", Role.JOINT_CONFERENCE_OFFICER
    ),
    DemoAccount(
        "demo.coordinator", "龚文博", "500101-joint_conference_office", Role.DISTRICT_COORDINATOR
    ),
    DemoAccount("demo.analyst", "汪雨萱", "cq-political_legal", Role.ANALYST),
    # 市委网信办: online screening and 净网 operations with the police.
    DemoAccount("demo.cyberspace", "程思远", "cq-cyberspace", Role.CYBERSPACE_OFFICER),
    DemoAccount("demo.auditor", "段一诺", "cq-big_data", Role.AUDITOR),
    DemoAccount("demo.security", "毛俊熙", "cq-big_data", Role.SECURITY_ADMIN),
    DemoAccount("demo.sysadmin", "史天佑", "cq-big_data", Role.SYSTEM_ADMIN),
)


def accounts_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-accounts.txt"


def demo_accounts_create() -> list[tuple[DemoAccount, str, str | None]]:
    """Create the demo accounts that do not exist yet; return (account, password,
    TOTP secret) for each one created."""
    created = []
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(username=account.username).exists():
            continue
        password = temporary_password(
            User(username=account.username, agency=Agency.objects.get(code=account.agency_code))
        )
        user = user_create(
            actor=None,
            username=account.username,
            full_name=account.full_name,
            agency=Agency.objects.get(code=account.agency_code),
            password=password,
            roles=[account.role],
            is_demo=True,
        )
        if account.leader_post:
            # Seed data only: the leadership post is set by the console bootstrap.
            User.objects.filter(pk=user.pk).update(leader_post=account.leader_post)
        totp_secret = None
        if account.role in TWO_FACTOR_ROLES:
            device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
            import base64

            totp_secret = base64.b32encode(device.bin_key).decode("ascii")
        created.append((account, password, totp_secret))
    if created:
        _append_to_file(created)
    return created


def _append_to_file(created: list[tuple[DemoAccount, str, str | None]]) -> None:
    path = accounts_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        for account, password, secret in created:
            line = (
                f"{account.username}\t{password}\t{Role(account.role).label}\t{account.agency_code}"
            )
            if secret:
                line += f"\tTOTP:{secret}"
            handle.write(line + "\n")


def demo_accounts_text() -> str:
    path = accounts_file()
    return path.read_text(encoding="utf-8") if path.exists() else ""
