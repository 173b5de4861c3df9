"""Synthetic Chinese names and identity numbers. Every value is drawn from a seeded
random generator; none belongs to a real person on purpose. Generated ID numbers
use birth dates and sequence codes from the generator and carry a valid GB 11643
check digit so that validation paths are exercised."""

from __future__ import annotations

import random
from datetime import date, timedelta

from homeward.people.validators import id_number_check_digit

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤冉"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红梅鑫波斌宇浩凯晨欣怡佳琪雨萱梓"
    "涵子轩睿博文昊然思彤嘉一诺可馨语晴俊熙天佑若汐雅婷志鹏建国春兰海燕晓东丹丹小龙家乐"
)
ETHNICITIES = ("汉族",) * 18 + ("土家族", "苗族")


def person_name(rng: random.Random) -> str:
    surname = rng.choice(SURNAMES)
    length = 1 if rng.random() < 0.3 else 2
    return surname + "".join(rng.choice(GIVEN_CHARS) for _ in range(length))


def birth_date(rng: random.Random, *, min_age: int, max_age: int, today: date) -> date:
    days = rng.randint(min_age * 365, max_age * 365 + 364)
    return today - timedelta(days=days)


def id_number(rng: random.Random, *, division_code: str, born: date, sex: str) -> str:
    sequence = rng.randint(0, 99) * 10 + (
        rng.choice((1, 3, 5, 7, 9)) if sex == "male" else rng.choice((0, 2, 4, 6, 8))
    )
    first17 = f"{division_code}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_number_check_digit(first17)


def mobile_phone(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"
