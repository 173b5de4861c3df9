"""Seeded templates x slot fillers for the training corpus (synthetic, written for
Homeward; see ``data/PROVENANCE.md``).

Every post is built from an *offer* (the thing a seller, broker or recruiter says), a
*frame* (none for a positive; a warning, news report, police notice, question or
anti-fraud lesson quoting the offer for a hard negative) and a *style* (WeChat Moments,
Douyin comment, Tieba, classified ad, QQ group). Hard negatives also come from their own
templates: legal adoption questions, searches for relatives, IVF clinics, real jobs,
licensed marriage agencies, pet adoption, mothers' chatter.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from .corpus import STYLES, LabelledPost

_T = TypeVar("_T")

# --- slot fillers ----------------------------------------------------------------------

CQ_PLACES = (
    "渝北",
    "江北",
    "渝中",
    "沙坪坝",
    "九龙坡",
    "南岸",
    "巴南",
    "北碚",
    "万州",
    "涪陵",
    "永川",
    "江津",
    "合川",
    "綦江",
    "大足",
    "璧山",
    "铜梁",
    "潼南",
    "荣昌",
    "开州",
    "梁平",
    "武隆",
    "黔江",
    "长寿",
    "南川",
    "丰都",
    "垫江",
    "忠县",
    "云阳",
    "奉节",
    "巫山",
    "巫溪",
    "石柱",
    "秀山",
    "酉阳",
    "彭水",
    "城口",
    "大渡口",
    "主城",
    "解放碑",
    "观音桥",
    "杨家坪",
    "三峡广场",
)
PROVINCES = (
    "四川",
    "贵州",
    "云南",
    "湖南",
    "湖北",
    "河南",
    "广西",
    "广东",
    "安徽",
    "江西",
    "陕西",
    "甘肃",
)
CITIES = (
    "成都",
    "贵阳",
    "昆明",
    "长沙",
    "武汉",
    "郑州",
    "南宁",
    "广州",
    "深圳",
    "东莞",
    "西安",
    "杭州",
    "上海",
    "北京",
)
ABROAD_SCAM = (
    "缅北",
    "缅甸",
    "柬埔寨",
    "西港",
    "金边",
    "老挝",
    "迪拜",
    "菲律宾",
    "妙瓦底",
    "KK园区",
    "金三角",
    "马来西亚",
    "泰国",
)
ABROAD_BRIDE = ("越南", "缅甸", "老挝", "柬埔寨", "巴基斯坦", "乌克兰", "俄罗斯", "印尼")
ABROAD_SURROGACY = (
    "美国",
    "泰国",
    "格鲁吉亚",
    "乌克兰",
    "吉尔吉斯",
    "墨西哥",
    "哈萨克斯坦",
    "柬埔寨",
)
EMOJI = ("🔥", "❤️", "✨", "🌸", "🙏", "💯", "👉", "‼️", "😊", "🤝", "💰", "📞", "✅", "🉑", "⭐")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"

_CN_DIGITS = "零一二三四五六七八九"
_CIRCLED = "⓪①②③④⑤⑥⑦⑧⑨"
_FULL = "０１２３４５６７８９"


class Slots:
    """Random slot fillers from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, options: Sequence[_T]) -> _T:
        return self.rng.choice(options)

    def maybe(self, text: str, p: float = 0.5) -> str:
        return text if self.rng.random() < p else ""

    def phone_digits(self) -> str:
        return (
            self.pick(("13", "15", "17", "18", "19", "16"))
            + str(self.rng.randint(0, 9))
            + "".join(str(self.rng.randint(0, 9)) for _ in range(8))
        )

    def phone(self) -> str:
        digits = self.phone_digits()
        style = self.rng.randint(0, 8)
        if style == 0:
            return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
        if style == 1:
            return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
        if style == 2:
            return "".join(
                _CN_DIGITS[int(d)] if self.rng.random() < 0.8 else d for d in digits
            ).replace("一", self.pick(("一", "幺")))
        if style == 3:
            return "".join(_CIRCLED[int(d)] for d in digits)
        if style == 4:
            return "".join(_FULL[int(d)] for d in digits)
        if style == 5:
            return "+86 " + digits
        if style == 6:
            mixed = [(_CN_DIGITS[int(d)] if i % 3 == 0 else d) for i, d in enumerate(digits)]
            return "".join(mixed)
        return digits

    def wechat_id(self) -> str:
        stems = (
            "lily",
            "baobao",
            "xm",
            "zhang",
            "hr",
            "ai",
            "happy",
            "wang",
            "meimei",
            "kk",
            "vip",
            "jia",
            "yun",
            "sun",
            "tt",
        )
        return f"{self.pick(stems)}{self.pick(('_', '', '-'))}{self.rng.randint(10, 99999)}"

    def wechat(self) -> str:
        cue = self.pick(
            (
                "加v",
                "加V",
                "vx",
                "VX：",
                "wx:",
                "威信",
                "薇信",
                "微信",
                "加微",
                "➕v",
                "v信",
                "绿泡泡",
                "加薇",
            )
        )
        return f"{cue}{self.pick(('', ' ', '：'))}{self.wechat_id()}"

    def qq(self) -> str:
        cue = self.pick(("扣扣", "QQ", "qq", "企鹅", "Q Q", "扣扣号", "抠抠"))
        return f"{cue}{self.pick(('', ' ', '：'))}{self.rng.randint(10000, 3999999999)}"

    def contact(self) -> str:
        return self.pick(
            (
                self.wechat(),
                self.wechat(),
                f"电话{self.phone()}",
                f"{self.phone()}（微信同号）",
                self.qq(),
                "私聊",
                "私信我",
                "滴滴我",
                "看主页",
                "详聊",
                "dd我",
                f"联系人{self.pick(SURNAMES)}{self.pick(('姐', '哥', '老师', '经理', '总'))} {self.phone()}",
            )
        )

    def money(self, low: int, high: int, unit: str = "万") -> str:
        value = self.rng.randint(low, high)
        form = self.rng.randint(0, 4)
        if unit == "万":
            if form == 0:
                return f"{value}万"
            if form == 1:
                return f"{value}w"
            if form == 2:
                return f"{value}个"
            if form == 3:
                return f"{_cn_number(value)}万"
            return f"{value * 10000}元"
        if form <= 2:
            return f"{value}{unit}"
        return f"{_cn_number(value)}{unit}"

    def age_range(self, low: int, high: int) -> str:
        a = self.rng.randint(low, high - 3)
        b = self.rng.randint(a + 2, high)
        return self.pick((f"{a}-{b}岁", f"{a}到{b}岁", f"{a}～{b}周岁", f"年龄{a}-{b}"))

    def cq(self) -> str:
        return self.pick(CQ_PLACES)

    def emoji(self) -> str:
        return "".join(self.rng.sample(EMOJI, self.rng.randint(1, 3)))

    def year(self) -> int:
        return self.rng.randint(1978, 2016)


