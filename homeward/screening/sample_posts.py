"""A seeded generator of realistic 净网 export rows for the demo and the browser test
(not training data: the engine's corpus lives in ``homeward/screening_engine/data``).

Most posts are ordinary (daily life, jobs, legal adoption questions, 寻亲, news and
warnings that quote an offer); a few are offers in the issue's styles; and one seller
reposts the same ad, with small edits, on several platforms — the lead the review
queue should show as one cluster with his phone and WeChat id."""

from __future__ import annotations

import random
from collections.abc import Iterator

PLATFORMS = ("微信", "抖音", "百度贴吧", "58同城", "QQ群")
DISTRICTS = ("500103", "500101", "500105", "500106", "500112", "")

# The seller of the browser story: one phone, one WeChat id, one ad reposted.
SELLER_PHONE = "13987654321"
SELLER_WECHAT = "baobao_cq2026"
SELLER_AD = (
    "送养男宝，刚满月，健康白胖，家里实在养不起，营养费私聊，诚心要的加v：{wechat}，电话{phone}"
)
SELLER_EDITS = (
    ("男宝", "男宝宝"),
    ("健康白胖", "健康白胖的"),
    ("营养费私聊", "营养费私聊！"),
    ("诚心要的", "诚心的"),
    ("，电话", "，或者打电话"),
)

OFFERS = (
    "出生证明可以办，包上户口，女宝一个，诚心要的加威信 {wechat}",
    "代孕包成功包性别，三代试管，费用面议，联系{phone}",
    "高价求购卵子，20-28岁女生，一次补贴三万，加v {wechat}",
    "越南新娘包领证，跑了包换，全程三万八，微信 {wechat}",
    "招打字员，月薪三万，包吃住，机票报销，去缅北，扣扣 {qq}",
    "招聘KTV公主，18岁以下也可以，日结高薪，加v {wechat}",
    "带小孩的妇女可以来，每天街上要钱给你分成，联系 {phone}",
)
BENIGN = (
    "今天带孩子去解放碑玩了，人好多，小家伙很开心",
    "请问在重庆办理收养登记需要准备哪些材料？民政局怎么预约？",
    "寻亲：1998年在朝天门走失一名男孩，小名幺娃，左肩有胎记，请好心人转发",
    "警惕！有人在网上发布“送养男宝，营养费私聊”的信息，这是拐卖儿童的犯罪行为，请大家举报",
    "公安提醒：所谓“缅北高薪打字员”都是诈骗，去了护照手机都会被收走，千万别信",
    "正规试管婴儿医院推荐，重医附一院生殖中心，挂号要早",
    "招聘仓库管理员，渝北区，五险一金，月薪六千，有意者投简历",
    "新闻：警方打掉一个跨境拐卖妇女团伙，解救越南籍妇女12名",
    "婚介所正规登记，免费相亲活动本周六在南坪，欢迎单身青年",
    "周末去南山看夜景，吃了一顿火锅，巴适得板",
    "有没有人知道江北哪里有好的幼儿园？孩子明年上小班",
    "转发：如果有人向你打听领养孩子的事，请直接拨打110，不要私下交易",
)


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))


def _wechat(rng: random.Random) -> str:
    return (
        rng.choice(("cq", "yu", "bb", "hy"))
        + "_"
        + "".join(rng.choice("abcdefghjkmnpqrstuvwxyz0123456789") for _ in range(6))
    )


def _seller_text(rng: random.Random) -> str:
    text = SELLER_AD.format(wechat=SELLER_WECHAT, phone=SELLER_PHONE)
    for old, new in rng.sample(SELLER_EDITS, k=rng.randint(0, 2)):
        text = text.replace(old, new)
    return text


def sample_rows(
    count: int, *, seed: int = 15, seller_reposts: int = 12
) -> Iterator[dict[str, str]]:
    """``count`` export rows ``{post_id, platform, url, author, posted_at, text, district}``:
    ``seller_reposts`` of them the seller's ad, about 3 % other offers, the rest ordinary
    posts and hard negatives."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    seller_rows = set(rng.sample(range(count), k=min(seller_reposts, count)))
    for index in range(count):
        platform = (
            PLATFORMS[index % len(PLATFORMS)]
            if index not in seller_rows
            else rng.choice(PLATFORMS[:3])
        )
        if index in seller_rows:
            text, author, district = _seller_text(rng), "爱心妈妈", "500103"
        elif rng.random() < 0.03:
            text = rng.choice(OFFERS).format(
                phone=_phone(rng), wechat=_wechat(rng), qq=str(rng.randint(10**7, 10**10))
            )
            author, district = f"用户{rng.randint(1000, 99999)}", rng.choice(DISTRICTS)
        else:
            text = rng.choice(BENIGN)
            if rng.random() < 0.5:
                text += rng.choice(("", "。", "～", "！", " 转给需要的人", "，大家注意"))
            text += f" #{rng.randint(1, 10**6)}"
            author, district = f"网友{rng.randint(1000, 99999)}", rng.choice(DISTRICTS)
        day = 1 + index % 28
        yield {
            "post_id": f"jw-{seed}-{index:06d}",
            "platform": platform,
            "url": f"https://example.cn/{index % 5}/{seed}/{index}",
            "author": author,
            "posted_at": f"2026-11-{day:02d} {index % 24:02d}:{index % 60:02d}",
            "text": text,
            "district": district,
        }