def _cn_number(value: int) -> str:
    if value < 10:
        return _CN_DIGITS[value]
    if value < 20:
        return "十" + (_CN_DIGITS[value % 10] if value % 10 else "")
    if value < 100:
        return _CN_DIGITS[value // 10] + "十" + (_CN_DIGITS[value % 10] if value % 10 else "")
    return str(value)


# --- offers per label -----------------------------------------------------------------

Builder = Callable[[Slots], list[str]]


def _adoption(s: Slots) -> list[str]:
    baby = s.pick(
        (
            "男宝",
            "女宝",
            "男孩",
            "女孩",
            "宝宝",
            "宀宝",
            "男bao",
            "囡宝",
            "小公主",
            "小王子",
            "婴儿",
            "👶",
            "新生儿",
            "龙凤胎",
        )
    )
    age = s.pick(
        (
            "刚满月",
            "出生十天",
            "刚出生",
            "两个月大",
            "出生一周",
            "三个月",
            "快半岁了",
            "预产期下个月",
            "还没出生，预产期" + s.pick(("月底", "下个月", "年底")),
            "一岁多",
        )
    )
    opening = s.pick(
        (
            f"送养{baby}",
            f"有{baby}找好人家",
            f"{s.pick(('亲戚', '朋友', '表妹', '邻居', '同事'))}家{baby}想送人",
            f"出{baby}一个",
            f"{baby}寻找有缘的家庭",
            f"家里负担不起，{baby}想找人接手",
            f"未婚生子，{baby}想送养",
            f"收{baby}",
            f"求抱养{baby}一个",
            f"高价收购{baby}",
            f"转让{baby}",
            f"想要{baby}的看过来",
            "有没有想抱养孩子的",
            f"有需要{baby}的家庭吗",
            f"有渠道弄到{baby}，比福利院快多了",
            f"有偿转让{baby}",
            f"{baby}忍痛割爱",
            f"长期有{baby}资源",
            f"想要孩子的找我，{baby}",
        )
    )
    details = [
        s.pick((age, f"{baby}{age}", f"{age}，健康")),
        s.pick(
            (
                "健康无病",
                "体检报告齐全",
                "可以视频看孩子",
                "长得很乖",
                "四肢健全",
                "父母都是大学生",
                "基因好",
                "不哭不闹",
            )
        ),
        s.maybe(
            s.pick(
                (
                    "出生证明可以一起给",
                    "手续我们来办",
                    "能上户口",
                    "可以办出生证",
                    "户口不是问题",
                    "不用走福利院",
                    "不走正规程序",
                    "可以直接上你家户口",
                    "医院那边有人",
                    "出生证上直接写你们名字",
                )
            ),
            0.7,
        ),
    ]
    money = s.pick(
        (
            f"营养费{s.money(3, 20)}",
            "营养费私聊",
            "yyf私聊",
            f"感谢费{s.money(2, 15)}",
            f"红包{s.money(1, 10)}意思一下",
            f"补偿对方{s.money(5, 30)}",
            "价格好商量",
            f"辛苦费{s.money(3, 12)}",
            f"预算{s.money(5, 25)}",
            "费用面谈",
            "诚心要的来",
        )
    )
    extra = s.maybe(
        s.pick(
            (
                f"{s.cq()}可以面交",
                f"{s.pick(PROVINCES)}的也行，可以送过去",
                "人贩子勿扰",
                "不要问太多",
                "只要诚心的",
                "急",
                "非诚勿扰",
            )
        ),
        0.6,
    )
    return [opening, *details, money, extra, s.contact()]


def _birth_papers(s: Slots) -> list[str]:
    return [
        s.pick(
            (
                "专业办理出生医学证明",
                "代办出生证",
                "出生证明包办",
                "非婚生子女上户口",
                "孩子没有出生证也能落户",
                "办理新生儿户口",
            )
        ),
        s.pick(
            (
                "非亲生的也能办",
                "抱养的孩子也能上户口",
                "不需要亲子鉴定",
                "医院直接出证",
                "包过",
                "不用父母到场",
            )
        ),
        s.maybe(s.pick(("全国可办", f"{s.cq()}本地", "三天出证", "先办后付款")), 0.6),
        f"费用{s.money(1, 5)}",
        s.contact(),
    ]


def _surrogacy(s: Slots) -> list[str]:
    kind = s.rng.randint(0, 3)
    if kind == 0:
        return [
            s.pick(
                (
                    "试管代孕",
                    "代孕",
                    "助孕",
                    "代yun",
                    "代孕套餐",
                    "三代试管+代孕",
                    "海外代孕",
                    f"{s.pick(ABROAD_SURROGACY)}代孕",
                    "代怀",
                    "圆您父母梦，代怀",
                    "我们有健康的孕母，十个月后抱宝宝回家",
                    "供卵试管+代怀",
                )
            ),
            s.pick(
                (
                    "包成功",
                    "包性别",
                    "包男孩",
                    "不成功退款",
                    "一次成功",
                    "包出生证明",
                    "可选性别",
                    "双胞胎加价",
                )
            ),
            s.maybe(
                s.pick(
                    (
                        "自有代妈团队",
                        "代妈身体健康有生育史",
                        "全程监控",
                        "有合作医院",
                        "北上广渝都有基地",
                        "签正规合同",
                    )
                ),
                0.7,
            ),
            s.maybe(f"价格{s.money(30, 120)}起", 0.6),
            s.contact(),
        ]
    if kind == 1:
        return [
            s.pick(
                (
                    "招募爱心妈妈",
                    "招代妈",
                    "招聘袋鼠妈妈",
                    "诚招孕母",
                    "高薪招代孕妈妈",
                    "找健康女性帮生孩子",
                    "找女的帮忙怀个孩子",
                    "借腹生子",
                    "有偿招募孕妈",
                    "招代怀",
                )
            ),
            s.age_range(20, 35),
            s.pick(("身体健康", "已生育过优先", "无不良嗜好", "不要有纹身", "有过顺产经历")),
            f"补贴{s.money(10, 35)}",
            s.maybe(
                s.pick(("吃住全包", "月子费另算", "签约先付定金", "怀孕后每月生活费", "保密")), 0.7
            ),
            s.contact(),
        ]
    if kind == 2:
        return [
            s.pick(
                (
                    "高价收卵",
                    "捐卵",
                    "招募捐卵志愿者",
                    "卵子捐赠",
                    "供卵",
                    "有偿捐卵",
                    "取卵兼职",
                    "招卵妹",
                    "🥚捐赠",
                )
            ),
            s.age_range(18, 30),
            s.maybe(
                s.pick(
                    ("大学生优先", "身高160以上", "颜值高加价", "学历越高补贴越多", "双眼皮优先")
                ),
                0.7,
            ),
            s.pick(
                (
                    f"一次补贴{s.money(1, 6)}",
                    f"营养费{s.money(1, 5)}",
                    f"报酬{s.money(2, 8)}",
                    "补贴丰厚",
                    f"{s.money(2, 5)}一次",
                )
            ),
            s.maybe(
                s.pick(("全程保密", "不影响以后生育", "打针一周就好", "包来回路费", "不用请假")),
                0.7,
            ),
            s.contact(),
        ]
    return [
        s.pick(("有偿捐精", "收精子", "招捐精兼职", "私人捐精")),
        s.pick(("男大学生", "身高175以上", "18-30岁男性", "研究生优先")),
        f"一次{s.money(2, 9, '千')}",
        s.pick(("私下进行", "不走医院", "可上门", "保密")),
        s.contact(),
    ]


def _bride(s: Slots) -> list[str]:
    kind = s.rng.randint(0, 2)
    country = s.pick(ABROAD_BRIDE)
    girl = s.pick(("新娘", "姑娘", "媳妇", "老婆", "妹子", "女孩", "新娘子"))
    if kind <= 1:
        return [
            s.pick(
                (
                    f"{country}{girl}",
                    f"{country}{girl}介绍",
                    f"娶{country}{girl}",
                    f"{country}{girl}速配",
                    f"跨国婚介 {country}{girl}",
                    f"{country}{girl}相亲团",
                )
            ),
            s.pick(
                ("年轻漂亮", "18-25岁任选", "听话顾家", "吃苦耐劳", "可视频挑选", "包处", "初婚")
            ),
            s.pick(("包领证", "包办证件", "包结婚证", "证件我们办", "手续全包")),
            s.pick(
                (
                    "跑了包换",
                    "保证不跑",
                    "跑了负责找回",
                    "一年内跑了免费再换",
                    "护照我们保管，不会跑",
                    "包跑包换",
                )
            ),
            s.pick(
                (
                    f"全包{s.money(8, 25)}",
                    f"定金{s.money(1, 5)}，见面付尾款",
                    f"介绍费{s.money(5, 20)}",
                    "满意再付款",
                    f"一口价{s.money(10, 20)}",
                )
            ),
            s.maybe(
                s.pick(
                    (
                        "大龄、残疾、离异都可以",
                        "农村光棍优先",
                        "七天成婚",
                        "包来回机票",
                        "带回家直接过日子",
                    )
                ),
                0.7,
            ),
            s.contact(),
        ]
    return [
        s.pick(
            (
                "有个姑娘",
                "有外地女孩",
                f"{s.pick(PROVINCES)}姑娘",
                "山里的姑娘",
                "有个智力有点问题的姑娘",
                "家里欠债的女孩",
            )
        ),
        s.pick(("二十出头", "十九岁", "很老实", "能干活", "不要彩礼")),
        s.pick(
            (
                f"给她家里{s.money(5, 20)}就能领回去",
                f"介绍费{s.money(5, 15)}",
                f"{s.money(8, 20)}带走",
                "钱到位人就跟你走",
            )
        ),
        s.pick(("保证不跑", "身份证我们先保管", "跑了负责找回来", "结不结婚都行", "人可以先带走")),
        s.contact(),
    ]


def _labour(s: Slots) -> list[str]:
    kind = s.rng.randint(0, 4)
    if kind <= 2:
        place = s.pick(ABROAD_SCAM)
        job = s.pick(
            (
                "打字员",
                "客服",
                "游戏推广",
                "网络销售",
                "聊天客服",
                "数据录入",
                "主播助理",
                "电商运营",
                "技术员",
                "翻译",
                "荷官",
            )
        )
        return [
            s.pick(
                (
                    f"{place}高薪招聘{job}",
                    f"海外{job}急招",
                    f"招{job}，地点{place}",
                    f"{place}{job}，懂的来",
                    f"境外{job}高薪",
                    f"高薪{job}，工作地{place}",
                )
            ),
            s.pick(
                (
                    f"月薪{s.money(2, 8)}起",
                    f"底薪{s.money(1, 3)}加提成",
                    f"月入{s.money(3, 10)}",
                    "日结工资",
                    f"一个月轻松{s.money(3, 10)}",
                )
            ),
            s.pick(
                (
                    "包吃包住包机票",
                    "机票公司报销",
                    "落地有人接",
                    "路费全包",
                    "签证公司办",
                    "不用护照也能过去",
                    "走小路过境，安全",
                    "偷渡线路安全",
                )
            ),
            s.pick(
                (
                    "无需经验",
                    "不要学历",
                    "会打字就行",
                    "18-35岁男女不限",
                    "有手就行",
                    "会用手机就行",
                )
            ),
            s.maybe(
                s.pick(
                    (
                        "护照统一保管",
                        "手机统一管理",
                        "交保证金一万",
                        "合同两年，提前走要赔钱",
                        "试用期不能回国",
                        "押金五千",
                        "来了就知道",
                    )
                ),
                0.7,
            ),
            s.contact(),
        ]
    if kind == 3:
        return [
            s.pick(
                (
                    "招带孩子的妇女",
                    "招聋哑人",
                    "招残疾人",
                    "招智力残疾人员",
                    "招街头卖艺的小孩",
                    "招宝妈带小孩",
                )
            ),
            s.pick(
                (
                    "到外地做事",
                    "去火车站一带",
                    "跟团跑江湖",
                    "在景区表演",
                    "去大城市乞讨",
                    "上街募捐",
                )
            ),
            s.pick(
                (
                    f"一天{s.money(2, 5, '百')}",
                    "管吃管住",
                    "按天结算",
                    "孩子越小越好",
                    "带人来的给介绍费",
                )
            ),
            s.pick(("路费我们出", "身份证我们保管", "工资年底结", "不用干重活")),
            s.contact(),
        ]
    return [
        s.pick(("暑假工", "电子厂招工", "工地招小工", "工厂招学徒", "饭店招小工")),
        s.pick(("14岁以上都可以", "十五六岁也要", "初中生可以", "不要身份证", "未成年也行")),
        s.pick(
            ("押金两千", "工资年底一次性结", "身份证统一保管", "每天干十二个小时", "进厂先交中介费")
        ),
        s.pick(("包吃住", "包车接送", f"去{s.pick(CITIES)}")),
        s.contact(),
    ]


def _sexual(s: Slots) -> list[str]:
    kind = s.rng.randint(0, 2)
    if kind == 0:
        return [
            s.pick(
                (
                    "高端会所招聘",
                    "KTV招女公关",
                    "夜场招佳丽",
                    "商务KTV招公主",
                    "招伴游",
                    "招商务模特",
                    "招外围",
                    "酒吧招陪酒",
                    "会所招技师",
                )
            ),
            s.pick(
                (
                    "18岁以上",
                    "学生妹优先",
                    "16岁以上",
                    "年龄不限",
                    "未成年也可以",
                    "初高中生也行",
                    "颜值高",
                    "身材好",
                )
            ),
            s.pick(
                (
                    f"日结{s.money(1, 5, '千')}",
                    f"月入{s.money(3, 10)}",
                    f"一晚{s.money(2, 8, '千')}",
                    "小费另算",
                    "台费日结",
                )
            ),
            s.maybe(
                s.pick(("包住", "可提供路费", "无经验可带", "不用喝酒", "安全有保障", "不用露脸")),
                0.7,
            ),
            s.contact(),
        ]
    if kind == 1:
        place = s.pick(("澳门", "日本", "迪拜", "柬埔寨", "马来西亚", "泰国", "新加坡", "缅甸"))
        return [
            s.pick(
                (
                    f"{place}夜场招聘",
                    f"{place}陪酒",
                    f"{place}高薪女招待",
                    f"出国做{s.pick(('陪酒', '伴游', '女招待', '佳丽'))}",
                    f"{place}夜总会招人",
                )
            ),
            s.pick(("包签证包机票", "机票报销", "落地接机", "签证我们办")),
            s.pick((f"月薪{s.money(3, 10)}", f"一个月轻松{s.money(5, 15)}", "小费另算")),
            s.pick(("年轻女孩优先", "18-25岁", "不需要外语", "学生妹优先", "身高160以上")),
            s.contact(),
        ]
    return [
        s.pick(
            (
                "招兼职小妹",
                "有没有想赚零花钱的妹妹",
                "招私拍模特",
                "招陪聊",
                "招援交",
                "学生兼职陪玩",
            )
        ),
        s.pick(("初中生高中生都可以", "16-20岁", "未成年也可以", "学生优先", "14岁以上")),
        s.pick((f"一次{s.money(5, 30, '百')}", f"一次{s.money(1, 5, '千')}", "报酬丰厚", "日结")),
        s.pick(("不用露脸", "需要发照片", "安全保密", "线下见面", "不用出门")),
        s.contact(),
    ]


OFFERS: dict[str, list[Builder]] = {
    "illegal_adoption": [_adoption, _adoption, _adoption, _birth_papers],
    "surrogacy": [_surrogacy],
    "bride_trafficking": [_bride],
    "forced_labour_recruitment": [_labour],
    "sexual_exploitation": [_sexual],
}

# --- frames that make a quoted offer benign ------------------------------------------------

WARN_BEFORE = (
    "【警惕】有人在群里发这种广告：",
    "提醒大家，最近出现这类信息：",
    "反诈提醒：",
    "看到有人发",
    "今天刷到一条：",
    "家长们注意！网上有这种帖子：",
    "警方提示：以下是典型违法广告，",
    "千万别信：",
    "大家看看这骗子发的：",
    "截图留证，已举报：",
    "转发提醒：",
    "这种都是人贩子：",
    "曝光一个骗局：",
    "又看到这种违法信息了：",
    "新闻：警方通报，犯罪嫌疑人在网上发布",
    "案例分析：嫌疑人以",
    "普法时间：类似",
    "网警提醒：",
    "有人私信我说",
    "我妈差点信了这个：",
    "老师提醒同学们，遇到",
    "社区通知：近期有不法分子发布",
)
WARN_AFTER = (
    "，这是违法的，已经举报了！",
    "，大家千万别信，看到就报警。",
    "，这就是拐卖，请立即拨打110。",
    "，已报警处理。",
    "，这是典型的诈骗话术，别上当。",
    "，涉嫌违法犯罪，平台已删除。",
    "。警方已介入调查。",
    "。该团伙已被警方抓获。",
    "，请大家转告身边的人，提高警惕。",
    "，千万别去，去了就回不来了。",
    "，这种帖子看到直接举报。",
    "，嫌疑人已被刑事拘留。",
    "，属于违法行为，请勿参与。",
    "……这种广告居然还有人信？",
    "，一审被判有期徒刑五年。",
    "，这到底是不是人贩子？我已经报警了。",
    "，大家遇到了一定要举报，保护孩子。",
    "，别为了钱把自己搭进去。",
)


def _quote(s: Slots, offer: str) -> str:
    marks = s.pick((("“", "”"), ("「", "」"), ('"', '"'), ("", ""), ("【", "】"), ("『", "』")))
    return f"{marks[0]}{offer}{marks[1]}"


def warning(s: Slots, offer: str) -> str:
    return f"{s.pick(WARN_BEFORE)}{_quote(s, offer)}{s.pick(WARN_AFTER)}"


# --- hard negatives with the same vocabulary and no offer -----------------------------------


def _legal_adoption(s: Slots) -> list[str]:
    return [
        s.pick(
            (
                "请问正规收养孩子需要什么条件",
                "想去福利院领养一个孩子，流程是怎样的",
                "民政局办理收养登记要带哪些材料",
                "收养法规定收养人要满三十周岁吗",
                "我们结婚八年没孩子，想依法收养",
                "亲戚的孩子父母双亡，我想收养，怎么办手续",
                "继子女收养登记怎么办",
                "想问问福利院领养要等多久",
            )
        ),
        s.pick(
            ("有经验的朋友说一下", "谢谢大家", "求解答", "会不会很难", "我们在" + s.cq(), "在线等")
        ),
    ]


def _search_relatives(s: Slots) -> list[str]:
    year = s.year()
    return [
        s.pick(
            (
                f"寻亲：{year}年在{s.cq()}走失",
                f"帮朋友寻亲，{year}年被抱养到{s.pick(PROVINCES)}",
                f"寻找亲生父母，我{year}年出生，小时候被送养",
                f"寻子：儿子{year}年在{s.cq()}{s.pick(('火车站', '菜市场', '学校门口', '家门口'))}被拐",
                f"我奶奶当年是被人贩子卖到{s.pick(PROVINCES)}的，想帮她找老家的亲人",
                f"我是{year}年被买来的孩子，养父母对我很好，但我想找亲生父母",
                f"寻找我妹妹，{year}年被人带走，当时{s.rng.randint(2, 9)}岁",
            )
        ),
        s.pick(
            (
                "左手有疤",
                "额头有胎记",
                "会说重庆话",
                "当时穿红色衣服",
                "耳朵后面有颗痣",
                "记得家门口有条河",
            )
        ),
        s.pick(
            (
                "已采血入库",
                "请大家帮忙转发",
                "有线索请联系宝贝回家志愿者",
                "已在公安机关登记DNA",
                "谢谢好心人",
            )
        ),
        s.maybe(s.contact(), 0.4),
    ]


def _ivf(s: Slots) -> list[str]:
    return [
        s.pick(
            (
                "正规医院生殖中心",
                "公立医院辅助生殖科",
                "试管婴儿科普",
                f"{s.cq()}某三甲医院生殖医学中心",
                "做试管的姐妹交流一下",
                "第三代试管婴儿技术介绍",
                "冻卵在国内合法吗",
            )
        ),
        s.pick(
            (
                "夫妻双方持结婚证和身份证就诊",
                "严格遵守国家规定，不开展代孕",
                "国内捐卵只能在正规医院无偿进行",
                "代孕在我国是违法的",
                "我们是在公立医院做的，一次就成功了",
                "医保可以报销一部分",
                "取卵有点疼但能忍",
                "人类精子库招募志愿者，需符合条件，经严格体检",
                "促排卵要打针十天左右",
            )
        ),
        s.maybe(s.pick(("预约挂号请走官方渠道", "有问题可以问我", "祝大家好孕", "好孕连连")), 0.6),
    ]


def _legal_marriage(s: Slots) -> list[str]:
    return [
        s.pick(
            (
                "民政备案婚恋服务机构",
                "本地单身青年联谊会",
                "工会组织青年交友活动",
                "涉外婚姻登记咨询",
                f"{s.cq()}相亲角周末活动",
                "正规婚介，实名认证",
                "我老婆是越南人，我们在广州打工认识的",
            )
        ),
        s.pick(
            (
                "双方自愿，依法登记",
                "拒绝一切收费陷阱",
                "不收介绍费",
                "婚姻自由，反对包办买卖婚姻",
                "提醒大家：所谓“包领证包换人”的跨国婚介都是违法的",
                "有感情基础才能走得长远",
                "彩礼问题大家怎么看",
            )
        ),
        s.maybe(s.pick(("欢迎报名", "详询工会", "祝有情人终成眷属", "有兴趣可以了解")), 0.6),
    ]


def _real_job(s: Slots) -> list[str]:
    return [
        s.pick(
            (
                f"{s.cq()}电子厂招普工",
                "物流公司招分拣员",
                "超市招收银员",
                "KTV招服务员、收银员",
                "酒店招前台",
                "餐厅招服务员",
                "公司招客服专员",
                "招聘文员打字员",
                "外贸公司招翻译",
                "驾校招教练",
                "对外劳务合作企业招聘赴新加坡建筑工人",
                "残联组织残疾人就业招聘会",
                "暑假工招聘（满16周岁）",
            )
        ),
        s.pick(
            (
                f"月薪{s.rng.randint(3, 9)}000-{s.rng.randint(6, 12)}000",
                "五险一金",
                "双休",
                "包工作餐",
                "底薪加绩效",
            )
        ),
        s.pick(
            (
                "签正式劳动合同",
                "不收任何费用",
                "持证经营，可查资质",
                "不扣证件",
                "工资按月发放",
                "需本人身份证办理入职",
            )
        ),
        s.maybe(f"地址：{s.cq()}区{s.pick(('工业园', '商圈', '物流园'))}", 0.5),
        s.maybe(f"电话{s.phone()}", 0.5),
    ]


def _news(s: Slots) -> list[str]:
    return [
        s.pick(
            (
                "警方破获一起特大拐卖儿童案，解救婴儿" + str(s.rng.randint(3, 20)) + "名",
                "跨国拐卖妇女团伙落网，犯罪嫌疑人以介绍外籍新娘为名收取高额费用",
                "多名被骗至缅北的人员被遣返回国，当地警方提醒勿信境外高薪招聘",
                "法院审理一起组织未成年人有偿陪侍案",
                "警方捣毁一个非法代孕窝点，现场查获大量促排卵药物",
                "公安机关开展打击拐卖妇女儿童专项行动",
                "又一地出现网上贩卖婴儿案件，嫌疑人以“送养”“营养费”为幌子",
                "网信部门清理一批涉及非法收养、代孕的违法信息",
            )
        ),
        s.pick(
            (
                "据了解",
                "记者从警方获悉",
                "目前案件正在进一步审理中",
                "相关嫌疑人已被依法逮捕",
                "涉案人员已被移送起诉",
            )
        ),
        s.maybe(
            s.pick(
                ("市民如发现线索可拨打110举报", "警方提醒广大群众提高警惕", "请广大家长看护好孩子")
            ),
            0.7,
        ),
    ]


def _everyday(s: Slots) -> list[str]:
    return [
        s.pick(
            (
                "女宝刚满月，晚上总哭闹怎么办",
                "男宝两个月了，奶粉吃哪个牌子好",
                "出售二手婴儿车，九成新",
                "送养一只英短猫，三个月大，疫苗已打",
                "狗狗找领养，已绝育，需签领养协议",
                "宝宝出生证明丢了怎么补办",
                "新生儿落户需要哪些材料",
                "营养费怎么算？孩子住院期间的营养费能赔吗",
                "越南旅游攻略，河内三日游",
                "去柬埔寨吴哥窟玩了五天，分享一下",
                "泰国清迈自由行",
                "缅甸玉石的真假怎么分辨",
                "KTV唱歌哪家好",
                "在家当宝妈，想找份兼职",
                "二胎女宝出生啦，感谢医生护士",
                "代购日本奶粉，正品保证",
                "代驾服务，24小时",
                "代课老师招聘",
                "捐血活动，献出爱心",
                "鸡蛋卵磷脂的作用",
                "袋鼠妈妈育儿法是什么",
                "婚纱照拍摄套餐",
                "相亲遇到彩礼要三十万怎么办",
            )
        ),
        s.pick(
            (
                "求推荐",
                "谢谢",
                "有懂的吗",
                "分享给大家",
                "大家觉得呢",
                "价格私聊",
                "有需要的联系",
                "好开心",
            )
        ),
        s.maybe(s.pick((f"坐标{s.cq()}", s.emoji(), "")), 0.5),
    ]


def _asked_about(s: Slots) -> list[str]:
    offer = "，".join(piece for piece in s.rng.choice(list(OFFERS.values()))[0](s)[:3] if piece)
    return [
        s.pick(
            (
                "有人私信我说",
                "刷到一个帖子说",
                "朋友圈有人发",
                "同学给我看了个广告：",
                "我妈收到短信：",
            )
        ),
        _quote(s, offer),
        s.pick(
            (
                "这是真的吗？感觉像骗子",
                "这是不是违法的？",
                "我没理他，直接拉黑了",
                "这种要不要报警？",
                "大家帮我看看是不是人贩子",
                "已经截图交给派出所了",
                "这不就是拐卖吗",
            )
        ),
    ]


def _past_event(s: Slots) -> list[str]:
    year = s.year()
    return [
        s.pick(
            (
                f"{year}年我家隔壁的孩子被人抱走了，至今没找到",
                f"我爸说{year}年的时候村里有人贩子来收孩子",
                f"{year}年我在{s.pick(CITIES)}打工，被黑中介骗过押金",
                f"我外婆是{year}年被拐卖到{s.pick(PROVINCES)}的",
                f"{year}年那个代孕案子当时很轰动",
                f"{year}年我表姐嫁到了越南那边，后来过得挺好",
                f"{year}年我去缅甸旅游过一次",
            )
        ),
        s.pick(
            (
                "现在想起来还后怕",
                "那时候法律意识太差了",
                "希望那些孩子都能回家",
                "大家有类似经历吗",
                "现在抓得严了",
                "记录一下",
            )
        ),
    ]


def _parenting(s: Slots) -> list[str]:
    baby = s.pick(
        ("男宝", "女宝", "宝宝", "小王子", "小公主", "我家闺女", "我家儿子", "二胎", "新生儿")
    )
    return [
        s.pick(
            (
                f"{baby}{s.pick(('刚满月', '四个月', '出生十天', '半岁', '一岁了', '八个月'))}",
                f"{baby}出生{s.rng.randint(5, 9)}斤{s.rng.randint(1, 9)}两",
                f"{baby}满月酒",
                f"{baby}晚上睡不好",
                f"{baby}黄疸有点高",
            )
        ),
        s.pick(
            (
                "体重正常吗",
                "奶粉怎么选",
                "需要补什么营养",
                "吃母乳还是奶粉好",
                "打什么疫苗",
                "谢谢医生护士",
                "一家人都很开心",
                "宝妈们有经验吗",
                "记录一下",
                "什么时候可以吃辅食",
                "感谢亲朋好友",
            )
        ),
        s.maybe(s.pick(("求推荐", "❤️", "好可爱", f"坐标{s.cq()}")), 0.5),
    ]


HARD_NEGATIVES: list[Builder] = [
    _parenting,
    _asked_about,
    _past_event,
    _legal_adoption,
    _search_relatives,
    _ivf,
    _legal_marriage,
    _real_job,
    _news,
    _everyday,
]

# --- styles -------------------------------------------------------------------------------


def styled(s: Slots, style: str, pieces: list[str]) -> str:
    pieces = [piece for piece in pieces if piece]
    if style == "wechat_moments":
        sep = s.pick(("，", "，", " ", "\n", "～"))
        body = sep.join(pieces)
        return f"{s.maybe(s.emoji(), 0.6)}{body}{s.maybe(s.emoji(), 0.5)}{s.maybe(s.pick(('', '（转）', '朋友托我发的', '转需')), 0.3)}"
    if style == "douyin_comment":
        keep = pieces[: s.rng.randint(2, max(2, len(pieces)))]
        body = s.pick(("，", " ", "")).join(keep)
        return f"{s.maybe(s.pick(('@', '回复@')) + s.pick(SURNAMES) + s.pick(('小姐姐', '大哥', '宝', '')) + ' ', 0.2)}{body}{s.maybe(s.pick(('🤣', '👀', '哈哈', '[捂脸]', '[色]', '懂的都懂')), 0.4)}"
    if style == "tieba":
        body = "，".join(pieces)
        return f"{s.maybe(s.pick(('楼主', '求助', '吧友们', '有没有懂的', '【求】', '顶一下，')), 0.4)}{body}{s.maybe(s.pick(('。', '，楼下说', '。顶', '。谢谢吧友', '？')), 0.6)}"
    if style == "classified":
        if len(pieces) == 1:
            return f"{pieces[0]}{s.maybe('（' + s.cq() + '）', 0.3)}"
        title = pieces[0]
        rest = s.pick(("；", "，", " ", "\n")).join(pieces[1:])
        left, right = s.pick((("【", "】"), ("[", "]"), ("★", "★"), ("", "：")))
        return f"{left}{title}{right} {rest}{s.maybe(s.pick(('。发布于' + s.cq(), '。浏览量' + str(s.rng.randint(30, 9000)), '。个人发布')), 0.5)}"
    body = s.pick(("，", " ", "\n")).join(pieces)
    return f"{s.maybe(s.pick(('@全体成员 ', '群公告：', '【群发】', '扣1了解 ', '')), 0.4)}{body}{s.maybe(s.pick(('，有意者私聊群主', '，进群看', '，扣1', '')), 0.4)}"


# --- the corpus -------------------------------------------------------------------------------

PER_LABEL = 420
QUOTED_WARNINGS_PER_LABEL = 130
HARD_NEGATIVES_PER_BUILDER = 110
EVERYDAY = 140


def generate_posts(*, seed: int) -> Iterator[LabelledPost]:
    """The templated posts: offers per label, quoted warnings, hard negatives, chatter."""
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not secrets
    s = Slots(rng)
    number = 0

    def post(text: str, label: str, style: str, hard: bool, source: str) -> LabelledPost:
        nonlocal number
        number += 1
        return LabelledPost(f"gen-{seed}-{number:05d}", text, label, style, hard, source)

    for label, builders in OFFERS.items():
        for _ in range(PER_LABEL):
            style = rng.choice(STYLES)
            yield post(
                styled(s, style, rng.choice(builders)(s)), label, style, False, "template:offer"
            )
        for _ in range(QUOTED_WARNINGS_PER_LABEL):
            style = rng.choice(STYLES)
            offer = "，".join(piece for piece in rng.choice(builders)(s) if piece)
            yield post(
                styled(s, style, [warning(s, offer)]),
                "benign",
                style,
                True,
                f"template:warning:{label}",
            )
    for builder in HARD_NEGATIVES:
        count = EVERYDAY if builder is _everyday else HARD_NEGATIVES_PER_BUILDER
        for _ in range(count):
            style = rng.choice(STYLES)
            yield post(
                styled(s, style, builder(s)),
                "benign",
                style,
                builder is not _everyday,
                f"template:{builder.__name__.strip('_')}",
            )
